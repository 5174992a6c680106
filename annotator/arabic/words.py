"""Span edges at word boundaries: what a coder means when a drag or double-click is rough.

A word is a run of letters, marks (tashkeel), digits, tatweel and the zero-width (non-)joiners.
Everything else at the edges of a selection -- whitespace, punctuation and quotes, Arabic and
Latin (« » “ ” " ' ( ) [ ] ، ؛ . : ! ؟ …) -- is not part of what is coded, so it is trimmed.
Clitics written joined to a word (و ف ب ل ال, and لـ with tatweel) are letters of that written
word and stay with it, as the design asks; a clitic separated by a quote (لـ«سنبلة») is not part
of the quoted word.

Offsets are code points into the stored text, like every offset in the core.
"""

from __future__ import annotations

import unicodedata

# ZWNJ and ZWJ are format characters (Cf) but join a word; tashkeel (Mn) and tatweel (Lm) are
# covered by the categories.
_WORD_JOINERS = frozenset({"\u200c", "\u200d"})


def is_word_char(ch: str) -> bool:
    return ch in _WORD_JOINERS or unicodedata.category(ch)[0] in "LMN"


def trim_span(text: str, start: int, end: int) -> tuple[int, int]:
    """``[start, end)`` without whitespace, punctuation, quotes or symbols at either end.

    Returns an empty span (start == end) when nothing but such characters was selected.
    """
    start, end = max(0, min(start, end)), min(len(text), max(start, end))
    while start < end and not is_word_char(text[start]):
        start += 1
    while end > start and not is_word_char(text[end - 1]):
        end -= 1
    return start, end


def snap_span(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim ``[start, end)`` (see :func:`trim_span`), then widen it to whole words.

    A drag over "الحوامة" inside "بالحوامة" snaps to the whole written word; a double-click on
    «“قسد”» gives قسد without the quotes.
    """
    start, end = trim_span(text, start, end)
    if start == end:
        return start, end
    while start > 0 and is_word_char(text[start - 1]):
        start -= 1
    while end < len(text) and is_word_char(text[end]):
        end += 1
    return start, end
