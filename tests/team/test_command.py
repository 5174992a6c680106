"""The team commands on real files: assign --coders, status, pack, merge; errors as one sentence."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import Project
from annotator.team.status import hours, team_status

from .conftest import ARMY, code, ids_of, span


@pytest.fixture
def runner() -> CliRunner:
    return CliRunner()


def run(runner: CliRunner, *args: str) -> tuple[int, str]:
    result = runner.invoke(cli, list(args))
    assert "Traceback" not in result.output
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    return result.exit_code, result.output


def test_assign_with_coders_overlap_and_seed(runner: CliRunner, lead: Path | str) -> None:
    db = str(lead)
    code_, out = run(runner, "assign", "--coders", "mona,omar,nour", "--overlap", "0.5", "--per-doc", "2",
                     "--seed", "4", "-p", db, "--dry-run", "--create")
    assert code_ == 1 and "no coder 'nour'" in out  # a dry run creates nobody
    code_, out = run(runner, "assign", "--coders", "mona,omar,nour", "--overlap", "0.5", "--per-doc", "2",
                     "--seed", "4", "-p", db, "--create")
    assert code_ == 0, out
    # d1 stays with mona and omar, who both started it, whatever the draw.
    assert "4 documents, 3 coded by two or more (sample of 2 drawn with seed 4)" in out
    assert "2 started kept" in out
    assert re.search(r"nour: \d documents", out)
    code_, again = run(runner, "assign", "--coders", "mona,omar,nour", "--overlap", "0.5", "--seed", "4", "-p", db)
    assert "0 assignments added, 0 not started taken back" in again
    code_, out = run(runner, "assign", "--coders", "mona,omar", "--per-doc", "3", "--overlap", "0.5", "-p", db)
    assert code_ == 1 and "2 or more of the 2 coders" in out
    # The one-coder form still works.
    code_, out = run(runner, "assign", "lina", "d1", "-p", db)
    assert code_ == 0 and "1 documents newly assigned to lina" in out
    code_, out = run(runner, "assign", "-p", db)
    assert code_ == 2 and "name a coder" in out


def test_status_shows_progress_per_coder(runner: CliRunner, lead: Path | str) -> None:
    with Project.open(lead) as p:
        p.mark_done("mona", "d1", force=True)
        p.add_time("mona", "d1", 3725)
        p.add_time("omar", "d1", 59)
    code_, out = run(runner, "status", "-p", str(lead))
    assert code_ == 0
    lines = {line.split()[0]: line.split() for line in out.splitlines()[1:4]}
    # coder, role, assigned, done, in progress, todo, skipped, time, spans
    assert lines["mona"][:9] == ["mona", "coder", "3", "1", "0", "2", "0", "1:02", "2"]
    assert lines["omar"][:9] == ["omar", "coder", "2", "0", "1", "1", "0", "0:00", "1"]
    assert lines["lina"][:9] == ["lina", "coder", "2", "0", "0", "2", "0", "0:00", "0"]
    assert "reliability sample: 3 documents assigned to two or more coders, 0 finished by two or more" in out
    with Project.open(lead) as p:
        status = team_status(p)
    assert (status.sample, status.sample_done, status.conflicts) == (3, 0, 0)
    assert hours(3725) == "1:02" and hours(59) == "0:00"


def test_pack_and_merge_round_trip_with_a_conflict(runner: CliRunner, lead: Path | str, tmp_path: Path) -> None:
    db = str(lead)
    code_, out = run(runner, "pack", "--coder", "mona", "-o", str(tmp_path / "laptop.db"), "-p", db)
    assert code_ == 0 and "wrote" in out and "3 documents and 2 annotations of mona" in out
    run(runner, "pack", "--coder", "mona", "-o", str(tmp_path / "home.db"), "-p", db)
    code_, out = run(runner, "pack", "--coder", "mona", "-o", str(tmp_path / "home.db"), "-p", db)
    assert code_ == 1 and "never overwritten" in out
    code_, out = run(runner, "status", "-p", db)
    assert "copy out: laptop.db for mona" in out and "copy out: home.db for mona" in out

    army = ids_of(lead, "mona", "d1")["الجيش"]
    code(tmp_path / "laptop.db", lambda p: p.update_annotation("mona", army, attrs={**ARMY, "role": "target"}))
    code(tmp_path / "home.db", lambda p: (p.update_annotation("mona", army, attrs={**ARMY, "role": "mentioned"}),
                                          p.create_annotation("mona", "d3", "actor", *span("الجيش"), ARMY)))
    code_, out = run(runner, "merge", str(tmp_path / "laptop.db"), str(tmp_path / "home.db"), "-p", db)
    assert code_ == 0
    assert "d3: 1 span added" in out and "1 new conflicts to resolve" in out
    code_, out = run(runner, "merge", "--conflicts", "-p", db)
    conflict_id = out.split()[0]
    assert "1. actor «الجيش»" in out and "2. actor «الجيش»" in out and "(from laptop.db (mona))" in out
    assert "1 open conflicts" in out
    take = next(line.split(".")[0].strip() for line in out.splitlines() if "role=target" in line)
    code_, out = run(runner, "merge", "--resolve", conflict_id, "--take", take, "-p", db)
    assert code_ == 0 and "version " + take + " kept, 1 set aside" in out
    with Project.open(lead) as p:
        assert p.annotation(army).attrs["role"] == "target"
    code_, out = run(runner, "merge", "--conflicts", "-p", db)
    assert "0 open conflicts" in out
    code_, out = run(runner, "status", "-p", db)
    assert "copy out" not in out


@pytest.mark.parametrize("args, message", [
    (["merge"], "name the copies to merge"),
    (["merge", "--resolve", "abc"], "--resolve ID and --take N go together"),
    (["merge", "nothing.db"], "nothing.db: no such file"),
    (["merge", "--resolve", "abc", "--take", "1"], "no open conflict 'abc'"),
    (["pack", "--coder", "ghost", "-o", "x.db"], "no coder 'ghost'"),
])
def test_errors_are_sentences(runner: CliRunner, lead: Path | str, args: list[str], message: str) -> None:
    code_, out = run(runner, *args, "-p", str(lead))
    assert code_ != 0 and message in out


def test_merge_with_a_bad_mapping_names_the_file(runner: CliRunner, lead: Path | str, tmp_path: Path) -> None:
    run(runner, "pack", "--coder", "lina", "-o", str(tmp_path / "lina.db"), "-p", str(lead))
    bad = tmp_path / "map.yaml"
    bad.write_text("from: [unclosed\n", encoding="utf-8")
    code_, out = run(runner, "merge", str(tmp_path / "lina.db"), "--codebook-map", str(bad), "-p", str(lead))
    assert code_ == 1 and "map.yaml" in out
