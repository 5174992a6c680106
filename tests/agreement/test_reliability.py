"""From annotations to reliability data: a hand-made project with hand-computed values, the
alignment and cluster rules, the pattern bootstrap against the metrics module, and options.

Hand computations use Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability":
nominal alpha = 1 - D_o / D_e with D_o from the coincidences within units and
D_e = (n^2 - sum_c n_c^2) / (n (n - 1)); Cohen (1960); Fleiss (1971).
"""

from __future__ import annotations

import json
import math
import random
from collections.abc import Callable
from pathlib import Path

import numpy as np
import pytest

from annotator.agreement import (
    align_spans,
    bootstrap_alpha,
    cohen_kappa,
    krippendorff_alpha,
    masi_distance,
    percent_agreement,
    span_prf,
    unitizing_alpha,
)
from annotator.agreement.matching import LayerSpans, match_pair
from annotator.agreement.patterns import Patterns, collapse
from annotator.agreement.reliability import (
    WARN_FEW,
    WARN_SKEW,
    agreement_summary,
    reliability_table,
    summarize,
)
from annotator.agreement.results import band
from annotator.arabic import normalize_for_matching
from annotator.codebook import Codebook
from annotator.model import Annotation, Document
from annotator.store import Project

TEXTS = {
    "d1": "قال الجيش إن غارة جوية قتلت خمسة مدنيين في حلب.",
    "d2": "أعلنت قسد مقتل سبعة من عناصر داعش في كمين.",
    "d3": "اتهمت الشرطة المسلحين المجهولين بالهجوم على القرية.",
}


def actor(name: str, kind: str, role: str) -> dict:
    return {"name": name, "actor_type": kind, "role": role}


@pytest.fixture
def hand(new_location: Callable[..., Path | str]) -> Project:
    """Two coders, three documents, alignments known by construction (see each test)."""
    p = Project.open(new_location("hand"), create=True)
    p.add_documents([Document(id=k, title=f"عنوان {k}", text=v) for k, v in TEXTS.items()])
    for coder in ("a", "b"):
        p.add_coder(coder)
        p.assign(list(TEXTS), coder)

    def span(coder: str, doc: str, layer: str, quote: str, attrs: dict) -> None:
        start = TEXTS[doc].index(quote)
        p.create_annotation(coder, doc, layer, start, start + len(quote), attrs)

    span("a", "d1", "actor", "الجيش", actor("الجيش", "state_forces", "perpetrator"))
    span("b", "d1", "actor", "الجيش", actor("الجيش", "state_forces", "perpetrator"))
    span("a", "d2", "actor", "قسد", actor("قسد", "rebel_group", "perpetrator"))
    span("b", "d2", "actor", "قسد", actor("قسد", "identity_militia", "perpetrator"))
    span("a", "d2", "actor", "داعش", actor("داعش", "rebel_group", "target"))  # b: nothing
    span("a", "d3", "actor", "المسلحين", actor("مسلحون مجهولون", "unidentified", "perpetrator"))
    span("b", "d3", "actor", "المسلحين المجهولين", actor("مسلحون مجهولون", "unidentified", "target"))
    span("b", "d3", "actor", "الشرطة", actor("الشرطة", "state_forces", "other_party"))  # a: nothing
    casualty = {"outcome": "killed", "victim_group": "civilians", "quantifier": "exact", "low": 5, "best": 5}
    span("a", "d1", "casualty", "خمسة مدنيين", {**casualty, "high": 5})
    span("b", "d1", "casualty", "قتلت خمسة مدنيين", {**casualty, "high": 6, "women": True})
    for coder, values in (("a", (True, True, False)), ("b", (True, False, False))):
        for doc, value in zip(TEXTS, values):
            p.set_label(coder, doc, "relevant", value)
    p.set_label("a", "d1", "event_type", ["battles"])
    p.set_label("b", "d1", "event_type", ["battles", "explosions_remote_violence"])
    for coder in ("a", "b"):
        for doc in TEXTS:
            p.mark_done(coder, doc, force=True)
    yield p
    p.close()


@pytest.fixture
def summary(hand: Project):
    return agreement_summary(hand, n_boot=300, seed=1)


