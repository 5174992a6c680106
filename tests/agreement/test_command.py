"""The ``agreement`` command on the demo project: every format, options, errors and the default coders."""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable
from pathlib import Path

import click
import pytest
from click.testing import CliRunner

from annotator.agreement.command import make_command, summary_path
from annotator.agreement.loader import default_coders, load_coding
from annotator.store import Project


@pytest.fixture
def command() -> click.Command:
    def open_project(path: Path | None) -> Project:
        return Project.open(path, create=False)

    return make_command(open_project)


def run(command: click.Command, *args: str) -> str:
    result = CliRunner().invoke(command, list(args), catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def test_text_table(command, demo_location):
    out = run(command, "-p", str(demo_location), "--boot", "50")
    assert out.startswith("Inter-annotator agreement: 3 coders (demo-amal, demo-bilal, demo-chadi)")
    for heading in ("ACTOR (actor)", "CLAIM (claim)", "CASUALTY (casualty)", "SOURCE (source)",
                    "DOCUMENT FIELDS AND ACTORS", "WARNINGS", "UNMATCHED SPANS"):
        assert heading in out
    assert "variable" in out and "95% CI" in out and "demo-amal × demo-bilal" in out
    # Not a terminal: Arabic stays in logical order, not shaped into presentation forms.
    assert not any("\ufe70" <= ch <= "\ufeff" for ch in out)


def test_json_parses(command, demo_location):
    data = json.loads(run(command, "-p", str(demo_location), "--boot", "50", "--format", "json", "--seed", "3"),
                      parse_constant=lambda name: pytest.fail(f"{name} is not JSON"))
    assert data["seed"] == 3 and data["n_boot"] == 50
    assert [layer["layer"] for layer in data["layers"]] == ["actor", "claim", "casualty", "source"]


def test_csv_sections_on_stdout(command, demo_location):
    out = run(command, "-p", str(demo_location), "--boot", "20", "--format", "csv", "--coders", "demo-amal,demo-bilal")
    raw, summary = out.split("\n\n# summary\n")
    assert raw.startswith("# reliability data\n")
    rows = list(csv.reader(io.StringIO(raw.split("\n", 1)[1])))
    assert rows[0] == ["variable", "unit", "demo-amal", "demo-bilal"]
    assert all(len(r) == 4 for r in rows)
    assert list(csv.reader(io.StringIO(summary)))[0][0] == "section"


def test_csv_files(command, demo_location, tmp_path):
    target = tmp_path / "iaa.csv"
    run(command, "-p", str(demo_location), "--boot", "20", "--format", "csv", "-o", str(target), "--layer", "casualty")
    assert summary_path(target) == tmp_path / "iaa-summary.csv"
    rows = list(csv.reader(target.open(encoding="utf-8", newline="")))
    assert rows[0] == ["variable", "unit", "demo-amal", "demo-bilal", "demo-chadi"]
    assert {r[0] for r in rows[1:]} >= {"casualty.span", "casualty.outcome", "casualty.best"}
    summary = list(csv.reader(summary_path(target).open(encoding="utf-8", newline="")))
    assert {r[1] for r in summary[1:] if r[0] != "warning"} == {"casualty"}


def test_html_file(command, demo_location, tmp_path):
    target = tmp_path / "report.html"
    run(command, "-p", str(demo_location), "--boot", "20", "--format", "html", "-o", str(target),
        "--documents", "sample-01,sample-02", "--layer", "actor", "--layer", "document")
    page = target.read_text(encoding="utf-8")
    assert page.startswith("<!DOCTYPE html>") and 'id="layer-actor"' in page and 'id="layer-claim"' not in page
    assert 'id="doc-sample-01"' in page and 'id="doc-sample-03"' not in page


@pytest.mark.parametrize(("args", "message"), [
    (["--layer", "nope"], "unknown layer 'nope'"),
    (["--coders", "demo-amal"], "at least two coders"),
    (["--coders", "zed,demo-amal"], "no coder 'zed'"),
    (["--documents", "nope"], "no document 'nope'"),
    (["-o", "/nonexistent-folder/x.txt"], "No such file or directory"),
])
def test_errors_are_one_line(command, demo_location, args, message):
    result = CliRunner().invoke(command, ["-p", str(demo_location), *args])
    assert result.exit_code == 1 and message in result.output and "Traceback" not in result.output


@pytest.fixture
def with_phantom(demo_location: Path | str, new_location: Callable[..., Path | str]) -> Path | str:
    """The demo project plus a coder made by a typo: assigned everything, finished nothing."""
    location = new_location("phantom", copy_of=demo_location)
    with Project.open(location, create=False) as project:
        project.add_coder("demo-amall")
        project.assign(project.document_ids(), "demo-amall")
    return location


def test_by_default_only_coders_who_finished_shared_documents_are_compared(command, with_phantom):
    result = CliRunner().invoke(command, ["-p", str(with_phantom), "--boot", "20", "--format", "json"])
    assert result.exit_code == 0, result.output
    assert "left out: demo-amall (no finished document shared" in result.stderr
    data = json.loads(result.stdout)
    assert data["coders"] == ["demo-amal", "demo-bilal", "demo-chadi"]
    assert all(layer["unitizing"]["n_units"] > 0 for layer in data["layers"])


def test_named_coders_still_win(command, with_phantom):
    result = CliRunner().invoke(command, ["-p", str(with_phantom), "--boot", "20", "--format", "json",
                                          "--coders", "demo-amal,demo-amall"])
    assert result.exit_code == 0 and "left out" not in result.stderr
    data = json.loads(result.stdout)
    assert data["coders"] == ["demo-amal", "demo-amall"] and data["documents"] == []


def test_default_coders_share_a_finished_document(project: Project):
    """mona and omar finished doc-1; lea finished only doc-2; the adjudicator is never compared."""
    project.add_coder("lea")
    project.add_coder("lead", "adjudicator")
    project.assign(["doc-2"], "lea")
    project.assign(["doc-1"], "lead")
    assert default_coders(project) == []
    with pytest.raises(ValueError, match="no two coders have yet"):
        load_coding(project)
    for coder, doc in (("mona", "doc-1"), ("omar", "doc-1"), ("lea", "doc-2"), ("lead", "doc-1")):
        project.mark_done(coder, doc, force=True)
    assert default_coders(project) == ["mona", "omar"]
    assert load_coding(project).coders == ("mona", "omar")
