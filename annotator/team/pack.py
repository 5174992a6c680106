"""A coder's copy: a project file holding one coder's documents, the codebook and their own work.

    result = pack(project, "mona", Path("copies/"))   # copies/mona.copy.annotator.db

The copy holds nothing of other coders (double-coding stays blind) and no gold standard. It is a
normal project file: the coder opens it with ``annotator gui --project FILE --coder mona``. It also
records the pack (``pack_id``, coder, time, the project's id) and the versions of the coder's rows
as packed (``pack_base``), which :mod:`annotator.team.merge` compares against when it comes back.

The file is written under a temporary name in the target folder and renamed when complete, in
SQLite's rollback-journal mode so that it is one file to send; an existing file is never replaced.
"""

from __future__ import annotations

import os
import re
import sqlite3
import uuid
from dataclasses import dataclass
from pathlib import Path

from annotator.store.sqlite_lib import Database

from annotator.schema import migrations
from annotator.store import Project, ProjectError, _now

SUFFIX = ".copy.annotator.db"


class PackError(ProjectError):
    """A copy that cannot be written, in words for the user."""


@dataclass(frozen=True)
class PackResult:
    path: Path
    pack_id: str
    coder: str
    documents: int
    annotations: int


def safe_file_name(name: str) -> str:
    """A coder's name as a file name: letters (any script), digits, ``-`` and ``_``; never a path."""
    cleaned = re.sub(r"[^\w\-]+", "_", name, flags=re.UNICODE).strip("._") or "coder"
    return cleaned[:80]


def copy_path(coder: str, output: Path) -> Path:
    """Where the copy goes: ``output`` itself, or a file named after the coder in ``output`` when it is a folder."""
    return output / (safe_file_name(coder) + SUFFIX) if output.is_dir() else output


def pack(project: Project, coder: str, output: Path) -> PackResult:
    """Write ``coder``'s copy to ``output`` (a file name, or a folder) and log it in the project."""
    target = copy_path(coder, Path(output))
    if target.exists():
        raise PackError(f"{target}: a file of that name exists; choose another name or move it away "
                        "(a coder's copy is never overwritten)")
    if not target.parent.is_dir():
        raise PackError(f"{target.parent}: no such folder")
    rows = project.pack_rows(coder)  # NotFoundError for an unknown coder
    if not rows["documents"]:
        raise PackError(f"{coder} has no documents assigned; assign some first (annotator assign)")
    pack_id = str(uuid.uuid4())
    settings = {"id": pack_id, "coder": coder, "packed_at": _now(), "source_project": project.project_id()}
    partial = target.with_name(f".{target.name}.{pack_id[:8]}.partial")
    try:
        conn = sqlite3.connect(str(partial))
        try:
            db = Database(conn)
            db.execute("PRAGMA foreign_keys = ON")
            migrations.apply(db)
            copy = Project(db, partial, project.codebook)
            copy._store_codebook(project.codebook)
            copy.receive_pack(rows, coder, project.coder_role(coder), settings)
        finally:
            conn.close()
        os.replace(partial, target)
    except (OSError, sqlite3.Error) as exc:
        raise PackError(f"{target}: the copy could not be written: {exc}") from None
    finally:
        if partial.exists():
            partial.unlink()
    project.record_pack(coder, pack_id, [r[0] for r in rows["documents"]], target.name)
    return PackResult(target, pack_id, coder, len(rows["documents"]), len(rows["annotations"]))
