"""The article: read-only, right-to-left text with layer highlights, search and word snapping.

Every offset on this module's public API is a code point into the stored text (a Python ``str``
index). Qt counts UTF-16 units; the view converts at its edge with an :class:`OffsetMap`, so an
emoji earlier in the article never shifts a span. The text goes to Qt as it is stored: Qt shapes
and orders Arabic itself, so reshaped or bidi-reordered text must never reach it.
"""

from __future__ import annotations

import html
import math
import operator
from collections.abc import Sequence
from typing import Any

from PySide6.QtCore import QEvent, QPoint, QPointF, QRectF, Qt, Signal
from PySide6.QtGui import (QColor, QFont, QFontMetrics, QHideEvent, QKeySequence, QMouseEvent, QPainter,
                           QPainterPath, QPainterPathStroker, QPaintEvent, QPen, QPolygonF, QResizeEvent, QShortcut,
                           QShowEvent, QTextBlockFormat, QTextCharFormat, QTextCursor, QTextLine, QTextOption)
from PySide6.QtWidgets import (QApplication, QFrame, QHBoxLayout, QLabel, QLineEdit, QTextEdit, QToolButton,
                               QToolTip, QWidget)

from annotator.arabic import find_all
from annotator.arabic.words import snap_span, trim_span
from annotator.codebook import Field, Layer, LinkKind
from annotator.model import Annotation, Link
from annotator.offsets import OffsetMap

DEFAULT_POINT_SIZE = 15
MIN_POINT_SIZE = 8
MAX_POINT_SIZE = 40
HIGHLIGHT_ALPHA = 70   # translucent, so overlapping spans blend instead of hiding each other
CURRENT_ALPHA = 140
FIND_COLOR = "#FFE45C"  # yellow: none of the layer colours (Okabe-Ito) is close to it
LINK_COLOR = "#3a3a3a"
LINK_HOVER_WIDTH = 9  # how close the pointer must come to an arc for its tooltip, in pixels
TOOLTIP_ATTRS = 3
EAGER_LAYOUT_CHARS = 50_000  # longer texts are laid out lazily (see set_document)
LINE_HEIGHT_PERCENT = 110  # Noto Sans Arabic's own leading is generous; more reads as double spacing

_KEEP: Any = object()  # set_annotations without ``current``: the current annotation stays

UNDERLINE_STYLES = {
    "solid": QTextCharFormat.UnderlineStyle.SingleUnderline,
    "dash": QTextCharFormat.UnderlineStyle.DashUnderline,
    "dot": QTextCharFormat.UnderlineStyle.DotLine,
    "wave": QTextCharFormat.UnderlineStyle.WaveUnderline,
    "dashdot": QTextCharFormat.UnderlineStyle.DashDotLine,
}

def _display_value(field: Field, value: Any) -> str:
    if field.type in ("choice", "multichoice"):
        ids = value if field.type == "multichoice" else [value]
        return "، ".join(choice.label.ar if (choice := field.value(v)) else str(v) for v in ids)
    if field.type == "boolean":
        return "نعم" if value else "لا"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _arrowhead(tip: QPointF, angle: float, size: float = 7.0) -> QPolygonF:
    """A triangle pointing along ``angle`` (degrees, QPainterPath's convention: counter-clockwise,
    y up) with its point at ``tip``."""
    radians = math.radians(angle)
    back = QPointF(-math.cos(radians) * size, math.sin(radians) * size)
    side = QPointF(-back.y() * 0.55, back.x() * 0.55)
    return QPolygonF([tip, tip + back + side, tip + back - side])


def _clip(text: str, limit: int = 40) -> str:
    text = " ".join(text.split())
    return text if len(text) <= limit else text[:limit - 1] + "…"


def _annotation_format(layer: Layer | None, alpha: int) -> QTextCharFormat:
    color = QColor(layer.color if layer else "#888888")
    background = QColor(color)
    background.setAlpha(alpha)
    fmt = QTextCharFormat()
    fmt.setBackground(background)
    # The underline style carries the layer without colour: colour-blind coders, greyscale print.
    fmt.setUnderlineStyle(UNDERLINE_STYLES[layer.underline if layer else "solid"])
    fmt.setUnderlineColor(color)
    return fmt


