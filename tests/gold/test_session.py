"""The adjudication session: each decision one logged transaction with its provenance, undo and
redo across documents, mark done, and coders' later edits flagged, never merged."""

from __future__ import annotations

import pytest

from annotator.gold import Adjudication, FieldItem, LinkItem, SpanItem, project_progress
from annotator.model import Document
from annotator.store import InvalidValueError, NotReadyError, Project, ProjectError
from tests.gold.conftest import ARMY, code, span


def _span(adj: Adjudication, layer: str, quote: str) -> SpanItem:
    start, end = span(quote)
    return next(s for s in adj.candidates.spans if s.layer == layer and s.start <= start and end <= s.end)


def _link(adj: Adjudication, kind: str) -> LinkItem:
    return next(l for l in adj.candidates.links if l.kind == kind)


def _field(adj: Adjudication, field: str) -> FieldItem:
    return next(f for f in adj.candidates.fields if f.field == field)


@pytest.fixture
def adj(gold_project: Project) -> Adjudication:
    session = Adjudication(gold_project, "lead")
    session.open("g-1")
    return session


def test_open_needs_two_coders_and_an_adjudicator(gold_project: Project) -> None:
    with pytest.raises(InvalidValueError, match="adjudicator"):
        Adjudication(gold_project, "a")
    session = Adjudication(gold_project, "lead")
    with pytest.raises(ProjectError, match="finished by 1 coder"):
        session.open("g-2")
    session.open("g-1")
    assert session.coders == ("a", "b", "c") and session.status == "todo"
    assert [a.quote for a in session.coder_annotations("c")][0] == "وزارة الصحة"
    assert session.coder_labels("c")["event_date"] == "2024-03-17"
    assert len(session.coder_links("a")) == 2


def test_accept_records_provenance_by_support(adj: Adjudication) -> None:
    project = adj.project
    seq = len(project.changes())
    casualty = _span(adj, "casualty", "خمسة مدنيين")
    taken = adj.accept(casualty.id, "c")  # c alone has this victim group
    assert taken.provenance.decision == "chosen" and taken.provenance.source_coders == ("c",)
    assert taken.provenance.adjudicator == "lead" and taken.attrs["victim_group"] == "unknown"
    assert set(taken.covers) == set(casualty.annotation_ids)
    assert len(project.changes()) == seq + 1 and project.changes()[-1].action == "gold_accept"
    assert project.changes()[-1].payload["item"] == casualty.id
    again = adj.accept(casualty.id, "a")  # changing one's mind replaces the decision, same gold id
    assert again.id == taken.id and again.provenance.decision == "majority"
    assert again.provenance.source_coders == ("a", "b")
    source = _span(adj, "source", "وزارة الصحة")
    assert adj.accept(source.id, "b").provenance.decision == "unanimous"
    assert adj.item(casualty.id).resolved and adj.status == "in_progress"
    with pytest.raises(InvalidValueError, match="no actor span"):
        adj.accept(_span(adj, "actor", "الجيش").id, "c")


def test_reject_edit_new_and_retract(adj: Adjudication) -> None:
    strike = _span(adj, "actor", "غارة جوية")
    rejected = adj.reject(strike.id)
    assert rejected.provenance.decision == "rejected" and rejected.provenance.source_coders == ("a", "b")
    assert adj.gold_annotations() == [] and adj.gold_annotations(include_rejected=True) == [rejected]
    assert adj.item(strike.id).resolved

    army = adj.accept(_span(adj, "actor", "الجيش").id, "a")
    edited = adj.edit(army.id, attrs={**ARMY, "role": "target"})
    assert edited.provenance.decision == "edited" and edited.provenance.source_coders == ("a", "b")
    assert adj.project.gold_annotation(army.id).attrs["role"] == "target"
    start, end = span("الحوامة")
    moved = adj.edit(army.id, start=start, end=end)
    assert moved.quote == "الحوامة"
    with pytest.raises(InvalidValueError, match="rejected"):
        adj.edit(rejected.id, attrs={})

    start, end = span("بتنفيذها")
    new = adj.new("actor", start, end, {**ARMY, "name": "مجهول"})
    assert new.provenance.decision == "new" and new.quote == "بتنفيذها" and new.covers == ()
    adj.retract(army.id)
    assert not adj.item(_span(adj, "actor", "الجيش").id).resolved


def test_fields_and_links(adj: Adjudication) -> None:
    label = adj.accept(_field(adj, "event_date").id, "c")
    assert (label.value, label.provenance.decision, label.provenance.source_coders) == ("2024-03-17", "chosen", ("c",))
    emptied = adj.reject(_field(adj, "location").id)
    assert emptied.provenance.decision == "rejected" and emptied.value is None
    assert "location" not in adj.gold_labels() and "location" in adj.gold_labels(include_rejected=True)
    assert adj.set_label("notes", "ملاحظة").provenance.decision == "new"
    assert adj.set_label("notes", None) is None and "notes" not in adj.gold_labels(include_rejected=True)

    perpetrator = _link(adj, "perpetrator")
    with pytest.raises(InvalidValueError, match="source span first"):
        adj.accept(perpetrator.id, "a")
    casualty = adj.accept(_span(adj, "casualty", "خمسة مدنيين").id, "a")
    with pytest.raises(InvalidValueError, match="first: the link points to it"):
        adj.accept(perpetrator.id, "a")
    army = adj.accept(_span(adj, "actor", "الجيش").id, "a")
    links = adj.accept(perpetrator.id, "a")
    assert [(l.from_id, l.to_id, l.provenance.decision, l.provenance.source_coders) for l in links] == [
        (casualty.id, army.id, "majority", ("a", "b"))]
    assert len(links[0].covers) == 2 and adj.item(perpetrator.id).resolved
    # c's version: no perpetrator; a's link is kept as a rejected row, so the item stays decided.
    assert adj.accept(perpetrator.id, "c") == []
    rows = adj.gold_links(include_rejected=True)
    assert [(r.to_id, r.provenance.decision, r.provenance.source_coders) for r in rows] == [
        (army.id, "rejected", ("c",))]
    assert adj.item(perpetrator.id).resolved
    source = adj.accept(_span(adj, "source", "وزارة الصحة").id, "a")
    made = adj.set_link_targets(casualty.id, "reported_by", [source.id])
    assert made[0].provenance.decision == "unanimous" and _link(adj, "reported_by").resolved


