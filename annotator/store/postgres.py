"""The PostgreSQL engine: a team's project on a server, through psycopg 3.

A server project is named by a libpq URL (``postgresql://host/study``) or keyword string
(``service=study``, ``host=db.example.org dbname=study``). Passwords come from ``~/.pgpass``, a
service file or ``PGPASSWORD``, never from the location: one that holds a password is refused, so
a password cannot end up in a project, the settings or a window title.

How it keeps the store's promises on a server:

* **Writers take turns.** A write begins with ``pg_advisory_xact_lock`` on one key, so writers to a
  project go one at a time as on SQLite, and a write's checks (READ COMMITTED: every statement
  sees what was committed before it) see the rows as they are when it writes. A writer that waits
  longer than :data:`LOCK_TIMEOUT_S` gets a retryable error, like SQLite's busy timeout.
* **Network loss is a retry, not a failure.** A lost connection raises
  :class:`annotator.store.DatabaseWriteError` (the coding session keeps the edit pending and
  retries it); the next call connects again. Keepalives and a TCP timeout make a dead network
  show up within seconds instead of minutes; after a failed attempt, calls fail at once for
  :data:`RECONNECT_PAUSE_S` so that a window is not held up by one connect timeout after another.
* **Live windows.** Every transaction that logs a change notifies ``annotator_changes``
  (a trigger, :mod:`annotator.store.pg_schema`); :meth:`PostgresEngine.data_version` counts the
  notifications from other connections, picked up by one ``SELECT 1``.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable, Sequence
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from annotator.store.engine import CONFLICT, DENIED, RETRY, Engine

CHANNEL = "annotator_changes"
WRITE_LOCK = 0x616E6E6F  # "anno": the advisory lock key every writer of a project takes
LOCK_TIMEOUT_S = 5
CONNECT_TIMEOUT_S = 5
RECONNECT_PAUSE_S = 3.0
# Defaults the location may override: a dead network is noticed in about 15 s, not minutes.
CONNECT_DEFAULTS = {"connect_timeout": str(CONNECT_TIMEOUT_S), "application_name": "annotator",
                    "keepalives": "1", "keepalives_idle": "10", "keepalives_interval": "5",
                    "keepalives_count": "2", "tcp_user_timeout": "15000"}
_SCHEMES = ("postgresql://", "postgres://")
_KEYWORDS = re.compile(r"^\s*(service|host|hostaddr|dbname|port|user)\s*=")


class ServerLocation:
    """Where a server project lives. ``str()`` is the location as given (it holds no password);
    ``name`` is the database (or service) name, for titles. Plays the part a project file's path
    plays: ``Project.path`` is one for a server project."""

    def __init__(self, conninfo: str, params: dict[str, str]):
        self.conninfo = conninfo
        self.params = params
        self.name = params.get("dbname") or params.get("service") or params.get("user") or "postgresql"

    def __str__(self) -> str:
        return self.conninfo

    def __repr__(self) -> str:
        return f"ServerLocation({self.conninfo!r})"

    def __eq__(self, other: object) -> bool:
        return isinstance(other, ServerLocation) and other.conninfo == self.conninfo

    def __hash__(self) -> int:
        return hash(self.conninfo)

    def resolve(self) -> "ServerLocation":
        """The location itself (a file path would be made absolute)."""
        return self


def server_location(target: object) -> ServerLocation | None:
    """The server location ``target`` names, or None when it names a file.

    A URL that went through ``Path()`` (a command's ``--project``) lost one slash of its ``//``
    (``postgresql:/host/db``), or two of ``///`` (``postgresql:/db?host=/run/pg``, no host before
    the database); it is still taken for the URL it was.
    """
    if isinstance(target, ServerLocation):
        return target
    if isinstance(target, PurePath):
        text = str(target)
        if match := re.match(r"^(postgres(?:ql)?):/(?!/)([^?]*)(\?.*)?$", text):
            scheme, rest, query = match[1], match[2], match[3] or ""
            no_host = "/" not in rest and re.search(r"[?&]host=", query)
            text = f"{scheme}:{'///' if no_host else '//'}{rest}{query}"
    elif isinstance(target, str):
        text = target.strip()
    else:
        return None
    if not (text.startswith(_SCHEMES) or _KEYWORDS.match(text)):
        return None
    from annotator.store import ProjectError
    import psycopg

    try:
        params = psycopg.conninfo.conninfo_to_dict(text)
    except psycopg.ProgrammingError as exc:
        raise ProjectError(f"{text}: not a valid PostgreSQL location ({_first_line(exc)}); write it as "
                           "postgresql://HOST/DATABASE or service=NAME") from None
    if params.get("password"):
        raise ProjectError("a PostgreSQL location must not hold a password (it would be shown and stored "
                           "with the project's name); put it in ~/.pgpass or the PGPASSWORD environment "
                           "variable and give the location without it")
    return ServerLocation(text, {k: str(v) for k, v in params.items()})


@lru_cache(maxsize=2048)
def placeholders(sql: str) -> str:
    """The store's SQL for psycopg: ``?`` becomes ``%s`` and ``%`` becomes ``%%`` outside quotes."""
    out = []
    quote = None
    for ch in sql:
        if quote:
            if ch == quote:
                quote = None
        elif ch in ("'", '"'):
            quote = ch
        elif ch == "?":
            out.append("%s")
            continue
        if ch == "%":
            out.append("%%")
            continue
        out.append(ch)
    return "".join(out)


