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


@pytest.mark.sqlite_only  # a locked file; a server's lost connection: tests/server/test_live.py
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


# -- the same coder in two windows (two connections, as two processes have) ----------------------------


@pytest.fixture
def other(project: Project) -> CodingSession:
    """The same coder's second window: its own connection to the file, on the same document."""
    second = Project.open(project.path)
    s = CodingSession(second, "mona")
    s.open("doc-1")
    yield s
    second.close()


def lock(project: Project) -> sqlite3.Connection:
    """Another program holds the write lock; the project's writes give up after 50 ms."""
    blocker = sqlite3.connect(str(project.path), timeout=0)
    blocker.execute("BEGIN IMMEDIATE")
    project.db.execute("PRAGMA busy_timeout = 50")
    return blocker


@pytest.mark.sqlite_only  # a lock held by another program on the file
def test_an_edit_refused_because_another_window_deleted_the_span_blocks_nothing(
        session: CodingSession, other: CodingSession, project: Project) -> None:
    ann = other.create("actor", *span_of(ARTICLE, "قسد"))
    session.open("doc-1")  # this window shows the span too
    blocker = lock(project)
    session.update(ann.id, attrs={"role": "target"})  # queued behind the lock
    casualty = session.create("casualty", *span_of(ARTICLE, "١٢ مدنياً"))  # queued behind it
    assert len(session.pending) == 2
    blocker.rollback()
    blocker.close()
    other.delete(ann.id)
    assert session.flush() and session.saved  # the refused edit is dropped, the one behind it written
    assert stored(project) == [("casualty", "١٢ مدنياً", {})]
    assert [a.id for a in session.annotations] == [casualty.id]  # the window shows what is stored
    [refusal] = session.take_refused()
    assert refusal.edit == "edit fields of actor «قسد»" and "deleted in another window" in refusal.reason
    assert session.undo_text() == "create casualty «١٢ مدنياً»"  # the refused edit left the history
    session.update(casualty.id, attrs={"outcome": "killed"})  # later edits are saved at once
    assert stored(project) == [("casualty", "١٢ مدنياً", {"outcome": "killed"})]
    session.open("doc-2")  # and the coder can leave the document
    assert project.check() == []


@pytest.mark.sqlite_only  # a lock held by another program on the file
def test_an_old_queued_delete_never_removes_a_span_restored_in_another_window(
        session: CodingSession, other: CodingSession, project: Project) -> None:
    ann = other.create("actor", *span_of(ARTICLE, "قسد"), {"role": "target"})
    session.open("doc-1")
    blocker = lock(project)
    session.delete(ann.id)  # queued
    blocker.rollback()
    blocker.close()
    other.delete(ann.id)
    other.undo()  # the other window restores the span, same id and content
    assert session.flush()
    assert stored(project) == [("actor", "قسد", {"role": "target"})]  # still there
    assert [a.id for a in session.annotations] == [ann.id]  # and shown again here
    [refusal] = session.take_refused()
    assert refusal.edit == "delete actor «قسد»" and "changed in another window" in refusal.reason
    deletes = [c for c in project.changes(document_id="doc-1") if c.action == "delete_annotation"]
    assert len(deletes) == 1  # only the other window's delete is logged


def test_a_stale_edit_is_refused_and_shown_never_written_over_the_newer_one(
        session: CodingSession, other: CodingSession, project: Project) -> None:
    ann = session.create("actor", *span_of(ARTICLE, "قسد"))
    other.open("doc-1")
    other.update(ann.id, attrs={"role": "perpetrator"})  # first write wins
    session.update(ann.id, attrs={"role": "target"})  # made on the version before it: refused
    assert stored(project) == [("actor", "قسد", {"role": "perpetrator"})]
    assert session.annotation(ann.id).attrs == {"role": "perpetrator"}  # the window shows the stored one
    assert "changed in another window" in session.take_refused()[0].reason
    session.update(ann.id, attrs={"role": "target"})  # now on the current version: written
    assert stored(project) == [("actor", "قسد", {"role": "target"})]
    assert session.take_refused() == []
    other.set_label("relevant", True)
    session.set_label("relevant", False)  # this window still showed it empty
    assert project.labels("doc-1", "mona") == {"relevant": True} and session.labels == {"relevant": True}
    assert "changed in another window" in session.take_refused()[0].reason


@pytest.mark.sqlite_only  # a lock held by another program on the file
def test_a_refused_edit_drops_the_queued_edits_built_on_it_and_keeps_the_rest(
        session: CodingSession, other: CodingSession, project: Project) -> None:
    actor = session.create("actor", *span_of(ARTICLE, "قسد"))
    casualty = session.create("casualty", *span_of(ARTICLE, "١٢ مدنياً"))
    other.open("doc-1")
    blocker = lock(project)
    session.update(actor.id, attrs={"role": "target"})  # will be refused
    session.set_links(casualty.id, "perpetrator", [actor.id])  # built on the actor as shown here
    session.set_label("relevant", True)  # independent
    blocker.rollback()
    blocker.close()
    other.update(actor.id, attrs={"role": "perpetrator"})
    assert session.flush()
    refused = session.take_refused()
    assert [r.edit for r in refused] == ["edit fields of actor «قسد»", "link perpetrator of casualty «١٢ مدنياً»"]
    assert "refused edit" in refused[1].reason
    assert project.links("doc-1") == [] and project.labels("doc-1", "mona") == {"relevant": True}
    assert session.links == [] and session.labels == {"relevant": True}


def test_restoring_a_span_with_its_links_is_one_transaction(
        session: CodingSession, other: CodingSession, project: Project) -> None:
    actor = session.create("actor", *span_of(ARTICLE, "قسد"))
    casualty = session.create("casualty", *span_of(ARTICLE, "١٢ مدنياً"))
    session.set_links(casualty.id, "perpetrator", [actor.id])
    session.delete(casualty.id)
    other.open("doc-1")
    other.delete(actor.id)  # the link's other end goes away elsewhere
    before = len(project.changes())
    session.undo()  # restoring the casualty needs its link to the actor: all or nothing
    assert session.saved and "deleted in another window" in session.take_refused()[0].reason
    assert stored(project) == [] and len(project.changes()) == before
    assert session.annotations == [] and project.check() == []
