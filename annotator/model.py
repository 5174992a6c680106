"""Plain records passed between the corpus reader, the store, the UI and the exports.

They hold no behaviour beyond small conveniences, so every layer can build and compare them
without a database or Qt.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from typing import Any


def text_sha256(text: str) -> str:
    """Content hash of a document's stored (already normalized) text."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


@dataclass(frozen=True)
class Document:
    """One article. ``text`` is normalized once at import and never changes after."""

    id: str
    title: str
    text: str
    outlet: str | None = None
    url: str | None = None
    published: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    # Where it came from, e.g. "corpus/a.jsonl:12"; reported with import problems.
    origin: str | None = None

    @property
    def sha256(self) -> str:
        return text_sha256(self.text)


@dataclass(frozen=True)
class Rejection:
    """An input item that could not be imported, with where it was and why."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        return f"{where}: {self.reason}"


@dataclass(frozen=True)
class Annotation:
    """A coded span. ``start``/``end`` are code points into the document's stored text."""

    id: str
    document_id: str
    coder: str
    layer: str
    start: int
    end: int
    quote: str
    attrs: dict[str, Any] = field(default_factory=dict)
    created_at: str | None = None
    updated_at: str | None = None


@dataclass(frozen=True)
class Link:
    """A typed relation between two annotations of one coder in one document."""

    id: str
    document_id: str
    coder: str
    from_id: str
    to_id: str
    kind: str


@dataclass(frozen=True)
class Assignment:
    document_id: str
    coder: str
    status: str  # todo | in_progress | done | skipped
    seconds_spent: float = 0.0
    started_at: str | None = None
    finished_at: str | None = None


@dataclass(frozen=True)
class Change:
    """One entry of the append-only change log."""

    seq: int
    at: str
    coder: str | None
    document_id: str | None
    action: str
    payload: dict[str, Any]


# -- gold standard (adjudicated) records ---------------------------------------------------------
# Decision kinds, shared by gold spans, links and document fields.
GOLD_DECISIONS = ("unanimous", "majority", "chosen", "edited", "new", "rejected")


@dataclass(frozen=True)
class Provenance:
    """Where a gold item came from: the decision, the coders whose version it is (or who agreed),
    the adjudicator who decided (None for automatic acceptance) and when."""

    decision: str
    source_coders: tuple[str, ...] = ()
    adjudicator: str | None = None
    decided_at: str | None = None


@dataclass(frozen=True)
class GoldAnnotation:
    """An adjudicated span. Offsets are code points into the stored text, as for coders' spans.

    A ``rejected`` gold annotation records that a candidate span is NOT gold (it resolves the
    disagreement); exports leave rejected items out.
    """

    id: str
    document_id: str
    layer: str
    start: int
    end: int
    quote: str
    attrs: dict[str, Any]
    provenance: Provenance
    # The coders' annotation ids this decision resolved (every version the adjudicator had
    # before them), so that a coder's later edit of one of them can be flagged.
    covers: tuple[str, ...] = ()


@dataclass(frozen=True)
class GoldLink:
    id: str
    document_id: str
    from_id: str  # gold annotation ids
    to_id: str
    kind: str
    provenance: Provenance
    covers: tuple[str, ...] = ()  # the coders' link ids this decision resolved


@dataclass(frozen=True)
class GoldLabel:
    """An adjudicated document-level field."""

    document_id: str
    field: str
    value: Any
    provenance: Provenance
