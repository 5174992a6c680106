"""ArticleView: right-to-left display, code-point offsets across the Qt boundary, highlights,
clicks on nested spans, tooltips, search and word snapping."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QEvent, QPoint, QPointF, Qt
from PySide6.QtGui import QColor, QHelpEvent, QTextCharFormat, QTextCursor
from PySide6.QtWidgets import QToolTip

from annotator.codebook import Codebook
from annotator.model import Annotation, Link
from annotator.ui.article_view import DEFAULT_POINT_SIZE, HIGHLIGHT_ALPHA, LINE_HEIGHT_PERCENT, ArticleView
from annotator.offsets import OffsetMap

# An emoji (two UTF-16 units), tashkeel, tatweel and a second paragraph before the later spans.
TEXT = ("قالت مصادر 🔴 إنّ قَصْفاً جـوياً استهدف بلدة الحوامة،\n"
        "وأسفر عن مقتل ١٢ مدنياً بينهم أطفال، فيما نفت «قسد» مسؤوليتها.\n")


def utf16(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def ann(ann_id: str, layer: str, quote: str, attrs: dict | None = None, text: str = TEXT) -> Annotation:
    start = text.index(quote)
    return Annotation(ann_id, "doc-1", "mona", layer, start, start + len(quote), quote, attrs or {})


NESTED = [ann("claim", "claim", "وأسفر عن مقتل ١٢ مدنياً بينهم أطفال"),
          ann("cas", "casualty", "مقتل ١٢ مدنياً", {"outcome": "killed", "victim_group": "civilians",
                                                   "women": False, "best": 12, "quantifier": "exact"}),
          ann("num", "casualty", "١٢")]


@pytest.fixture
def view(qtbot, codebook: Codebook, font_families: list[str]) -> ArticleView:
    widget = ArticleView()
    widget.set_font_families(font_families)
    widget.resize(640, 420)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    widget.set_document(TEXT, NESTED + [ann("src", "source", "مصادر"), ann("qsd", "actor", "قسد")],
                        codebook.layers)
    return widget


def char_center(view: ArticleView, cp: int) -> QPoint:
    """Viewport point in the middle of the glyph of the character at code point ``cp``."""
    m = OffsetMap(view.toPlainText())
    a, b = QTextCursor(view.document()), QTextCursor(view.document())
    a.setPosition(m.to_qt(cp))
    b.setPosition(m.to_qt(cp + 1))
    left, right = view.cursorRect(a), view.cursorRect(b)
    return QPoint((left.center().x() + right.center().x()) // 2, left.center().y())


# -- display ------------------------------------------------------------------------------------


def test_arabic_is_laid_out_right_to_left_and_right_aligned(view: ArticleView) -> None:
    assert view.layoutDirection() == Qt.LayoutDirection.RightToLeft
    assert view.document().defaultTextOption().textDirection() == Qt.LayoutDirection.RightToLeft
    block = view.document().firstBlock()
    while block.isValid():
        assert block.textDirection() == Qt.LayoutDirection.RightToLeft
        assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignRight
        # Without AlignAbsolute, AlignRight in a right-to-left block would be mirrored to the left.
        assert block.blockFormat().alignment() & Qt.AlignmentFlag.AlignAbsolute
        assert block.blockFormat().lineHeight() == LINE_HEIGHT_PERCENT
        block = block.next()
    # Geometry, not just flags: the first logical character starts at the right edge.
    first = view.cursorRect(QTextCursor(view.document()))
    assert first.x() > view.viewport().width() * 0.9
    assert view.font().pointSize() == DEFAULT_POINT_SIZE


def test_text_is_plain_never_markup(qtbot, codebook: Codebook) -> None:
    view = ArticleView()
    qtbot.addWidget(view)
    text = "عنوان <script>alert(1)</script> و<b>غامق</b> &amp;"
    view.set_document(text, [], codebook.layers)
    assert view.toPlainText() == text


def test_newlines_become_block_separators_that_still_count_one(view: ArticleView) -> None:
    # Texts are normalized to "\n" at import; Qt turns each into one U+2029 block separator.
    assert "\r" not in TEXT
    assert view.document().blockCount() == TEXT.count("\n") + 1
    assert view.document().characterCount() - 1 == utf16(TEXT)
    assert view.toPlainText() == TEXT


# -- offsets --------------------------------------------------------------------------------------


def test_select_span_round_trips_code_points_after_an_emoji(view: ArticleView) -> None:
    for quote in ("قَصْفاً جـوياً", "مدنياً", "قسد", "🔴"):
        start = TEXT.index(quote)
        view.select_span(start, start + len(quote))
        assert view.selected_span() == (start, start + len(quote))
        assert view.textCursor().selectedText() == quote


def test_a_qt_selection_is_reported_in_code_points(view: ArticleView, qtbot) -> None:
    spans: list[tuple[int, int]] = []
    view.selectionChangedSpan.connect(lambda s, e: spans.append((s, e)))
    quote = "قسد"
    start = TEXT.index(quote)
    cursor = view.textCursor()
    # What a mouse drag does: Qt positions, which are two ahead of code points after the emoji
    # (an astral character) and count tashkeel and tatweel like any character.
    cursor.setPosition(utf16(TEXT[:start]))
    cursor.setPosition(utf16(TEXT[:start + len(quote)]), QTextCursor.MoveMode.KeepAnchor)
    assert cursor.selectionStart() == start + 1
    view.setTextCursor(cursor)
    assert spans[-1] == (start, start + len(quote))
    view.setTextCursor(QTextCursor(view.document()))
    assert spans[-1] == (0, 0)
    assert view.selected_span() is None


def test_shift_arrows_extend_the_selection_visually_in_rtl(view: ArticleView, qtbot) -> None:
    view.setFocus()
    view.setTextCursor(QTextCursor(view.document()))
    # Right-to-left: Left moves on to the next character in reading order.
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_span() == (0, 1)
    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_span() is None
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    start, end = view.selected_span()
    assert (start, TEXT[start:end].strip()) == (0, "قالت")
    # Over the emoji: one key press, one code point, although Qt moves two units.
    emoji = TEXT.index("🔴")
    view.select_span(emoji, emoji)
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier)
    assert view.selected_span() == (emoji, emoji + 1)


# -- highlights -----------------------------------------------------------------------------------


def test_one_highlight_per_annotation_with_layer_colour_and_underline(view: ArticleView, codebook: Codebook) -> None:
    selections = view.extraSelections()
    assert len(selections) == 5
    m = OffsetMap(TEXT)
    by_span = {(s.cursor.selectionStart(), s.cursor.selectionEnd()): s.format for s in selections}
    source = ann("src", "source", "مصادر")
    fmt = by_span[(m.to_qt(source.start), m.to_qt(source.end))]
    layer = codebook.layer("source")
    assert fmt.background().color().rgb() == QColor(layer.color).rgb()
    assert fmt.background().color().alpha() == HIGHLIGHT_ALPHA
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.WaveUnderline
    assert fmt.underlineColor() == QColor(layer.color)
    casualty = by_span[(m.to_qt(NESTED[1].start), m.to_qt(NESTED[1].end))]
    assert casualty.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    # Nested spans: outer ones first, so the inner ones are drawn on top and stay visible.
    lengths = [s.cursor.selectionEnd() - s.cursor.selectionStart() for s in selections]
    assert lengths == sorted(lengths, reverse=True)


def lightness_over(view: ArticleView, start: int, end: int) -> float:
    """Mean lightness of the viewport's pixels across the glyphs of ``[start, end)`` (one line)."""
    image = view.viewport().grab().toImage()
    a, b = char_center(view, start), char_center(view, end - 1)
    xs = range(min(a.x(), b.x()), max(a.x(), b.x()) + 1)
    values = [QColor(image.pixel(x, a.y() + dy)).lightness() for x in xs for dy in (-4, 0, 4)]
    return sum(values) / len(values)


