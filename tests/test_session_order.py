"""The session keeps the open document's spans in text order by bisection (one edit, one
insertion) and numbers their versions: after any run of creates, edge changes, field edits,
deletes, undos and redos, its list is what sorting all spans gives, and the span version changes
exactly when a span was added, removed or moved."""

from __future__ import annotations

import random

from conftest import ARTICLE

from annotator.session import CodingSession
from annotator.store import Project


def text_order(session: CodingSession) -> list[str]:
    """The session's spans sorted as it sorted them before keeping the order by bisection (ties in
    the order shown); also checks that they are the stored spans."""
    rows = {a.id: a for a in session.project.annotations("doc-1", "mona")}
    shown = {a.id: a for a in session.annotations}
    assert rows.keys() == shown.keys()
    return [a.id for a in sorted(shown.values(), key=lambda a: (a.start, -a.end, a.created_at or ""))]


def test_spans_stay_in_text_order_through_random_edits(project: Project) -> None:
    session = CodingSession(project, "mona")
    session.open("doc-1")
    rng = random.Random(13)
    for step in range(150):
        spans = session.annotations
        roll = rng.random()
        before = session.span_version
        if roll < 0.35 or not spans:
            start = rng.randrange(0, len(ARTICLE) - 10)
            session.create(rng.choice(["actor", "source"]), start, start + rng.randrange(1, 10))
            assert session.span_version != before
        elif roll < 0.5:
            target = rng.choice(spans)
            session.update(target.id, start=max(0, target.start - 1))
            assert (session.span_version != before) == (target.start > 0)
        elif roll < 0.65:
            actors = [a for a in spans if a.layer == "actor"]
            if actors:
                session.update(rng.choice(actors).id, attrs={"role": rng.choice(["target", "perpetrator"])})
                assert session.span_version == before  # fields only: no span added, removed or moved
        elif roll < 0.8:
            session.delete(rng.choice(spans).id)
            assert session.span_version != before
        elif roll < 0.9 and session.can_undo():
            session.undo()
        elif session.can_redo():
            session.redo()
        assert [a.id for a in session.annotations] == text_order(session), f"step {step}"
    session.open("doc-1")  # read again from the store: the same order
    assert [a.id for a in session.annotations] == text_order(session)
