"""Gwet's AC1/AC2, Brennan-Prediger, Conger, Fleiss (missing ratings), Scott, Light: published
values (Gwet 2014 via irrCAC; Fleiss 1971 / R irr ``diagnoses``), irrCAC on random data with
missing values to 1e-9, and each definitional difference named."""

import math
import warnings

import numpy as np
import pandas as pd
import pytest
from irrCAC.raw import CAC
from irrCAC.table import CAC as TableCAC

from annotator.agreement import (
    brennan_prediger,
    cohen_kappa,
    conger_kappa,
    fleiss_kappa,
    gwet_ac1,
    gwet_ac2,
    krippendorff_alpha,
    light_kappa,
    scott_pi,
)
from tests.agreement.test_kappa import fleiss_1971_counts

N = None
# Gwet (2014) "Handbook of Inter-Rater Reliability", 4th ed., as irrCAC ships them (its
# datasets module); rows are coders.  raw_4raters is also Krippendorff (2011) section C.
DATASETS = {
    "raw_4raters": [
        [1, 2, 3, 3, 2, 1, 4, 1, 2, N, N, N],
        [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, N, N],
        [N, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, 3],
        [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, N],
    ],
    "raw_5observers": [
        [1, 1, 2, N, 0, 0, 1, 1, 2, 2, N, 0, 1, 3, 1],
        [1, 1, 3, 0, 0, 0, 0, N, 2, 1, 1, 0, 2, 3, 1],
        [2, 0, 3, 0, 0, 0, 2, 2, 2, 1, 0, 0, 2, 2, 1],
        [N, 1, 3, N, N, N, N, 0, N, 1, 0, 0, 2, 2, N],
        [2, N, N, 0, 0, 0, 1, N, 2, N, N, N, N, 3, 1],
    ],
    "raw_g1g2": [
        list("abccbadab") + [N, N, N, "b", "b"],
        list("abccbbdabe") + [N, N, "b", "a"],
        [N] + list("cccbcdbbeacc") + ["c"],
        list("abccbddabea") + [N, "b", "b"],
    ],
    "raw_gender": [
        "a a a a a b b b c a a a a a b".split(),
        "a a a a b a b c c a a a a b a".split(),
        "a b b c a a b b c a b b c a a".split(),
        "c c c c a a b b c c c c c a a".split(),
    ],
    "raw_ben_gerry": [
        list("aabbdcccedda"),
        list("babbbccce") + [N, "d", "d"],
    ],
}

# (pa, pe, coefficient, se, CI low, CI high) to 3 decimals, as asserted by irrCAC's tests
# (test/unit/irrCAC/raw/test_*.py), which reproduce Gwet (2014) and R irrCAC.
PUBLISHED = {
    "AC1": (gwet_ac1, {
        "raw_4raters": (0.818, 0.190, 0.775, 0.143, 0.461, 1),
        "raw_5observers": (0.616, 0.236, 0.497, 0.122, 0.235, 0.758),
        "raw_g1g2": (0.744, 0.187, 0.685, 0.134, 0.396, 0.973),
        "raw_gender": (0.456, 0.312, 0.208, 0.091, 0.014, 0.403),
        "raw_ben_gerry": (0.727, 0.194, 0.661, 0.184, 0.257, 1),
    }),
    "Fleiss": (lambda d: fleiss_kappa(reliability_data=d), {
        "raw_4raters": (0.818, 0.239, 0.761, 0.153, 0.424, 1),
        "raw_5observers": (0.616, 0.291, 0.458, 0.120, 0.199, 0.716),
        "raw_g1g2": (0.744, 0.252, 0.657, 0.150, 0.333, 0.981),
        "raw_gender": (0.456, 0.375, 0.129, 0.141, -0.172, 0.430),
        "raw_ben_gerry": (0.727, 0.222, 0.649, 0.191, 0.228, 1),
    }),
    "Conger": (conger_kappa, {
        "raw_4raters": (0.818, 0.233, 0.763, 0.149, 0.435, 1),
        "raw_5observers": (0.616, 0.276, 0.469, 0.117, 0.219, 0.719),
        "raw_g1g2": (0.744, 0.249, 0.659, 0.146, 0.343, 0.974),
        "raw_gender": (0.456, 0.347, 0.166, 0.121, -0.094, 0.426),
        "raw_ben_gerry": (0.727, 0.205, 0.657, 0.179, 0.262, 1),
    }),
    "Brennan-Prediger": (brennan_prediger, {
        "raw_4raters": (0.818, 0.200, 0.773, 0.145, 0.454, 1),
        "raw_5observers": (0.616, 0.250, 0.487, 0.121, 0.228, 0.747),
        "raw_g1g2": (0.744, 0.200, 0.679, 0.136, 0.385, 0.974),
        "raw_gender": (0.456, 0.333, 0.183, 0.102, -0.035, 0.402),
        "raw_ben_gerry": (0.727, 0.200, 0.659, 0.185, 0.251, 1),
    }),
}


