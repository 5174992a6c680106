"""CSV read back with the csv module: BOM, columns, formula escaping, offsets."""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.codebook import Codebook
from annotator.export.tables import LINK_COLUMNS, cell, field_columns, span_columns
from tests.export.conftest import TEXT_CRLF, TEXT_NESTED, utf16

BOOK = Codebook.default()
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def read(path: Path) -> list[dict[str, str]]:
    raw = path.read_bytes()
    assert raw.startswith(b"\xef\xbb\xbf"), "Excel needs the BOM to read UTF-8"
    with open(path, encoding="utf-8-sig", newline="") as handle:
        return list(csv.DictReader(handle))


def test_three_files_with_documented_columns(run_export) -> None:
    folder, _ = run_export("csv", coders=("mona",))
    spans, fields, links = (read(folder / n) for n in ("spans.csv", "document_fields.csv", "links.csv"))
    assert list(spans[0]) == span_columns(BOOK) and "casualty.best" in spans[0]
    assert list(fields[0]) == field_columns(BOOK) and list(links[0]) == LINK_COLUMNS
    assert len(spans) == 9 and len(fields) == 3 and len(links) == 4
    texts = {"crlf": TEXT_CRLF, "nested": TEXT_NESTED}
    for row in spans:
        start, end = int(row["start"]), int(row["end"])
        quote = row["quote"][1:] if row["quote"].startswith("'") else row["quote"]
        assert texts[row["document_id"]][start:end] == quote
        assert int(row["start_utf16"]) == utf16(texts[row["document_id"]], start)
    casualty = next(r for r in spans if r["layer"] == "casualty" and r["document_id"] == "crlf")
    assert (casualty["casualty.best"], casualty["casualty.children"], casualty["casualty.women"]) == ("12", "true", "false")
    assert casualty["actor.name"] == "" and casualty["decision"] == ""
    crlf = next(r for r in fields if r["document_id"] == "crlf")
    assert crlf["event_type"] == "explosions_remote_violence" and crlf["relevant"] == "true"
    assert crlf["status"] == "done" and crlf["title"] == "غارة على البلدة"


def test_cells_a_spreadsheet_would_run_are_escaped(run_export) -> None:
    folder, _ = run_export("csv", coders=("mona", "omar"))
    rows = [row for name in ("spans.csv", "document_fields.csv", "links.csv") for row in read(folder / name)]
    values = [v for row in rows for v in row.values()]
    assert not [v for v in values if v.startswith(FORMULA_STARTS)]
    assert "'=HYPERLINK(\"x\")" in values        # a canonical name
    assert "'=1+2 بيان" in values                # a quote
    assert "'-5 قتلى" in values and "'-5 ملاحظة" in values and "'@سوريا" in values and "'+بيان قسد" in values
    assert "5" in values  # numbers are not escaped


def test_cell_rules() -> None:
    assert [cell(v) for v in ("=1", "+1", "-1", "@a", "\tx", "\rx", "'x", "a=b")] == \
        ["'=1", "'+1", "'-1", "'@a", "'\tx", "'\rx", "''x", "a=b"]
    assert [cell(v) for v in (None, True, False, 3, 2.5, ["a", "b"])] == ["", "true", "false", "3", "2.5", "a;b"]


def test_gold_rows_carry_provenance(run_export) -> None:
    folder, _ = run_export("csv", gold=True)
    spans = read(folder / "spans.csv")
    assert {r["source"] for r in spans} == {"gold"}
    actor = next(r for r in spans if r["layer"] == "actor")
    assert (actor["decision"], actor["source_coders"], actor["adjudicator"]) == ("edited", "mona;omar", "lead")
    links = read(folder / "links.csv")
    assert {(l["kind"], l["from_layer"], l["to_layer"], l["decision"]) for l in links} == \
        {("claimant", "claim", "source", "unanimous"), ("perpetrator", "casualty", "actor", "chosen")}
