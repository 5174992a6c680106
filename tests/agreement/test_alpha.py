"""Krippendorff's alpha and its bootstrap against published values and the krippendorff package."""

import math
import time
import tracemalloc
from itertools import permutations

import krippendorff
import numpy as np
import pytest

from annotator.agreement import alpha as alpha_module
from annotator.agreement import bootstrap_alpha, krippendorff_alpha, masi_distance

from .hayes_2007 import HAYES_2007

NAN = math.nan
LEVELS = ("nominal", "ordinal", "interval", "ratio")

# Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability", section C "Nominal data, any
# number of observers, missing data": observers A-D (rows) x 12 units; also Krippendorff (2004)
# "Content Analysis", 2nd ed., p. 230, with the symbols coded 1-5.
K2011_C = [
    [1, 2, 3, 3, 2, 1, 4, 1, 2, NAN, NAN, NAN],
    [1, 2, 3, 3, 2, 2, 4, 1, 2, 5, NAN, 3],
    [NAN, 3, 3, 3, 2, 3, 4, 2, 2, 5, 1, NAN],
    [1, 2, 3, 3, 2, 4, 4, 1, 2, 5, 1, NAN],
]


def package_alpha(data, level):
    return krippendorff.alpha(reliability_data=np.asarray(data, dtype=float), level_of_measurement=level)


@pytest.mark.parametrize(
    "level, printed", [("nominal", 0.743), ("ordinal", 0.815), ("interval", 0.849), ("ratio", 0.797)]
)
def test_krippendorff_2011_section_c(level, printed):
    """Krippendorff (2011), section C: alpha = .743 nominal, .815 ordinal, .849 interval,
    .797 ratio as printed (3 decimals); to 1e-9 equal to the krippendorff package (0.9)."""
    result = krippendorff_alpha(K2011_C, level)
    assert round(result.value, 3) == printed
    assert result.value == pytest.approx(package_alpha(K2011_C, level), abs=1e-9)
    assert (result.n_units, result.n_values, result.n_coders) == (11, 40, 4)  # unit 12 unpairable
    assert result.note == ""


def test_krippendorff_2004_p230_disagreements():
    """Krippendorff (2004) p. 230, as asserted by DKPro Agreement's Krippendorff2004Test: nominal
    D_o = .200, D_e = .779; interval D_o = .433, D_e = 2.872 (3 decimals).  Exactly, nominal
    D_o = 8/40 (the off-diagonal cells of the paper's coincidence matrix sum to 8, over n = 40
    pairable values) and D_e = (40**2 - sum n_c**2) / (40 * 39) with marginals n_c = 9, 13, 10,
    5, 3 for the values 1-5."""
    nominal = krippendorff_alpha(K2011_C, "nominal")
    assert nominal.observed_disagreement == pytest.approx(8 / 40, abs=1e-12)
    expected = (40**2 - (9**2 + 13**2 + 10**2 + 5**2 + 3**2)) / (40 * 39)
    assert nominal.expected_disagreement == pytest.approx(expected, abs=1e-12)
    assert round(nominal.expected_disagreement, 3) == 0.779
    interval = krippendorff_alpha(K2011_C, "interval")
    assert round(interval.observed_disagreement, 3) == 0.433
    assert round(interval.expected_disagreement, 3) == 2.872


def test_krippendorff_2011_binary_two_observers():
    """Krippendorff (2011), section A "Binary or dichotomous data, two observers, no missing
    data": alpha = .095 as printed; exactly 1 - (n-1) o_01 / (n_0 n_1) = 1 - 19*4/(14*6) = 2/21."""
    mary = [0, 1, 0, 0, 0, 0, 0, 0, 1, 0]
    dave = [1, 1, 1, 0, 0, 1, 0, 0, 0, 0]
    result = krippendorff_alpha([mary, dave])
    assert round(result.value, 3) == 0.095
    assert result.value == pytest.approx(2 / 21, abs=1e-12)


