"""What a reader of an annotation file hands to :mod:`annotator.imports.apply`, and the report.

A reader turns one document of a file (a JSONL line, a brat ``.ann``/``.txt`` pair, a Label Studio
task's annotation) into the same :class:`~annotator.export.records.ExportDocument` the exports are
written from, with the file and line of the document and of each item, so that every bad item is
reported where it is.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field, replace
from pathlib import Path

from annotator.corpus import MAX_ITEM_BYTES, MAX_WHOLE_FILE_BYTES, megabytes
from annotator.export.records import ExportDocument
from annotator.model import Rejection

# Ids of imported items that the file does not give as ours derive from what the file says, so
# that importing the same file again finds them.
NAMESPACE = uuid.UUID("6f1c1b8e-4a8e-4f51-9a34-1f6f1d7a0b2c")


# Sizes past which a file is refused rather than read (the corpus reader's limits, see there):
# one document's line or file holds its text (at most MAX_ITEM_BYTES characters, two to four
# bytes each in Arabic or emoji) and its annotations; a Label Studio export is read whole.
MAX_DOCUMENT_BYTES = 4 * MAX_ITEM_BYTES
MAX_FILE_BYTES = MAX_WHOLE_FILE_BYTES


class TooLarge(ValueError):
    """A file over its size limit: ``path``, and ``str()`` says what the limit is."""

    def __init__(self, path: Path, reason: str) -> None:
        super().__init__(reason)
        self.path = path


def derived_id(*parts: str) -> str:
    return str(uuid.uuid5(NAMESPACE, "/".join(parts)))


def read_text(path: Path, limit: int, encoding: str = "utf-8") -> str:
    """A file's text with universal newlines (as ``open`` gives it), reading at most ``limit``
    bytes: TooLarge for a larger file. OSError and UnicodeDecodeError reach the caller."""
    with open(path, "rb") as handle:
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise TooLarge(path, f"larger than {megabytes(limit)}, far more than a document and its annotations; "
                             "is it the right file?")
    return data.decode(encoding).replace("\r\n", "\n").replace("\r", "\n")


@dataclass(frozen=True)
class Incoming:
    """One document's annotations from a file. ``record.source`` is "gold" or a coder's name."""

    record: ExportDocument
    path: str
    line: int | None
    item_lines: dict[str, int] = field(default_factory=dict)  # span / link id -> line, where it differs

    def where(self, item_id: str | None = None) -> tuple[str, int | None]:
        return self.path, self.item_lines.get(item_id, self.line) if item_id else self.line

    def as_coder(self, coder: str) -> "Incoming":
        """The same work as ``coder``'s, with ids derived from the file's (the originals may be
        stored already, as another coder's)."""
        if coder == self.record.source:
            return self
        new = {s.id: derived_id(coder, s.id) for s in self.record.spans}
        new.update({l.id: derived_id(coder, l.id) for l in self.record.links})
        record = replace(self.record, source=coder,
                         spans=tuple(replace(s, id=new[s.id], coder=coder, provenance=None, covers=())
                                     for s in self.record.spans),
                         links=tuple(replace(l, id=new[l.id], from_id=new.get(l.from_id, l.from_id),
                                             to_id=new.get(l.to_id, l.to_id), coder=coder, provenance=None, covers=())
                                     for l in self.record.links),
                         label_provenance={})
        return replace(self, record=record, item_lines={new.get(k, k): v for k, v in self.item_lines.items()})


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
