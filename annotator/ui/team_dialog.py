"""The lead's team dialog: per-coder progress, and assignment with overlap.

A face over :mod:`annotator.team`: the progress table shows what ``annotator status`` prints, and
the assignment half plans with :func:`annotator.team.assign.plan_assignment` (Preview shows the
plan, Assign writes it in one transaction). Names and numbers are shown as plain text.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtWidgets import (QCheckBox, QDialog, QDialogButtonBox, QDoubleSpinBox, QFormLayout, QGroupBox,
                               QHBoxLayout, QHeaderView, QLabel, QLineEdit, QListView, QListWidget, QListWidgetItem,
                               QPushButton, QSpinBox, QTableWidget, QTableWidgetItem, QVBoxLayout, QWidget)

from annotator.store import Project, ProjectError
from annotator.team.assign import AssignmentPlan, plan_assignment
from annotator.team.status import COLUMNS, progress_cells, team_status

NUMBER_COLUMNS = range(2, 9)  # assigned ... spans: right-aligned


class TeamDialog(QDialog):
    """Progress per coder (done / in progress / to do, time spent) and the assignment planner."""

    def __init__(self, project: Project, parent: QWidget | None = None):
        super().__init__(parent)
        self.project = project
        self.plan: AssignmentPlan | None = None
        self.setWindowTitle("Team: progress and assignment")
        self.resize(860, 620)

        self.table = QTableWidget(0, len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels([c.capitalize() for c in COLUMNS])
        self.table.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        self.summary = QLabel(self)
        self.summary.setTextFormat(Qt.TextFormat.PlainText)
        self.summary.setWordWrap(True)

        self.coders = QListWidget(self)
        self.coders.setFlow(QListView.Flow.LeftToRight)
        self.coders.setWrapping(True)
        self.coders.setResizeMode(QListView.ResizeMode.Adjust)
        self.coders.setMaximumHeight(3 * self.coders.fontMetrics().height() + 12)
        for name in project.coders():
            item = QListWidgetItem(name, self.coders)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            checked = project.coder_role(name) == "coder"
            item.setCheckState(Qt.CheckState.Checked if checked else Qt.CheckState.Unchecked)
        self.overlap = QDoubleSpinBox(self)
        self.overlap.setRange(0.0, 1.0)
        self.overlap.setSingleStep(0.05)
        self.overlap.setValue(0.2)
        self.per_doc = QSpinBox(self)
        self.per_doc.setRange(2, 3)
        self.seed = QLineEdit(self)
        self.seed.setPlaceholderText("empty: draw a new seed")
        self.by_outlet = QCheckBox("Draw the sample from each outlet in proportion", self)
        self.preview_button = QPushButton("Preview", self)
        self.preview_button.clicked.connect(self.preview)
        self.assign_button = QPushButton("Assign", self)
        self.assign_button.clicked.connect(self.assign)
        self.plan_text = QLabel(self)
        self.plan_text.setTextFormat(Qt.TextFormat.PlainText)
        self.plan_text.setWordWrap(True)
        self.plan_text.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)

        form = QFormLayout()
        form.addRow("Coders:", self.coders)
        form.addRow("Reliability sample (share of documents):", self.overlap)
        form.addRow("Coders per sampled document:", self.per_doc)
        form.addRow("Seed:", self.seed)
        form.addRow("", self.by_outlet)
        buttons_row = QHBoxLayout()
        buttons_row.addStretch(1)
        buttons_row.addWidget(self.preview_button)
        buttons_row.addWidget(self.assign_button)
        group = QGroupBox("Assign documents", self)
        group_layout = QVBoxLayout(group)
        group_layout.addLayout(form)
        group_layout.addLayout(buttons_row)
        group_layout.addWidget(self.plan_text)

        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("Progress", self))
        layout.addWidget(self.table, 1)
        layout.addWidget(self.summary)
        layout.addWidget(group)
        layout.addWidget(close)
        self.refresh()

    def refresh(self) -> None:
        """Reload the progress table from the project."""
        status = team_status(self.project)
        self.table.setRowCount(0)
        for progress in status.coders:
            row = self.table.rowCount()
            self.table.insertRow(row)
            for column, text in enumerate(progress_cells(progress)):
                item = QTableWidgetItem(text)
                if column in NUMBER_COLUMNS:
                    item.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                self.table.setItem(row, column, item)
        self.table.resizeColumnsToContents()
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        parts = [f"Reliability sample: {status.sample} documents assigned to two or more coders, "
                 f"{status.sample_done} finished by two or more."]
        if status.copies_out:
            parts.append(f"{len(status.copies_out)} coder copies out, not merged yet "
                         f"({', '.join(sorted({coder for _id, coder, _file, _at in status.copies_out}))}).")
        if status.conflicts:
            parts.append(f"{status.conflicts} merge conflicts wait: annotator merge --conflicts.")
        self.summary.setText(" ".join(parts))

    def chosen_coders(self) -> list[str]:
        items = (self.coders.item(row) for row in range(self.coders.count()))
        return [item.text() for item in items if item.checkState() == Qt.CheckState.Checked]

    def preview(self) -> AssignmentPlan | None:
        """Plan with the settings shown and describe the plan (nothing is written)."""
        self.plan = None
        seed_text = self.seed.text().strip()
        if seed_text and not seed_text.isdigit():
            self.plan_text.setText(f"The seed is a whole number, not {seed_text!r}.")
            return None
        try:
            self.plan = plan_assignment(self.project, self.chosen_coders(), overlap=self.overlap.value(),
                                        per_doc=self.per_doc.value(), seed=int(seed_text) if seed_text else None,
                                        by_outlet=self.by_outlet.isChecked())
        except (ProjectError, ValueError) as exc:
            self.plan_text.setText(f"No plan: {exc}")
            return None
        self.seed.setText(str(self.plan.seed))  # so that Assign writes the plan previewed
        self.plan_text.setText(self.plan.summary())
        return self.plan

    def assign(self) -> None:
        """Write the plan previewed (or plan now), then show the new progress."""
        plan = self.preview()
        if plan is None:
            return
        try:
            plan.apply(self.project)
        except ProjectError as exc:
            self.plan_text.setText(f"Nothing was assigned: {exc}")
            return
        self.plan_text.setText("Assigned. " + plan.summary())
        self.refresh()
