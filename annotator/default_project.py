"""The project used when no ``--project`` is given: the sample corpus in the user's data folder."""

from __future__ import annotations

from pathlib import Path

from annotator.demo import add_demo_coding
from annotator.importer import import_paths
from annotator.paths import SAMPLE_CORPUS, default_project_path
from annotator.store import Project

# New coders in the sample project get every document, so a first run has work to show.
AUTO_ASSIGN = "auto_assign_new_coders"
DEMO_ADJUDICATOR = "demo-lead"


def ensure_default_project(path: Path | None = None) -> Path:
    """Create the default project (sample corpus, bundled codebook, demo coding) if it is missing."""
    path = path or default_project_path()
    if path.exists():
        return path
    partial = path.with_name(path.name + ".partial")
    for leftover in (partial, Path(f"{partial}-wal"), Path(f"{partial}-shm")):
        leftover.unlink(missing_ok=True)
    with Project.open(partial, create=True) as project:
        import_paths(project, [SAMPLE_CORPUS])
        add_demo_coding(project)  # three demo coders, so agreement has something to measure
        project.add_coder(DEMO_ADJUDICATOR, "adjudicator")  # and someone to turn their work into gold
        project.set_setting(AUTO_ASSIGN, "1")
    # Only a complete project takes the real name, so an interrupted first run starts over cleanly.
    partial.rename(path)
    return path


def join_project(project: Project, coder: str) -> None:
    """Add a coder; in a project that auto-assigns, give them every document."""
    project.add_coder(coder)
    if project.setting(AUTO_ASSIGN) == "1":
        project.assign(project.document_ids(), coder)
