"""Cohen's and Fleiss' kappa and percent agreement against published values, scikit-learn and
statsmodels."""

import math

import numpy as np
import pytest
from sklearn.metrics import cohen_kappa_score
from statsmodels.stats.inter_rater import fleiss_kappa as statsmodels_fleiss_kappa

from annotator.agreement import cohen_kappa, fleiss_kappa, krippendorff_alpha, percent_agreement


def expand(table):
    """A contingency table (rows: coder a, columns: coder b) as two label lists."""
    a, b = [], []
    for i, row in enumerate(table):
        for j, count in enumerate(row):
            a += [i + 1] * count
            b += [j + 1] * count
    return a, b


def test_cohen_1960_example():
    """Cohen (1960) p. 45 (as in DKPro Agreement's Cohen1960Test): 200 units, 3 categories,
    p_o = .70, p_e = .41, kappa = .492; exactly (.70 - .41) / (1 - .41) = 29/59."""
    a, b = expand([[88, 14, 18], [10, 40, 10], [2, 6, 12]])
    result = cohen_kappa(a, b)
    assert result.observed == pytest.approx(0.70, abs=1e-12)
    assert result.expected == pytest.approx(0.41, abs=1e-12)
    assert round(result.value, 3) == 0.492
    assert result.value == pytest.approx(29 / 59, abs=1e-12)
    assert result.n == 200 and result.n_dropped == 0


# Kundel & Polansky (2003) "Measurement of observer agreement", Radiology 228:303-308, Table A1:
# 110 mammograms rated Absent / Minimal / Moderate / Severe by two readers.
MAMMOGRAMS = [[34, 10, 2, 0], [6, 8, 8, 2], [2, 5, 4, 12], [0, 1, 2, 14]]


def test_kundel_polansky_2003_weighted_kappa():
    """Kundel & Polansky (2003) Table A1 as printed by vcd::Kappa in vcdExtra's ``Mammograms``
    documentation: unweighted .3713, weighted .5964 (equal-spacing weights 1 - |i-j|/(k-1),
    i.e. linear).  All three weightings equal scikit-learn's cohen_kappa_score to 1e-9."""
    a, b = expand(MAMMOGRAMS)
    assert round(cohen_kappa(a, b).value, 4) == 0.3713
    assert round(cohen_kappa(a, b, "linear").value, 4) == 0.5964
    for weights in (None, "linear", "quadratic"):
        assert cohen_kappa(a, b, weights).value == pytest.approx(
            cohen_kappa_score(a, b, weights=weights), abs=1e-9
        )


def test_weighted_agreements_give_kappa():
    """observed / expected are the weighted agreements: kappa = (p_o - p_e) / (1 - p_e)."""
    a, b = expand(MAMMOGRAMS)
    for weights in (None, "linear", "quadratic"):
        result = cohen_kappa(a, b, weights)
        assert result.value == pytest.approx(
            (result.observed - result.expected) / (1 - result.expected), abs=1e-12
        )
    linear = cohen_kappa(a, b, "linear")
    # Hand check of the linear observed agreement: disagreement weight |i-j|/3 per case.
    off_by = {1: 10 + 6 + 8 + 5 + 12 + 2, 2: 2 + 2 + 2 + 1, 3: 0}
    weighted_disagreement = sum(k * count for k, count in off_by.items()) / 3
    assert linear.observed == pytest.approx(1 - weighted_disagreement / 110, abs=1e-12)


@pytest.mark.parametrize("seed", range(5))
@pytest.mark.parametrize("weights", [None, "linear", "quadratic"])
def test_random_pairs_match_sklearn(seed, weights):
    rng = np.random.default_rng(seed)
    truth = rng.integers(0, 5, 300)
    a = np.where(rng.random(300) < 0.6, truth, rng.integers(0, 5, 300))
    b = np.where(rng.random(300) < 0.6, truth, rng.integers(0, 5, 300))
    labels = [4, 3, 2, 1, 0, 5] if seed % 2 else None  # a reversed order and an unused label
    ours = cohen_kappa(a.tolist(), b.tolist(), weights, labels=labels).value
    assert ours == pytest.approx(cohen_kappa_score(a, b, weights=weights, labels=labels), abs=1e-9)


