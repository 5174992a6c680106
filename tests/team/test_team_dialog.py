"""The lead's team dialog: progress per coder, and assignment with overlap (Qt, offscreen)."""

from __future__ import annotations

from pathlib import Path

import pytest

pytest.importorskip("PySide6")

from PySide6.QtCore import Qt  # noqa: E402
from PySide6.QtWidgets import QDialog  # noqa: E402

from annotator.store import Project  # noqa: E402
from annotator.team.status import COLUMNS  # noqa: E402
from annotator.ui.team_dialog import TeamDialog  # noqa: E402


@pytest.fixture
def project(lead: Path | str) -> Project:
    p = Project.open(lead)
    p.mark_done("mona", "d1", force=True)
    p.add_time("mona", "d1", 600)
    yield p
    p.close()


def cells(dialog: TeamDialog) -> dict[str, list[str]]:
    table = dialog.table
    return {table.item(r, 0).text(): [table.item(r, c).text() for c in range(table.columnCount())]
            for r in range(table.rowCount())}


def test_progress_per_coder(qtbot, project: Project) -> None:
    dialog = TeamDialog(project)
    qtbot.addWidget(dialog)
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text().lower() for c in range(table.columnCount())] == list(COLUMNS)
    rows = cells(dialog)
    assert rows["mona"][:8] == ["mona", "coder", "3", "1", "0", "2", "0", "0:10"]
    assert rows["lina"][:8] == ["lina", "coder", "2", "0", "0", "2", "0", "0:00"]
    assert "3 documents assigned to two or more coders" in dialog.summary.text()


def test_preview_then_assign_with_overlap(qtbot, project: Project) -> None:
    project.add_coder("nour")
    dialog = TeamDialog(project)
    qtbot.addWidget(dialog)
    dialog.overlap.setValue(0.5)
    dialog.seed.setText("7")
    before = project.assignment_rows()
    plan = dialog.preview()
    assert plan is not None and plan.seed == 7 and project.assignment_rows() == before  # nothing written
    assert "sample of 2 drawn with seed 7" in dialog.plan_text.text()
    qtbot.mouseClick(dialog.assign_button, Qt.MouseButton.LeftButton)
    assert dialog.plan_text.text().startswith("Assigned.")
    assert "nour" in cells(dialog) and cells(dialog)["nour"][2] != "0"
    assert [c.action for c in project.changes()][-1] == "assign_plan"


def test_bad_settings_are_said_in_the_dialog(qtbot, project: Project) -> None:
    dialog = TeamDialog(project)
    qtbot.addWidget(dialog)
    dialog.seed.setText("abc")
    assert dialog.preview() is None and "whole number" in dialog.plan_text.text()
    dialog.seed.setText("")
    for row in range(dialog.coders.count()):
        dialog.coders.item(row).setCheckState(Qt.CheckState.Unchecked)
    dialog.assign()
    assert dialog.plan_text.text() == "No plan: name the coders to assign to"


def test_the_coder_window_opens_it_from_the_lead_menu(qtbot, project: Project, monkeypatch) -> None:
    from annotator.ui.main_window import MainWindow

    shown = []
    monkeypatch.setattr(TeamDialog, "exec", lambda self: shown.append(self) or QDialog.DialogCode.Accepted)
    window = MainWindow(project, "mona")
    qtbot.addWidget(window)
    lead = next(a.menu() for a in window.menuBar().actions() if a.text() == "&Lead")
    assert window.team_action in lead.actions()
    window.team_action.trigger()
    assert len(shown) == 1 and shown[0].project is project
