"""The command line: each command on a real project file, errors as one readable line."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import Project

README = Path(__file__).resolve().parent.parent / "README.md"


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    folder = tmp_path / "corpus"
    folder.mkdir()
    rows = [{"id": "a1", "title": "عنوان", "text": "قتل ٣ مدنيين في قصف."},
            {"id": "a2", "title": "آخر", "text": "أعلنت قسد استئناف عملياتها."}]
    (folder / "news.jsonl").write_text("\n".join(json.dumps(r, ensure_ascii=False) for r in rows) + "\n{oops\n",
                                       encoding="utf-8")
    return folder


def init(runner: CliRunner, path: Path) -> Path:
    result = runner.invoke(cli, ["init", "--project", str(path)])
    assert result.exit_code == 0 and f"{path}: created" in result.output, result.output
    return path


def test_import_reports_bad_lines_and_exits_non_zero(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    db = init(runner, tmp_path / "p.db")
    result = runner.invoke(cli, ["import", str(corpus), "--project", str(db)])
    assert result.exit_code == 1
    assert re.search(r"news\.jsonl:3: .*JSON", result.output)
    assert "imported 2" in result.output
    again = runner.invoke(cli, ["import", str(corpus), "--project", str(db)])
    assert "imported 0" in again.output and "2 duplicates" in again.output
    with Project.open(db) as project:
        assert project.document_ids() == ["a1", "a2"]


def test_import_can_assign_and_list_shows_status(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    db = str(init(runner, tmp_path / "p.db"))
    runner.invoke(cli, ["import", str(corpus), "--project", db, "--assign", "mona", "--create"])
    result = runner.invoke(cli, ["list", "--project", db, "--coder", "mona"])
    assert result.exit_code == 0
    # Not a terminal: titles come out exactly as stored, never reshaped.
    assert "todo" in result.output and "عنوان" in result.output


def test_coders_assignment_and_check(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    db = str(init(runner, tmp_path / "p.db"))
    runner.invoke(cli, ["import", str(corpus), "--project", db])
    assert runner.invoke(cli, ["add-coder", "lead", "--role", "adjudicator", "--project", db]).exit_code == 0
    result = runner.invoke(cli, ["assign", "omar", "--share", "0.5", "--project", db, "--create"])
    assert result.exit_code == 0 and "1 documents newly assigned" in result.output
    result = runner.invoke(cli, ["check", "--project", db])
    assert result.exit_code == 0 and "0 problems" in result.output


def test_a_new_coder_name_is_refused_without_create(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    db = init(runner, tmp_path / "p.db")
    runner.invoke(cli, ["import", str(corpus), "--project", str(db)])
    runner.invoke(cli, ["add-coder", "mona", "omar", "--project", str(db)])
    for args in (["assign", "mnoa", "a1"], ["gui", "--coder", "mnoa"], ["import", str(corpus), "--assign", "mnoa"]):
        result = runner.invoke(cli, [*args, "--project", str(db)])
        assert result.exit_code == 1, args
        assert "no coder 'mnoa'" in result.output and "its coders: mona, omar" in result.output
        assert "add --create" in result.output and "Traceback" not in result.output
    with Project.open(db) as project:
        assert project.coders() == ["mona", "omar"]
    result = runner.invoke(cli, ["assign", " omar ", "a1", "a2", "--project", str(db)])  # a known name, spaced
    assert result.exit_code == 0 and "2 documents newly assigned to omar" in result.output


def test_import_refuses_before_importing(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    db = init(runner, tmp_path / "p.db")
    result = runner.invoke(cli, ["import", str(corpus), "--project", str(db), "--assign", "mona"])
    assert result.exit_code == 1 and "its coders: none yet" in result.output
    with Project.open(db) as project:
        assert project.count_documents() == 0 and project.coders() == []
    result = runner.invoke(cli, ["import", str(corpus), "--project", str(db), "--assign", "mona", "--create"])
    with Project.open(db) as project:
        assert project.coders() == ["mona"] and len(project.assignments("mona")) == 2


def test_gui_refuses_a_new_coder_on_a_project_not_created_yet(runner: CliRunner, tmp_path: Path) -> None:
    db = tmp_path / "new.db"
    result = runner.invoke(cli, ["gui", "--project", str(db), "--coder", "mona"])
    assert result.exit_code == 1 and "its coders: none yet" in result.output and not db.exists()


def test_add_coder_says_which_names_existed(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    db = str(init(runner, tmp_path / "p.db"))
    runner.invoke(cli, ["import", str(corpus), "--project", db])
    first = runner.invoke(cli, ["add-coder", "mona", "--project", db])
    assert first.exit_code == 0 and first.output == "mona: added as coder\n"
    again = runner.invoke(cli, ["add-coder", "mona", "lead", "--role", "adjudicator", "--all", "--project", db])
    assert again.output.splitlines() == ["mona: already in the project as coder; 2 documents newly assigned",
                                         "lead: added as adjudicator; 2 documents newly assigned"]


def test_an_unknown_encoding_is_a_usage_error(runner: CliRunner, corpus: Path, tmp_path: Path) -> None:
    result = runner.invoke(cli, ["import", str(corpus), "--encoding", "klingon", "--project", str(init(runner, tmp_path / "p.db"))])
    assert result.exit_code == 2 and "unknown encoding" in result.output


def test_a_corrupt_project_is_one_line_not_a_traceback(runner: CliRunner, tmp_path: Path) -> None:
    bad = tmp_path / "bad.db"
    bad.write_bytes(b"garbage" * 200)
    result = runner.invoke(cli, ["list", "--project", str(bad)])
    assert result.exit_code == 1
    assert "not a usable annotator project" in result.output and "Traceback" not in result.output


def test_validate_codebook_names_file_and_line(runner: CliRunner, tmp_path: Path) -> None:
    book = tmp_path / "book.yaml"
    book.write_text("layers:\n  - id: x\n    label: {ar: س, en: X}\n    colour: red\n", encoding="utf-8")
    result = runner.invoke(cli, ["validate-codebook", str(book)])
    assert result.exit_code == 1 and f"{book}:4: unknown key 'colour'" in result.output
    good = runner.invoke(cli, ["validate-codebook", str(Path(__file__).parent.parent / "resources" / "codebook.yaml")])
    assert good.exit_code == 0 and "4 layers" in good.output


def test_every_command_is_documented_in_help_and_readme(runner: CliRunner) -> None:
    readme = README.read_text(encoding="utf-8")
    for name, command in cli.commands.items():
        assert command.help, f"{name} has no help text"
        assert f"`annotator {name}" in readme, f"README does not document `annotator {name}`"
