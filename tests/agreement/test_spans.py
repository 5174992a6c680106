"""Span precision / recall / F1 and one-to-one alignment on Arabic text offsets."""

import math
from itertools import permutations

import numpy as np
import pytest

from annotator.agreement import align_spans, span_prf

TEXT = "قصفت طائرات حربية مدينة حلب صباح الأحد وقتل عشرة مدنيين بينهم أطفال"


def span(word, label=None, occurrence_text=TEXT):
    start = occurrence_text.index(word)
    return (start, start + len(word), label)


def test_exact_and_overlap_on_arabic_offsets():
    """Coder A marks "مدينة حلب" as a place; coder B only "حلب": no exact match, an overlap match."""
    coder_a = [
        span("طائرات حربية", "ACTOR"), span("مدينة حلب", "PLACE"), span("عشرة مدنيين", "CASUALTIES")
    ]
    coder_b = [span("طائرات حربية", "ACTOR"), span("حلب", "PLACE"), span("أطفال", "CASUALTIES")]
    exact = span_prf(coder_a, coder_b, match="exact")
    assert (exact.true_positives, exact.false_positives, exact.false_negatives) == (1, 2, 2)
    assert exact.precision == exact.recall == exact.f1 == pytest.approx(1 / 3)
    overlap = span_prf(coder_a, coder_b, match="overlap")
    assert overlap.true_positives == 2
    assert overlap.f1 == pytest.approx(2 / 3)
    assert overlap.match == "overlap"


def test_labels_must_match_unless_none():
    reference = [span("مدينة حلب", "PLACE")]
    assert span_prf(reference, [span("مدينة حلب", "ACTOR")]).true_positives == 0
    assert span_prf(reference, [span("مدينة حلب", None)]).true_positives == 1
    assert span_prf([span("حلب")[:2]], [span("حلب", "PLACE")]).true_positives == 1


def test_matching_is_one_to_one():
    """Two predicted spans inside one reference span: one true positive, one false positive."""
    reference = [span("عشرة مدنيين بينهم أطفال", "CASUALTIES")]
    predicted = [span("عشرة مدنيين", "CASUALTIES"), span("أطفال", "CASUALTIES")]
    result = span_prf(reference, predicted, match="overlap")
    assert (result.true_positives, result.false_positives, result.false_negatives) == (1, 1, 0)
    duplicates = span_prf([(0, 4, "X")], [(0, 4, "X"), (0, 4, "X")])
    assert (duplicates.true_positives, duplicates.n_predicted) == (1, 2)


def test_overlap_matching_maximises_the_number_of_pairs():
    """A greedy best-overlap choice would pair (0, 10) with (0, 9) and leave (8, 12) alone."""
    reference = [(0, 10, "X"), (9, 20, "X")]
    predicted = [(0, 9, "X"), (8, 12, "X")]
    assert span_prf(reference, predicted, match="overlap").true_positives == 2


def brute_force_max_pairs(allowed):
    rows, cols = allowed.shape
    if rows > cols:
        return brute_force_max_pairs(allowed.T)
    assignments = permutations(range(cols), rows)
    return max((sum(allowed[i, j] for i, j in enumerate(chosen)) for chosen in assignments), default=0)


@pytest.mark.parametrize("seed", range(30))
def test_overlap_true_positives_equal_brute_force(seed):
    rng = np.random.default_rng(seed)

    def random_spans(count):
        starts = rng.integers(0, 40, count)
        return [(int(s), int(s + rng.integers(1, 12)), str(rng.choice(["A", "B"]))) for s in starts]

    reference, predicted = random_spans(rng.integers(0, 6)), random_spans(rng.integers(0, 6))
    allowed = np.array(
        [[r[2] == p[2] and min(r[1], p[1]) > max(r[0], p[0]) for p in predicted] for r in reference],
        dtype=bool,
    ).reshape(len(reference), len(predicted))
    result = span_prf(reference, predicted, match="overlap")
    assert result.true_positives == brute_force_max_pairs(allowed)
    # Between two coders F1 is symmetric.
    swapped = span_prf(predicted, reference, match="overlap")
    assert swapped.true_positives == result.true_positives
    if not math.isnan(result.f1):
        assert swapped.f1 == pytest.approx(result.f1)


def test_empty_sides():
    nothing = span_prf([], [])
    assert math.isnan(nothing.precision) and math.isnan(nothing.recall) and math.isnan(nothing.f1)
    missed = span_prf([(0, 4, "X")], [])
    assert math.isnan(missed.precision) and missed.recall == 0.0 and missed.f1 == 0.0


def test_align_spans_reports_unmatched_on_both_sides():
    coder_a = [span("طائرات حربية"), span("مدينة حلب"), span("صباح الأحد")]
    coder_b = [span("حلب"), span("طائرات"), span("أطفال")]
    alignment = align_spans(coder_a, coder_b)
    assert alignment.pairs == ((0, 1), (1, 0))
    assert alignment.unmatched_a == (2,)
    assert alignment.unmatched_b == (2,)
    assert alignment.scores[0] == pytest.approx(len("طائرات") / len("طائرات حربية"))
    assert alignment.scores[1] == pytest.approx(len("حلب") / len("مدينة حلب"))
    everything = {i for i, _ in alignment.pairs} | set(alignment.unmatched_a)
    assert everything == set(range(len(coder_a)))


def test_align_spans_prefers_the_best_fitting_partner():
    """A long span overlapping two short ones pairs with the one it fits best (Jaccard); with
    score="overlap" the longer shared length wins instead."""
    long = [(0, 20)]
    short = [(0, 3), (5, 20)]
    assert align_spans(long, short).pairs == ((0, 1),)
    assert align_spans(long, short).unmatched_b == (0,)
    wide = [(0, 10), (0, 100)]
    assert align_spans([(0, 12)], wide, score="jaccard").pairs == ((0, 0),)
    assert align_spans([(0, 12)], wide, score="overlap").pairs == ((0, 1),)


def test_align_spans_ignores_labels_and_never_pairs_disjoint_spans():
    alignment = align_spans([(0, 5, "ACTOR"), (10, 12, "X")], [(3, 8, "PLACE"), (20, 25, "X")])
    assert alignment.pairs == ((0, 0),)
    assert (alignment.unmatched_a, alignment.unmatched_b) == ((1,), (1,))
    touching = align_spans([(0, 5)], [(5, 9)])  # end-exclusive: no shared position
    assert touching.pairs == () and touching.unmatched_b == (0,)
    assert align_spans([], []).pairs == ()


def test_invalid_spans_and_options():
    with pytest.raises(ValueError, match="start < end"):
        span_prf([(5, 5, "X")], [])
    with pytest.raises(ValueError, match="start, end"):
        align_spans([(1,)], [])
    with pytest.raises(ValueError, match="match"):
        span_prf([], [], match="fuzzy")
    with pytest.raises(ValueError, match="score"):
        align_spans([], [], score="dice")
