"""spaCy: the DocBin read back by spaCy's own loader (when spaCy is installed); the JSONL fallback always."""

from __future__ import annotations

import json

import pytest

from tests.export.conftest import TEXT_CRLF, utf16


def test_docbin_loads_with_spans_and_attributes(run_export) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    from annotator.export.spacy_docbin import register_extensions

    folder, manifest = run_export("spacy", coders=("mona",))
    assert manifest["details"]["alignment_mode"] == "expand"
    assert manifest["details"]["tokenizer"] == 'spacy.blank("ar")'
    nlp = spacy.blank("ar")
    assert [f["path"] for f in manifest["files"]] == ["documents-0001.spacy"]
    docs = list(DocBin().from_disk(folder / "documents-0001.spacy").get_docs(nlp.vocab))
    assert len(docs) == 3
    register_extensions()
    doc = docs[0]
    assert doc.text == TEXT_CRLF
    assert doc._.annotator["id"] == "crlf" and doc._.annotator["source"] == "mona"
    assert doc._.annotator["fields"]["relevant"] is True and len(doc._.annotator["links"]) == 3
    assert sorted(doc.spans) == ["actor", "casualty", "claim", "source"]
    (actor,) = doc.spans["actor"]
    assert actor.text == "قسد" and actor.label_ == "actor"
    assert actor._.attributes == {"name": "=HYPERLINK(\"x\")", "actor_type": "rebel_group", "role": "perpetrator"}
    claims = {span._.annotation["quote"]: span for span in doc.spans["claim"]}
    emoji = claims["🔴 إن غارة جوية"]
    assert emoji.start_char == emoji._.annotation["start"] == 17  # an emoji is one character to spaCy too
    (casualty,) = doc.spans["casualty"]
    assert casualty._.attributes["best"] == 12 and casualty._.annotation["provenance"] is None


def test_gold_docbin_keeps_provenance(run_export) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.tokens import DocBin

    from annotator.export.spacy_docbin import register_extensions

    folder, _ = run_export("spacy", gold=True)
    (doc,) = DocBin().from_disk(folder / "documents-0001.spacy").get_docs(spacy.blank("ar").vocab)
    register_extensions()
    (actor,) = doc.spans["actor"]
    assert actor.id_ == "gold-actor" and actor._.annotation["provenance"]["decision"] == "edited"


def test_large_exports_are_split_into_parts_that_spacy_reads_as_one_corpus(run_export, monkeypatch) -> None:
    spacy = pytest.importorskip("spacy")
    from spacy.training import Corpus

    from annotator.export import spacy_docbin

    monkeypatch.setattr(spacy_docbin, "PART_SIZE", 2)
    folder, manifest = run_export("spacy", coders=("mona", "omar"))
    assert [f["path"] for f in manifest["files"]] == ["documents-0001.spacy", "documents-0002.spacy"]
    examples = list(Corpus(folder)(spacy.blank("ar")))
    assert sorted(e.reference.user_data["annotator"]["source"] for e in examples) == ["mona", "mona", "mona", "omar"]


def test_fallback_jsonl_of_character_spans(run_export) -> None:
    folder, manifest = run_export("spacy", coders=("mona",), use_spacy=False)
    assert [f["path"] for f in manifest["files"]] == ["spacy_spans.jsonl"] and manifest["details"]["spacy"] is None
    lines = [json.loads(l) for l in (folder / "spacy_spans.jsonl").read_text(encoding="utf-8").splitlines()]
    crlf = lines[0]
    assert crlf["id"] == "crlf" and crlf["text"] == TEXT_CRLF
    for span in crlf["spans"]:
        assert set(span) == {"start", "end", "label", "id", "attributes"}
    actor = next(s for s in crlf["spans"] if s["label"] == "actor")
    assert TEXT_CRLF[actor["start"]:actor["end"]] == "قسد" and actor["start"] == utf16(TEXT_CRLF, actor["start"]) - 1
