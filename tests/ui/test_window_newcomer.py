"""What a new coder met in the window: focus that sticks in the form, proposals that looked saved,
data imported elsewhere that never showed, a first window wider than the screen, links that
could not be seen. Driven through keys and the real widgets; the database is checked after each step."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QRect, Qt
from PySide6.QtWidgets import QComboBox, QLineEdit, QWidget

from annotator.model import Document
from annotator.store import Project
from annotator.ui.main_window import MainWindow

from test_main_window import TEXT, project, select, window  # noqa: F401 (fixtures)


def test_escape_in_a_form_field_gives_the_article_the_keys_again(qtbot, window: MainWindow,
                                                                  project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    combo = window.form.editor("actor_type", "actor").findChild(QComboBox)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, Qt.Key.Key_Escape)
    qtbot.waitUntil(window.article.hasFocus)
    select(window, "مصادر")
    qtbot.keyClick(window.article, Qt.Key.Key_4)
    assert sorted(a.layer for a in project.annotations("hawama", "mona")) == ["actor", "source"]


def test_return_in_a_typed_field_saves_it_and_gives_the_article_the_keys(qtbot, window: MainWindow,
                                                                         project: Project) -> None:
    select(window, "١٢ مدنياً")
    qtbot.keyClick(window.article, Qt.Key.Key_K)
    best = window.form.editor("best", "casualty").findChild(QLineEdit)
    best.setFocus()
    qtbot.waitUntil(best.hasFocus)
    best.clear()
    qtbot.keyClicks(best, "12")
    qtbot.keyClick(best, Qt.Key.Key_Return)
    qtbot.waitUntil(window.article.hasFocus)
    assert project.annotations("hawama", "mona")[0].attrs["best"] == 12


def test_layer_keys_work_from_a_choice_field_and_ctrl_f_from_anywhere(qtbot, window: MainWindow,
                                                                      project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    select(window, "مصادر")  # a selection is waiting in the article ...
    combo = window.form.editor("actor_type", "actor").findChild(QComboBox)
    combo.setFocus()  # ... and the coder is in a choice field: not typing, so the keys are the window's
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, Qt.Key.Key_4)
    assert sorted(a.layer for a in project.annotations("hawama", "mona")) == ["actor", "source"]
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    bar = window.article.find_bar()
    qtbot.waitUntil(bar.isVisible)
    assert bar.edit.hasFocus()


def test_typing_in_a_text_field_never_triggers_layer_keys(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    select(window, "مصادر")
    name = window.form.editor("name", "actor").findChild(QLineEdit)
    name.setFocus()
    qtbot.waitUntil(name.hasFocus)
    name.clear()  # it held the proposed name
    qtbot.keyClicks(name, "sdf 4")
    assert name.text() == "sdf 4"
    assert [a.layer for a in project.annotations("hawama", "mona")] == ["actor"]


def test_f1_lists_every_key_and_ctrl_q_quits(qtbot, window: MainWindow) -> None:
    qtbot.keyClick(window.article, Qt.Key.Key_F1)
    assert window.overlay.isVisible()
    rows = dict((text, keys) for keys, text in window.overlay.rows())
    assert rows["Accept proposed values"] == "P" and rows["Quit"] == "Ctrl+Q"
    assert "Mark done" in rows and "Keyboard shortcuts" in rows and "Accept suggestion" in rows
    qtbot.keyClick(window.overlay, Qt.Key.Key_Escape)
    assert not window.overlay.isVisible()
    qtbot.keyClick(window.article, Qt.Key.Key_Q, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: not window.isVisible())


def test_proposals_are_shown_accepted_with_p_and_missing_until_then(qtbot, window: MainWindow,
                                                                    project: Project) -> None:
    select(window, "١٢ مدنياً")
    qtbot.keyClick(window.article, Qt.Key.Key_K)
    [casualty] = project.annotations("hawama", "mona")
    assert casualty.attrs == {}  # proposed, not stored
    low = window.form.editor("low", "casualty")
    assert low.value() == 12 and low.is_proposed() and window.form.proposal_note.isVisible()
    window.form.editor("outcome", "casualty").findChild(QComboBox).setCurrentIndex(1)  # an edit of another field
    stored = project.annotation(casualty.id).attrs
    assert "low" not in stored and stored["outcome"] == "killed"  # the proposal is still only proposed
    window.mark_done()
    assert "proposed" in window.form.missing.text() and project.assignment("mona", "hawama").status != "done"
    window.article.setFocus()
    qtbot.keyClick(window.article, Qt.Key.Key_P)
    stored = project.annotation(casualty.id).attrs
    assert (stored["low"], stored["best"], stored["quantifier"]) == (12, 12, "exact")
    assert not low.is_proposed() and not window.form.proposal_note.isVisible()
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # one undo takes them back
    assert "low" not in project.annotation(casualty.id).attrs


def test_documents_imported_elsewhere_appear_without_a_restart(qtbot, window: MainWindow, project: Project) -> None:
    assert window.documents.model.rowCount() == 2
    assert not window.refresh_from_project()  # nothing changed
    other = Project.open(project.path)  # another program: `annotator import --assign mona`
    other.add_documents([Document(id="late", title="خبر متأخر", text="قصف جديد على البلدة.")])
    other.assign(["late"], "mona")
    other.close()
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=5000)  # the window's own timer
    assert window.session.document.id == "hawama"  # the open document stays open
    assert window.documents.current_id() == "hawama"


class _Screen:
    def __init__(self, width: int, height: int):
        self._area = QRect(0, 0, width, height)

    def availableGeometry(self) -> QRect:  # noqa: N802 (Qt API)
        return self._area


@pytest.mark.parametrize("size", [(1366, 768), (1600, 900)])
def test_the_first_window_fits_the_screen_with_no_clipped_field(qtbot, window: MainWindow, project: Project, monkeypatch,
                                                                size: tuple[int, int]) -> None:
    monkeypatch.setattr(MainWindow, "screen", lambda self: _Screen(*size))
    project.add_documents([Document(id="long", text="نص.", title="عنوان طويل جداً عن معارك ريف دير الزور " * 6)])
    project.assign(["long"], "mona")
    window.refresh_from_project()
    window.open_document("long")  # a long title must not widen the window
    window.fit_to_screen(first=True)
    assert window.frameGeometry().width() <= size[0] and window.frameGeometry().height() <= size[1]
    assert window.minimumSizeHint().width() <= 1366 and window.minimumSizeHint().height() <= 768
    window.open_document("hawama")
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    window.form.editor("actor_type", "actor").findChild(QComboBox).setCurrentIndex(2)  # the first edit
    qtbot.wait(20)
    viewport = window.form.scroll.viewport()
    for editor in window.form.findChildren(QWidget):
        if not isinstance(editor, (QComboBox, QLineEdit)) or not editor.isVisibleTo(window.form):
            continue
        left = editor.mapTo(viewport, editor.rect().topLeft()).x()
        assert 0 <= left and left + editor.width() <= viewport.width(), editor
        if isinstance(editor, QComboBox):  # the chosen value is readable, not cut
            assert editor.width() >= editor.fontMetrics().horizontalAdvance(editor.currentText()), \
                editor.currentText()


def test_clicking_a_link_arc_selects_the_linked_span(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    select(window, "١٢ مدنياً")
    qtbot.keyClick(window.article, Qt.Key.Key_K)
    casualty = window._current
    actor = next(a.id for a in window.session.annotations if a.layer == "actor")
    perpetrator = window.form.link_editor("casualty", "perpetrator")
    perpetrator.list.set_checked(0, True)
    assert [l.to_id for l in project.links("hawama", "mona")] == [actor]
    window.article.grab()
    [(hover, _tip, other)] = window.article._arcs
    assert other == actor
    window.article.annotationClicked.emit(other)  # what a click on the arc emits (tested in the view)
    assert window._current == actor
    window.article.grab()
    assert [arc[2] for arc in window.article._arcs] == [casualty]  # the link shows from its other end too


def test_after_tagging_the_keys_stay_with_the_article(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "١٢ مدنياً")
    qtbot.keyClick(window.article, Qt.Key.Key_K)
    assert window.article.hasFocus()  # P, Ctrl+Z and the layer keys act at once
    qtbot.keyClick(window.article, Qt.Key.Key_P)
    assert project.annotations("hawama", "mona")[0].attrs["low"] == 12
    qtbot.keyClick(window.article, Qt.Key.Key_F)  # F: to the first empty field of the span
    qtbot.waitUntil(lambda: window.form.editor("outcome", "casualty").hasFocus())
