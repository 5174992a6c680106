"""Fixtures for the agreement tests: the sample corpus with the three demo coders' coding."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.demo import add_demo_coding
from annotator.importer import import_paths
from annotator.paths import SAMPLE_CORPUS
from annotator.store import Project


def build_demo_project(path: Path) -> Path:
    """The sample corpus plus add_demo_coding: 3 coders, every document assigned, coding marked done."""
    project = Project.open(path, create=True)
    import_paths(project, [SAMPLE_CORPUS])
    add_demo_coding(project)
    project.close()
    return path


@pytest.fixture(scope="session")
def demo_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Built once per test session; tests only read it."""
    return build_demo_project(tmp_path_factory.mktemp("demo") / "demo.annotator.db")


@pytest.fixture
def demo(demo_path: Path) -> Project:
    project = Project.open(demo_path, create=False)
    yield project
    project.close()
