"""The project store: one SQLite file driven through sqlite-utils, or a PostgreSQL server project.

Usable from a notebook::

    from annotator.store import Project
    p = Project.open("my.annotator.db", create=True)  # create: only a new file needs it
    p.add_coder("mona")
    p.assign(["sample-01"], "mona")
    a = p.create_annotation("mona", "sample-01", "actor", 10, 14, {"role": "target"})

Every call that changes data is one transaction and writes one row to the ``changes`` log in the
same transaction, so the log and the data never disagree. A write takes SQLite's write lock first
(BEGIN IMMEDIATE) and checks the rows it changes inside its transaction, so several processes can
write to one file: they wait their turn instead of failing, and a call never reports a change that
did not happen. A coder may only change that coder's own rows. Spans are validated in code points
against the stored text.

``Project.open("postgresql://host/study")`` opens the same project on a server: the SQL here is
written once for both engines, and what differs sits behind :mod:`annotator.store.engine`
(:mod:`annotator.store.postgres` for the server, where writers take turns as on SQLite).
"""

from __future__ import annotations

import json
import os
import shutil
import sqlite3
import uuid
from collections.abc import Iterable, Iterator, Sequence
from contextlib import AbstractContextManager, contextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any, NamedTuple

from annotator import __version__
from annotator.codebook import Codebook, CodebookError
from annotator.model import Annotation, Assignment, Change, Document, Link, text_sha256
from annotator.store.engine import CONFLICT, DENIED, RETRY, Engine, SQLiteEngine
from annotator.store.gold import GoldEdit, GoldStore
from annotator.store.team import TeamStore

if TYPE_CHECKING:
    from annotator.store.sqlite_lib import Database

# sqlite-utils (and with it numpy, and pandas where installed) and the schema's migrations are
# imported when a project file is opened, not by every command that names a store error.

STATUSES = ("todo", "in_progress", "done", "skipped")
BUSY_TIMEOUT_S = 5.0
TEXTS_KEPT = 8  # document texts a Project keeps in memory (see Project._texts)


class ProjectError(Exception):
    """A problem with the project file or a request on it, in words for the user."""


class DatabaseWriteError(ProjectError):
    """SQLite refused a write (locked, read-only, disk full, I/O): the edit may be retried later."""


class SpanError(ProjectError, ValueError):
    """A span whose offsets or quote do not fit the document text."""


class NotOwnerError(ProjectError, PermissionError):
    """A coder tried to change another coder's rows."""


class InvalidValueError(ProjectError, ValueError):
    """Attributes, labels or links that the codebook does not allow."""


class NotFoundError(ProjectError, KeyError):
    def __str__(self) -> str:  # KeyError would quote the message
        return str(self.args[0]) if self.args else ""


class ConflictError(ProjectError):
    """The rows changed since the caller read them (another window or program of the same coder):
    the write is refused for good, nothing is written, and retrying it would not help."""


class NotReadyError(ProjectError):
    """Mark done was asked while required fields are missing; ``problems`` lists them."""

    def __init__(self, problems: list[str]):
        super().__init__("not done yet: " + "; ".join(problems))
        self.problems = problems


class UnusableProjectError(ProjectError):
    """The file cannot be used as it is: damaged, empty, not an annotator project, or written by a
    newer annotator. ``backup`` is the newest good backup of it (None: there is none)."""

    def __init__(self, path: Path, problem: str):
        from annotator.store.backup import backup_folder, latest_good

        self.path, self.problem = Path(path), problem
        self.backup = latest_good(self.path)
        if self.backup is not None:
            offer = (f"The newest good backup is {self.backup.describe()}: `annotator restore --project {path}` "
                     "puts it in place and keeps this file beside it.")
        else:
            offer = (f"No backup of it exists in {backup_folder(self.path)}; open another file, and keep "
                     "this one: nothing was changed in it.")
        super().__init__(f"{path}: {problem}. {offer}")


def _now() -> str:
    return datetime.now(timezone.utc).isoformat(timespec="milliseconds")


