"""Automatic acceptance: gold from what the coders agree on, without an adjudicator's clicks.

``mode="unanimous"`` accepts the unanimous items; ``mode="majority"`` also the majority ones (a
majority that marked nothing rejects the span; a majority that left a document field empty
rejects it).  Links are accepted once both their spans are gold, in the same run, so a document's
unanimous spans and the unanimous links between them arrive together.  Items already decided
are never touched; everything else stays for the adjudicator.

Each document's decisions are one :class:`~annotator.store.gold.GoldEdit` with one ``gold_auto``
row in the ``changes`` log; :func:`auto_accept` writes all documents in one transaction.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field, replace
from typing import Any

from annotator.gold.candidates import (
    DOCUMENT,
    LINKS,
    MIN_CODERS,
    Candidates,
    DocumentCandidates,
    SpanItem,
    build_candidates,
)
from annotator.gold.decisions import accept_span, label_row, link_rows, reject_span
from annotator.model import GoldAnnotation
from annotator.store.gold import GoldEdit, now

MODES = ("unanimous", "majority")


@dataclass
class AutoResult:
    """What a run decided and what is left, per span layer, ``links`` and ``document``."""

    mode: str
    documents: int = 0  # candidate documents looked at
    changed: int = 0  # documents that got new gold
    accepted: Counter = field(default_factory=Counter)
    rejected: Counter = field(default_factory=Counter)
    disagreements: Counter = field(default_factory=Counter)  # unresolved and not unanimous, after the run
    waiting: Counter = field(default_factory=Counter)  # unanimous links whose spans are not decided
    excluded: list[tuple[str, str]] = field(default_factory=list)

    def layers(self) -> list[str]:
        seen = {**self.accepted, **self.rejected, **self.disagreements, **self.waiting}
        spans = [k for k in seen if k not in (LINKS, DOCUMENT)]
        return spans + [k for k in (LINKS, DOCUMENT) if k in seen]


def auto_edit(doc: DocumentCandidates, text: str, mode: str, adjudicator: str | None, at: str, *,
              min_coders: int = MIN_CODERS, result: AutoResult | None = None) -> GoldEdit:
    """The gold rows ``mode`` accepts in one document (an empty edit when there are none); counts
    go to ``result``."""
    if mode not in MODES:
        raise ValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
    result = result if result is not None else AutoResult(mode)
    take = {"unanimous"} if mode == "unanimous" else {"unanimous", "majority"}
    spans: list[GoldAnnotation] = []
    decided: dict[str, SpanItem] = {}
    for item in doc.spans:
        if item.resolved:
            decided[item.id] = item
            continue
        if item.status in take:
            if item.majority_version is not None:
                row = accept_span(doc, item, item.majority[0], adjudicator, at, min_coders=min_coders)
                result.accepted[item.layer] += 1
            else:
                row = reject_span(doc, item, text, adjudicator, at)  # its sources: the majority, who marked nothing
                result.rejected[item.layer] += 1
            spans.append(row)
            decided[item.id] = replace(item, resolution=row)
        elif item.status != "unanimous":
            result.disagreements[item.layer] += 1
    gold = {g.id: g for g in [i.resolution for i in decided.values()]}
    links = []
    for item in doc.links:
        if item.resolved:
            continue
        source = decided.get(item.from_item)
        targets = [decided.get(t) for t in item.targets]
        ready = source is not None and all(t is not None for t in targets)
        if ready and source.resolution.provenance.decision == "rejected":
            continue  # moot: no gold span to link from
        if ready and item.status in take:
            chosen = [decided[t].resolution.id for t in item.majority_targets
                      if decided[t].resolution.provenance.decision != "rejected"]
            rows, _ = link_rows(doc, source.resolution, item.kind, chosen, gold, (), adjudicator, at,
                                min_coders=min_coders)
            links += rows
            for row in rows:
                (result.rejected if row.provenance.decision == "rejected" else result.accepted)[LINKS] += 1
        elif item.status == "unanimous":
            result.waiting[LINKS] += 1
        else:
            result.disagreements[LINKS] += 1
    labels = []
    for item in doc.fields:
        if item.resolved:
            continue
        if item.status in take:
            labels.append(label_row(doc, item.field, item.majority_value, adjudicator, at, min_coders=min_coders))
            (result.accepted if item.majority_value is not None else result.rejected)[DOCUMENT] += 1
        elif item.status != "unanimous":
            result.disagreements[DOCUMENT] += 1
    return GoldEdit(doc.document_id, tuple(spans), tuple(links), tuple(labels))


def auto_accept(project: Any, mode: str, *, min_coders: int = MIN_CODERS, adjudicator: str | None = None,
                document_ids: Sequence[str] | None = None, candidates: Candidates | None = None) -> AutoResult:
    """Accept what ``mode`` allows on every candidate document (default: all), in one transaction."""
    if candidates is None:
        candidates = build_candidates(project, document_ids, min_coders=min_coders)
    result = AutoResult(mode, excluded=list(candidates.excluded))
    at = now()
    with project.gold_batch():
        for doc in candidates.all_documents():
            result.documents += 1
            text = project.document(doc.document_id).text
            edit = auto_edit(doc, text, mode, adjudicator, at, min_coders=min_coders, result=result)
            if edit:
                project.write_gold(adjudicator, edit, action="gold_auto",
                                   note={"mode": mode, "min_coders": min_coders})
                result.changed += 1
    return result
