"""The keyboard overlay (F1 or ?): every key of the window, read from its actions, over the window.

Built from the window's own QActions each time it opens, so it can never list a key that does not
exist or miss one that does; a few keys that are not actions (mouse gestures, the article's own
keys) are passed in as extra rows.
"""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QEvent, QObject, Qt
from PySide6.QtGui import QAction, QColor, QKeySequence, QPainter, QPaintEvent
from PySide6.QtWidgets import QFrame, QGridLayout, QLabel, QVBoxLayout, QWidget


def action_rows(actions: Sequence[QAction]) -> list[tuple[str, str]]:
    """(keys, what they do) for every action that has a shortcut, in the order given."""
    rows = []
    for action in actions:
        keys = [k.toString(QKeySequence.SequenceFormat.NativeText) for k in action.shortcuts()]
        if keys:
            rows.append((" / ".join(keys), action.text().replace("&", "")))
    return rows


class ShortcutsOverlay(QWidget):
    """A dimmed cover over ``parent`` with a panel of keys; any key or click closes it."""

    def __init__(self, parent: QWidget):
        super().__init__(parent)
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, False)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.panel = QFrame(self)
        self.panel.setObjectName("shortcutsPanel")
        self.panel.setStyleSheet("#shortcutsPanel { background: white; border-radius: 8px; }"
                                 "QLabel { padding: 1px 6px; }")
        self._grid = QGridLayout()
        self._grid.setHorizontalSpacing(18)
        column = QVBoxLayout(self.panel)
        title = QLabel("Keyboard · لوحة المفاتيح", self.panel)
        title.setStyleSheet("font-size: 14pt; font-weight: bold;")
        column.addWidget(title, alignment=Qt.AlignmentFlag.AlignHCenter)
        column.addLayout(self._grid)
        close = QLabel("Any key or click closes this · أي مفتاح يغلق", self.panel)
        close.setStyleSheet("color: gray;")
        column.addWidget(close, alignment=Qt.AlignmentFlag.AlignHCenter)
        parent.installEventFilter(self)
        self.hide()

    def show_rows(self, rows: Sequence[tuple[str, str]]) -> None:
        """Show ``rows`` of (keys, description) in two column pairs over the parent."""
        while self._grid.count():
            self._grid.takeAt(0).widget().deleteLater()
        half = (len(rows) + 1) // 2
        for i, (keys, text) in enumerate(rows):
            row, col = i % half, 2 * (i // half)
            key_label = QLabel(keys, self.panel)
            key_label.setStyleSheet("font-family: monospace; font-weight: bold; background: #eef1f5; "
                                    "border-radius: 3px;")
            key_label.setTextFormat(Qt.TextFormat.PlainText)
            text_label = QLabel(text, self.panel)
            text_label.setTextFormat(Qt.TextFormat.PlainText)
            self._grid.addWidget(key_label, row, col, alignment=Qt.AlignmentFlag.AlignLeft)
            self._grid.addWidget(text_label, row, col + 1)
        self._fit()
        self.show()
        self.raise_()
        self.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def rows(self) -> list[tuple[str, str]]:
        """What is shown, as (keys, description) pairs (for tests)."""
        labels = [self._grid.itemAt(i).widget().text() for i in range(self._grid.count())]
        return list(zip(labels[::2], labels[1::2]))

    def _fit(self) -> None:
        parent = self.parentWidget()
        self.setGeometry(parent.rect())
        self.panel.adjustSize()
        size = self.panel.sizeHint().boundedTo(self.size())
        self.panel.resize(size)
        self.panel.move((self.width() - size.width()) // 2, (self.height() - size.height()) // 2)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 (Qt API)
        if watched is self.parentWidget() and event.type() == QEvent.Type.Resize and self.isVisible():
            self._fit()
        return False

    def paintEvent(self, event: QPaintEvent) -> None:  # noqa: N802 (Qt API)
        painter = QPainter(self)
        painter.fillRect(self.rect(), QColor(0, 0, 0, 110))
        painter.end()

    def keyPressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.hide()

    def mousePressEvent(self, event) -> None:  # noqa: N802 (Qt API)
        self.hide()
