"""CoNLL BIO columns read back by splitting the file as a column reader does."""

from __future__ import annotations

from pathlib import Path

from annotator.export.conll import tokenize
from tests.export.conftest import TEXT_CRLF, TEXT_NESTED


def read(path: Path) -> tuple[list[str], dict[tuple[str, str], list[list[str]]]]:
    """(columns, {(document, source): rows}); every row has as many cells as the header says."""
    lines = path.read_text(encoding="utf-8").split("\n")
    header = next(l for l in lines if l.startswith("# columns = "))
    columns = header[len("# columns = "):].split(" ")
    docs: dict[tuple[str, str], list[list[str]]] = {}
    key = ("", "")
    for line in lines:
        if line.startswith("# document = "):
            key = (line[len("# document = "):], "")
        elif line.startswith("# source = "):
            key = (key[0], line[len("# source = "):])
            docs[key] = []
        elif line and not line.startswith("#"):
            cells = line.split("\t")
            assert len(cells) == len(columns), line
            docs[key].append(cells)
    return columns, docs


def spans_of(rows: list[list[str]], column: int, text: str) -> list[str]:
    """The text of each B-I run in one column."""
    found, start, end = [], None, None
    for cells in rows + [["", "0", "0"] + ["O"] * (len(rows[0]) - 3)]:
        tag = cells[column]
        if start is not None and not tag.startswith("I-"):
            found.append(text[start:end])
            start = None
        if tag.startswith("B-"):
            start = int(cells[1])
        if tag[:2] in ("B-", "I-"):
            end = int(cells[2])
    return found


def test_columns_tokens_and_offsets(run_export) -> None:
    folder, manifest = run_export("conll", coders=("mona",))
    columns, docs = read(folder / "documents.conll")
    assert columns == ["token", "start", "end", "actor", "actor_2", "claim", "casualty", "source"]
    assert manifest["details"]["tokenizer"].startswith("regex") and manifest["details"]["alignment"].startswith("expand")
    rows = docs[("crlf", "mona")]
    for cells in rows:
        assert TEXT_CRLF[int(cells[1]):int(cells[2])] == cells[0]
    tokens = [c[0] for c in rows]
    assert "🔴" in tokens and "مدنياً" in tokens and "،" in tokens  # tanween stays in its word
    actor = columns.index("actor")
    assert spans_of(rows, actor, TEXT_CRLF) == ["قسد"]
    assert spans_of(rows, columns.index("claim"), TEXT_CRLF) == ["🔴 إن غارة جوية", "استهدفت البلدة.\nوأسفر القصف"]
    after_crlf = next(c for c in rows if c[0] == "قسد")
    assert int(after_crlf[1]) == TEXT_CRLF.index("قسد")


def test_nested_spans_of_one_layer_go_to_a_second_column(run_export) -> None:
    folder, _ = run_export("conll", coders=("mona",), documents=("nested",))
    columns, docs = read(folder / "documents.conll")
    rows = docs[("nested", "mona")]
    assert spans_of(rows, columns.index("actor"), TEXT_NESTED) == ["قوات سوريا الديمقراطية"]
    assert spans_of(rows, columns.index("actor_2"), TEXT_NESTED) == ["سوريا الديمقراطية"]
    assert spans_of(rows, columns.index("source"), TEXT_NESTED) == ["=1+2 بيان"]


def test_blank_lines_at_line_breaks(run_export) -> None:
    folder, _ = run_export("conll", coders=("mona",), documents=("crlf",))
    body = (folder / "documents.conll").read_text(encoding="utf-8").split("# source = mona\n", 1)[1]
    paragraphs = [p for p in body.split("\n\n") if p.strip()]
    assert len(paragraphs) == TEXT_CRLF.count("\n")


def test_tokenizer() -> None:
    text = "قَصْفاً جـوياً، ١٢٫٥ 🔴x_y"
    assert [text[a:b] for a, b in tokenize(text)] == ["قَصْفاً", "جـوياً", "،", "١٢", "٫", "٥", "🔴", "x", "_", "y"]
