"""Candidate items: alignment, status, disagreement kinds, links, fields, ids (tests/gold/conftest.py)."""

from __future__ import annotations

import pytest

from annotator.gold import build_candidates
from annotator.gold.candidates import LINKS, comparable
from annotator.store import Project
from tests.gold.conftest import TEXT, span


def _by_quote(doc, layer: str, quote: str):
    start, end = span(quote)
    return next(s for s in doc.spans if s.layer == layer and s.start <= start and end <= s.end)


def test_documents_need_two_finished_coders(gold_project: Project) -> None:
    candidates = build_candidates(gold_project)
    assert candidates.documents == ["g-1"]
    assert candidates.excluded == [("g-2", "finished by 1 coder(s); gold needs two")]
    with pytest.raises(KeyError):
        candidates.document("g-2")


def test_span_items_status_and_kinds(gold_project: Project) -> None:
    doc = build_candidates(gold_project).document("g-1")
    assert doc.coders == ("a", "b", "c")
    source = _by_quote(doc, "source", "وزارة الصحة")
    assert (source.status, source.kinds, source.majority) == ("unanimous", (), ("a", "b", "c"))

    casualty = _by_quote(doc, "casualty", "خمسة مدنيين")
    assert (casualty.status, casualty.kinds, casualty.majority) == ("majority", ("attribute",), ("a", "b"))
    # a stored the unchecked women box as false, b left it out: the same version, so only the
    # victim group differs.
    assert [(d.field, d.values) for d in casualty.differences] == [
        ("victim_group", {"a": "civilians", "b": "civilians", "c": "unknown"})]
    assert casualty.majority_version.id == casualty.versions["a"].id

    army = _by_quote(doc, "actor", "الجيش")
    assert (army.status, army.kinds, army.versions["c"]) == ("majority", ("presence",), None)

    strike = _by_quote(doc, "actor", "غارة جوية")
    assert (strike.status, strike.kinds) == ("majority", ("presence",))
    assert strike.majority == ("a", "b") and strike.majority_version is None  # the majority marked nothing

    place = _by_quote(doc, "actor", "بلدة الحوامة")
    assert (place.status, place.kinds, place.majority) == ("majority", ("edges",), ("b", "c"))
    assert (place.start, place.end) == span("بلدة الحوامة")
    assert TEXT[place.majority_version.start:place.majority_version.end] == "الحوامة"


def test_min_coders_above_the_majority_leaves_disagreements(gold_project: Project) -> None:
    doc = build_candidates(gold_project, min_coders=3).document("g-1")
    statuses = {s.layer + ":" + TEXT[s.start:s.end]: s.status for s in doc.spans}
    assert statuses["source:وزارة الصحة"] == "unanimous"
    assert statuses["casualty:خمسة مدنيين"] == "disagreement"
    with pytest.raises(ValueError):
        build_candidates(gold_project, min_coders=1)


def test_link_and_field_items(gold_project: Project) -> None:
    doc = build_candidates(gold_project).document("g-1")
    casualty = _by_quote(doc, "casualty", "خمسة مدنيين")
    source = _by_quote(doc, "source", "وزارة الصحة")
    army = _by_quote(doc, "actor", "الجيش")
    links = {l.kind: l for l in doc.links}
    assert set(links) == {"reported_by", "perpetrator"}
    assert links["reported_by"].status == "unanimous"
    assert links["reported_by"].versions == {c: (source.id,) for c in "abc"}
    perpetrator = links["perpetrator"]
    assert perpetrator.from_item == casualty.id
    assert perpetrator.versions == {"a": (army.id,), "b": (army.id,), "c": ()}
    assert (perpetrator.status, perpetrator.majority, perpetrator.majority_targets) == ("majority", ("a", "b"),
                                                                                        (army.id,))
    assert len(perpetrator.links) == 2 and not perpetrator.ready

    fields = {f.field: f for f in doc.fields}
    assert set(fields) == {"relevant", "event_date", "location"}
    assert (fields["relevant"].status, fields["relevant"].majority_value) == ("unanimous", True)
    assert (fields["event_date"].status, fields["event_date"].majority_value) == ("majority", "2024-03-16")
    assert fields["location"].versions == {"a": "الحوامة", "b": None, "c": None}
    assert (fields["location"].status, fields["location"].majority_value) == ("majority", None)


def test_counts_without_building_items_match_the_items(gold_project: Project) -> None:
    candidates = build_candidates(gold_project)
    doc = candidates.document("g-1")
    counts = candidates.counts()
    assert counts["actor"].items == 3 and counts["actor"].majority == 3
    assert counts["source"].unanimous == 1
    assert counts[LINKS].items == len(doc.links) == 2
    assert counts["document"].items == 3


def test_item_ids_are_stable_and_follow_the_spans(gold_project: Project) -> None:
    first = build_candidates(gold_project).document("g-1")
    again = build_candidates(gold_project, ["g-1"]).document("g-1")
    assert [i.id for i in first.items()] == [i.id for i in again.items()]
    assert len({i.id for i in first.items()}) == len(first.items())
    army = _by_quote(first, "actor", "الجيش")
    gold_project.update_annotation("a", army.versions["a"].id, attrs={**army.versions["a"].attrs, "role": "target"})
    changed = build_candidates(gold_project).document("g-1")
    assert army.id in [i.id for i in changed.items()]  # same spans, same item
    assert _by_quote(changed, "actor", "الجيش").kinds == ("presence", "attribute")


def test_disagreements_in_text_order_fields_first(gold_project: Project) -> None:
    doc = build_candidates(gold_project).document("g-1")
    listed = doc.disagreements()
    assert all(i.status != "unanimous" for i in listed)
    kinds = [type(i).__name__ for i in listed]
    assert kinds[:2] == ["FieldItem", "FieldItem"]
    starts = [i.start for i in listed if type(i).__name__ == "SpanItem"]
    assert starts == sorted(starts)


def test_overlapping_spans_of_one_coder_become_separate_items(gold_project: Project) -> None:
    # a second, overlapping actor span by a: the engine pairs one of a's spans with b's and c's.
    start, end = span("بلدة")
    gold_project.set_status("a", "g-1", "in_progress")
    gold_project.create_annotation("a", "g-1", "actor", start, end, {**ARMY_TARGET})
    gold_project.mark_done("a", "g-1", force=True)
    doc = build_candidates(gold_project).document("g-1")
    actors = [s for s in doc.spans if s.layer == "actor"]
    ids = [a.id for s in actors for a in s.versions.values() if a is not None]
    assert len(ids) == len(set(ids)) == 7  # every span in exactly one item
    assert all(sum(v is not None for v in s.versions.values()) >= 1 for s in actors)


ARMY_TARGET = {"name": "بلدة", "actor_type": "civilians", "role": "target"}


def test_comparable_ignores_empty_values() -> None:
    from annotator.codebook import Codebook

    layer = Codebook.default().layer("casualty")
    assert comparable({"women": False, "best": 5.0, "high": None}, layer) == {"best": 5}
    assert comparable({"women": True}, layer) == {"women": True}
