"""The seam under the store: the one interface that SQLite and PostgreSQL both sit behind.

The store writes its SQL once, in what both engines accept: ``?`` placeholders, ``ON CONFLICT``
upserts, ``CASE`` instead of summed booleans, ``rowid`` for the order rows were added in (SQLite's
own; a column of that name on PostgreSQL). What differs lives in an :class:`Engine`:

* connecting, and the transactions: a write takes the engine's single write lock first (SQLite's
  ``BEGIN IMMEDIATE``; on PostgreSQL an advisory lock), so writers take turns and the checks a
  write makes inside its transaction see the rows as they are when it writes;
* the few SQL fragments that are spelled differently (text aggregation, JSON fields);
* which errors mean a conflict, a refusal or a retry, and what to tell the user;
* how a window learns that another connection committed (:meth:`Engine.data_version`).

Nothing above :mod:`annotator.store` sees an engine.
"""

from __future__ import annotations

import sqlite3
from abc import ABC, abstractmethod
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from itertools import count
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:  # sqlite-utils (which imports numpy, and pandas where installed) loads with a project
    from annotator.store.sqlite_lib import Database

# What an error means for the write that raised it (Engine.error_kind).
CONFLICT = "conflict"  # a constraint refused it: the rows changed; retrying will not help
DENIED = "denied"  # the database refuses this login the change: retrying will not help either
RETRY = "retry"  # the database could not take it now (locked, busy, disk, network): retry later

_savepoints = count(1)


class Engine(ABC):
    """A connection to a project database and the dialect of its engine (see the module docstring)."""

    name: str  # "sqlite" or "postgresql"
    label: str  # the engine's name in messages

    # -- statements ----------------------------------------------------------------------------

    @abstractmethod
    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        """Run one statement (``?`` placeholders); returns a DB-API cursor (fetchone, fetchall,
        iteration, rowcount)."""
        ...

    @abstractmethod
    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        """Run one statement for each row; the cursor's rowcount is the total."""
        ...

    @abstractmethod
    def insert(self, sql: str, args: Sequence[Any], key: str) -> int | None:
        """Run an INSERT and return the ``key`` column of the new row (an automatic id), or None
        when the statement inserted nothing (``ON CONFLICT DO NOTHING``)."""
        ...

    # -- transactions --------------------------------------------------------------------------

    @property
    @abstractmethod
    def in_transaction(self) -> bool:
        ...

    @abstractmethod
    def begin_write(self) -> None:
        """Start a transaction holding the write lock (writers take turns)."""
        ...

    @abstractmethod
    def begin_read(self) -> None:
        """Start a read-only transaction: its reads share one snapshot."""
        ...

    @abstractmethod
    def commit(self) -> None:
        ...

    @abstractmethod
    def rollback(self) -> None:
        """End the transaction without writing (also after the connection was lost)."""
        ...

    @contextmanager
    def savepoint(self) -> Iterator[None]:
        """A nested part of the open transaction: undone alone if it fails."""
        name = f"annotator_{next(_savepoints)}"
        self.execute(f"SAVEPOINT {name}")
        try:
            yield
        except BaseException:
            if self.in_transaction:
                self.execute(f"ROLLBACK TO SAVEPOINT {name}")
                self.execute(f"RELEASE SAVEPOINT {name}")
            raise
        self.execute(f"RELEASE SAVEPOINT {name}")

    @abstractmethod
    def close(self) -> None:
        ...

    @abstractmethod
    def data_version(self) -> int:
        """A number that changes when another connection commits to the project."""
        ...

    @abstractmethod
    def integrity_problems(self) -> list[str]:
        """What the engine's own checks find wrong with the database (empty: nothing)."""
        ...

    @abstractmethod
    def tables(self) -> list[tuple[str, list[str], str]]:
        """The project's tables in the order they were created (a table after those it refers to):
        (name, columns without the engine's own, the column that orders rows as they were added)."""
        ...

    @abstractmethod
    def reset_counters(self) -> None:
        """After rows were inserted with their ids: new ids continue after the largest one."""
        ...

    # -- dialect -------------------------------------------------------------------------------

    @abstractmethod
    def text_agg(self, expr: str, separator: str = ",") -> str:
        """SQL that joins ``expr`` (any type) over a group with ``separator`` (one character)."""
        ...

    @abstractmethod
    def json_field(self, column: str, key: str) -> str:
        """SQL for the value of a top-level ``key`` of the JSON text in ``column``, as text."""
        ...

    @abstractmethod
    def json_items(self, column: str, key: str, alias: str) -> str:
        """A FROM item: one row per element of the JSON array at ``key`` of ``column``, its text in
        ``alias.value``."""
        ...

    # -- errors --------------------------------------------------------------------------------

    @abstractmethod
    def error_kind(self, exc: BaseException) -> str | None:
        """CONFLICT, DENIED or RETRY for an error of this engine; None for anything else."""
        ...

    @abstractmethod
    def problem(self, exc: BaseException) -> str:
        """The engine's complaint as a sentence saying what happened and what to do."""
        ...


