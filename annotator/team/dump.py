"""The canonical dump of a project: what "the same project, byte for byte" means for merges.

Every table, in name order, each headed by its columns, its rows as JSON (sorted keys, Arabic
unescaped) in sorted order. Left out are only the traces of *when* the merges ran, which differ
with their order by nature:

* ``changes.seq``: the local order of the log (the rows themselves are all there, those brought
  from copies with their origin and their seq in the copy);
* of each ``merge`` change (one per ``annotator merge`` run), its time and its report (the report
  says what each run brought, which depends on what came before it);
* ``sqlite_sequence`` (the counter behind ``seq``).

Merging the same copies in any order gives the same dump (tests/team/test_merge.py).
"""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

from annotator.store.team import canonical

SKIPPED_COLUMNS = {("changes", "seq")}


def canonical_dump(conn: sqlite3.Connection) -> str:
    tables = [r[0] for r in conn.execute(
        "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' ORDER BY name")]
    out = []
    for table in tables:
        columns = [r[1] for r in conn.execute(f'PRAGMA table_info("{table}")')
                   if (table, r[1]) not in SKIPPED_COLUMNS]
        out.append(f"## {table} {canonical(columns)}")
        rows = []
        for values in conn.execute(f"SELECT {', '.join(_quoted(c) for c in columns)} FROM \"{table}\""):
            row = dict(zip(columns, values))
            if table == "changes" and row.get("action") == "merge":
                row["at"] = row["payload"] = None
            rows.append(canonical(row))
        out += sorted(rows)
    return "\n".join(out) + "\n"


def dump_file(path: Path) -> str:
    """The canonical dump of a project file (opened read-only)."""
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        return canonical_dump(conn)
    finally:
        conn.close()


def canonical_digest(conn: sqlite3.Connection) -> str:
    return hashlib.sha256(canonical_dump(conn).encode("utf-8")).hexdigest()


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'