class FindBar(QFrame):
    """Search box shown above the article: Enter / Shift+Enter step through hits, Escape closes.

    Owned and driven by :class:`ArticleView`; ``edit``, ``next_button``, ``previous_button`` and
    ``count_label`` are public for the view and for tests.

    Signals:
        shownChanged(bool): the bar was shown (True) or closed (False).
    """

    shownChanged = Signal(bool)

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setFrameShape(QFrame.Shape.StyledPanel)
        self.setAutoFillBackground(True)
        self.edit = QLineEdit(self)
        self.edit.setPlaceholderText("ابحث في المقال / Find in article")
        self.edit.setClearButtonEnabled(True)
        self.previous_button = QToolButton(self)
        self.previous_button.setText("▲")
        self.previous_button.setToolTip("Previous hit · السابق (Shift+Enter)")
        self.next_button = QToolButton(self)
        self.next_button.setText("▼")
        self.next_button.setToolTip("Next hit · التالي (Enter)")
        self.count_label = QLabel("0 of 0", self)
        close = QToolButton(self)
        close.setText("✕")
        close.setToolTip("Close (Esc)")
        close.clicked.connect(self.hide)
        row = QHBoxLayout(self)
        row.setContentsMargins(4, 2, 4, 2)
        for widget in (self.edit, self.previous_button, self.next_button, self.count_label, close):
            row.addWidget(widget)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.hide)
        self.previous_shortcut = QShortcut(QKeySequence("Shift+Return"), self.edit)
        self.previous_shortcut.setContext(Qt.ShortcutContext.WidgetShortcut)
        self.hide()

    def showEvent(self, event: QShowEvent) -> None:  # noqa: N802 (Qt API)
        super().showEvent(event)
        self.shownChanged.emit(True)

    def hideEvent(self, event: QHideEvent) -> None:  # noqa: N802 (Qt API)
        super().hideEvent(event)
        if self.isHidden():  # closed, not merely hidden along with the window
            self.shownChanged.emit(False)


