"""The canonical dump of a project: what "the same project, byte for byte" means for merges.

Every table of the project's content, in name order, each headed by its columns, its rows as JSON
(sorted keys, Arabic unescaped) in sorted order. Left out are only the traces of *when* the
merges ran, which differ with their order by nature:

* ``changes.seq``: the local order of the log (the rows themselves are all there, those brought
  from copies with their origin and their seq in the copy);
* of each ``merge`` change (one per ``annotator merge`` run), its time and its report (the report
  says what each run brought, which depends on what came before it);

and what is the engine's, not the project's (:meth:`annotator.store.engine.Engine.tables`): the
list of applied migrations, SQLite's ``sqlite_sequence`` (the counter behind ``seq``), a server's
``rowid`` columns and logins. So a project file and the same project on a server dump the same.

Merging the same copies in any order gives the same dump (tests/team/test_merge.py).
"""

from __future__ import annotations

from typing import Any

from annotator.store.team import canonical

SKIPPED_COLUMNS = {("changes", "seq")}


def canonical_dump(db: Any) -> str:
    """The dump of the project on ``db`` (a project's engine, ``Project.db``)."""
    out = []
    for table, columns, _order in sorted(db.tables()):
        kept = [c for c in columns if (table, c) not in SKIPPED_COLUMNS]
        out.append(f"## {table} {canonical(kept)}")
        rows = []
        for values in db.execute(f"SELECT {', '.join(_quoted(c) for c in kept)} FROM \"{table}\""):
            row = dict(zip(kept, values))
            if table == "changes" and row.get("action") == "merge":
                row["at"] = row["payload"] = None
            rows.append(canonical(row))
        out += sorted(rows)
    return "\n".join(out) + "\n"


def _quoted(column: str) -> str:
    return '"' + column.replace('"', '""') + '"'
