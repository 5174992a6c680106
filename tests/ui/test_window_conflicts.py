"""The same coder's other window changed a span first: this window says which edit was not saved,
shows the stored rows again, and keeps saving the edits that follow."""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QComboBox
from test_main_window import project, select, stored, window  # noqa: F401 (fixtures)

from annotator.store import Project
from annotator.ui.main_window import MainWindow


def test_an_edit_refused_because_another_window_deleted_the_span_is_shown(
        qtbot, window: MainWindow, project: Project) -> None:  # noqa: F811 (fixtures)
    select(window, "قسد")
    qtbot.keyClick(window.article, Qt.Key.Key_1)
    ann = project.annotations("hawama", "mona")[0]
    with Project.open(project.path) as elsewhere:  # the other window deletes the span
        elsewhere.delete_annotation("mona", ann.id)
    combos = [c for c in window.form.findChildren(QComboBox) if c.isVisibleTo(window.form)]
    role = next(c for c in combos if any(c.itemData(i) == "perpetrator" for i in range(c.count())))
    role.setCurrentIndex(next(i for i in range(role.count()) if role.itemData(i) == "perpetrator"))
    role.activated.emit(role.currentIndex())  # this window, still showing it, edits it

    assert "1 edit NOT SAVED" in window.save_state.text()
    assert "“edit fields of actor «قسد»” was not saved" in window.save_state.toolTip().replace("\xa0", " ")
    assert "deleted in another window" in window.statusBar().currentMessage()
    assert window.table.model().rowCount() == 0  # the window shows what is stored
    select(window, "١٢ مدنياً")
    qtbot.keyClick(window.article, Qt.Key.Key_K)  # and the next edit is saved at once
    assert stored(project) == [("casualty", "١٢ مدنياً")]
    assert window.save_state.text().startswith("Saved")