def test_span_matching_counts_and_lists_unmatched(summary):
    actor_layer = summary.layers[0]
    assert actor_layer.layer == "actor"
    (pair,) = actor_layer.pairs
    assert pair.coders == ("a", "b") and pair.n_documents == 3 and pair.n_spans == (4, 4)
    # Exact: الجيش and قسد; overlap adds المسلحين ~ المسلحين المجهولين.
    assert (pair.exact.true_positives, pair.exact.f1) == (2, 0.5)
    assert (pair.overlap.true_positives, pair.overlap.f1) == (3, 0.75)
    assert pair.n_aligned == 3
    unmatched = {(r.document_id, r.coder, r.quote, r.start, r.end) for r in pair.unmatched}
    assert unmatched == {("d2", "a", "داعش", TEXTS["d2"].index("داعش"), TEXTS["d2"].index("داعش") + 4),
                         ("d3", "b", "الشرطة", TEXTS["d3"].index("الشرطة"), TEXTS["d3"].index("الشرطة") + 6)}


def test_attribute_alpha_over_aligned_spans_by_hand(summary):
    attrs = {a.field: a for a in summary.layers[0].attributes}
    # actor_type over the 3 aligned pairs: (s, s), (r, i), (x, x): n = 6, D_o = 2/6,
    # D_e = (36 - (4 + 1 + 1 + 4)) / 30 = 26/30, alpha = 1 - 10/26 = 8/13.
    kind = attrs["actor_type"].overall
    assert kind.value == pytest.approx(8 / 13)
    assert kind.value == pytest.approx(krippendorff_alpha(
        [["state_forces", "rebel_group", "unidentified"], ["state_forces", "identity_militia", "unidentified"]]).value)
    assert (kind.n_units, kind.n_values, kind.level) == (3, 6, "nominal")
    assert kind.low <= kind.value <= kind.high
    # role: (p, p), (p, p), (p, t): D_o = 2/6 = D_e = (36 - 25 - 1)/30, so alpha = 0.
    assert attrs["role"].overall.value == pytest.approx(0.0)
    assert attrs["role"].percent_agreement == pytest.approx(2 / 3)
    assert attrs["name"].overall.value == pytest.approx(1.0)
    # With two coders the pair's alpha is the all-coder alpha (same data, same seed).
    assert attrs["actor_type"].pairs[0].alpha == kind


def test_confusion_matrix_of_a_nominal_attribute(summary):
    confusion = {a.field: a for a in summary.layers[0].attributes}["actor_type"].pairs[0].confusion
    cells = {(r, c): n for r, row in zip(confusion.labels, confusion.counts) for c, n in zip(confusion.labels, row)}
    assert cells[("state_forces", "state_forces")] == 1
    assert cells[("rebel_group", "identity_militia")] == 1
    assert cells[("unidentified", "unidentified")] == 1
    assert sum(cells.values()) == 3


def test_unitizing_alpha_on_the_concatenated_documents(summary, hand):
    """alpha_U over d1 d2 d3 laid end to end, each span shifted by the lengths before it."""
    shift = {"d1": 0, "d2": len(TEXTS["d1"]), "d3": len(TEXTS["d1"]) + len(TEXTS["d2"])}
    units = [(a.coder, a.start + shift[a.document_id], a.end + shift[a.document_id], "actor")
             for a in hand.annotations(layer="actor")]
    expected = unitizing_alpha(units, (0, sum(map(len, TEXTS.values()))), "actor", coders=["a", "b"])
    got = summary.layers[0].unitizing
    assert got.value == pytest.approx(expected.value)
    assert math.isnan(got.low) and "no bootstrap interval" in got.note
    assert summary.layers[0].unitizing_documents == 3


def test_document_fields_by_hand(summary):
    relevant = next(f for f in summary.document_fields if f.field == "relevant")
    # Units (T, T), (T, F), (F, F): n = 6, n_T = n_F = 3: D_o = 2/6, D_e = 18/30, alpha = 4/9.
    assert relevant.overall.value == pytest.approx(4 / 9)
    # Cohen: p_o = 2/3, p_e = 2/3 * 1/3 + 1/3 * 2/3 = 4/9, kappa = (2/9) / (5/9) = 0.4.
    assert relevant.pairs[0].kappa.value == pytest.approx(0.4)
    assert relevant.pairs[0].kappa.value == pytest.approx(cohen_kappa([1, 1, 0], [1, 0, 0]).value)
    # Fleiss with 2 raters: P = 2/3, P_e = 1/2, kappa = 1/3.
    assert relevant.fleiss.value == pytest.approx(1 / 3)
    assert relevant.percent_agreement == pytest.approx(2 / 3)


