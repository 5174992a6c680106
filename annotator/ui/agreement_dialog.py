"""The agreement dialog: every alpha at a glance, and the full HTML report one click away.

The summary is computed when the dialog opens and again whenever a coder is checked or unchecked
in the picker, on the GUI thread: with 200 bootstrap resamples
the sample project takes a fraction of a second (pattern-collapsed bootstrap, see
annotator/agreement/patterns.py), so a worker thread would add complexity for nothing; a busy
cursor covers the wait on larger projects.
"""

from __future__ import annotations

import math
import tempfile
from pathlib import Path

from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QBrush, QColor, QDesktopServices, QGuiApplication
from PySide6.QtWidgets import (QDialog, QDialogButtonBox, QFileDialog, QHBoxLayout, QHeaderView, QLabel,
                               QListView, QListWidget, QListWidgetItem, QPushButton, QTableWidget, QTableWidgetItem,
                               QVBoxLayout, QWidget)

from annotator.agreement.chart import BAND_COLORS
from annotator.agreement.kappa import KappaResult
from annotator.agreement.loader import default_coders, finished_documents, role_coders
from annotator.agreement.reliability import agreement_summary
from annotator.agreement.report import project_texts, render_html, write_html
from annotator.agreement.results import AgreementSummary, Estimate
from annotator.store import Project
from annotator.ui.plain_text import plain_tip
from annotator.ui.report_pdf import write_pdf

N_BOOT = 200
COLUMNS = ("Layer / field", "n", "alpha", "95% CI", "Band", "AC1")