class ArticleView(QTextEdit):
    """Read-only article display, right-to-left, with highlighted annotations.

    Signals:
        selectionChangedSpan(int, int): the text selection as code points (start < end), or the
            caret position twice (start == end) when nothing is selected.
        annotationClicked(str): a click on highlighted text; where several spans cover the
            clicked character the innermost (shortest) comes first, and clicking the same
            character again cycles outwards, so every nested span can be reached.
        suggestionClicked(str): a click on a suggested span (dashed underline) that no
            annotation covers, or reached by cycling past the covering annotations.

    Shortcuts (active while the view or its find bar has focus): Ctrl+= / Ctrl++ zoom in,
    Ctrl+- zoom out, Ctrl+0 reset zoom, Ctrl+F find, Escape closes the find bar.
    """

    selectionChangedSpan = Signal(int, int)
    annotationClicked = Signal(str)
    suggestionClicked = Signal(str)

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setReadOnly(True)
        # Keyboard selection needs a caret; read-only QTextEdit shows one with this flag.
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse
                                     | Qt.TextInteractionFlag.TextSelectableByKeyboard)
        self.setCursorWidth(2)
        self.setAcceptRichText(False)
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        self.setLineWrapMode(QTextEdit.LineWrapMode.WidgetWidth)
        document = self.document()
        document.setUndoRedoEnabled(False)
        document.setDocumentMargin(18)
        option = QTextOption(document.defaultTextOption())
        option.setTextDirection(Qt.LayoutDirection.RightToLeft)
        option.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        document.setDefaultTextOption(option)
        font = QFont(self.font())
        font.setPointSize(DEFAULT_POINT_SIZE)
        self.setFont(font)

        self._text = ""
        self._map = OffsetMap("")
        self._layers: dict[str, Layer] = {}
        self._formats: dict[str, QTextCharFormat] = {}
        # Highlights by (start, end, layer), made when first near the screen (see _apply_selections).
        self._selection_cache: dict[tuple[int, int, str], QTextEdit.ExtraSelection] = {}
        self._annotations: dict[str, Annotation] = {}
        self._given: list[Annotation] | None = None  # the list set_annotations was last given
        self._suggestions: list[tuple[str, int, int, str]] = []
        self._current: str | None = None
        self._highlights: list[tuple[int, int, str]] = []  # (start, end, layer), outer spans first
        self._suggestion_selections: list[QTextEdit.ExtraSelection] = []
        self._hit_selections: list[QTextEdit.ExtraSelection] = []
        self._applied: list[QTextEdit.ExtraSelection] | None = None  # what setExtraSelections was last given
        self._window: tuple[int, int] | None = None  # the code points whose highlights Qt was given
        self._first_shown = 0  # number of the first paragraph in that window (where _shown_range starts)
        self._holding = False  # set_document is filling the document: highlights wait
        self._links: list[Link] = []
        self._link_kinds: dict[str, LinkKind] = {}
        self._arcs: list[tuple[QPainterPath, str, str]] = []  # (path, tooltip, the other end's id)
        self._hits: list[tuple[int, int]] = []
        self._hit = -1
        self._last_span: tuple[int, int] | None = None
        self._snap_enabled = True
        self._press: QPoint | None = None
        self._cycle: tuple[int, tuple[str, ...], int] | None = None  # (qt char, covering ids, index)

        self._find_bar = FindBar(self)
        self._find_bar.edit.textChanged.connect(self.find)
        self._find_bar.edit.returnPressed.connect(self.find_next)
        self._find_bar.previous_shortcut.activated.connect(self.find_previous)
        self._find_bar.next_button.clicked.connect(self.find_next)
        self._find_bar.previous_button.clicked.connect(self.find_previous)
        self._find_bar.shownChanged.connect(self._find_bar_shown)

        for keys, slot in ((("Ctrl+=", "Ctrl++"), self.zoom_in), (("Ctrl+-",), self.zoom_out),
                           (("Ctrl+0",), self.reset_zoom), (("Ctrl+F",), self.open_find)):
            for key in keys:
                shortcut = QShortcut(QKeySequence(key), self)
                # Not window-wide: the same keys elsewhere in the window would make them ambiguous.
                shortcut.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
                shortcut.activated.connect(slot)
                if slot == self.open_find:
                    # A window with no other use for Ctrl+F widens this one's context.
                    self.find_shortcut = shortcut

        self.selectionChanged.connect(self._emit_span)
        self.cursorPositionChanged.connect(self._emit_span)
        self.verticalScrollBar().valueChanged.connect(self._follow_view)
        self.document().documentLayout().documentSizeChanged.connect(self._follow_view)

    # -- content ---------------------------------------------------------------------------------

    def set_font_families(self, families: list[str]) -> None:
        """Use the first of ``families`` that has a glyph, falling back along the list."""
        font = QFont(self.font())
        font.setFamilies(families)
        self.setFont(font)

    def set_document(self, text: str, annotations: Sequence[Annotation], layers: Sequence[Layer],
                     suggestions: list[tuple[str, int, int, str]] | None = None) -> None:
        """Show ``text`` (as plain text: markup shows literally) with its annotations (and
        ``suggestions``, as :meth:`set_suggestions`: in the same pass, which is cheaper)."""
        self._text = text
        self._map = OffsetMap(text)
        self._layers = {layer.id: layer for layer in layers}
        self._formats = {}
        self._selection_cache = {}
        self._highlights = []
        self._window = None
        self._first_shown = 0
        self._given = None
        self._current = None
        self._links = []
        self._suggestions = []
        self._suggestion_selections = []
        self._set_hits([])
        self._applied = None
        self._cycle = None
        block = QTextBlockFormat()
        # AlignAbsolute: a plain AlignRight would be mirrored to the left in a right-to-left block.
        block.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignAbsolute)
        block.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        block.setLineHeight(LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        block.setBottomMargin(8)
        self.clear()
        document = self.document()
        # One edit block from an emptied document to the highlights: Qt then lays the text out
        # as it is shown (the rest in the background). The highlights are handed to Qt after it,
        # once the paragraphs on screen are known (_apply_selections).
        self._holding = True
        edit = QTextCursor(document)
        edit.beginEditBlock()
        document.clear()
        # Format first, then insert: every new block inherits the format, which is far cheaper
        # than selecting the whole document and merging afterwards.
        cursor = QTextCursor(document)
        cursor.setBlockFormat(block)
        cursor.insertText(text)
        self.moveCursor(QTextCursor.MoveOperation.Start)
        self.set_annotations(annotations)
        if suggestions is not None:
            self.set_suggestions(suggestions)
        edit.endEditBlock()
        if len(text) <= EAGER_LAYOUT_CHARS:
            # An article is laid out at once (a few milliseconds), so its scroll range is exact
            # from the start; a longer text is laid out as it is shown, the rest in the background.
            document.documentLayout().blockBoundingRect(document.lastBlock())
        self._holding = False
        self._apply_selections()
        if self._find_bar.isVisible():
            self.find(self._find_bar.edit.text())

    def set_annotations(self, annotations: Sequence[Annotation], *, current: Any = _KEEP) -> None:
        """Redraw the highlights only; the document itself is left untouched. ``current``: also
        make that annotation the current one (as :meth:`set_current`, in the same redraw)."""
        if self._same_spans(annotations):
            for a in annotations:  # fields changed at most: the tooltips read the new objects
                self._annotations[a.id] = a
            self._given = list(annotations)
            self.set_current(self._current if current is _KEEP else current)
            return
        self._given = list(annotations)
        self._annotations = {a.id: a for a in annotations}
        # Outer spans first so that inner ones paint over them and keep their own underline.
        self._highlights = sorted(((a.start, a.end, a.layer) for a in annotations), key=lambda h: h[0] - h[1])
        # Unchanged spans keep their selection objects: one edit makes one cursor, not hundreds.
        if len(self._selection_cache) > 2 * len(self._highlights) + 64:
            kept = set(self._highlights)
            self._selection_cache = {k: v for k, v in self._selection_cache.items() if k in kept}
        self._cycle = None
        self._apply_selections()
        if current is not _KEEP:
            self.set_current(current)

    def _same_spans(self, annotations: Sequence[Annotation]) -> bool:
        """Whether ``annotations`` are the spans shown, in the same order (their fields may differ):
        an edit of one span's fields then costs one pass over the list, not a sort."""
        given = self._given
        if given is None or len(annotations) != len(given):
            return False
        return all(a is b or (a.id, a.start, a.end, a.layer) == (b.id, b.start, b.end, b.layer)
                   for a, b in zip(annotations, given))

    def set_current(self, annotation_id: str | None) -> None:
        """Emphasise one annotation (stronger colour and an outline); scroll to it if it is out of view.

        The emphasis is painted (:meth:`paintEvent`), not a text selection: moving it costs one
        repaint, where handing Qt the whole list of selections again cost milliseconds; the same
        span again (a refresh after a field edit) repaints nothing."""
        if annotation_id != self._current:
            self._current = annotation_id
            self.viewport().update()
        annotation = self._annotation(annotation_id)
        if annotation is not None:
            self._scroll_to(self._map.to_qt(annotation.start), self._map.to_qt(annotation.end))

    def set_suggestions(self, suggestions: list[tuple[str, int, int, str]]) -> None:
        """Show proposed spans ``(id, start, end, layer)`` with a dashed underline and no background."""
        if list(suggestions) == self._suggestions:
            return  # the window refreshes after every edit; most edits leave suggestions alone
        self._suggestions = list(suggestions)
        self._suggestion_selections = []
        for _id, start, end, layer_id in self._suggestions:
            fmt = QTextCharFormat()
            fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DashUnderline)
            layer = self._layers.get(layer_id)
            fmt.setUnderlineColor(QColor(layer.color if layer else "#888888"))
            self._suggestion_selections.append(self._selection(start, end, fmt))
        self._cycle = None
        self._apply_selections()

    def set_links(self, links: Sequence[Link], kinds: Sequence[LinkKind]) -> None:
        """The coder's links in this document; those of the current span are drawn as arcs."""
        links, kinds_by_id = list(links), {kind.id: kind for kind in kinds}
        if (links, kinds_by_id) != (self._links, self._link_kinds):  # most refreshes change no link
            self._links, self._link_kinds = links, kinds_by_id
            self.viewport().update()

    def links_of_current(self) -> list[tuple[Link, str]]:
        """Links touching the current span, each with the id of its other end."""
        if self._current is None:
            return []
        out = []
        for link in self._links:
            other = link.to_id if link.from_id == self._current else link.from_id if link.to_id == self._current else None
            if other is not None and other in self._annotations:
                out.append((link, other))
        return out

    def annotations_at(self, pos_cp: int) -> list[str]:
        """Ids of the annotations covering the character at ``pos_cp``, innermost first."""
        covering = [a for a in self._annotations.values() if a.start <= pos_cp < a.end]
        return [a.id for a in sorted(covering, key=lambda a: a.end - a.start)]

    def tooltip_at(self, pos_cp: int) -> str:
        """Rich-text description of the annotations covering ``pos_cp`` ("" when none)."""
        parts = []
        for annotation_id in self.annotations_at(pos_cp):
            annotation = self._annotation(annotation_id)
            layer = self._layers.get(annotation.layer)
            if layer is None:
                parts.append(html.escape(annotation.layer))
                continue
            lines = [f"<b>{html.escape(layer.label.ar)} · {html.escape(layer.label.en)}</b>"]
            for field in layer.fields:
                value = annotation.attrs.get(field.id)
                if value in (None, "", []):
                    continue
                lines.append(f"{html.escape(field.label.ar)}: {html.escape(_display_value(field, value))}")
                if len(lines) > TOOLTIP_ATTRS:
                    break
            parts.append("<br>".join(lines))
        return f"<div dir='rtl'>{'<hr>'.join(parts)}</div>" if parts else ""

    # -- selection -------------------------------------------------------------------------------

    def selected_span(self) -> tuple[int, int] | None:
        """The selected text as code points ``(start, end)`` with start < end, or None."""
        cursor = self.textCursor()
        start, end = self._map.from_qt(cursor.selectionStart()), self._map.from_qt(cursor.selectionEnd())
        return (start, end) if end > start else None

    def select_span(self, start: int, end: int) -> None:
        """Select ``[start, end)`` (code points) and scroll it into view."""
        cursor = QTextCursor(self.document())
        cursor.setPosition(self._map.to_qt(self._clamp(start)))
        cursor.setPosition(self._map.to_qt(self._clamp(end)), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)
        self.ensureCursorVisible()

    @property
    def snap_enabled(self) -> bool:
        """Whether a mouse selection snaps to whole words when the button is released, so the
        selection on screen is the span a layer key will create. Double-click always trims
        punctuation and quotes (and snaps too when this is on)."""
        return self._snap_enabled

    @snap_enabled.setter
    def snap_enabled(self, enabled: bool) -> None:
        self._snap_enabled = enabled

    # -- zoom ------------------------------------------------------------------------------------

    def zoom_in(self) -> None:
        self._set_point_size(self.font().pointSize() + 1)

    def zoom_out(self) -> None:
        self._set_point_size(self.font().pointSize() - 1)

    def reset_zoom(self) -> None:
        self._set_point_size(DEFAULT_POINT_SIZE)

    def _set_point_size(self, size: int) -> None:
        size = max(MIN_POINT_SIZE, min(MAX_POINT_SIZE, size))
        if size == self.font().pointSize():
            return
        # Keep the first visible character at the top, so the coder does not lose their place.
        anchor = self.cursorForPosition(QPoint(self.viewport().width() // 2, 0)).position()
        font = QFont(self.font())
        font.setPointSize(size)
        self.setFont(font)
        # The new size is laid out lazily; the scroll range must be the whole text's to scroll to the anchor.
        self.document().documentLayout().blockBoundingRect(self.document().lastBlock())
        cursor = QTextCursor(self.document())
        cursor.setPosition(anchor)
        bar = self.verticalScrollBar()
        bar.setValue(bar.value() + self.cursorRect(cursor).top())

    # -- find ------------------------------------------------------------------------------------

    def find_bar(self) -> FindBar:
        """The search bar this view owns (shown by Ctrl+F above the text)."""
        return self._find_bar

    def open_find(self) -> None:
        self._find_bar.show()
        self._find_bar.edit.setFocus(Qt.FocusReason.ShortcutFocusReason)
        self._find_bar.edit.selectAll()

    def find(self, needle: str) -> list[tuple[int, int]]:
        """Highlight every match of ``needle`` and select the first; returns the matches (code
        points). Matching ignores tashkeel, tatweel, alef variants and digit scripts."""
        self._set_hits(find_all(self._text, needle))
        self._show_hit()
        return list(self._hits)

    def find_next(self) -> None:
        if self._hits:
            self._hit = (self._hit + 1) % len(self._hits)
            self._show_hit()

    def find_previous(self) -> None:
        if self._hits:
            self._hit = (self._hit - 1) % len(self._hits)
            self._show_hit()

    def _show_hit(self) -> None:
        self._find_bar.count_label.setText(f"{self._hit + 1} of {len(self._hits)}")
        self._apply_selections()
        if self._hits:
            self.select_span(*self._hits[self._hit])

    # -- Qt event handlers -----------------------------------------------------------------------

    def _find_bar_shown(self, shown: bool) -> None:
        if self._find_bar.parent() is self:  # make room above the text rather than cover it
            self.setViewportMargins(0, self._find_bar.sizeHint().height() if shown else 0, 0, 0)
            self._place_find_bar()
        if not shown:
            self._set_hits([])
            self._apply_selections()
            self.setFocus(Qt.FocusReason.OtherFocusReason)

    def resizeEvent(self, event: QResizeEvent) -> None:  # noqa: N802 (Qt API)
        super().resizeEvent(event)
        self._place_find_bar()

    def _place_find_bar(self) -> None:
        if self._find_bar.parent() is self:  # the window may have moved it into its own layout
            frame = self.frameWidth()
            self._find_bar.setGeometry(frame, frame, self.width() - 2 * frame, self._find_bar.sizeHint().height())

    def viewportEvent(self, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        # Tooltip events go to the viewport, not to the scroll area's own event().
        if event.type() == QEvent.Type.ToolTip:
            arc = self._arc_at(event.pos())
            if arc is not None:
                QToolTip.showText(event.globalPos(), arc[0], self.viewport())
                return True
            char = self._qt_char_at(event.pos())
            text = self.tooltip_at(self._map.from_qt(char)) if char is not None else ""
            if text:
                QToolTip.showText(event.globalPos(), text, self.viewport())
            else:
                QToolTip.hideText()
                event.ignore()
            return True
        return super().viewportEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        super().mouseReleaseEvent(event)
        point = event.position().toPoint()
        is_click = (event.button() == Qt.MouseButton.LeftButton and self._press is not None
                    and (point - self._press).manhattanLength() < QApplication.startDragDistance())
        self._press = None
        if is_click and not self.textCursor().hasSelection():
            self._clicked(point)
        elif event.button() == Qt.MouseButton.LeftButton and self._snap_enabled:
            self._tidy_selection(snap_span)

    def mouseDoubleClickEvent(self, event: QMouseEvent) -> None:  # noqa: N802 (Qt API)
        super().mouseDoubleClickEvent(event)
        # Qt's word selection takes quotes and punctuation next to the word («“قسد”»).
        self._tidy_selection(snap_span if self._snap_enabled else trim_span)

    def _tidy_selection(self, tidy: Any) -> None:
        """Replace the selection by ``tidy(text, start, end)`` (code points), keeping its direction."""
        span = self.selected_span()
        if span is None:
            return
        start, end = tidy(self._text, *span)
        if (start, end) == span:
            return
        cursor = self.textCursor()
        forward = cursor.anchor() <= cursor.position()
        anchor, position = (start, end) if forward else (end, start)
        if start == end:
            anchor = position = start
        cursor.setPosition(self._map.to_qt(anchor))
        cursor.setPosition(self._map.to_qt(position), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        annotation = self._annotation(self._current)
        rects = [] if annotation is None else \
            self._line_rects(self._map.to_qt(annotation.start), self._map.to_qt(annotation.end))
        color = QColor(self._layers[annotation.layer].color if annotation and annotation.layer in self._layers
                       else "#888888")
        if rects:  # the current span's stronger colour, under the text and its highlights
            painter = QPainter(self.viewport())
            fill = QColor(color)
            fill.setAlpha(CURRENT_ALPHA)
            for rect in rects:
                painter.fillRect(rect, fill)
            painter.end()
        super().paintEvent(event)
        self._arcs = []
        if not rects:
            return
        painter = QPainter(self.viewport())
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        painter.setPen(QPen(color.darker(140), 2))
        for rect in rects:
            painter.drawRoundedRect(rect.adjusted(-2, -1, 2, 1), 3, 3)
        self._paint_links(painter)
        painter.end()

    def _paint_links(self, painter: QPainter) -> None:
        """An arc from each link's source span to its target, arrow at the target, the kind on the
        arc (brat's way), for the links of the current span. Works across lines: the arc joins the
        top of the first line of each span, whatever the reading direction."""
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.font().pointSizeF() * 0.6))
        metrics = QFontMetrics(small)
        painter.setFont(small)
        for link, other in self.links_of_current():
            source, target = self._annotation(link.from_id), self._annotation(link.to_id)
            ends = self._arc_ends(source, target)
            if ends is None:
                continue
            start, end = ends
            path = QPainterPath(start)
            if abs(end.y() - start.y()) < 4:  # same line: a low arch over it
                lift = min(self.fontMetrics().height() * 0.8, 10.0 + abs(end.x() - start.x()) / 8)
                path.cubicTo(QPointF(start.x(), start.y() - lift), QPointF(end.x(), end.y() - lift), end)
            else:  # across lines: an S from one span's edge to the other's, through the gap between lines
                middle_y = (start.y() + end.y()) / 2
                path.cubicTo(QPointF(start.x(), middle_y), QPointF(end.x(), middle_y), end)
            painter.setPen(QPen(QColor(LINK_COLOR), 1.6))
            painter.setBrush(Qt.BrushStyle.NoBrush)
            painter.drawPath(path)
            painter.setBrush(QColor(LINK_COLOR))
            painter.drawPolygon(_arrowhead(end, path.angleAtPercent(1.0)))
            kind = self._link_kinds.get(link.kind)
            label = kind.label.ar if kind else link.kind
            middle = path.pointAtPercent(0.5)
            box = QRectF(metrics.boundingRect(label)).adjusted(-3, -1, 3, 1)
            box.moveCenter(middle)
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(255, 255, 255, 220))
            painter.drawRoundedRect(box, 3, 3)
            painter.setPen(QColor(LINK_COLOR))
            painter.drawText(box, Qt.AlignmentFlag.AlignCenter, label)
            stroker = QPainterPathStroker()
            stroker.setWidth(LINK_HOVER_WIDTH)
            hover = stroker.createStroke(path)
            hover.addRect(box)
            self._arcs.append((hover, self._link_tooltip(link, kind, source, target), other))

    def _arc_ends(self, source: Annotation | None, target: Annotation | None) -> tuple[QPointF, QPointF] | None:
        """Where an arc leaves ``source`` and reaches ``target`` on screen: the facing edges of
        their first lines (the tops when both share a line), so an arc never crosses either span."""
        if source is None or target is None:
            return None
        a = self._line_rects(self._map.to_qt(source.start), self._map.to_qt(source.end))
        b = self._line_rects(self._map.to_qt(target.start), self._map.to_qt(target.end))
        if not a or not b:
            return None
        first, second = a[0], b[0]
        if abs(first.top() - second.top()) < 4:
            return QPointF(first.center().x(), first.top() + 2), QPointF(second.center().x(), second.top() + 2)
        if second.top() < first.top():  # the target is above
            return QPointF(first.center().x(), first.top() + 2), QPointF(second.center().x(), second.bottom() - 2)
        return QPointF(first.center().x(), first.bottom() - 2), QPointF(second.center().x(), second.top() + 2)

    @staticmethod
    def _link_tooltip(link: Link, kind: LinkKind | None, source: Annotation, target: Annotation) -> str:
        name = f"{html.escape(kind.label.ar)} · {html.escape(kind.label.en)}" if kind else html.escape(link.kind)
        return (f"<div dir='rtl'><b>{name}</b><br>«{html.escape(_clip(source.quote))}» ← "
                f"«{html.escape(_clip(target.quote))}»</div>")

    def _arc_at(self, point: QPoint) -> tuple[str, str] | None:
        """(tooltip, other end's id) of the arc under ``point``, or None."""
        for hover, tooltip, other in self._arcs:
            if hover.contains(QPointF(point)):
                return tooltip, other
        return None

    # -- internals -------------------------------------------------------------------------------

    def _clamp(self, cp: int) -> int:
        return max(0, min(len(self._text), cp))

    def _annotation(self, annotation_id: str | None) -> Annotation | None:
        return self._annotations.get(annotation_id) if annotation_id else None

    def _selection(self, start: int, end: int, fmt: QTextCharFormat) -> QTextEdit.ExtraSelection:
        # Called thousands of times when a long article opens: the clamping is inlined.
        cursor = QTextCursor(self.document())
        last, to_qt = len(self._text), self._map.to_qt
        cursor.setPosition(to_qt(max(0, min(last, start))))
        cursor.setPosition(to_qt(max(0, min(last, end))), QTextCursor.MoveMode.KeepAnchor)
        selection = QTextEdit.ExtraSelection()
        selection.cursor = cursor
        selection.format = fmt
        return selection

    def _layer_format(self, layer_id: str) -> QTextCharFormat:
        if layer_id not in self._formats:
            self._formats[layer_id] = _annotation_format(self._layers.get(layer_id), HIGHLIGHT_ALPHA)
        return self._formats[layer_id]

    def _set_hits(self, hits: list[tuple[int, int]]) -> None:
        self._hits = hits
        self._hit = 0 if hits else -1
        fmt = QTextCharFormat()
        fmt.setBackground(QColor(FIND_COLOR))
        self._hit_selections = [self._selection(start, end, fmt) for start, end in hits]

    def _apply_selections(self) -> None:
        """Hand Qt the highlights near the screen: a screen's height above and below what shows.

        Qt copies every extra selection it is given and checks each one for every line it paints,
        so an article with thousands of spans would make each edit and each frame cost more. The
        window follows the scroll bar and the layout (:meth:`_follow_view`)."""
        if self._holding:
            return  # set_document hands them over once the text is laid out
        lo, hi = self._window = self._shown_range(margin=1.0)
        cache = self._selection_cache
        selections = []
        for key in self._highlights:
            if key[0] < hi and key[1] > lo:
                if (selection := cache.get(key)) is None:
                    selection = cache[key] = self._selection(key[0], key[1], self._layer_format(key[2]))
                selections.append(selection)
        selections += [sel for (_id, start, end, _layer), sel in zip(self._suggestions, self._suggestion_selections)
                       if start < hi and end > lo]
        selections += [sel for (start, end), sel in zip(self._hits, self._hit_selections) if start < hi and end > lo]
        # Handing Qt the list again costs milliseconds: only when one of them changed.
        applied = self._applied
        if applied is None or len(selections) != len(applied) or not all(map(operator.is_, selections, applied)):
            self.setExtraSelections(selections)
            self._applied = selections
        self.viewport().update()  # the current span's emphasis is painted outside the selections

    def _shown_range(self, margin: float) -> tuple[int, int]:
        """Code points of the paragraphs on screen, with ``margin`` screens' height above and below.

        Found by walking the paragraphs from where the last call found the first one (Qt's hit
        test is unreliable between the lines of a text laid out lazily); a walk down lays out
        what it passes, as showing it would."""
        document = self.document()
        layout = document.documentLayout()
        top, height = self.verticalScrollBar().value(), self.viewport().height()
        above, below = top - margin * height, top + (1 + margin) * height
        block = document.findBlockByNumber(min(self._first_shown, document.blockCount() - 1))
        while block.previous().isValid() and layout.blockBoundingRect(block).top() > above:
            block = block.previous()
        while block.next().isValid() and layout.blockBoundingRect(block).bottom() < above:
            block = block.next()
        self._first_shown = block.blockNumber()
        first = block.position()
        while block.next().isValid() and layout.blockBoundingRect(block).bottom() < below:
            block = block.next()
        end = min(block.position() + block.length(), self._map.to_qt(len(self._text)))
        return self._map.from_qt(first), self._map.from_qt(end)

    def _follow_view(self, *_args: Any) -> None:
        """After a scroll, a resize or more of a long text laid out: if the paragraphs on screen
        are no longer all within the highlights' window, move the window."""
        if self._window is None:
            return
        lo, hi = self._shown_range(margin=0.0)
        if lo < self._window[0] or hi > self._window[1]:
            self._apply_selections()

    def _emit_span(self) -> None:
        cursor = self.textCursor()
        span = (self._map.from_qt(cursor.selectionStart()), self._map.from_qt(cursor.selectionEnd()))
        if span != self._last_span:
            self._last_span = span
            self.selectionChangedSpan.emit(*span)

    def _scroll_offset(self) -> QPointF:
        """Viewport -> document coordinates (QTextEdit mirrors the horizontal bar in RTL)."""
        bar = self.horizontalScrollBar()
        x = bar.maximum() - bar.value() if self.isRightToLeft() else bar.value()
        return QPointF(x, self.verticalScrollBar().value())

    def _qt_char_at(self, point: QPoint) -> int | None:
        """Qt position of the character drawn under ``point`` (viewport coordinates), or None."""
        block = self.cursorForPosition(point).block()
        layout = block.layout()
        local = QPointF(point) + self._scroll_offset() - layout.position()
        for i in range(layout.lineCount()):
            line = layout.lineAt(i)
            if line.y() <= local.y() < line.y() + line.height():
                text_rect = line.naturalTextRect()
                if not text_rect.left() <= local.x() <= text_rect.right():
                    return None
                # CursorOnCharacter: the character under x, not the nearest caret position.
                in_block = line.xToCursor(local.x(), QTextLine.CursorPosition.CursorOnCharacter)
                return block.position() + in_block if in_block < block.length() - 1 else None
        return None

    def _line_rects(self, qt_start: int, qt_end: int) -> list[QRectF]:
        """Viewport rectangles of ``[qt_start, qt_end)``, one per laid-out line it touches."""
        rects = []
        offset = self._scroll_offset()
        block = self.document().findBlock(qt_start)
        while block.isValid() and block.position() < qt_end:
            if block.layout().lineCount() == 0:  # not laid out yet (Qt lays long texts out lazily)
                self.document().documentLayout().blockBoundingRect(block)
            layout = block.layout()
            origin = layout.position() - offset
            for i in range(layout.lineCount()):
                line = layout.lineAt(i)
                first = block.position() + line.textStart()
                a, b = max(qt_start, first), min(qt_end, first + line.textLength())
                if a < b:
                    x1 = line.cursorToX(a - block.position())[0]
                    x2 = line.cursorToX(b - block.position())[0]
                    rects.append(QRectF(min(x1, x2), line.y(), abs(x2 - x1), line.height()).translated(origin))
            block = block.next()
        return rects

    def _scroll_to(self, qt_start: int, qt_end: int) -> None:
        rects = self._line_rects(qt_start, qt_end)
        if not rects:
            return
        visible = QRectF(self.viewport().rect())
        # Only when none of it shows: scrolling after a click would move the next click's target.
        if not any(visible.intersects(rect) for rect in rects):
            bar = self.verticalScrollBar()
            bar.setValue(bar.value() + int(rects[0].center().y() - visible.height() / 2))

    def _clicked(self, point: QPoint) -> None:
        arc = self._arc_at(point)
        if arc is not None:  # a click on an arc goes to the span at its other end
            self._cycle = None
            self.annotationClicked.emit(arc[1])
            return
        char = self._qt_char_at(point)
        if char is None:
            self._cycle = None
            return
        cp = self._map.from_qt(char)
        ids = tuple(self.annotations_at(cp))
        suggestions = tuple(s[0] for s in sorted((s for s in self._suggestions if s[1] <= cp < s[2]),
                                                 key=lambda s: s[2] - s[1]))
        covering = ids + suggestions
        if not covering:
            self._cycle = None
            return
        index = (self._cycle[2] + 1) % len(covering) if self._cycle and self._cycle[:2] == (char, covering) else 0
        self._cycle = (char, covering, index)
        if index < len(ids):
            self.annotationClicked.emit(covering[index])
        else:
            self.suggestionClicked.emit(covering[index])