def test_multichoice_and_actor_sets_use_masi(summary):
    event = next(f for f in summary.document_fields if f.field == "event_type")
    assert event.level == "masi" and event.overall.n_units == 1
    # One pairable unit with variation: D_o = D_e, alpha = 0 (Krippendorff 2011).
    assert event.overall.value == pytest.approx(0.0)
    n = normalize_for_matching
    sets = [[frozenset({n("الجيش")}), frozenset({n("قسد"), n("داعش")}), frozenset({n("مسلحون مجهولون")})],
            [frozenset({n("الجيش")}), frozenset({n("قسد")}), frozenset({n("الشرطة"), n("مسلحون مجهولون")})]]
    expected = krippendorff_alpha(sets, distance=masi_distance)
    assert summary.actor_sets.overall.value == pytest.approx(expected.value)
    assert summary.actor_sets.overall.n_units == 3


def test_disagreements_are_listed_with_values(summary):
    by_field = {(d.document_id, f): (va, vb) for d in summary.attribute_disagreements for f, va, vb in d.differences}
    assert by_field[("d2", "actor_type")] == ("rebel_group", "identity_militia")
    assert by_field[("d3", "role")] == ("perpetrator", "target")
    # An unchecked optional check box is "no", and disagrees with "yes".
    assert by_field[("d1", "women")] == (False, True)
    assert by_field[("d1", "high")] == (5, 6)
    fields = {(d.document_id, d.key): dict(d.values) for d in summary.field_disagreements}
    assert fields[("d2", "document.relevant")] == {"a": True, "b": False}
    assert ("d1", "document.relevant") not in fields


def test_warnings(summary):
    messages = [(w.scope, w.message) for w in summary.warnings]
    assert any(scope == "document.relevant" and WARN_FEW in m for scope, m in messages)
    assert not any(scope == "document.notes" for scope, _ in messages)  # notes are not measured
    assert all(f.key != "document.notes" for f in summary.document_fields)


def test_summary_is_json_serialisable(summary):
    text = json.dumps(summary.to_dict(), ensure_ascii=False, allow_nan=False)
    data = json.loads(text)
    assert data["coders"] == ["a", "b"]
    assert data["layers"][0]["attributes"][1]["overall"]["band"] == band(8 / 13) == "unreliable"
    assert data["layers"][0]["pairs"][0]["unmatched"][0]["quote"] == "داعش"


def test_reliability_table_has_units_by_coders(hand):
    rows = reliability_table(hand)
    assert rows[0] == ["variable", "unit", "a", "b"]
    spans = [r for r in rows if r[0] == "actor.span"]
    assert len(spans) == 5  # 3 aligned + 2 unmatched, each unmatched with one empty cell
    assert sum(1 for r in spans if "" in r[2:]) == 2
    kinds = {r[1]: r[2:] for r in rows if r[0] == "actor.actor_type"}
    start = TEXTS["d2"].index("قسد")
    assert kinds[f"d2:{start}-{start + 3}"] == ["rebel_group", "identity_militia"]
    assert [r[2:] for r in rows if r[0] == "document.relevant"] == [["yes", "yes"], ["yes", "no"], ["no", "no"]]
    assert {r[1] for r in rows if r[0] == "actors"} == set(TEXTS)


def test_only_finished_documents_count(hand):
    hand.set_status("b", "d3", "in_progress")
    s = agreement_summary(hand, n_boot=50)
    assert s.documents == ("d1", "d2") and s.excluded == (("d3", "coded by 1 of the chosen coders; needs two"),)
    assert any("left out" in w.message for w in s.warnings)
    assert s.layers[0].pairs[0].n_spans == (3, 2)


def test_options_choose_coders_documents_and_layers(hand):
    s = agreement_summary(hand, documents=["d2", "d1"], layers=["casualty"], n_boot=50)
    assert [layer.layer for layer in s.layers] == ["casualty"]
    assert s.document_fields == () and s.actor_sets is None
    assert set(s.documents) == {"d1", "d2"}
    s = agreement_summary(hand, layers=["document"], n_boot=50)
    assert s.layers == () and s.document_fields
    with pytest.raises(ValueError, match="unknown layer 'nope'"):
        agreement_summary(hand, layers=["nope"])
    with pytest.raises(ValueError, match="at least two coders"):
        agreement_summary(hand, coders=["a"])


def test_seeded_and_independent_of_selection(hand):
    one = agreement_summary(hand, n_boot=200, seed=7)
    two = agreement_summary(hand, n_boot=200, seed=7, layers=["actor"])
    a = one.layers[0].attributes[1].overall
    b = two.layers[0].attributes[1].overall
    assert (a.low, a.high) == (b.low, b.high)
    other = agreement_summary(hand, n_boot=200, seed=8).layers[0].attributes[1].overall
    assert other.value == a.value


