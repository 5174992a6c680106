"""The coding form: the selected span's fields and links, then the document's fields.

Built entirely from the :class:`Codebook`: one page of field editors per layer, one link editor
per link kind leaving that layer, one editor per document field. Offsets never appear here.
"""

from __future__ import annotations

import html
import operator
import re
from collections.abc import Callable, Sequence
from typing import Any

from PySide6.QtCore import QAbstractListModel, QModelIndex, QSize, Qt, Signal
from PySide6.QtGui import QKeySequence, QShortcut
from PySide6.QtWidgets import (QFormLayout, QFrame, QGroupBox, QLabel, QListView, QScrollArea, QSizePolicy,
                               QStackedWidget, QVBoxLayout, QWidget)

from annotator.codebook import Codebook, Label, Layer, LinkKind
from annotator.model import Annotation, Link
from annotator.ui.field_editors import (EMPTY_CHOICE, ComboBox, FieldEditor, TextEditor, form_label, make_editor,
                                       make_label)
from annotator.ui.signals import blocked
from annotator.ui.table_model import patch_rows

# Each language its own paragraph and direction: in one right-to-left label the English
# sentence's full stop was drawn at its start.
PROPOSAL_NOTE = ("<p dir='rtl'>قيم مقترحة من النص (بإطار متقطع) لم تُحفظ بعد. اضغط P لقبولها كلها أو غيّرها.</p>"
                 "<p dir='ltr'>Proposed from the text (dashed), not saved yet: P accepts them all, "
                 "or change them.</p>")
HINT = ("حدّد نصاً في المقال ثم اضغط مفتاح الطبقة لإنشاء وسم.\n"
        "Select text and press a layer key to create a span.")
NO_TARGETS = "لا توجد وسوم مناسبة بعد\nNo matching spans yet"
QUOTE_CHARS = 40
LIST_ROWS = 5  # link lists taller than this scroll


def _isolate(text: str) -> str:
    """Let ``text`` take its own direction inside a right-to-left label (FSI ... PDI), so an
    English message with an Arabic quote in it is not reordered into nonsense."""
    return f"\u2068{text}\u2069"


def _isolate_quotes(message: str) -> str:
    """``message`` as HTML with each «quote» in a right-to-left isolate (RLI ... PDI)."""
    return re.sub("«([^»]*)»", lambda m: f"«\u2067{m.group(1)}\u2069»", html.escape(message, quote=False))


def _fit(form: QFormLayout) -> None:
    """Each field under its label, across the panel's whole width: choice values are long
    bilingual labels ("جماعة متمردة — Rebel group"), and beside a label they were clipped."""
    form.setRowWrapPolicy(QFormLayout.RowWrapPolicy.WrapAllRows)
    form.setFieldGrowthPolicy(QFormLayout.FieldGrowthPolicy.AllNonFixedFieldsGrow)


