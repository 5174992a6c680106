"""Krippendorff's unitizing alpha (alpha_U) against Krippendorff (1995, 2004) as reproduced by
DKPro Agreement (dkpro/dkpro-statistics, src/test/java/org/dkpro/statistics/agreement/unitizing)."""

import math
from fractions import Fraction

import pytest

from annotator.agreement import unitizing_alpha
from annotator.agreement.unitizing import _delta2


def from_offsets(units):
    """DKPro's addUnit(offset, length, rater, category) as our (coder, start, end, category)."""
    return [(rater, offset, offset + length, category) for offset, length, rater, category in units]


# Krippendorff (2004) "Content Analysis", 2nd ed., p. 254 -- DKPro's Krippendorff2004Test:
# 2 observers, continuum begins at 150 and is 300 long, categories c and k.
K2004 = from_offsets(
    [
        (225, 70, 0, "c"), (370, 30, 0, "c"), (220, 80, 1, "c"), (355, 20, 1, "c"),
        (400, 20, 1, "c"), (180, 60, 0, "k"), (300, 50, 0, "k"), (180, 60, 1, "k"),
        (300, 50, 1, "k"),
    ]
)
K2004_CONTINUUM = (150, 450)


def test_krippendorff_2004_distances():
    """Krippendorff (2004) p. 254 distances (DKPro testDistanceMetric2): 50, 850, 400."""
    assert _delta2((225, 295, True), (220, 300, True)) == 50
    assert _delta2((370, 400, True), (355, 375, True)) == 850
    assert _delta2((400, 450, False), (400, 420, True)) == 400


def test_krippendorff_2004_unitizing_example():
    """Krippendorff (2004) p. 254 via DKPro Agreement's Krippendorff2004Test (4 decimals):
    c: D_o = .0144, D_e = .0532, alpha_U = .7286; k: D_o = 0, D_e = .0490, alpha_U = 1;
    overall alpha_U = .8591 (DKPro's tolerance .0005).

    Hand derivation (to 1e-12): for c the overlapping pairs differ by 50 + 850 + 400 = 1300, so
    D_o = 2 * 1300 / (2 * 1 * 300**2) = 13/900.  D_e(c) = 2/300 * 2767160 / (600*599 - 12780) with
    2767160 = sum over the units l = 70, 30, 80, 20, 20 of 4 l(l-1)(2l-1)/3 + l**2 * sum over the
    gaps g >= l (75, 75, 50, 70, 55, 25, 30) of (g - l + 1).  For k (l = 60, 50, 60, 50; gaps 30,
    60, 100 twice): D_e = 2/300 * 2552420 / (600*599 - 11980)."""
    c = unitizing_alpha(K2004, K2004_CONTINUUM, "c")
    k = unitizing_alpha(K2004, K2004_CONTINUUM, "k")
    overall = unitizing_alpha(K2004, K2004_CONTINUUM)

    assert round(c.observed_disagreement, 4) == 0.0144
    assert round(c.expected_disagreement, 4) == 0.0532
    assert round(c.value, 4) == 0.7286
    assert k.observed_disagreement == 0.0
    assert round(k.expected_disagreement, 4) == 0.0490
    assert k.value == 1.0
    assert overall.value == pytest.approx(0.8591, abs=5e-4)

    d_o_c = Fraction(13, 900)
    d_e_c = Fraction(2, 300) * Fraction(2767160, 600 * 599 - 12780)
    d_e_k = Fraction(2, 300) * Fraction(2552420, 600 * 599 - 11980)
    assert c.observed_disagreement == pytest.approx(float(d_o_c), abs=1e-12)
    assert c.expected_disagreement == pytest.approx(float(d_e_c), abs=1e-12)
    assert k.expected_disagreement == pytest.approx(float(d_e_k), abs=1e-12)
    assert overall.value == pytest.approx(float(1 - (d_o_c / 2) / ((d_e_c + d_e_k) / 2)), abs=1e-12)
    assert (overall.n_units, overall.n_values, overall.n_coders) == (9, 600, 2)
    assert overall.level == "unitizing"


