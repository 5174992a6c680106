"""The bad-database suite: truncated, random, empty, damaged, foreign and newer-schema files, read-only
files and folders, a full disk. Each gets a plain message, no traceback, and loses nothing: the file
is left byte for byte as it was (no -wal/-shm either), and acknowledged edits survive a full disk."""

from __future__ import annotations

import hashlib
import json
import os
import random
import shutil
import sqlite3
import subprocess
import sys
import tempfile
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ARTICLE, span_of

from annotator.cli import cli
from annotator.default_project import ensure_default_project
from annotator.session import CodingSession
from annotator.store import Project, UnusableProjectError
from annotator.store.backup import backups

pytestmark = pytest.mark.sqlite_only  # damaged and full files; a server's lost connection: tests/server
COMMANDS = [["list"], ["check"], ["add-coder", "zaid"], ["export", "--coder", "demo-amal", "--format", "jsonl",
                                                         "-o", "OUT"], ["restore", "--list"]]


@pytest.fixture(scope="module")
def sample_bytes(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A real project (the sample corpus, three coders' work): about 1.2 MB."""
    path = ensure_default_project(tmp_path_factory.mktemp("sample") / "sample.annotator.db")
    return path.read_bytes()


def _newer(data: bytes, folder: Path) -> bytes:
    path = folder / "future.db"
    path.write_bytes(data)
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('annotator', 'm099_future', '2030-01-01')")
    conn.execute("PRAGMA journal_mode = DELETE")
    conn.close()
    return path.read_bytes()


def _foreign(_data: bytes, folder: Path) -> bytes:
    path = folder / "foreign.db"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    return path.read_bytes()


def _damaged_page(data: bytes, _folder: Path) -> bytes:
    middle = len(data) // 2 // 4096 * 4096
    return data[:middle] + random.Random(2).randbytes(4096) + data[middle + 4096:]


BAD: dict[str, tuple[Callable[[bytes, Path], bytes], str]] = {
    "truncated to half": (lambda d, _: d[:len(d) // 2], "not a usable annotator project"),
    "truncated in the header": (lambda d, _: d[:100], "not a usable annotator project"),
    "random bytes": (lambda d, _: random.Random(1).randbytes(len(d)), "not a usable annotator project"),
    "zero bytes": (lambda _d, _f: b"", "empty (0 bytes)"),
    "a damaged page": (_damaged_page, "not a usable annotator project"),
    "newer schema": (_newer, "written by a newer version of annotator"),
    "another program's database": (_foreign, "not an annotator project"),
}


@pytest.fixture
def work(tmp_path: Path) -> Path:
    """Where the bad files are made (apart from the project and its backups)."""
    (tmp_path / "work").mkdir()
    return tmp_path / "work"


def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_gets_a_sentence_and_is_left_as_it_was(case: str, sample_bytes: bytes, tmp_path: Path,
                                                           work: Path) -> None:
    make, expected = BAD[case]
    path = tmp_path / "study.annotator.db"
    path.write_bytes(make(sample_bytes, work))
    before = digest(path)
    for command in COMMANDS:
        args = [str(tmp_path / "out") if a == "OUT" else a for a in command]
        result = CliRunner().invoke(cli, [*args, "--project", str(path)])
        if command[0] == "restore":  # listing backups works whatever the file holds
            assert result.exit_code == 0 and "no backups" in result.output, result.output
            continue
        assert result.exit_code == 1, (command, result.output)
        assert result.output.startswith(f"Error: {path}: ") and expected in result.output, (command, result.output)
        assert "Traceback" not in result.output and "No backup of it exists" in result.output
    assert digest(path) == before
    assert sorted(p.name for p in tmp_path.iterdir() if p.name.startswith(path.name)) == [path.name]


@pytest.mark.parametrize("case", BAD)
def test_a_bad_file_offers_its_newest_good_backup(case: str, sample_bytes: bytes, tmp_path: Path, work: Path) -> None:
    make, _ = BAD[case]
    path = tmp_path / "study.annotator.db"
    path.write_bytes(sample_bytes)
    Project.open(path).close()  # opening a changed project backs it up
    (good,) = backups(path)
    path.write_bytes(make(sample_bytes, work))
    with pytest.raises(UnusableProjectError) as caught:
        Project.open(path)
    assert caught.value.backup == good
    assert f"`annotator restore --project {path}`" in str(caught.value)
    result = CliRunner().invoke(cli, ["restore", "--project", str(path)])
    assert result.exit_code == 0, result.output
    with Project.open(path) as project:
        assert project.check() == [] and len(project.coders()) == 4


# -- read-only files, folders and disks ---------------------------------------------------------------------

PROBE = r"""
import json, os, sys
from pathlib import Path
from annotator.store import Project, ProjectError
path = Path(sys.argv[1])
out = {}
with Project.open(path) as project:
    out["read_only"] = project.read_only
    out["documents"] = project.count_documents()
    out["backup_problem"] = project.backup_problem
    try:
        project.add_coder("zaid")
        out["write"] = "saved"
    except ProjectError as exc:
        out["write"] = f"{type(exc).__name__}: {exc}"
out["left"] = sorted(p.name for p in path.parent.iterdir())
print(json.dumps(out))
"""


@pytest.fixture
def shared(tmp_path: Path) -> Iterator[Path]:
    """A folder another user can reach: as root, the probes run as nobody (root ignores permissions)."""
    folder = Path(tempfile.mkdtemp(prefix="annotator-ro-"))
    folder.chmod(0o777)
    yield folder
    for path in [folder, *folder.rglob("*")]:
        path.chmod(0o777 if path.is_dir() else 0o666)
    shutil.rmtree(folder)


def run_unprivileged(*args: str) -> subprocess.CompletedProcess:
    """Python as this user, or as nobody when this user is root (who may write anything)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        if shutil.which("setpriv") is None:
            pytest.skip("running as root without setpriv: permissions cannot be tested")
        prefix = ["setpriv", "--reuid=65534", "--regid=65534", "--clear-groups"]
        reach = subprocess.run([*prefix, sys.executable, "-c", "import annotator"], capture_output=True,
                               timeout=60, cwd=tempfile.gettempdir())
        if reach.returncode != 0:  # e.g. a clone inside a folder only root may enter (mktemp -d)
            pytest.skip("the user nobody cannot read this checkout, so permissions cannot be tested as them")
    env = {**os.environ, "HOME": tempfile.gettempdir()}
    return subprocess.run([*prefix, sys.executable, *args], capture_output=True, text=True, timeout=120, env=env,
                          cwd=tempfile.gettempdir())


def project_in(folder: Path, sample_bytes: bytes) -> Path:
    path = folder / "study.annotator.db"
    path.write_bytes(sample_bytes)
    return path


def probe(path: Path) -> dict:
    result = run_unprivileged("-c", PROBE, str(path))
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout)


def test_a_read_only_file_opens_read_only_and_leaves_nothing_behind(shared: Path, sample_bytes: bytes) -> None:
    path = project_in(shared, sample_bytes)
    path.chmod(0o444)
    before = digest(path)
    found = probe(path)
    assert found["read_only"] == "the file study.annotator.db is read-only (its permissions do not let you write it)"
    assert found["documents"] == 16 and found["backup_problem"] is None
    assert found["write"].startswith(f"DatabaseWriteError: {path}: nothing can be saved: the file study.annotator.db "
                                     "is read-only")
    assert found["left"] == ["study.annotator.db"]  # no -wal, no -shm, no backup folder
    cli_write = run_unprivileged("-m", "annotator", "add-coder", "zaid", "--project", str(path))
    assert cli_write.returncode == 1 and "is read-only" in cli_write.stderr and "Traceback" not in cli_write.stderr
    cli_read = run_unprivileged("-m", "annotator", "list", "--project", str(path))
    assert cli_read.returncode == 0 and "sample-01" in cli_read.stdout
    assert digest(path) == before and sorted(p.name for p in shared.iterdir()) == ["study.annotator.db"]


def test_a_writable_file_in_a_read_only_folder_is_not_called_read_only(shared: Path, sample_bytes: bytes) -> None:
    folder = shared / "locked"
    folder.mkdir()
    path = project_in(folder, sample_bytes)
    path.chmod(0o666)
    folder.chmod(0o555)
    found = probe(path)
    assert found["read_only"].startswith(f"its folder {folder} cannot be written, and SQLite must create "
                                         "study.annotator.db-wal and study.annotator.db-shm beside the project")
    assert "the file study.annotator.db is read-only" not in found["write"]
    assert f"its folder {folder} cannot be written" in found["write"]
    assert found["left"] == ["study.annotator.db"] and found["documents"] == 16


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 MB tmpfs (root only, where mounting is allowed); skips elsewhere."""
    mount = tmp_path / "disk"
    mount.mkdir()
    if os.geteuid() != 0 or subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16m", "tmpfs", str(mount)],
                                           capture_output=True).returncode != 0:
        pytest.skip("mounting a small tmpfs needs root")
    yield mount
    subprocess.run(["umount", "-l", str(mount)], check=True)


def test_a_read_only_disk_is_named(small_disk: Path, sample_bytes: bytes) -> None:
    path = project_in(small_disk, sample_bytes)
    subprocess.run(["mount", "-o", "remount,ro", str(small_disk)], check=True)
    with Project.open(path) as project:
        assert project.read_only == "the disk or share holding study.annotator.db is mounted read-only"
        assert len(project.coders()) == 4


# -- a full disk ---------------------------------------------------------------------------------------------


def fill(folder: Path, leave: int = 0) -> Path:
    """Fill the disk holding ``folder`` to the last byte, then give back ``leave`` bytes."""
    filler = folder / "filler"
    with open(filler, "wb", buffering=0) as fh:
        for block in (1 << 16, 4096, 512):
            try:
                while True:
                    fh.write(b"\0" * block)
            except OSError:
                pass
        fh.truncate(max(0, fh.tell() - leave))
    return filler


def stored(project: Project) -> list[tuple[str, int, int]]:
    return sorted((a.layer, a.start, a.end) for a in project.annotations("doc-1", "mona"))


def shown(session: CodingSession) -> list[tuple[str, int, int]]:
    return sorted((a.layer, a.start, a.end) for a in session.annotations)


def edits(session: CodingSession, count: int) -> None:
    """Spans over the article, each a new row."""
    for i in range(count):
        start = i % (len(ARTICLE) - 10)
        session.create("actor", start, start + 1 + i % 9)


def test_a_full_disk_keeps_edits_pending_and_loses_nothing(small_disk: Path, project: Project) -> None:
    path = small_disk / "study.annotator.db"
    project.close()
    shutil.copy(project.path, path)
    mine = Project.open(path)
    session = CodingSession(mine, "mona")
    session.open("doc-1")
    edits(session, 5)
    acknowledged = stored(mine)
    assert session.saved and len(acknowledged) == 5
    filler = fill(small_disk)
    edits(session, 300)  # the window goes on showing them, pending
    assert not session.saved and "the disk is full" in session.last_error
    assert set(acknowledged) <= set(stored(mine))  # nothing saved before is lost
    result = CliRunner().invoke(cli, ["add-coder", "zaid", "--project", str(path)])
    assert result.exit_code == 1 and "the disk is full" in result.output and "Traceback" not in result.output
    filler.unlink()
    assert session.flush() and session.saved, session.last_error
    assert stored(mine) == shown(session) and len(stored(mine)) == 305
    assert mine.check() == []
    mine.close()


def test_a_full_disk_simulated_with_a_page_limit(project: Project) -> None:
    """Where no small disk can be mounted: SQLite's max_page_count makes the file full."""
    session = CodingSession(project, "mona")
    session.open("doc-1")
    edits(session, 3)
    acknowledged = stored(project)
    pages = project.db.execute("PRAGMA page_count").fetchone()[0]
    project.db.execute(f"PRAGMA max_page_count = {pages}")
    edits(session, 2000)
    assert not session.saved and "the disk is full" in session.last_error
    assert set(acknowledged) <= set(stored(project))
    project.db.execute("PRAGMA max_page_count = 1073741823")
    assert session.flush() and stored(project) == shown(session) and len(stored(project)) == 2003
    assert project.check() == []


def test_a_backup_on_a_full_disk_is_a_warning_not_a_failure(small_disk: Path, sample_bytes: bytes) -> None:
    path = project_in(small_disk, sample_bytes)
    fill(small_disk, leave=256 * 1024)  # room to work, not for a copy of the project
    with Project.open(path) as project:
        assert "no backup could be made" in project.backup_problem and "the disk is full" in project.backup_problem
        assert len(project.coders()) == 4
    assert [p.name for p in (small_disk / "study.annotator.db.backups").iterdir()] == []  # no half copy left


def test_a_project_on_a_full_disk_says_the_disk_is_full(small_disk: Path, sample_bytes: bytes) -> None:
    path = project_in(small_disk, sample_bytes)
    before = digest(path)
    fill(small_disk)  # not even room for the -shm SQLite needs to read a project
    result = CliRunner().invoke(cli, ["list", "--project", str(path)])
    assert result.exit_code == 1 and "the disk is full" in result.output and "Traceback" not in result.output
    assert digest(path) == before
