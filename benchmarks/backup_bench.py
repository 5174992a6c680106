"""Time what opening and backing up cost on a large project (run by hand).

    .venv/bin/python benchmarks/backup_bench.py /tmp/annotator-export-bench/export-bench-10000.annotator.db

The project is copied to a temporary folder first (the original is never opened). Timed, each once:
``PRAGMA quick_check`` (run at every open), ``PRAGMA integrity_check`` (``annotator check``), the
first ``Project.open`` (quick check, schema check, and a backup since the copy has none), a second
open (nothing changed: no backup), a backup with the SQLite backup API, checking a backup before it
is offered (``verify``), and ``restore``. Prints the machine and its load first.
"""

from __future__ import annotations

import shutil
import sqlite3
import sys
import tempfile
import time
from pathlib import Path

from machine import describe  # benchmarks/machine.py: run from the repository root

from annotator.store import Project
from annotator.store.backup import backups, make_backup, restore, verify


def timed(label: str, action) -> object:
    started = time.perf_counter()
    result = action()
    print(f"{label:<44} {time.perf_counter() - started:7.2f} s")
    return result


def main(source: Path) -> None:
    print(describe())
    with tempfile.TemporaryDirectory(prefix="annotator-backup-bench-") as tmp:
        path = Path(tmp) / "bench.annotator.db"
        shutil.copyfile(source, path)
        conn = sqlite3.connect(path)
        counts = {t: conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in ("documents", "annotations")}
        print(f"{path.stat().st_size / 1e6:,.0f} MB, {counts['documents']:,} documents, "
              f"{counts['annotations']:,} annotations")
        timed("PRAGMA quick_check (every open)", lambda: conn.execute("PRAGMA quick_check").fetchall())
        timed("PRAGMA integrity_check (annotator check)", lambda: conn.execute("PRAGMA integrity_check").fetchall())
        conn.close()
        timed("Project.open, first (checks + backup)", lambda: Project.open(path).close())
        timed("Project.open, unchanged (checks, no backup)", lambda: Project.open(path).close())
        with Project.open(path, backup=False) as project:
            made = timed("make_backup (SQLite backup API)",
                         lambda: make_backup(project.db.conn, path, only_if_changed=False))
        timed("verify a backup (before it is offered)", lambda: verify(made.path))
        timed("restore the newest good backup", lambda: restore(path))
        print(f"backups kept: {len(backups(path))}")


if __name__ == "__main__":
    main(Path(sys.argv[1]))
