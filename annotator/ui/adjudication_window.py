"""The adjudication window: one document at a time, every coder's spans over the same
right-to-left article, the disagreements stepped through with the keyboard, gold decided in one
key each.

A thin face over :class:`annotator.gold.Adjudication` (Qt-free): every decision is one call, one
transaction, undoable; the widgets are then refreshed from the session. Three views of the text
(``V`` cycles): *merged* (every coder's spans, one colour per coder), *gold* (the gold spans in
layer colours, with their links), *side by side* (one column per coder, layer colours).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from PySide6.QtCore import QSettings, QSize, Qt
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QCheckBox, QHBoxLayout, QLabel, QMainWindow, QMessageBox, QSplitter,
                               QStackedWidget, QTabBar, QToolBar, QVBoxLayout, QWidget)

from annotator.arabic.words import snap_span
from annotator.gold import Adjudication, FieldItem, LinkItem, SpanItem
from annotator.gold.candidates import Item
from annotator.model import GoldAnnotation, GoldLink
from annotator.store import NotReadyError, Project, ProjectError
from annotator.ui.adjudication_view import (Comparison, ItemsTable, as_coder_colored, coder_layers, gold_as_annotation,
                                            gold_link_as_link, gold_values)
from annotator.ui.article_view import ArticleView
from annotator.ui.coding_form import CodingForm
from annotator.ui.document_list import DocumentList, DocumentListModel
from annotator.ui.fonts import arabic_families
from annotator.ui.plain_text import plain_tip
from annotator.ui.shortcuts_overlay import ShortcutsOverlay, action_rows

VIEWS = ("Merged · مدمج", "Gold · المعيار", "Side by side · متجاور")
MERGED, GOLD, SIDE = range(3)
MAX_CODER_KEYS = 9
FIRST_SIZE = QSize(1500, 900)


class AdjudicationWindow(QMainWindow):
    """One adjudicator on one project. ``adjudication`` holds the decisions."""

    def __init__(self, project: Project, adjudicator: str | None, *, settings: QSettings | None = None):
        super().__init__()
        self.project = project
        self.codebook = project.codebook
        self.adjudication = Adjudication(project, adjudicator)
        self.settings = settings or QSettings()
        self._item: str | None = None       # the current candidate item
        self._gold: str | None = None       # the gold span shown in the form
        self._span_quotes: dict[str, str] = {}
        self._gold_rows: list[GoldAnnotation] = []
        self._gold_links: list[GoldLink] = []
        self._moving_row = False
        self.setWindowTitle(f"annotator — adjudication — {adjudicator or 'unnamed'} — {project.path.name}")

        families = arabic_families()
        self.documents = DocumentList(self)
        self.merged = self._article(families)
        self.gold_view = self._article(families)
        self.side = QSplitter(Qt.Orientation.Horizontal, self)
        self.side_views: list[ArticleView] = []
        self.views = QStackedWidget(self)
        for widget in (self.merged, self.gold_view, self.side):
            self.views.addWidget(widget)
        self.view_tabs = QTabBar(self)
        for name in VIEWS:
            self.view_tabs.addTab(name)
        self.view_tabs.currentChanged.connect(self.set_view)
        self.legend = QLabel(self)
        self.legend.setTextFormat(Qt.TextFormat.RichText)
        self.items = ItemsTable(self.codebook, self)
        self.show_all = QCheckBox("Show decided and unanimous items · عرض الكل", self)
        self.show_all.toggled.connect(lambda _on: self._refresh())
        self.comparison = Comparison(self.codebook, self)
        self.form = CodingForm(self.codebook, self)
        self.form.setMinimumWidth(340)
        self.title = QLabel(self)
        self.title.setWordWrap(True)
        self.title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.title.setTextFormat(Qt.TextFormat.PlainText)
        self.title.setStyleSheet("font-size: 15pt; font-weight: bold; padding: 4px;")

        top = QHBoxLayout()
        top.addWidget(self.view_tabs)
        top.addWidget(self.legend, 1)
        center = QWidget(self)
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        column.addLayout(top)
        self.center_split = QSplitter(Qt.Orientation.Vertical, center)
        self.center_split.addWidget(self.views)
        below = QWidget(self)
        below_column = QVBoxLayout(below)
        below_column.setContentsMargins(0, 0, 0, 0)
        below_column.addWidget(self.show_all)
        below_column.addWidget(self.items)
        self.center_split.addWidget(below)
        self.center_split.setStretchFactor(0, 3)
        self.center_split.setStretchFactor(1, 2)
        column.addWidget(self.center_split)
        right = QSplitter(Qt.Orientation.Vertical, self)
        right.addWidget(self.comparison)
        right.addWidget(self.form)
        right.setStretchFactor(0, 1)
        right.setStretchFactor(1, 2)
        self.main_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_split.addWidget(self.documents)
        self.main_split.addWidget(center)
        self.main_split.addWidget(right)
        self.main_split.setChildrenCollapsible(False)
        self.main_split.setSizes([230, 720, 550])
        self.setCentralWidget(self.main_split)
        self.overlay = ShortcutsOverlay(self)
        self.progress_label = QLabel(self)
        self.statusBar().addPermanentWidget(self.progress_label)

        self._build_actions()
        self._connect()
        self._load_documents()
        self._fit_first()

    def _article(self, families: list[str]) -> ArticleView:
        view = ArticleView(self)
        view.set_font_families(families)
        view.annotationClicked.connect(self._annotation_clicked)
        return view

    # -- construction ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        bar = QToolBar("Adjudication", self)
        bar.setObjectName("adjudication")
        self.addToolBar(bar)
        add = self._action
        self.previous_action = add(bar, "Previous disagreement", ["Shift+N"], lambda: self.step(-1))
        self.next_action = add(bar, "Next disagreement", ["N"], lambda: self.step(1))
        bar.addSeparator()
        self.accept_actions = [add(None, f"Accept coder {n}'s version", [str(n)],
                                   lambda _=False, n=n: self.accept_coder(n)) for n in range(1, MAX_CODER_KEYS + 1)]
        self.reject_action = add(bar, "Reject", ["R"], self.reject)
        self.edges_action = add(bar, "Gold edges from selection", ["E"], self.edges_from_selection)
        self.retract_action = add(bar, "Retract gold span", ["Delete"], self.retract)
        self.new_actions = {layer.id: add(None, f"New gold {layer.label.en}", [f"Ctrl+{n}"] + (
            [layer.key.upper()] if layer.key else []), lambda _=False, lid=layer.id: self.new_span(lid))
            for n, layer in enumerate(self.codebook.layers, start=1)}
        self.unanimous_action = add(bar, "Accept all unanimous", ["Ctrl+U"], self.accept_unanimous)
        bar.addSeparator()
        self.undo_action = add(bar, "Undo", [QKeySequence.StandardKey.Undo], self.undo)
        self.redo_action = add(bar, "Redo", ["Ctrl+Shift+Z"], self.redo)
        bar.addSeparator()
        self.done_action = add(bar, "Mark gold done", ["Ctrl+Return"], self.mark_done)
        self.next_document_action = add(bar, "Next document", ["Ctrl+N"], self.next_document)
        self.view_action = add(bar, "Next view", ["V"], lambda: self.set_view((self.views.currentIndex() + 1) % 3))
        self.help_action = add(None, "Keyboard shortcuts", ["F1", "?"], self.show_shortcuts)
        self.close_action = add(None, "Close", ["Ctrl+W", "Ctrl+Q"], self.close)

    def _action(self, bar: QToolBar | None, text: str, keys: list[Any], slot: Callable[[], Any]) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(k) for k in keys])
        action.setToolTip(f"{text} ({action.shortcut().toString()})")
        action.triggered.connect(slot)
        (bar.addAction(action) if bar is not None else self.addAction(action))
        return action

    def _connect(self) -> None:
        self.documents.view.selectionModel().currentRowChanged.connect(self._document_chosen)
        self.items.selectionModel().currentRowChanged.connect(self._row_chosen)
        self.form.attrsEdited.connect(lambda gold_id, attrs: self._decide(self.adjudication.edit, gold_id, attrs=attrs))
        self.form.linkTargetsEdited.connect(
            lambda gold_id, kind, ids: self._decide(self.adjudication.set_link_targets, gold_id, kind, ids))
        self.form.labelEdited.connect(lambda field, value: self._decide(self.adjudication.set_label, field, value))
        self.form.finished.connect(lambda: self._current_view().setFocus())

    # -- documents -----------------------------------------------------------------------------------

    def _load_documents(self) -> None:
        ids = self.project.documents_finished_by(2)
        titles = self.project.document_titles(ids)
        self.documents.model.set_rows([(d, titles[d], self.project.gold_status(d)) for d in ids])
        if ids:
            self.open_document(ids[0])
        else:
            self.statusBar().showMessage("No document has been finished by two coders yet · لا مستندات مزدوجة", 0)
        self._show_progress()

    def _document_chosen(self, index: Any, _previous: Any = None) -> None:
        document_id = index.data(DocumentListModel.DocumentRole) if index.isValid() else None
        current = self.adjudication.document
        if document_id and (current is None or current.id != document_id):
            self.open_document(document_id)

    def open_document(self, document_id: str) -> bool:
        self.form.commit()
        try:
            document = self.adjudication.open(document_id)
        except ProjectError as exc:
            self._problem(str(exc))
            return False
        self.title.setText(document.title)
        coders = self.adjudication.coders
        merged = [as_coder_colored(a) for c in coders for a in self.adjudication.coder_annotations(c)]
        self.merged.set_document(document.text, merged, coder_layers(coders))
        self.gold_view.set_document(document.text, [], self.codebook.layers)
        self._build_side_views(document.text, coders)
        self.legend.setText(" ".join(
            f"<span style='background:{layer.color}; color:white; padding:1px 6px;'>"
            f"{layer.label.en}</span>" for layer in coder_layers(coders)))
        self.documents.select(document_id)
        self._item = self._gold = None
        self._refresh()
        self.step(1)
        return True

    def _build_side_views(self, text: str, coders: tuple[str, ...]) -> None:
        families = arabic_families()
        while len(self.side_views) < len(coders):
            self.side_views.append(self._article(families))
            self.side.addWidget(self.side_views[-1])
        for view, coder in zip(self.side_views, coders):
            view.show()
            view.set_document(text, self.adjudication.coder_annotations(coder), self.codebook.layers)
            view.set_links(self.adjudication.coder_links(coder), self.codebook.links)
            view.setToolTip("")
        for view in self.side_views[len(coders):]:
            view.hide()

    def next_document(self) -> None:
        statuses = self.documents.model.statuses()
        current = self.adjudication.document.id if self.adjudication.document else None
        ids = [d for d, _ in statuses]
        start = ids.index(current) + 1 if current in ids else 0
        for document_id, status in statuses[start:] + statuses[:start]:
            if status != "done" and document_id != current:
                self.open_document(document_id)
                return
        self.statusBar().showMessage("Every document's gold is done · اكتمل المعيار", 5000)

    # -- items ---------------------------------------------------------------------------------------

    def _shown_items(self) -> list[Item]:
        if self.show_all.isChecked():
            return self.adjudication.items()
        return self.adjudication.disagreements()

    def step(self, direction: int) -> None:
        """Go to the next (1) or previous (-1) open disagreement, in text order; fields first."""
        if self.adjudication.document is None:
            return
        open_items = [i.id for i in self.adjudication.disagreements()]
        if not open_items:
            self.select_item(None)
            self.statusBar().showMessage("No open disagreements in this document · لا خلافات", 5000)
            return
        if self._item in open_items:
            at = (open_items.index(self._item) + direction) % len(open_items)
        else:  # after a decision the item left the list: the next one in text order
            order = {item.id: n for n, item in enumerate(self.adjudication.items())}
            here = order.get(self._item, -1)
            later = [i for i in open_items if order[i] > here] if direction > 0 else \
                [i for i in open_items if order[i] < here]
            target = (later[0] if direction > 0 else later[-1]) if later else open_items[0 if direction > 0 else -1]
            at = open_items.index(target)
        self.select_item(open_items[at])

    def select_item(self, item_id: str | None) -> None:
        self._item = item_id
        item = self._current_item()
        self._gold = item.resolution.id if isinstance(item, SpanItem) and item.resolution is not None \
            and item.resolution.provenance.decision != "rejected" else None
        self._select_row(item_id if item is not None else None)
        self._show_item()

    def _select_row(self, item_id: str | None) -> None:
        """Move the list's selection without it calling back into select_item."""
        self._moving_row = True
        try:
            self.items.select(item_id)
        finally:
            self._moving_row = False

    def _row_chosen(self, index: Any, _previous: Any = None) -> None:
        if index.isValid() and not self._moving_row:
            self.select_item(self.items.current_id())

    def _current_item(self) -> Item | None:
        if self._item is None or self.adjudication.document is None:
            return None
        try:
            return self.adjudication.item(self._item)
        except ProjectError:
            return None

    def _annotation_clicked(self, annotation_id: str) -> None:
        """A click on a coder's span selects its item; on a gold span, that span."""
        candidates = self.adjudication.candidates
        item = candidates.span_item_of(annotation_id)
        if item is not None:
            self.select_item(item.id)
            return
        owner = next((s for s in candidates.spans if s.resolution is not None and s.resolution.id == annotation_id), None)
        if owner is not None:
            self.select_item(owner.id)
            return
        self._item, self._gold = None, annotation_id  # a gold span no coder marked (decision "new")
        self._show_item()

    # -- decisions -----------------------------------------------------------------------------------

    def accept_coder(self, number: int) -> None:
        coders = self.adjudication.coders
        item = self._current_item()
        if item is None or number > len(coders):
            self.statusBar().showMessage(f"No item selected, or no coder {number} here", 4000)
            return
        if self._decide(self.adjudication.accept, item.id, coders[number - 1]) is not None:
            self.step(1)

    def reject(self) -> None:
        item = self._current_item()
        if item is not None and self._decide(self.adjudication.reject, item.id) is not None:
            self.step(1)

    def retract(self) -> None:
        if self._gold is not None:
            self._decide(self.adjudication.retract, self._gold)

    def accept_unanimous(self) -> None:
        count = self._decide(self.adjudication.accept_all_unanimous)
        if count is not None:
            self.statusBar().showMessage(f"{count} unanimous items accepted · قُبل الإجماع", 6000)

    def _selection(self) -> tuple[int, int] | None:
        view = self._current_view()
        span = view.selected_span() if isinstance(view, ArticleView) else None
        if span is None or self.adjudication.document is None:
            return None
        start, end = snap_span(self.adjudication.document.text, *span)
        return (start, end) if end > start else None

    def new_span(self, layer: str) -> None:
        span = self._selection()
        if span is None:
            self.statusBar().showMessage("Select text first, then the layer's key · حدّد نصاً أولاً", 4000)
            return
        row = self._decide(self.adjudication.new, layer, *span)
        if row is not None:
            self._item, self._gold = None, row.id
            self._show_item()

    def edges_from_selection(self) -> None:
        span = self._selection()
        if self._gold is None or span is None:
            self.statusBar().showMessage("Select a gold span, then new text, then press E", 4000)
            return
        self._decide(self.adjudication.edit, self._gold, start=span[0], end=span[1])

    def mark_done(self) -> None:
        self.form.commit()
        try:
            self.adjudication.mark_done()
        except NotReadyError as exc:
            self.form.set_missing(exc.problems)
            self.statusBar().showMessage(f"Not done yet: {len(exc.problems)} items undecided", 8000)
            return
        except ProjectError as exc:
            self._problem(str(exc))
            return
        self.form.set_missing([])
        self._refresh()
        self.next_document()

    def undo(self) -> None:
        self._history(self.adjudication.undo)

    def redo(self) -> None:
        self._history(self.adjudication.redo)

    def _history(self, step: Callable[[], str | None]) -> None:
        self.form.commit()
        before = self.adjudication.document.id if self.adjudication.document else None
        try:
            document_id = step()
        except ProjectError as exc:
            self._problem(str(exc))
            return
        if document_id is not None and document_id != before:
            self.open_document(document_id)
        self._refresh()

    def _decide(self, method: Callable[..., Any], *args: Any, **kwargs: Any) -> Any:
        """One decision through the session; refusals in plain words; the widgets refreshed once."""
        try:
            result = method(*args, **kwargs)
        except ProjectError as exc:
            self.statusBar().showMessage(f"Not decided: {exc}", 8000)
            QApplication.beep()
            return None
        self._refresh()
        return result if result is not None else True

    # -- showing -------------------------------------------------------------------------------------

    def set_view(self, index: int) -> None:
        self.views.setCurrentIndex(index)
        if self.view_tabs.currentIndex() != index:
            self.view_tabs.setCurrentIndex(index)
        self._show_item()

    def _current_view(self) -> QWidget:
        widget = self.views.currentWidget()
        return self.side_views[0] if widget is self.side and self.side_views else widget

    def _refresh(self) -> None:
        """Show the session's state after a decision: gold spans, items, comparison, form, progress."""
        if self.adjudication.document is None:
            return
        adj = self.adjudication
        # Read once per decision; selecting items only shows them.
        self._gold_rows = adj.gold_annotations()
        self._gold_links = adj.gold_links()
        gold = [gold_as_annotation(g) for g in self._gold_rows]
        self.gold_view.set_annotations(gold)
        self.gold_view.set_links([gold_link_as_link(l) for l in self._gold_links], self.codebook.links)
        text = adj.document.text
        self._span_quotes = {s.id: " ".join(text[s.start:s.end].split()) for s in adj.candidates.spans}
        self.items.source.set_items(self._shown_items(), text, self._span_quotes)
        if self._gold is not None and all(g.id != self._gold for g in gold):
            self._gold = None
        item = self._current_item()
        if isinstance(item, SpanItem) and item.resolution is not None and \
                item.resolution.provenance.decision != "rejected":
            self._gold = item.resolution.id
        self._select_row(self._item if item is not None else None)
        self.form.show_labels({k: v.value for k, v in adj.gold_labels().items()})
        self.undo_action.setEnabled(adj.can_undo())
        self.redo_action.setEnabled(adj.can_redo())
        self.undo_action.setToolTip(plain_tip(f"Undo {adj.undo_text()} (Ctrl+Z)"))
        self.redo_action.setToolTip(plain_tip(f"Redo {adj.redo_text()} (Ctrl+Shift+Z)"))
        self.documents.model.set_status(adj.document.id, adj.status)
        self._show_item()
        self._show_progress()

    def _show_item(self) -> None:
        adj = self.adjudication
        if adj.document is None:
            return
        item = self._current_item()
        versions = item.versions if isinstance(item, SpanItem) else {}
        first = next((a.id for a in versions.values() if a is not None), None)
        self.merged.set_current(first)
        for view, coder in zip(self.side_views, adj.coders):
            version = versions.get(coder)
            view.set_current(version.id if version is not None else None)
        self.gold_view.set_current(self._gold)
        self.comparison.show_item(item, adj.coders, self._gold_column(item), self._span_quotes)
        gold = [gold_as_annotation(g) for g in self._gold_rows]
        current = next((g for g in gold if g.id == self._gold), None)
        others = [g for g in gold if current is None or g.id != current.id]
        self.form.show_annotation(current, others, [gold_link_as_link(l) for l in self._gold_links])

    def _gold_column(self, item: Item | None) -> dict[str, str] | None:
        if item is None:
            return None
        adj = self.adjudication
        link_quotes: dict[tuple[str, str], list[str]] = {}
        if isinstance(item, LinkItem):
            by_gold = {s.resolution.id: s.id for s in adj.candidates.spans if s.resolution is not None}
            quotes = {g.id: g.quote for g in self._gold_rows}
            for link in self._gold_links:
                if link.kind == item.kind and by_gold.get(link.from_id) == item.from_item:
                    link_quotes.setdefault((item.from_item, item.kind), []).append(quotes.get(link.to_id, ""))
        labels = {k: v.value for k, v in adj.gold_labels().items()} if isinstance(item, FieldItem) else {}
        return gold_values(item, self.codebook, labels, link_quotes)

    def _show_progress(self) -> None:
        whole = self.adjudication.project_progress()
        parts = [f"Project: {whole.done} of {whole.documents} documents done"]
        if self.adjudication.document is not None:
            here = self.adjudication.progress()
            parts.insert(0, f"This document: {here.resolved} of {here.items} items decided, "
                            f"{here.disagreements} disagreements and {here.unanimous_open} unanimous open"
                            + (f", {here.flags} flagged edits" if here.flags else ""))
        self.progress_label.setText(" · ".join(parts))

    def show_shortcuts(self) -> None:
        self.overlay.show_rows(action_rows(self.findChildren(QAction)))

    def _problem(self, message: str) -> None:
        self.statusBar().showMessage(message, 15000)
        QMessageBox.warning(self, "annotator", message)

    def _fit_first(self) -> None:
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is not None:
            self.resize(FIRST_SIZE.boundedTo(screen.availableGeometry().size()))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.form.commit()
        event.accept()
