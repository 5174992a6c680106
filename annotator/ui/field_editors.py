"""One editor widget per codebook field type, used by both sections of the coding form.

Every editor has the same small API (:class:`FieldEditor`): ``value()`` (None when empty),
``set_value(v)`` (silent) and the ``edited`` signal (user edits only), so the form is generated
from the codebook with no per-field code.
"""

from __future__ import annotations

import datetime as dt
import html
import re
from typing import Any

from PySide6.QtCore import QStringListModel, Qt, Signal
from PySide6.QtGui import QValidator, QWheelEvent
from PySide6.QtWidgets import (QButtonGroup, QCheckBox, QComboBox, QCompleter, QHBoxLayout, QLabel, QLineEdit,
                               QRadioButton, QVBoxLayout, QWidget)

from annotator.codebook import Field, Label
from annotator.ui.signals import blocked

EMPTY_CHOICE = "—"
REQUIRED_MARK = '<span style="color:#c62828">*</span>&nbsp;'  # leads: the first thing read in RTL
ERROR_STYLE = "QLineEdit { border: 2px solid #c62828; }"
# Proposed values: visibly not the coder's yet. Amber and dashed, readable without colour too.
PROPOSED_STYLE = ("QLineEdit, QComboBox { background: #fff3cd; border: 2px dashed #b7791f; font-style: italic; }"
                  "QCheckBox { background: #fff3cd; font-style: italic; }")
PROPOSED_TIP = "Proposed from the text, not saved: P accepts all proposals · مقترح من النص، غير محفوظ"
_DIGITS = str.maketrans("٠١٢٣٤٥٦٧٨٩۰۱۲۳۴۵۶۷۸۹", "0123456789" * 2)  # Arabic-Indic and Persian
_NUMBER_RE = re.compile(r"-?\d*")
_DATE_RE = re.compile(r"\d{4}-\d{2}-\d{2}")


def label_for(field: Field) -> str:
    """The field's name as shown to coders: "Arabic / English"."""
    return f"{field.label.ar} / {field.label.en}"


def make_label(field: Field, buddy: QWidget | None = None) -> QLabel:
    """A form label for ``field``; required fields carry a red asterisk."""
    return form_label(field.label, required=field.required, tip=field.help, buddy=buddy)


def form_label(label: Label, *, required: bool = False, tip: str | None = None,
               buddy: QWidget | None = None) -> QLabel:
    """Arabic, then English in small type, on one line above the field (the form wraps every row).

    No word wrap: QFormLayout sizes its rows before a wrapping label knows its height, and
    wrapped labels came out clipped.
    """
    text = (f"{REQUIRED_MARK if required else ''}{html.escape(label.ar)}&nbsp;·&nbsp;"
            f"<small>{html.escape(label.en)}</small>")
    widget = QLabel(text)
    widget.setTextFormat(Qt.TextFormat.RichText)
    if tip:
        widget.setToolTip(tip)
    if buddy is not None:
        widget.setBuddy(buddy)
    return widget