def test_current_annotation_is_emphasised_and_the_document_is_untouched(view: ArticleView) -> None:
    revision = view.document().revision()
    cas = NESTED[1]
    plain = lightness_over(view, cas.start, cas.end)
    view.set_current("cas")
    emphasised = lightness_over(view, cas.start, cas.end)
    assert emphasised < plain - 10  # painted in the stronger colour
    assert len(view.extraSelections()) == 5  # painted, not one more text selection
    view.set_current(None)
    assert lightness_over(view, cas.start, cas.end) == pytest.approx(plain, abs=1)
    view.set_annotations(NESTED)
    assert len(view.extraSelections()) == 3
    assert view.document().revision() == revision  # highlights never edit the document
    assert not view.document().isUndoAvailable()


def test_set_current_scrolls_the_span_into_view(view: ArticleView, codebook: Codebook) -> None:
    text = "سطر.\n" * 200 + "قسد"
    target = ann("end", "actor", "قسد", text=text)
    view.set_document(text, [target], codebook.layers)
    assert view.verticalScrollBar().value() == 0
    view.set_current("end")
    assert view.verticalScrollBar().value() > 0
    assert view.viewport().rect().contains(char_center(view, target.start))


def test_unchanged_highlights_and_a_new_current_span_are_not_handed_to_qt_again(
        view: ArticleView, codebook: Codebook, monkeypatch: pytest.MonkeyPatch) -> None:
    # Handing Qt hundreds of selections costs milliseconds: a refresh that changes nothing, or
    # only which span is current, must not do it (what it costs is in benchmarks/ui_bench.py).
    text = ("قالت مصادر 🔴 محلية إن قصفاً استهدف البلدة. " * 500)[:20_000]
    layers = [layer.id for layer in codebook.layers]
    annotations = [Annotation(f"a{i}", "d", "mona", layers[i % 4], i * 60, i * 60 + 25, "") for i in range(300)]
    view.set_document(text, annotations, codebook.layers)
    handed: list[int] = []
    monkeypatch.setattr(view, "setExtraSelections", lambda selections: handed.append(len(selections)))
    view.set_annotations(list(annotations))
    view.set_current("a7")
    view.set_annotations(annotations, current="a250")
    assert handed == []
    view.set_annotations(annotations[:-1])
    assert handed == [299]


