"""The coder's main window: document list, article view, coding form and annotations table.

A thin face over :class:`annotator.session.CodingSession`: every edit goes through the session
(which commits it at once), and the widgets are refreshed from the session's mirror.
"""

from __future__ import annotations

import time
from typing import Any

from PySide6.QtCore import QByteArray, QRect, QSettings, QSize, Qt, QTimer
from PySide6.QtGui import QAction, QCloseEvent, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (QApplication, QLabel, QMainWindow, QMessageBox, QSplitter, QToolBar, QVBoxLayout,
                               QWidget)

from annotator.arabic.words import snap_span
from annotator.gazetteer import Gazetteer
from annotator.model import Annotation
from annotator.session import CodingSession
from annotator.store import DatabaseWriteError, NotReadyError, Project, ProjectError
from annotator.store.backup import BackgroundBackups
from annotator.suggest import Suggester, Suggestion, propose_attrs, untaken
from annotator.ui.annotations_table import AnnotationsTable
from annotator.ui.article_view import ArticleView
from annotator.ui.coding_form import CodingForm
from annotator.ui.document_list import DocumentList, DocumentListModel
from annotator.ui.fonts import arabic_families
from annotator.ui.plain_text import plain_tip
from annotator.ui.shortcuts_overlay import ShortcutsOverlay, action_rows

RETRY_MS = 2000
WATCH_MS = 1500  # how often to look for other programs' changes to the project file (imports, assignments)
BACKUP_CHECK_MS = 60_000  # how often to ask whether a backup is due (one every EVERY_MINUTES)
FIRST_SIZE = QSize(1400, 860)
FIRST_SHARE = 0.85  # of a screen larger than FIRST_SIZE
# Keys that are not window actions, for the keyboard overlay.
EXTRA_KEYS = [
    ("Double-click", "Select a word (quotes and punctuation trimmed)"),
    ("Click / click again", "Select a span / the next span around it"),
    ("Escape / Return", "Back to the article from a form field"),
    ("Ctrl+= / Ctrl+- / Ctrl+0", "Zoom the article in / out / reset"),
    ("Ctrl+F, Enter, Shift+Enter", "Find in the article, next / previous hit"),
]