def _short(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= QUOTE_CHARS else text[:QUOTE_CHARS - 1] + "…"


class _TargetModel(QAbstractListModel):
    """Link targets as checkable rows: ``options`` (annotation id, text), ``checked`` ids. A check
    by the coder (a click, the space bar) calls ``toggled``; a document's thousands of spans cost
    the rows on screen, not one widget item each."""

    def __init__(self, parent: QWidget, toggled: Callable[[], None]):
        super().__init__(parent)
        self.options: list[tuple[str, str]] = []
        self.checked: set[str] = set()
        self._rows: dict[str, int] = {}
        self._toggled = toggled

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self.options)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        target_id, text = self.options[index.row()]
        if role == Qt.ItemDataRole.DisplayRole:
            return text
        if role == Qt.ItemDataRole.CheckStateRole:
            return Qt.CheckState.Checked if target_id in self.checked else Qt.CheckState.Unchecked
        return None

    def flags(self, index: QModelIndex) -> Qt.ItemFlag:
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsUserCheckable

    def setData(self, index: QModelIndex, value: Any, role: int = Qt.ItemDataRole.EditRole) -> bool:  # noqa: N802
        if role != Qt.ItemDataRole.CheckStateRole or not index.isValid():
            return False
        target_id = self.options[index.row()][0]
        if Qt.CheckState(value) == Qt.CheckState.Checked:
            self.checked.add(target_id)
        else:
            self.checked.discard(target_id)
        self.dataChanged.emit(index, index, [role])
        self._toggled()
        return True

    def set_options(self, options: list[tuple[str, str]]) -> None:
        def splice(i1: int, i2: int, j1: int, j2: int) -> None:
            self.options[i1:i2] = options[j1:j2]

        patch_rows(self, self.options, options, splice)
        self._rows = {target_id: row for row, (target_id, _) in enumerate(self.options)}
        self.checked &= self._rows.keys()

    def set_checked(self, wanted: set[str]) -> None:
        """Check exactly ``wanted`` (ids among the options), redrawing only the rows that change."""
        changed, self.checked = self.checked ^ wanted, set(wanted)
        for target_id in changed:
            index = self.index(self._rows[target_id])
            self.dataChanged.emit(index, index, [Qt.ItemDataRole.CheckStateRole])


class _TargetList(QListView):
    """A checkable list as tall as its rows, up to LIST_ROWS; long quotes are elided rather than
    scrolled sideways (the panel is narrow)."""

    def __init__(self, parent: QWidget, toggled: Callable[[], None]):
        super().__init__(parent)
        self.targets = _TargetModel(self, toggled)
        self.setModel(self.targets)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.setSizePolicy(QSizePolicy.Policy.Preferred, QSizePolicy.Policy.Fixed)
        # One line per row: Qt then sizes the list from its first row instead of measuring the
        # text of every row (thousands of spans took 15 ms each time the page was shown).
        self.setUniformItemSizes(True)
        # Rows are checked, never selected.
        self.setSelectionMode(QListView.SelectionMode.NoSelection)

    def count(self) -> int:
        return len(self.targets.options)

    def set_checked(self, row: int, checked: bool) -> None:
        """Check or uncheck a row as the coder would (for tests and keyboard helpers)."""
        state = Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked
        self.targets.setData(self.targets.index(row), state, Qt.ItemDataRole.CheckStateRole)

    def text(self, row: int) -> str:
        return self.targets.options[row][1]

    def sizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        return QSize(super().sizeHint().width(), self._height())

    def minimumSizeHint(self) -> QSize:  # noqa: N802 (Qt API)
        # A scroll area's own minimum (about 70 px) is taller than one or two rows.
        return QSize(super().minimumSizeHint().width(), self._height())

    def _height(self) -> int:
        # Measured on demand, not when filled: the final font and style sheet apply only once
        # the window is polished.
        rows = min(LIST_ROWS, max(1, self.count()))
        return rows * max(1, self.sizeHintForRow(0)) + 2 * self.frameWidth()


