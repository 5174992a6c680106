"""The adjudication window driven by keys on the sample project's three demo coders: accept a
coder's version, edit it, reject, add a new span, accept all unanimous, undo, mark done. After
each step the gold tables are read back through the store."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox

from annotator.arabic.words import snap_span
from annotator.default_project import DEMO_ADJUDICATOR, ensure_default_project
from annotator.gold import FieldItem, SpanItem
from annotator.store import Project
from annotator.ui.adjudication_window import GOLD, MERGED, SIDE, AdjudicationWindow
from annotator.ui.main_window import MainWindow
from annotator.offsets import OffsetMap


@pytest.fixture(scope="module")
def sample_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return ensure_default_project(tmp_path_factory.mktemp("sample") / "sample.annotator.db")


@pytest.fixture
def project(sample_file: Path, tmp_path: Path) -> Project:
    path = tmp_path / "p.annotator.db"
    shutil.copy(sample_file, path)
    p = Project.open(path)
    yield p
    p.close()


@pytest.fixture
def window(qtbot, project: Project, tmp_path: Path) -> AdjudicationWindow:
    w = AdjudicationWindow(project, DEMO_ADJUDICATOR,
                           settings=QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat))
    qtbot.addWidget(w)
    w.resize(1500, 900)
    w.show()
    qtbot.waitExposed(w)
    return w


def key(qtbot, window: AdjudicationWindow, k: Qt.Key, modifier=Qt.KeyboardModifier.NoModifier) -> None:
    window.merged.setFocus()
    qtbot.keyClick(window.merged, k, modifier)


def first_span_disagreement(window: AdjudicationWindow, kind: str) -> SpanItem:
    return next(i for i in window.adjudication.disagreements() if isinstance(i, SpanItem) and kind in i.kinds)


def test_it_opens_on_the_first_double_coded_document_at_its_first_disagreement(window: AdjudicationWindow,
                                                                               project: Project) -> None:
    adj = window.adjudication
    assert adj.document.id == project.documents_finished_by(2)[0]
    assert len(adj.coders) == 3 and window._item == adj.disagreements()[0].id
    assert window.items.current_id() == window._item
    assert "0 of" in window.progress_label.text() and "Project: 0 of" in window.progress_label.text()
    assert window.comparison.columnCount() == 5  # the field, three coders and gold


def test_adjudicating_a_document_through_the_view(qtbot, window: AdjudicationWindow, project: Project) -> None:
    adj = window.adjudication
    doc = adj.document.id
    # accept coder 2's version of a span the coders placed differently
    item = first_span_disagreement(window, "edges")
    window.select_item(item.id)
    key(qtbot, window, Qt.Key.Key_2)
    row = project.gold_annotation(adj.item(item.id).resolution.id)
    version = item.versions[adj.coders[1]]
    assert (row.start, row.end, row.layer) == (version.start, version.end, version.layer)
    assert adj.coders[1] in row.provenance.source_coders and row.provenance.adjudicator == DEMO_ADJUDICATOR
    assert row.provenance.decision in ("chosen", "majority")
    assert window._item != item.id  # moved on to the next disagreement
    # edit it in the form: the decision becomes "edited"
    window.select_item(item.id)
    assert window._gold == row.id and window.form.current_annotation_id() == row.id
    field = next(f for f in project.codebook.layer(row.layer).fields if f.type == "choice")
    combo = window.form.editor(field.id, row.layer).findChild(QComboBox)
    combo.setCurrentIndex(combo.count() - 1)
    edited = project.gold_annotation(row.id)
    assert edited.provenance.decision == "edited" and edited.attrs[field.id] == combo.currentData()
    # reject another one
    other = first_span_disagreement(window, "presence")
    window.select_item(other.id)
    key(qtbot, window, Qt.Key.Key_R)
    rejected = project.gold_annotations(doc, include_rejected=True)
    assert any(g.provenance.decision == "rejected" and (g.start, g.end) == (other.start, other.end) for g in rejected)
    assert all((g.start, g.end) != (other.start, other.end) for g in project.gold_annotations(doc))
    # a new span no coder marked: select text in the merged view, Ctrl+1 (actor)
    text = adj.document.text
    start = text.index(" ", len(text) // 2) + 1
    end = text.index(" ", start)
    offsets = OffsetMap(text)
    cursor = window.merged.textCursor()
    cursor.setPosition(offsets.to_qt(start))
    cursor.setPosition(offsets.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
    window.merged.setTextCursor(cursor)
    key(qtbot, window, Qt.Key.Key_1, Qt.KeyboardModifier.ControlModifier)
    new = [g for g in project.gold_annotations(doc) if g.provenance.decision == "new"]
    assert [(g.layer, g.quote) for g in new] == [("actor", text[slice(*snap_span(text, start, end))])]
    # accept all unanimous in one step
    before = len(project.gold_annotations(doc))
    open_unanimous = adj.progress().unanimous_open
    assert open_unanimous > 0
    key(qtbot, window, Qt.Key.Key_U, Qt.KeyboardModifier.ControlModifier)
    assert adj.progress().unanimous_open < open_unanimous
    after = project.gold_annotations(doc)
    assert len(after) > before and any(g.provenance.decision == "unanimous" for g in after)
    # undo takes the last decision (accept all unanimous) back, as one step
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert len(project.gold_annotations(doc)) == before
    assert adj.progress().unanimous_open == open_unanimous
    key(qtbot, window, Qt.Key.Key_Z, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier)
    assert len(project.gold_annotations(doc)) == len(after)
    # every decision is in the changes log
    actions = [c.action for c in project.changes(document_id=doc) if c.action.startswith("gold")]
    assert {"gold_accept", "gold_edit", "gold_reject", "gold_new", "gold_auto", "gold_undo"} <= set(actions)


def test_mark_done_lists_what_is_undecided_then_moves_on(qtbot, window: AdjudicationWindow, project: Project) -> None:
    adj = window.adjudication
    doc = adj.document.id
    key(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert project.gold_status(doc) != "done" and window.form.missing.isVisible()
    adj.accept_all("majority")
    for item in adj.pending():  # decide the rest by taking coder 1 (or rejecting what they lack)
        if isinstance(item, (SpanItem, FieldItem)) and item.versions.get(adj.coders[0]) is not None:
            adj.accept(item.id, adj.coders[0])
        else:
            adj.reject(item.id)
    window._refresh()
    key(qtbot, window, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert project.gold_status(doc) == "done"
    assert adj.document.id != doc  # the next document needing gold
    assert "Project: 1 of" in window.progress_label.text()


def test_number_keys_step_and_views(qtbot, window: AdjudicationWindow) -> None:
    adj = window.adjudication
    first = window._item
    key(qtbot, window, Qt.Key.Key_N)
    assert window._item != first
    key(qtbot, window, Qt.Key.Key_N, Qt.KeyboardModifier.ShiftModifier)
    assert window._item == first
    assert window.views.currentIndex() == MERGED
    key(qtbot, window, Qt.Key.Key_V)
    assert window.views.currentIndex() == GOLD
    window.set_view(SIDE)
    shown = [v for v in window.side_views if v.isVisibleTo(window)]
    assert len(shown) == len(adj.coders)
    item = first_span_disagreement(window, "edges")
    window.select_item(item.id)
    for view, coder in zip(shown, adj.coders):
        version = item.versions[coder]
        assert view._current == (version.id if version else None)
    # a click on a coder's span selects its item
    window.set_view(MERGED)
    window.select_item(None)
    window.merged.annotationClicked.emit(item.versions[adj.coders[0]].id)
    assert window._item == item.id


def test_the_coder_window_opens_adjudication_for_adjudicators_only(qtbot, project: Project, tmp_path: Path,
                                                                    monkeypatch) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    coder = MainWindow(project, "demo-amal", settings=settings)
    qtbot.addWidget(coder)
    warnings = []
    monkeypatch.setattr("annotator.ui.main_window.QMessageBox.warning", lambda *a: warnings.append(a[2]))
    coder.adjudicate_action.trigger()
    assert warnings and "adjudicator" in warnings[0]
    lead = MainWindow(project, DEMO_ADJUDICATOR, settings=settings)
    qtbot.addWidget(lead)
    lead.adjudicate_action.trigger()
    assert lead.adjudication_window.adjudication.adjudicator == DEMO_ADJUDICATOR
    qtbot.addWidget(lead.adjudication_window)


def test_screenshot(window: AdjudicationWindow, qtbot) -> None:
    item = first_span_disagreement(window, "attribute")
    window.select_item(item.id)
    qtbot.wait(20)
    window.grab().save("/tmp/adjudication.png")
