"""import-annotations: offsets checked against the stored text, each bad item reported by file and line."""

from __future__ import annotations

import json
from pathlib import Path

from click.testing import CliRunner

from annotator.cli import cli
from annotator.imports import import_annotations
from annotator.imports.incoming import derived_id
from annotator.store import Project
from annotator.store.gold import GoldEdit
from tests.export.conftest import TEXT_CRLF


def test_bad_items_of_a_jsonl_file_are_reported_by_line(run_export, scratch: Project, tmp_path: Path) -> None:
    folder, _ = run_export("jsonl", coders=("mona",))
    lines = (folder / "documents.jsonl").read_text(encoding="utf-8").split("\n")
    crlf = json.loads(lines[0])
    crlf["spans"][0]["start"] += 1                      # the quote no longer fits
    crlf["spans"][1]["layer"] = "weapon"                # not in the codebook
    crlf["spans"][2]["end"] = len(TEXT_CRLF) + 5        # past the end of the text
    del crlf["spans"][3]["start"]                       # not a span
    bad = tmp_path / "bad.jsonl"
    bad.write_text(json.dumps(crlf, ensure_ascii=False) + "\n{not json\n[1]\n", encoding="utf-8")
    report = import_annotations(scratch, bad, "jsonl", coder="nadia")
    reasons = [str(r) for r in report.rejections]
    ids = [derived_id("nadia", s["id"]) for s in crlf["spans"]]  # nadia's copies of mona's spans
    start, end = TEXT_CRLF.index("مصادر محلية") + 1, TEXT_CRLF.index("مصادر محلية") + 11
    assert reasons[0] == f"{bad}:1: document crlf: span #4: 'start' is missing"
    assert reasons[1] == (f"{bad}:1: span {ids[0]}: the quote «مصادر محلية» is not the text at {start}..{end} "
                          f"(«{TEXT_CRLF[start:end]}»)")
    assert reasons[2] == f"{bad}:1: span {ids[1]}: the codebook has no layer 'weapon'"
    assert reasons[3] == f"{bad}:1: span {ids[2]}: offsets {crlf['spans'][2]['start']}..{len(TEXT_CRLF) + 5} do not " \
                         f"fit the text of {len(TEXT_CRLF)} characters"
    # The links of rejected spans cannot be made; each says why.
    assert all(f"{bad}:1: link " in r and "is not in the import" in r for r in reasons[4:7])
    assert reasons[7:] == [f"{bad}:2: invalid JSON: Expecting property name enclosed in double quotes (column 2)",
                           f"{bad}:3: not a document of the JSONL export: expected a document object, found list"]
    assert report.spans == 1 and report.fields == 7 and report.exit_code == 1
    assert [a.layer for a in scratch.annotations("crlf", "nadia")] == ["actor"]


def test_import_as_another_coder_and_as_gold(run_export, scratch: Project) -> None:
    folder, _ = run_export("brat", coders=("omar",), name="omar-brat")
    report = import_annotations(scratch, folder, "brat", coder="sara")
    # the ids derive from the files, so they are new for sara; the document is found by its id
    assert report.rejections == [] and report.spans == 4 and report.links == 3
    assert len(scratch.annotations("crlf", "sara")) == 4
    gold_folder, _ = run_export("brat", coders=("omar",), name="as-gold")
    scratch.write_gold("lead", GoldEdit("crlf", drop_annotations=tuple(g.id for g in scratch.gold_annotations("crlf"))),
                       action="test_clear")
    report = import_annotations(scratch, gold_folder / "omar", "brat", gold=True)
    assert report.rejections == [] and report.spans == 4
    decisions = {g.provenance.decision for g in scratch.gold_annotations("crlf")}
    assert decisions == {"new"}


def test_brat_lines_that_cannot_be_imported(scratch: Project, tmp_path: Path) -> None:
    root = tmp_path / "brat"
    (root / "amal").mkdir(parents=True)
    (root / "amal" / "crlf.txt").write_text(TEXT_CRLF, encoding="utf-8", newline="")
    start = TEXT_CRLF.index("قسد")
    (root / "amal" / "crlf.ann").write_text("\n".join([
        f"T1\tactor {start} {start + 3}\tقسد",
        "A1\trole T1 perpetrator",
        "A2\trole T9 target",
        f"T2\tactor 0 4;{start} {start + 3}\tقالت قسد",
        "E1\tAttack:T1",
        "A3\tactor_type T1 dragon",
        "#1\tAnnotatorNotes T1\tcheck this later",
        f"T3\tcasualty {start} {start + 2}\tقسد",
    ]) + "\n", encoding="utf-8")
    report = import_annotations(scratch, root, "brat")
    where = str(root / "amal" / "crlf.ann")
    assert [str(r) for r in report.rejections] == [
        f"{where}:3: no text-bound annotation T9 above this line",
        f"{where}:4: a discontinuous span (0 4;{start} {start + 3}) cannot be stored: only spans split at line breaks "
        "are joined",
        f"{where}:5: an event has no place in the codebook; skipped",
        f"{where}:6: actor_type: the codebook has no value 'dragon'",
        f"{where}:8: the text «قسد» is not the document's text at {start} {start + 2} («قس»)",
    ]
    (span,) = scratch.annotations("crlf", "amal")
    assert span.attrs == {"role": "perpetrator"}


def test_cli_reports_and_exits_1(run_export, scratch: Project, tmp_path: Path) -> None:
    folder, _ = run_export("jsonl", coders=("mona",))
    lines = (folder / "documents.jsonl").read_text(encoding="utf-8").split("\n")
    bad = tmp_path / "one.jsonl"
    bad.write_text(lines[1] + "\n" + "oops\n", encoding="utf-8")
    path = scratch.path
    scratch.close()
    result = CliRunner().invoke(cli, ["import-annotations", str(bad), "--format", "jsonl", "--project", str(path),
                                      "--coder", "zaid"])
    assert result.exit_code == 1
    assert f"rejected: {bad}:2: invalid JSON" in result.output
    assert "imported 4 spans, 1 links, 1 document fields (0 new documents)" in result.output
    again = CliRunner().invoke(cli, ["import-annotations", str(bad), "--format", "jsonl", "--project", str(path),
                                     "--coder", "zaid"])
    assert "imported 0 spans, 0 links, 0 document fields (0 new documents); 6 already there" in again.output
    missing = CliRunner().invoke(cli, ["import-annotations", str(bad), "--format", "jsonl", "--project", str(path),
                                       "--coder", "zaid", "--gold"])
    assert missing.exit_code == 1 and "not both" in missing.output and "Traceback" not in missing.output
