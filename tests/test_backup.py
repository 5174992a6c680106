"""Backups: made with SQLite's backup API when a project opens and while it is in use, rotated,
checked before they are offered, and restored without losing the file they replace."""

from __future__ import annotations

import os
import sqlite3
import subprocess
import sys
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest
from click.testing import CliRunner
from conftest import ARTICLE, span_of

from annotator.cli import cli
from annotator.store import Project, UnusableProjectError, backup
from annotator.store.backup import (KEEP_DAYS, KEEP_LAST, BackgroundBackups, Backup, BackupError, backup_folder, backups, latest_good,
                                    make_backup, restore, rotate, verify)

pytestmark = pytest.mark.sqlite_only  # file backups; a server project is backed up with pg_dump (docs/team-server.md)

def quotes(path: Path) -> list[str]:
    with Project.open(path, backup=False) as project:
        return [a.quote for a in project.annotations()]


@pytest.fixture
def coded(project: Project) -> Path:
    """A closed project with one annotation of mona's, and no backups yet."""
    project.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"))
    path = project.path
    project.close()
    assert backups(path) == []
    return path


def age(item: Backup, minutes: float) -> Backup:
    """Pretend a backup was taken ``minutes`` earlier (renames it)."""
    taken = item.taken_at - timedelta(minutes=minutes)
    older = item.path.with_name(f"{taken.strftime('%Y%m%dT%H%M%S.%f')}Z-seq{item.seq}.annotator.db")
    item.path.rename(older)
    return Backup(older, taken, item.seq)


# -- making them --------------------------------------------------------------------------------------------


def test_opening_a_changed_project_backs_it_up_once(coded: Path) -> None:
    Project.open(coded).close()
    (first,) = backups(coded)
    assert first.path.parent == coded.with_name(coded.name + ".backups")
    Project.open(coded).close()  # nothing changed since: no second copy
    assert backups(coded) == [first]
    assert quotes(first.path) == ["قسد"]
    with Project.open(coded) as project:
        assert first.seq == project.db.execute("SELECT max(seq) FROM changes").fetchone()[0]


def test_a_new_project_has_nothing_to_back_up(tmp_path: Path) -> None:
    path = tmp_path / "new.annotator.db"
    Project.open(path, create=True).close()
    assert backups(path) == [] and not backup_folder(path).exists()


def test_a_backup_is_one_complete_file_that_passes_the_checks(coded: Path) -> None:
    Project.open(coded).close()
    (copy,) = backups(coded)
    assert sorted(p.name for p in copy.path.parent.iterdir()) == [copy.path.name]  # no -wal needed, none left
    conn = sqlite3.connect(copy.path)
    assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "delete"
    conn.close()
    assert verify(copy.path) is None


def test_a_backup_is_taken_while_another_program_writes(coded: Path) -> None:
    """Online: another connection in the middle of a write neither blocks the copy nor leaks into it."""
    writer = sqlite3.connect(coded, isolation_level=None)
    writer.execute("BEGIN IMMEDIATE")
    writer.execute("INSERT INTO coders (name, role, created_at) VALUES ('ghost', 'coder', 'now')")
    with Project.open(coded, backup=False) as project:
        copy = make_backup(project.db.conn, coded)
    writer.execute("COMMIT")
    writer.close()
    conn = sqlite3.connect(copy.path)
    assert [r[0] for r in conn.execute("SELECT name FROM coders ORDER BY id")] == ["mona", "omar"]
    conn.close()


def test_backups_while_in_use_only_when_due_and_changed(coded: Path) -> None:
    with Project.open(coded) as project:
        (first,) = backups(coded)
        running = BackgroundBackups(project)
        project.create_annotation("mona", "doc-1", "casualty", *span_of(ARTICLE, "١٢ مدنياً"))
        running.tick()
        running.wait()
        assert backups(coded) == [first]  # the newest is fresh
        age(first, backup.EVERY_MINUTES + 1)
        running.tick()
        running.wait()
        made = running.made
        assert made is not None and running.problem is None
        assert sorted(quotes(made.path)) == sorted(["قسد", "١٢ مدنياً"])
        age(made, backup.EVERY_MINUTES + 1)
        running.tick()
        running.wait()
        assert len(backups(coded)) == 2  # due, but nothing changed


def test_a_failed_backup_while_in_use_is_reported(coded: Path) -> None:
    with Project.open(coded, backup=False) as project:
        backup_folder(coded).write_text("a file where the folder should be", encoding="utf-8")
        running = BackgroundBackups(project)
        running.tick()
        running.wait()
        assert running.problem is not None and "no backup could be made" in running.problem


def test_a_failed_backup_does_not_stop_the_project_from_opening(coded: Path) -> None:
    backup_folder(coded).write_text("a file where the folder should be", encoding="utf-8")
    with Project.open(coded) as project:
        assert project.backup_problem is not None and "no backup could be made" in project.backup_problem
        assert project.count_documents() == 2
    result = CliRunner().invoke(cli, ["list", "--project", str(coded)])
    assert result.exit_code == 0 and "warning: " in result.output and "no backup could be made" in result.output


# -- rotation ---------------------------------------------------------------------------------------------


