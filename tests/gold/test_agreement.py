"""Each coder against gold, on gold built from coder a's version of everything (hand-checked)."""

from __future__ import annotations

import math

from annotator.gold import Adjudication, FieldItem, LinkItem, SpanItem
from annotator.gold.agreement import gold_agreement
from annotator.store import Project


def _gold_from_a(p: Project) -> None:
    adj = Adjudication(p, "lead")
    adj.open("g-1")
    for item in [i for i in adj.items() if isinstance(i, SpanItem)]:
        if item.versions["a"] is None:
            adj.reject(item.id)
        else:
            adj.accept(item.id, "a")
    for item in adj.items():
        if isinstance(item, (LinkItem, FieldItem)):
            adj.accept(item.id, "a")
    adj.mark_done()


def test_no_gold_done_means_nothing_compared(gold_project: Project) -> None:
    assert gold_agreement(gold_project).coders == ()


def test_each_coder_against_gold(gold_project: Project) -> None:
    _gold_from_a(gold_project)
    result = gold_agreement(gold_project)
    assert result.documents == ("g-1",)
    coders = {c.coder: c for c in result.coders}
    assert set(coders) == {"a", "b", "c"} and coders["a"].n_documents == 1
    a = {layer.layer: layer for layer in coders["a"].layers}
    assert a["actor"].exact.f1 == a["source"].exact.f1 == a["casualty"].exact.f1 == 1.0
    assert (a["actor"].n_gold, a["actor"].n_coder) == (2, 2)
    assert math.isnan(a["claim"].exact.f1)  # nobody marked a claim
    assert all(s.accuracy == 1.0 for layer in coders["a"].layers for s in layer.attributes if s.n)
    assert all(s.accuracy == 1.0 for s in coders["a"].fields if s.n)

    b = {layer.layer: layer for layer in coders["b"].layers}
    # gold: الجيش and بلدة الحوامة; b: الجيش and الحوامة -- one exact match, two overlapping.
    assert (b["actor"].exact.precision, b["actor"].exact.recall) == (0.5, 0.5)
    assert b["actor"].overlap.f1 == 1.0
    c = {layer.layer: layer for layer in coders["c"].layers}
    # c: غارة جوية (no gold) and الحوامة (overlaps بلدة الحوامة).
    assert (c["actor"].exact.f1, c["actor"].overlap.precision, c["actor"].overlap.recall) == (0.0, 0.5, 0.5)
    victim = next(s for s in c["casualty"].attributes if s.key == "casualty.victim_group")
    assert (victim.n, victim.accuracy) == (1, 0.0)
    fields = {s.key: s for s in coders["c"].fields}
    assert (fields["document.event_date"].n, fields["document.event_date"].accuracy) == (1, 0.0)
    assert (fields["document.location"].n, fields["document.location"].accuracy) == (1, 0.0)  # gold has one
    assert fields["document.relevant"].accuracy == 1.0
    assert result.to_dict()["coders"][0]["coder"] == "a"