def krippendorff_1995(stretch, categories="ABCD"):
    """Krippendorff (1995) p. 57 example, DKPro's Krippendorff1995Test.createExample(stretch):
    2 coders on a continuum of 24 (times stretch), categories A-D."""
    raw = [
        (2, 8, 0, "A"), (14, 6, 0, "A"), (4, 4, 1, "A"), (15, 2, 1, "A"),
        (0, 18, 0, "B"), (0, 2, 1, "B"), (2, 1, 1, "B"), (3, 1, 1, "B"), (4, 1, 1, "B"),
        (5, 1, 1, "B"), (6, 3, 1, "B"), (9, 1, 1, "B"),
        (2, 6, 0, "C"), (10, 2, 0, "C"), (14, 4, 0, "C"), (20, 2, 0, "C"), (0, 2, 1, "C"),
        (4, 4, 1, "C"), (10, 4, 1, "C"), (16, 2, 1, "C"), (20, 2, 1, "C"),
        (0, 2, 0, "D"), (2, 8, 0, "D"), (10, 4, 0, "D"), (14, 6, 0, "D"), (20, 4, 0, "D"),
        (0, 4, 1, "D"), (4, 4, 1, "D"), (8, 7, 1, "D"), (15, 2, 1, "D"), (17, 7, 1, "D"),
    ]
    units = [
        (int(o * stretch), int(l * stretch), r, c) for o, l, r, c in raw if c in categories
    ]
    return from_offsets(units), (0, int(24 * stretch))


def test_krippendorff_1995_observed_disagreement():
    """Krippendorff (1995) "On the reliability of unitizing continuous data", Sociological
    Methodology 25:47-76, p. 57, via DKPro's Krippendorff1995Test.testAgreement: D_o for A-D =
    .03125, 2.26736, .02777, .38715 (5 decimals, DKPro tolerance 1e-5); A and C are exactly
    1/32 and 1/36."""
    units, continuum = krippendorff_1995(1)
    observed = {c: unitizing_alpha(units, continuum, c).observed_disagreement for c in "ABCD"}
    for category, printed in zip("ABCD", (0.03125, 2.26736, 0.02777, 0.38715)):
        assert observed[category] == pytest.approx(printed, abs=1e-5)
    assert observed["A"] == pytest.approx(1 / 32, abs=1e-15)
    assert observed["C"] == pytest.approx(1 / 36, abs=1e-15)


def test_krippendorff_1995_short_continuum():
    """DKPro's testVaryingLengths at stretch 12/24 (category C): D_o = .02777 and D_e = .05494
    (tolerance 1e-5), alpha_U = .494 (tolerance .02)."""
    units, continuum = krippendorff_1995(0.5, "C")
    result = unitizing_alpha(units, continuum, "C")
    assert result.observed_disagreement == pytest.approx(0.02777, abs=1e-5)
    assert result.expected_disagreement == pytest.approx(0.05494, abs=1e-5)
    assert result.value == pytest.approx(0.494, abs=0.02)


def test_krippendorff_1995_published_values_on_a_long_continuum():
    """Krippendorff (1995) prints D_e and alpha_U for a long continuum; DKPro compares them at
    stretch 50,000 with tolerances .005 (D_e) and .02 (alpha_U), noting a small error in the
    paper's D_e: A .06990 / .553, B 1.17731 / -.926, C .08642 / .679, D .41445 / .066."""
    units, continuum = krippendorff_1995(50_000)
    published = {
        "A": (0.06990, 0.553),
        "B": (1.17731, -0.926),
        "C": (0.08642, 0.679),
        "D": (0.41445, 0.066),
    }
    for category, (expected, alpha) in published.items():
        result = unitizing_alpha(units, continuum, category)
        assert result.expected_disagreement == pytest.approx(expected, abs=0.005)
        assert result.value == pytest.approx(alpha, abs=0.02)


