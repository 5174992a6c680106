"""Codebook loading and validation: every problem names the file, the line and what is wrong."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.codebook import Codebook, CodebookError

LAYER = "layers:\n  - id: actor\n    label: {ar: فاعل, en: Actor}\n"


def test_the_default_codebook_has_the_four_layers_and_their_links() -> None:
    book = Codebook.default()
    assert [layer.id for layer in book.layers] == ["actor", "claim", "casualty", "source"]
    assert {k.id: (k.from_layer, k.to_layers) for k in book.links}["perpetrator"] == ("casualty", ("actor",))
    assert book.layer("casualty").field("quantifier").value("tens").label.ar == "عشرات"
    assert all(v.label.ar and v.label.en for layer in book.layers for f in layer.fields for v in f.values)
    assert book.document_field("event_type").type == "multichoice"


def test_the_hash_follows_the_text() -> None:
    book = Codebook.default()
    assert book.sha256 == Codebook.from_yaml(book.source).sha256
    assert book.sha256 != Codebook.from_yaml(book.source + "\n# edited\n").sha256


@pytest.mark.parametrize("text,line,problem", [
    ("", 1, "empty"),
    ("layers: [\n", 2, "not valid YAML"),
    ("layers: []\n", 1, "must not be empty"),
    (LAYER + "    colour: '#ffffff'\n", 4, "unknown key 'colour' in a layer"),
    (LAYER + "  - id: actor\n    label: {ar: ب, en: B}\n", 4, "duplicate layer id 'actor'"),
    (LAYER + "    fields:\n      - id: t\n        type: choice\n        label: {ar: ن, en: T}\n        values: []\n",
     8, "must not be empty"),
    (LAYER + "    fields:\n      - id: t\n        type: choice\n        label: {ar: ن, en: T}\n", 5,
     "needs a list of values"),
    (LAYER + "    fields:\n      - id: t\n        type: colour\n        label: {ar: ن, en: T}\n", 6, "unknown type"),
    (LAYER + "    fields:\n      - {id: t, type: text, label: {ar: ن, en: T}}\n"
     "      - {id: t, type: text, label: {ar: ن, en: T}}\n", 6, "duplicate field id 't'"),
    (LAYER + "    fields:\n      - id: t\n        type: choice\n        label: {ar: ن, en: T}\n        values:\n"
     "          - {id: a, label: {ar: أ, en: A}}\n          - {id: a, label: {ar: ب, en: B}}\n", 10,
     "duplicate value id 'a'"),
    (LAYER + "links:\n  - id: l\n    label: {ar: ر, en: L}\n    from: actor\n    to: [place]\n", 8,
     "unknown layer 'place'"),
    (LAYER + "links:\n  - id: l\n    label: {ar: ر, en: L}\n    from: event\n    to: [actor]\n", 7,
     "starts at unknown layer 'event'"),
    (LAYER + "    checks:\n      - {kind: ascending, fields: [low, high]}\n", 5, "not a number field"),
    ("layers:\n  - id: actor\n    label: {ar: فاعل}\n", 3, "lacks the required key 'en'"),
])
def test_invalid_codebooks_name_file_line_and_problem(text: str, line: int, problem: str) -> None:
    with pytest.raises(CodebookError) as info:
        Codebook.from_yaml(text, origin="study.yaml")
    message = str(info.value)
    assert message.startswith(f"study.yaml:{line}: "), message
    assert problem in message


def test_an_unreadable_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(CodebookError, match="cannot read"):
        Codebook.load(tmp_path / "missing.yaml")
    latin = tmp_path / "latin.yaml"
    latin.write_bytes("name: caf\xe9\n".encode("latin-1"))
    with pytest.raises(CodebookError, match="not UTF-8"):
        Codebook.load(latin)


def test_attribute_problems_cover_types_and_checks() -> None:
    book = Codebook.default()
    assert book.attr_problems("casualty", {"low": 2, "best": 3, "high": None, "women": True}) == []
    problems = book.attr_problems("casualty", {"low": "many", "women": "yes", "colour": 1})
    assert any("not a number" in p for p in problems)
    assert any("not true or false" in p for p in problems)
    assert any("no field 'colour'" in p for p in problems)
    assert book.attr_problems("casualty", {"low": -1}) == ["casualty.low: -1 is below the minimum 0"]
    assert [f.id for f in book.missing_fields("source", {"source_type": "anonymous"})] == []
    assert [f.id for f in book.missing_fields("actor", {"name": ""})] == ["name", "actor_type", "role"]
