"""Run one export: records from the project, one format, a staged folder, the manifest.

:func:`export` is what ``annotator export`` calls (and what a notebook can call)::

    from annotator.export.exporter import ExportOptions, export
    from annotator.export.sources import Selection
    export(project, Selection(gold=True, done_only=True), "jsonl", Path("exports/gold"))
"""

from __future__ import annotations

import csv
from collections import Counter
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

from annotator import __version__
from annotator.codebook import Codebook
from annotator.export import brat, conll, jsonl, labelstudio, spacy_docbin, tables
from annotator.export.events import ACLED_COLUMNS, PER, UCDP_COLUMNS, acled_rows, ucdp_rows
from annotator.export.output import StagedFolder
from annotator.export.policies import POLICIES, policy
from annotator.export.records import ExportDocument
from annotator.export.sources import ProjectSource, Selection
from annotator.store import Project

FORMATS = ("jsonl", "csv", "brat", "spacy", "conll", "labelstudio", "acled", "ucdp")
EVENT_FORMATS = ("acled", "ucdp")
LS_CODERS_AS = ("annotations", "predictions")
NO_POLICY = {"name": "none", "rule": "counts as coded: the quantifier class with low / best / high; "
                                     "no figure is derived (the acled and ucdp formats apply a policy)"}


@dataclass(frozen=True)
class ExportOptions:
    use_spacy: bool | None = None          # spacy: None = DocBin when spaCy is installed
    labelstudio_coders_as: str = "annotations"
    vague_policy: str | None = None        # acled / ucdp: default = the format's own policy
    events_per: str = "document"           # acled / ucdp: one row per document or per casualty span


class Tally:
    """Counts what flows from the source to a format (reset on each pass: conll reads twice)."""

    def __init__(self, source: Iterable[ExportDocument]):
        self.source = source
        self._reset()

    def _reset(self) -> None:
        self.documents: set[str] = set()
        self.records = 0
        self.layers: Counter[str] = Counter()
        self.links = 0
        self.fields = 0
        self.sources: set[str] = set()
        self.coders: set[str] = set()
        self.adjudicators: set[str] = set()

    def __iter__(self) -> Iterator[ExportDocument]:
        self._reset()
        for doc in self.source:
            self.documents.add(doc.document.id)
            self.records += 1
            self.sources.add(doc.source)
            self.layers.update(s.layer for s in doc.spans)
            self.links += len(doc.links)
            self.fields += len(doc.labels)
            decisions = [s.provenance for s in doc.spans] + [l.provenance for l in doc.links]
            decisions += list(doc.label_provenance.values())
            for p in decisions:
                if p is not None:
                    self.coders.update(p.source_coders)
                    if p.adjudicator:
                        self.adjudicators.add(p.adjudicator)
            if doc.source != "gold":
                self.coders.add(doc.source)
            yield doc

    def counts(self) -> dict[str, Any]:
        return {"documents": len(self.documents), "records": self.records, "spans": sum(self.layers.values()),
                "spans_by_layer": dict(sorted(self.layers.items())), "links": self.links,
                "document_fields": self.fields}


def export(project: Project, selection: Selection, fmt: str, target: Path,
           options: ExportOptions = ExportOptions()) -> dict[str, Any]:
    """Write ``fmt`` for ``selection`` to the folder ``target``; returns the manifest.

    Raises ValueError for a bad request (unknown format, coder, document or policy) and
    :class:`~annotator.export.output.ExportError` when the folder cannot be written.
    """
    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if options.labelstudio_coders_as not in LS_CODERS_AS:
        raise ValueError(f"coders go to Label Studio as {' or '.join(LS_CODERS_AS)}")
    vague = _vague_policy(fmt, options)
    source = ProjectSource(project, selection)
    writer = _writer(fmt, options, vague, source)
    tally = Tally(source)
    with StagedFolder(target) as out:
        details = writer(tally, out, project.codebook)
        manifest = {
            "format": fmt,
            "tool": {"name": "annotator", "version": __version__},
            "exported_at": datetime.now(timezone.utc).isoformat(timespec="seconds"),
            "project": project.path.name,
            "codebook": {"name": project.codebook.name, "version": project.codebook.version,
                         "sha256": project.codebook.sha256},
            "selection": {"gold": selection.gold, "coders": list(selection.coders),
                          "documents": None if selection.document_ids is None else list(selection.document_ids),
                          "done_only": selection.done_only},
            "sources": sorted(tally.sources),
            "counts": tally.counts(),
            "coders": sorted(tally.coders),
            "adjudicators": sorted(tally.adjudicators),
            "vague_count_policy": policy(vague).manifest() if vague else NO_POLICY,
            "offsets": "code points into the stored text (Python str indices); UTF-16 beside them where noted",
            "details": details,
        }
        return out.commit(manifest)


def _vague_policy(fmt: str, options: ExportOptions) -> str | None:
    if fmt not in EVENT_FORMATS:
        if options.vague_policy is not None:
            raise ValueError(f"--vague-policy applies to the acled and ucdp formats, not {fmt}: "
                             "the other formats keep counts as coded")
        return None
    chosen = options.vague_policy or fmt
    policy(chosen)  # a ValueError naming the policies
    if options.events_per not in PER:
        raise ValueError(f"events per {options.events_per!r}? choose one of: {', '.join(PER)}")
    return chosen


Writer = Callable[[Iterable[ExportDocument], StagedFolder, Codebook], dict[str, Any]]


def _writer(fmt: str, options: ExportOptions, vague: str | None, source: ProjectSource) -> Writer:
    if fmt == "conll":
        return lambda docs, out, book: conll.write(docs, out, book, extents=source.extents())
    if fmt == "spacy":
        return lambda docs, out, book: spacy_docbin.write(docs, out, book, use_spacy=options.use_spacy)
    if fmt == "labelstudio":
        return lambda docs, out, book: labelstudio.write(docs, out, book, coders_as=options.labelstudio_coders_as)
    if fmt in EVENT_FORMATS:
        return lambda docs, out, book: _write_events(fmt, docs, out, book, vague or fmt, options.events_per)
    return {"jsonl": jsonl.write, "csv": tables.write, "brat": brat.write}[fmt]


def _write_events(fmt: str, docs: Iterable[ExportDocument], out: StagedFolder, codebook: Codebook,
                  vague: str, per: str) -> dict[str, Any]:
    """acled.csv / ucdp.csv: the events module's rows, with the CSV conventions of tables.py."""
    rows, columns = (acled_rows, ACLED_COLUMNS) if fmt == "acled" else (ucdp_rows, UCDP_COLUMNS)
    name = f"{fmt}.csv"
    count = 0
    with open(out.file(name), "w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(columns)
        for row in rows(docs, codebook, policy=vague, per=per):
            writer.writerow([tables.escape_formula(row[c]) for c in columns])
            count += 1
    return {"files": {name: f"{fmt.upper()}-style event rows"}, "events_per": per, "rows": count,
            "known_policies": sorted(POLICIES)}
