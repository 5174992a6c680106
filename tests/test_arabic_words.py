"""Span edges: snapping to words and trimming quotes and punctuation, on real article text."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.arabic.words import snap_span, trim_span

SAMPLE = Path(__file__).resolve().parents[1] / "sample_corpus" / "articles.jsonl"
TEXTS = {d["id"]: d["text"] for d in map(json.loads, SAMPLE.read_text(encoding="utf-8").splitlines())}
# The sentence of the seed article whose double-click took the curly quotes into the span.
SEED = "وقالت “قسد” في بيان لها، إن العمليات الهجومية التي أعلنت عن إيقافها، كانت محصورة."


def around(text: str, quote: str) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.mark.parametrize(("text", "selected", "expected"), [
    ("قصف بالحوامة اليوم", "الحوا", "بالحوامة"),            # a clitic joined to the word stays with it
    ("وأسفر عن مقتل", "سفر", "وأسفر"),                      # و is part of the written word
    ("نفت «قسد» مسؤوليتها", "قس", "قسد"),                    # guillemets are boundaries
    ("قالت “المصادر” إن", "مصاد", "المصادر"),                # so are curly quotes
    ('قال "الجيش" إن', 'ال "الج', 'قال "الجيش'),            # inner punctuation stays, the edges snap
    ("الحوامة، وبلدة", "امة، و", "الحوامة، وبلدة"),          # comma in the middle: both words
    ("قَصْفاً جـوياً عنيفاً", "صْف", "قَصْفاً"),              # tashkeel is part of the word
    ("جـوياً عنيف", "ـو", "جـوياً"),                         # so is tatweel
    ("مقتل ١٢ مدنياً", "١", "١٢"),                           # Arabic-Indic digits are word characters
    ("مي\u200cخواهم كتاب", "خوا", "مي\u200cخواهم"),          # ZWNJ joins
    ("  قسد  ", "  قسد  ", "قسد"),                            # whitespace is trimmed
    ("🔴 قسد", "🔴 ق", "قسد"),                                # an emoji at the edge is not coded
    (SEED, "“قسد”", "قسد"),                                   # the double-click of the seed article
    (SEED, "“قسد” ", "قسد"),
    (SEED, "لها، ", "لها"),                                   # Arabic comma
    (SEED, "إيقافها، كانت محصورة.", "إيقافها، كانت محصورة"),  # a claim loses its final full stop
    ("هل انتهى القصف؟ لا.", "القصف؟", "القصف"),              # Arabic question mark
    ("قال: «انسحبنا»!", ": «انسحبنا»!", "انسحبنا"),           # colon, guillemets, exclamation
    ("الهدنة؛ ثم", "الهدنة؛", "الهدنة"),                      # Arabic semicolon
    ("(قسد) [داعش] 'الجيش'", "(قسد)", "قسد"),                 # Latin brackets and quotes
    ("(قسد) [داعش] 'الجيش'", "[داعش]", "داعش"),
    ("(قسد) [داعش] 'الجيش'", "'الجيش'", "الجيش"),
    ("ثم…", "ثم…", "ثم"),                                     # ellipsis
])
def test_snap_span_trims_punctuation_and_widens_to_words(text: str, selected: str, expected: str) -> None:
    s, e = snap_span(text, *around(text, selected))
    assert text[s:e] == expected


@pytest.mark.parametrize(("document_id", "selected", "expected"), [
    ("sample-01", "«قسد»،", "قسد"),              # quoted name followed by an Arabic comma
    ("sample-01", "(قسد)", "قسد"),
    ("sample-01", "«أعماق»", "أعماق"),
    ("sample-04", "لـ«سنبلة».", "لـ«سنبلة"),     # the clitic stays, the closing quote and stop go
    ("sample-04", "«سنبلة».", "سنبلة"),          # a clitic cut off by a quote is not part of the word
    ("sample-05", "(الحوثيين)،", "الحوثيين"),
    ("sample-14", "«عمداً»،", "عمداً"),           # tanween alef kept, punctuation gone
])
def test_snapping_in_the_sample_articles(document_id: str, selected: str, expected: str) -> None:
    text = TEXTS[document_id]
    first, last = around(text, selected)
    s, e = snap_span(text, first, last)
    assert text[s:e] == expected
    assert first <= s < e <= last  # only trimmed: the word was whole already


def test_trim_span_does_not_widen() -> None:
    text = "نفت «قسد» مسؤوليتها"
    s, e = trim_span(text, *around(text, "«قس"))
    assert text[s:e] == "قس"


def test_edge_cases() -> None:
    assert snap_span("قسد", 2, 1) == (0, 3)  # reversed input is normalized
    start, end = snap_span("قسد  ثم", 3, 5)  # only whitespace: empty
    assert start == end
    start, end = snap_span("قسد «» ثم", 3, 7)  # only quotes: empty
    assert start == end
    assert snap_span("قسد", 0, 0) == (0, 0)
    assert snap_span("قسد", -4, 99) == (0, 3)
