"""Opening a project file: only an explicit create makes a new one, a newer or foreign schema is
refused without a write, `check` sees a changed text, and a bad codebook leaves nothing behind."""

from __future__ import annotations

import hashlib
import sqlite3
from pathlib import Path

import pytest
from click.testing import CliRunner
from sqlite_utils import Database
from conftest import ARTICLE, span_of

from annotator.cli import cli
from annotator.schema import migrations
from annotator.store import Project, ProjectError, UnusableProjectError
from annotator.store.backup import backup_folder

pytestmark = pytest.mark.sqlite_only  # project files; a server project's opening: tests/server/test_open_server.py

def digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def beside(path: Path) -> list[str]:
    """The files of a project's folder that belong to it (itself, -wal, -shm, backups)."""
    return sorted(p.name for p in path.parent.iterdir() if p.name.startswith(path.name))


# -- a path that does not exist, an empty file ------------------------------------------------------------


def test_a_missing_path_is_not_created_and_the_message_says_how_to_create(tmp_path: Path) -> None:
    typo = tmp_path / "stduy.annotator.db"
    with pytest.raises(ProjectError, match=r"no such project file.*annotator init --project"):
        Project.open(typo)
    assert list(tmp_path.iterdir()) == []


@pytest.mark.parametrize("command", [["list"], ["check"], ["add-coder", "mona"], ["agreement"],
                                     ["import", "CORPUS"]])
def test_no_command_but_init_creates_a_project(command: list[str], tmp_path: Path) -> None:
    corpus = tmp_path / "corpus"
    corpus.mkdir()
    (corpus / "a.txt").write_text("عنوان\nنص الخبر.", encoding="utf-8")
    typo = tmp_path / "stduy.annotator.db"
    args = [str(corpus) if a == "CORPUS" else a for a in command]
    result = CliRunner().invoke(cli, [*args, "--project", str(typo)])
    assert result.exit_code == 1, result.output
    assert "no such project file" in result.output and f"annotator init --project {typo}" in result.output
    assert "0 problems" not in result.output and "Traceback" not in result.output
    assert not typo.exists() and beside(typo) == []


def test_init_creates_and_then_other_commands_open(tmp_path: Path) -> None:
    path = tmp_path / "study.annotator.db"
    runner = CliRunner()
    created = runner.invoke(cli, ["init", "--project", str(path)])
    assert created.exit_code == 0 and f"{path}: created; 0 documents" in created.output
    again = runner.invoke(cli, ["init", "--project", str(path)])
    assert again.exit_code == 0 and f"{path}: opened; 0 documents" in again.output
    checked = runner.invoke(cli, ["check", "--project", str(path)])
    assert checked.exit_code == 0 and "0 problems" in checked.output


def test_a_zero_byte_file_is_not_a_project_and_stays_empty(tmp_path: Path) -> None:
    empty = tmp_path / "empty.annotator.db"
    empty.touch()
    with pytest.raises(UnusableProjectError, match=r"empty \(0 bytes\)"):
        Project.open(empty)
    result = CliRunner().invoke(cli, ["check", "--project", str(empty)])
    assert result.exit_code == 1 and "empty (0 bytes)" in result.output and "0 problems" not in result.output
    assert empty.stat().st_size == 0 and beside(empty) == [empty.name]


def test_an_empty_file_becomes_a_project_only_through_init(tmp_path: Path) -> None:
    empty = tmp_path / "empty.annotator.db"
    empty.touch()
    assert CliRunner().invoke(cli, ["init", "--project", str(empty)]).exit_code == 0
    with Project.open(empty) as project:
        assert project.count_documents() == 0 and project.codebook.name == "conflict-news"


def test_a_missing_project_with_backups_points_to_them(project: Project, tmp_path: Path) -> None:
    project.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"))
    path = project.path
    project.close()
    Project.open(path).close()  # an open of a changed project leaves a backup
    path.unlink()
    with pytest.raises(ProjectError, match=r"no such project file.*annotator restore --project"):
        Project.open(path)


# -- a bad codebook at init -------------------------------------------------------------------------------


def test_init_with_a_bad_codebook_leaves_no_project_behind(tmp_path: Path) -> None:
    book = tmp_path / "bad.yaml"
    book.write_text("layers:\n  - id: x\n    label: {ar: س, en: X}\n    colour: red\n", encoding="utf-8")
    path = tmp_path / "study.annotator.db"
    result = CliRunner().invoke(cli, ["init", "--project", str(path), "--codebook", str(book)])
    assert result.exit_code == 1 and f"{book}:4: unknown key 'colour'" in result.output
    assert "Traceback" not in result.output
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]
    with pytest.raises(ProjectError):
        Project.open(path, create=True, codebook=book)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["bad.yaml"]