class SQLiteEngine(Engine):
    """A project file, through sqlite-utils (whose migrations keep the file's schema)."""

    name = "sqlite"
    label = "SQLite"

    def __init__(self, database: Database, path: Any):
        self.database = database
        self.conn: sqlite3.Connection = database.conn
        self.path = path

    def execute(self, sql: str, args: Sequence[Any] = ()) -> sqlite3.Cursor:
        return self.conn.execute(sql, args)

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> sqlite3.Cursor:
        return self.conn.executemany(sql, rows)

    def insert(self, sql: str, args: Sequence[Any], key: str) -> int | None:
        cur = self.conn.execute(sql, args)
        return cur.lastrowid if cur.rowcount else None

    @property
    def in_transaction(self) -> bool:
        return self.conn.in_transaction

    def begin_write(self) -> None:
        # IMMEDIATE takes the write lock before the first read: another process's writer then
        # waits on the busy timeout, instead of failing at once when its read turns into a write.
        self.conn.execute("BEGIN IMMEDIATE")

    def begin_read(self) -> None:
        self.conn.execute("BEGIN")

    def commit(self) -> None:
        self.conn.execute("COMMIT")

    def rollback(self) -> None:
        if self.conn.in_transaction:
            self.conn.rollback()

    def close(self) -> None:
        self.database.close()

    def data_version(self) -> int:
        return self.conn.execute("PRAGMA data_version").fetchone()[0]

    def integrity_problems(self) -> list[str]:
        problems = [f"sqlite: {r[0]}" for r in self.conn.execute("PRAGMA integrity_check") if r[0] != "ok"]
        return problems + [f"foreign key: {r}" for r in self.conn.execute("PRAGMA foreign_key_check")]

    def tables(self) -> list[tuple[str, list[str], str]]:
        names = [r[0] for r in self.conn.execute(
            "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%' "
            "AND name != '_sqlite_migrations' ORDER BY rowid")]
        return [(name, [r[1] for r in self.conn.execute(f'PRAGMA table_info("{name}")')], "rowid") for name in names]

    def reset_counters(self) -> None:
        pass  # SQLite's AUTOINCREMENT counter follows explicit ids by itself

    def text_agg(self, expr: str, separator: str = ",") -> str:
        return f"group_concat({expr}, char({ord(separator)}))"

    def json_field(self, column: str, key: str) -> str:
        return f"json_extract({column}, '$.{key}')"

    def json_items(self, column: str, key: str, alias: str) -> str:
        return f"json_each({column}, '$.{key}') {alias}"

    def error_kind(self, exc: BaseException) -> str | None:
        if isinstance(exc, sqlite3.IntegrityError):
            return CONFLICT
        if isinstance(exc, sqlite3.DatabaseError):
            return RETRY
        return None

    def problem(self, exc: BaseException) -> str:
        from annotator.store import _database_problem

        return _database_problem(self.path, exc)
