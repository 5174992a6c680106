"""The default project: created on first run from the sample corpus, with the demo coding."""

from __future__ import annotations

from pathlib import Path

from annotator.default_project import ensure_default_project, join_project
from annotator.paths import default_project_path
from annotator.store import Project


def test_first_run_creates_the_sample_project_in_the_data_folder() -> None:
    path = ensure_default_project()
    assert path == default_project_path() and path.exists()
    assert "annotator" in str(path.parent)
    with Project.open(path) as project:
        assert project.count_documents() >= 12
        # three demo coders to compare, one demo lead to adjudicate
        assert {c: project.coder_role(c) for c in project.coders()} == {
            "demo-amal": "coder", "demo-bilal": "coder", "demo-chadi": "coder", "demo-lead": "adjudicator"}
        assert project.check() == []


def test_a_second_run_reuses_the_project(tmp_path: Path) -> None:
    path = ensure_default_project(tmp_path / "p.db")
    stamp = path.stat().st_mtime_ns
    assert ensure_default_project(path) == path and path.stat().st_mtime_ns == stamp


def test_a_new_coder_gets_every_sample_document(tmp_path: Path) -> None:
    path = ensure_default_project(tmp_path / "p.db")
    with Project.open(path) as project:
        join_project(project, "mona")
        assert len(project.assignments("mona")) == project.count_documents()
        assert {a.status for a in project.assignments("mona")} == {"todo"}


def test_the_reliability_sample_is_what_the_demo_coders_coded(tmp_path: Path) -> None:
    path = ensure_default_project(tmp_path / "p.db")
    with Project.open(path) as project:
        join_project(project, "mona")
        coded = {a.document_id for a in project.annotations()}
        shared = {d for d in project.document_ids() if len(project.coders_of(d)) >= 2}
        assert shared == coded
        assert set(project.document_ids()) - shared  # where a newcomer gets suggestions by default
