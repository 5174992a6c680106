"""Qt fixtures for the widget tests: offscreen platform, the bundled Arabic font, the codebook."""

from __future__ import annotations

import os

# Before anything imports Qt: no display in CI.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

import pytest  # noqa: E402
from PySide6.QtWidgets import QApplication  # noqa: E402

from annotator.codebook import Codebook  # noqa: E402
from annotator.ui.fonts import arabic_families  # noqa: E402


@pytest.fixture(scope="session")
def font_families(qapp: QApplication) -> list[str]:
    """The app's Arabic font chain, registered once, so layout and screenshots match the app."""
    return arabic_families()


@pytest.fixture(scope="session")
def codebook() -> Codebook:
    return Codebook.default()
