"""``annotator export``: selection, filters, event formats with their policy, errors as sentences."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.export.sources import ProjectSource, Selection
from annotator.store import Project


def invoke(project: Path | str, *args: str):
    return CliRunner().invoke(cli, ["export", "--project", str(project), *args])


def test_export_writes_a_folder_and_says_what(coded_location: Path | str, tmp_path: Path) -> None:
    out = tmp_path / "gold"
    result = invoke(coded_location, "--gold", "--format", "jsonl", "-o", str(out))
    assert result.exit_code == 0, result.output
    assert result.output.strip() == f"wrote {out} (jsonl): 1 documents, 4 spans, 2 links; 1 files listed in manifest.json"
    assert json.loads((out / "manifest.json").read_text(encoding="utf-8"))["selection"]["gold"] is True


@pytest.mark.parametrize("args, message", [
    (["--format", "jsonl"], "choose what to export"),
    (["--coder", "nobody", "--format", "jsonl"], "no coder 'nobody'"),
    (["--coder", "mona", "--documents", "crlf,nope", "--format", "csv"], "no such documents in the project: nope"),
    (["--coder", "mona", "--format", "jsonl", "--vague-policy", "acled"], "applies to the acled and ucdp formats"),
])
def test_bad_requests_are_sentences(coded_location: Path | str, tmp_path: Path, args: list[str], message: str) -> None:
    result = invoke(coded_location, *args, "-o", str(tmp_path / "out"))
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output
    assert not (tmp_path / "out").exists()


def test_filters(coded: Project) -> None:
    def ids(selection: Selection) -> list[tuple[str, str]]:
        return [(r.document.id, r.source) for r in ProjectSource(coded, selection)]

    assert ids(Selection(coders=("mona",))) == [("crlf", "mona"), ("nested", "mona"), ("plain", "mona")]
    assert ids(Selection(coders=("mona",), done_only=True)) == [("crlf", "mona")]
    assert ids(Selection(gold=True, coders=("omar", "mona"), document_ids=("nested", "crlf"))) == \
        [("crlf", "gold"), ("crlf", "omar"), ("crlf", "mona"), ("nested", "mona")]
    assert ids(Selection(gold=True, done_only=True)) == [("crlf", "gold")]
    with pytest.raises(ValueError, match="cannot be exported together"):
        Selection(gold=True, coders=("gold",))


@pytest.mark.parametrize("fmt, policy", [("acled", "acled"), ("ucdp", "ucdp"), ("ucdp", "acled")])
def test_event_formats_record_their_policy(coded_location: Path | str, tmp_path: Path, fmt: str, policy: str) -> None:
    out = tmp_path / fmt
    args = ["--gold", "--coder", "mona", "--format", fmt, "-o", str(out), "--events-per", "casualty"]
    if policy != fmt:
        args += ["--vague-policy", policy]
    result = invoke(coded_location, *args)
    assert result.exit_code == 0, result.output
    manifest = json.loads((out / "manifest.json").read_text(encoding="utf-8"))
    assert manifest["vague_count_policy"]["name"] == policy and manifest["details"]["events_per"] == "casualty"
    with open(out / f"{fmt}.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    # one row per casualty span of gold and of mona on "crlf"; "nested" is coded not relevant
    assert [(r["coded_by"], r["document_id"]) for r in rows] == [("gold", "crlf"), ("mona", "crlf")]
    assert {r["count_policy"] for r in rows} == {policy}
    assert manifest["details"]["rows"] == 2
