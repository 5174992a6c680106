"""Importing article files into a project: :func:`corpus.iter_corpus` fed to the store in batches.

Qt-free, so the CLI (``annotator import``) and the window's import dialog share it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from annotator.corpus import iter_corpus
from annotator.model import Document, Rejection

if TYPE_CHECKING:
    from annotator.store import Project


@dataclass
class ImportReport:
    """What an import did: counts for the summary line and every rejected item with its reason."""

    imported: int = 0
    duplicates: int = 0
    rejections: list[Rejection] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len(self.rejections)

    @property
    def exit_code(self) -> int:
        """1 if anything was rejected, so scripts notice a partial import; else 0."""
        return 1 if self.rejections else 0

    def summary(self) -> str:
        """One line, e.g. ``imported 12, skipped 3 duplicates, rejected 2``."""
        duplicates = "duplicate" if self.duplicates == 1 else "duplicates"
        return f"imported {self.imported}, skipped {self.duplicates} {duplicates}, rejected {self.rejected}"


def import_paths(
    project: Project,
    paths: Iterable[str | os.PathLike[str]],
    *,
    encoding: str | None = None,
    progress: Callable[[int], None] | None = None,
    batch_size: int = 500,
) -> ImportReport:
    """Import every document under ``paths`` into ``project``; bad items are reported, not raised.

    Documents go to ``project.add_documents`` ``batch_size`` at a time, one transaction each, so
    memory stays flat and an interrupted import keeps the batches already committed (importing
    again skips them as duplicates). ``progress`` is called with the number of items (documents
    and rejections) processed so far, after each batch and at the end.

    Raises ``LookupError`` for an unknown ``encoding`` before anything is read; errors of the
    store itself (a locked or full disk) propagate as the store raises them.
    """
    if batch_size < 1:
        raise ValueError(f"batch_size must be at least 1, not {batch_size}")
    report = ImportReport()
    batch: list[Document] = []
    processed = 0

    def flush() -> None:
        inserted, skipped = project.add_documents(batch)
        report.imported += inserted
        report.duplicates += skipped
        batch.clear()

    for item in iter_corpus(paths, encoding=encoding):
        processed += 1
        if isinstance(item, Rejection):
            report.rejections.append(item)
        else:
            batch.append(item)
            if len(batch) >= batch_size:
                flush()
        # Rejections count too, so a run of bad files still moves the bar.
        if progress is not None and processed % batch_size == 0:
            progress(processed)
    if batch:
        flush()
    if progress is not None:
        progress(processed)
    return report