@pytest.mark.parametrize("name, dataset", [(c, d) for c, (_, table) in PUBLISHED.items() for d in table])
def test_gwet_2014_handbook_examples(name, dataset):
    """Every coefficient on every Gwet (2014) dataset: p_a, p_e, value, se and the 95% t interval
    to the 3 decimals irrCAC asserts (e.g. raw_4raters AC1 .775, se .143: Gwet's .77544 / .14295
    as irrCAC's documentation prints them)."""
    function, table = PUBLISHED[name]
    pa, pe, value, se, low, high = table[dataset]
    result = function(DATASETS[dataset])
    assert (round(result.observed, 3), round(result.expected, 3)) == (pa, pe)
    assert round(result.value, 3) == value
    assert round(result.se, 3) == se
    assert (round(result.low, 3), round(result.high, 3)) == (low, high)


def test_ac1_five_decimals_as_documented():
    """irrCAC's docs/doctest for raw_4raters: AC1 0.77544, se 0.14295, pa 0.81818, pe 0.19032,
    interval (0.46081, 1), p 0.00021; Fleiss 0.76117, se 0.15302, pe 0.23872."""
    ac1 = gwet_ac1(DATASETS["raw_4raters"])
    assert [round(x, 5) for x in (ac1.value, ac1.se, ac1.observed, ac1.expected, ac1.low)] == [
        0.77544, 0.14295, 0.81818, 0.19032, 0.46081]
    assert ac1.high == 1.0 and round(ac1.p_value, 5) == 0.00021
    assert ac1.n == 11  # unit 12 has one rating: in pi_k, not in p_a
    fleiss = fleiss_kappa(reliability_data=DATASETS["raw_4raters"])
    assert [round(x, 5) for x in (fleiss.value, fleiss.se, fleiss.expected)] == [0.76117, 0.15302, 0.23872]


# AC2 on raw_4raters, per weighting: (value, se, pa, pe) to 3 decimals (irrCAC's test_gwet.py);
# quadratic also to 5 in irrCAC's usage notebook: 0.914 (0.91400), se 0.10396, pa 0.97538, pe 0.7137.
AC2 = {
    "quadratic": (0.914, 0.104, 0.975, 0.714),
    "linear": (0.859, 0.117, 0.939, 0.571),
    "ordinal": (0.899, 0.107, 0.968, 0.685),
    "radical": (0.820, 0.128, 0.897, 0.430),
    "ratio": (0.857, 0.122, 0.954, 0.678),
    "circular": (0.830, 0.133, 0.902, 0.426),
    "bipolar": (0.900, 0.106, 0.968, 0.682),
}


@pytest.mark.parametrize("weights", AC2)
def test_ac2_weights_gwet_2014(weights):
    result = gwet_ac2(DATASETS["raw_4raters"], weights)
    assert tuple(round(x, 3) for x in (result.value, result.se, result.observed, result.expected)) == AC2[weights]
    assert result.coefficient == "AC2" and result.weights == weights


def test_ac2_quadratic_five_decimals():
    result = gwet_ac2(DATASETS["raw_4raters"], "quadratic")
    assert [round(x, 5) for x in (result.se, result.observed)] == [0.10396, 0.97538]
    assert round(result.expected, 4) == 0.7137