class PostgresEngine(Engine):
    """A connection to a server project (see the module docstring)."""

    name = "postgresql"
    label = "PostgreSQL"

    def __init__(self, location: ServerLocation):
        self.location = location
        self._conn: Any = None
        self._version = 0
        self._failed_at: float | None = None
        self._connect()

    # -- the connection ------------------------------------------------------------------------

    def _connect(self) -> None:
        import psycopg

        from annotator.store import DatabaseWriteError

        conn = None
        try:
            conn = psycopg.connect(**{**CONNECT_DEFAULTS, **self.location.params}, autocommit=True)
            conn.execute(f"SET lock_timeout = '{LOCK_TIMEOUT_S}s'")
            conn.add_notify_handler(self._notified)
            conn.execute(f"LISTEN {CHANNEL}")
        except psycopg.Error as exc:
            if conn is not None:
                conn.close()
            self._failed_at = time.monotonic()
            raise DatabaseWriteError(self.problem(exc)) from None
        self._conn, self._failed_at = conn, None
        self._version += 1  # what was committed while this process was not listening is unknown

    def _live(self) -> Any:
        """The connection, made again when it was lost (between transactions only)."""
        if self._conn is not None and not self._conn.broken and not self._conn.closed:
            return self._conn
        if self._conn is not None and self._conn.closed and not self._conn.broken:
            from annotator.store import ProjectError

            raise ProjectError(f"{self.location}: the project was closed")
        if self._failed_at is not None and time.monotonic() - self._failed_at < RECONNECT_PAUSE_S:
            from annotator.store import DatabaseWriteError

            raise DatabaseWriteError(f"{self.location}: no connection to the server yet (the last attempt failed "
                                     f"less than {RECONNECT_PAUSE_S:.0f} s ago); the change was not saved")
        self._connect()
        return self._conn

    def _lost(self, exc: Exception) -> Exception:
        """The error to raise for ``exc``: a lost connection becomes a retryable store error."""
        if self._conn is not None and self._conn.broken:
            from annotator.store import DatabaseWriteError

            self._failed_at = None  # the next call tries at once
            return DatabaseWriteError(self.problem(exc))
        return exc

    def _notified(self, notify: Any) -> None:
        if self._conn is None or notify.pid != self._conn.info.backend_pid:
            self._version += 1

    # -- statements ----------------------------------------------------------------------------

    def execute(self, sql: str, args: Sequence[Any] = ()) -> Any:
        import psycopg

        conn = self._live()
        try:
            return conn.execute(placeholders(sql), tuple(args))
        except psycopg.Error as exc:
            raise self._lost(exc) from None

    def executemany(self, sql: str, rows: Iterable[Sequence[Any]]) -> Any:
        import psycopg

        cur = self._live().cursor()
        try:
            cur.executemany(placeholders(sql), [tuple(r) for r in rows])
        except psycopg.Error as exc:
            raise self._lost(exc) from None
        return cur

    def insert(self, sql: str, args: Sequence[Any], key: str) -> int | None:
        row = self.execute(f"{sql} RETURNING {key}", args).fetchone()
        return row[0] if row else None

    def encrypt_password(self, password: str, login: str) -> str:
        """The password hashed for ``login`` by libpq (SCRAM), so the clear text never reaches the server."""
        return self._live().pgconn.encrypt_password(password.encode(), login.encode(), b"scram-sha-256").decode()

    # -- transactions --------------------------------------------------------------------------

    @property
    def in_transaction(self) -> bool:
        from psycopg.pq import TransactionStatus

        conn = self._conn
        if conn is None or conn.broken or conn.closed:
            return False
        return conn.info.transaction_status != TransactionStatus.IDLE

    def begin_write(self) -> None:
        self.execute("BEGIN")
        self.execute("SELECT pg_advisory_xact_lock(?)", [WRITE_LOCK])

    def begin_read(self) -> None:
        self.execute("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY")

    def commit(self) -> None:
        self.execute("COMMIT")

    def rollback(self) -> None:
        if self.in_transaction:
            try:
                self._conn.execute("ROLLBACK")
            except Exception:  # the connection died: the server drops the transaction itself
                pass

    def close(self) -> None:
        if self._conn is not None:
            self._conn.close()

    def data_version(self) -> int:
        # The round trip delivers the notifications that arrived since the last statement.
        self.execute("SELECT 1")
        return self._version

    def integrity_problems(self) -> list[str]:
        return []  # the server checks its constraints and the text trigger on every write

    def tables(self) -> list[tuple[str, list[str], str]]:
        from annotator.store.pg_schema import SERVER_TABLES

        out = []
        for (name,) in self.execute(
                "SELECT c.relname FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace "
                "WHERE n.nspname = current_schema() AND c.relkind = 'r' ORDER BY c.oid").fetchall():
            if name in SERVER_TABLES:
                continue
            columns = [r[0] for r in self.execute(
                "SELECT column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND table_name = ? ORDER BY ordinal_position", [name])]
            key = self.execute("SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid "
                               "AND a.attnum = i.indkey[0] WHERE i.indrelid = CAST(? AS regclass) AND i.indisprimary",
                               [name]).fetchone()
            order = "rowid" if "rowid" in columns else key[0]
            out.append((name, [c for c in columns if c != "rowid"], order))
        return out

    def reset_counters(self) -> None:
        for table, column in self.execute(
                "SELECT table_name, column_name FROM information_schema.columns WHERE table_schema = current_schema() "
                "AND is_identity = 'YES' AND identity_generation = 'BY DEFAULT'").fetchall():
            self.execute(f"SELECT setval(pg_get_serial_sequence('{table}', '{column}'), "
                         f"coalesce(max({column}), 0) + 1, false) FROM {table}")

    # -- dialect -------------------------------------------------------------------------------

    def text_agg(self, expr: str, separator: str = ",") -> str:
        return f"string_agg(CAST({expr} AS text), chr({ord(separator)}))"

    def json_field(self, column: str, key: str) -> str:
        return f"(CAST({column} AS json) ->> '{key}')"

    def json_items(self, column: str, key: str, alias: str) -> str:
        return f"json_array_elements_text(CAST({column} AS json) -> '{key}') AS {alias}(value)"

    # -- errors --------------------------------------------------------------------------------

    def error_kind(self, exc: BaseException) -> str | None:
        import psycopg
        from psycopg import errors

        if isinstance(exc, psycopg.IntegrityError):
            return CONFLICT
        if isinstance(exc, errors.InsufficientPrivilege):
            return DENIED
        if isinstance(exc, psycopg.Error):
            return RETRY
        return None

    def problem(self, exc: BaseException) -> str:
        from psycopg import errors

        where = str(self.location)
        said = _first_line(exc)
        if isinstance(exc, errors.LockNotAvailable):
            return (f"{where}: another program held the project's write lock for {LOCK_TIMEOUT_S} s, so the change "
                    "was not saved; try again")
        if isinstance(exc, errors.InsufficientPrivilege):
            return f"{where}: the server refuses this login that change (PostgreSQL says: {said})"
        if isinstance(exc, errors.DiskFull):
            return f"{where}: the server's disk is full, so the change was not saved (what was saved before is safe)"
        if isinstance(exc, errors.InvalidCatalogName):
            return (f"{where}: no such database on the server; create it first "
                    "(`createdb NAME`), then `annotator server init LOCATION`")
        if isinstance(exc, errors.InvalidPassword) or "password" in said:
            return (f"{where}: the server refused the login ({said}); put the password in ~/.pgpass or "
                    "PGPASSWORD, never in the location")
        if self._conn is None or self._conn.broken or isinstance(exc, errors.ConnectionException):
            return f"{where}: no connection to the server ({said}); check the network or the server"
        return f"{where}: the server reported a problem: {said}"


def _first_line(exc: BaseException) -> str:
    text = str(exc).strip()
    return text.splitlines()[0] if text else type(exc).__name__