class LinkEditor(QWidget):
    """Targets of one link kind: a combo with "—" for single links, a checkable list otherwise.

    Signals:
        targetsEdited(list): the chosen target annotation ids after a user edit.
    """

    targetsEdited = Signal(list)

    def __init__(self, kind: LinkKind, parent: QWidget | None = None):
        super().__init__(parent)
        self.kind = kind
        self._options: list[tuple[str, str]] = []
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        if kind.multiple:
            self.list = _TargetList(self, lambda: self.targetsEdited.emit(self.targets()))
            layout.addWidget(self.list)
            self.setFocusProxy(self.list)
        else:
            self.combo = ComboBox(self)
            self.combo.currentIndexChanged.connect(lambda _index: self.targetsEdited.emit(self.targets()))
            layout.addWidget(self.combo)
            self.setFocusProxy(self.combo)
        self.empty = QLabel(NO_TARGETS, self)
        self.empty.setStyleSheet("color: gray;")
        layout.addWidget(self.empty)
        self._show_options([])

    def set_options(self, options: list[tuple[str, str]], targets: Sequence[str]) -> None:
        """Offer ``options`` (annotation id, text) with ``targets`` chosen; emits nothing.

        Unchanged options are kept and only re-checked, so a refresh triggered by this editor's
        own signal never deletes the row that is emitting it; a span added or deleted in the
        document adds or removes its one row (a document may hold thousands)."""
        if options != self._options:
            self._show_options(list(options))
        if self.kind.multiple:
            ids = {target_id for target_id, _ in self._options}
            self.list.targets.set_checked({t for t in targets if t in ids})
        else:
            with blocked(self.combo):
                found = [i for t in targets if (i := self.combo.findData(t)) > 0]
                self.combo.setCurrentIndex(found[0] if found else 0)

    def targets(self) -> list[str]:
        if not self.kind.multiple:
            target = self.combo.currentData()
            return [target] if target else []
        checked = self.list.targets.checked
        return [target_id for target_id, _ in self._options if target_id in checked]

    def options(self) -> list[tuple[str, str]]:
        return list(self._options)

    def _show_options(self, options: list[tuple[str, str]]) -> None:
        self._options = options
        # Nothing to link to yet: say so instead of showing an empty box.
        self.empty.setVisible(not options)
        (self.list if self.kind.multiple else self.combo).setVisible(bool(options))
        if self.kind.multiple:
            self.list.targets.set_options(options)
            self.list.updateGeometry()
            return
        with blocked(self.combo):
            self.combo.clear()
            self.combo.addItem(EMPTY_CHOICE, None)
            for target_id, text in options:
                self.combo.addItem(text, target_id)


class _LayerPage(QWidget):
    """The field editors and link editors of one layer."""

    def __init__(self, layer: Layer, kinds: Sequence[LinkKind], parent: QWidget | None = None):
        super().__init__(parent)
        self.layer = layer
        form = QFormLayout(self)
        form.setContentsMargins(0, 0, 0, 0)
        _fit(form)
        self.editors: dict[str, FieldEditor] = {}
        for field in layer.fields:
            editor = make_editor(field, self)
            form.addRow(make_label(field, editor), editor)
            self.editors[field.id] = editor
        self.links: dict[str, LinkEditor] = {}
        for kind in kinds:
            editor = LinkEditor(kind, self)
            # The arrow marks a link; "←" points forward in right-to-left reading.
            label = Label(ar=f"← {kind.label.ar}", en=kind.label.en)
            form.addRow(form_label(label, required=kind.required, buddy=editor))
            form.addRow(editor)  # full width: the targets are quotes
            self.links[kind.id] = editor

    def attrs(self) -> dict[str, Any]:
        """The coder's values: proposed values still waiting for confirmation are not theirs yet."""
        return {field_id: value for field_id, editor in self.editors.items()
                if (value := editor.value()) is not None and not editor.is_proposed()}