def test_missing_pairs_are_dropped_and_counted():
    a = ["حرب", "سلم", None, "حرب", "سلم", float("nan")]
    b = ["حرب", "حرب", "سلم", None, "سلم", "سلم"]
    result = cohen_kappa(a, b)
    assert (result.n, result.n_dropped) == (3, 3)
    kept_a, kept_b = ["حرب", "سلم", "سلم"], ["حرب", "حرب", "سلم"]
    assert result.value == pytest.approx(cohen_kappa_score(kept_a, kept_b))


def test_cohen_kappa_undefined_and_invalid():
    single = cohen_kappa(["a", "a"], ["a", "a"])
    assert math.isnan(single.value) and single.note.startswith("no variation")
    empty = cohen_kappa([None], ["a"])
    assert math.isnan(empty.value) and empty.n_dropped == 1
    with pytest.raises(ValueError, match="not in labels"):
        cohen_kappa(["a", "b"], ["a", "c"], labels=["a", "b"])
    with pytest.raises(ValueError, match="one value per unit"):
        cohen_kappa(["a"], ["a", "b"])
    with pytest.raises(TypeError, match="labels="):
        cohen_kappa([1, "x"], ["x", 1], weights="linear")
    with pytest.raises(ValueError, match="weights"):
        cohen_kappa([1, 2], [1, 2], weights="cubic")


# Wikipedia "Fleiss' kappa", worked example: 10 subjects x 5 categories, 14 raters each.
WIKIPEDIA_FLEISS = [
    [0, 0, 0, 0, 14],
    [0, 2, 6, 4, 2],
    [0, 0, 3, 5, 6],
    [0, 3, 9, 2, 0],
    [2, 2, 8, 1, 1],
    [7, 7, 0, 0, 0],
    [3, 2, 6, 3, 0],
    [2, 5, 3, 2, 2],
    [6, 5, 2, 1, 0],
    [0, 2, 2, 3, 7],
]


def test_fleiss_kappa_wikipedia_example():
    """Wikipedia "Fleiss' kappa" worked example (Fleiss 1971 method): P = 0.378, P_e = 0.213,
    kappa = 0.210, i.e. 0.20993 to 5 decimals; equal to statsmodels to 1e-9."""
    result = fleiss_kappa(WIKIPEDIA_FLEISS)
    assert round(result.observed, 3) == 0.378
    assert round(result.expected, 3) == 0.213
    assert round(result.value, 3) == 0.210
    assert round(result.value, 5) == 0.20993
    assert result.value == pytest.approx(statsmodels_fleiss_kappa(np.array(WIKIPEDIA_FLEISS)), abs=1e-9)
    assert result.n == 10


def fleiss_1971_counts():
    """Fleiss (1971) p. 379: 30 patients, 6 psychiatrists, 5 diagnoses (ratings as in DKPro
    Agreement's Fleiss1971Test), turned into a subjects x categories count table."""
    ratings = [
        (4, 4, 4, 4, 4, 4), (2, 2, 2, 5, 5, 5), (2, 3, 3, 3, 3, 5), (5, 5, 5, 5, 5, 5),
        (2, 2, 2, 4, 4, 4), (1, 1, 3, 3, 3, 3), (3, 3, 3, 3, 5, 5), (1, 1, 3, 3, 3, 4),
        (1, 1, 4, 4, 4, 4), (5, 5, 5, 5, 5, 5), (1, 4, 4, 4, 4, 4), (1, 2, 4, 4, 4, 4),
        (2, 2, 2, 3, 3, 3), (1, 4, 4, 4, 4, 4), (2, 2, 4, 4, 4, 5), (3, 3, 3, 3, 3, 5),
        (1, 1, 1, 4, 5, 5), (1, 1, 1, 1, 1, 2), (2, 2, 4, 4, 4, 4), (1, 3, 3, 5, 5, 5),
        (5, 5, 5, 5, 5, 5), (2, 4, 4, 4, 4, 4), (2, 2, 4, 5, 5, 5), (1, 1, 4, 4, 4, 4),
        (1, 4, 4, 4, 4, 5), (2, 2, 2, 2, 2, 4), (1, 1, 1, 1, 5, 5), (2, 2, 4, 4, 4, 4),
        (1, 3, 3, 3, 3, 3), (5, 5, 5, 5, 5, 5),
    ]
    return ratings, [[row.count(c) for c in range(1, 6)] for row in ratings]


