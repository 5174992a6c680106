"""A PostgreSQL server that the tests start themselves, in a temporary folder, and stop.

The Debian ``postgresql`` package's binaries are found on PATH or in /usr/lib/postgresql/*/bin.
Without them the server tests are skipped, and the skip says why. As root (CI) the server runs as
the ``postgres`` user, which the package creates. It listens on a Unix socket in its folder only
(no port to clash with), without fsync: a test server need not survive a power cut.

One server serves the whole session. Each test gets its own database, copied from a template that
already holds an empty project (schema and the default codebook). A copy takes the server ~0.1 s,
so the test session keeps a few made ahead by a thread (``ahead``), while tests run; a copy of a
project built once for the session (tests/conftest.py ``new_location(copy_of=...)``) is made from
it as the template.
"""

from __future__ import annotations

import glob
import os
import pwd
import shutil
import queue
import subprocess
import tempfile
import threading
from collections.abc import Iterator
from itertools import count
from pathlib import Path

TEMPLATE = "annotator_template"


def binaries() -> Path | None:
    """The folder holding initdb and pg_ctl, or None."""
    found = shutil.which("initdb")
    if found and shutil.which("pg_ctl"):
        return Path(found).resolve().parent
    for folder in sorted(glob.glob("/usr/lib/postgresql/*/bin"), reverse=True):
        if Path(folder, "initdb").exists() and Path(folder, "pg_ctl").exists():
            return Path(folder)
    return None


def unavailable() -> str | None:
    """Why no test server can be started here (None: it can)."""
    if binaries() is None:
        return ("PostgreSQL is not installed (no initdb/pg_ctl on PATH or in /usr/lib/postgresql/*/bin), so the "
                "PostgreSQL half of the suite is skipped; `apt-get install postgresql` runs it (.ci/run does)")
    if os.geteuid() == 0:
        try:
            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root, and there is no `postgres` user to run the test server as"
    return None


class PgServer:
    """A running server: ``url(dbname)`` connects as its superuser; ``new_database()`` makes a database."""

    def __init__(self) -> None:
        self.folder = Path(tempfile.mkdtemp(prefix="annotator-pg-"))
        self.data = self.folder / "data"
        self.bin = binaries()
        self.port = 5432
        self._names = count(1)
        self._ready: queue.Queue[str | Exception] = queue.Queue()  # empty projects made ahead (or why not)
        self._room = threading.Semaphore(0)  # how many more to make ahead
        self._filling = False
        self._stopping = threading.Event()
        self._run_as: list[str] = []
        if os.geteuid() == 0:  # PostgreSQL refuses to run as root
            shutil.chown(self.folder, "postgres")
            self._run_as = ["runuser", "-u", "postgres", "--"]
        self.folder.chmod(0o700)

    def start(self, *, durable: bool = False) -> None:
        """``durable``: fsync and synchronous commits as a real server has them (benchmarks)."""
        self._run("initdb", "-D", str(self.data), "-U", "postgres", "-A", "trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")
        options = f"-k {self.folder} -c listen_addresses='' -p {self.port} -c max_connections=200"
        if not durable:
            options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off"
        self._run("pg_ctl", "-D", str(self.data), "-l", str(self.folder / "server.log"), "-w", "-o", options, "start")

    def stop(self) -> None:
        self._stopping.set()
        self._room.release()  # wakes the thread making databases ahead, which then ends
        try:
            self._run("pg_ctl", "-D", str(self.data), "-m", "immediate", "-w", "stop")
        finally:
            shutil.rmtree(self.folder, ignore_errors=True)

    def _run(self, tool: str, *args: str) -> None:
        result = subprocess.run([*self._run_as, str(self.bin / tool), *args], capture_output=True, text=True)
        if result.returncode != 0:
            raise RuntimeError(f"{tool} failed: {result.stdout}{result.stderr}")

    def url(self, dbname: str, user: str = "postgres") -> str:
        return f"postgresql:///{dbname}?host={self.folder}&port={self.port}&user={user}"

    def admin(self):  # noqa: ANN201 - a psycopg connection
        import psycopg

        return psycopg.connect(self.url("postgres"), autocommit=True)

    def make_template(self) -> None:
        """The template every test database is copied from: an empty project, default codebook."""
        from annotator.store import Project

        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        Project.open(self.url(TEMPLATE), create=True).close()

    def new_database(self, *, empty: bool = False, copy_of: str | None = None) -> str:
        """A new database: an empty project (``empty``: no schema at all; ``copy_of``: a copy of the
        database at that URL, which no connection may be using); returns its URL."""
        if not empty and copy_of is None and self._filling:
            self._room.release()
            made = self._ready.get(timeout=120)
            if isinstance(made, Exception):
                raise made
            return made
        return self._create(None if empty else _dbname(copy_of) if copy_of is not None else TEMPLATE)

    def make_ahead(self, count: int) -> None:
        """Keep ``count`` empty projects made ahead, by a thread, for :meth:`new_database`."""
        self._filling = True
        for _ in range(count):
            self._room.release()
        threading.Thread(target=self._fill, name="databases ahead", daemon=True).start()

    def _fill(self) -> None:
        while True:
            self._room.acquire()
            if self._stopping.is_set():
                return
            try:
                self._ready.put(self._create(TEMPLATE))
            except Exception as exc:  # the test that takes it says what went wrong
                self._ready.put(exc)

    def _create(self, template: str | None) -> str:
        name = f"t{next(self._names)}"
        with self.admin() as conn:
            conn.execute(f"CREATE DATABASE {name}" + (f" TEMPLATE {template}" if template else ""))
        return self.url(name)

    def drop(self, url: str) -> None:
        name = _dbname(url)
        with self.admin() as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")


def _dbname(url: str) -> str:
    return url.split("/", 3)[3].split("?")[0]


def running_server(*, durable: bool = False, ahead: int = 0) -> Iterator[PgServer]:
    """A started server with its template (``ahead``: empty projects kept made ahead)."""
    server = PgServer()
    server.start(durable=durable)
    try:
        server.make_template()
        if ahead:
            server.make_ahead(ahead)
        yield server
    finally:
        server.stop()
