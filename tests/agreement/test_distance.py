"""MASI and Jaccard distances for set-valued codes."""

import pytest

from annotator.agreement import jaccard_distance, masi_distance


@pytest.mark.parametrize(
    "a, b, expected",
    [
        ({"A", "B"}, {"A", "B"}, 0.0),  # identical: J = 1, M = 1
        ({"A"}, {"A", "B"}, 1 - 0.5 * 2 / 3),  # subset: J = 1/2, M = 2/3 -> 0.6667
        ({"A", "B"}, {"B", "C"}, 1 - 1 / 9),  # overlap: J = 1/3, M = 1/3 -> 8/9
        ({"A"}, {"B"}, 1.0),  # disjoint: M = 0
    ],
)
def test_masi_passonneau_2006(a, b, expected):
    """Passonneau (2006) "Measuring agreement on set-valued items (MASI) for semantic and
    pragmatic annotation", LREC: MASI distance = 1 - J * M with monotonicity M = 1 (identical),
    2/3 (subset), 1/3 (overlap), 0 (disjoint).  Symmetric."""
    assert masi_distance(a, b) == pytest.approx(expected, abs=1e-12)
    assert masi_distance(b, a) == pytest.approx(expected, abs=1e-12)


def test_masi_nltk_docstring_example():
    """NLTK's masi_distance docstring: {1, 2} vs {1, 2, 3, 4} -> 0.665, with M rounded to 0.67;
    with Passonneau's exact 2/3 the value is 1 - 0.5 * 2/3 = 0.6667."""
    ours = masi_distance({1, 2}, {1, 2, 3, 4})
    assert ours == pytest.approx(2 / 3, abs=1e-12)
    assert ours == pytest.approx(0.665, abs=0.002)


def test_empty_sets():
    assert masi_distance(set(), set()) == 0.0
    assert masi_distance(set(), {"A"}) == 1.0
    assert jaccard_distance(frozenset(), []) == 0.0
    assert jaccard_distance([], ["A"]) == 1.0


def test_jaccard_distance():
    assert jaccard_distance({"A", "B"}, {"B", "C"}) == pytest.approx(2 / 3)
    assert jaccard_distance(["الجيش", "الشرطة"], ("الجيش",)) == pytest.approx(0.5)
    assert jaccard_distance({1}, {1}) == 0.0


def test_masi_is_bounded_and_at_least_jaccard():
    """M <= 1, so MASI distance >= Jaccard distance, both in [0, 1]."""
    universe = ["a", "b", "c"]
    subsets = [{x for x, bit in zip(universe, (i >> 2 & 1, i >> 1 & 1, i & 1)) if bit} for i in range(8)]
    for a in subsets:
        for b in subsets:
            assert 0.0 <= jaccard_distance(a, b) <= masi_distance(a, b) <= 1.0
