"""Copying a whole project into an empty one on another engine: ``annotator server push``.

Every table is copied row for row with its ids (coders' ids, the change log's seq, annotation and
link ids), in the order the rows were added, so the project on the server is the project in the
file: the same ``changes`` log, the same codebook and hash, the same document order. The copy is
one transaction on the target; reading the source never writes to it.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

BATCH = 2000  # rows per round trip (a document is a few KB)
# A new project holds these before anything is pushed into it: its codebook, settings, that log.
_NEW_PROJECT_ACTIONS = ("set_codebook", "set_setting")


@dataclass(frozen=True)
class Pushed:
    """Rows copied per table, in copy order."""

    rows: dict[str, int]

    def summary(self) -> str:
        shown = ", ".join(f"{n:,} {table}" for table, n in self.rows.items() if n and table in
                          ("documents", "coders", "annotations", "links", "changes", "gold_annotations"))
        return f"{sum(self.rows.values()):,} rows copied ({shown})"


def copy_project(source: Any, target: Any) -> Pushed:
    """Copy ``source`` (a :class:`annotator.store.Project`) into ``target``, a project that holds
    nothing yet (only what opening it as new wrote). ProjectError when the target holds work."""
    from annotator.store import ProjectError

    if target.count_documents() or target.coders() or any(c.action not in _NEW_PROJECT_ACTIONS
                                                          for c in target.changes()):
        raise ProjectError(f"{target.path}: the project there is not empty (it has documents, coders or a change "
                           "log of its own), and a push never mixes two projects; push into a new database")
    theirs = {name: columns for name, columns, _ in target.db.tables()}
    copied: dict[str, int] = {}
    with target.transaction():
        for table in ("changes", "project", "codebooks"):  # the new project's own rows give way
            target.db.execute(f"DELETE FROM {table}")
        for table, columns, order in source.db.tables():
            if table not in theirs:
                raise ProjectError(f"{target.path}: has no table {table}; open it with this annotator first "
                                   "(`annotator server init`) so that its schema is current")
            missing = [c for c in columns if c not in theirs[table]]
            if missing:
                raise ProjectError(f"{target.path}: its table {table} has no column {missing[0]}; bring its schema "
                                   "up to date with `annotator server init` first")
            listed = ", ".join(f'"{c}"' for c in columns)
            insert = f"INSERT INTO {table} ({listed}) VALUES ({', '.join('?' * len(columns))})"
            cur = source.db.execute(f"SELECT {listed} FROM {table} ORDER BY {order}")
            copied[table] = 0
            while rows := cur.fetchmany(BATCH):
                target.db.executemany(insert, rows)
                copied[table] += len(rows)
        target.db.reset_counters()
    return Pushed(copied)