def test_suggestions_are_dashed_without_background(view: ArticleView, qtbot) -> None:
    start = TEXT.index("الحوامة")
    view.set_suggestions([("sg", start, start + len("الحوامة"), "actor")])
    selections = view.extraSelections()
    fmt = selections[-1].format
    assert fmt.underlineStyle() == QTextCharFormat.UnderlineStyle.DashUnderline
    assert fmt.background().style() == Qt.BrushStyle.NoBrush
    with qtbot.waitSignal(view.suggestionClicked) as clicked:
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, start + 2))
    assert clicked.args == ["sg"]


# -- clicks and tooltips --------------------------------------------------------------------------


def test_annotations_at_lists_innermost_first(view: ArticleView) -> None:
    assert view.annotations_at(TEXT.index("١٢")) == ["num", "cas", "claim"]
    assert view.annotations_at(TEXT.index("أطفال")) == ["claim"]
    assert view.annotations_at(TEXT.index("الحوامة")) == []


def test_clicking_nested_spans_cycles_from_innermost_outwards(view: ArticleView, qtbot) -> None:
    clicked: list[str] = []
    view.annotationClicked.connect(clicked.append)
    point = char_center(view, TEXT.index("١٢"))
    for _ in range(4):
        qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert clicked == ["num", "cas", "claim", "num"]
    # Another character starts again from its own innermost span.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, TEXT.index("مقتل") + 1))
    assert clicked[-1] == "cas"
    # Plain text: nothing.
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, TEXT.index("بلدة") + 1))
    assert len(clicked) == 5


def test_dragging_selects_instead_of_clicking(view: ArticleView, qtbot) -> None:
    clicked: list[str] = []
    view.annotationClicked.connect(clicked.append)
    start = TEXT.index("مقتل")
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, start))
    qtbot.mouseMove(view.viewport(), char_center(view, start + 6))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, start + 6))
    assert clicked == []
    assert view.selected_span() is not None


