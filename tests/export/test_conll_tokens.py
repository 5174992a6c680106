"""The conll tokenizer against its definition, written the plain way: every combining mark and
ZWNJ/ZWJ counted as a letter (whatever its plane), then runs of letters and digits, or any other
single non-space character."""

from __future__ import annotations

import re
import sys
import unicodedata

import pytest

from annotator.export.conll import tokenize

_MARKS = {cp: "a" for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp))[0] == "M"} | {
    0x200C: "a", 0x200D: "a"}


def by_definition(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in re.finditer(r"[^\W_]+|\S", text.translate(_MARKS))]


@pytest.mark.parametrize("text", [
    "",
    " \n\t ",
    "\u064eقَصْفاً جـوياً، ١٢٫٥ x_y",  # a mark first, tashkeel, tatweel, Arabic punctuation and digits
    "مي\u200cشود x\u200dy \u200c",  # ZWNJ/ZWJ inside and alone
    "𝅘𝅥𝅮 a\U0001D165b \U0001D165 🔴\U0001D165 \U000E0100x",  # marks beyond the BMP, an emoji before one
    "é ़क्ष ½² ـ 🔴🔴",  # decomposed accents, Devanagari signs, numeric symbols, emoji in a row
])
def test_tokens_are_those_of_the_definition(text: str) -> None:
    assert tokenize(text) == by_definition(text)


def test_a_long_text_of_every_kind_of_character() -> None:
    pieces = ["قَصْفاً", " ", "\n", "،", "١٢", "x_y", "\u200c", "\U0001D165", "🔴", "é", "\u0651", "ـ"]
    text = "".join(pieces[(i * 7) % len(pieces)] for i in range(3000))
    assert tokenize(text) == by_definition(text)
