"""Hostile and bad input (issue 10, item 5 and the bad-input suite): formulas in CSV cells, markup in
reports, YAML that is not plain data, oversized and deeply nested corpus files, and names that
would reach outside a chosen folder. Each case ends in a sentence naming the file (and line), never
in a traceback, a hang or lost data. Windows and the article view: tests/ui/test_hostile_text.py."""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator import corpus, safe_yaml
from annotator.agreement.formats import csv_text
from annotator.cli import cli
from annotator.codebook import Codebook, CodebookError
from annotator.demo import DemoCodingError, plan_demo_coding
from annotator.export.exporter import ExportOptions, export
from annotator.export.sources import Selection
from annotator.gazetteer import Gazetteer
from annotator.importer import import_paths
from annotator.model import Document, Rejection
from annotator.spreadsheet import escape_formula
from annotator.store import Project

# Markup and formulas where names and text go.
HOSTILE_ID = '=HYPERLINK("http://127.0.0.1:9/x","open")'
HOSTILE_CODERS = ("=cmd|' /C calc'!A0", "@SUM(1+1)", "<b>omar</b>")
HOSTILE_TEXT = ('<b>غامق</b> <img src="http://127.0.0.1:9/x.png"> <script>alert(1)</script> '
                "قالت مصادر إنّ قصفاً استهدف البلدة، =1+2 وأسفر عن مقتل ١٢ مدنياً.")
FIFTY_MB = 50 * 1024 * 1024


def run(*args: str) -> tuple[int, str]:
    """The real command line; any exception other than a clean exit fails the test."""
    result = CliRunner().invoke(cli, list(args), catch_exceptions=False)
    return result.exit_code, result.output


def new_project(path: Path) -> Project:
    return Project.open(path, create=True)


@pytest.fixture
def hostile_project(tmp_path: Path) -> Path:
    """Three coders with formula and markup names, a formula document id, markup in the text and
    the title, and a disagreement (a span only one coder has) so every report lists the quotes."""
    path = tmp_path / "hostile.annotator.db"
    p = new_project(path)
    p.add_documents([Document(id=HOSTILE_ID, title="<i>عنوان</i>", text=HOSTILE_TEXT)])
    quote = "<b>غامق</b>"
    start = HOSTILE_TEXT.index(quote)
    for i, coder in enumerate(HOSTILE_CODERS):
        p.add_coder(coder)
        p.assign([HOSTILE_ID], coder)
        p.create_annotation(coder, HOSTILE_ID, "actor", start, start + len(quote), {"name": "=HYPERLINK(\"x\")"})
        if i == 0:
            s = HOSTILE_TEXT.index("=1+2")
            p.create_annotation(coder, HOSTILE_ID, "claim", s, s + 4, {})
        p.mark_done(coder, HOSTILE_ID, force=True)
    p.close()
    return path


# --- spreadsheet formulas ------------------------------------------------------------------------