def test_krippendorff_2004_p227_three_categories_as_strings():
    """Krippendorff (2004) p. 227 via DKPro Agreement's Krippendorff2004Test: nominal alpha .734,
    D_o .1667, D_e .6268; strings take the object path."""
    first = ["a", "a", "b", "b", "b", "b", "b", "c", "c", "c", "c", "c"]
    second = ["a", "b", "b", "b", "b", "b", "c", "c", "c", "c", "c", "c"]
    result = krippendorff_alpha([first, second])
    assert round(result.value, 3) == 0.734
    assert result.observed_disagreement == pytest.approx(2 / 12, abs=1e-12)
    assert round(result.expected_disagreement, 4) == 0.6268
    codes = {"a": 1, "b": 2, "c": 3}
    numeric = [[codes[v] for v in row] for row in (first, second)]
    assert result.value == pytest.approx(package_alpha(numeric, "nominal"), abs=1e-12)


def test_hayes_krippendorff_2007_ordinal_example():
    """Hayes & Krippendorff (2007) p. 84, 5 observers x 40 units, ordinal alpha = .7598 (as in
    DKPro Agreement's HayesKrippendorff2007Test, 4 decimals); equal to the package to 1e-9."""
    data = [list(coder) for coder in zip(*HAYES_2007)]
    result = krippendorff_alpha(data, "ordinal")
    assert result.value == pytest.approx(0.7598, abs=5e-5)
    as_float = [[NAN if v is None else v for v in row] for row in data]
    assert result.value == pytest.approx(package_alpha(as_float, "ordinal"), abs=1e-9)


def random_reliability(rng, coders, units, level, missing):
    """Correlated codes (a true value per unit plus coder noise) with a share of missing values."""
    if level in ("nominal", "ordinal"):
        truth = rng.integers(1, 7, units)
        data = np.where(rng.random((coders, units)) < 0.7, truth, rng.integers(1, 7, (coders, units)))
        data = data.astype(float)
    elif level == "interval":
        data = rng.normal(0, 3, units) + rng.normal(0, 1.5, (coders, units))
    else:
        data = np.abs(rng.lognormal(1, 1, units) + rng.normal(0, 1, (coders, units)))
        data[rng.random(data.shape) < 0.05] = 0.0  # zeros exercise the 0/0 convention
    data[rng.random(data.shape) < missing] = np.nan
    return data