def test_accept_all_unanimous_then_undo_and_redo(adj: Adjudication) -> None:
    project = adj.project
    seq = len(project.changes())
    assert adj.accept_all_unanimous() == 2  # the source span and the relevant field
    assert len(project.changes()) == seq + 1
    assert [g.quote for g in adj.gold_annotations()] == ["وزارة الصحة"]
    assert adj.gold_labels()["relevant"].provenance.decision == "unanimous"
    assert adj.accept_all_unanimous() == 0
    assert adj.accept_all("majority") == 8  # 4 spans (one rejected), 2 links, 2 fields (one left empty)
    assert adj.disagreements() == []
    assert adj.undo_text().startswith("accept all majority")
    adj.undo()
    adj.undo()
    assert adj.gold_annotations(include_rejected=True) == [] and adj.status == "todo"
    assert adj.can_redo() and not adj.can_undo()
    adj.redo()
    assert [g.quote for g in adj.gold_annotations()] == ["وزارة الصحة"]
    assert [c.action for c in project.changes()[-3:]] == ["gold_undo", "gold_undo", "gold_redo"]


def test_undo_opens_the_document_of_the_decision(gold_project: Project) -> None:
    p = gold_project
    text = "قالت الشرطة إن مسلحين قتلوا ثلاثة أشخاص."
    p.add_documents([Document(id="g-3", title="هجوم", text=text)])
    for coder in ("a", "b"):
        p.assign(["g-3"], coder)
        code(p, coder, "g-3", [("actor", "الشرطة", {**ARMY, "name": "الشرطة"})])
    adj = Adjudication(p, "lead")
    adj.open("g-1")
    adj.accept_all_unanimous()
    adj.open("g-3")
    adj.accept_all_unanimous()
    assert p.gold_document_ids() == ["g-1", "g-3"]
    adj.undo()
    adj.undo()
    assert adj.document.id == "g-1" and p.gold_document_ids() == []
    assert adj.redo() == "g-1"


def test_the_sessions_project_progress_follows_its_decisions_across_documents(gold_project: Project) -> None:
    # Counted once, then moved along with the open document's status (a count over every
    # document after each decision is what made large projects slow): it must stay exact.
    p = gold_project
    p.add_documents([Document(id="g-3", title="هجوم", text="قالت الشرطة إن مسلحين قتلوا ثلاثة أشخاص.")])
    for coder in ("a", "b"):
        p.assign(["g-3"], coder)
        code(p, coder, "g-3", [("actor", "الشرطة", {**ARMY, "name": "الشرطة"})])
    adj = Adjudication(p, "lead")
    adj.open("g-1")
    steps = [lambda: None, adj.accept_all_unanimous, lambda: adj.open("g-3"), lambda: adj.accept_all("majority"),
             lambda: adj.mark_done(), adj.undo, adj.undo, adj.undo, adj.redo, lambda: adj.open("g-1")]
    for step in steps:
        step()
        assert adj.project_progress() == project_progress(p)
    assert (adj.project_progress().todo, adj.project_progress().in_progress) == (1, 1)  # g-3 undone, g-1 redone


def test_mark_done_lists_what_is_left(adj: Adjudication) -> None:
    with pytest.raises(NotReadyError) as caught:
        adj.mark_done()
    assert any("casualty" in problem for problem in caught.value.problems)
    adj.accept_all("majority")
    adj.mark_done()
    assert adj.status == "done" and adj.progress().resolved == adj.progress().items
    assert adj.project_progress().done == 1
    adj.reopen()
    assert adj.status == "in_progress"


def test_a_coders_later_edit_is_flagged_not_merged(adj: Adjudication) -> None:
    project = adj.project
    army_item = _span(adj, "actor", "الجيش")
    army = adj.accept(army_item.id, "a")
    adj.accept(_field(adj, "event_date").id, "a")
    assert adj.flags() == []
    project.set_status("a", "g-1", "in_progress")
    project.update_annotation("a", army_item.versions["a"].id, attrs={**ARMY, "role": "target"})
    project.delete_annotation("b", army_item.versions["b"].id)
    project.set_label("c", "g-1", "event_date", "2024-03-18")
    flags = adj.flags()
    assert [(f.target, f.gold_id, f.coder, f.change) for f in flags] == [
        ("annotation", army.id, "a", "edited the span"), ("annotation", army.id, "b", "deleted the span"),
        ("label", "event_date", "c", "set the field again")]
    assert "gold is unchanged" in flags[0].message
    assert project.gold_annotation(army.id) == army  # gold did not move
    assert adj.progress().flags == 3
