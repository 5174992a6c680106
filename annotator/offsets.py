"""Code points (stored offsets) <-> UTF-16 code units (Qt's text positions, JavaScript string indices).

Python indexes strings by code point; QString, QTextCursor and QTextDocument count UTF-16 code
units, in which every astral character (emoji, some CJK, mathematical letters) takes two. Every
offset that crosses the Qt boundary goes through an OffsetMap, so an emoji earlier in an article
never shifts a span.
"""

from __future__ import annotations

import re
from bisect import bisect_left

_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


class OffsetMap:
    """Converts positions for one text; O(log n) per conversion, O(n) to build."""

    def __init__(self, text: str):
        # Code-point indices of astral characters: each adds one extra UTF-16 unit after it.
        self._astral = [m.start() for m in _ASTRAL.finditer(text)]
        # The same characters' UTF-16 positions (their first, high-surrogate unit).
        self._astral_qt = [i + k for k, i in enumerate(self._astral)]
        self.length = len(text)

    def to_qt(self, cp: int) -> int:
        """UTF-16 position of code point ``cp`` (``cp`` may equal the text length)."""
        return cp + bisect_left(self._astral, cp)

    def from_qt(self, pos: int) -> int:
        """Code point at UTF-16 position ``pos``; a position inside a surrogate pair rounds down."""
        # Each astral character starting before pos added one unit; at a low surrogate this
        # count includes the pair's own character, which rounds down.
        return pos - bisect_left(self._astral_qt, pos)

    @property
    def qt_length(self) -> int:
        return self.length + len(self._astral)