def test_rotation_keeps_the_last_ones_and_one_per_day(tmp_path: Path) -> None:
    project = tmp_path / "p.annotator.db"
    folder = backup_folder(project)
    folder.mkdir()
    now = datetime(2026, 11, 30, 18, 0, tzinfo=timezone.utc)
    made = []
    for day in range(40):  # three copies a day, the newest at 17:00 on each day
        for hour in (9, 12, 17):
            taken = now - timedelta(days=day) + timedelta(hours=hour - 18)
            path = folder / f"{taken.strftime('%Y%m%dT%H%M%S.%f')}Z-seq{len(made)}.annotator.db"
            path.write_bytes(b"copy")
            made.append(path)
    fresh_partial = folder / "x.annotator.db.123.partial"
    old_partial = folder / "y.annotator.db.456.partial"
    for partial in (fresh_partial, old_partial):
        partial.write_bytes(b"half")
    stamp = (now - timedelta(hours=2)).timestamp()
    os.utime(old_partial, (stamp, stamp))
    os.utime(fresh_partial, (now.timestamp(), now.timestamp()))
    rotate(project, now=now)
    kept = backups(project)
    newest = sorted(made, key=lambda p: p.name, reverse=True)
    assert [b.path for b in kept[:KEEP_LAST]] == newest[:KEEP_LAST]
    days = {b.taken_at.date() for b in kept}
    assert len(days) == KEEP_DAYS and all(b.taken_at.hour == 17 for b in kept[KEEP_LAST:])
    assert len(kept) == KEEP_LAST + KEEP_DAYS - 4  # the last 10 span 4 days, whose newest are among them
    assert fresh_partial.exists() and not old_partial.exists()


# -- offering and restoring ------------------------------------------------------------------------------


def test_a_damaged_project_is_restored_from_the_newest_good_backup(coded: Path) -> None:
    Project.open(coded).close()
    damaged = b"this is not a database" * 500
    coded.write_bytes(damaged)
    with pytest.raises(UnusableProjectError) as caught:
        Project.open(coded)
    offered = caught.value.backup
    done = restore(coded)
    assert done.source == offered.path and done.kept_as is not None
    assert done.kept_as.read_bytes() == damaged  # never overwritten without keeping it
    assert quotes(coded) == ["قسد"]
    assert Project.open(coded, backup=False).check() == []


def test_a_damaged_backup_is_never_offered(coded: Path) -> None:
    Project.open(coded).close()
    (older,) = backups(coded)
    age(older, 60)
    with Project.open(coded) as project:
        project.create_annotation("mona", "doc-2", "actor", 0, 5)
    Project.open(coded).close()
    newest = backups(coded)[0]
    assert newest.seq > older.seq
    data = bytearray(newest.path.read_bytes())
    data[len(data) // 2:len(data) // 2 + 4096] = os.urandom(4096)
    newest.path.write_bytes(bytes(data))
    assert verify(newest.path) is not None
    assert latest_good(coded).path == backups(coded)[1].path


def test_restore_keeps_the_wal_with_the_file_it_replaces(coded: Path) -> None:
    Project.open(coded).close()
    # A writer that dies after a commit: the work is only in the -wal (no checkpoint, no close).
    subprocess.run([sys.executable, "-c", f"""
import os, sqlite3
conn = sqlite3.connect({str(coded)!r})
conn.execute("PRAGMA wal_autocheckpoint = 0")
conn.execute("INSERT INTO coders (name, role, created_at) VALUES ('late', 'coder', 'now')")
conn.commit()
os._exit(0)
"""], check=True)
    assert Path(f"{coded}-wal").stat().st_size > 0
    done = restore(coded)
    assert not Path(f"{coded}-wal").exists()  # the restored file starts with no stray -wal
    with Project.open(done.kept_as, backup=False) as kept:
        assert "late" in kept.coders()  # the work in the -wal went with the file it belongs to
    with Project.open(coded, backup=False) as restored:
        assert "late" not in restored.coders()


def test_restore_from_a_file_that_is_not_a_backup_is_refused(coded: Path, tmp_path: Path) -> None:
    junk = tmp_path / "junk.db"
    junk.write_bytes(b"junk" * 100)
    before = coded.read_bytes()
    with pytest.raises(BackupError, match="cannot restore from this file"):
        restore(coded, junk)
    assert coded.read_bytes() == before


def test_restore_without_backups_says_so(coded: Path) -> None:
    with pytest.raises(BackupError, match="no usable backup"):
        restore(coded)


def test_the_restore_command(coded: Path) -> None:
    runner = CliRunner()
    Project.open(coded).close()
    listed = runner.invoke(cli, ["restore", "--list", "--project", str(coded)])
    assert listed.exit_code == 0 and "up to change" in listed.output and "usable" in listed.output
    coded.write_bytes(coded.read_bytes()[:4096])  # truncated
    broken = runner.invoke(cli, ["check", "--project", str(coded)])
    assert broken.exit_code == 1 and f"annotator restore --project {coded}" in broken.output
    result = runner.invoke(cli, ["restore", "--project", str(coded)])
    assert result.exit_code == 0 and "restored from" in result.output and "kept as" in result.output
    assert runner.invoke(cli, ["check", "--project", str(coded)]).exit_code == 0
    assert quotes(coded) == ["قسد"]


def test_restore_refuses_while_the_project_is_open(coded: Path) -> None:
    Project.open(coded).close()
    with Project.open(coded):
        result = CliRunner().invoke(cli, ["restore", "--project", str(coded)])
        assert result.exit_code == 1 and "another program has the project open" in result.output
