"""What a reader of an annotation file hands to :mod:`annotator.imports.apply`, and the report.

A reader turns one document of a file (a JSONL line, a brat ``.ann``/``.txt`` pair, a Label Studio
task's annotation) into the same :class:`~annotator.export.records.ExportDocument` the exports are
written from, with the file and line of the document and of each item, so that every bad item is
reported where it is.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from annotator.export.records import ExportDocument
from annotator.model import Rejection


@dataclass(frozen=True)
class Incoming:
    """One document's annotations from a file. ``record.source`` is "gold" or a coder's name."""

    record: ExportDocument
    path: str
    line: int | None
    item_lines: dict[str, int] = field(default_factory=dict)  # span / link id -> line, where it differs

    def where(self, item_id: str | None = None) -> tuple[str, int | None]:
        return self.path, self.item_lines.get(item_id, self.line) if item_id else self.line


@dataclass
class ImportReport:
    """Counts for the summary line and every rejected item with its file, line and reason."""

    documents_added: int = 0
    spans: int = 0
    links: int = 0
    fields: int = 0
    unchanged: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    def reject(self, path: str, line: int | None, reason: str) -> None:
        self.rejections.append(Rejection(path, line, reason))

    @property
    def exit_code(self) -> int:
        """1 if anything was rejected, so that scripts notice a partial import."""
        return 1 if self.rejections else 0

    def summary(self) -> str:
        return (f"imported {self.spans} spans, {self.links} links, {self.fields} document fields "
                f"({self.documents_added} new documents); {self.unchanged} already there; "
                f"rejected {len(self.rejections)}")