def _json(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


_scan_json = json.JSONDecoder().scan_once


def _loads(text: str) -> Any:
    """``json.loads`` of a stored JSON column, through the decoder's C scanner alone: an export
    decodes a million values, and ``json.loads`` spends most of each call around the scan. Text the
    scanner does not take whole goes to ``json.loads``, which raises as it always did."""
    try:
        value, end = _scan_json(text, 0)
    except StopIteration:
        return json.loads(text)
    return value if end == len(text) else json.loads(text)


def _in_chunks(values: Sequence[str], size: int = 500) -> Iterator[tuple[str, list[str]]]:
    """``values`` in parts for ``IN (...)``: (the part's placeholders, the part). SQLite caps bound
    parameters; 500 at a time stays far below every build's limit."""
    for i in range(0, len(values), size):
        part = list(values[i:i + size])
        yield ",".join("?" * len(part)), part


def _by_document(rows: Iterable[Any]) -> dict[str, list[Any]]:
    """Rows (annotations, links, gold or not) grouped by their document, each group in read order."""
    grouped: dict[str, list[Any]] = {}
    for row in rows:
        grouped.setdefault(row.document_id, []).append(row)
    return grouped


def _extents(db: Engine, table: str, where: str, args: list[Any],
             document_ids: Sequence[str]) -> Iterator[list[tuple[str, str, int, int]]]:
    """Per document of ``document_ids``: (layer, id, start, end) of the spans in ``table`` that
    ``where`` keeps, one query per 500 documents."""
    for marks, part in _in_chunks(document_ids):
        spans: dict[str, list[tuple[str, str, int, int]]] = {}
        for document_id, *extent in db.execute(f'SELECT document_id, layer, id, start, "end" FROM {table} '
                                               f"WHERE document_id IN ({marks}) AND {where}", [*part, *args]):
            spans.setdefault(document_id, []).append(tuple(extent))
        for document_id in part:
            yield spans.get(document_id, [])


class DocumentRows(NamedTuple):
    """One document's rows from a bulk read (:meth:`Project.coder_records`,
    :meth:`GoldStore.gold_records`): what the per-document reads give for it."""

    document_id: str
    annotations: list[Any]  # Annotation, or GoldAnnotation
    links: list[Any]  # Link, or GoldLink
    labels: dict[str, Any]  # field -> value, or field -> GoldLabel


_UNCHECKED: Any = object()  # ``expect`` not given: write whatever is stored
_ANNOTATION_ACTIONS = ("create_annotation", "update_annotation", "delete_annotation")


class Project(GoldStore, TeamStore):
    """An open project. Use :meth:`open`; close it (or use ``with``) when done.

    The gold standard's tables are read and written through :class:`GoldStore`'s methods.
    ``path`` is the project file, or for a server project its location
    (:class:`annotator.store.postgres.ServerLocation`: ``str()`` and ``name`` as for a path).
    """

    def __init__(self, db: Database | Engine, path: Any, codebook: Codebook):
        self.db: Any = db if isinstance(db, Engine) else SQLiteEngine(db, path)
        self.path = path
        self.codebook = codebook
        self._coder_ids: dict[str, int] = {}
        # The texts of the documents read last (id -> text). A text never changes after import
        # (a trigger refuses it), so a coder's edits check their spans against the text the
        # session already holds instead of reading the whole document again for each edit.
        self._texts: dict[str, str] = {}

    # -- opening -------------------------------------------------------------------------------

    read_only: str | None = None  # why nothing can be written to this project (None: it can)
    backup_problem: str | None = None  # why the backup on opening failed (None: made or not needed)

    @classmethod
    def open(cls, path: str | Path, *, codebook: Codebook | str | Path | None = None,
             create: bool = False, backup: bool = True) -> "Project":
        """Open a project file, check it, bring its schema up to date and back it up.

        A path that does not exist (or an empty file) becomes a new project only with
        ``create=True``: a mistyped path must never turn into an empty project.
        ``codebook``: for a new project, the codebook to store (default: the bundled one); for an
        existing one, a codebook that replaces the current one (the old text stays in ``codebooks``).

        A damaged file, another program's database or a project written by a newer annotator raises
        :class:`UnusableProjectError`, which names the newest good backup. A file that cannot be
        written (its permissions, a read-only folder or disk) opens read-only: ``read_only`` says
        why, and every write fails with that reason. ``backup``: copy the project into its backup
        folder (:mod:`annotator.store.backup`) if it changed since the newest backup there.

        ``path`` may name a PostgreSQL project instead (a ``postgresql://`` URL or a libpq keyword
        string such as ``service=study``): see :meth:`_open_server`.
        """
        from annotator.store.postgres import server_location

        if (location := server_location(path)) is not None:
            return cls._open_server(location, codebook, create)
        path = Path(path)
        if path.is_dir():
            raise ProjectError(f"{path}: is a folder, not a project file")
        new = not path.exists() or path.stat().st_size == 0
        if new and not create:
            if path.exists():
                raise UnusableProjectError(path, "the file is empty (0 bytes), so it holds no project")
            raise ProjectError(_missing_project(path))
        # Before the file exists: a codebook that does not load leaves no empty project behind.
        book = _load_codebook(codebook) if codebook is not None or new else None
        read_only = None if new else _read_only_reason(path)
        created = not path.exists()
        beside = [Path(f"{path}-wal"), Path(f"{path}-shm")]
        found_beside = [p.exists() for p in beside]
        db: Database | None = None
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            db = _connect(path, read_only)
            return cls._prepare(db, path, book, read_only, backup=backup and not new)
        except BaseException as exc:
            if db is not None:
                db.close()
            # A file that did not open is left as it was found: no new project, no new -wal/-shm.
            if created:
                path.unlink(missing_ok=True)
            for extra, was_there in zip(beside, found_beside):
                if not was_there and extra.exists() and (created or extra.name.endswith("-shm")
                                                         or extra.stat().st_size == 0):
                    extra.unlink(missing_ok=True)
            if isinstance(exc, sqlite3.DatabaseError):
                if _is_damage(str(exc)):
                    raise UnusableProjectError(path, _damage(exc)) from None
                raise ProjectError(_database_problem(path, exc)) from None
            if isinstance(exc, OSError):
                raise ProjectError(f"{path}: cannot open the project file: {exc.strerror or exc}") from None
            raise

    @staticmethod
    def exists(path: str | Path) -> bool:
        """Whether ``path`` names something to open: an existing file, or a server location
        (whether the database there holds a project, opening it says)."""
        from annotator.store.postgres import server_location

        return server_location(path) is not None or Path(path).exists()

    @classmethod
    def _prepare(cls, db: Database, path: Path, book: Codebook | None, read_only: str | None, *,
                 backup: bool) -> "Project":
        """Check an opened file (quick_check, schema version), upgrade it, store the codebook, back it up."""
        from annotator.schema import migrations
        from annotator.store.backup import BackupError, make_backup

        damage = [row[0] for row in db.execute("PRAGMA quick_check")]
        if damage != ["ok"]:
            raise UnusableProjectError(path, "this file is not a usable annotator project: it is damaged "
                                       "(SQLite's quick check: "
                                       + "; ".join(damage[:3]) + ")")
        if (problem := schema_problem(db.conn)) is not None:
            raise UnusableProjectError(path, problem)
        if read_only is None:
            _use_wal(db, path)
        pending = migrations.pending(db)
        upgrade = bool(pending) and bool(migrations.applied(db))
        if pending and read_only:
            raise ProjectError(f"{path}: this project was written by an older annotator and needs an upgrade, "
                               f"which writes to it, but {read_only}")
        if upgrade and backup:
            make_backup(db.conn, path)  # the state before the upgrade, in case the upgrade goes wrong
        migrations.apply(db)
        project = cls._with_codebook(SQLiteEngine(db, path), path, book, read_only, upgraded=bool(pending))
        if backup and not read_only:
            try:
                make_backup(db.conn, path)
            except BackupError as exc:  # no backup costs safety, not the session: say so, carry on
                project.backup_problem = str(exc)
        return project

    @classmethod
    def _with_codebook(cls, db: Engine, path: Any, book: Codebook | None, read_only: str | None, *,
                       upgraded: bool) -> "Project":
        """The project on a database whose schema is current: its stored codebook, or ``book``
        stored as the new one (the old text stays)."""
        stored = db.execute("SELECT value FROM project WHERE key = 'codebook_sha256'").fetchone()
        if book is None:
            row = db.execute("SELECT yaml FROM codebooks WHERE sha256 = ?", [stored[0]]).fetchone()
            try:
                book = Codebook.from_yaml(row[0], origin=f"{path} (stored codebook)")
            except CodebookError as exc:
                raise ProjectError(str(exc)) from None
        project = cls(db, path, book)
        project.read_only = read_only
        if stored is None or stored[0] != book.sha256:
            if read_only:
                raise ProjectError(f"{path}: cannot switch the codebook: {read_only}")
            project._store_codebook(book)
        if upgraded:
            project.set_setting("annotator_version", __version__)  # names the writer to older versions
        return project

    @classmethod
    def _open_server(cls, location: Any, codebook: Codebook | str | Path | None, create: bool) -> "Project":
        """Open a project on a PostgreSQL server: check the database, bring its schema up to date
        (in one transaction), store the codebook. An empty database becomes a project only with
        ``create`` (``annotator server init`` does that and sets up the coders' rights). Backups
        of a server project are the server's (pg_dump, docs/team-server.md)."""
        from annotator.store import pg_schema
        from annotator.store.postgres import PostgresEngine

        try:
            db = PostgresEngine(location)
        except ProjectError as exc:
            raise ProjectError(str(exc)) from None  # not a write: nothing to retry
        try:
            encoding = db.execute("SHOW server_encoding").fetchone()[0]
            if encoding != "UTF8":
                raise ProjectError(f"{location}: the database's encoding is {encoding}, but a project needs UTF8 "
                                   "(offsets count characters of the text); create it with `createdb -E UTF8`")
            if (problem := pg_schema.schema_problem(db)) is not None:
                raise ProjectError(f"{location}: {problem}")
            new = not pg_schema.applied_migrations(db)
            if new and not create:
                raise ProjectError(f"{location}: this database holds no annotator project yet; create one with "
                                   f"`annotator server init {location}`")
            book = _load_codebook(codebook) if codebook is not None or new else None
            pending = pg_schema.pending_migrations(db)
            if pending:
                db.begin_write()
                try:
                    pg_schema.apply_migrations(db)  # again under the lock: another process may have been first
                    db.commit()
                except BaseException as exc:
                    db.rollback()
                    if db.error_kind(exc) == DENIED:
                        raise ProjectError(f"{location}: the project needs this annotator's newer schema "
                                           f"({', '.join(name for _, name in pending)}), which only the owner of "
                                           f"its tables can add: they run `annotator server init {location}`") from None
                    raise
            return cls._with_codebook(db, location, book, None, upgraded=bool(pending))
        except BaseException as exc:
            db.close()
            if db.error_kind(exc) is not None:
                raise ProjectError(db.problem(exc)) from None
            raise

    def _store_codebook(self, book: Codebook) -> None:
        with self._write():
            self.db.execute("INSERT INTO codebooks (sha256, name, yaml, added_at) VALUES (?, ?, ?, ?) "
                            "ON CONFLICT DO NOTHING", [book.sha256, book.name, book.source, _now()])
            self._set_setting("codebook_sha256", book.sha256)
            if self.setting("created_at") is None:
                self._set_setting("created_at", _now())
            self._log(None, None, "set_codebook", {"sha256": book.sha256, "name": book.name})

    def close(self) -> None:
        self.db.close()

    def __enter__(self) -> "Project":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @contextmanager
    def _write(self) -> Iterator[None]:
        """One transaction; SQLite failures become ProjectError in plain words.

        The transaction takes the engine's write lock before its first read (SQLite's BEGIN
        IMMEDIATE, an advisory lock on PostgreSQL): another process's writer then waits its turn
        (a deferred transaction whose read turns into a write fails at once with "database is
        locked" when someone committed in between), and the checks made inside see the rows as
        they are when written. Inside an open transaction (a batch) the call is a savepoint of it.
        A constraint failure means the rows changed: ConflictError; the server refusing the
        login the change: NotOwnerError; anything else (locked, disk, network): DatabaseWriteError.

        A commit whose answer was lost with the connection may still have happened: the change it
        logged is looked up, and if it is stored the write counts as done.
        """
        db = self.db
        try:
            if db.in_transaction:
                with db.savepoint():
                    yield
                return
            logged = self.last_change
            db.begin_write()
            try:
                yield
            except BaseException:
                db.rollback()
                raise
            try:
                db.commit()
            except BaseException:
                db.rollback()
                if self.last_change == logged or not self._stored_change(self.last_change):
                    raise
        except Exception as exc:
            kind = db.error_kind(exc)
            if kind == CONFLICT:
                raise ConflictError(f"{self.path}: the edit no longer fits the stored rows ({db.label} says: {exc}); "
                                    "nothing was written") from None
            if kind == DENIED:
                raise NotOwnerError(db.problem(exc)) from None
            if kind == RETRY:
                raise DatabaseWriteError(db.problem(exc)) from None
            raise

    def _stored_change(self, seq: int | None) -> bool:
        """Whether the change ``seq`` is in the log (False when that cannot be read now)."""
        try:
            return self.db.execute("SELECT 1 FROM changes WHERE seq = ?", [seq]).fetchone() is not None
        except Exception:
            return False

    def transaction(self) -> AbstractContextManager[None]:
        """Several writing calls as one transaction (one user action made of several calls, such
        as restoring a span with its links): all are written, or none."""
        return self._write()

    @contextmanager
    def reading(self) -> Iterator[None]:
        """Several reads from one snapshot of the file, so that a commit by another process cannot
        fall between them (a session reads a document's rows and their revisions together)."""
        db = self.db
        if db.in_transaction:
            yield
            return
        try:
            db.begin_read()
            try:
                yield
            finally:
                db.rollback()  # nothing was written: ending the read is all
        except Exception as exc:
            if db.error_kind(exc) is None:
                raise
            raise ProjectError(db.problem(exc)) from None

    def data_version(self) -> int:
        """A number that changes when another connection commits to the project (SQLite's
        data_version; on a server, the change notifications of other connections), so a window
        can notice imports and assignments made elsewhere."""
        try:
            return self.db.data_version()
        except Exception as exc:
            if self.db.error_kind(exc) is None:
                raise
            raise ProjectError(self.db.problem(exc)) from None

    # -- settings --------------------------------------------------------------------------------

    def setting(self, key: str, default: str | None = None) -> str | None:
        row = self.db.execute("SELECT value FROM project WHERE key = ?", [key]).fetchone()
        return row[0] if row else default

    def set_setting(self, key: str, value: str) -> None:
        with self._write():
            self._set_setting(key, value)
            self._log(None, None, "set_setting", {"key": key, "value": value})

    def _set_setting(self, key: str, value: str) -> None:
        self.db.execute("INSERT INTO project (key, value) VALUES (?, ?) "
                        "ON CONFLICT(key) DO UPDATE SET value = excluded.value", [key, value])

    # -- change log ------------------------------------------------------------------------------

    # The seq of the last change this connection logged; after an annotation write it is the
    # annotation's new revision (see annotation_revisions).
    last_change: int | None = None

    def _log(self, coder_id: int | None, document_id: str | None, action: str, payload: dict) -> int:
        seq = self.db.insert("INSERT INTO changes (at, coder_id, document_id, action, payload) VALUES (?, ?, ?, ?, ?)",
                             [_now(), coder_id, document_id, action, _json(payload)], "seq")
        self.last_change = seq
        return seq

    def changes(self, *, document_id: str | None = None, coder: str | None = None,
                since: int = 0, actions: Iterable[str] | None = None, after: str | None = None,
                limit: int | None = None) -> list[Change]:
        """The log in order; ``actions`` keeps only those actions, ``after`` only entries later than
        that timestamp (both filtered in SQL, so a long log is not decoded for a few rows).

        ``limit``: at most that many entries, a page; the next page starts after the last one's
        seq (``since=page[-1].seq``). :meth:`iter_changes` reads a whole log that way.
        """
        sql = ("SELECT c.seq, c.at, k.name, c.document_id, c.action, c.payload FROM changes c "
               "LEFT JOIN coders k ON k.id = c.coder_id WHERE c.seq > ?")
        args: list[Any] = [since]
        if document_id is not None:
            sql += " AND c.document_id = ?"
            args.append(document_id)
        if coder is not None:
            sql += " AND k.name = ?"
            args.append(coder)
        if actions is not None:
            wanted = list(actions)
            sql += f" AND c.action IN ({','.join('?' * len(wanted))})"
            args += wanted
        if after is not None:
            sql += " AND c.at > ?"
            args.append(after)
        sql += " ORDER BY c.seq"
        if limit is not None:
            sql += " LIMIT ?"
            args.append(limit)
        return [Change(seq, at, name, doc, action, json.loads(payload))
                for seq, at, name, doc, action, payload in self.db.execute(sql, args)]

    def iter_changes(self, *, page: int = 10_000, since: int = 0, **filters: Any) -> Iterator[Change]:
        """The log as :meth:`changes` filters it, read ``page`` entries at a time: a log of millions
        of rows streams in the memory of one page (each page is its own query, so entries logged
        while it streams are read too)."""
        while True:
            batch = self.changes(since=since, limit=page, **filters)
            yield from batch
            if len(batch) < page:
                return
            since = batch[-1].seq

    # -- documents -------------------------------------------------------------------------------

    def add_documents(self, docs: Iterable[Document]) -> tuple[int, int]:
        """Insert a batch in one transaction; returns (inserted, skipped as duplicates).

        A duplicate has an id or a text hash already in the project (or earlier in the batch), so
        importing the same files twice adds nothing.
        """
        rows: list[tuple[Document, str]] = []
        offered = 0
        seen_ids: set[str] = set()
        seen_hashes: set[str] = set()
        for doc in docs:
            offered += 1
            digest = doc.sha256
            if doc.id in seen_ids or digest in seen_hashes:
                continue
            seen_ids.add(doc.id)
            seen_hashes.add(digest)
            rows.append((doc, digest))
        with self._write():
            existing_ids = self._existing("id", [d.id for d, _ in rows])
            existing_hashes = self._existing("sha256", [h for _, h in rows])
            now = _now()
            fresh = [(d.id, d.title, d.text, d.outlet, d.url, d.published, h, _json(d.meta), d.origin, now)
                     for d, h in rows if d.id not in existing_ids and h not in existing_hashes]
            self.db.executemany(
                "INSERT INTO documents (id, title, text, outlet, url, published, sha256, meta, origin, imported_at) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", fresh)
            if fresh:
                self._log(None, None, "import_documents", {"ids": [r[0] for r in fresh]})
        return len(fresh), offered - len(fresh)

    def _existing(self, column: str, values: list[str]) -> set[str]:
        found: set[str] = set()
        for marks, part in _in_chunks(values):
            found.update(r[0] for r in self.db.execute(
                f"SELECT {column} FROM documents WHERE {column} IN ({marks})", part))
        return found

    def document(self, document_id: str) -> Document:
        row = self.db.execute(f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id = ?", [document_id]).fetchone()
        if row is None:
            raise NotFoundError(f"no document {document_id!r} in {self.path}")
        self._remember_text(document_id, row[2])
        return _document(row)

    def _text(self, document_id: str) -> str:
        """A document's text (NotFoundError for an unknown id), from memory when it was read lately."""
        text = self._texts.get(document_id)
        if text is None:
            row = self.db.execute("SELECT text FROM documents WHERE id = ?", [document_id]).fetchone()
            if row is None:
                raise NotFoundError(f"no document {document_id!r} in {self.path}")
            text = row[0]
        self._remember_text(document_id, text)
        return text

    def _remember_text(self, document_id: str, text: str) -> None:
        self._texts.pop(document_id, None)
        self._texts[document_id] = text  # the newest last
        if len(self._texts) > TEXTS_KEPT:
            del self._texts[next(iter(self._texts))]

    def document_ids(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT id FROM documents ORDER BY rowid")]

    def documents(self, document_ids: Sequence[str] | None = None) -> Iterator[Document]:
        """Every document in project order, or those of ``document_ids`` in that order (NotFoundError
        for an unknown id), read 500 at a time."""
        for marks, part in _in_chunks(self.document_ids() if document_ids is None else document_ids):
            rows = {r[0]: r for r in self.db.execute(
                f"SELECT {_DOCUMENT_COLUMNS} FROM documents WHERE id IN ({marks})", part)}
            for document_id in part:
                if document_id not in rows:
                    raise NotFoundError(f"no document {document_id!r} in {self.path}")
                yield _document(rows[document_id])

    def count_documents(self) -> int:
        return self.db.execute("SELECT count(*) FROM documents").fetchone()[0]

    def count_annotations(self) -> int:
        """Every coder's annotations (gold not counted)."""
        return self.db.execute("SELECT count(*) FROM annotations").fetchone()[0]

    def document_with_hash(self, sha256: str) -> str | None:
        """The id of the document whose text has this SHA-256, if the project holds one."""
        row = self.db.execute("SELECT id FROM documents WHERE sha256 = ?", [sha256]).fetchone()
        return row[0] if row else None

    def document_outlets(self) -> dict[str, str]:
        """Document id -> outlet ('' when unknown)."""
        return dict(self.db.execute("SELECT id, coalesce(outlet, '') FROM documents").fetchall())

    # -- coders and assignments --------------------------------------------------------------------

    def add_coder(self, name: str, role: str = "coder") -> None:
        """Create a coder (nothing happens if the name exists). Names are how coders are addressed."""
        name = name.strip()
        if not name:
            raise InvalidValueError("a coder needs a name")
        if role not in ("coder", "adjudicator"):
            raise InvalidValueError(f"role {role!r} is not 'coder' or 'adjudicator'")
        with self._write():
            coder_id = self.db.insert("INSERT INTO coders (name, role, created_at) VALUES (?, ?, ?) "
                                      "ON CONFLICT DO NOTHING", [name, role, _now()], "id")
            if coder_id is not None:
                self._log(coder_id, None, "add_coder", {"name": name, "role": role})

    def coders(self) -> list[str]:
        return [r[0] for r in self.db.execute("SELECT name FROM coders ORDER BY id")]

    def coder_role(self, name: str) -> str:
        self._coder_id(name)
        return self.db.execute("SELECT role FROM coders WHERE name = ?", [name]).fetchone()[0]

    def _coder_id(self, name: str) -> int:
        if name not in self._coder_ids:
            row = self.db.execute("SELECT id FROM coders WHERE name = ?", [name]).fetchone()
            if row is None:
                raise NotFoundError(f"no coder {name!r} in this project (add them first)")
            self._coder_ids[name] = row[0]
        return self._coder_ids[name]

    def assign(self, document_ids: Iterable[str], coder: str) -> int:
        """Assign documents to a coder; returns how many were newly assigned."""
        coder_id = self._coder_id(coder)
        ids = list(document_ids)
        missing = set(ids) - self._existing("id", ids)
        if missing:
            raise NotFoundError(f"no such documents: {', '.join(sorted(missing)[:5])}")
        with self._write():
            cur = self.db.executemany(
                "INSERT INTO assignments (document_id, coder_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                [(d, coder_id) for d in ids])
            added = cur.rowcount
            if added:
                self._log(coder_id, None, "assign", {"document_ids": ids})
        return added

    def assignments(self, coder: str) -> list[Assignment]:
        rows = self.db.execute(
            "SELECT a.document_id, a.status, a.seconds_spent, a.started_at, a.finished_at FROM assignments a "
            "JOIN documents d ON d.id = a.document_id WHERE a.coder_id = ? ORDER BY d.rowid",
            [self._coder_id(coder)])
        return [Assignment(doc, coder, status, secs, started, finished)
                for doc, status, secs, started, finished in rows]

    def assignment_list(self, coder: str) -> list[tuple[str, str, str]]:
        """(document id, title, status) of a coder's assignments in project order, in one read: the
        window's document list, which may hold a hundred thousand."""
        return [tuple(row) for row in self.db.execute(
            "SELECT a.document_id, d.title, a.status FROM assignments a JOIN documents d ON d.id = a.document_id "
            "WHERE a.coder_id = ? ORDER BY d.rowid", [self._coder_id(coder)])]

    def assignment(self, coder: str, document_id: str) -> Assignment:
        row = self.db.execute(
            "SELECT status, seconds_spent, started_at, finished_at FROM assignments "
            "WHERE coder_id = ? AND document_id = ?", [self._coder_id(coder), document_id]).fetchone()
        if row is None:
            raise NotFoundError(f"document {document_id!r} is not assigned to {coder!r}")
        return Assignment(document_id, coder, *row)

    def document_titles(self, document_ids: Iterable[str] | None = None) -> dict[str, str]:
        if document_ids is None:
            return dict(self.db.execute("SELECT id, title FROM documents ORDER BY rowid").fetchall())
        out: dict[str, str] = {}
        for marks, part in _in_chunks(list(document_ids)):
            out.update(self.db.execute(f"SELECT id, title FROM documents WHERE id IN ({marks})", part).fetchall())
        return out

    def set_status(self, coder: str, document_id: str, status: str) -> str:
        """Set an assignment's status; returns the previous one. Use :meth:`mark_done` for done."""
        if status not in STATUSES:
            raise InvalidValueError(f"status {status!r} is not one of {', '.join(STATUSES)}")
        previous = self.assignment(coder, document_id).status
        coder_id = self._coder_id(coder)
        with self._write():
            self.db.execute(
                "UPDATE assignments SET status = ?, started_at = coalesce(started_at, ?), "
                "finished_at = CASE WHEN ? = 'done' THEN ? ELSE NULL END WHERE coder_id = ? AND document_id = ?",
                [status, _now(), status, _now(), coder_id, document_id])
            self._log(coder_id, document_id, "set_status", {"status": status, "previous": previous})
        return previous

    def missing(self, coder: str, document_id: str) -> list[str]:
        """What a coder still has to fill before the document can be marked done."""
        problems = []
        labels = self.labels(document_id, coder)
        for spec in self.codebook.document_fields:
            if spec.required and labels.get(spec.id) in (None, "", []):
                problems.append(f"document field “{spec.label.en}” is empty")
        links = self.links(document_id, coder)
        for ann in self.annotations(document_id, coder):
            if not self.codebook.has_layer(ann.layer):
                continue
            where = f"{ann.layer} «{_short(ann.quote)}»"
            for spec in self.codebook.missing_fields(ann.layer, ann.attrs):
                problems.append(f"{where}: “{spec.label.en}” is empty")
            for kind in self.codebook.links_from(ann.layer):
                if kind.required and not any(l.from_id == ann.id and l.kind == kind.id for l in links):
                    problems.append(f"{where}: no “{kind.label.en}” link")
        return problems

    def mark_done(self, coder: str, document_id: str, *, force: bool = False) -> str:
        """Mark a document done; raises NotReadyError listing what is missing unless ``force``."""
        problems = self.missing(coder, document_id)
        if problems and not force:
            raise NotReadyError(problems)
        return self.set_status(coder, document_id, "done")

    def add_time(self, coder: str, document_id: str, seconds: float) -> None:
        """Add time spent reading/coding a document (not logged: it is bookkeeping, not an edit)."""
        if seconds <= 0:
            return
        with self._write():
            self.db.execute("UPDATE assignments SET seconds_spent = seconds_spent + ? "
                            "WHERE coder_id = ? AND document_id = ?",
                            [seconds, self._coder_id(coder), document_id])

    def _touch(self, coder_id: int, document_id: str) -> None:
        """The first edit of a document moves its assignment from to do to in progress."""
        self.db.execute("UPDATE assignments SET status = 'in_progress', started_at = coalesce(started_at, ?) "
                        "WHERE coder_id = ? AND document_id = ? AND status = 'todo'",
                        [_now(), coder_id, document_id])

    # -- annotations -----------------------------------------------------------------------------

    def create_annotation(self, coder: str, document_id: str, layer: str, start: int, end: int,
                          attrs: dict[str, Any] | None = None, *, id: str | None = None,
                          suggested_by: str | None = None) -> Annotation:
        """Create a span; ``start``/``end`` are code points. ``id`` lets undo restore a deleted span.

        ``suggested_by``: the coder accepted a suggestion (its reason is kept in the change log).
        ConflictError if an annotation with ``id`` exists (another window restored it first).
        """
        coder_id = self._coder_id(coder)
        quote = check_span(self._text(document_id), start, end)
        if not self.codebook.has_layer(layer):
            raise InvalidValueError(f"the codebook has no layer {layer!r} "
                                    f"(layers: {', '.join(l.id for l in self.codebook.layers)})")
        attrs = dict(attrs or {})
        self._check_attrs(layer, attrs)
        now = _now()
        ann = Annotation(id=id or str(uuid.uuid4()), document_id=document_id, coder=coder, layer=layer,
                         start=start, end=end, quote=quote, attrs=attrs, created_at=now, updated_at=now)
        with self._write():
            if self.db.execute("SELECT 1 FROM annotations WHERE id = ?", [ann.id]).fetchone():
                raise ConflictError(f"{layer} «{_short(quote)}» already exists (restored in another window or "
                                    "program); it was not created twice")
            self.db.execute(
                'INSERT INTO annotations (id, document_id, coder_id, layer, start, "end", quote, attrs, '
                "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                [ann.id, document_id, coder_id, layer, start, end, quote, _json(attrs), now, now])
            self._touch(coder_id, document_id)
            payload = _annotation_payload(ann)
            if suggested_by:
                payload["suggested_by"] = suggested_by
            self._log(coder_id, document_id, "create_annotation", payload)
        return ann

    def update_annotation(self, coder: str, annotation_id: str, *, start: int | None = None,
                          end: int | None = None, attrs: dict[str, Any] | None = None,
                          expect: int | None = None) -> Annotation:
        """Change a span's edges and/or replace its attributes; returns the annotation as it was.

        ``expect``: the revision the caller read (:meth:`annotation_revisions`); if the row has
        changed since, ConflictError and nothing is written.
        """
        with self._write():
            before, coder_id = self._writable(coder, annotation_id, expect)
            new_start = before.start if start is None else start
            new_end = before.end if end is None else end
            new_attrs = before.attrs if attrs is None else dict(attrs)
            quote = check_span(self._text(before.document_id), new_start, new_end)
            self._check_attrs(before.layer, new_attrs)
            cur = self.db.execute('UPDATE annotations SET start = ?, "end" = ?, quote = ?, attrs = ?, updated_at = ? '
                                  "WHERE id = ? AND coder_id = ?",
                                  [new_start, new_end, quote, _json(new_attrs), _now(), annotation_id, coder_id])
            _one_row(cur, before)
            self._touch(coder_id, before.document_id)
            self._log(coder_id, before.document_id, "update_annotation",
                      {"id": annotation_id, "before": _annotation_payload(before),
                       "after": {"start": new_start, "end": new_end, "quote": quote, "attrs": new_attrs}})
        return before

    def delete_annotation(self, coder: str, annotation_id: str, *,
                          expect: int | None = None) -> tuple[Annotation, list[Link]]:
        """Delete a span and the links that touch it; returns both so that undo can restore them.

        ``expect``: as for :meth:`update_annotation`.
        """
        with self._write():
            ann, coder_id = self._writable(coder, annotation_id, expect)
            links = self._links_of(ann, coder_id)
            cur = self.db.execute("DELETE FROM annotations WHERE id = ? AND coder_id = ?",  # links cascade
                                  [annotation_id, coder_id])
            _one_row(cur, ann)
            self._touch(coder_id, ann.document_id)
            self._log(coder_id, ann.document_id, "delete_annotation",
                      {**_annotation_payload(ann), "links": [_link_payload(l) for l in links]})
        return ann, links

    def _writable(self, coder: str, annotation_id: str, expect: int | None) -> tuple[Annotation, int]:
        """Inside a write: the annotation as stored now, owned by ``coder`` and (with ``expect``)
        still at that revision; returns it and the coder's id."""
        ann = self.annotation(annotation_id)
        coder_id = self._owned(coder, ann.coder, f"annotation {annotation_id}")
        if expect is not None and self._revision(coder_id, ann.document_id, annotation_id) != expect:
            raise ConflictError(f"{ann.layer} «{_short(ann.quote)}» was changed in another window or program "
                                "since this one read it")
        return ann, coder_id

    def annotation_revisions(self, document_id: str, coder: str) -> dict[str, int]:
        """A coder's annotations in a document (ids, deleted ones too) -> revision: the seq of the
        last logged change to the row. A write given ``expect=`` an older revision is refused, so
        an edit made on a stale view never overwrites (or deletes) what another window wrote since,
        even when that window deleted the row and restored it."""
        return dict(self.db.execute(
            f"SELECT {self.db.json_field('payload', 'id')}, max(seq) FROM changes WHERE document_id = ? "
            f"AND coder_id = ? AND action IN {_ANNOTATION_ACTIONS} GROUP BY 1",
            [document_id, self._coder_id(coder)]).fetchall())

    def _revision(self, coder_id: int, document_id: str, annotation_id: str) -> int:
        # Walks the (document, coder) index from the newest change back: a row being edited is
        # found among the last few.
        row = self.db.execute(
            "SELECT seq FROM changes WHERE document_id = ? AND coder_id = ? "
            f"AND action IN {_ANNOTATION_ACTIONS} AND {self.db.json_field('payload', 'id')} = ? "
            "ORDER BY seq DESC LIMIT 1",
            [document_id, coder_id, annotation_id]).fetchone()
        return row[0] if row else 0

    def annotation(self, annotation_id: str) -> Annotation:
        rows = self._annotations("a.id = ?", [annotation_id])
        if not rows:
            raise NotFoundError(f"no annotation {annotation_id!r}")
        return rows[0]

    def annotations(self, document_id: str | None = None, coder: str | None = None,
                    layer: str | None = None) -> list[Annotation]:
        """Annotations in text order, optionally of one document, coder and/or layer."""
        where, args = ["1 = 1"], []
        if document_id is not None:
            where.append("a.document_id = ?")
            args.append(document_id)
        if coder is not None:
            where.append("a.coder_id = ?")
            args.append(self._coder_id(coder))
        if layer is not None:
            where.append("a.layer = ?")
            args.append(layer)
        return self._annotations(" AND ".join(where), args)

    def annotation_extents(self, coder: str, document_ids: Sequence[str]) -> Iterator[list[tuple[str, str, int, int]]]:
        """(layer, id, start, end) of a coder's spans in each of ``document_ids``, in that order, without
        their fields: a cheap first look."""
        return _extents(self.db, "annotations", "coder_id = ?", [self._coder_id(coder)], document_ids)

    def _annotations(self, where: str, args: list[Any]) -> list[Annotation]:
        rows = self.db.execute(
            'SELECT a.id, a.document_id, k.name, a.layer, a.start, a."end", a.quote, a.attrs, a.created_at, '
            f"a.updated_at FROM annotations a JOIN coders k ON k.id = a.coder_id WHERE {where} "
            'ORDER BY a.document_id, a.start, a."end" DESC, a.created_at, a.id', args)
        return [Annotation(i, d, c, l, s, e, q, _loads(at), ca, ua) for i, d, c, l, s, e, q, at, ca, ua in rows]

    def coder_records(self, coder: str, document_ids: Sequence[str], *, chunk: int = 500) -> Iterator[DocumentRows]:
        """A coder's spans, links and fields of each of ``document_ids``, in that order: what
        :meth:`annotations`, :meth:`links` and :meth:`labels` give per document, read with three
        queries per ``chunk`` documents (so an export of 100,000 documents streams)."""
        coder_id = self._coder_id(coder)
        for marks, part in _in_chunks(document_ids, chunk):
            args = [*part, coder_id]
            spans = _by_document(self._annotations(f"a.document_id IN ({marks}) AND a.coder_id = ?", args))
            links = _by_document(self._links(f"l.document_id IN ({marks}) AND l.coder_id = ?", args))
            labels: dict[str, dict[str, Any]] = {}
            for document_id, field, value in self.db.execute(
                    f"SELECT document_id, field, value FROM document_labels WHERE document_id IN ({marks}) "
                    "AND coder_id = ?", args):
                labels.setdefault(document_id, {})[field] = _loads(value)
            for document_id in part:
                yield DocumentRows(document_id, spans.get(document_id, []), links.get(document_id, []),
                                   labels.get(document_id, {}))

    def _check_attrs(self, layer: str, attrs: dict[str, Any]) -> None:
        problems = self.codebook.attr_problems(layer, attrs)
        if problems:
            raise InvalidValueError("; ".join(problems))

    def _owned(self, coder: str, owner: str, what: str) -> int:
        coder_id = self._coder_id(coder)
        if owner != coder:
            raise NotOwnerError(f"{what} belongs to {owner!r}; {coder!r} may change only their own work")
        return coder_id

    def dismiss_suggestion(self, coder: str, document_id: str, suggestion_id: str, reason: str = "") -> None:
        """Record that a coder dismissed a suggestion, so it is not offered again."""
        coder_id = self._coder_id(coder)
        with self._write():
            self._log(coder_id, document_id, "dismiss_suggestion", {"id": suggestion_id, "reason": reason})

    def dismissed_suggestions(self, coder: str, document_id: str) -> set[str]:
        rows = self.db.execute("SELECT payload FROM changes WHERE action = 'dismiss_suggestion' "
                               "AND coder_id = ? AND document_id = ?", [self._coder_id(coder), document_id])
        return {json.loads(payload)["id"] for (payload,) in rows}

    def coders_of(self, document_id: str) -> list[str]:
        """The coders a document is assigned to (two or more: it is in the reliability sample)."""
        return [r[0] for r in self.db.execute(
            "SELECT k.name FROM assignments a JOIN coders k ON k.id = a.coder_id WHERE a.document_id = ? "
            "ORDER BY k.id", [document_id])]

    # -- links -----------------------------------------------------------------------------------

    def create_link(self, coder: str, from_id: str, to_id: str, kind: str, *, id: str | None = None) -> Link:
        """Link two of a coder's annotations; ``id`` lets undo restore a deleted link (ConflictError
        if it exists: restored elsewhere)."""
        with self._write():
            source, target = self.annotation(from_id), self.annotation(to_id)
            coder_id = self._owned(coder, source.coder, f"annotation {from_id}")
            self._owned(coder, target.coder, f"annotation {to_id}")
            self._check_link(source, target, kind)
            if not self.codebook.link_kind(kind).multiple and any(
                    l.from_id == from_id and l.kind == kind for l in self.links(source.document_id, coder)):
                raise InvalidValueError(f"{source.layer} «{_short(source.quote)}» already has a {kind} link; "
                                        "it takes only one")
            link = Link(id or str(uuid.uuid4()), source.document_id, coder, from_id, to_id, kind)
            if self.db.execute("SELECT 1 FROM links WHERE id = ?", [link.id]).fetchone():
                raise ConflictError(f"the {kind} link of {source.layer} «{_short(source.quote)}» already exists "
                                    "(restored in another window or program)")
            self._insert_link(coder_id, link)
            self._touch(coder_id, link.document_id)
            self._log(coder_id, link.document_id, "create_link", _link_payload(link))
        return link

    def set_link_targets(self, coder: str, from_id: str, kind: str, to_ids: Iterable[str], *,
                         expect: Iterable[str] | None = None) -> list[str]:
        """Make ``to_ids`` the whole set of ``kind`` links from an annotation, in one transaction.

        Returns the previous targets, so undo is another call with them. ``expect``: the targets
        the caller read; if the stored ones differ, ConflictError and nothing is written. The log
        names the links added, with their ids.
        """
        wanted = list(dict.fromkeys(to_ids))
        spec = self.codebook.link_kind(kind) if self._known_kind(kind) else None
        if spec is not None and not spec.multiple and len(wanted) > 1:
            raise InvalidValueError(f"a {kind} link takes only one target")
        with self._write():
            source = self.annotation(from_id)
            coder_id = self._owned(coder, source.coder, f"annotation {from_id}")
            for to_id in wanted:
                target = self.annotation(to_id)
                self._owned(coder, target.coder, f"annotation {to_id}")
                self._check_link(source, target, kind)
            current = [l for l in self.links(source.document_id, coder) if l.from_id == from_id and l.kind == kind]
            previous = [l.to_id for l in current]
            if expect is not None and set(expect) != set(previous):
                raise ConflictError(f"the {kind} links of {source.layer} «{_short(source.quote)}» were changed in "
                                    "another window or program since this one read them")
            for l in current:
                if l.to_id not in wanted:
                    self.db.execute("DELETE FROM links WHERE id = ?", [l.id])
            added = [Link(str(uuid.uuid4()), source.document_id, coder, from_id, to_id, kind)
                     for to_id in wanted if to_id not in previous]
            for link in added:
                self._insert_link(coder_id, link)
            self._touch(coder_id, source.document_id)
            self._log(coder_id, source.document_id, "set_link_targets",
                      {"from_id": from_id, "kind": kind, "to_ids": wanted, "previous": previous,
                       "added": [_link_payload(l) for l in added]})
        return previous

    def delete_link(self, coder: str, link_id: str) -> Link:
        with self._write():
            row = self.db.execute("SELECT document_id FROM links WHERE id = ?", [link_id]).fetchone()
            if row is None:
                raise NotFoundError(f"no link {link_id!r}")
            link = next(l for l in self.links(row[0]) if l.id == link_id)
            coder_id = self._owned(coder, link.coder, f"link {link_id}")
            self.db.execute("DELETE FROM links WHERE id = ?", [link_id])
            self._touch(coder_id, link.document_id)
            self._log(coder_id, link.document_id, "delete_link", _link_payload(link))
        return link

    def _links_of(self, ann: Annotation, coder_id: int) -> list[Link]:
        """The links from or to ``ann`` (without reading the other links of its document)."""
        return [Link(*row) for row in self.db.execute(
            "SELECT l.id, l.document_id, k.name, l.from_id, l.to_id, l.kind FROM links l "
            "JOIN coders k ON k.id = l.coder_id WHERE l.document_id = ? AND l.coder_id = ? "
            "AND (l.from_id = ? OR l.to_id = ?) ORDER BY l.created_at, l.rowid",
            [ann.document_id, coder_id, ann.id, ann.id])]

    def links(self, document_id: str, coder: str | None = None) -> list[Link]:
        if coder is None:
            return self._links("l.document_id = ?", [document_id])
        return self._links("l.document_id = ? AND l.coder_id = ?", [document_id, self._coder_id(coder)])

    def _links(self, where: str, args: list[Any]) -> list[Link]:
        return [Link(*row) for row in self.db.execute(
            "SELECT l.id, l.document_id, k.name, l.from_id, l.to_id, l.kind FROM links l "
            f"JOIN coders k ON k.id = l.coder_id WHERE {where} ORDER BY l.created_at, l.rowid", args)]

    def _known_kind(self, kind: str) -> bool:
        return any(k.id == kind for k in self.codebook.links)

    def _check_link(self, source: Annotation, target: Annotation, kind: str) -> None:
        if not self._known_kind(kind):
            raise InvalidValueError(f"the codebook has no link kind {kind!r}")
        spec = self.codebook.link_kind(kind)
        if source.document_id != target.document_id:
            raise InvalidValueError("a link joins two annotations of the same document")
        if source.id == target.id:
            raise InvalidValueError("an annotation cannot link to itself")
        if source.layer != spec.from_layer or target.layer not in spec.to_layers:
            raise InvalidValueError(f"a {kind} link goes from {spec.from_layer} to {' or '.join(spec.to_layers)}, "
                                    f"not from {source.layer} to {target.layer}")

    def _insert_link(self, coder_id: int, link: Link) -> None:
        self.db.execute("INSERT INTO links (id, document_id, coder_id, from_id, to_id, kind, created_at) "
                        "VALUES (?, ?, ?, ?, ?, ?, ?)",
                        [link.id, link.document_id, coder_id, link.from_id, link.to_id, link.kind, _now()])

    # -- document labels -------------------------------------------------------------------------

    def set_label(self, coder: str, document_id: str, field: str, value: Any, *, expect: Any = _UNCHECKED) -> Any:
        """Set a document-level field (None clears it); returns the previous value.

        ``expect``: the value the caller read (None: empty); if the stored one differs,
        ConflictError and nothing is written.
        """
        coder_id = self._coder_id(coder)
        self._text(document_id)  # an unknown document is an error
        try:
            spec = self.codebook.document_field(field)
        except KeyError as exc:
            raise InvalidValueError(str(exc.args[0])) from None
        if value in ("", []):
            value = None
        if (why := spec.check(value)) is not None:
            raise InvalidValueError(f"{field}: {why}")
        with self._write():
            previous = self.labels(document_id, coder).get(field)
            if expect is not _UNCHECKED and expect != previous:
                raise ConflictError(f"document field “{spec.label.en}” was changed in another window or program "
                                    "since this one read it")
            if value is None:
                self.db.execute("DELETE FROM document_labels WHERE document_id = ? AND coder_id = ? AND field = ?",
                                [document_id, coder_id, field])
            else:
                self.db.execute(
                    "INSERT INTO document_labels (document_id, coder_id, field, value, updated_at) "
                    "VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id, coder_id, field) "
                    "DO UPDATE SET value = excluded.value, updated_at = excluded.updated_at",
                    [document_id, coder_id, field, _json(value), _now()])
            self._touch(coder_id, document_id)
            self._log(coder_id, document_id, "set_label", {"field": field, "value": value, "previous": previous})
        return previous

    def labels(self, document_id: str, coder: str) -> dict[str, Any]:
        rows = self.db.execute("SELECT field, value FROM document_labels WHERE document_id = ? AND coder_id = ?",
                               [document_id, self._coder_id(coder)])
        return {field: _loads(value) for field, value in rows}

    # -- integrity ---------------------------------------------------------------------------------

    def check(self) -> list[str]:
        """Integrity problems: quotes (coders' and gold) that differ from the text, texts that differ
        from their SHA-256, and the engine's own checks (SQLite's full integrity check and foreign
        keys; a server enforces its constraints on every write).

        substr counts characters (code points) on both engines, like the stored offsets.
        """
        problems = [f"{row[0]}: {what} quote differs from the text at {row[1]}..{row[2]} in {row[3]}"
                    for table, what in (("annotations", "annotation"), ("gold_annotations", "gold annotation"))
                    for row in self.db.execute(
                        f'SELECT a.id, a.start, a."end", a.document_id FROM {table} a JOIN documents d '
                        'ON d.id = a.document_id WHERE a."end" > length(d.text) '
                        'OR substr(d.text, a.start + 1, a."end" - a.start) != a.quote')]
        # Offsets mean nothing if the text they point into changed (the trigger can be dropped).
        problems += [f"{doc}: the document's text no longer matches its stored SHA-256 (it was changed "
                     "after import, so its spans may point at the wrong words)"
                     for doc, text, digest in self.db.execute("SELECT id, text, sha256 FROM documents")
                     if text_sha256(text) != digest]
        return problems + self.db.integrity_problems()


_DOCUMENT_COLUMNS = "id, title, text, outlet, url, published, meta, origin"


def _document(row: Sequence[Any]) -> Document:
    """A document from a row of :data:`_DOCUMENT_COLUMNS`."""
    return Document(id=row[0], title=row[1], text=row[2], outlet=row[3], url=row[4], published=row[5],
                    meta=json.loads(row[6]), origin=row[7])


def check_span(text: str, start: int, end: int) -> str:
    """The quote of [start, end) in ``text`` (code points), or SpanError saying what is wrong."""
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
        raise SpanError(f"span offsets must be whole numbers, not {start!r}..{end!r}")
    if not 0 <= start < end <= len(text):
        raise SpanError(f"span {start}..{end} does not fit a text of {len(text)} characters "
                        "(need 0 <= start < end <= length)")
    return text[start:end]


def _short(text: str, limit: int = 30) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


def _one_row(cur: Any, ann: Annotation) -> None:
    """A write that reports success must have changed its row."""
    if cur.rowcount != 1:
        raise ConflictError(f"{ann.layer} «{_short(ann.quote)}» is no longer stored as read; nothing was changed")


def _annotation_payload(a: Annotation) -> dict[str, Any]:
    return {"id": a.id, "layer": a.layer, "start": a.start, "end": a.end, "quote": a.quote, "attrs": a.attrs}


def _link_payload(link: Link) -> dict[str, Any]:
    return {"id": link.id, "from_id": link.from_id, "to_id": link.to_id, "kind": link.kind}


def _database_problem(path: Path, exc: sqlite3.DatabaseError) -> str:
    """SQLite's complaint about ``path`` as a sentence that says what happened and what to do."""
    message = str(exc)
    if _is_damage(message):
        return str(UnusableProjectError(path, _damage(exc)))
    if "locked" in message or "busy" in message:
        return (f"{path}: the project is locked by another program (SQLite says: {message}). "
                "Close the other program and try again.")
    if "readonly" in message or "read-only" in message or "unable to open" in message:
        reason = _read_only_reason(path)
        if reason is not None:
            return f"{path}: nothing can be saved: {reason}."
        if "unable to open" in message:
            return f"{path}: SQLite cannot open the file or the -wal/-shm files beside it (SQLite says: {message})."
        return f"{path}: the project was opened read-only, so nothing can be saved (SQLite says: {message})."
    if "full" in message or ("disk I/O" in message and _disk_nearly_full(path)):
        return (f"{path}: the disk is full, so nothing more can be saved (what was saved before is safe). "
                "Free some space and try again.")
    if "disk I/O" in message:
        return (f"{path}: the disk reported an error, so the last change was not saved (SQLite says: {message}). "
                "Check the disk or the drive's connection, then try again.")
    return f"{path}: the database reported a problem: {message}"


def _disk_nearly_full(path: Path) -> bool:
    """SQLite reports a disk it cannot even create -wal/-shm on as an I/O error: under 1 MiB free is full."""
    try:
        return shutil.disk_usage(path.resolve().parent).free < 1 << 20
    except OSError:
        return False


def _is_damage(message: str) -> bool:
    return any(sign in message for sign in ("not a database", "malformed", "file is encrypted"))


def _damage(exc: sqlite3.DatabaseError) -> str:
    return f"this file is not a usable annotator project: it is damaged, or not a project at all (SQLite says: {exc})"


def _missing_project(path: Path) -> str:
    from annotator.store.backup import backup_folder, backups

    message = (f"{path}: no such project file. Check the path; to create a new project there, run "
               f"`annotator init --project {path}` (from Python: Project.open(path, create=True)).")
    if backups(path):
        message += (f" Backups of a project of that name are in {backup_folder(path)}: "
                    f"`annotator restore --project {path}` brings back the newest.")
    return message


def _load_codebook(codebook: Codebook | str | Path | None) -> Codebook:
    if isinstance(codebook, Codebook):
        return codebook
    try:
        return Codebook.load(codebook)
    except CodebookError as exc:
        raise ProjectError(str(exc)) from None


def _read_only_reason(path: Path) -> str | None:
    """Why the project at ``path`` cannot be written, or None. SQLite in WAL mode writes the file and
    creates ``-wal`` and ``-shm`` files beside it, so the folder must be writable too."""
    try:
        if os.statvfs(path).f_flag & os.ST_RDONLY:
            return f"the disk or share holding {path.name} is mounted read-only"
    except (AttributeError, OSError):  # statvfs is POSIX only
        pass
    if not os.access(path, os.W_OK):
        return f"the file {path.name} is read-only (its permissions do not let you write it)"
    folder = path.resolve().parent
    if not os.access(folder, os.W_OK | os.X_OK):
        return (f"its folder {folder} cannot be written, and SQLite must create {path.name}-wal and "
                f"{path.name}-shm beside the project (make the folder writable, or move the project "
                "to a folder you can write)")
    return None


def _connect(path: Path, read_only: str | None) -> Database:
    from annotator.store.sqlite_lib import Database

    if read_only is None:
        conn = sqlite3.connect(str(path), timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    else:
        # Nothing will be written, so with no -wal to read the file is opened as immutable: SQLite
        # then creates no -wal/-shm files that would be left behind beside a read-only project.
        pending_wal = Path(f"{path}-wal").exists()
        uri = path.resolve().as_uri() + ("?mode=ro" if pending_wal else "?mode=ro&immutable=1")
        conn = sqlite3.connect(uri, uri=True, timeout=BUSY_TIMEOUT_S, check_same_thread=False)
    db = Database(conn)
    try:
        db.execute(f"PRAGMA busy_timeout = {int(BUSY_TIMEOUT_S * 1000)}")
        db.execute("PRAGMA foreign_keys = ON")
    except BaseException:
        conn.close()
        raise
    return db


def _use_wal(db: Database, path: Path) -> None:
    """WAL mode (readers never block the writer) and synchronous FULL (a commit is on disk before the
    window says "saved", even across a power cut). Only after the checks: switching writes the file."""
    mode = db.execute("PRAGMA journal_mode = WAL").fetchone()[0]
    if mode.lower() != "wal":
        raise ProjectError(f"{path}: the file system does not support SQLite's WAL mode")
    db.execute("PRAGMA synchronous = FULL")


def _known_migrations() -> list[str]:
    from annotator.store.sqlite_lib import Database

    from annotator.schema import migrations

    return [m.name for m in migrations.pending(Database(memory=True))]


def schema_problem(conn: sqlite3.Connection) -> str | None:
    """Why this annotator must not write to a database, or None (an empty database, or a project of
    this version's schema or an older one).

    The schema version is the list of migrations applied (sqlite-utils' ``_sqlite_migrations``): a
    name this version does not know was applied by a newer annotator.
    """
    from annotator.schema import migrations

    tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if not tables:
        return None
    applied = [row[0] for row in conn.execute(
        "SELECT name FROM _sqlite_migrations WHERE migration_set = ? ORDER BY rowid", [migrations.name])] \
        if "_sqlite_migrations" in tables else []
    if not applied:
        shown = ", ".join(sorted(tables)[:5]) + (", …" if len(tables) > 5 else "")
        return (f"this is an SQLite database, but not an annotator project (its tables: {shown}); "
                "annotator leaves it untouched")
    known = _known_migrations()
    unknown = [name for name in applied if name not in known]
    if not unknown:
        return None
    writer = conn.execute("SELECT value FROM project WHERE key = 'annotator_version'").fetchone() \
        if "project" in tables else None
    by = f" (annotator {writer[0]})" if writer else ""
    return (f"it was written by a newer version of annotator{by}: its schema has {', '.join(unknown)}, which "
            f"annotator {__version__} does not know (its newest is {known[-1]}). Writing to it with this "
            "version could damage it, so it was not opened; use the newer annotator")
