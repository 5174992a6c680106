"""Coders' edits made after a gold decision: flagged on the gold item, never merged into it.

A gold row remembers (``covers``) which coder annotations and links it decided on, and when
(``decided_at``).  Reading the ``changes`` log of the document, every later coder edit that touches
them is a flag: a span edited or deleted, links from a covered span changed, a document field set
again.  Gold itself never changes on its own; the adjudicator looks and decides again (or not).
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

# Coders' actions on spans, links and fields (annotator.store); gold and bookkeeping actions differ.
_SPAN_ACTIONS = {"update_annotation": "edited the span", "delete_annotation": "deleted the span"}
_LINK_ACTIONS = ("create_link", "delete_link", "set_link_targets")


@dataclass(frozen=True)
class GoldFlag:
    """A coder's change after the gold decision ``gold_id`` (a gold span or link id, or the field
    id for a document field); ``target`` says which."""

    document_id: str
    target: str  # "annotation" | "link" | "label"
    gold_id: str
    coder: str | None
    change: str  # "edited the span" | "deleted the span" | "changed the links" | "set the field again"
    at: str
    seq: int

    @property
    def message(self) -> str:
        return f"{self.coder} {self.change} after the gold decision ({self.at}); gold is unchanged"


def gold_flags(project: Any, document_id: str) -> list[GoldFlag]:
    """Every coder change of ``document_id`` made after the gold decision covering it, in log order."""
    spans = project.gold_annotations(document_id, include_rejected=True)
    links = project.gold_links(document_id, include_rejected=True)
    labels = project.gold_labels(document_id, include_rejected=True)
    if not (spans or links or labels):
        return []
    covering: dict[str, list[Any]] = {}
    for g in spans:
        for annotation_id in g.covers:
            covering.setdefault(annotation_id, []).append(g)
    by_id = {g.id: g for g in spans}
    links_from: dict[str, list[Any]] = {}
    for l in links:
        source = by_id.get(l.from_id)
        for annotation_id in (source.covers if source else ()):
            links_from.setdefault(annotation_id, []).append(l)
    flags = []
    decided = [x.provenance.decided_at for x in (*spans, *links, *labels.values()) if x.provenance.decided_at]
    # Only coders' actions after the first decision can be flags: the rest of the log stays unread.
    for change in project.changes(document_id=document_id, actions=(*_SPAN_ACTIONS, *_LINK_ACTIONS, "set_label"),
                                  after=min(decided) if decided else None):
        p = change.payload
        if change.action in _SPAN_ACTIONS:
            for g in covering.get(p.get("id"), ()):
                if change.at > g.provenance.decided_at:
                    flags.append(GoldFlag(document_id, "annotation", g.id, change.coder, _SPAN_ACTIONS[change.action],
                                          change.at, change.seq))
        elif change.action in _LINK_ACTIONS:
            for l in links_from.get(p.get("from_id"), ()):
                if change.at > l.provenance.decided_at and l.kind == p.get("kind"):
                    flags.append(GoldFlag(document_id, "link", l.id, change.coder, "changed the links", change.at, change.seq))
        elif change.action == "set_label":
            label = labels.get(p.get("field"))
            if label is not None and change.at > label.provenance.decided_at:
                flags.append(GoldFlag(document_id, "label", label.field, change.coder, "set the field again",
                                      change.at, change.seq))
    return flags