def test_fleiss_1971_original_example():
    """Fleiss (1971): P = .5556, P_e = .2201, kappa = .430, as asserted by DKPro Agreement's
    Fleiss1971Test with tolerance .001 (the exact P_e is 0.21994; the printed .2201 comes from
    rounded category shares); equal to statsmodels to 1e-9."""
    _, counts = fleiss_1971_counts()
    result = fleiss_kappa(counts)
    assert round(result.observed, 4) == 0.5556
    assert result.expected == pytest.approx(0.2201, abs=1e-3)
    assert round(result.value, 3) == 0.430
    assert result.value == pytest.approx(statsmodels_fleiss_kappa(np.array(counts)), abs=1e-9)


@pytest.mark.parametrize("seed", range(5))
def test_random_tables_match_statsmodels(seed):
    rng = np.random.default_rng(seed)
    counts = np.array([rng.multinomial(7, rng.dirichlet(np.ones(4))) for _ in range(40)])
    assert fleiss_kappa(counts).value == pytest.approx(statsmodels_fleiss_kappa(counts), abs=1e-9)


def test_fleiss_kappa_undefined_and_invalid():
    constant = fleiss_kappa([[3, 0], [3, 0]])
    assert math.isnan(constant.value) and constant.note.startswith("no variation")
    assert math.isnan(fleiss_kappa(np.zeros((0, 3))).value)
    with pytest.raises(ValueError, match="same number"):
        fleiss_kappa([[2, 1], [1, 1]])
    with pytest.raises(ValueError, match="non-negative"):
        fleiss_kappa([[3, -1], [1, 1]])


def test_percent_agreement_krippendorff_2004_p230():
    """Krippendorff (2004) p. 230 (= Krippendorff 2011 section C), 4 coders with missing
    values: percent agreement .800 as asserted by DKPro Agreement's Krippendorff2004Test;
    exactly 32/40 (1 - nominal D_o)."""
    N = None
    data = [
        ["B", "L", "P", "P", "L", "B", "C", "B", "L", N, N, N],
        ["B", "L", "P", "P", "L", "L", "C", "B", "L", "F", N, "P"],
        [N, "P", "P", "P", "L", "P", "C", "L", "L", "F", "B", N],
        ["B", "L", "P", "P", "L", "C", "C", "B", "L", "F", "B", N],
    ]
    assert percent_agreement(data) == pytest.approx(0.8, abs=1e-12)
    assert percent_agreement(data) == pytest.approx(1 - krippendorff_alpha(data).observed_disagreement)


def test_percent_agreement_is_mean_pairwise_agreement_without_missing():
    """Two coders: share of agreeing units.  Complete data: Fleiss' P (Fleiss 1971, .5556)."""
    assert percent_agreement([[1, 2, 3, 4], [1, 2, 0, 4]]) == pytest.approx(0.75)
    ratings, counts = fleiss_1971_counts()
    by_coder = [list(coder) for coder in zip(*ratings)]
    assert percent_agreement(by_coder) == pytest.approx(fleiss_kappa(counts).observed, abs=1e-12)


def test_percent_agreement_without_pairable_units_is_nan():
    assert math.isnan(percent_agreement([[1, None], [None, 2]]))
