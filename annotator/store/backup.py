"""Backups of a project file, and restoring one.

A backup is a complete copy made with SQLite's online backup API (other programs may keep writing
while it is taken), written under a temporary name and renamed, so a half-written copy is never
taken for a backup. Backups live beside the project, in a folder named after it::

    study.annotator.db
    study.annotator.db.backups/20261125T105022.493112Z-seq1234.annotator.db

The name says when the copy was taken (UTC) and the last change it holds (``changes.seq``). A copy is
made when a project opens and every :data:`EVERY_MINUTES` while it is in use, but only when something
changed since the newest backup. The folder keeps the newest :data:`KEEP_LAST` copies and the newest
copy of each of the :data:`KEEP_DAYS` most recent days that have one (docs/reliability.md).

:func:`restore` never overwrites a file: the current project (and its ``-wal``/``-shm``) is moved
aside as ``NAME.before-restore-TIME`` first.
"""

from __future__ import annotations

import errno
import os
import re
import shutil
import sqlite3
import threading
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path
from urllib.parse import quote

from annotator.store import Project, ProjectError, schema_problem

EVERY_MINUTES = 10
KEEP_LAST = 10
KEEP_DAYS = 30
# A partial copy this old belongs to a process that died while copying.
STALE_PARTIAL = timedelta(hours=1)

_NAME = re.compile(r"^(\d{8}T\d{6}\.\d{6})Z-seq(\d+)\.annotator\.db$")
_STAMP = "%Y%m%dT%H%M%S.%f"


class BackupError(ProjectError):
    """A backup could not be made or restored, in words for the user."""


@dataclass(frozen=True)
class Backup:
    path: Path
    taken_at: datetime  # UTC
    seq: int  # the last entry of the changes log it holds

    def describe(self) -> str:
        local = self.taken_at.astimezone().strftime("%Y-%m-%d %H:%M")
        return f"{self.path.name} (taken {local}, up to change {self.seq})"


def backup_folder(project_path: Path) -> Path:
    project_path = Path(project_path)
    return project_path.with_name(project_path.name + ".backups")


def backups(project_path: Path) -> list[Backup]:
    """The project's backups, newest first (files in the folder that are not backups are ignored)."""
    folder = backup_folder(project_path)
    if not folder.is_dir():
        return []
    found = []
    for path in folder.iterdir():
        match = _NAME.match(path.name)
        if match:
            taken = datetime.strptime(match[1], _STAMP).replace(tzinfo=timezone.utc)
            found.append(Backup(path, taken, int(match[2])))
    return sorted(found, key=lambda b: (b.taken_at, b.seq), reverse=True)


def make_backup(conn: sqlite3.Connection, project_path: Path, *, only_if_changed: bool = True) -> Backup | None:
    """Copy the open project (``conn``) into its backup folder and rotate the folder.

    Returns the new backup, or None when nothing changed since the newest one (``only_if_changed``).
    Raises BackupError when the copy cannot be written (full disk, permissions); the project itself
    is never touched.
    """
    project_path = Path(project_path)
    try:
        seq = conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]
        existing = backups(project_path)
        if only_if_changed and existing and existing[0].seq == seq:
            return None
        folder = backup_folder(project_path)
        folder.mkdir(exist_ok=True)
        taken = datetime.now(timezone.utc)
        final = folder / f"{taken.strftime(_STAMP)}Z-seq{seq}.annotator.db"
        partial = final.with_name(f"{final.name}.{os.getpid()}.partial")
        try:
            _copy(conn, partial)
            os.replace(partial, final)
        finally:
            partial.unlink(missing_ok=True)
        _sync_folder(folder)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"{project_path}: no backup could be made in {backup_folder(project_path)}: "
                          f"{_reason(exc)}. The project itself is unharmed.") from None
    rotate(project_path)
    return Backup(final, taken, seq)


