"""Code point <-> UTF-16 conversion at the Qt boundary (no QApplication needed)."""

from __future__ import annotations

import pytest

from annotator.offsets import OffsetMap

TEXTS = ["", "قسد", "a🔴b🔴🔴c", "🔴", "قالت 🔴 مصادر إنّ 𝐀 قَصْفاً\nجـوياً 👨‍👩‍👧"]


@pytest.mark.parametrize("text", TEXTS)
def test_round_trip_matches_utf16_lengths(text: str) -> None:
    m = OffsetMap(text)
    assert m.qt_length == len(text.encode("utf-16-le")) // 2
    for cp in range(len(text) + 1):
        qt = m.to_qt(cp)
        assert qt == len(text[:cp].encode("utf-16-le")) // 2
        assert m.from_qt(qt) == cp


def test_a_position_inside_a_surrogate_pair_rounds_down() -> None:
    m = OffsetMap("a🔴b")
    assert [m.from_qt(p) for p in range(m.qt_length + 1)] == [0, 1, 1, 2, 3]