# -- schema versions --------------------------------------------------------------------------------------


def from_the_future(path: Path, version: str | None = "9.0.0") -> None:
    """What a newer annotator leaves: a migration this version does not know (and its version)."""
    conn = sqlite3.connect(path)
    with conn:
        conn.execute("INSERT INTO _sqlite_migrations (migration_set, name, applied_at) "
                     "VALUES ('annotator', 'm099_future', '2030-01-01')")
        conn.execute("CREATE TABLE future_things (id INTEGER PRIMARY KEY)")
        if version:
            conn.execute("INSERT OR REPLACE INTO project (key, value) VALUES ('annotator_version', ?)", [version])
    conn.close()


def test_a_project_from_a_newer_annotator_is_refused_untouched(project: Project) -> None:
    path = project.path
    project.close()
    from_the_future(path)
    before = digest(path)
    with pytest.raises(UnusableProjectError) as caught:
        Project.open(path)
    message = str(caught.value)
    assert "newer version of annotator (annotator 9.0.0)" in message
    newest = migrations.pending(Database(memory=True))[-1].name
    assert "m099_future" in message and f"annotator 0.1.0 does not know (its newest is {newest})" in message
    result = CliRunner().invoke(cli, ["add-coder", "zaid", "--project", str(path)])
    assert result.exit_code == 1 and "m099_future" in result.output and "Traceback" not in result.output
    assert digest(path) == before and beside(path) == [path.name]


def test_a_new_project_records_the_annotator_that_made_it(project: Project) -> None:
    assert project.setting("annotator_version") == "0.1.0"


def test_another_programs_database_is_not_turned_into_a_project(tmp_path: Path) -> None:
    path = tmp_path / "places.sqlite"
    conn = sqlite3.connect(path)
    conn.execute("CREATE TABLE moz_places (id INTEGER PRIMARY KEY, url TEXT)")
    conn.commit()
    conn.close()
    before = digest(path)
    with pytest.raises(UnusableProjectError, match=r"not an annotator project \(its tables: moz_places\)"):
        Project.open(path)
    assert digest(path) == before and beside(path) == [path.name]


# -- check --------------------------------------------------------------------------------------------------


def test_check_notices_a_text_that_no_longer_matches_its_hash(project: Project) -> None:
    start, end = span_of(ARTICLE, "قسد")
    project.create_annotation("mona", "doc-2", "actor", 0, 5)
    assert project.check() == []
    # Someone edits the file with another tool: drops the guard and rewrites a text, keeping the
    # quotes (a same-length change), so only the hash can tell.
    with project.db.conn:
        project.db.execute("DROP TRIGGER documents_text_immutable")
        project.db.execute("UPDATE documents SET text = ? WHERE id = 'doc-1'",
                           [ARTICLE[:start] + "داعش"[:end - start] + ARTICLE[end:]])
    problems = project.check()
    assert problems == ["doc-1: the document's text no longer matches its stored SHA-256 (it was changed after "
                        "import, so its spans may point at the wrong words)"]
    path = project.path
    project.close()
    result = CliRunner().invoke(cli, ["check", "--project", str(path)])
    assert result.exit_code == 1 and "doc-1: the document's text no longer matches" in result.output
    assert "1 problems" in result.output


# -- the message for a damaged file ------------------------------------------------------------------------


def test_a_damaged_file_without_backups_says_so_instead_of_pointing_to_one(tmp_path: Path) -> None:
    bad = tmp_path / "broken.annotator.db"
    bad.write_bytes(b"not sqlite" * 300)
    with pytest.raises(UnusableProjectError) as caught:
        Project.open(bad)
    assert caught.value.backup is None
    assert f"No backup of it exists in {backup_folder(bad)}" in str(caught.value)
    assert "restore it from a backup copy" not in str(caught.value)


def test_a_damaged_file_with_a_backup_names_it_and_the_command(project: Project) -> None:
    project.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"))
    path = project.path
    project.close()
    Project.open(path).close()
    path.write_bytes(b"not sqlite" * 300)
    with pytest.raises(UnusableProjectError) as caught:
        Project.open(path)
    assert caught.value.backup is not None and caught.value.backup.path.exists()
    assert f"The newest good backup is {caught.value.backup.path.name}" in str(caught.value)
    assert f"`annotator restore --project {path}`" in str(caught.value)