def test_tooltip_names_the_layers_and_key_attributes(view: ArticleView, qtbot) -> None:
    tip = view.tooltip_at(TEXT.index("مقتل"))
    assert "ضحايا" in tip and "Casualty" in tip  # layer label, Arabic and English
    assert "قتلى" in tip and "مدنيون" in tip  # choice values by their Arabic label
    assert "نساء" in tip  # False is a value; at most three attributes are listed
    assert "12" not in tip and "عدد محدد" not in tip
    assert "ادعاء" in tip  # the covering claim too
    assert tip.index("ضحايا") < tip.index("ادعاء")  # innermost first
    assert view.tooltip_at(TEXT.index("بلدة")) == ""
    # The real tooltip event on the viewport shows the same text.
    point = char_center(view, TEXT.index("مقتل"))
    event = QHelpEvent(QEvent.Type.ToolTip, point, view.viewport().mapToGlobal(point))
    view.viewportEvent(event)
    assert QToolTip.text() == tip
    QToolTip.hideText()


def test_tooltip_escapes_coder_text(view: ArticleView, codebook: Codebook) -> None:
    named = ann("n", "actor", "قسد", {"name": "<b>قسد</b>", "role": "perpetrator"})
    view.set_annotations([named])
    tip = view.tooltip_at(named.start)
    assert "&lt;b&gt;قسد&lt;/b&gt;" in tip and "فاعل الهجوم" in tip


# -- find, zoom, snapping -------------------------------------------------------------------------


def test_find_ignores_tashkeel_tatweel_and_alef_variants(view: ArticleView, codebook: Codebook) -> None:
    text = "قال الأَسد إن الاسد و إسد، ثم جـوياً."
    view.set_document(text, [], codebook.layers)
    hits = view.find("اسد")
    assert [text[s:e] for s, e in hits] == ["أَسد", "اسد", "إسد"]
    assert view.selected_span() == hits[0]
    assert [text[s:e] for s, e in view.find("جويا")] == ["جـوياً"]  # trailing tanween included
    finds = [s for s in view.extraSelections() if s.format.background().color() == QColor("#FFE45C")]
    assert len(finds) == 1


def test_find_bar_steps_through_hits_and_escape_closes_it(view: ArticleView, codebook: Codebook, qtbot) -> None:
    text = "قسد ثم قسد ثم قسد"
    view.set_document(text, [], codebook.layers)
    bar = view.find_bar()
    view.open_find()
    assert bar.isVisible()
    assert view.viewport().geometry().top() >= bar.geometry().bottom()  # room is made, nothing hidden
    bar.edit.setText("قسد")  # QTest cannot type non-Latin keys
    assert bar.count_label.text() == "1 of 3"
    qtbot.keyClick(bar.edit, Qt.Key.Key_Return)
    assert bar.count_label.text() == "2 of 3"
    assert view.selected_span() == (7, 10)
    bar.previous_button.click()
    bar.previous_button.click()
    assert bar.count_label.text() == "3 of 3"
    bar.hide()
    assert view.extraSelections() == []


