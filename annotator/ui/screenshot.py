"""Render the coder's window with a document and its annotations to a PNG, without a screen."""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

from PySide6.QtCore import QSettings

from annotator.store import Project, ProjectError


def render_window(project_path: Path, document_id: str, output: Path, *, coder: str | None = None,
                  size: tuple[int, int] = (1500, 900)) -> Path:
    """Save a screenshot of the window showing ``document_id`` as ``coder`` codes it."""
    if not os.environ.get("DISPLAY") and not os.environ.get("WAYLAND_DISPLAY"):
        os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")
    from annotator.ui.app import application
    from annotator.ui.main_window import MainWindow

    app = application()
    with Project.open(project_path, create=False) as project:
        project.document(document_id)
        coder = coder or _busiest_coder(project, document_id)
        # A throwaway settings file: a screenshot must not move the coder's own window state.
        with tempfile.TemporaryDirectory() as tmp:
            settings = QSettings(str(Path(tmp) / "screenshot.ini"), QSettings.Format.IniFormat)
            window = MainWindow(project, coder, settings=settings)
            window.resize(*size)
            window.open_document(document_id)
            annotations = window.session.annotations
            if annotations:
                casualty = next((a for a in annotations if a.layer == "casualty"), annotations[0])
                window.select_annotation(casualty.id)
            window.show()
            for _ in range(5):  # layouts settle over a few event-loop rounds
                app.processEvents()
            output.parent.mkdir(parents=True, exist_ok=True)
            if not window.grab().save(str(output)):
                raise ProjectError(f"{output}: could not write the PNG")
            window.close()
    return output


def _busiest_coder(project: Project, document_id: str) -> str:
    counts: dict[str, int] = {}
    for ann in project.annotations(document_id):
        counts[ann.coder] = counts.get(ann.coder, 0) + 1
    if counts:
        return max(counts, key=counts.get)
    coders = project.coders()
    if not coders:
        raise ProjectError(f"{project.path}: no coders yet; add one with `annotator add-coder NAME`")
    return coders[0]
