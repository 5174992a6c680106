"""A text longer than ArticleView lays out at once (EAGER_LAYOUT_CHARS) is laid out lazily, as it
is shown: its highlights, scrolling to a span, mouse selection and offsets must be as exact as in a
short article, with an emoji (two UTF-16 units) at the start shifting every Qt position."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt
from test_article_view import char_center

from annotator.codebook import Codebook
from annotator.model import Annotation, Link
from annotator.offsets import OffsetMap
from annotator.ui.article_view import EAGER_LAYOUT_CHARS, ArticleView

PARAGRAPH = "قالت مصادر محلية إن غارة جوية استهدفت سوقاً شعبياً في بلدة الحوامة.\n"
TEXT = "🔴 " + PARAGRAPH * (EAGER_LAYOUT_CHARS // len(PARAGRAPH) * 2)
LAST = TEXT.rindex("الحوامة")


@pytest.fixture
def view(qtbot, codebook: Codebook, font_families: list[str]) -> ArticleView:
    assert len(TEXT) > EAGER_LAYOUT_CHARS
    widget = ArticleView()
    widget.set_font_families(font_families)
    widget.resize(640, 420)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    spans = [Annotation("first", "d", "mona", "actor", 2, 6, TEXT[2:6]),
             Annotation("last", "d", "mona", "actor", LAST, LAST + 7, TEXT[LAST:LAST + 7])]
    widget.set_document(TEXT, spans, codebook.layers)
    return widget


def handed(view: ArticleView) -> list[tuple[int, int]]:
    """The highlights Qt holds, as Qt positions."""
    return sorted((s.cursor.selectionStart(), s.cursor.selectionEnd()) for s in view.extraSelections())


def test_the_text_is_shown_whole_with_every_highlight_as_it_comes_on_screen(view: ArticleView) -> None:
    assert view.toPlainText().replace("\u2029", "\n") == TEXT
    m = OffsetMap(TEXT)
    # Qt holds the highlights near the screen only: the last span's comes with the scroll.
    assert handed(view) == [(m.to_qt(2), m.to_qt(6))]
    view.set_current("last")  # scrolls to the end, laying the text out down to there
    assert handed(view) == [(m.to_qt(LAST), m.to_qt(LAST + 7))]
    image = view.viewport().grab().toImage()
    assert image.pixelColor(char_center(view, LAST + 3)) != image.pixelColor(char_center(view, LAST - 12))
    view.verticalScrollBar().setValue(0)
    assert handed(view) == [(m.to_qt(2), m.to_qt(6))]


def test_the_current_span_at_the_end_is_scrolled_into_view(view: ArticleView) -> None:
    assert view.verticalScrollBar().value() == 0
    view.set_current("last")
    assert view.verticalScrollBar().value() > 0
    assert view.viewport().rect().contains(char_center(view, LAST + 3))


def test_a_mouse_drag_near_the_end_selects_exact_code_points(view: ArticleView, qtbot) -> None:
    view.set_current("last")  # scrolls there, as the coder would
    start, end = char_center(view, LAST + 1), char_center(view, LAST + 5)
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=start)
    qtbot.mouseMove(view.viewport(), end)
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=end)
    assert view.selected_span() == (LAST, LAST + len("الحوامة"))  # snapped to the word, in code points


def test_a_link_to_a_span_not_laid_out_yet_is_drawn(view: ArticleView, codebook: Codebook) -> None:
    view.set_links([Link("l1", "d", "mona", "first", "last", "affiliated")], codebook.links)
    view.set_current("first")
    view.grab()  # paints: the arc leaves the first span towards the last one, far below
    assert [other for _, _, other in view._arcs] == ["last"]
