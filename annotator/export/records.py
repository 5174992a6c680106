"""What every export format reads: one coded document, from one coder or from the gold standard.

Formats never query the store themselves; :mod:`annotator.export.sources` builds these records
(coders' annotations or gold), so each format is a pure function of records and the codebook.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from annotator.model import Document, Provenance


@dataclass(frozen=True)
class ExportSpan:
    """A span; ``start``/``end`` are code points into ``ExportDocument.document.text``."""

    id: str
    layer: str
    start: int
    end: int
    quote: str
    attrs: dict[str, Any]
    coder: str | None = None            # the coder, for a coder's export
    provenance: Provenance | None = None  # the decision, for a gold export
    covers: tuple[str, ...] = ()        # gold: the coders' annotation ids the decision resolved


@dataclass(frozen=True)
class ExportLink:
    id: str
    from_id: str
    to_id: str
    kind: str
    coder: str | None = None
    provenance: Provenance | None = None
    covers: tuple[str, ...] = ()  # gold: the coders' link ids the decision resolved


@dataclass(frozen=True)
class ExportDocument:
    """One document as coded by ``source`` ("gold" or a coder's name)."""

    document: Document
    source: str
    spans: tuple[ExportSpan, ...]
    links: tuple[ExportLink, ...]
    labels: dict[str, Any] = field(default_factory=dict)
    label_provenance: dict[str, Provenance] = field(default_factory=dict)
    status: str | None = None  # the coder's assignment status, or the gold status
