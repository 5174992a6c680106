"""The DocBin writer's shortcuts: add_to_docbin is DocBin.add (the same bytes), the two token columns
kept load the same Docs as spaCy's default columns, and srsly's encoder look-up is put back."""

from __future__ import annotations

import pytest

spacy = pytest.importorskip("spacy")
from spacy.tokens import DocBin, SpanGroup  # noqa: E402

from annotator.export.spacy_docbin import TOKEN_ATTRS, _msgpack_encoders_looked_up_once, add_to_docbin  # noqa: E402
from tests.export.conftest import TEXT_CRLF, TEXT_NESTED  # noqa: E402

TEXTS = [TEXT_CRLF, TEXT_NESTED, "ق.م د. أ.د. (قسد) ١٢٣", "", "   \n", "🔴"]


def docs() -> list:
    """Docs as the export makes them: spans by layer with their attributes, user data, and a
    tokenizer exception whose NORM differs from its text (ق.م: قبل الميلاد)."""
    nlp = spacy.blank("ar")
    made = []
    for n, text in enumerate(TEXTS):
        doc = nlp.make_doc(text)
        if len(doc) > 1:
            spans = [doc.char_span(0, len(doc[0].text), label="actor", span_id=f"a-{n}"),
                     doc[1:len(doc)].char_span(0, 1, label="actor") or doc[1:2]]
            doc.spans["actor"] = SpanGroup(doc, name="actor", spans=spans, attrs={"annotations": {f"a-{n}": {"x": 1}}})
        doc.user_data["annotator"] = {"id": str(n), "fields": {"relevant": True}}
        made.append(doc)
    assert any(t.norm_ != t.text for d in made for t in d)
    return made


def signature(doc) -> tuple:
    return (doc.text, [(t.text, t.norm_, t.tag_, t.pos_, t.dep_, t.head.i, t.lemma_, t.ent_iob_, t.is_sent_start,
                        str(t.morph), t.whitespace_) for t in doc],
            {k: [(s.start, s.end, s.label_, s.id_) for s in g] for k, g in doc.spans.items()}, doc.user_data)


@pytest.mark.parametrize("attrs", [None, TOKEN_ATTRS])
def test_add_to_docbin_is_docbin_add(attrs) -> None:
    options = {} if attrs is None else {"attrs": attrs}
    theirs, ours = DocBin(store_user_data=True, **options), DocBin(store_user_data=True, **options)
    hashes: set[int] = set()
    for doc in docs():
        theirs.add(doc)
        add_to_docbin(ours, doc, hashes)
    assert ours.strings == theirs.strings and ours.to_bytes() == theirs.to_bytes()


def test_the_kept_token_columns_load_the_same_docs() -> None:
    vocab = spacy.blank("ar").vocab
    full, kept = DocBin(store_user_data=True), DocBin(attrs=TOKEN_ATTRS, store_user_data=True)
    for doc in docs():
        full.add(doc)
        kept.add(doc)
    loaded = [list(DocBin().from_bytes(b.to_bytes()).get_docs(vocab)) for b in (full, kept)]
    assert [signature(d) for d in loaded[0]] == [signature(d) for d in loaded[1]] == [signature(d) for d in docs()]


def test_the_encoder_look_up_is_put_back() -> None:
    import srsly.msgpack

    encoders = srsly.msgpack.msgpack_encoders
    before = encoders.get_all()
    with _msgpack_encoders_looked_up_once():
        assert encoders.get_all() == before and "get_all" in vars(encoders)
    assert "get_all" not in vars(encoders) and encoders.entry_points


def test_an_error_writing_a_part_in_the_thread_fails_the_export(run_export, monkeypatch) -> None:
    from annotator.export import spacy_docbin

    def broken(self, path) -> None:
        raise OSError("disk full")

    monkeypatch.setattr(spacy_docbin, "PART_SIZE", 1)
    monkeypatch.setattr(DocBin, "to_disk", broken)
    with pytest.raises(OSError, match="disk full"):
        run_export("spacy", coders=("mona",))