def test_shortcuts_open_find_and_zoom(view: ArticleView, qtbot) -> None:
    view.activateWindow()
    view.setFocus()
    qtbot.waitUntil(view.hasFocus)
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    assert view.find_bar().isVisible()
    qtbot.keyClick(view.find_bar().edit, Qt.Key.Key_Escape)
    assert not view.find_bar().isVisible()
    qtbot.keyClick(view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSize() == DEFAULT_POINT_SIZE + 1
    qtbot.keyClick(view, Qt.Key.Key_0, Qt.KeyboardModifier.ControlModifier)
    assert view.font().pointSize() == DEFAULT_POINT_SIZE


def test_zoom_changes_the_font_size_and_keeps_the_place(view: ArticleView, codebook: Codebook) -> None:
    view.set_document("\n".join(f"الفقرة رقم {i} من المقال." for i in range(120)), [], codebook.layers)
    view.verticalScrollBar().setValue(view.verticalScrollBar().maximum() // 2)
    top = view.cursorForPosition(QPoint(view.viewport().width() // 2, 0)).block().blockNumber()
    view.zoom_in()
    view.zoom_in()
    assert view.font().pointSize() == DEFAULT_POINT_SIZE + 2
    after = view.cursorForPosition(QPoint(view.viewport().width() // 2, 0)).block().blockNumber()
    assert abs(after - top) <= 1
    view.zoom_out()
    assert view.font().pointSize() == DEFAULT_POINT_SIZE + 1
    view.reset_zoom()
    assert view.font().pointSize() == DEFAULT_POINT_SIZE
    for _ in range(100):
        view.zoom_out()
    assert view.font().pointSize() >= 8


def test_screenshot(view: ArticleView, qtbot) -> None:
    view.set_current("cas")
    view.open_find()
    view.find_bar().edit.setText("قسد")
    qtbot.wait(20)
    view.grab().save("/tmp/article_view.png")


# -- word edges and links (issue: the window as a new coder finds it) ----------------------------


def selected_text(view: ArticleView) -> str:
    span = view.selected_span()
    return TEXT[span[0]:span[1]] if span else ""


def test_double_click_selects_the_word_without_its_quotes(view: ArticleView, qtbot) -> None:
    middle = TEXT.index("قسد") + 1
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, middle))
    assert selected_text(view) == "قسد"
    view.snap_enabled = False  # trimming does not depend on snapping
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, TEXT.index("الحوامة") + 2))
    assert selected_text(view) == "الحوامة"


def test_a_rough_drag_shows_the_snapped_span(view: ArticleView, qtbot) -> None:
    spans = []
    view.selectionChangedSpan.connect(lambda s, e: spans.append((s, e)))
    word = TEXT.index("مسؤوليتها")
    # From inside «قسد» to inside the next word: the selection on screen becomes the whole words.
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, TEXT.index("قسد") + 1))
    qtbot.mouseMove(view.viewport(), char_center(view, word + 3))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, word + 3))
    assert selected_text(view) == "قسد» مسؤوليتها"
    assert spans[-1] == view.selected_span()  # the window hears the snapped span
    view.snap_enabled = False
    view.moveCursor(QTextCursor.MoveOperation.Start)  # a press inside a selection would start a text drag
    qtbot.mousePress(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, TEXT.index("قسد") + 1))
    qtbot.mouseMove(view.viewport(), char_center(view, word + 3))
    qtbot.mouseRelease(view.viewport(), Qt.MouseButton.LeftButton, pos=char_center(view, word + 3))
    assert selected_text(view) not in ("", "قسد» مسؤوليتها")  # the raw drag, as dragged


def test_links_of_the_current_span_are_drawn_and_lead_to_the_other_end(view: ArticleView, codebook: Codebook,
                                                                        qtbot) -> None:
    clicked = []
    view.annotationClicked.connect(clicked.append)
    view.set_links([Link("l1", "doc-1", "mona", "cas", "qsd", "perpetrator"),
                    Link("l2", "doc-1", "mona", "cas", "src", "reported_by")], codebook.links)
    view.set_current(None)
    view.grab()
    assert view._arcs == []  # no current span, no arcs
    view.set_current("cas")
    view.grab()  # paints
    assert sorted(other for _, _, other in view._arcs) == ["qsd", "src"]
    hover, tooltip, other = next(arc for arc in view._arcs if arc[2] == "qsd")
    assert "perpetrator" in tooltip.lower() or codebook.link_kind("perpetrator").label.ar in tooltip
    # A point on the arc: its tooltip names the kind, a click selects the span at the other end.
    point = hover.boundingRect().center().toPoint()
    on_arc = next(QPoint(point.x(), y) for y in range(int(hover.boundingRect().top()),
                                                      int(hover.boundingRect().bottom()) + 1)
                  if hover.contains(QPointF(point.x(), y)))
    assert view._arc_at(on_arc)[1] == "qsd"
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=on_arc)
    assert clicked[-1] == "qsd"
    # Links of another coder's spans, or to spans not shown, draw nothing.
    view.set_current("num")
    view.grab()
    assert view._arcs == []


def test_links_screenshot(view: ArticleView, codebook: Codebook) -> None:
    view.set_links([Link("l1", "doc-1", "mona", "cas", "qsd", "perpetrator"),
                    Link("l2", "doc-1", "mona", "cas", "src", "reported_by")], codebook.links)
    view.set_current("cas")
    view.grab().save("/tmp/article_links.png")
