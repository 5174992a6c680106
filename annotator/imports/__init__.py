"""Bringing annotations back in: JSONL exports, brat projects, Label Studio exports.

``annotator import-annotations FILE --format jsonl|brat|labelstudio`` reads the file with the
format's reader (:mod:`.jsonl`, :mod:`.brat`, :mod:`.labelstudio`), each of which yields
:class:`~annotator.imports.incoming.Incoming` documents (or rejections, for what cannot be read),
and :mod:`.apply` writes them to the project as a coder's work or as gold. Offsets are checked
against the stored text; each bad item is reported with its file and line and the rest is imported.
A document not yet in the project is added from the file's text (the migration path from brat or
Label Studio into a new project).
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from annotator.imports.incoming import ImportReport
    from annotator.store import Project

FORMATS = ("jsonl", "brat", "labelstudio")


def import_annotations(project: Project, path: Path, fmt: str, *, coder: str | None = None,
                       gold: bool = False) -> ImportReport:
    """Import ``path`` in format ``fmt``; ``coder``: whose work it is (default: as the file says),
    ``gold``: import it as the gold standard. Bad items are in the report, never raised."""
    # Here rather than above: the command line imports this package for FORMATS when it starts.
    from annotator.export.sources import GOLD
    from annotator.imports import brat, jsonl, labelstudio
    from annotator.imports.apply import apply
    from annotator.imports.incoming import ImportReport

    if fmt not in FORMATS:
        raise ValueError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}")
    if gold and coder:
        raise ValueError("import either as gold or as a coder's work, not both")
    reader = {"jsonl": jsonl.read, "brat": brat.read, "labelstudio": labelstudio.read}[fmt]
    report = ImportReport()
    # The reader names the work as the file does; ``coder`` only fills in where the file cannot.
    reader_coder = GOLD if gold else coder
    apply(project, reader(Path(path), project.codebook, coder=reader_coder), report, coder=coder, gold=gold)
    return report
