"""The coder's window driven like a coder: select text, press keys, fill the form, undo, redo.

The article is imported from a CRLF file and has an emoji and tashkeel before the spans, so a
UTF-16/code-point mix-up or a newline change would shift every offset. After each step the
database is checked through the core API.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings, Qt
from PySide6.QtGui import QTextCursor
from PySide6.QtWidgets import QComboBox

from annotator.importer import import_paths
from annotator.store import Project
from annotator.ui.main_window import MainWindow
from annotator.offsets import OffsetMap

ARTICLE = ("قالت مصادر 🔴 إنّ قَصْفاً جـوياً لطيران التحالف استهدف بلدة الحوامة،\r\n"
           "وأسفر عن مقتل ١٢ مدنياً بينهم أطفال، فيما نفت قسد مسؤوليتها.\r\n")
TEXT = ARTICLE.replace("\r\n", "\n")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    folder = tmp_path / "corpus"
    folder.mkdir()
    (folder / "hawama.txt").write_bytes(("غارة على الحوامة\r\n" + ARTICLE).encode("utf-8"))
    (folder / "second.txt").write_bytes("بيان\r\nأعلنت قسد استئناف عملياتها.".encode("utf-8"))
    p = Project.open(tmp_path / "p.db", create=True)
    report = import_paths(p, [folder])
    assert report.imported == 2
    p.add_coder("mona")
    p.assign(p.document_ids(), "mona")
    yield p
    p.close()


@pytest.fixture
def window(qtbot, project: Project, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(project, "mona", settings=settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.open_document("hawama")
    return w


def select(window: MainWindow, quote: str) -> None:
    """Select ``quote`` in the article the way a mouse drag does: through Qt's UTF-16 cursor."""
    start = TEXT.index(quote)
    offsets = OffsetMap(TEXT)
    cursor = window.article.textCursor()
    cursor.setPosition(offsets.to_qt(start))
    cursor.setPosition(offsets.to_qt(start + len(quote)), QTextCursor.MoveMode.KeepAnchor)
    window.article.setTextCursor(cursor)
    window.article.setFocus()


def stored(project: Project) -> list[tuple[str, str]]:
    anns = project.annotations("hawama", "mona")
    for a in anns:
        assert TEXT[a.start:a.end] == a.quote == project.document("hawama").text[a.start:a.end]
    return sorted((a.layer, a.quote) for a in anns)


def test_the_imported_text_has_lf_line_ends(window: MainWindow, project: Project) -> None:
    assert project.document("hawama").text == TEXT
    assert window.article.toPlainText().replace("\u2029", "\n") == TEXT


