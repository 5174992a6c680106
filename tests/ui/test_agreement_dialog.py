"""The agreement dialog on the demo project: one row per alpha, the coder picker, and the report opens."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import Qt
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QFileDialog

from annotator.demo import add_demo_coding
from annotator.importer import import_paths
from annotator.paths import SAMPLE_CORPUS
from annotator.store import Project
from annotator.ui.agreement_dialog import COLUMNS, AgreementDialog


@pytest.fixture
def demo(tmp_path: Path) -> Project:
    project = Project.open(tmp_path / "demo.annotator.db", create=True)
    import_paths(project, [SAMPLE_CORPUS])
    add_demo_coding(project)
    yield project
    project.close()


def test_dialog_shows_a_row_per_alpha(qtbot, demo: Project):
    dialog = AgreementDialog(demo)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    table = dialog.table
    assert [table.horizontalHeaderItem(c).text() for c in range(table.columnCount())] == list(COLUMNS)
    names = [table.item(r, 0).text() for r in range(table.rowCount())]
    summary = dialog.summary
    expected = sum(1 + len(layer.attributes) for layer in summary.layers) + len(summary.document_fields) + 1
    assert len(names) == expected
    assert names[0] == "Actor: spans (alpha_U)" and "Casualty: Outcome" in names
    assert names[-1] == "Actors in the document (MASI)"
    bands = {table.item(r, 4).text() for r in range(table.rowCount())}
    assert bands <= {"reliable", "tentative", "unreliable", "undefined"} and "reliable" in bands
    assert "3 coders" in dialog.info.text()


def test_open_report_writes_html_and_opens_it(qtbot, demo: Project, monkeypatch):
    opened = []
    monkeypatch.setattr(QDesktopServices, "openUrl", lambda url: opened.append(url) or True)
    dialog = AgreementDialog(demo, n_boot=50)
    qtbot.addWidget(dialog)
    dialog.open_button.click()
    assert len(opened) == 1 and opened[0].isLocalFile()
    path = Path(opened[0].toLocalFile())
    assert path == dialog.report_path and path.read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_save_pdf(qtbot, demo: Project, monkeypatch, tmp_path: Path):
    target = tmp_path / "iaa.pdf"
    monkeypatch.setattr(QFileDialog, "getSaveFileName", lambda *args: (str(target), "PDF (*.pdf)"))
    dialog = AgreementDialog(demo, n_boot=20)
    qtbot.addWidget(dialog)
    dialog.pdf_button.click()
    data = target.read_bytes()
    assert data.startswith(b"%PDF") and data.count(b"/Type /Page") > 5


def test_too_few_coders_is_said_in_the_dialog(qtbot, tmp_path: Path):
    project = Project.open(tmp_path / "empty.annotator.db", create=True)
    dialog = AgreementDialog(project)
    qtbot.addWidget(dialog)
    assert "at least two coders" in dialog.info.text() and not dialog.open_button.isEnabled()
    project.close()


def picker_state(dialog: AgreementDialog) -> dict[str, bool]:
    items = [dialog.coders.item(row) for row in range(dialog.coders.count())]
    return {item.text(): item.checkState() == Qt.CheckState.Checked for item in items}


def test_the_picker_leaves_out_a_coder_who_shares_nothing_and_recomputes(qtbot, demo: Project):
    demo.add_coder("demo-amall")  # a typo that became a coder: everything assigned, nothing done
    demo.assign(demo.document_ids(), "demo-amall")
    demo.add_coder("lead", "adjudicator")
    dialog = AgreementDialog(demo, n_boot=20)
    qtbot.addWidget(dialog)
    assert picker_state(dialog) == {"demo-amal": True, "demo-bilal": True, "demo-chadi": True, "demo-amall": False}
    assert dialog.summary.coders == ("demo-amal", "demo-bilal", "demo-chadi")
    assert dialog.table.item(0, 2).text() != "undefined"

    dialog.coders.item(2).setCheckState(Qt.CheckState.Unchecked)  # demo-chadi
    assert dialog.summary.coders == ("demo-amal", "demo-bilal") and "2 coders" in dialog.info.text()
    rows = dialog.table.rowCount()
    assert rows > 0 and len({dialog.table.item(r, 0).text() for r in range(rows)}) == rows  # no stale rows

    dialog.coders.item(1).setCheckState(Qt.CheckState.Unchecked)
    assert dialog.summary is None and dialog.table.rowCount() == 0
    assert "check two or more" in dialog.info.text() and not dialog.open_button.isEnabled()

    dialog.coders.item(3).setCheckState(Qt.CheckState.Checked)  # the phantom, by choice
    assert dialog.summary.coders == ("demo-amal", "demo-amall") and dialog.summary.documents == ()
    assert dialog.table.item(0, 2).text() == "undefined"