# -- three coders: clusters of mutually aligned spans -------------------------------------------------


def ann(coder: str, start: int, end: int, kind: str, doc: str = "x") -> Annotation:
    return Annotation(f"{doc}-{coder}-{start}", doc, coder, "actor", start, end, "…",
                      {"name": "n", "actor_type": kind, "role": "target"})


def test_clusters_need_mutual_alignment():
    """a~b and a~c align, but b and c do not overlap: that group is ambiguous; a clique is a unit."""
    book = Codebook.default()
    anns = [ann("a", 6, 40, "rebel_group"), ann("b", 21, 40, "rebel_group"), ann("c", 6, 20, "state_forces"),
            ann("a", 50, 60, "rebel_group"), ann("b", 50, 60, "rebel_group"), ann("c", 50, 58, "civilians")]
    s = summarize(anns, {}, book, lengths={"x": 100}, coders=["a", "b", "c"], layers=["actor"], n_boot=50)
    layer = s.layers[0]
    assert len(layer.ambiguous) == 1 and {r.coder for r in layer.ambiguous[0]} == {"a", "b", "c"}
    kind = layer.attributes[1]
    assert kind.overall.n_units == 1  # only the clique at 50-60
    assert kind.overall.value == pytest.approx(krippendorff_alpha(
        [["rebel_group"], ["rebel_group"], ["civilians"]]).value)
    # Each pair's alignment still counts in that pair's alpha.
    pairs = {p.coders: p.alpha.n_units for p in kind.pairs}
    assert pairs == {("a", "b"): 2, ("a", "c"): 2, ("b", "c"): 1}
    assert any("inconsistently" in w.message for w in s.warnings)


def test_overlapping_spans_of_one_coder_are_merged_for_alpha_u():
    book = Codebook.default()
    anns = [ann("a", 10, 20, "rebel_group"), ann("a", 15, 30, "rebel_group"), ann("b", 10, 30, "rebel_group")]
    s = summarize(anns, {}, book, lengths={"x": 100}, layers=["actor"], n_boot=20)
    layer = s.layers[0]
    assert layer.n_merged == 1
    assert layer.unitizing.value == pytest.approx(
        unitizing_alpha([("a", 10, 30, "actor"), ("b", 10, 30, "actor")], (0, 100), "actor").value)


def test_skew_warning_names_the_dominant_value():
    book = Codebook.default()
    anns = [ann(c, 10 * i, 10 * i + 5, "rebel_group" if i or c == "a" else "civilians")
            for i in range(12) for c in ("a", "b")]
    s = summarize(anns, {}, book, lengths={"x": 200}, layers=["actor"], n_boot=20)
    assert any(w.scope == "actor.actor_type" and WARN_SKEW in w.message and "rebel_group" in w.message
               for w in s.warnings)


# -- the pattern bootstrap and the corpus-wide matching against the metrics module -----------------


@pytest.mark.parametrize("level", ["nominal", "ordinal", "interval", "ratio"])
def test_patterns_equal_the_metrics_module(level):
    rng = np.random.default_rng(3)
    truth = rng.integers(0, 6, 400).astype(float)
    data = np.array([np.where(rng.random(400) < 0.75, truth, rng.integers(0, 6, 400)) for _ in range(3)])
    data[2, rng.random(400) < 0.3] = np.nan
    patterns = Patterns.of(data, level)
    point, reference = patterns.alpha(), krippendorff_alpha(data, level)
    assert point.value == pytest.approx(reference.value, abs=1e-12)
    assert (point.n_units, point.n_values) == (reference.n_units, reference.n_values)
    assert point.observed_disagreement == pytest.approx(reference.observed_disagreement)
    assert patterns.percent_agreement() == pytest.approx(percent_agreement(data))
    # Same sampling distribution (different random streams): intervals agree closely.
    ours = patterns.bootstrap(n_boot=4000, seed=1)
    theirs = bootstrap_alpha(data, level, n_boot=4000, seed=1)
    assert ours.low == pytest.approx(theirs.low, abs=0.015)
    assert ours.high == pytest.approx(theirs.high, abs=0.015)
    again = patterns.bootstrap(n_boot=100, seed=5).samples
    assert again.tolist() == patterns.bootstrap(n_boot=100, seed=5).samples.tolist()


