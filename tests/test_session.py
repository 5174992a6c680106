"""The coder's editing session: autosave, undo/redo across documents, and refused writes kept."""

from __future__ import annotations

import sqlite3

import pytest
from conftest import ARTICLE, span_of

from annotator.session import CodingSession
from annotator.store import InvalidValueError, Project


@pytest.fixture
def session(project: Project) -> CodingSession:
    s = CodingSession(project, "mona")
    s.open("doc-1")
    return s


def stored(project: Project, document_id: str = "doc-1") -> list[tuple[str, str, dict]]:
    return [(a.layer, a.quote, a.attrs) for a in project.annotations(document_id, "mona")]


def test_each_edit_is_in_the_database_at_once(session: CodingSession, project: Project) -> None:
    ann = session.create("actor", *span_of(ARTICLE, "قسد"))
    assert stored(project) == [("actor", "قسد", {})]
    session.update(ann.id, attrs={"role": "perpetrator"})
    assert stored(project) == [("actor", "قسد", {"role": "perpetrator"})]
    session.set_label("relevant", True)
    assert project.labels("doc-1", "mona") == {"relevant": True}
    assert session.saved


def test_undo_and_redo_cover_every_kind_of_edit(session: CodingSession, project: Project) -> None:
    actor = session.create("actor", *span_of(ARTICLE, "قسد"), {"role": "target"})
    casualty = session.create("casualty", *span_of(ARTICLE, "١٢ مدنياً"))
    session.set_links(casualty.id, "perpetrator", [actor.id])
    session.update(actor.id, attrs={"role": "perpetrator"})
    session.update(actor.id, start=actor.start - 1)
    session.set_label("event_type", ["battles"])
    session.delete(actor.id)
    assert project.links("doc-1") == []
    snapshots = []
    while session.can_undo():
        snapshots.append((stored(project), [(l.from_id, l.to_id) for l in project.links("doc-1")],
                          project.labels("doc-1", "mona")))
        session.undo()
    assert stored(project) == [] and project.labels("doc-1", "mona") == {}
    while session.can_redo():
        session.redo()
        assert (stored(project), [(l.from_id, l.to_id) for l in project.links("doc-1")],
                project.labels("doc-1", "mona")) == snapshots.pop()
    assert project.check() == []


def test_undoing_a_delete_restores_links_with_their_ids(session: CodingSession, project: Project) -> None:
    actor = session.create("actor", *span_of(ARTICLE, "قسد"))
    casualty = session.create("casualty", *span_of(ARTICLE, "١٢ مدنياً"))
    session.set_links(casualty.id, "perpetrator", [actor.id])
    links = project.links("doc-1")
    session.delete(actor.id)
    session.undo()
    assert project.links("doc-1") == links == session.links


def test_undo_survives_switching_documents(session: CodingSession, project: Project) -> None:
    session.create("actor", *span_of(ARTICLE, "قسد"))
    session.open("doc-2")
    session.create("actor", 0, 5)
    assert session.undo() == "doc-2"
    assert session.undo() == "doc-1"
    assert session.document.id == "doc-1"
    assert project.annotations(coder="mona") == []


def test_invalid_edits_change_nothing(session: CodingSession, project: Project) -> None:
    with pytest.raises(InvalidValueError):
        session.create("casualty", *span_of(ARTICLE, "١٢ مدنياً"), {"low": 20, "best": 12})
    assert session.annotations == [] and not session.can_undo()


def test_a_refused_write_is_kept_visible_and_retried(session: CodingSession, project: Project) -> None:
    blocker = sqlite3.connect(str(project.path), timeout=0)
    blocker.execute("BEGIN IMMEDIATE")  # another program holds the write lock
    project.db.execute("PRAGMA busy_timeout = 50")
    ann = session.create("actor", *span_of(ARTICLE, "قسد"))
    session.update(ann.id, attrs={"role": "target"})
    assert not session.saved and "locked" in session.last_error
    assert [a.attrs for a in session.annotations] == [{"role": "target"}]  # still shown
    assert not session.flush()
    blocker.rollback()
    blocker.close()
    assert session.flush() and session.saved and session.last_error is None
    assert stored(project) == [("actor", "قسد", {"role": "target"})]


def test_time_is_recorded_when_leaving_a_document(session: CodingSession, project: Project) -> None:
    session.open("doc-2")
    assert project.assignment("mona", "doc-1").seconds_spent > 0


def test_proposals_wait_for_the_coder_and_count_as_missing(session: CodingSession, project: Project) -> None:
    casualty = session.create("casualty", *span_of(ARTICLE, "١٢ مدنياً"), {"best": 12})
    proposed = session.propose(casualty.id, {"low": 12, "best": 99, "quantifier": "exact"})
    assert proposed == {"low": 12, "quantifier": "exact"}  # never over a stored value
    assert project.annotation(casualty.id).attrs == {"best": 12}  # nothing stored
    assert any("proposed low, quantifier not confirmed" in p for p in session.missing())
    with pytest.raises(Exception, match="not confirmed"):
        session.mark_done()
    session.discard_proposal(casualty.id, "quantifier")  # the coder chose the field themselves
    assert session.proposals(casualty.id) == {"low": 12}
    session.accept_proposals(casualty.id)
    assert project.annotation(casualty.id).attrs == {"best": 12, "low": 12}
    assert session.proposals(casualty.id) == {} and not any("proposed" in p for p in session.missing())
    session.undo()  # accepting is one edit, undone like any other
    assert project.annotation(casualty.id).attrs == {"best": 12}
    assert session.accept_proposals(casualty.id) is None  # accepted proposals are not offered again