def backup_due(project_path: Path, now: datetime | None = None) -> bool:
    """True when the newest backup is older than EVERY_MINUTES (or there is none)."""
    existing = backups(project_path)
    now = now or datetime.now(timezone.utc)
    return not existing or now - existing[0].taken_at >= timedelta(minutes=EVERY_MINUTES)


class BackgroundBackups:
    """Backups of an open project while it is in use: call :meth:`tick` from a timer (every minute
    or so); when the newest backup is EVERY_MINUTES old and the project changed since, a copy is made
    in a thread with its own connection, so a window never freezes on a large file (a 760 MB project
    takes 3 s, docs/reliability.md). ``problem`` says why the last copy failed (None: it did not)."""

    def __init__(self, project: Project):
        self.path = project.path
        # A read-only project cannot change; a server project's backups are the server's (pg_dump).
        self.enabled = project.read_only is None and project.db.name == "sqlite"
        self.problem: str | None = None
        self.made: Backup | None = None
        self._thread: threading.Thread | None = None

    def tick(self) -> None:
        if not self.enabled or (self._thread is not None and self._thread.is_alive()) or not backup_due(self.path):
            return
        # A daemon: a window closing mid-copy leaves a .partial that rotation removes later.
        self._thread = threading.Thread(target=self._copy, name="annotator-backup", daemon=True)
        self._thread.start()

    def wait(self, timeout: float | None = None) -> None:
        if self._thread is not None:
            self._thread.join(timeout)

    def _copy(self) -> None:
        try:
            conn = sqlite3.connect(str(self.path), timeout=5.0)
            try:
                self.made = make_backup(conn, self.path) or self.made
                self.problem = None
            finally:
                conn.close()
        except BackupError as exc:
            self.problem = str(exc)
        except sqlite3.Error as exc:
            self.problem = f"{self.path}: no backup could be made: {exc}. The project itself is unharmed."


def _copy(conn: sqlite3.Connection, target_path: Path) -> None:
    target = sqlite3.connect(str(target_path))
    try:
        conn.backup(target)
        # One self-contained file: a backup needs no -wal beside it to be complete.
        target.execute("PRAGMA journal_mode = DELETE")
    finally:
        target.close()
    with open(target_path, "rb+") as fh:
        os.fsync(fh.fileno())