@pytest.mark.parametrize("function, weights, published", [
    (lambda d, w: fleiss_kappa(reliability_data=d, weights=w), "quadratic", (0.865, 0.146)),
    (conger_kappa, "quadratic", (0.858, 0.144)),
    (brennan_prediger, "quadratic", (0.902, 0.111)),
    (conger_kappa, "bipolar", (0.845, 0.142)),
    (lambda d, w: fleiss_kappa(reliability_data=d, weights=w), "linear", (0.818, 0.149)),
    (brennan_prediger, "ratio", (0.840, 0.132)),
])
def test_weighted_kappas_gwet_2014(function, weights, published):
    result = function(DATASETS["raw_4raters"], weights)
    assert (round(result.value, 3), round(result.se, 3)) == published


def test_custom_weight_matrix_irrcac_tests():
    """irrCAC's test_conger/test_bp: an asymmetric custom matrix gives Conger .763 (pe .521, se
    .149) and Brennan-Prediger .773 (pe .500)."""
    w = np.array([[1, .75, .5, .25, 0], [0, 1, .75, .5, .25], [.25, 0, 1, .75, .5],
                  [.5, .25, 0, 1, .75], [.75, .5, .25, 0, 1]])
    conger = conger_kappa(DATASETS["raw_4raters"], w)
    assert (round(conger.value, 3), round(conger.expected, 3), round(conger.se, 3)) == (0.763, 0.521, 0.149)
    bp = brennan_prediger(DATASETS["raw_4raters"], w)
    assert (round(bp.value, 3), round(bp.expected, 3), round(bp.observed, 3)) == (0.773, 0.5, 0.886)
    assert conger.weights == "custom"


def diagnoses():
    """R irr's ``diagnoses`` (Fleiss 1971): 30 patients x 6 raters, categories 1-5; rows = raters."""
    ratings, _ = fleiss_1971_counts()
    return [list(rater) for rater in zip(*ratings)]


def test_r_irr_diagnoses():
    """R irr on ``diagnoses``: kappam.fleiss 0.430, kappam.fleiss(exact = TRUE) -- Conger's
    kappa -- 0.442, kappam.light 0.459 (as printed by irr and quoted by its Python port pyirr)."""
    data = diagnoses()
    assert round(fleiss_kappa(reliability_data=data).value, 3) == 0.430
    assert round(conger_kappa(data).value, 3) == 0.442
    assert round(light_kappa(data).value, 3) == 0.459
    assert fleiss_kappa(reliability_data=data).value == pytest.approx(
        fleiss_kappa(fleiss_1971_counts()[1]).value, abs=1e-12)


def test_fleiss_counts_now_have_a_standard_error():
    """The counts form and the reliability-data form are the same coefficient and variance."""
    counts_form = fleiss_kappa(fleiss_1971_counts()[1])
    data_form = fleiss_kappa(reliability_data=diagnoses())
    assert counts_form.se == pytest.approx(data_form.se, abs=1e-12) and counts_form.se > 0
    with pytest.raises(ValueError, match="either counts or reliability_data"):
        fleiss_kappa()


def random_ratings(rng, coders, units, categories=5, missing=0.15):
    truth = rng.integers(1, categories + 1, units)
    data = np.where(rng.random((coders, units)) < 0.65, truth, rng.integers(1, categories + 1, (coders, units)))
    data = data.astype(float)
    data[rng.random(data.shape) < missing] = np.nan
    data[:, 0] = np.nan  # a unit nobody rated
    data[1:, 1] = np.nan  # a unit with a single rating
    return data


def irrcac(data, method, weights="identity", categories=(1.0, 2.0, 3.0, 4.0, 5.0)):
    """irrCAC on our coders x units array.  Categories are passed explicitly: with pandas 3,
    irrCAC's own default (``ratings.stack().unique()``) keeps NaN as a sixth category."""
    frame = pd.DataFrame(data.T)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return getattr(CAC(frame, weights=weights, categories=list(categories), digits=15), method)()["est"]


