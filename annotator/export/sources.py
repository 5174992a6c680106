"""Export records from a project: a coder's annotations, or the gold standard.

:class:`ProjectSource` is re-iterable (a format that needs two passes iterates it twice) and reads
the store in bulk, a few queries per 500 documents (:meth:`Project.gold_records`,
:meth:`Project.coder_records`), so an export of 100,000 documents holds 500 in memory per source.
Records come in document order and, within a document, gold first and then each coder in the order
asked.
Spans are in text order (start, longest first, then layer and id), links in the order of their
spans, so that an export of the same data is the same bytes.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from annotator.export.records import ExportDocument, ExportLink, ExportSpan
from annotator.store import DocumentRows, NotFoundError, Project

GOLD = "gold"


@dataclass(frozen=True)
class Selection:
    """What to export: gold and/or coders, optionally some documents, optionally only done ones."""

    gold: bool = False
    coders: tuple[str, ...] = ()
    document_ids: tuple[str, ...] | None = None
    done_only: bool = False

    def __post_init__(self) -> None:
        if not self.gold and not self.coders:
            raise ValueError("choose what to export: the gold standard or one or more coders")
        if self.gold and GOLD in self.coders:
            raise ValueError(f"a coder named {GOLD!r} cannot be exported together with the gold standard")


class ProjectSource:
    """The selected records of a project, document by document."""

    def __init__(self, project: Project, selection: Selection):
        self.project = project
        self.selection = selection
        self._statuses = self._eligible()
        self.document_ids = self._ordered_ids()

    def _eligible(self) -> list[tuple[str, dict[str, str]]]:
        """For each source (gold, coders): document id -> status, for the documents it may export."""
        sel = self.selection
        statuses: list[tuple[str, dict[str, str]]] = []
        if sel.gold:
            # gold_status in bulk: documents with gold are done once marked so, else in progress.
            done = set(self.project.gold_document_ids(done_only=True))
            ids = self.project.gold_document_ids(done_only=sel.done_only)
            statuses.append((GOLD, {d: "done" if d in done else "in_progress" for d in ids}))
        for coder in sel.coders:
            try:
                assignments = self.project.assignments(coder)
            except NotFoundError as exc:
                raise ValueError(str(exc)) from None
            statuses.append((coder, {a.document_id: a.status for a in assignments
                                     if not sel.done_only or a.status == "done"}))
        return statuses

    def _ordered_ids(self) -> list[str]:
        wanted = self.selection.document_ids
        if wanted is not None:
            known = set(self.project.document_titles(wanted))
            missing = [d for d in wanted if d not in known]
            if missing:
                raise ValueError(f"no such documents in the project: {', '.join(missing[:5])}")
        candidates = set().union(*(statuses for _, statuses in self._statuses))
        if wanted is not None:
            candidates &= set(wanted)
        return [d for d in self.project.document_ids() if d in candidates]

    def sources(self) -> list[str]:
        """"gold" and/or the coders' names, in export order."""
        return [source for source, _ in self._statuses]

    def __iter__(self) -> Iterator[ExportDocument]:
        # Each source's rows stream in document order over the documents it exports.
        streams = []
        for source, statuses, gold, ids in self._sources():
            rows = self.project.gold_records(ids) if gold else self.project.coder_records(source, ids)
            streams.append((source, statuses, gold, rows))
        for document in self.project.documents(self.document_ids):
            for source, statuses, gold, rows in streams:
                if document.id in statuses:
                    status = statuses[document.id]
                    yield (self._gold(document, next(rows), status) if gold
                           else self._coder(document, source, next(rows), status))

    def _sources(self) -> Iterator[tuple[str, dict[str, str], bool, list[str]]]:
        """(source, its statuses, is gold, the documents it exports in export order) per source."""
        for i, (source, statuses) in enumerate(self._statuses):
            yield source, statuses, i == 0 and self.selection.gold, [d for d in self.document_ids if d in statuses]

    def extents(self) -> Iterator[list[tuple[str, str, int, int]]]:
        """Each record's spans as (layer, id, start, end), read without their fields: a cheap first
        look for a format that needs one (conll counts its columns). Records come source by
        source, each source's in document order."""
        for source, _, gold, ids in self._sources():
            yield from (self.project.gold_extents(ids) if gold else self.project.annotation_extents(source, ids))

    def _coder(self, document: Any, coder: str, rows: DocumentRows, status: str) -> ExportDocument:
        spans = [ExportSpan(a.id, a.layer, a.start, a.end, a.quote, a.attrs, coder=coder) for a in rows.annotations]
        links = [ExportLink(l.id, l.from_id, l.to_id, l.kind, coder=coder) for l in rows.links]
        return _record(document, coder, spans, links, rows.labels, {}, status, self.project)

    def _gold(self, document: Any, rows: DocumentRows, status: str) -> ExportDocument:
        spans = [ExportSpan(g.id, g.layer, g.start, g.end, g.quote, g.attrs, provenance=g.provenance,
                            covers=g.covers) for g in rows.annotations]
        links = [ExportLink(g.id, g.from_id, g.to_id, g.kind, provenance=g.provenance, covers=g.covers)
                 for g in rows.links]
        labels = rows.labels
        return _record(document, GOLD, spans, links, {f: g.value for f, g in labels.items()},
                       {f: g.provenance for f, g in labels.items()}, status, self.project)


def span_order(span: ExportSpan) -> tuple[int, int, str, str]:
    return (span.start, -span.end, span.layer, span.id)


def _record(document: Any, source: str, spans: list[ExportSpan], links: list[ExportLink],
            labels: dict[str, Any], label_provenance: dict[str, Any], status: str,
            project: Project) -> ExportDocument:
    spans.sort(key=span_order)
    position = {s.id: i for i, s in enumerate(spans)}
    # A link to a span outside the export (it cannot happen in a consistent store) sorts last.
    links.sort(key=lambda l: (position.get(l.from_id, len(spans)), l.kind, position.get(l.to_id, len(spans)), l.id))
    order = {f.id: i for i, f in enumerate(project.codebook.document_fields)}
    fields = dict(sorted(labels.items(), key=lambda kv: (order.get(kv[0], len(order)), kv[0])))
    return ExportDocument(document=document, source=source, spans=tuple(spans), links=tuple(links),
                          labels=fields, label_provenance=dict(label_provenance), status=status)
