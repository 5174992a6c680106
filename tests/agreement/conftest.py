"""Fixtures for the agreement tests: the sample corpus with the three demo coders' coding."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.demo import add_demo_coding
from annotator.importer import import_paths
from annotator.paths import SAMPLE_CORPUS
from annotator.store import Project


def build_demo_project(location: Path | str) -> Path | str:
    """The sample corpus plus add_demo_coding: 3 coders, every document assigned, coding marked done."""
    project = Project.open(location, create=True)
    import_paths(project, [SAMPLE_CORPUS])
    add_demo_coding(project)
    project.close()
    return location


@pytest.fixture
def demo_location(shared_location: Callable[..., Path | str]) -> Path | str:
    """Built once per test session and engine; tests only read it (or copy it)."""
    return shared_location("demo", build_demo_project)


@pytest.fixture
def demo(demo_location: Path | str) -> Project:
    project = Project.open(demo_location, create=False)
    yield project
    project.close()