@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", [(2, 40), (3, 120), (5, 60), (8, 33)])
@pytest.mark.parametrize("method, function, weights", [
    ("gwet", gwet_ac1, "identity"),
    ("gwet", gwet_ac2, "quadratic"),
    ("gwet", gwet_ac2, "linear"),
    ("gwet", gwet_ac2, "ordinal"),
    ("gwet", gwet_ac2, "radical"),
    ("gwet", gwet_ac2, "ratio"),
    ("gwet", gwet_ac2, "circular"),
    ("gwet", gwet_ac2, "bipolar"),
    ("fleiss", fleiss_kappa, "identity"),
    ("fleiss", fleiss_kappa, "quadratic"),
    ("conger", conger_kappa, "identity"),
    ("conger", conger_kappa, "linear"),
    ("bp", brennan_prediger, "identity"),
    ("bp", brennan_prediger, "quadratic"),
])
def test_random_data_with_missing_match_irrcac(seed, shape, method, function, weights):
    """Value, standard error, p_a and p_e equal irrCAC's to 1e-9 (categories 1..5 given to both,
    as q enters AC1 and Brennan-Prediger)."""
    data = random_ratings(np.random.default_rng(100 * seed + shape[0]), *shape)
    categories = [1.0, 2.0, 3.0, 4.0, 5.0]
    if function is fleiss_kappa:
        ours = fleiss_kappa(reliability_data=data, weights=weights, categories=categories)
    elif function is gwet_ac1:
        ours = gwet_ac1(data, categories=categories)
    else:
        ours = function(data, weights, categories=categories)
    theirs = irrcac(data, method, weights)
    assert ours.value == pytest.approx(float(theirs["coefficient_value"]), abs=1e-9)
    assert ours.se == pytest.approx(float(np.ravel(theirs["se"])[0]), abs=1e-9)
    assert ours.observed == pytest.approx(float(theirs["pa"]), abs=1e-9)
    assert ours.expected == pytest.approx(float(theirs["pe"]), abs=1e-9)


def test_finite_population_correction_matches_irrcac():
    data = random_ratings(np.random.default_rng(7), 4, 80)
    ours = gwet_ac1(data, categories=[1.0, 2.0, 3.0, 4.0, 5.0], population=200)
    frame = pd.DataFrame(data.T)
    theirs = CAC(frame, categories=[1.0, 2.0, 3.0, 4.0, 5.0], N=200, digits=15).gwet()["est"]
    assert ours.se == pytest.approx(float(theirs["se"]), abs=1e-9)
    assert ours.se < gwet_ac1(data, categories=[1.0, 2.0, 3.0, 4.0, 5.0]).se


def test_two_coders_without_missing():
    """Conger's kappa is Cohen's; Scott's pi is Fleiss' kappa; on Gwet's cont3x3abstractors
    (100 pregnancies, 2 abstractors) the values equal irrCAC's two-rater table functions
    (kappa .7964, Scott .7962, AC1 .8493)."""
    table = np.array([[13, 0, 0], [0, 20, 7], [0, 4, 56]])
    a = [i for i in range(3) for j in range(3) for _ in range(table[i, j])]
    b = [j for i in range(3) for j in range(3) for _ in range(table[i, j])]
    assert conger_kappa([a, b]).value == pytest.approx(cohen_kappa(a, b).value, abs=1e-12)
    assert scott_pi([a, b]).value == pytest.approx(fleiss_kappa(reliability_data=[a, b]).value, abs=1e-12)
    frame = pd.DataFrame(table, index=["E", "A", "N"], columns=["E", "A", "N"])
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        cac = TableCAC(frame, digits=15)
        pairs = {"cohen": conger_kappa([a, b]), "scott": scott_pi([a, b]), "gwet": gwet_ac1([a, b])}
        for method, ours in pairs.items():
            theirs = getattr(cac, method)()["est"]
            assert ours.value == pytest.approx(float(np.ravel(theirs["coefficient_value"])[0]), abs=1e-9)
            # Difference: the two-rater table formulas divide the variance by n, the raw-data
            # (multi-rater) formulas by n - 1, so our se is theirs times sqrt(n / (n - 1)).
            assert ours.se == pytest.approx(float(np.ravel(theirs["se"])[0]) * math.sqrt(100 / 99), rel=1e-9)


