"""Starting the window: the QApplication, the coder's name, and the last guard against tracebacks."""

from __future__ import annotations

import sys
import traceback
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QInputDialog, QMessageBox

from annotator.default_project import join_project
from annotator.paths import APP_NAME, data_dir
from annotator.store import Project, ProjectError
from annotator.ui.fonts import arabic_families


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    font = QFont(app.font())
    font.setFamilies([font.family()] + arabic_families())  # Arabic titles in lists and forms
    app.setFont(font)
    return app  # type: ignore[return-value]


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Errors inside Qt slots: a sentence for the coder, the traceback for the log file."""
    log = data_dir() / "crash.log"
    with log.open("a", encoding="utf-8") as fh:
        traceback.print_exception(kind, exc, tb, file=fh)
    QMessageBox.critical(None, "annotator",
                         f"Something went wrong: {exc}\n\nYour saved work is safe. Details were written to {log}.")


def choose_coder(project: Project, settings: QSettings, wanted: str | None) -> str | None:
    """The coder to work as: --coder, else the last one used here, else ask (and remember)."""
    coder = wanted or settings.value("coder")
    if not isinstance(coder, str) or not coder.strip():
        # An empty first entry: a newcomer types their name instead of becoming someone else.
        names = [""] + project.coders()
        coder, ok = QInputDialog.getItem(None, "annotator", "Your name (pick or type a new one) · اسمك:",
                                         names, 0, True)
        if not ok or not coder.strip():
            return None
    coder = coder.strip()
    join_project(project, coder)
    settings.setValue("coder", coder)
    return coder


def run(project_path: Path, coder: str | None = None) -> int:
    """Open the coder's window on a project; returns the exit status."""
    from annotator.ui.main_window import MainWindow

    app = application()
    sys.excepthook = _excepthook
    try:
        project = Project.open(project_path)
    except ProjectError as exc:
        QMessageBox.critical(None, "annotator", str(exc))
        return 1
    settings = QSettings()
    try:
        name = choose_coder(project, settings, coder)
        if name is None:
            return 0
        window = MainWindow(project, name, settings=settings)
    except ProjectError as exc:
        QMessageBox.critical(None, "annotator", str(exc))
        return 1
    window.show()
    try:
        return app.exec()
    finally:
        project.close()