class ComboBox(QComboBox):
    """A combo box that ignores the mouse wheel unless focused: scrolling the form must never
    change a coded value by accident."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setMinimumContentsLength(12)

    def wheelEvent(self, event: QWheelEvent) -> None:  # noqa: N802 (Qt API)
        if self.hasFocus():
            super().wheelEvent(event)
        else:
            event.ignore()  # let the scroll area scroll


class FieldEditor(QWidget):
    """Edits the value of one codebook field.

    Signals:
        edited(object): the new value (None when emptied) after a user edit. Never emitted by
            ``set_value``; never emitted for input that is not a valid value (the editor shows
            the problem instead).
        finished(): the coder finished typing with Return (typed fields only), so the window can
            give the article the keyboard again.
    """

    edited = Signal(object)
    finished = Signal()

    def __init__(self, field: Field, parent: QWidget | None = None):
        super().__init__(parent)
        self.field = field
        self._proposed = False
        self.setProperty("proposed", False)
        self.setToolTip(field.help or "")  # as set_proposed(False) leaves it
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 0)

    def set_proposed(self, proposed: bool) -> None:
        """Mark the shown value as proposed from the text, not stored (amber, dashed, italic)."""
        if proposed == self._proposed:
            return  # a style sheet set again restyles the editor all the same: once per change
        self._proposed = proposed
        self.setProperty("proposed", proposed)
        self.setStyleSheet(PROPOSED_STYLE if proposed else "")
        self.setToolTip(PROPOSED_TIP if proposed else (self.field.help or ""))

    def is_proposed(self) -> bool:
        return self._proposed

    def value(self) -> Any:
        """The current value; None when empty."""
        raise NotImplementedError

    def set_value(self, value: Any) -> None:
        """Show ``value`` (None clears) without emitting ``edited``."""
        raise NotImplementedError

    def commit(self) -> None:
        """Emit a typed edit not yet committed by Enter or leaving the field (text editors only)."""

    def error(self) -> str | None:
        """Why the typed input is not accepted, or None."""
        return None

    def _add(self, widget: QWidget) -> None:
        self._layout.addWidget(widget)
        if self.focusProxy() is None:
            self.setFocusProxy(widget)


class ChoiceEditor(FieldEditor):
    """A combo box: "—" (empty) then "Arabic — English" per value, in codebook order. Typing the
    first letters of an item selects it (QComboBox's keyboard search)."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.combo = ComboBox(self)
        self.combo.addItem(EMPTY_CHOICE, None)
        for value in field.values:
            self.combo.addItem(f"{value.label.ar} — {value.label.en}", value.id)
        self.combo.currentIndexChanged.connect(lambda _index: self.edited.emit(self.value()))
        self._add(self.combo)

    def value(self) -> str | None:
        return self.combo.currentData()

    def set_value(self, value: Any) -> None:
        with blocked(self.combo):
            self.combo.setCurrentIndex(max(0, self.combo.findData(value)) if value is not None else 0)


class MultiChoiceEditor(FieldEditor):
    """One check box per value; the value is the list of checked ids in codebook order."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        super().__init__(field, parent)
        column = QVBoxLayout()
        column.setSpacing(2)
        self._layout.addLayout(column)
        self.boxes: dict[str, QCheckBox] = {}
        for value in field.values:
            box = QCheckBox(f"{value.label.ar}\n{value.label.en}", self)  # two lines: see make_label
            box.toggled.connect(lambda _on: self.edited.emit(self.value()))
            column.addWidget(box)
            self.boxes[value.id] = box
        self.setFocusProxy(next(iter(self.boxes.values())))

    def value(self) -> list[str] | None:
        return [value_id for value_id, box in self.boxes.items() if box.isChecked()] or None

    def set_value(self, value: Any) -> None:
        for value_id, box in self.boxes.items():
            with blocked(box):
                box.setChecked(value_id in (value or ()))


class BooleanEditor(FieldEditor):
    """Optional fields: a check box (unchecked = False). Required fields: "نعم / لا" radio
    buttons with neither chosen until the coder answers, so an unanswered question stays missing
    instead of reading as "no"."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        super().__init__(field, parent)
        self._answer: bool | None = None
        if field.required:
            self.buttons = {True: QRadioButton("نعم / Yes", self), False: QRadioButton("لا / No", self)}
            self._group = QButtonGroup(self)
            for answer, button in self.buttons.items():
                self._group.addButton(button)
                button.toggled.connect(lambda on, a=answer: on and self._user_set(a))
                self._add(button)
            self._layout.addStretch()
        else:
            self.box = QCheckBox(self)
            self.box.toggled.connect(self._user_set)
            self._add(self.box)

    def value(self) -> bool | None:
        return self._answer if self.field.required else self.box.isChecked()

    def set_value(self, value: Any) -> None:
        self._answer = None if value is None else bool(value)
        if not self.field.required:
            with blocked(self.box):
                self.box.setChecked(bool(value))
            return
        # An exclusive group cannot uncheck its last button; lift it while clearing.
        self._group.setExclusive(False)
        for answer, button in self.buttons.items():
            with blocked(button):
                button.setChecked(self._answer is answer)
        self._group.setExclusive(True)

    def _user_set(self, answer: bool) -> None:
        self._answer = answer
        self.edited.emit(answer)


class _LineEditor(FieldEditor):
    """Typed values: committed (and emitted) on Enter, on leaving the field, or by ``commit()``,
    not per keystroke, so one typed value is one edit. Invalid input gets a red border and a
    tooltip and is not emitted."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.edit = QLineEdit(self)
        self.edit.editingFinished.connect(self.commit)
        self.edit.returnPressed.connect(self.finished)
        self.edit.textEdited.connect(self._typed)
        self._value: Any = None
        self._dirty = False  # typed since the value was set (typing a proposed value confirms it)
        self._error: str | None = None
        self._add(self.edit)

    def value(self) -> Any:
        return self._value

    def set_value(self, value: Any) -> None:
        self._value = value
        self._dirty = False
        with blocked(self.edit):
            self.edit.setText(self._format(value))
        self._show_error(None)

    def commit(self) -> None:
        value, error = self._parse(self.edit.text())
        self._show_error(error)
        if error is None and (value != self._value or (self._dirty and self.is_proposed())):
            self._value = value
            self._dirty = False
            self.edited.emit(value)

    def _typed(self, text: str) -> None:
        self._dirty = True
        self._show_error(self._parse(text)[1])

    def error(self) -> str | None:
        return self._error

    def _parse(self, text: str) -> tuple[Any, str | None]:
        """(value, None) for acceptable input, (None, why) otherwise."""
        text = text.strip()
        return (text or None), None

    def _format(self, value: Any) -> str:
        return "" if value is None else str(value)

    def _show_error(self, error: str | None) -> None:
        if error == self._error:
            return  # shown already (restyling costs even when the style is the same)
        self._error = error
        self.edit.setStyleSheet(ERROR_STYLE if error else "")
        self.edit.setToolTip(error or "")


class NumberEditor(_LineEditor):
    """Whole numbers typed with Western or Arabic-Indic (and Persian) digits; bounded by the
    field's min and max."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.edit.setValidator(_DigitsValidator(allow_negative=field.min is None or field.min < 0, parent=self))

    def _parse(self, text: str) -> tuple[Any, str | None]:
        text = text.strip().translate(_DIGITS)
        if not text:
            return None, None
        try:
            number = int(text)
        except ValueError:
            return None, "Not a whole number · ليس عدداً صحيحاً"
        why = self.field.check(number)
        return (None, why) if why else (number, None)

    def _format(self, value: Any) -> str:
        return "" if value is None else f"{value:g}" if isinstance(value, float) else str(value)


class DateEditor(_LineEditor):
    """An ISO date, YYYY-MM-DD (Arabic-Indic digits accepted)."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        super().__init__(field, parent)
        self.edit.setPlaceholderText("YYYY-MM-DD")

    def _parse(self, text: str) -> tuple[Any, str | None]:
        text = text.strip().translate(_DIGITS)
        if not text:
            return None, None
        try:
            if _DATE_RE.fullmatch(text):
                return dt.date.fromisoformat(text).isoformat(), None
        except ValueError:
            pass
        return None, "Not a date: use YYYY-MM-DD · تاريخ غير صالح"


class TextEditor(_LineEditor):
    """Free text; fields with ``autocomplete: actors`` complete from ``set_completions``."""

    def __init__(self, field: Field, parent: QWidget | None = None):
        super().__init__(field, parent)
        self._completions = QStringListModel(self)
        if field.autocomplete:
            completer = QCompleter(self._completions, self)
            completer.setCaseSensitivity(Qt.CaseSensitivity.CaseInsensitive)
            completer.setFilterMode(Qt.MatchFlag.MatchContains)  # "قسد" finds "قوات سوريا الديمقراطية (قسد)"
            self.edit.setCompleter(completer)
            # Picking a completion is a finished edit; QLineEdit has already taken its text.
            completer.activated.connect(lambda _text: self.commit())

    def set_completions(self, names: list[str]) -> None:
        self._completions.setStringList(names)


class _DigitsValidator(QValidator):
    """Only digits (any script) and, if allowed, a leading minus: bounds are checked on commit so
    an out-of-range number can still be typed, shown red, and corrected."""

    def __init__(self, allow_negative: bool, parent: QWidget):
        super().__init__(parent)
        self._allow_negative = allow_negative

    def validate(self, text: str, pos: int) -> tuple[QValidator.State, str, int]:
        plain = text.translate(_DIGITS)
        if not _NUMBER_RE.fullmatch(plain) or (plain.startswith("-") and not self._allow_negative):
            return QValidator.State.Invalid, text, pos
        if plain in ("", "-"):
            return QValidator.State.Intermediate if plain else QValidator.State.Acceptable, text, pos
        return QValidator.State.Acceptable, text, pos


EDITORS: dict[str, type[FieldEditor]] = {
    "choice": ChoiceEditor,
    "multichoice": MultiChoiceEditor,
    "number": NumberEditor,
    "boolean": BooleanEditor,
    "text": TextEditor,
    "date": DateEditor,
}


def make_editor(field: Field, parent: QWidget | None = None) -> FieldEditor:
    """The editor for ``field``'s type."""
    return EDITORS[field.type](field, parent)
