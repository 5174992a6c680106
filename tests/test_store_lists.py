"""What the window reads in one query: a coder's document list (Project.assignment_list)."""

from __future__ import annotations

from annotator.store import Project


def test_assignment_list_is_the_coders_documents_with_titles_and_status_in_project_order(project: Project) -> None:
    project.set_status("mona", "doc-2", "done")
    assert project.assignment_list("mona") == [("doc-1", "غارة على الحوامة", "todo"), ("doc-2", "بيان", "done")]
    assert project.assignment_list("omar") == [("doc-1", "غارة على الحوامة", "todo")]
    expected = [(a.document_id, project.document(a.document_id).title, a.status) for a in project.assignments("mona")]
    assert project.assignment_list("mona") == expected
