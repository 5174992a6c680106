"""The change log read a page at a time (Project.changes(limit=...)) and streamed
(Project.iter_changes): the same entries, in the same order, as reading it whole."""

from __future__ import annotations

from itertools import islice

from conftest import ARTICLE, span_of

from annotator.store import Project


def coded(project: Project) -> Project:
    start, end = span_of(ARTICLE, "قسد")
    for _ in range(4):
        ann = project.create_annotation("mona", "doc-1", "actor", start, end)
        project.update_annotation("mona", ann.id, attrs={"role": "target"})
        project.set_label("omar", "doc-1", "relevant", True)
        project.set_label("omar", "doc-1", "relevant", None)
    return project


def test_pages_read_one_after_another_are_the_whole_log(project: Project) -> None:
    whole = coded(project).changes()
    pages, since = [], 0
    while page := project.changes(since=since, limit=3):
        assert len(page) <= 3
        pages.append(page)
        since = page[-1].seq
    assert [c for page in pages for c in page] == whole
    assert len(pages) == -(-len(whole) // 3)


def test_streaming_yields_the_log_as_filtered(project: Project) -> None:
    coded(project)
    assert list(project.iter_changes(page=2)) == project.changes()
    assert list(project.iter_changes(page=2, coder="omar", actions=["set_label"])) == \
        project.changes(coder="omar", actions=["set_label"])
    since = project.changes()[5].seq
    assert list(project.iter_changes(page=4, since=since, document_id="doc-1")) == \
        project.changes(since=since, document_id="doc-1")


def test_streaming_reads_a_page_at_a_time(project: Project) -> None:
    coded(project)
    stream = project.iter_changes(page=2)
    first = list(islice(stream, 2))
    start, end = span_of(ARTICLE, "مصادر")
    project.create_annotation("mona", "doc-1", "actor", start, end)  # logged while the stream is open
    rest = list(stream)
    assert first + rest == project.changes()  # later pages are read when reached, so they hold it
    assert rest[-1].action == "create_annotation"