def test_escape_formula_rules() -> None:
    assert [escape_formula(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "'x", "a=b", "")] == \
        ["'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "''x", "a=b", ""]
    # Figures already written as text stay numbers; anything more than a number is escaped.
    kept = [escape_formula(v, keep_numbers=True) for v in ("-0.250000", "+3", "-1e-05", "-1+2", "-5 قتلى")]
    assert kept == ["-0.250000", "+3", "-1e-05", "'-1+2", "'-5 قتلى"]


def test_agreement_csv_escapes_ids_coder_names_and_values(hostile_project: Path) -> None:
    """The defect: `agreement --format csv` wrote =HYPERLINK(...) ids and names as they are."""
    code, out = run("agreement", "--project", str(hostile_project), "--format", "csv", "--boot", "20")
    assert code == 0, out
    raw, summary = out.split("\n# summary\n")
    cells = [c for part in (raw.split("\n", 1)[1], summary) for row in csv.reader(io.StringIO(part)) for c in row]
    assert not [c for c in cells if c.startswith(("=", "+", "@", "\t", "\r"))]
    assert "'" + HOSTILE_CODERS[0] in cells and "'" + HOSTILE_CODERS[1] in cells and HOSTILE_CODERS[2] in cells
    assert any(c.startswith("'" + HOSTILE_ID) for c in cells)  # unit ids start with the document id
    assert any(c.startswith("'=HYPERLINK") and "x" in c for c in cells)
    assert f"'{HOSTILE_CODERS[0]} × {HOSTILE_CODERS[1]}" in cells


def test_agreement_csv_files_are_escaped_too(hostile_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "agreement.csv"
    code, out = run("agreement", "--project", str(hostile_project), "--format", "csv", "--boot", "20",
                    "-o", str(target))
    assert code == 0, out
    for path in tmp_path.glob("agreement*.csv"):
        cells = [c for row in csv.reader(io.StringIO(path.read_text(encoding="utf-8"))) for c in row]
        assert not [c for c in cells if c.startswith(("=", "+", "@"))], path


def test_agreement_figures_stay_numbers() -> None:
    text = csv_text([["value", "note"], ["-0.250000", "-5 قتلى"], ["0.800000", "=SUM(A1)"]])
    assert list(csv.reader(io.StringIO(text))) == [["value", "note"], ["-0.250000", "'-5 قتلى"],
                                                   ["0.800000", "'=SUM(A1)"]]


def test_csv_export_escapes_names_and_text(hostile_project: Path, tmp_path: Path) -> None:
    p = Project.open(hostile_project, create=False)
    try:
        export(p, Selection(coders=HOSTILE_CODERS), "csv", tmp_path / "out", ExportOptions())
    finally:
        p.close()
    with open(tmp_path / "out" / "spans.csv", encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    cells = [v for row in rows for v in row.values()]
    assert not [c for c in cells if c.startswith(("=", "+", "-", "@"))]
    assert {r["source"] for r in rows} == {"'" + HOSTILE_CODERS[0], "'" + HOSTILE_CODERS[1], HOSTILE_CODERS[2]}


# --- markup in reports ---------------------------------------------------------------------------


def test_html_report_shows_markup_as_text(hostile_project: Path, tmp_path: Path) -> None:
    target = tmp_path / "report.html"
    code, out = run("agreement", "--project", str(hostile_project), "--format", "html", "--boot", "20",
                    "-o", str(target))
    assert code == 0, out
    page = target.read_text(encoding="utf-8")
    for raw in ("<b>omar</b>", "<b>غامق</b>", "<script>alert", "<img src=\"http", "<i>عنوان</i>"):
        assert raw not in page, raw
    assert "&lt;b&gt;omar&lt;/b&gt;" in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "&lt;i&gt;عنوان&lt;/i&gt;" in page


# --- YAML: plain data only -----------------------------------------------------------------------

BOMB = "".join([f"l0: &l0 [{', '.join(['lol'] * 10)}]\n"]
               + [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 10)}]\n" for i in range(1, 10)])
DEEP_YAML = "[" * 100_000 + "]" * 100_000


def default_codebook() -> str:
    return Codebook.default().source


@pytest.mark.parametrize("change, expected", [
    (("version: 1", "version: !!python/object/apply:os.system ['echo PWNED']"),
     r"codebook\.yaml:\d+: the tag !!python/object/apply:os\.system is not allowed"),
    (("version: 1", "version: \"!!python/object/apply:os.system ['x']\""), r":\d+: version must be int"),
    (("version: 1", 'version: "*nowhere"'), r":\d+: version must be int, not '\*nowhere'"),
    (("version: 1", "version: !!int twelve"), r":\d+: version: 'twelve' cannot be read as !!int"),
    (("version: 1", "version: " + "9" * 5000), r":\d+: version: '9999.*' cannot be read as !!int"),
    (("version: 1", "version: " + DEEP_YAML), r":\d+: not valid YAML: nested more than 64 levels deep"),
    (("version: 1", 'version: "' + DEEP_YAML + '"'), r":\d+: version must be int, not '\[\[\[.*…'"),
])
def test_a_codebook_is_plain_data(tmp_path: Path, change: tuple[str, str], expected: str) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(default_codebook().replace(*change, 1), encoding="utf-8")
    with pytest.raises(CodebookError, match=expected):
        Codebook.load(path)
    code, out = run("validate-codebook", str(path))
    assert code == 1 and "Traceback" not in out and str(path) in out


def test_a_quoted_number_in_a_codebook_is_still_a_number() -> None:
    assert Codebook.from_yaml(default_codebook().replace("version: 1", 'version: "3"', 1)).version == 3


def test_codebook_aliases_that_expand_past_the_limit_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text("name: x\n" + BOMB, encoding="utf-8")
    # l5, on line 7, is the first list that holds more than 200,000 values (1,111,111) once expanded.
    with pytest.raises(CodebookError, match=r"codebook\.yaml:7: more than 200,000 values once its aliases"):
        Codebook.load(path)


def test_a_recursive_alias_is_refused() -> None:
    with pytest.raises(CodebookError, match=r"^study\.yaml:1: an alias refers to the value that contains it"):
        Codebook.from_yaml("layers: &a [*a]\n", origin="study.yaml")


def test_an_oversized_codebook_is_refused_before_it_is_parsed(tmp_path: Path) -> None:
    path = tmp_path / "codebook.yaml"
    path.write_text(default_codebook() + "# " + "x" * safe_yaml.MAX_BYTES + "\n", encoding="utf-8")
    with pytest.raises(CodebookError, match=r"codebook\.yaml: larger than 512 KB"):
        Codebook.load(path)
    # The same limit holds for a codebook stored in a project (a coder's copy could carry one).
    with pytest.raises(CodebookError, match=r"stored: larger than 512 KB"):
        Codebook.from_yaml(path.read_text(encoding="utf-8"), origin="stored")


def test_a_bad_codebook_for_init_is_a_message(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("layers: [" + "[" * 5000 + "\n", encoding="utf-8")
    code, out = run("init", "--project", str(tmp_path / "p.annotator.db"), "--codebook", str(bad))
    assert code == 1 and "Traceback" not in out and "bad.yaml" in out


ACTOR = "- {id: a, name_en: A, name_ar: ا, acled_type: rebel_group, country: Syria, aliases: [x]}\n"


@pytest.mark.parametrize("text, expected", [
    ("- !!python/object/apply:os.system ['echo PWNED']\n", r"actors\.yaml:1: the tag !!python/object/apply"),
    ("- " + DEEP_YAML + "\n", r"actors\.yaml:1: not valid YAML: nested more than 64 levels deep"),
    ("- &e {id: a, name_en: A, name_ar: ا, acled_type: rebel_group, country: Syria, aliases: [*e]}\n",
     r"actors\.yaml:1: an alias refers to the value that contains it"),
    ("- {" + BOMB.replace("\n", ", ").rstrip(", ") + "}\n" + ACTOR, r"actors\.yaml:1: more than 200,000 values"),
    (ACTOR + "- {id: b\n", r"actors\.yaml:\d: not valid YAML"),
])
def test_an_actor_list_is_plain_data(tmp_path: Path, text: str, expected: str) -> None:
    """The window loads actors.yaml and catches ValueError: anything else would stop it opening."""
    path = tmp_path / "actors.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(ValueError, match=expected):
        Gazetteer.load(path)


@pytest.mark.parametrize("text, expected", [
    ("documents: " + DEEP_YAML + "\n", r"demo\.yaml:1: not valid YAML: nested more than 64 levels deep"),
    ("documents: !!python/object/apply:os.system ['echo PWNED']\n", r"demo\.yaml:1: the tag"),
])
def test_a_demo_coding_file_is_plain_data(tmp_path: Path, project: Project, text: str, expected: str) -> None:
    path = tmp_path / "demo.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(DemoCodingError, match=expected):
        plan_demo_coding(project, path)


# --- oversized and nested corpus files -----------------------------------------------------------


def rejections(*paths: Path) -> list[Rejection]:
    return [item for item in corpus.iter_corpus(paths) if isinstance(item, Rejection)]


def documents(*paths: Path) -> list[Document]:
    return [item for item in corpus.iter_corpus(paths) if isinstance(item, Document)]


def good(doc_id: str) -> str:
    return json.dumps({"id": doc_id, "text": f"نص المقال {doc_id}"}, ensure_ascii=False) + "\n"


def test_a_50_mb_jsonl_line_is_refused_and_the_rest_imported(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(good("a"))
        handle.write('{"id": "huge", "text": "' + "ن" * (FIFTY_MB // 2) + '"}\n')
        handle.write(good("c"))
    p = new_project(tmp_path / "p.annotator.db")
    try:
        report = import_paths(p, [path])
        assert (report.imported, report.rejected) == (2, 1)
        assert str(report.rejections[0]).startswith(f"{path}:2: line longer than 8 MB")
        assert p.document_ids() == ["a", "c"]
    finally:
        p.close()


def test_the_import_command_says_so_without_a_traceback(tmp_path: Path) -> None:
    path = tmp_path / "big.jsonl"
    with open(path, "w", encoding="utf-8") as handle:
        handle.write(good("a") + "x" * FIFTY_MB)  # no line break at all after the first line
    project = tmp_path / "p.annotator.db"
    new_project(project).close()
    code, out = run("import", str(path), "--project", str(project))
    assert code == 1 and "Traceback" not in out
    assert f"{path}:2: line longer than 8 MB" in out and "imported 1" in out


def test_a_50_mb_text_file_and_csv_record_are_refused(tmp_path: Path) -> None:
    txt = tmp_path / "huge.txt"
    txt.write_bytes(("عنوان\n" + "ن" * (FIFTY_MB // 2)).encode("utf-8"))
    table = tmp_path / "huge.csv"
    with open(table, "w", encoding="utf-8") as handle:
        handle.write('id,text\nok,"نص قصير"\nhuge,"' + "سطر\n" * (FIFTY_MB // 8) + '"\nlast,نص أخير\n')
    assert [str(r) for r in rejections(txt)] == [
        f"{txt}: larger than 8 MB: a .txt file is one article, and no article is that long; is it the right file?"]
    found = list(corpus.iter_corpus([table]))
    assert [getattr(i, "id", None) or str(i) for i in found][0] == "ok"
    assert len(found) == 2 and str(found[1]).startswith(f"{table}:3: record longer than 8 MB")
    assert str(found[1]).endswith("; the rest of the file was skipped")


@pytest.mark.parametrize("newline, encoding", [("\n", "utf-8"), ("\r", "utf-8"), ("\r\n", "cp1256"),
                                                ("\n", "utf-16")])
def test_the_line_limit_holds_for_every_line_end_and_encoding(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                               newline: str, encoding: str) -> None:
    monkeypatch.setattr(corpus, "MAX_ITEM_BYTES", 1000)
    path = tmp_path / "items.jsonl"
    lines = [good("a"), good("b").replace("المقال", "قالت مصادر إن قصفاً استهدف البلدة " * 40), good("c")]
    path.write_bytes("".join(line.replace("\n", newline) for line in lines).encode(encoding))
    items = list(corpus.iter_corpus([path]))
    assert [getattr(i, "id", None) or f"line {i.line}: {i.reason[:28]}" for i in items] == \
        ["a", "line 2: line longer than 1,000 bytes", "c"]


def test_a_long_csv_line_is_refused_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "MAX_ITEM_BYTES", 1000)
    path = tmp_path / "items.csv"
    path.write_text("id,text\na,نص\nb," + "قصف " * 400 + "\nc,نص آخر\n", encoding="utf-8")
    assert [getattr(i, "id", None) or str(i)[:len(str(path)) + 32] for i in corpus.iter_corpus([path])] == \
        ["a", f"{path}:3: line longer than 1,000 bytes", "c"]


def test_a_long_text_inside_a_json_array_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "MAX_ITEM_BYTES", 1000)
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": "a", "text": "نص"}, {"id": "b", "text": "ن" * 1001}], ensure_ascii=False,
                               indent=1), encoding="utf-8")
    assert [getattr(i, "id", None) or str(i) for i in corpus.iter_corpus([path])] == \
        ["a", f"{path}:6: text longer than 1,000 bytes, far more than any article; is it the right field?"]


def test_a_json_file_too_large_to_read_whole_is_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(corpus, "MAX_WHOLE_FILE_BYTES", 100)
    path = tmp_path / "items.json"
    path.write_text(json.dumps([{"id": str(i), "text": "نص"} for i in range(20)]), encoding="utf-8")
    assert [str(r) for r in rejections(path)] == [
        f"{path}: larger than 100 bytes: a .json file is read whole; write it as JSON Lines (.jsonl, one object per line)"]


def test_100k_deep_json_is_refused_with_its_line(tmp_path: Path) -> None:
    """Already handled before issue 10 (the decoder's RecursionError is caught); kept as proof."""
    deep = "[" * 100_000 + "]" * 100_000
    (tmp_path / "deep.json").write_text(deep, encoding="utf-8")
    (tmp_path / "deep.jsonl").write_text(good("a") + deep + "\n" + '{"text":' * 100_000 + "1" + "}" * 100_000
                                         + "\n" + good("d"), encoding="utf-8")
    items = list(corpus.iter_corpus([tmp_path / "deep.json", tmp_path / "deep.jsonl"]))
    assert [getattr(i, "id", None) or f"{Path(i.path).name}:{i.line}: {i.reason}" for i in items] == [
        "deep.json:1: invalid JSON: nested too deeply; the rest of the file was skipped",
        "a", "deep.jsonl:2: invalid JSON: nested too deeply", "deep.jsonl:3: invalid JSON: nested too deeply", "d"]


def test_binary_empty_and_blank_corpus_files(tmp_path: Path) -> None:
    """Already handled; each kind of file that is not text says what it is."""
    files = {"zero.txt": b"", "blank.jsonl": b"\n \n", "empty.csv": b"", "photo.txt": b"\x89PNG\r\n\x1a\n" + bytes(300),
             "random.jsonl": bytes(range(256)) * 40, "zip.csv": b"PK\x03\x04" + bytes(range(256)) * 4,
             "empty.json": b"[]"}
    for name, data in files.items():
        (tmp_path / name).write_bytes(data)
    reasons = {Path(r.path).name: r.reason for r in rejections(*(tmp_path / n for n in files))}
    assert reasons == {"zero.txt": "empty file", "blank.jsonl": "empty file", "empty.csv": "empty file",
                       "photo.txt": "binary file", "random.jsonl": "binary file", "zip.csv": "binary file",
                       "empty.json": "empty file"}
    project = tmp_path / "p.annotator.db"
    new_project(project).close()
    code, out = run("import", str(tmp_path), "--project", str(project))
    assert code == 1 and "Traceback" not in out and "imported 0" in out and "rejected 7" in out


def test_markup_and_formulas_in_articles_are_kept_as_text(tmp_path: Path) -> None:
    """No data lost: markup is text, stored exactly; the id is kept as given."""
    path = tmp_path / "items.jsonl"
    path.write_text(json.dumps({"id": HOSTILE_ID, "title": "<i>t</i>", "text": HOSTILE_TEXT},
                               ensure_ascii=False) + "\n", encoding="utf-8")
    p = new_project(tmp_path / "p.annotator.db")
    try:
        assert import_paths(p, [path]).imported == 1
        stored = p.document(HOSTILE_ID)
        assert (stored.title, stored.text) == ("<i>t</i>", HOSTILE_TEXT)
    finally:
        p.close()


# --- annotation imports: size, nesting, names ----------------------------------------------------


def import_annotations(project: Path, path: Path, fmt: str, *extra: str) -> tuple[int, str]:
    return run("import-annotations", str(path), "--format", fmt, "--project", str(project), *extra)


def test_deep_json_in_annotation_imports_is_a_message(tmp_path: Path) -> None:
    project = tmp_path / "p.annotator.db"
    new_project(project).close()
    deep = "[" * 100_000 + "]" * 100_000
    jsonl = tmp_path / "documents.jsonl"
    jsonl.write_text(deep + "\n", encoding="utf-8")
    code, out = import_annotations(project, jsonl, "jsonl")
    assert code == 1 and "Traceback" not in out and f"{jsonl}:1: invalid JSON: nested too deeply" in out
    tasks = tmp_path / "tasks.json"
    tasks.write_text("[" + deep + "]", encoding="utf-8")
    code, out = import_annotations(project, tasks, "labelstudio")
    assert code == 1 and "Traceback" not in out and f"{tasks}:1: invalid JSON: nested too deeply" in out


def test_oversized_annotation_files_are_refused(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.imports import incoming

    monkeypatch.setattr(incoming, "MAX_DOCUMENT_BYTES", 1000)
    monkeypatch.setattr(incoming, "MAX_FILE_BYTES", 1000)
    project = tmp_path / "p.annotator.db"
    new_project(project).close()
    jsonl = tmp_path / "documents.jsonl"
    jsonl.write_text("{" + " " * 2000 + "}\n", encoding="utf-8")
    code, out = import_annotations(project, jsonl, "jsonl")
    assert code == 1 and f"{jsonl}:1: line longer than 1,000 bytes" in out
    tasks = tmp_path / "tasks.json"
    tasks.write_text("[" + " " * 2000 + "]", encoding="utf-8")
    code, out = import_annotations(project, tasks, "labelstudio")
    assert code == 1 and f"{tasks}: larger than 1,000 bytes" in out
    brat = tmp_path / "brat" / "mona"
    brat.mkdir(parents=True)
    (brat / "d.txt").write_text("ن" * 1000, encoding="utf-8")
    (brat / "d.ann").write_text("", encoding="utf-8")
    code, out = import_annotations(project, tmp_path / "brat", "brat")
    assert code == 1 and f"{brat / 'd.txt'}: larger than 1,000 bytes" in out
    assert "Traceback" not in out


def test_a_huge_wrong_value_gives_a_short_message(tmp_path: Path) -> None:
    project = tmp_path / "p.annotator.db"
    new_project(project).close()
    jsonl = tmp_path / "documents.jsonl"
    record = {"id": "d", "title": "t", "text": {"body": "ن" * 100_000}, "provenance": {"coder": "mona"}}
    jsonl.write_text(json.dumps(record, ensure_ascii=False) + "\n", encoding="utf-8")
    code, out = import_annotations(project, jsonl, "jsonl")
    assert code == 1 and f"{jsonl}:1: not a document of the JSONL export: 'text' must be str, not {{" in out
    assert len(out) < 1000


def labelstudio_task(coder: str) -> dict:
    text = "أعلنت قسد استئناف عملياتها."
    return {"id": 1, "data": {"text": text, "document_id": "d1"},
            "annotations": [{"id": 1, "coder": coder, "result": [
                {"id": "r1", "type": "labels", "from_name": "label", "to_name": "text",
                 "value": {"start": 6, "end": 9, "text": "قسد", "labels": ["actor"]}}]}]}


@pytest.mark.parametrize("coder", ["..", "../../x", "."])
def test_names_from_an_import_cannot_write_outside_an_export_folder(tmp_path: Path, coder: str) -> None:
    """A coder named ".." (from a Label Studio file, or a brat folder named %2E%2E) is kept as it
    is, and a brat export writes their files inside the export folder, not next to it."""
    project = tmp_path / "work" / "p.annotator.db"
    project.parent.mkdir()
    new_project(project).close()
    tasks = tmp_path / "tasks.json"
    tasks.write_text(json.dumps([labelstudio_task(coder)], ensure_ascii=False), encoding="utf-8")
    code, out = import_annotations(project, tasks, "labelstudio")
    assert code == 0, out
    p = Project.open(project, create=False)
    try:
        assert coder in p.coders()
        before = set(tmp_path.rglob("*"))
        target = tmp_path / "work" / "exports" / "brat"
        export(p, Selection(coders=(coder,)), "brat", target, ExportOptions())
    finally:
        p.close()
    written = {path for path in set(tmp_path.rglob("*")) - before if path.is_file()}
    assert written and all(target in path.parents for path in written), sorted(map(str, written))
    # ... and the brat folder reads back as the same coder.
    again = tmp_path / "again.annotator.db"
    new_project(again).close()
    code, out = import_annotations(again, target, "brat")
    assert code == 0, out
    q = Project.open(again, create=False)
    try:
        assert q.coders() == [coder]
    finally:
        q.close()


@pytest.mark.skipif(not hasattr(os, "symlink"), reason="no symbolic links here")
def test_a_brat_folder_cannot_pull_in_files_from_outside_it(tmp_path: Path) -> None:
    secret = tmp_path / "secret.txt"
    secret.write_text("كلمة السر", encoding="utf-8")
    folder = tmp_path / "brat" / "mona"
    folder.mkdir(parents=True)
    (folder / "d.ann").write_text("", encoding="utf-8")
    (folder / "d.txt").symlink_to(secret)
    (folder / "e.ann").symlink_to(secret)
    (folder / "e.txt").write_text("نص", encoding="utf-8")
    project = tmp_path / "p.annotator.db"
    new_project(project).close()
    code, out = import_annotations(project, tmp_path / "brat", "brat")
    assert code == 1 and "Traceback" not in out
    assert f"{folder / 'd.ann'}: {folder / 'd.txt'} links to a file outside" in out
    assert f"{folder / 'e.ann'}: links to a file outside" in out
    p = Project.open(project, create=False)
    try:
        assert p.document_ids() == []
    finally:
        p.close()