def test_difference_single_category():
    """Difference: with one category AC1's p_e = T_w / (q (q - 1)) ... divides by zero; irrCAC
    substitutes p_e = 1 - 1e-15 and reports AC1 = 1.  We report NaN with a note, as for alpha."""
    data = [[1, 1, 1, 1], [1, 1, 1, None]]
    ours = gwet_ac1(data)
    assert math.isnan(ours.value) and "single category" in ours.note
    theirs = irrcac(np.array(data, dtype=float), "gwet", categories=[1.0])
    assert float(theirs["coefficient_value"]) == pytest.approx(1.0)
    assert math.isnan(fleiss_kappa(reliability_data=data).value)
    assert fleiss_kappa(reliability_data=data).note.startswith("no variation")


def test_difference_ratio_weights_with_zero():
    """Difference: irrCAC refuses ratio weights when 0 is a category (0/0 on the diagonal);
    ((c - k)/(c + k))**2 is 1 between 0 and any other value, and the diagonal is 1 by definition."""
    data = [[0, 1, 2, 3, 0, 2], [0, 1, 3, 3, 1, 2], [0, 2, 2, 3, 0, 2]]
    with pytest.raises(ValueError, match="0 as a category"):
        irrcac(np.array(data, dtype=float), "gwet", "ratio", categories=[0.0, 1.0, 2.0, 3.0])
    result = gwet_ac2(data, "ratio")
    assert 0 < result.value < 1


def test_difference_conger_coder_without_ratings():
    """Difference: a coder with no rating at all makes irrCAC's Conger divide by zero (NaN);
    we leave that coder out, which gives the coefficient of the others."""
    data = random_ratings(np.random.default_rng(3), 3, 50)
    silent = np.vstack([data, np.full(50, np.nan)])
    assert conger_kappa(silent).value == pytest.approx(conger_kappa(data).value, abs=1e-12)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        theirs = irrcac(silent, "conger")
    assert math.isnan(float(theirs["coefficient_value"]))


def test_difference_light_kappa_with_missing_values():
    """Difference: R irr's kappam.light drops every unit with a missing rating (complete cases);
    we take each pair on the units both coded.  Without missing values both are the same mean of
    pairwise Cohen kappas (diagnoses: 0.459)."""
    data = np.array(diagnoses(), dtype=float)
    data[0, :5] = np.nan
    complete = data[:, ~np.isnan(data).any(axis=0)]
    assert light_kappa(data).value != pytest.approx(light_kappa(complete).value, abs=1e-6)
    pairs = [cohen_kappa(*[[None if math.isnan(v) else v for v in data[c]] for c in (a, b)]).value
             for a in range(6) for b in range(a + 1, 6)]
    assert light_kappa(data).value == pytest.approx(np.mean(pairs), abs=1e-12)


def test_skew_paradox_ac1_stays_high():
    """The kappa paradox: coders agree on 90 of 100 units, "civilian" is 95% of the values, and
    the 10 disagreements are all civilian/combatant: alpha and kappa fall below 0 while AC1
    stays near p_a = .9 (the pattern of Gwet 2008, sec. 2)."""
    a = ["civilian"] * 90 + ["civilian"] * 5 + ["combatant"] * 5
    b = ["civilian"] * 90 + ["combatant"] * 5 + ["civilian"] * 5
    alpha = krippendorff_alpha([a, b]).value
    ac1 = gwet_ac1([a, b])
    assert ac1.observed == pytest.approx(0.9)
    assert alpha < 0 and cohen_kappa(a, b).value < 0
    assert ac1.value > 0.85


def test_invalid_arguments():
    with pytest.raises(ValueError, match="weights must be one of"):
        gwet_ac2([[1, 2], [1, 2]], "cubic")
    with pytest.raises(ValueError, match="3 x 3"):
        conger_kappa([[1, 2, 3], [1, 2, 3]], np.eye(2))
    with pytest.raises(ValueError, match="not in categories"):
        gwet_ac1([[1, 2], [1, 3]], categories=[1, 2])
    with pytest.raises(ValueError, match="ci must be"):
        gwet_ac1([[1, 2], [1, 2]], ci=1.5)
    assert math.isnan(gwet_ac1([[1, None], [None, 2]]).value)  # no unit with two ratings
