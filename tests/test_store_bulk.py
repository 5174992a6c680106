"""The bulk reads the exports use (Project.documents, coder_records, gold_records and the extents):
the same rows as the per-document reads, in the order asked, whatever the chunk size, on both engines."""

from __future__ import annotations

import pytest

from annotator.model import GoldAnnotation, GoldLabel, GoldLink, Provenance
from annotator.store import NotFoundError, Project
from annotator.store.gold import GoldEdit, now
from tests.conftest import ARTICLE, span_of

ARMY = {"name": "قسد", "actor_type": "rebel_group", "role": "perpetrator"}
VICTIMS = {"outcome": "killed", "victim_group": "civilians", "quantifier": "exact", "best": 12}
SOURCE = {"source_type": "anonymous"}
ORDERS = (["doc-2", "doc-1"], ["doc-1", "doc-2", "doc-1"])  # not project order; a repeat


def _code(p: Project, coder: str, extra: bool) -> None:
    victims = p.create_annotation(coder, "doc-1", "casualty", *span_of(ARTICLE, "مقتل ١٢ مدنياً"), VICTIMS)
    army = p.create_annotation(coder, "doc-1", "actor", *span_of(ARTICLE, "قسد"), ARMY)
    p.create_link(coder, victims.id, army.id, "perpetrator")
    p.set_label(coder, "doc-1", "relevant", True)
    if extra:  # spans sharing a start (order: longest first), a second document
        source = p.create_annotation(coder, "doc-1", "source", *span_of(ARTICLE, "مصادر"), SOURCE)
        p.create_annotation(coder, "doc-1", "claim", *span_of(ARTICLE, "مصادر 🔴 إنّ"), {})
        p.create_link(coder, victims.id, source.id, "reported_by")
        p.set_label(coder, "doc-1", "event_date", "2024-03-16")
        text = p.document("doc-2").text
        p.create_annotation(coder, "doc-2", "actor", *span_of(text, "قسد"), ARMY)
        p.set_label(coder, "doc-2", "relevant", False)


def _gold(gold_id: str, layer: str, quote: str, attrs: dict, decision: str = "chosen") -> GoldAnnotation:
    start, end = span_of(ARTICLE, quote)
    return GoldAnnotation(gold_id, "doc-1", layer, start, end, quote, attrs,
                          Provenance(decision, ("mona", "omar"), "lead", now()), (f"{gold_id}-covered",))


def _adjudicate(p: Project) -> None:
    p.add_coder("lead", "adjudicator")
    spans = (_gold("g-victims", "casualty", "مقتل ١٢ مدنياً", VICTIMS), _gold("g-army", "actor", "قسد", ARMY),
             _gold("g-source", "source", "مصادر", SOURCE, "majority"),
             _gold("g-claim", "claim", "مصادر 🔴 إنّ", {}, "rejected"))
    links = (GoldLink("gl-1", "doc-1", "g-victims", "g-army", "perpetrator", Provenance("chosen", ("mona",), "lead", now()),
                      ("l-x",)),
             GoldLink("gl-2", "doc-1", "g-victims", "g-source", "reported_by", Provenance("rejected", (), "lead", now())))
    labels = (GoldLabel("doc-1", "event_date", "2024-03-16", Provenance("chosen", ("mona",), "lead", now())),
              GoldLabel("doc-1", "relevant", True, Provenance("unanimous", ("mona", "omar"), None, now())),
              GoldLabel("doc-1", "location", None, Provenance("rejected", ("omar",), "lead", now())))
    p.write_gold("lead", GoldEdit("doc-1", spans, links, labels, done=True), action="gold_new")
    p.write_gold("lead", GoldEdit("doc-2", labels=(GoldLabel("doc-2", "relevant", False,
                                                             Provenance("new", (), "lead", now())),)), action="gold_new")


@pytest.mark.parametrize("ids", ORDERS)
def test_coder_records_are_the_per_document_reads(project: Project, ids: list[str]) -> None:
    project.assign(["doc-2"], "omar")
    _code(project, "mona", extra=True)
    _code(project, "omar", extra=False)
    for coder in ("mona", "omar"):
        expected = [(d, project.annotations(d, coder), project.links(d, coder), project.labels(d, coder)) for d in ids]
        assert any(annotations for _, annotations, _, _ in expected)
        for chunk in (1, 2, 500):
            assert [tuple(r) for r in project.coder_records(coder, ids, chunk=chunk)] == expected
    assert [len(r.annotations) for r in project.coder_records("mona", ids)] == [{"doc-1": 4, "doc-2": 1}[d] for d in ids]
    for coder in ("mona", "omar"):
        assert [sorted(e) for e in project.annotation_extents(coder, ids)] == [
            sorted((a.layer, a.id, a.start, a.end) for a in project.annotations(d, coder)) for d in ids]


@pytest.mark.parametrize("ids", ORDERS)
def test_gold_records_are_the_per_document_reads_without_rejected_rows(project: Project, ids: list[str]) -> None:
    _adjudicate(project)
    expected = [(d, project.gold_annotations(d), project.gold_links(d), project.gold_labels(d)) for d in ids]
    for chunk in (1, 2, 500):
        assert [tuple(r) for r in project.gold_records(ids, chunk=chunk)] == expected
    assert [sorted(e) for e in project.gold_extents(ids)] == [
        sorted((g.layer, g.id, g.start, g.end) for g in project.gold_annotations(d)) for d in ids]
    (doc_1,) = [r for r in project.gold_records(["doc-1"])]
    assert [g.id for g in doc_1.annotations] == ["g-source", "g-victims", "g-army"]  # text order, no rejected
    assert [l.id for l in doc_1.links] == ["gl-1"] and doc_1.links[0].covers == ("l-x",)
    assert list(doc_1.labels) == ["relevant", "event_date"]  # codebook order, the rejected field left out
    assert doc_1.annotations[0].provenance == Provenance("majority", ("mona", "omar"), "lead",
                                                         doc_1.annotations[0].provenance.decided_at)


def test_a_document_without_rows_comes_back_empty(project: Project) -> None:
    assert list(project.gold_records(["doc-2"])) == [("doc-2", [], [], {})]
    assert list(project.coder_records("omar", ["doc-2"])) == [("doc-2", [], [], {})]
    assert list(project.gold_extents(["doc-2"])) == list(project.annotation_extents("omar", ["doc-2"])) == [[]]


def test_documents_in_the_order_asked(project: Project) -> None:
    for ids in ORDERS:
        assert list(project.documents(ids)) == [project.document(d) for d in ids]
    assert [d.id for d in project.documents()] == project.document_ids()
    with pytest.raises(NotFoundError, match="no-such"):
        list(project.documents(["doc-1", "no-such"]))