class CodingForm(QWidget):
    """The form beside the article: the selected annotation's attributes and links, then the
    document-level fields, all generated from the codebook.

    Typed values (numbers, dates, text) are committed on Enter, on leaving the field, or by
    :meth:`commit`; call ``commit()`` before acting on the document from a shortcut or toolbar
    button (mark done, next document) so a value still being typed is not lost.

    Signals:
        attrsEdited(str, dict): annotation id and its FULL new attributes (every non-empty field
            of its layer). Not emitted while the attributes break one of the layer's checks
            (e.g. casualty low <= best <= high): the form shows the problem instead.
        linkTargetsEdited(str, str, list): annotation id, link kind, the new target ids.
        labelEdited(str, object): document field id and its new value (None when cleared).
        proposalDropped(str, str): annotation id and field: the coder set a proposed field
            themselves (emitted before the attrsEdited that stores it).
        finished(): Return in a typed field or Escape anywhere in the form: the coder is done
            here and the article should get the keyboard back.

    Proposed values (:meth:`show_annotation`'s ``proposals``) are shown in their editors, marked
    as proposed, and left out of ``attrsEdited`` until the coder sets that field.
    """

    attrsEdited = Signal(str, dict)
    linkTargetsEdited = Signal(str, str, list)
    labelEdited = Signal(str, object)
    proposalDropped = Signal(str, str)
    finished = Signal()

    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(parent)
        self.codebook = codebook
        self._annotation: Annotation | None = None
        # The link options last built, and what they were built from (see _link_options).
        self._option_source: tuple[str, list[Annotation]] | None = None
        self._option_lists: dict[str, list[tuple[str, str]]] = {}
        self._shown_page: QWidget | None = None
        self.setLayoutDirection(Qt.LayoutDirection.RightToLeft)  # the labels lead with Arabic

        content = QWidget()
        column = QVBoxLayout(content)

        span_box = QGroupBox("الوسم / Annotation", content)
        span_column = QVBoxLayout(span_box)
        self.header = QLabel(span_box)
        self.header.setTextFormat(Qt.TextFormat.PlainText)  # quotes are article text, never markup
        self.header.setWordWrap(True)
        self.header.setStyleSheet("font-weight: bold;")
        span_column.addWidget(self.header)
        self.proposal_note = QLabel(PROPOSAL_NOTE, span_box)
        self.proposal_note.setTextFormat(Qt.TextFormat.RichText)
        self.proposal_note.setWordWrap(True)
        self.proposal_note.setStyleSheet("background: #fff3cd; color: #5c3d00; border: 2px dashed #b7791f; padding: 4px;")
        self.proposal_note.hide()
        span_column.addWidget(self.proposal_note)
        self.pages = QStackedWidget(span_box)
        self.hint = QLabel(HINT, self.pages)
        self.hint.setWordWrap(True)
        self.hint.setAlignment(Qt.AlignmentFlag.AlignTop)
        self.hint.setStyleSheet("color: palette(mid); padding: 8px;")
        self.pages.addWidget(self.hint)
        self._pages: dict[str, _LayerPage] = {}
        for layer in codebook.layers:
            page = _LayerPage(layer, codebook.links_from(layer.id), self.pages)
            for field_id, editor in page.editors.items():
                editor.edited.connect(lambda _value, p=page, f=field_id: self._attrs_edited(p, f))
                editor.finished.connect(self.finished)
            for kind_id, link_editor in page.links.items():
                link_editor.targetsEdited.connect(lambda ids, k=kind_id: self._links_edited(k, ids))
            self.pages.addWidget(page)
            self._pages[layer.id] = page
        span_column.addWidget(self.pages)
        self.problem = QLabel(span_box)
        self.problem.setTextFormat(Qt.TextFormat.PlainText)
        self.problem.setWordWrap(True)
        self.problem.setStyleSheet("color: #c62828; font-weight: bold;")
        self.problem.hide()
        span_column.addWidget(self.problem)
        column.addWidget(span_box)

        document_box = QGroupBox("المقال / Document", content)
        document_column = QVBoxLayout(document_box)
        self.missing = QLabel(document_box)
        self.missing.setTextFormat(Qt.TextFormat.RichText)  # set_missing escapes the problems
        self.missing.setWordWrap(True)
        self.missing.setFrameShape(QFrame.Shape.StyledPanel)
        self.missing.setStyleSheet("background: #fff4d6; color: #6b4e00; border: 1px solid #e0b341; padding: 6px;")
        self.missing.hide()
        document_column.addWidget(self.missing)
        document_form = QFormLayout()
        _fit(document_form)
        document_column.addLayout(document_form)
        self.document_editors: dict[str, FieldEditor] = {}
        for field in codebook.document_fields:
            editor = make_editor(field, document_box)
            editor.edited.connect(lambda value, f=field.id: self.labelEdited.emit(f, value))
            editor.finished.connect(self.finished)
            document_form.addRow(make_label(field, editor), editor)
            self.document_editors[field.id] = editor
        column.addWidget(document_box)
        column.addStretch()

        self.scroll = QScrollArea(self)
        self.scroll.setWidgetResizable(True)
        # Never sideways: in a right-to-left panel that hides the editors' leading edge.
        self.scroll.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.scroll.setFrameShape(QFrame.Shape.NoFrame)
        self.scroll.setWidget(content)
        outer = QVBoxLayout(self)
        outer.setContentsMargins(0, 0, 0, 0)
        outer.addWidget(self.scroll)
        escape = QShortcut(QKeySequence(Qt.Key.Key_Escape), self)
        escape.setContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
        escape.activated.connect(self.finished)
        self.show_annotation(None, [], [])

    # -- showing ---------------------------------------------------------------------------------

    def show_annotation(self, ann: Annotation | None, candidates: Sequence[Annotation], links: Sequence[Link],
                        proposals: dict[str, Any] | None = None) -> None:
        """Show ``ann``'s fields and links (None: a hint instead). ``candidates`` are the coder's
        other annotations in this document, ``links`` the coder's links in it, ``proposals``
        values proposed for its empty fields (shown as proposed). Emits nothing about ``ann``;
        a value still being typed for the previously shown annotation is committed first
        (attrsEdited for that annotation)."""
        if self._annotation is not None:
            self._commit(self._pages[self._annotation.layer].editors.values())
        self._annotation = ann
        self.problem.hide()
        if ann is None:
            self.header.clear()
            self.header.hide()
            self.proposal_note.hide()
            self._show_page(self.hint)
            return
        page = self._pages[ann.layer]
        layer = page.layer
        self.header.setText(f"{layer.label.ar} / {layer.label.en}: «{_short(ann.quote)}»")
        self.header.show()
        proposals = proposals or {}
        for field_id, editor in page.editors.items():
            proposed = ann.attrs.get(field_id) is None and field_id in proposals
            editor.set_value(proposals[field_id] if proposed else ann.attrs.get(field_id))
            editor.set_proposed(proposed)
        self.proposal_note.setVisible(any(e.is_proposed() for e in page.editors.values()))
        options = self._link_options(ann, candidates, page)
        for kind_id, editor in page.links.items():
            targets = [link.to_id for link in links if link.from_id == ann.id and link.kind == kind_id]
            editor.set_options(options[kind_id], targets)
        self._show_page(page)

    def _link_options(self, ann: Annotation, candidates: Sequence[Annotation], page: _LayerPage) -> dict[str, list]:
        """(id, text) of the spans each link kind of ``ann``'s page may point to, in text order.

        Built again only when the candidates are not the very objects of the last call: an edit of
        the shown span's fields leaves the others untouched, and a document holds thousands."""
        source = self._option_source
        if source is None or source[0] != ann.id or len(source[1]) != len(candidates) \
                or not all(map(operator.is_, source[1], candidates)):
            self._option_source = (ann.id, list(candidates))
            self._option_lists = {}
        missing = [kind_id for kind_id in page.links if kind_id not in self._option_lists]
        if missing:
            ordered = sorted(candidates, key=lambda a: (a.start, a.end))
            names = {layer.id: layer.label.ar for layer in self.codebook.layers}
            for kind_id in missing:
                layers = page.links[kind_id].kind.to_layers
                self._option_lists[kind_id] = [(c.id, f"{_short(c.quote)} ({names[c.layer]})")
                                               for c in ordered if c.layer in layers and c.id != ann.id]
        return self._option_lists

    def show_labels(self, labels: dict[str, Any]) -> None:
        """Fill the document section (missing fields are cleared); emits nothing."""
        for field_id, editor in self.document_editors.items():
            editor.set_value(labels.get(field_id))

    def set_missing(self, problems: list[str]) -> None:
        """List what is still missing before the document can be marked done (empty: hide).

        The problems are English sentences quoting Arabic; each is its own left-to-right paragraph
        with every «quote» isolated right-to-left, so neither language reorders the other."""
        items = "".join(f"<li>{_isolate_quotes(p)}</li>" for p in problems)
        self.missing.setText(f"<p dir='rtl'>⚠ ناقص</p><p dir='ltr'><b>Missing:</b></p>"
                             f"<ul dir='ltr' style='margin-left: 12px; -qt-list-indent: 0;'>{items}</ul>")
        self.missing.setVisible(bool(problems))

    def focus_first_empty_required(self) -> bool:
        """Focus the first required field without a value (annotation first, then document)."""
        editors = list(self.document_editors.values())
        if self._annotation is not None:
            editors = list(self._pages[self._annotation.layer].editors.values()) + editors
        for editor in editors:
            if editor.field.required and editor.value() in (None, "", []):
                self.scroll.ensureWidgetVisible(editor)
                editor.setFocus(Qt.FocusReason.OtherFocusReason)
                return True
        return False

    def set_actor_completions(self, names: list[str]) -> None:
        """Completions for every text field with ``autocomplete: actors``."""
        for editor in self._all_editors():
            if isinstance(editor, TextEditor) and editor.field.autocomplete == "actors":
                editor.set_completions(names)

    def commit(self) -> None:
        """Emit any typed value not yet committed (see the class docstring)."""
        self._commit(self._all_editors())

    # -- access for the window and tests ---------------------------------------------------------

    def editor(self, field_id: str, layer: str | None = None) -> FieldEditor:
        """The editor of a layer's field, or of a document field when ``layer`` is None."""
        return self._pages[layer].editors[field_id] if layer else self.document_editors[field_id]

    def link_editor(self, layer: str, kind: str) -> LinkEditor:
        return self._pages[layer].links[kind]

    def current_annotation_id(self) -> str | None:
        return self._annotation.id if self._annotation else None

    # -- internals -------------------------------------------------------------------------------

    def _all_editors(self) -> list[FieldEditor]:
        editors = [e for page in self._pages.values() for e in page.editors.values()]
        return editors + list(self.document_editors.values())

    def _show_page(self, page: QWidget) -> None:
        if page is self._shown_page:
            return  # shown already: a refresh after an edit of the same span
        self._shown_page = page
        # A stacked widget is as tall as its tallest page; ignoring the hidden pages' sizes keeps
        # the annotation section as short as the page shown, with no gaps between rows.
        for index in range(self.pages.count()):
            widget = self.pages.widget(index)
            policy = QSizePolicy.Policy.Preferred if widget is page else QSizePolicy.Policy.Ignored
            widget.setSizePolicy(policy, policy)
        self.pages.setCurrentWidget(page)
        self.pages.adjustSize()

    @staticmethod
    def _commit(editors: Any) -> None:
        for editor in list(editors):
            editor.commit()

    def _attrs_edited(self, page: _LayerPage, field_id: str) -> None:
        if self._annotation is None or self._annotation.layer != page.layer.id:
            return  # a hidden page's editor (e.g. a commit racing a switch): nothing to save to
        editor = page.editors[field_id]
        if editor.is_proposed():  # the coder's own choice now, whatever was proposed
            editor.set_proposed(False)
            self.proposalDropped.emit(self._annotation.id, field_id)
            self.proposal_note.setVisible(any(e.is_proposed() for e in page.editors.values()))
        attrs = page.attrs()
        problems = self.codebook.attr_problems(page.layer.id, attrs)
        if problems:
            self.problem.setText("⚠ لم يُحفظ / Not saved:\n" + "\n".join(_isolate(p) for p in problems))
            self.problem.show()
            return
        self.problem.hide()
        self.attrsEdited.emit(self._annotation.id, attrs)

    def _links_edited(self, kind: str, ids: list[str]) -> None:
        if self._annotation is not None:
            self.linkTargetsEdited.emit(self._annotation.id, kind, ids)