def test_patterns_with_masi_sets():
    rng = random.Random(2)
    sets = [frozenset(rng.sample("abcde", rng.randint(0, 3))) for _ in range(300)]
    data = [sets, [s if rng.random() < 0.7 else frozenset("a") for s in sets],
            [s if rng.random() < 0.6 else None for s in sets]]
    patterns = Patterns.of(data, "nominal", masi_distance)
    assert patterns.alpha().value == pytest.approx(krippendorff_alpha(data, distance=masi_distance).value)
    ours, theirs = patterns.bootstrap(n_boot=2000, seed=1), bootstrap_alpha(data, n_boot=2000, seed=1,
                                                                            distance=masi_distance)
    assert ours.low == pytest.approx(theirs.low, abs=0.02) and ours.high == pytest.approx(theirs.high, abs=0.02)


def test_collapse_counts_each_multiset_once():
    data = np.array([[1, 2, np.nan, 3, 1, np.nan], [1, 1, 2, np.nan, 1, np.nan], [np.nan, 2, 2, 3, 1, 5]])
    table, counts = collapse(data)
    # (1,1) (1,2,2) (2,2) (3,3) (1,1,1); the last unit has one value and is not pairable.
    assert sorted(tuple(v for v in col if not np.isnan(v)) for col in table.T) == [
        (1, 1), (1, 1, 1), (1, 2, 2), (2, 2), (3, 3)]
    assert counts.sum() == 5


def test_corpus_matching_equals_per_document_calls():
    """match_pair on concatenated documents gives span_prf's and align_spans' per-document results."""
    rng = random.Random(11)
    starts, ends, coders, docs, per_doc = [], [], [], [], []
    offset = 0
    for d in range(60):
        spans = {0: [], 1: []}
        for c in (0, 1):
            for _ in range(rng.randint(0, 6)):
                s = rng.randrange(0, 90)
                spans[c].append((s, s + rng.randint(1, 15)))
        for c in (0, 1):
            for s, e in spans[c]:
                starts.append(s + offset)
                ends.append(e + offset)
                coders.append(c)
                docs.append(d)
        per_doc.append(spans)
        offset += 105
    layer = LayerSpans(np.array(coders), np.array(docs), np.array(starts), np.array(ends))
    m = match_pair(layer, 0, 1, np.ones(60, dtype=bool))
    assert m.tp_exact == sum(span_prf(s[0], s[1], "exact").true_positives for s in per_doc)
    assert m.tp_overlap == sum(span_prf(s[0], s[1], "overlap").true_positives for s in per_doc)
    jaccard = sum(sum(align_spans(s[0], s[1]).scores) for s in per_doc)
    ours = 0.0
    for i, j in m.pairs:
        shared = min(ends[i], ends[j]) - max(starts[i], starts[j])
        ours += shared / (max(ends[i], ends[j]) - min(starts[i], starts[j]))
    assert ours == pytest.approx(jaccard)
    assert len(m.pairs) * 2 + len(m.unmatched) == len(starts)


def test_bands():
    assert [band(x) for x in (0.8, 0.7999, 0.667, 0.6669, -0.2, math.nan)] == [
        "reliable", "tentative", "tentative", "unreliable", "unreliable", "undefined"]


def test_text_values_compare_after_arabic_normalization():
    book = Codebook.default()
    anns = [Annotation("1", "x", "a", "actor", 0, 5, "…", {"name": "إسرائيل", "actor_type": "state_forces"}),
            Annotation("2", "x", "b", "actor", 0, 5, "…", {"name": "اسرائيل ", "actor_type": "state_forces"}),
            Annotation("3", "x", "a", "actor", 10, 15, "…", {"name": "قسد", "actor_type": "state_forces"}),
            Annotation("4", "x", "b", "actor", 10, 15, "…", {"name": "قسد", "actor_type": "state_forces"})]
    s = summarize(anns, {}, book, lengths={"x": 50}, layers=["actor"], n_boot=20)
    name = s.layers[0].attributes[0]
    assert name.percent_agreement == 1.0 and name.overall.value == pytest.approx(1.0)


def test_demo_project_summary(demo):
    s = agreement_summary(demo, n_boot=100)
    assert len(s.coders) == 3 and len(s.documents) >= 6
    assert [layer.layer for layer in s.layers] == ["actor", "claim", "casualty", "source"]
    assert all(len(layer.pairs) == 3 for layer in s.layers)
    for var in s.variables():
        assert var.overall.n_units > 0