class AgreementDialog(QDialog):
    """All-coder alpha per span layer (alpha_U), attribute, document field and the actor sets.

    The coder picker starts with the coders who finished shared documents (``default_coders``);
    checking or unchecking one recomputes the figures.
    """

    def __init__(self, project: Project, parent: QWidget | None = None, *, n_boot: int = N_BOOT):
        super().__init__(parent)
        self.project = project
        self.n_boot = n_boot
        self.setWindowTitle("Inter-annotator agreement")
        self.resize(760, 600)
        self.summary: AgreementSummary | None = None
        self.report_path: Path | None = None

        self.coders = self._coder_picker()
        self.info = QLabel(self)
        self.info.setTextFormat(Qt.TextFormat.PlainText)  # coder names are data, never markup
        self.info.setWordWrap(True)
        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(COLUMNS)
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.open_button = QPushButton("Open report", self)
        self.open_button.clicked.connect(self.open_report)
        self.pdf_button = QPushButton("Save PDF…", self)
        self.pdf_button.clicked.connect(self.save_pdf)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.addButton(self.open_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.addButton(self.pdf_button, QDialogButtonBox.ButtonRole.ActionRole)
        buttons.rejected.connect(self.reject)
        picker_row = QHBoxLayout()
        picker_row.addWidget(QLabel("Coders:", self), 0, Qt.AlignmentFlag.AlignTop)
        picker_row.addWidget(self.coders, 1)
        layout = QVBoxLayout(self)
        layout.addLayout(picker_row)
        layout.addWidget(self.info)
        layout.addWidget(self.table)
        layout.addWidget(buttons)
        self._compute()
        self.coders.itemChanged.connect(self._compute)

    def _coder_picker(self) -> QListWidget:
        """One checkable entry per coder (role coder); checked: those who finished shared documents."""
        picker = QListWidget(self)
        picker.setFlow(QListView.Flow.LeftToRight)
        picker.setWrapping(True)
        picker.setResizeMode(QListView.ResizeMode.Adjust)
        picker.setMaximumHeight(3 * picker.fontMetrics().height() + 12)
        compared = set(default_coders(self.project))
        for coder, finished in finished_documents(self.project, role_coders(self.project)).items():
            item = QListWidgetItem(coder, picker)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            item.setCheckState(Qt.CheckState.Checked if coder in compared else Qt.CheckState.Unchecked)
            item.setToolTip(plain_tip(f"{coder}: {len(finished)} document(s) marked done"
                                      + ("" if coder in compared else "; none shared with another coder")))
        return picker

    def chosen_coders(self) -> list[str]:
        items = (self.coders.item(row) for row in range(self.coders.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def _compute(self) -> None:
        self.table.setRowCount(0)
        self.summary = None
        chosen = self.chosen_coders()
        QGuiApplication.setOverrideCursor(Qt.CursorShape.WaitCursor)
        try:
            if len(chosen) < 2:
                raise ValueError(f"agreement needs at least two coders (this project has {self.coders.count()})"
                                 if self.coders.count() < 2 else
                                 "agreement needs at least two coders: check two or more above")
            self.summary = agreement_summary(self.project, coders=chosen, n_boot=self.n_boot)
        except ValueError as exc:  # e.g. fewer than two coders: say so in the dialog
            self.info.setText(f"No agreement to show: {exc}.")
            self.open_button.setEnabled(False)
            self.pdf_button.setEnabled(False)
            return
        finally:
            QGuiApplication.restoreOverrideCursor()
        s = self.summary
        warnings = f"; {len(s.warnings)} warning(s) in the report" if s.warnings else ""
        self.info.setText(f"{len(s.coders)} coders ({', '.join(s.coders)}), {len(s.documents)} documents coded "
                          f"by two or more of them; {self.n_boot} bootstrap resamples{warnings}. "
                          "Bands: reliable ≥ .800, tentative ≥ .667.")
        self.open_button.setEnabled(bool(s.documents))
        self.pdf_button.setEnabled(bool(s.documents))
        for layer in s.layers:
            self._add_row(f"{layer.label_en}: spans (alpha_U)", layer.unitizing)
            for attribute in layer.attributes:
                self._add_row(f"{layer.label_en}: {attribute.label_en}", attribute.overall, attribute.ac1)
        for field in s.document_fields:
            self._add_row(f"Document: {field.label_en}", field.overall, field.ac1)
        if s.actor_sets:
            self._add_row("Actors in the document (MASI)", s.actor_sets.overall)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _add_row(self, name: str, est: Estimate, ac1: KappaResult | None = None) -> None:
        """One variable; ``ac1`` is Gwet's AC1 for nominal variables (read beside alpha under skew)."""
        row = self.table.rowCount()
        self.table.insertRow(row)
        ci = "—" if math.isnan(est.low) else f"[{est.low:.3f}, {est.high:.3f}]"
        value = "undefined" if math.isnan(est.value) else f"{est.value:.3f}"
        gwet = "" if ac1 is None or math.isnan(ac1.value) else f"{ac1.value:.3f}"
        cells = (name, str(est.n_units), value, ci, est.band, gwet)
        for column, text in enumerate(cells):
            item = QTableWidgetItem(text)
            if column in (1, 2, 3, 5):
                item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
            if column == 4:
                item.setBackground(QBrush(QColor(BAND_COLORS[est.band])))
                item.setForeground(QBrush(QColor("white")))
            if est.note:
                item.setToolTip(est.note)
            self.table.setItem(row, column, item)

    def open_report(self) -> Path | None:
        """Write the HTML report to a temporary file and open it in the default browser."""
        if self.summary is None:
            return None
        folder = Path(tempfile.mkdtemp(prefix="annotator-agreement-"))
        self.report_path = write_html(folder / "agreement.html", self.summary,
                                      project_texts(self.project, self.summary), codebook=self.project.codebook,
                                      source=str(self.project.path))
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(self.report_path)))
        return self.report_path

    def save_pdf(self) -> Path | None:
        """Ask where, then print the report to PDF (Qt shapes the Arabic)."""
        if self.summary is None:
            return None
        name, _ = QFileDialog.getSaveFileName(self, "Save the agreement report", "agreement.pdf", "PDF (*.pdf)")
        if not name:
            return None
        html = render_html(self.summary, project_texts(self.project, self.summary), codebook=self.project.codebook,
                           source=str(self.project.path))
        return write_pdf(html, name)
