"""Where the bundled files and the user's default project live."""

from __future__ import annotations

from pathlib import Path

import platformdirs

# resources/ and sample_corpus/ sit beside the package in the repository (the Quick start installs
# the package in editable mode, so they are found from a clone without copying).
ROOT = Path(__file__).resolve().parent.parent
RESOURCES = ROOT / "resources"
SAMPLE_CORPUS = ROOT / "sample_corpus"
DEFAULT_CODEBOOK = RESOURCES / "codebook.yaml"

APP_NAME = "annotator"


def data_dir() -> Path:
    """The user's data folder for annotator (created on demand)."""
    path = Path(platformdirs.user_data_dir(APP_NAME, appauthor=False))
    path.mkdir(parents=True, exist_ok=True)
    return path


def default_project_path() -> Path:
    return data_dir() / "sample-project.annotator.db"