class MainWindow(QMainWindow):
    """One coder on one project. ``session`` holds the edits; the window shows and drives them."""

    def __init__(self, project: Project, coder: str, *, settings: QSettings | None = None):
        super().__init__()
        self.project = project
        self.coder = coder
        self.session = CodingSession(project, coder)
        self.codebook = project.codebook
        self.settings = settings or QSettings()
        self._current: str | None = None  # the selected annotation id
        self._selection: tuple[int, int] | None = None
        self._last_layer = self.codebook.layers[0].id
        self._suggestions: list[Suggestion] = []
        self._suggestion: str | None = None  # the suggestion the coder is looking at
        self._suggestions_wanted: dict[str, bool] = {}  # per document, when the coder toggled
        # (span version, suggestions, the open ones): see _open_suggestions
        self._open_cache: tuple[int, list[Suggestion], list[Suggestion]] | None = None
        self.setWindowTitle(f"annotator — {coder} — {project.path.name}")

        self.documents = DocumentList(self)
        self.article = ArticleView(self)
        self.article.set_font_families(arabic_families())
        self.form = CodingForm(self.codebook, self)
        try:
            self.gazetteer: Gazetteer | None = Gazetteer.load()
        except (OSError, ValueError) as exc:  # a broken actors.yaml costs autocomplete, not the window
            self.gazetteer = None
            self.statusBar().showMessage(f"Actor list not loaded: {exc}", 15000)
        self.suggester = Suggester(self.gazetteer) if self.gazetteer else None
        if self.gazetteer:
            self.form.set_actor_completions(sorted({a.name_en for a in self.gazetteer.actors}))
        self.table = AnnotationsTable(self.codebook, self)
        self.title = QLabel(self)
        self.title.setAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        self.title.setTextFormat(Qt.TextFormat.PlainText)  # titles are data, never markup
        self.title.setStyleSheet("font-size: 16pt; font-weight: bold; padding: 4px;")
        self.title.setLayoutDirection(Qt.LayoutDirection.RightToLeft)
        # Wrapped, never wider than the article: an unwrapped long title once made the window
        # wider than the screen.
        self.title.setWordWrap(True)

        center = QWidget(self)
        column = QVBoxLayout(center)
        column.setContentsMargins(0, 0, 0, 0)
        column.addWidget(self.title)
        self.center_split = QSplitter(Qt.Orientation.Vertical, center)
        self.center_split.addWidget(self.article)
        self.center_split.addWidget(self.table)
        self.center_split.setStretchFactor(0, 4)
        self.center_split.setStretchFactor(1, 1)
        column.addWidget(self.center_split)
        self.main_split = QSplitter(Qt.Orientation.Horizontal, self)
        self.main_split.addWidget(self.documents)
        self.main_split.addWidget(center)
        self.main_split.addWidget(self.form)
        self.form.setMinimumWidth(340)
        self.main_split.setSizes([280, 720, 420])
        self.main_split.setChildrenCollapsible(False)
        self.setCentralWidget(self.main_split)
        self.overlay = ShortcutsOverlay(self)

        self.progress = QLabel(self)
        self.save_state = QLabel(self)
        self.statusBar().addPermanentWidget(self.save_state)
        self.statusBar().addPermanentWidget(self.progress)
        self._retry = QTimer(self)
        self._retry.setInterval(RETRY_MS)
        self._retry.timeout.connect(self._flush)
        self._data_version = project.data_version()
        self._watch = QTimer(self)
        self._watch.setInterval(WATCH_MS)
        self._watch.timeout.connect(self.refresh_from_project)
        self._watch.start()
        self.backups = BackgroundBackups(project)
        self._backup = QTimer(self)
        self._backup.setInterval(BACKUP_CHECK_MS)
        self._backup.timeout.connect(self.backup)
        self._backup.start()
        if project.backup_problem:
            self.statusBar().showMessage(project.backup_problem, 15000)

        self._build_actions()
        self._connect()
        self._load_documents()
        self._restore()

    # -- construction ------------------------------------------------------------------------------

    def _build_actions(self) -> None:
        bar = QToolBar("Layers", self)
        bar.setObjectName("layers")
        self.addToolBar(bar)
        self.layer_actions: dict[str, QAction] = {}
        for number, layer in enumerate(self.codebook.layers, start=1):
            keys = [QKeySequence(str(number))] + ([QKeySequence(layer.key)] if layer.key else [])
            action = QAction(f"{number} {layer.label.en} · {layer.label.ar}", self)
            action.setShortcuts(keys)
            action.setToolTip(f"Tag the selection as {layer.label.en} ({', '.join(k.toString() for k in keys)})")
            action.triggered.connect(lambda _=False, lid=layer.id: self.tag_selection(lid))
            bar.addAction(action)
            self.layer_actions[layer.id] = action
        self.repeat_action = self._action(bar, "Same layer again", "T", lambda: self.tag_selection(self._last_layer))
        bar.addSeparator()
        self.snap_action = self._action(bar, "Snap to words", "W", None, checkable=True)
        self.snap_action.setChecked(True)
        self.snap_action.toggled.connect(lambda on: setattr(self.article, "snap_enabled", on))
        self.edges_action = self._action(bar, "Edges from selection", "E", self.edges_from_selection)
        self.delete_action = self._action(bar, "Delete span", QKeySequence.StandardKey.Delete, self.delete_current)
        self.accept_proposals_action = self._action(bar, "Accept proposed values", "P", self.accept_proposals)
        self.fill_action = self._action(None, "Go to the first empty field", "F",
                                        lambda: self.form.focus_first_empty_required())
        bar.addSeparator()
        self.undo_action = self._action(bar, "Undo", QKeySequence.StandardKey.Undo, self.undo)
        self.redo_action = self._action(bar, "Redo", "Ctrl+Shift+Z", self.redo)
        bar.addSeparator()
        self.done_action = self._action(bar, "Mark done", "Ctrl+Return", self.mark_done)
        self.skip_action = self._action(bar, "Skip", "Ctrl+Shift+K", self.skip_document)
        self.next_action = self._action(bar, "Next unfinished", "Ctrl+N", self.next_unfinished)
        bar.addSeparator()
        self.suggest_action = self._action(bar, "Suggestions", "Ctrl+G", self._toggle_suggestions, checkable=True)
        self.suggest_action.setEnabled(self.suggester is not None)
        bar.addSeparator()
        self.agreement_action = self._action(bar, "Agreement…", "Ctrl+Shift+A", self.show_agreement)
        self.adjudicate_action = self._action(None, "Adjudicate…", "Ctrl+Shift+J", self.show_adjudication)
        self.team_action = self._action(None, "Team…", "Ctrl+Shift+T", self.show_team)
        # Not on the toolbar: known keys everywhere, listed in the overlay.
        self.help_action = self._action(None, "Keyboard shortcuts", "F1", self.show_shortcuts)
        self.help_action.setShortcuts([QKeySequence("F1"), QKeySequence("?")])
        self.quit_action = self._action(None, "Quit", QKeySequence.StandardKey.Quit, self.close)
        self.quit_action.setShortcuts([QKeySequence("Ctrl+Q")])
        # Ctrl+F finds in the article wherever the focus is (the form, the document list).
        self.article.find_shortcut.setContext(Qt.ShortcutContext.WindowShortcut)
        menus = self.menuBar()
        menus.addMenu("&File").addAction(self.quit_action)
        lead = menus.addMenu("&Lead")
        lead.addAction(self.agreement_action)
        lead.addAction(self.adjudicate_action)
        lead.addAction(self.team_action)
        menus.addMenu("&Help").addAction(self.help_action)
        # These keys belong to the article: in the form, Return and Backspace must edit fields.
        for text, key, slot in (("Accept suggestion", "Return", self.accept_suggestion),
                                ("Dismiss suggestion", "Backspace", self.dismiss_suggestion),
                                ("Next suggestion", "F2", self.next_suggestion)):
            action = QAction(text, self.article)
            action.setShortcut(QKeySequence(key))
            action.setShortcutContext(Qt.ShortcutContext.WidgetWithChildrenShortcut)
            action.triggered.connect(slot)
            self.article.addAction(action)
        # Single-key shortcuts stay out of the way while typing: line edits claim printable keys
        # through Qt's ShortcutOverride before any window shortcut sees them.

    def _action(self, bar: QToolBar | None, text: str, key: Any, slot: Any, *, checkable: bool = False) -> QAction:
        action = QAction(text, self)
        action.setShortcut(QKeySequence(key) if not isinstance(key, QKeySequence) else key)
        action.setToolTip(f"{text} ({action.shortcut().toString()})")
        action.setCheckable(checkable)
        if slot is not None:
            action.triggered.connect(slot)
        if bar is not None:
            bar.addAction(action)
        else:
            self.addAction(action)
        return action

    def _connect(self) -> None:
        self.documents.view.selectionModel().currentRowChanged.connect(self._document_chosen)
        self.article.selectionChangedSpan.connect(self._selection_changed)
        self.article.annotationClicked.connect(self.select_annotation)
        self.article.suggestionClicked.connect(self._suggestion_chosen)
        self.table.selectionModel().currentRowChanged.connect(
            lambda index, _prev: self.select_annotation(self.table.current_id()) if index.isValid() else None)
        self.form.attrsEdited.connect(lambda ann_id, attrs: self._edit(self.session.update, ann_id, attrs=attrs))
        self.form.linkTargetsEdited.connect(lambda ann_id, kind, ids: self._edit(self.session.set_links, ann_id, kind, ids))
        self.form.labelEdited.connect(lambda field, value: self._edit(self.session.set_label, field, value))
        self.form.proposalDropped.connect(self.session.discard_proposal)
        self.form.finished.connect(self.focus_article)

    # -- documents -----------------------------------------------------------------------------------

    def _load_documents(self) -> None:
        self.documents.model.set_rows(self.project.assignment_list(self.coder))
        self._update_progress()

    def _document_chosen(self, index: Any, _previous: Any = None) -> None:
        document_id = index.data(DocumentListModel.DocumentRole) if index.isValid() else None
        if document_id and (self.session.document is None or self.session.document.id != document_id):
            self.open_document(document_id)

    def open_document(self, document_id: str) -> bool:
        self.form.commit()  # a typed value not yet confirmed belongs to the document being left
        try:
            document = self.session.open(document_id)
        except ProjectError as exc:
            self._problem(str(exc))
            if self.session.document is not None:
                self.documents.select(self.session.document.id)
            return False
        self._current = None
        self._selection = None
        self._suggestion = None
        self._load_suggestions()
        self._show_document()
        self.documents.select(document_id)
        self._refresh()
        self.settings.setValue(self._key("document"), document_id)
        return True

    def _show_document(self) -> None:
        """The session's document in the title and the article, with its spans and suggestions."""
        document, annotations = self.session.document, self.session.annotations
        self.title.setText(document.title)
        self.article.set_document(document.text, annotations, self.codebook.layers,
                                  [(x.id, x.start, x.end, x.layer) for x in self._open_suggestions(annotations)])

    def next_unfinished(self) -> None:
        self.form.commit()
        current = self.session.document.id if self.session.document else None
        document_id = self.documents.model.next_unfinished(current)
        if document_id is not None:
            self.open_document(document_id)
            return
        self.statusBar().showMessage("No unfinished documents left · لا توجد مستندات متبقية", 5000)

    def mark_done(self) -> None:
        self.form.commit()
        document = self.session.document
        if document is None or not self._flush():
            return
        try:
            self.session.mark_done()
        except NotReadyError as exc:
            self.form.set_missing(exc.problems)
            self.statusBar().showMessage(f"Not done yet: {len(exc.problems)} items missing (see the form)", 8000)
            return
        except ProjectError as exc:
            self._problem(str(exc))
            return
        self.form.set_missing([])
        self.documents.model.set_status(document.id, "done")
        self._update_progress()
        self.next_unfinished()

    def skip_document(self) -> None:
        self.form.commit()
        document = self.session.document
        if document is None:
            return
        try:
            self.project.set_status(self.coder, document.id, "skipped")
        except ProjectError as exc:
            self._problem(str(exc))
            return
        self.documents.model.set_status(document.id, "skipped")
        self._update_progress()
        self.next_unfinished()

    # -- spans ---------------------------------------------------------------------------------------

    def _selection_changed(self, start: int, end: int) -> None:
        self._selection = (start, end) if end > start else None

    def _selected_span(self) -> tuple[int, int] | None:
        if self._selection is None or self.session.document is None:
            return None
        start, end = self._selection
        if self.snap_action.isChecked():
            start, end = snap_span(self.session.document.text, start, end)
        return (start, end) if end > start else None

    def tag_selection(self, layer: str) -> None:
        span = self._selected_span()
        if span is None:
            self.statusBar().showMessage("Select text first, then press a layer key · حدّد نصاً أولاً", 4000)
            return
        if layer != self._last_layer:  # QSettings writes its file after every change
            self._last_layer = layer
            self.settings.setValue(self._key("layer"), layer)
        ann = self._edit(self.session.create, layer, *span, select_created=True)
        if ann is not None:
            self._selection = None
            # The article keeps the keys: P takes the proposals, Ctrl+Z undoes the span, the next
            # layer key tags the next selection; F goes to the first empty field when wanted.
            self._propose(ann)

    def _propose(self, ann: Annotation) -> None:
        """Propose field values from the span's text; shown as proposed, stored only when accepted."""
        proposal = self.session.propose(ann.id, propose_attrs(self.codebook.layer(ann.layer), ann.quote,
                                                               self.gazetteer))
        if proposal:
            self._show_form()
            shown = ", ".join(f"{k} {v}" for k, v in proposal.items())
            self.statusBar().showMessage(f"Proposed from the text: {shown} — P accepts them all, or change "
                                         "what is wrong · مقترح من النص", 10000)

    def accept_proposals(self) -> None:
        """Store every proposed value of the selected span (one undoable edit)."""
        if self._current is None or not self.session.proposals(self._current):
            self.statusBar().showMessage("No proposed values on this span · لا قيم مقترحة", 4000)
            return
        self._edit(self.session.accept_proposals, self._current)

    def focus_article(self) -> None:
        """Give the article the keyboard (layer keys, Ctrl+F, suggestion keys act there)."""
        self.form.commit()
        self.article.setFocus(Qt.FocusReason.ShortcutFocusReason)

    def show_shortcuts(self) -> None:
        self.overlay.show_rows(action_rows(self.findChildren(QAction)) + EXTRA_KEYS)

    def edges_from_selection(self) -> None:
        span = self._selected_span()
        if self._current is None or span is None:
            self.statusBar().showMessage("Select a span, then new text, then press E", 4000)
            return
        self._edit(self.session.update, self._current, start=span[0], end=span[1])

    def delete_current(self) -> None:
        if self._current is not None:
            gone = self._current
            self._current = None
            if self._edit(self.session.delete, gone) is None and self.session.document is not None:
                self._refresh()

    def select_annotation(self, annotation_id: str | None) -> None:
        if annotation_id == self._current:
            return
        self._current = annotation_id
        self.article.set_current(annotation_id)
        self.table.select(annotation_id)
        self._show_form()

    def show_agreement(self) -> None:
        """The lead's view: agreement between the project's coders, with the full report a click away."""
        from annotator.ui.agreement_dialog import AgreementDialog

        AgreementDialog(self.project, self).exec()

    def show_team(self) -> None:
        """The lead's view of the team: progress per coder, and assignment with overlap."""
        from annotator.ui.team_dialog import TeamDialog

        TeamDialog(self.project, self).exec()

    def show_adjudication(self) -> None:
        """The adjudicator's view, in its own window, on the same project."""
        if self.project.coder_role(self.coder) != "adjudicator":
            self._problem(f"Adjudication is for adjudicators; {self.coder!r} is a coder. A lead adds one with "
                          "`annotator add-coder NAME --role adjudicator`.")
            return
        from annotator.ui.adjudication_window import AdjudicationWindow

        self.form.commit()
        self.adjudication_window = AdjudicationWindow(self.project, self.coder, settings=self.settings)
        self.adjudication_window.show()

    # -- suggestions -----------------------------------------------------------------------------------

    def _load_suggestions(self) -> None:
        document = self.session.document
        self._suggestions = []
        in_sample = len(self.project.coders_of(document.id)) >= 2
        # Off by default in the reliability sample: suggestions would anchor the coders compared.
        wanted = self._suggestions_wanted.get(document.id, not in_sample)
        self.suggest_action.setChecked(wanted and self.suggester is not None)
        if wanted and self.suggester is not None:
            dismissed = self.project.dismissed_suggestions(self.coder, document.id)
            self._suggestions = [x for x in self.suggester.suggest(document.text) if x.id not in dismissed]

    def _open_suggestions(self, annotations: list[Annotation] | None = None) -> list[Suggestion]:
        """Suggestions not yet taken: no own span of the same layer overlaps them (``annotations``:
        the session's, when the caller has them already)."""
        if not self._suggestions:
            return []
        cached = self._open_cache
        if cached is not None and cached[0] == self.session.span_version and cached[1] is self._suggestions:
            return cached[2]  # fields were edited since: the same suggestions are open
        found = untaken(self._suggestions, self.session.annotations if annotations is None else annotations)
        self._open_cache = (self.session.span_version, self._suggestions, found)
        return found

    def _toggle_suggestions(self) -> None:
        if self.session.document is None:
            return
        self._suggestions_wanted[self.session.document.id] = self.suggest_action.isChecked()
        self._suggestion = None
        self._load_suggestions()
        self._refresh()

    def _suggestion_chosen(self, suggestion_id: str) -> None:
        found = next((x for x in self._open_suggestions() if x.id == suggestion_id), None)
        if found is None:
            return
        self._suggestion = found.id
        self.article.select_span(found.start, found.end)
        layer = self.codebook.layer(found.layer)
        self.statusBar().showMessage(f"Suggested {layer.label.en} · {layer.label.ar} ({found.reason}) — "
                                     "Return accepts, Backspace dismisses, F2 next", 10000)

    def next_suggestion(self) -> None:
        remaining = self._open_suggestions()
        if not remaining:
            self.statusBar().showMessage("No suggestions left · لا اقتراحات", 4000)
            return
        ids = [x.id for x in remaining]
        at = ids.index(self._suggestion) + 1 if self._suggestion in ids else 0
        self._suggestion_chosen(ids[at % len(ids)])

    def accept_suggestion(self) -> None:
        found = next((x for x in self._open_suggestions() if x.id == self._suggestion), None)
        if found is None:
            return
        self._suggestion = None
        self._edit(self.session.create, found.layer, found.start, found.end, found.attrs,
                   suggested_by=found.reason, select_created=True)

    def dismiss_suggestion(self) -> None:
        found = next((x for x in self._open_suggestions() if x.id == self._suggestion), None)
        if found is None or self.session.document is None:
            return
        try:
            self.project.dismiss_suggestion(self.coder, self.session.document.id, found.id, found.reason)
        except ProjectError as exc:
            self._problem(str(exc))
            return
        self._suggestions = [x for x in self._suggestions if x.id != found.id]
        self._suggestion = None
        self._refresh()

    # -- editing -------------------------------------------------------------------------------------

    def _edit(self, method: Any, *args: Any, select_created: bool = False, **kwargs: Any) -> Any:
        """Run one session edit; show refusals in plain words; refresh the widgets once.

        ``select_created``: the edit returns a new annotation, which becomes the current one.
        """
        try:
            result = method(*args, **kwargs)
        except DatabaseWriteError as exc:
            self._problem(str(exc))
            return None
        except (ProjectError, KeyError, ValueError) as exc:
            self.statusBar().showMessage(f"Not changed: {exc}", 8000)
            QApplication.beep()
            self._show_form()
            return None
        if select_created:
            self._current = result.id
        self._forget_gone_current()  # refused: the span may be gone (deleted in another window)
        self._refresh()
        return result if result is not None else True

    def undo(self) -> None:
        self._history(self.session.undo)

    def redo(self) -> None:
        self._history(self.session.redo)

    def _history(self, step: Any) -> None:
        self.form.commit()
        before = self.session.document.id if self.session.document else None
        try:
            document_id = step()
        except ProjectError as exc:
            self._problem(str(exc))
            return
        if document_id is None:
            return
        if document_id != before:
            self._show_document()
            self.documents.select(document_id)
        self._forget_gone_current()
        self._refresh()

    def _forget_gone_current(self) -> None:
        if self._current is not None and self._shown(self._current) is None:
            self._current = None

    def _shown(self, annotation_id: str) -> Annotation | None:
        """The open document's annotation with this id, or None (gone, or another document's)."""
        try:
            return self.session.annotation(annotation_id)
        except ProjectError:
            return None

    def _refresh(self) -> None:
        """Show the session's state: highlights, table, form, undo texts, save state."""
        annotations = self.session.annotations
        self.article.set_suggestions([(x.id, x.start, x.end, x.layer) for x in self._open_suggestions(annotations)])
        self.article.set_annotations(annotations, current=self._current)
        self.article.set_links(self.session.links, self.codebook.links)
        self.table.source.set_annotations(annotations)
        self.table.select(self._current)
        self._show_form(annotations)
        self.form.show_labels(self.session.labels)
        self.undo_action.setEnabled(self.session.can_undo())
        self.redo_action.setEnabled(self.session.can_redo())
        self.undo_action.setToolTip(plain_tip(f"Undo {self.session.undo_text()} (Ctrl+Z)"))
        self.redo_action.setToolTip(plain_tip(f"Redo {self.session.redo_text()} (Ctrl+Shift+Z)"))
        if self.session.document is not None:
            status = self.project.assignment(self.coder, self.session.document.id).status \
                if self.session.saved else None
            if status:
                self.documents.model.set_status(self.session.document.id, status)
        self._show_save_state()
        self._update_progress()

    def _show_form(self, annotations: list[Annotation] | None = None) -> None:
        """The current span's page (and the others as link targets); ``annotations``: the
        session's, when the caller has them already."""
        current = self._shown(self._current) if self._current is not None else None
        if current is None:
            self.form.show_annotation(None, [], self.session.links)
            return
        annotations = self.session.annotations if annotations is None else annotations
        others = [a for a in annotations if a.id != current.id]
        self.form.show_annotation(current, others, self.session.links, self.session.proposals(current.id))

    def _flush(self) -> bool:
        saved = self.session.flush()
        if self.session.refused:  # the article shows the stored rows again
            self._forget_gone_current()
            self._refresh()
        else:
            self._show_save_state()
        return saved

    def _show_save_state(self) -> None:
        """Saved, not saved (retrying), or saved with edits refused because another window or
        process of this coder changed the same rows first: those are named, and stay named in the
        label's tooltip until the next edit."""
        refused = self.session.take_refused()
        said = "; ".join(str(r) for r in refused)
        if refused:
            self.statusBar().showMessage(f"Changed in another window · تغيّر في نافذة أخرى — {said}", 30000)
            QApplication.beep()
        if self.session.saved and refused:
            self._retry.stop()
            self._save_style("color: black; background: #f2b01e; padding: 2px 6px;")
            self.save_state.setText(f"{len(refused)} edit{'s' if len(refused) > 1 else ''} NOT SAVED — changed in "
                                    "another window (see the tooltip) · لم يُحفظ")
            self.save_state.setToolTip(plain_tip(said))
        elif self.session.saved:
            self._retry.stop()
            self._save_style("color: #1b7f3b;")
            self.save_state.setText(f"Saved {time.strftime('%H:%M:%S')} · حُفظ")
            self.save_state.setToolTip("")
        else:
            self._retry.start()
            self._save_style("color: white; background: #b00020; padding: 2px 6px;")
            self.save_state.setText(f"NOT SAVED ({len(self.session.pending)} edits) — retrying · لم يُحفظ")
            self.save_state.setToolTip(plain_tip("\n".join(filter(None, [self.session.last_error, said]))))

    def _save_style(self, sheet: str) -> None:
        if self.save_state.styleSheet() != sheet:  # restyling costs even when nothing changes
            self.save_state.setStyleSheet(sheet)

    def _update_progress(self) -> None:
        done, total = self.documents.model.count("done"), self.documents.model.rowCount()
        self.progress.setText(f"{done} of {total} done · أُنجز {done} من {total}")

    def _problem(self, message: str) -> None:
        self._show_save_state()
        self.statusBar().showMessage(message, 15000)
        QMessageBox.warning(self, "annotator", message)

    # -- outside changes -------------------------------------------------------------------------------

    def refresh_from_project(self) -> bool:
        """Show documents imported and assignments changed by other programs since the last look.

        Polls SQLite's data_version (it changes only when another connection commits), so an idle
        window costs one cheap pragma per period. Returns True when something was refreshed.
        """
        try:
            version = self.project.data_version()
        except ProjectError:
            return False  # a locked or vanished file: the save state already says what is wrong
        if version == self._data_version:
            return False
        self._data_version = version
        before = self.documents.model.statuses()
        self._load_documents()
        current = self.session.document.id if self.session.document else None
        ids = [d for d, _ in self.documents.model.statuses()]
        if current in ids:
            self.documents.select(current)
        elif ids and current is None:
            self.open_document(ids[0])
        added = len(ids) - len(before)
        if added > 0:
            self.statusBar().showMessage(f"{added} new documents assigned to you · مستندات جديدة", 8000)
        return True

    def backup(self) -> None:
        """Start a backup when one is due (in a thread); a failed one is shown, never raised."""
        self.backups.tick()
        if self.backups.problem:
            self.statusBar().showMessage(self.backups.problem, 15000)

    # -- state across runs ---------------------------------------------------------------------------

    def fit_to_screen(self, *, first: bool) -> None:
        """Keep the window inside the screen's available area (down to 1366 x 768); the first
        window takes FIRST_SHARE of a large screen, at least FIRST_SIZE, at most the whole area."""
        screen = self.screen() or QGuiApplication.primaryScreen()
        if screen is None:
            return
        area: QRect = screen.availableGeometry()
        frame = self.frameGeometry().size() - self.geometry().size()  # title bar and borders
        room = QSize(area.width() - frame.width(), area.height() - frame.height())
        # A big screen gets most of it; a small one all of it.
        first_size = FIRST_SIZE.expandedTo(room * FIRST_SHARE).boundedTo(room)
        size = first_size if first else self.size().boundedTo(room)
        self.resize(size)
        if first or not area.contains(self.frameGeometry()):
            self.move(area.left() + (area.width() - self.frameGeometry().width()) // 2,
                      area.top() + (area.height() - self.frameGeometry().height()) // 2)

    def _key(self, name: str) -> str:
        return f"projects/{self.project.path.resolve()}/{self.coder}/{name}"

    def _restore(self) -> None:
        geometry = self.settings.value("window/geometry")
        if isinstance(geometry, QByteArray):
            self.restoreGeometry(geometry)
        self.fit_to_screen(first=not isinstance(geometry, QByteArray))
        for split, name in ((self.main_split, "window/main_split"), (self.center_split, "window/center_split")):
            state = self.settings.value(name)
            if isinstance(state, QByteArray):
                split.restoreState(state)
        layer = self.settings.value(self._key("layer"))
        if isinstance(layer, str) and self.codebook.has_layer(layer):
            self._last_layer = layer
        wanted = self.settings.value(self._key("document"))
        ids = [d for d, _ in self.documents.model.statuses()]
        if ids:
            self.open_document(wanted if wanted in ids else ids[0])
            scroll = self.settings.value(self._key("scroll"))
            if scroll is not None:
                QTimer.singleShot(0, lambda: self.article.verticalScrollBar().setValue(int(scroll)))

    def closeEvent(self, event: QCloseEvent) -> None:  # noqa: N802 (Qt API)
        self.form.commit()
        if not self.session.flush():
            answer = QMessageBox.question(
                self, "annotator",
                f"{len(self.session.pending)} edits could not be saved yet ({self.session.last_error}).\n"
                "Keep the window open and retry? Choosing No closes the window and loses them.",
                QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No)
            if answer == QMessageBox.StandardButton.Yes:
                event.ignore()
                return
        self.session.record_time()
        self.settings.setValue("window/geometry", self.saveGeometry())
        self.settings.setValue("window/main_split", self.main_split.saveState())
        self.settings.setValue("window/center_split", self.center_split.saveState())
        self.settings.setValue(self._key("scroll"), self.article.verticalScrollBar().value())
        self.settings.sync()
        event.accept()