def test_dkpro_unitizing_agreement_example():
    """DKPro's UnitizingAgreementTest: r0 -11111111-, r1 --1-1-1--- on a continuum of 10:
    D_o = .9100, D_e = .5351, alpha_U = -.7003 (tolerance 1e-4).  D_o = 2*91/(2*100) exactly."""
    units = from_offsets([(1, 8, 0, "A"), (2, 1, 1, "A"), (4, 1, 1, "A"), (6, 1, 1, "A")])
    result = unitizing_alpha(units, (0, 10), "A")
    assert result.observed_disagreement == pytest.approx(0.91, abs=1e-12)
    assert result.expected_disagreement == pytest.approx(0.5351, abs=1e-4)
    assert result.value == pytest.approx(-0.7003, abs=1e-4)


def test_single_unit_and_empty_study():
    """DKPro's testSingleAnnotationUnit (3 coders, one unit: alpha_U = 0, D_o = D_e = 1/600) and
    testEmptyAnnotationSet (NaN)."""
    single = unitizing_alpha([(0, 0, 1, "X")], (0, 20), coders=[0, 1, 2])
    assert single.value == pytest.approx(0.0, abs=1e-12)
    assert single.observed_disagreement == pytest.approx(1 / 600, abs=1e-15)
    empty = unitizing_alpha([], (0, 20), coders=[0, 1, 2])
    assert math.isnan(empty.value) and empty.note == "no units"


def test_silent_coder_counts_when_listed():
    """A coder who marked nothing is invisible in the units but must count: listing them lowers
    alpha_U here, where the two others agree perfectly."""
    text = "أعلن الجيش السيطرة على المدينة بعد اشتباكات عنيفة"
    start = text.index("الجيش")
    units = [("ليلى", start, start + 5, "ACTOR"), ("عمر", start, start + 5, "ACTOR")]
    assert unitizing_alpha(units, (0, len(text))).value == 1.0
    with_silent = unitizing_alpha(units, (0, len(text)), coders=["ليلى", "عمر", "سارة"])
    assert with_silent.n_coders == 3
    assert with_silent.value < 0.5


def test_no_second_coder_and_unknown_category():
    assert math.isnan(unitizing_alpha([(0, 0, 3, "X")], (0, 10)).value)
    unknown = unitizing_alpha(K2004, K2004_CONTINUUM, "z")
    assert math.isnan(unknown.value) and "category" in unknown.note


def test_invalid_units():
    with pytest.raises(ValueError, match="overlap"):
        unitizing_alpha([(0, 0, 5, "X"), (0, 3, 8, "X"), (1, 0, 5, "X")], (0, 10))
    with pytest.raises(ValueError, match="outside"):
        unitizing_alpha([(0, 5, 12, "X"), (1, 0, 5, "X")], (0, 10))
    with pytest.raises(ValueError, match="outside"):
        unitizing_alpha([(0, 5, 5, "X"), (1, 0, 5, "X")], (0, 10))
    with pytest.raises(TypeError, match="integers"):
        unitizing_alpha([(0, 0.5, 5, "X"), (1, 0, 5, "X")], (0, 10))
    with pytest.raises(ValueError, match="category"):
        unitizing_alpha([(0, 0, 5, None), (1, 0, 5, "X")], (0, 10))
    with pytest.raises(ValueError, match="coders"):
        unitizing_alpha([(0, 0, 5, "X"), (1, 0, 5, "X")], (0, 10), coders=[0])
    with pytest.raises(ValueError, match="length"):
        unitizing_alpha([], (5, 5))


def test_overlapping_units_of_different_categories_are_fine():
    """Only units of one coder *and category* must be disjoint; categories are separate."""
    units = [(0, 0, 6, "ACTOR"), (0, 2, 9, "PLACE"), (1, 0, 6, "ACTOR"), (1, 2, 8, "PLACE")]
    result = unitizing_alpha(units, (0, 12))
    assert result.n_units == 4 and 0 < result.value < 1