def _sync_folder(folder: Path) -> None:
    """Make a rename durable (POSIX); Windows cannot open folders and does not need it."""
    if os.name == "posix":
        fd = os.open(folder, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def rotate(project_path: Path, now: datetime | None = None) -> list[Path]:
    """Delete backups beyond the newest KEEP_LAST and the newest of each of the KEEP_DAYS most recent
    days, and partial copies left by a process that died; returns what was deleted."""
    existing = backups(project_path)
    keep = set(existing[:KEEP_LAST])
    newest_of_day: dict[object, Backup] = {}
    for backup in existing:  # newest first, so the first seen is the newest of its day
        newest_of_day.setdefault(backup.taken_at.date(), backup)
    keep.update(newest_of_day[day] for day in sorted(newest_of_day, reverse=True)[:KEEP_DAYS])
    deleted = [b.path for b in existing if b not in keep]
    now = now or datetime.now(timezone.utc)
    folder = backup_folder(project_path)
    if folder.is_dir():
        for partial in folder.glob("*.partial"):
            try:
                if now - datetime.fromtimestamp(partial.stat().st_mtime, timezone.utc) > STALE_PARTIAL:
                    deleted.append(partial)
            except FileNotFoundError:  # another process finished or removed it
                continue
    for path in deleted:
        path.unlink(missing_ok=True)  # another process rotating at the same time may be first
    return deleted


def verify(path: Path) -> str | None:
    """Why a file is not a usable project copy (damaged, not a project, from a newer annotator), or None.

    Read-only and ``immutable``: checking a copy never creates ``-wal``/``-shm`` files or changes it.
    """
    try:
        if Path(path).stat().st_size == 0:
            return "the file is empty (0 bytes)"
        conn = sqlite3.connect(f"file:{quote(str(Path(path).resolve()))}?mode=ro&immutable=1", uri=True)
        try:
            found = [row[0] for row in conn.execute("PRAGMA quick_check")]
            if found != ["ok"]:
                return "damaged (SQLite's quick check: " + "; ".join(found[:3]) + ")"
            return schema_problem(conn)
        finally:
            conn.close()
    except sqlite3.DatabaseError as exc:
        return f"not a usable SQLite file ({exc})"
    except OSError as exc:
        return _reason(exc)


def latest_good(project_path: Path) -> Backup | None:
    """The newest backup that passes :func:`verify`, or None."""
    return next((b for b in backups(project_path) if verify(b.path) is None), None)


@dataclass(frozen=True)
class Restored:
    source: Path
    kept_as: Path | None  # where the file that was replaced now is (None: there was none)


def restore(project_path: Path, source: Path | None = None) -> Restored:
    """Put a backup (``source``, default: the newest good one) in the project's place.

    The current file, if any, is moved aside with its ``-wal`` and ``-shm`` (they may hold saved
    work), never deleted. Refuses while another program has the project open.
    """
    project_path = Path(project_path)
    if source is None:
        good = latest_good(project_path)
        if good is None:
            raise BackupError(f"{project_path}: no usable backup in {backup_folder(project_path)}")
        source = good.path
    elif (problem := verify(source)) is not None:
        raise BackupError(f"{source}: cannot restore from this file: {problem}")
    _refuse_if_in_use(project_path)
    stamp = datetime.now(timezone.utc).strftime("%Y%m%dT%H%M%SZ")
    kept = project_path.with_name(f"{project_path.name}.before-restore-{stamp}") if project_path.exists() else None
    partial = project_path.with_name(f"{project_path.name}.restoring-{os.getpid()}.partial")
    try:
        shutil.copyfile(source, partial)
        with open(partial, "rb+") as fh:
            os.fsync(fh.fileno())
        if kept is not None:
            for suffix in ("", "-wal", "-shm"):  # a -wal may hold committed work: keep it with its file
                if Path(f"{project_path}{suffix}").exists():
                    os.replace(f"{project_path}{suffix}", f"{kept}{suffix}")
        os.replace(partial, project_path)
        _sync_folder(project_path.parent)
    except OSError as exc:
        raise BackupError(f"{project_path}: the backup could not be restored: {_reason(exc)}"
                          + (f"; the previous file is {kept}" if kept is not None and kept.exists() else "")) from None
    finally:
        partial.unlink(missing_ok=True)
    return Restored(Path(source), kept)


def _refuse_if_in_use(project_path: Path) -> None:
    """A project another program has open must not be swapped under it: every open connection holds
    a shared lock, so an exclusive lock is refused while one exists."""
    if not project_path.exists() or project_path.stat().st_size == 0:
        return
    # Read-write (a read-only connection cannot take the lock); exclusive locking mode creates no -shm.
    conn = sqlite3.connect(f"file:{quote(str(project_path.resolve()))}", uri=True, timeout=0.5)
    conn.isolation_level = None
    try:
        conn.execute("PRAGMA locking_mode = EXCLUSIVE")
        conn.execute("BEGIN EXCLUSIVE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise BackupError(f"{project_path}: another program has the project open; close it (and every "
                              "annotator window on it) before restoring") from None
    except sqlite3.DatabaseError:
        pass  # a damaged file cannot be locked the SQLite way, nor can anyone be using it that way
    finally:
        conn.close()


def _reason(exc: BaseException) -> str:
    if isinstance(exc, OSError):
        if exc.errno == errno.ENOSPC:
            return "the disk is full"
        if exc.errno in (errno.EPERM, errno.EACCES, errno.EROFS):
            return f"permission denied ({exc.strerror})"
        return exc.strerror or str(exc)
    message = str(exc)
    return "the disk is full" if "full" in message else message
