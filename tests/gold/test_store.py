"""The gold tables through the store: one transaction and one log row per edit, exact inverses,
validation in words, quotes checked, and what gold is built from."""

from __future__ import annotations

import pytest

from annotator.model import GoldAnnotation, GoldLabel, GoldLink, Provenance
from annotator.store import InvalidValueError, NotFoundError, Project, SpanError
from annotator.store.gold import GoldEdit, now
from tests.gold.conftest import ARMY, SOURCE, span


def _gold(gold_id: str, layer: str, quote: str, attrs: dict, decision: str = "new",
          who: str | None = "lead") -> GoldAnnotation:
    start, end = span(quote)
    return GoldAnnotation(gold_id, "g-1", layer, start, end, quote, attrs, Provenance(decision, ("a",), who, now()),
                          ("x-1",))


def _state(p: Project) -> tuple:
    return (p.gold_annotations("g-1", include_rejected=True), p.gold_links("g-1", include_rejected=True),
            p.gold_labels("g-1", include_rejected=True), p.gold_status("g-1"))


@pytest.mark.sqlite_only  # the server's migrations: tests/server/test_open_server.py
def test_tables_exist_with_their_migration(gold_project: Project) -> None:
    tables = {r[0] for r in gold_project.db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"gold_annotations", "gold_links", "gold_labels", "gold_documents"} <= tables
    applied = [r[0] for r in gold_project.db.execute("SELECT name FROM _sqlite_migrations")]
    assert "m002_gold" in applied


def test_an_edit_is_one_logged_transaction_and_its_inverse_undoes_it_exactly(gold_project: Project) -> None:
    p = gold_project
    before = _state(p)
    seq = len(p.changes())
    army, source = _gold("g-army", "actor", "الجيش", ARMY), _gold("g-src", "source", "وزارة الصحة", SOURCE)
    link = GoldLink("l-1", "g-1", "g-src", "g-army", "affiliated", Provenance("new", (), "lead", now()))
    label = GoldLabel("g-1", "relevant", True, Provenance("unanimous", ("a", "b", "c"), None, now()))
    inverse = p.write_gold("lead", GoldEdit("g-1", (army, source), (link,), (label,)), action="gold_new")
    assert len(p.changes()) == seq + 1
    change = p.changes()[-1]
    assert (change.action, change.coder, change.document_id) == ("gold_new", "lead", "g-1")
    assert change.payload["before"] == inverse.to_dict()
    assert [g.id for g in p.gold_annotations("g-1")] == ["g-src", "g-army"]  # text order
    assert p.gold_annotation("g-army").covers == ("x-1",)
    assert p.gold_links("g-1") == [link]
    assert p.gold_labels("g-1")["relevant"].provenance.adjudicator is None
    assert p.gold_status("g-1") == "in_progress" and p.gold_document_ids() == ["g-1"]

    redo = p.write_gold("lead", inverse, action="gold_undo")
    assert _state(p) == before and p.gold_document_ids() == []
    p.write_gold("lead", redo, action="gold_redo")
    assert p.gold_links("g-1") == [link] and p.gold_annotation("g-army") == army


def test_replacing_and_dropping_restore_the_old_rows(gold_project: Project) -> None:
    p = gold_project
    army = _gold("g-army", "actor", "الجيش", ARMY)
    source = _gold("g-src", "source", "وزارة الصحة", SOURCE)
    link = GoldLink("l-1", "g-1", "g-src", "g-army", "affiliated", Provenance("new", (), "lead", now()))
    p.write_gold("lead", GoldEdit("g-1", (army, source), (link,)), action="gold_new")
    before = _state(p)
    edited = GoldAnnotation(army.id, "g-1", "actor", *span("الجيش"), "الجيش", {**ARMY, "role": "target"},
                            Provenance("edited", ("a",), "lead", now()), army.covers)
    undo = p.write_gold("lead", GoldEdit("g-1", (edited,)), action="gold_edit")
    assert p.gold_annotation(army.id).provenance.decision == "edited" and p.gold_links("g-1") == [link]
    p.write_gold("lead", undo, action="gold_undo")
    assert _state(p) == before
    undo = p.write_gold("lead", GoldEdit("g-1", drop_annotations=(army.id,)), action="gold_retract")
    assert p.gold_links("g-1") == []  # the link went with its span
    p.write_gold("lead", undo, action="gold_undo")
    assert _state(p) == before


def test_done_flag_and_status(gold_project: Project) -> None:
    p = gold_project
    assert p.gold_status("g-1") == "todo"
    undo = p.write_gold("lead", GoldEdit("g-1", done=True), action="gold_done")
    assert p.gold_status("g-1") == "done" and p.gold_done_at("g-1")
    assert p.gold_document_ids(done_only=True) == ["g-1"] == p.gold_document_ids()
    p.write_gold("lead", undo, action="gold_undo")
    assert p.gold_status("g-1") == "todo"
    with pytest.raises(NotFoundError):
        p.gold_status("nope")


