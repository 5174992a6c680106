"""From an adjudicator's decision to the gold rows that record it (pure: no store access).

Each function returns the rows (or a :class:`~annotator.store.gold.GoldEdit`) that
:meth:`Project.write_gold <annotator.store.gold.GoldStore.write_gold>` applies in one
transaction.  The decision kind of a row follows from how many coders of the document had the
version that became gold (``support``) -- the same rule for spans, links and document fields:

* every coder, and at least ``min_coders`` of them: ``unanimous``;
* more than half of the coders, and at least ``min_coders``: ``majority``;
* at least one coder: ``chosen``; changed by the adjudicator afterwards: ``edited``;
* no coder: ``new``; ruled out: ``rejected`` (its source coders are those who marked nothing).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotator.gold.candidates import (
    MIN_CODERS,
    DocumentCandidates,
    FieldItem,
    LinkItem,
    SpanItem,
    comparable_value,
)
from annotator.model import GoldAnnotation, GoldLabel, GoldLink, Link, Provenance


class DecisionError(ValueError):
    """A decision that cannot be made as asked (e.g. taking a version a coder does not have)."""


def support_decision(n_agree: int, n_coders: int, min_coders: int = MIN_CODERS) -> str:
    """The decision kind of a version that ``n_agree`` of ``n_coders`` coders had (module docstring)."""
    if n_agree == 0:
        return "new"
    if n_agree == n_coders and n_coders >= min_coders:
        return "unanimous"
    if 2 * n_agree > n_coders and n_agree >= min_coders:
        return "majority"
    return "chosen"


def accept_span(doc: DocumentCandidates, item: SpanItem, coder: str, adjudicator: str | None, at: str, *,
                min_coders: int = MIN_CODERS) -> GoldAnnotation:
    """``coder``'s version of ``item`` as gold (replacing the item's earlier decision, if any, so
    that gold links to it stay)."""
    if coder not in item.versions:
        raise DecisionError(f"{coder!r} did not finish {doc.document_id}; its coders are {', '.join(doc.coders)}")
    version = item.versions[coder]
    if version is None:
        raise DecisionError(f"{coder!r} has no {item.layer} span here; reject the item to keep it out of gold")
    # Every coder shares a unanimous item's version: no need to compare them again.
    agreeing = item.coders if item.status == "unanimous" else item.agreeing(coder)
    decision = support_decision(len(agreeing), len(doc.coders), min_coders)
    return GoldAnnotation(_reuse(item), doc.document_id, item.layer, version.start, version.end, version.quote,
                          dict(version.attrs), Provenance(decision, agreeing, adjudicator, at), item.annotation_ids)


def reject_span(doc: DocumentCandidates, item: SpanItem, text: str, adjudicator: str | None,
                at: str) -> GoldAnnotation:
    """A ``rejected`` row for ``item``: its whole extent, no attributes; the source coders are
    those who marked nothing there."""
    absent = tuple(c for c, v in item.versions.items() if v is None)
    return GoldAnnotation(_reuse(item), doc.document_id, item.layer, item.start, item.end, text[item.start:item.end],
                          {}, Provenance("rejected", absent, adjudicator, at), item.annotation_ids)


def _reuse(item: SpanItem) -> str:
    return item.resolution.id if item.resolution is not None else str(uuid.uuid4())


def link_rows(doc: DocumentCandidates, source: GoldAnnotation, kind: str, targets: Sequence[str],
              gold: Mapping[str, GoldAnnotation], existing: Iterable[GoldLink], adjudicator: str | None, at: str, *,
              min_coders: int = MIN_CODERS) -> tuple[list[GoldLink], list[str]]:
    """Rows making ``targets`` (gold span ids) the whole set of ``kind`` links from ``source``.

    Every target some coder proposed (a coder's link between spans the two gold spans cover) and
    that is not chosen gets a ``rejected`` row; earlier rows of the slot that are neither chosen
    nor proposed are dropped.  Returns (rows to write, link ids to drop).
    """
    coder_links = [l for item in doc.links if item.kind == kind for l in item.links if l.from_id in source.covers]
    by_annotation = {a: g.id for g in gold.values() if g.provenance.decision != "rejected" for a in g.covers}
    supporters: dict[str, list[Link]] = {}
    for link in coder_links:
        target = by_annotation.get(link.to_id)
        if target is not None:
            supporters.setdefault(target, []).append(link)
    slot = {l.to_id: l for l in existing if l.from_id == source.id and l.kind == kind}
    chosen = list(dict.fromkeys(targets))
    rows = []
    for target in chosen + [t for t in supporters if t not in chosen]:
        links = supporters.get(target, [])
        agreeing = tuple(c for c in doc.coders if any(l.coder == c for l in links))
        if target in chosen:
            provenance = Provenance(support_decision(len(agreeing), len(doc.coders), min_coders), agreeing,
                                    adjudicator, at)
        else:
            provenance = Provenance("rejected", tuple(c for c in doc.coders if c not in agreeing), adjudicator, at)
        old = slot.get(target)
        rows.append(GoldLink(old.id if old else str(uuid.uuid4()), doc.document_id, source.id, target, kind,
                             provenance, tuple(l.id for l in links)))
    written = {r.to_id for r in rows}
    return rows, [l.id for t, l in slot.items() if t not in written]


def label_row(doc: DocumentCandidates, field_id: str, value: Any, adjudicator: str | None, at: str, *,
              min_coders: int = MIN_CODERS) -> GoldLabel:
    """A document field's gold value (None: the field stays empty, a ``rejected`` row)."""
    item = next((f for f in doc.fields if f.field == field_id), None)
    versions: Mapping[str, Any] = item.versions if item is not None else {c: None for c in doc.coders}
    wanted = comparable_value(value)
    agreeing = tuple(c for c, v in versions.items() if comparable_value(v) == wanted)
    if wanted is None:
        return GoldLabel(doc.document_id, field_id, None, Provenance("rejected", agreeing, adjudicator, at))
    decision = support_decision(len(agreeing), len(doc.coders), min_coders)
    return GoldLabel(doc.document_id, field_id, value, Provenance(decision, agreeing, adjudicator, at))


def accept_field(doc: DocumentCandidates, item: FieldItem, coder: str, adjudicator: str | None, at: str, *,
                 min_coders: int = MIN_CODERS) -> GoldLabel:
    if coder not in item.versions:
        raise DecisionError(f"{coder!r} did not finish {doc.document_id}; its coders are {', '.join(doc.coders)}")
    return label_row(doc, item.field, item.versions[coder], adjudicator, at, min_coders=min_coders)


def link_targets(doc: DocumentCandidates, item: LinkItem, targets: Sequence[str]) -> tuple[GoldAnnotation, list[str]]:
    """The gold source span and gold target ids of a link item's version (``targets``: span item
    ids); DecisionError while the spans involved are not decided yet."""
    spans = {s.id: s for s in doc.spans}
    source = spans[item.from_item].resolution
    if source is None or source.provenance.decision == "rejected":
        raise DecisionError("decide the link's source span first (accept it)")
    gold_targets = []
    for target in targets:
        resolution = spans[target].resolution
        if resolution is None:
            raise DecisionError(f"decide the {spans[target].layer} span at {spans[target].start}–{spans[target].end} "
                                "first: the link points to it")
        if resolution.provenance.decision != "rejected":
            gold_targets.append(resolution.id)
    return source, gold_targets