def test_keys_create_spans_at_the_right_code_points(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    select(window, "١٢ مدنياً")
    qtbot.keyClick(window.article, Qt.Key.Key_K)
    assert stored(project) == [("actor", "قسد"), ("casualty", "١٢ مدنياً")]
    assert window.table.model().rowCount() == 2
    assert "Saved" in window.save_state.text()


def test_word_snapping_widens_a_partial_selection(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "لتحالف")  # inside "لطيران التحالف": snaps to the written word "التحالف"
    qtbot.keyClick(window.article, Qt.Key.Key_A)
    assert stored(project) == [("actor", "التحالف")]


def test_form_edits_links_delete_and_undo_redo(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "التحالف")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    actor_id = project.annotations("hawama", "mona")[0].id
    select(window, "١٢ مدنياً")
    qtbot.keyClick(window.article, Qt.Key.Key_3)
    casualty = next(a for a in project.annotations("hawama", "mona") if a.layer == "casualty")
    assert window._current == casualty.id

    # Fill fields through the form's own editors, as a coder would.
    window.form.attrsEdited.emit(casualty.id, {"outcome": "killed", "low": 12, "best": 12, "high": 12})
    assert project.annotation(casualty.id).attrs == {"outcome": "killed", "low": 12, "best": 12, "high": 12}
    window.form.linkTargetsEdited.emit(casualty.id, "perpetrator", [actor_id])
    assert [(l.from_id, l.to_id, l.kind) for l in project.links("hawama")] == [(casualty.id, actor_id, "perpetrator")]
    window.form.labelEdited.emit("relevant", True)
    assert project.labels("hawama", "mona") == {"relevant": True}

    window.select_annotation(actor_id)
    qtbot.keyClick(window.article, Qt.Key.Key_Delete)
    assert stored(project) == [("casualty", "١٢ مدنياً")] and project.links("hawama") == []

    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(project) == [("actor", "التحالف"), ("casualty", "١٢ مدنياً")]
    assert len(project.links("hawama")) == 1
    for _ in range(6):
        qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored(project) == [] and project.labels("hawama", "mona") == {}
    for _ in range(7):
        qtbot.keyClick(window.article, Qt.Key.Key_Z,
                       Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier)
    assert stored(project) == [("casualty", "١٢ مدنياً")]
    assert project.annotation(casualty.id).attrs["outcome"] == "killed"
    assert project.check() == []


def test_a_choice_picked_in_the_form_is_saved(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    ann = project.annotations("hawama", "mona")[0]
    combos = [c for c in window.form.findChildren(QComboBox) if c.isVisibleTo(window.form)]
    role = next(c for c in combos if any(c.itemData(i) == "perpetrator" for i in range(c.count())))
    role.setCurrentIndex(next(i for i in range(role.count()) if role.itemData(i) == "perpetrator"))
    role.activated.emit(role.currentIndex())
    assert project.annotation(ann.id).attrs.get("role") == "perpetrator"


def test_clicking_a_table_row_selects_the_annotation(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    select(window, "مصادر")
    qtbot.keyClick(window.article, Qt.Key.Key_4)
    source = next(a for a in project.annotations("hawama", "mona") if a.layer == "source")
    window.table.setCurrentIndex(window.table.model().index(0, 1))  # sorted by offset: مصادر first
    assert window._current == source.id
    assert window.article.annotations_at(source.start) == [source.id]


def test_undo_follows_edits_into_another_document(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    window.open_document("second")
    qtbot.keyClick(window.article, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert window.session.document.id == "hawama"
    assert window.documents.current_id() == "hawama"
    assert stored(project) == []


def test_mark_done_lists_what_is_missing(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    qtbot.keyClick(window.article, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    assert project.assignment("mona", "hawama").status == "in_progress"
    assert "missing" in window.statusBar().currentMessage()


def test_next_unfinished_moves_on_and_progress_counts(qtbot, window: MainWindow, project: Project) -> None:
    qtbot.keyClick(window.article, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.session.document.id == "second"
    assert window.progress.text().startswith("0 of 2 done")


def test_the_window_reopens_where_the_coder_left_off(qtbot, project: Project, tmp_path: Path) -> None:
    settings = QSettings(str(tmp_path / "s.ini"), QSettings.Format.IniFormat)
    first = MainWindow(project, "mona", settings=settings)
    qtbot.addWidget(first)
    first.open_document("second")
    first.close()
    again = MainWindow(project, "mona", settings=settings)
    qtbot.addWidget(again)
    assert again.session.document.id == "second"
    assert project.assignment("mona", "second").seconds_spent > 0


def test_a_refused_write_shows_not_saved_and_is_retried(qtbot, window: MainWindow, project: Project) -> None:
    import sqlite3

    blocker = sqlite3.connect(str(project.path), timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    project.db.execute("PRAGMA busy_timeout = 50")
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    assert "NOT SAVED" in window.save_state.text()
    assert window.table.model().rowCount() == 1  # the edit stays visible
    blocker.rollback()
    blocker.close()
    qtbot.waitUntil(lambda: "Saved" in window.save_state.text() and "NOT" not in window.save_state.text(),
                    timeout=5000)
    assert stored(project) == [("actor", "قسد")]


def test_a_new_casualty_span_proposes_its_count(qtbot, window: MainWindow, project: Project) -> None:
    select(window, "١٢ مدنياً")
    qtbot.keyClick(window.article, Qt.Key.Key_K)
    casualty = project.annotations("hawama", "mona")[0]
    assert casualty.attrs == {}  # proposed, not stored
    assert window.form.editor("low", "casualty").value() == 12
    assert window.form.editor("quantifier", "casualty").value() == "exact"
    assert "Proposed from the text" in window.statusBar().currentMessage()


def test_suggestions_are_accepted_or_dismissed_with_one_key(qtbot, window: MainWindow, project: Project) -> None:
    assert window.suggest_action.isChecked()  # one coder only: not in the reliability sample
    offered = {TEXT[x.start:x.end]: x for x in window._open_suggestions()}
    assert "١٢ مدنياً" in offered and "قسد" in offered
    assert project.annotations("hawama", "mona") == []  # a suggestion is not an annotation
    window.article.setFocus()  # the click on the suggestion put focus in the article
    window.article.suggestionClicked.emit(offered["١٢ مدنياً"].id)
    qtbot.keyClick(window.article, Qt.Key.Key_Return)
    [casualty] = project.annotations("hawama", "mona")
    assert (casualty.quote, casualty.attrs["low"], casualty.attrs["outcome"]) == ("١٢ مدنياً", 12, "killed")
    accepted = [c for c in project.changes(document_id="hawama") if c.action == "create_annotation"]
    assert accepted[-1].payload["suggested_by"].startswith("count")
    window.article.suggestionClicked.emit(offered["قسد"].id)
    qtbot.keyClick(window.article, Qt.Key.Key_Backspace)
    assert offered["قسد"].id in project.dismissed_suggestions("mona", "hawama")
    assert all(x.id != offered["قسد"].id for x in window._open_suggestions())


def test_suggestions_are_off_in_the_reliability_sample(qtbot, window: MainWindow, project: Project) -> None:
    project.add_coder("omar")
    project.assign(["second"], "omar")
    window.open_document("second")
    assert not window.suggest_action.isChecked() and window._open_suggestions() == []
    window.suggest_action.trigger()
    assert window._open_suggestions()  # the coder may still turn them on


def test_the_agreement_dialog_opens_from_the_window(qtbot, window: MainWindow, monkeypatch) -> None:
    from annotator.ui import agreement_dialog

    shown = []
    monkeypatch.setattr(agreement_dialog.AgreementDialog, "exec", lambda self: shown.append(self) or 0)
    window.agreement_action.trigger()
    assert len(shown) == 1 and shown[0].project is window.project


def test_t_repeats_the_last_layer_and_it_is_remembered(qtbot, window: MainWindow, project: Project,
                                                       tmp_path: Path) -> None:
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_S)
    select(window, "مصادر")
    qtbot.keyClick(window.article, Qt.Key.Key_T)
    assert stored(project) == [("source", "قسد"), ("source", "مصادر")]
    window.close()
    again = MainWindow(project, "mona", settings=window.settings)
    qtbot.addWidget(again)
    assert again._last_layer == "source"