@pytest.mark.parametrize("edit, message", [
    (GoldEdit("g-1", (GoldAnnotation("x", "g-1", "actor", 0, 4, "wrong", ARMY, Provenance("new", (), "lead", "t")),)),
     "quote"),
    (GoldEdit("g-1", (GoldAnnotation("x", "g-1", "actor", *span("الجيش"), "الجيش", {"role": "nope"},
                                     Provenance("new", (), "lead", "t")),)), "role"),
    (GoldEdit("g-1", (GoldAnnotation("x", "g-1", "actor", *span("الجيش"), "الجيش", ARMY,
                                     Provenance("guessed", (), "lead", "t")),)), "decision"),
    (GoldEdit("g-1", labels=(GoldLabel("g-1", "relevant", None, Provenance("chosen", (), "lead", "t")),)), "empty"),
    (GoldEdit("g-1", links=(GoldLink("l", "g-1", "no", "nope", "claimant", Provenance("new", (), "lead", "t")),)),
     "both ends"),
])
def test_bad_rows_are_refused_in_words_and_nothing_is_written(gold_project: Project, edit: GoldEdit,
                                                              message: str) -> None:
    seq = len(gold_project.changes())
    with pytest.raises((InvalidValueError, SpanError)) as caught:
        gold_project.write_gold("lead", edit, action="gold_new")
    assert message in str(caught.value)
    assert len(gold_project.changes()) == seq and gold_project.gold_document_ids() == []


def test_rejected_spans_cannot_be_linked_and_single_links_stay_single(gold_project: Project) -> None:
    p = gold_project
    source = _gold("g-src", "source", "وزارة الصحة", SOURCE)
    army = _gold("g-army", "actor", "الجيش", ARMY, decision="rejected")
    p.write_gold("lead", GoldEdit("g-1", (source, army)), action="gold_new")
    link = GoldLink("l-1", "g-1", "g-src", "g-army", "affiliated", Provenance("chosen", ("a",), "lead", now()))
    with pytest.raises(InvalidValueError, match="rejected"):
        p.write_gold("lead", GoldEdit("g-1", links=(link,)), action="gold_links")
    place = _gold("g-place", "actor", "الحوامة", {**ARMY, "name": "الحوامة"})
    other = _gold("g-army2", "actor", "الجيش", ARMY)
    p.write_gold("lead", GoldEdit("g-1", (place, other)), action="gold_new")
    two = (GoldLink("l-1", "g-1", "g-src", "g-place", "affiliated", Provenance("new", (), "lead", now())),
           GoldLink("l-2", "g-1", "g-src", "g-army2", "affiliated", Provenance("new", (), "lead", now())))
    with pytest.raises(InvalidValueError, match="only one"):
        p.write_gold("lead", GoldEdit("g-1", links=two), action="gold_links")


def test_only_adjudicators_write_gold(gold_project: Project) -> None:
    with pytest.raises(InvalidValueError, match="adjudicator"):
        gold_project.write_gold("a", GoldEdit("g-1", done=True), action="gold_done")
    gold_project.write_gold(None, GoldEdit("g-1", done=True), action="gold_done")  # an automatic run
    assert gold_project.changes()[-1].coder is None


def test_check_verifies_gold_quotes(gold_project: Project) -> None:
    p = gold_project
    p.write_gold("lead", GoldEdit("g-1", (_gold("g-army", "actor", "الجيش", ARMY),)), action="gold_new")
    assert p.check() == []
    p.db.execute("UPDATE gold_annotations SET quote = 'tampered' WHERE id = 'g-army'")
    assert p.check() == [f"g-army: gold annotation quote differs from the text at {span('الجيش')[0]}.."
                         f"{span('الجيش')[1]} in g-1"]


def test_finished_coding_reads_only_done_coders(gold_project: Project) -> None:
    p = gold_project
    p.add_coder("d")
    p.assign(["g-1"], "d")
    start, end = span("الجيش")
    p.create_annotation("d", "g-1", "actor", start, end, ARMY)  # d has not finished g-1
    coding = p.finished_coding(["g-1"])
    assert coding.coders == {"g-1": ("a", "b", "c")}
    assert list(coding.documents.values()) == ["g-1"]
    names = coding.coder_names
    assert {names[c] for c in coding.spans.coder.tolist()} == {"a", "b", "c"} and len(coding.spans.start) == 12
    assert len(coding.links.source) == 5 and set(coding.links.kind) == {"reported_by", "perpetrator"}
    dates = {names[c]: v for c, f, v in zip(coding.labels.coder.tolist(), coding.labels.field, coding.labels.value)
             if f == "event_date"}
    assert dates == {"a": '"2024-03-16"', "b": '"2024-03-16"', "c": '"2024-03-17"'}
    everything = p.finished_coding()
    assert everything.coders["g-2"] == ("a",) and len(everything.spans.start) == 13
    with pytest.raises(NotFoundError):
        p.finished_coding(["nope"])


def test_gold_rows_need_their_document(gold_project: Project) -> None:
    with pytest.raises(Exception, match="FOREIGN KEY|foreign key") as refused:  # the engine's own error
        gold_project.db.execute("INSERT INTO gold_documents (document_id, done_at) VALUES ('nope', 'now')")
    assert gold_project.db.error_kind(refused.value) == "conflict"