@pytest.mark.parametrize("level", LEVELS)
@pytest.mark.parametrize("seed", range(4))
@pytest.mark.parametrize("shape", [(2, 15), (3, 60), (4, 37), (6, 120), (12, 25)])
def test_random_data_matches_krippendorff_package(level, seed, shape):
    """Seeded random reliability data, 10-20% missing: equal to the krippendorff package to 1e-9."""
    rng = np.random.default_rng(1000 * seed + shape[0])
    data = random_reliability(rng, *shape, level, missing=0.10 + 0.025 * seed)
    ours = krippendorff_alpha(data, level).value
    assert ours == pytest.approx(package_alpha(data, level), abs=1e-9)
    # The list-of-lists path with None for missing gives the same value.
    as_lists = [[None if math.isnan(v) else v for v in row] for row in data.tolist()]
    assert krippendorff_alpha(as_lists, level).value == pytest.approx(ours, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_custom_distance_reproduces_levels(seed):
    """distance= overrides level: squared difference is interval, [a != b] is nominal."""
    rng = np.random.default_rng(seed)
    data = random_reliability(rng, 3, 40, "nominal", 0.15)
    interval = krippendorff_alpha(data, distance=lambda a, b: (a - b) ** 2)
    assert interval.level == "custom"
    assert interval.value == pytest.approx(krippendorff_alpha(data, "interval").value, abs=1e-12)
    nominal = krippendorff_alpha(data, distance=lambda a, b: float(a != b))
    assert nominal.value == pytest.approx(krippendorff_alpha(data, "nominal").value, abs=1e-12)


@pytest.mark.parametrize("seed", range(3))
def test_masi_alpha_matches_package_with_masi_metric(seed):
    """Set-valued codes (actors per document) with MASI (Passonneau 2006): equal to the krippendorff
    package given the same MASI distances (squared-style: delta2 = MASI distance) to 1e-9."""
    rng = np.random.default_rng(seed)
    actors = ["army", "rebels", "police", "civilians"]
    pool = [frozenset(a for a, bit in zip(actors, bits) if bit) for bits in np.ndindex(2, 2, 2, 2)]
    truth = rng.integers(0, len(pool), 50)
    codes = np.where(rng.random((3, 50)) < 0.6, truth, rng.integers(0, len(pool), (3, 50)))
    missing = rng.random(codes.shape) < 0.15
    data = [[None if gone else pool[c] for c, gone in zip(row, holes)] for row, holes in zip(codes, missing)]
    ours = krippendorff_alpha(data, distance=masi_distance)

    table = np.array([[masi_distance(a, b) for b in pool] for a in pool])

    def metric(v1, v2, i1, i2, n_v, dtype=np.float64):
        return table[v1.astype(int), v2.astype(int)]

    reference = krippendorff.alpha(
        reliability_data=np.where(missing, np.nan, codes),
        level_of_measurement=metric,
        value_domain=np.arange(len(pool)),
    )
    assert ours.value == pytest.approx(reference, abs=1e-9)


def test_custom_weights_dkpro_weighted_agreement():
    """DKPro Agreement's WeightedAgreementTest.testDistanceFunction1 (set-like string codes, a
    custom weight matrix / 3): D_o = .333, D_e = .409, alpha = .186, within the test's own
    tolerance of 0.001 (D_e is 0.40959)."""
    names = ["", "A", "B", "AB", "AC", "ABC", "C"]
    weights = [
        [0, 1, 1, 1, 1, 1, 1],
        [1, 0, 3, 1, 1, 1, 3],
        [1, 3, 0, 1, 3, 1, 3],
        [1, 1, 1, 0, 2, 1, 3],
        [1, 1, 3, 2, 0, 1, 1],
        [1, 1, 1, 1, 1, 0, 1],
        [1, 3, 3, 3, 1, 1, 0],
    ]
    index = {name: i for i, name in enumerate(names)}
    first = ["", "A", "A", "A", "AB", "AB", "ABC", "C", "C"]
    second = ["", "", "A", "B", "A", "AC", "ABC", "AC", "AC"]
    result = krippendorff_alpha(
        [first, second], distance=lambda a, b: weights[index[a]][index[b]] / 3
    )
    assert result.observed_disagreement == pytest.approx(0.333, abs=1e-3)
    assert result.expected_disagreement == pytest.approx(0.409, abs=1e-3)
    assert result.value == pytest.approx(0.186, abs=1e-3)


# ------------------------------------------------------------------------------ edge cases


def test_no_pairable_values_is_nan_with_note():
    for data in ([], [[1, 2, 3]], [[1, None, 3], [None, 2, None]]):
        result = krippendorff_alpha(data)
        assert math.isnan(result.value)
        assert result.note.startswith("no pairable values")
        assert (result.n_units, result.n_values) == (0, 0)


@pytest.mark.parametrize("level", LEVELS)
def test_no_variation_is_nan_not_one(level):
    """All pairable values identical: D_e = 0, alpha = 0/0 -> NaN with note, not a silent 1.0,
    even for values like 0.1 whose float mean is not exactly 0.1."""
    for value in (3, 0.1):
        result = krippendorff_alpha([[value, value, None], [value, value, value]], level)
        assert math.isnan(result.value)
        assert result.note.startswith("no variation")
        assert result.n_values == 4


@pytest.mark.parametrize("level", LEVELS)
def test_perfect_agreement_is_exactly_one(level):
    data = [[0.1, 0.2, 0.7, None], [0.1, 0.2, 0.7, 0.3], [0.1, None, 0.7, 0.3]]
    assert krippendorff_alpha(data, level).value == 1.0


@pytest.mark.parametrize("level", LEVELS)
def test_single_unit_gives_zero(level):
    """One pairable unit with variation: D_o = D_e, so alpha = 0 (as the package computes)."""
    data = [[1.0, None], [2.0, 5.0], [2.0, None]]
    result = krippendorff_alpha(data, level)
    assert result.n_units == 1
    assert result.value == pytest.approx(0.0, abs=1e-12)
    assert result.value == pytest.approx(package_alpha(data, level), abs=1e-12)


@pytest.mark.parametrize("level", LEVELS)
def test_units_with_one_value_are_ignored(level):
    """Two extra units with a single value each change nothing, not even n_units."""
    with_lonely = [row + [NAN, NAN] for row in K2011_C]
    with_lonely[0][-2] = 7.0
    with_lonely[1][-1] = 9.0
    assert krippendorff_alpha(with_lonely, level) == krippendorff_alpha(K2011_C, level)


def test_invalid_input():
    with pytest.raises(ValueError, match="one entry per unit"):
        krippendorff_alpha([[1, 2], [1]])
    with pytest.raises(ValueError, match="level"):
        krippendorff_alpha([[1, 2], [1, 2]], "likert")
    with pytest.raises(ValueError, match="non-negative"):
        krippendorff_alpha([[1, -2], [1, 2]], "ratio")
    with pytest.raises(TypeError, match="numeric"):
        krippendorff_alpha([["low", "high"], ["low", "low"]], "ordinal")
    with pytest.raises(ValueError, match="infinite"):
        krippendorff_alpha(np.array([[1.0, np.inf], [1.0, 2.0]]), "interval")


def test_blocked_expected_disagreement(monkeypatch):
    """Ratio D_e is summed over blocks of distance rows; tiny blocks give the same value."""
    data = random_reliability(np.random.default_rng(9), 3, 60, "ratio", 0.1)
    whole = krippendorff_alpha(data, "ratio").value
    monkeypatch.setattr(alpha_module, "_BLOCK", 64)
    assert krippendorff_alpha(data, "ratio").value == pytest.approx(whole, abs=1e-12)
    assert whole == pytest.approx(package_alpha(data, "ratio"), abs=1e-9)


def test_interval_scales_to_300k_units():
    """3 coders x 300,000 continuous values, 10% missing: no values x values matrix (the target is
    < 0.5 s and < 300 MB; the time bound here is loose for slow CI machines).  The value equals
    an independent computation from pairwise differences and the variance of pairable values."""
    rng = np.random.default_rng(7)
    data = rng.normal(0, 1, 300_000) + rng.normal(0, 0.5, (3, 300_000))
    data[rng.random(data.shape) < 0.10] = np.nan
    tracemalloc.start()
    started = time.perf_counter()
    result = krippendorff_alpha(data, "interval")
    elapsed = time.perf_counter() - started
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert elapsed < 3.0
    assert peak < 300 * 2**20

    present = ~np.isnan(data)
    m = present.sum(axis=0)
    pairable = m >= 2
    pair_sum = np.zeros(data.shape[1])
    for i, j in permutations(range(3), 2):
        both = present[i] & present[j]
        pair_sum[both] += (data[i, both] - data[j, both]) ** 2
    values = data[:, pairable][present[:, pairable]]
    n = values.size
    observed = (pair_sum[pairable] / (m[pairable] - 1)).sum() / n
    expected = 2 * n * values.var() / (n - 1)
    assert result.n_values == n
    assert result.value == pytest.approx(1 - observed / expected, abs=1e-9)


# ------------------------------------------------------------------------------ bootstrap


@pytest.mark.parametrize("level", LEVELS + ("masi",))
def test_bootstrap_samples_are_alpha_of_resampled_units(level):
    """Resample r is alpha of the units drawn by the r-th rng.integers(0, U, U) of default_rng(seed)."""
    rng = np.random.default_rng(3)
    if level == "masi":
        pool = [frozenset(), frozenset({"a"}), frozenset({"a", "b"}), frozenset({"b"})]
        data = [[pool[i] for i in row] for row in rng.integers(0, 4, (3, 12))]
        kwargs = {"distance": masi_distance}
    else:
        data = random_reliability(rng, 3, 12, level, missing=0.0).tolist()
        kwargs = {"level": level}
    result = bootstrap_alpha(data, n_boot=40, seed=11, **kwargs)
    draws = np.random.default_rng(11)
    for sample in result.samples:
        units = draws.integers(0, 12, 12)
        resampled = [[row[u] for u in units] for row in data]
        expected = krippendorff_alpha(resampled, **kwargs).value
        if math.isnan(expected):
            assert math.isnan(sample)
        else:
            assert sample == pytest.approx(expected, abs=1e-9)


def test_bootstrap_is_reproducible_and_seeded():
    data = random_reliability(np.random.default_rng(0), 3, 80, "interval", 0.1)
    first = bootstrap_alpha(data, "interval", n_boot=200, seed=5)
    again = bootstrap_alpha(data, "interval", n_boot=200, seed=5)
    other = bootstrap_alpha(data, "interval", n_boot=200, seed=6)
    np.testing.assert_array_equal(first.samples, again.samples)
    assert not np.array_equal(first.samples, other.samples)
    assert first.value == krippendorff_alpha(data, "interval").value
    assert first.low <= first.value <= first.high
    assert first.low == pytest.approx(np.quantile(first.samples, 0.025), abs=1e-12)
    assert first.high == pytest.approx(np.quantile(first.samples, 0.975), abs=1e-12)
    assert 0.0 <= first.p_below(0.667) <= first.p_below(0.8) <= 1.0
    assert first.p_below(-np.inf) == 0.0 and first.p_below(np.inf) == 1.0


def test_bootstrap_chunks_do_not_change_samples(monkeypatch):
    """Resamples are drawn in chunks to bound memory; the chunk size does not change them."""
    data = random_reliability(np.random.default_rng(4), 3, 50, "nominal", 0.1)
    whole = bootstrap_alpha(data, n_boot=97, seed=1).samples
    monkeypatch.setattr(alpha_module, "_CHUNK", 50 * 7)
    np.testing.assert_array_equal(bootstrap_alpha(data, n_boot=97, seed=1).samples, whole)


def test_bootstrap_counts_resamples_without_variation():
    data = [[1, 1, 2], [1, 1, 2]]  # a resample of only the first two units has no variation
    result = bootstrap_alpha(data, n_boot=300, seed=0)
    assert result.n_undefined == int(np.isnan(result.samples).sum()) > 0
    assert result.low == result.high == 1.0


def test_bootstrap_without_pairable_values():
    result = bootstrap_alpha([[1, None], [None, 2]], n_boot=10)
    assert math.isnan(result.value) and math.isnan(result.low) and result.n_undefined == 10


def test_bootstrap_1000_resamples_of_10k_units_is_fast():
    """1,000 resamples of 3 x 10,000 units: well under a second (loose bound for slow CI)."""
    rng = np.random.default_rng(2)
    data = rng.poisson(20, 10_000) + rng.integers(-2, 3, (3, 10_000)).astype(float)
    started = time.perf_counter()
    result = bootstrap_alpha(data, "interval", n_boot=1000)
    assert time.perf_counter() - started < 3.0
    assert result.n_undefined == 0 and result.low < result.value < result.high


def test_bootstrap_rejects_bad_arguments():
    with pytest.raises(ValueError):
        bootstrap_alpha([[1, 2], [1, 2]], ci=1.5)
    with pytest.raises(ValueError):
        bootstrap_alpha([[1, 2], [1, 2]], n_boot=0)
