"""The JSONL reference format, read back with the json module, and its round trip through import."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

from annotator.export.exporter import export
from annotator.export.sources import Selection
from annotator.imports import import_annotations
from annotator.store import Project
from tests.export.conftest import DECIDED, LABELS, TEXT_CRLF, utf16


def read_lines(folder: Path) -> list[dict]:
    raw = (folder / "documents.jsonl").read_bytes()
    assert not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw
    return [json.loads(line) for line in raw.decode("utf-8").split("\n") if line]


def test_every_field_of_a_coder_document(run_export) -> None:
    folder, _ = run_export("jsonl", coders=("mona",))
    docs = {d["id"]: d for d in read_lines(folder)}
    assert list(docs) == ["crlf", "nested", "plain"]  # project order; "plain" is assigned, not coded
    doc = docs["crlf"]
    assert set(doc) == {"id", "title", "text", "metadata", "spans", "links", "fields", "provenance"}
    assert doc["text"] == TEXT_CRLF and doc["title"] == "غارة على البلدة"
    assert doc["metadata"]["sha256"] and doc["metadata"]["meta"] == {}
    assert doc["provenance"] == {"source": "coder", "coder": "mona", "status": "done", "fields": {}}
    assert doc["fields"] == LABELS
    assert [s["layer"] for s in doc["spans"]] == ["source", "claim", "claim", "casualty", "actor"]
    for span in doc["spans"]:
        assert set(span) == {"id", "layer", "start", "end", "start_utf16", "end_utf16", "quote", "attributes",
                             "provenance"}
        assert doc["text"][span["start"]:span["end"]] == span["quote"]
        assert span["provenance"] is None
    ids = {s["id"]: s for s in doc["spans"]}
    kinds = sorted((ids[l["from"]]["layer"], l["kind"], ids[l["to"]]["layer"]) for l in doc["links"])
    assert kinds == [("casualty", "perpetrator", "actor"), ("casualty", "reported_by", "source"),
                     ("claim", "claimant", "source")]


def test_offsets_over_an_emoji_and_after_a_crlf_origin_line(run_export) -> None:
    folder, _ = run_export("jsonl", coders=("mona",), documents=("crlf",))
    (doc,) = read_lines(folder)
    spans = {s["quote"]: s for s in doc["spans"]}
    emoji = spans["🔴 إن غارة جوية"]
    assert emoji["start"] == TEXT_CRLF.index("🔴") == 17
    assert (emoji["start_utf16"], emoji["end_utf16"]) == (17, emoji["end"] + 1)
    actor = spans["قسد"]  # on the line after the CRLF and after the emoji
    start = TEXT_CRLF.index("قسد")
    assert (actor["start"], actor["end"]) == (start, start + 3)
    assert (actor["start_utf16"], actor["end_utf16"]) == (utf16(TEXT_CRLF, start), utf16(TEXT_CRLF, start + 3))
    assert actor["start_utf16"] == start + 1
    # What JavaScript would slice with the UTF-16 offsets is the quote.
    units = TEXT_CRLF.encode("utf-16-le")
    assert units[2 * actor["start_utf16"]:2 * actor["end_utf16"]].decode("utf-16-le") == "قسد"


def test_gold_document_carries_provenance(run_export) -> None:
    folder, manifest = run_export("jsonl", gold=True)
    (doc,) = read_lines(folder)
    assert doc["provenance"]["source"] == "gold" and doc["provenance"]["status"] == "done"
    assert doc["provenance"]["fields"]["relevant"] == {"decision": "unanimous", "source_coders": ["mona", "omar"],
                                                        "adjudicator": None, "decided_at": DECIDED}
    actor = next(s for s in doc["spans"] if s["layer"] == "actor")
    assert actor["provenance"]["decision"] == "edited" and actor["provenance"]["adjudicator"] == "lead"
    assert len(actor["provenance"]["covers"]) == 2
    assert manifest["coders"] == ["mona", "omar"] and manifest["adjudicators"] == ["lead"]


def _roundtrip(run_export, tmp_path: Path, fresh_location: Path | str, **selection) -> tuple[bytes, bytes]:
    first, _ = run_export("jsonl", name="first", **selection)
    fresh = Project.open(fresh_location, create=True)
    fresh.add_coder("lead", "adjudicator")
    report = import_annotations(fresh, first, "jsonl")
    assert report.rejections == [] and report.documents_added >= 1
    second = tmp_path / "second"
    export(fresh, Selection(**selection), "jsonl", second)
    again = import_annotations(fresh, first, "jsonl")
    assert (again.spans, again.links, again.fields, again.rejections) == (0, 0, 0, [])
    fresh.close()
    return (first / "documents.jsonl").read_bytes(), (second / "documents.jsonl").read_bytes()


def test_coder_export_import_export_is_byte_identical(run_export, tmp_path: Path, new_location: Callable[..., Path | str]) -> None:
    a, b = _roundtrip(run_export, tmp_path, new_location("fresh"), coders=("mona", "omar"))
    assert a == b


def test_gold_export_import_export_is_byte_identical(run_export, tmp_path: Path, new_location: Callable[..., Path | str]) -> None:
    a, b = _roundtrip(run_export, tmp_path, new_location("fresh"), gold=True)
    assert a == b
