"""Hayes & Krippendorff's (2007) bootstrap: pairs of values drawn from the coincidence matrix.

The example data are the paper's Table 1 (5 observers x 40 news articles, ordinal tone 0-3), as
DKPro Agreement's HayesKrippendorff2007Test and the R package krippendorff (jucor,
data-raw/hayes2007table1.csv) transcribe it; both transcriptions agree and give the paper's
alpha = .7598 and 239 pairs.  The paper's own interval and q digits come from one seeded run of
its SPSS macro and are not asserted; q is checked against an independent sampler written the
way KALPHA draws (a uniform number per pair, looked up in the cumulative cell probabilities)
and against the exact mean and variance of the resampled alphas.
"""

import math

import numpy as np
import pytest

from annotator.agreement import alpha as alpha_module
from annotator.agreement import bootstrap_alpha, krippendorff_alpha

from .hayes_2007 import HAYES_2007

DATA = np.array([[math.nan if v is None else v for v in unit] for unit in HAYES_2007]).T
MINIMA = (0.9, 0.8, 0.7, 0.667, 0.6, 0.5)


def coincidences(data):
    """The paper's coincidence matrix o_ck, ordinal delta2 and D_e, computed by hand."""
    o = np.zeros((4, 4))
    for unit in data.T:
        values = unit[~np.isnan(unit)].astype(int)
        for i in range(len(values)):
            for j in range(len(values)):
                if i != j:
                    o[values[i], values[j]] += 1 / (len(values) - 1)
    n_c = o.sum(axis=1)
    n = n_c.sum()
    delta = np.array([[(n_c[min(c, k):max(c, k) + 1].sum() - (n_c[c] + n_c[k]) / 2) ** 2 for k in range(4)]
                      for c in range(4)])
    d_e = (np.outer(n_c, n_c) * delta).sum() / (n * (n - 1))
    return o, delta, d_e, n


def kalpha_style_samples(data, draws, n_boot, seed):
    """Independent reference: per resample, ``draws`` uniforms looked up in the cumulative
    probabilities of the lower-triangle cells, as the KALPHA macro's loop does."""
    o, delta, d_e, n = coincidences(data)
    cells = [(c, k) for k in range(4) for c in range(k, 4)]
    p = np.array([o[c, k] / n * (1 if c == k else 2) for c, k in cells])
    d = np.array([delta[c, k] for c, k in cells])
    cumulative = np.cumsum(p)
    rng = np.random.default_rng(seed)
    picks = np.minimum(np.searchsorted(cumulative, rng.random((n_boot, draws))), len(cells) - 1)
    return np.maximum(1 - d[picks].sum(axis=1) / (draws * d_e), -1)


def test_paper_example_point_estimate_and_pairs():
    point = krippendorff_alpha(DATA, "ordinal")
    assert round(point.value, 4) == 0.7598
    boot = bootstrap_alpha(DATA, "ordinal", n_boot=1000, seed=1, method="pairs")
    assert boot.method == "pairs" and boot.draws == 239  # the paper's "239 pairs"
    assert boot.value == point.value and boot.n_undefined == 0


def test_seeded_and_reproducible():
    first = bootstrap_alpha(DATA, "ordinal", n_boot=2000, seed=11, method="pairs")
    again = bootstrap_alpha(DATA, "ordinal", n_boot=2000, seed=11, method="pairs")
    other = bootstrap_alpha(DATA, "ordinal", n_boot=2000, seed=12, method="pairs")
    np.testing.assert_array_equal(first.samples, again.samples)
    assert (first.low, first.high) == (again.low, again.high)
    assert not np.array_equal(first.samples, other.samples)


def test_q_on_the_paper_example_matches_a_kalpha_style_sampler():
    """q = P(alpha < alpha_min) at the macro's minima, ours against the reference sampler, each
    from 20,000 resamples: equal within 4.5 standard errors of the difference."""
    n_boot = 20_000
    ours = bootstrap_alpha(DATA, "ordinal", n_boot=n_boot, seed=2007, method="pairs")
    reference = kalpha_style_samples(DATA, 239, n_boot, seed=77)
    for minimum in MINIMA:
        q, q_ref = ours.p_below(minimum), float(np.mean(reference < minimum))
        spread = math.sqrt(max(q * (1 - q) + q_ref * (1 - q_ref), 1e-4) / n_boot)
        assert abs(q - q_ref) < 4.5 * spread, (minimum, q, q_ref)
    assert ours.p_below(0.9) == 1.0 and ours.p_below(0.5) == 0.0
    assert ours.p_below(0.8) > 0.5 > ours.p_below(0.7)  # .7598 is between the two


def test_mean_and_variance_are_exact():
    """alpha* = 1 - mean delta2 of M iid pairs / D_e, so E[alpha*] = alpha and
    Var[alpha*] = Var_p(delta2) / (M D_e**2) exactly; 40,000 resamples reproduce both."""
    o, delta, d_e, n = coincidences(DATA)
    p = o / n
    mean_delta = (p * delta).sum()
    var_delta = (p * delta**2).sum() - mean_delta**2
    for draws in (239, 318):
        boot = bootstrap_alpha(DATA, "ordinal", n_boot=40_000, seed=3, method="pairs", draws=draws)
        expected_sd = math.sqrt(var_delta / draws) / d_e
        assert boot.samples.mean() == pytest.approx(1 - mean_delta / d_e, abs=4 * expected_sd / 200)
        assert boot.samples.std() == pytest.approx(expected_sd, rel=0.02)
        assert boot.draws == draws


def test_pairs_differ_from_units():
    """D_e fixed and pairs drawn independently: on the paper's data the pair bootstrap is about
    half as wide as the unit bootstrap."""
    pairs = bootstrap_alpha(DATA, "ordinal", n_boot=4000, seed=5, method="pairs")
    units = bootstrap_alpha(DATA, "ordinal", n_boot=4000, seed=5)
    assert units.method == "units" and units.draws == 0
    assert (pairs.high - pairs.low) < 0.6 * (units.high - units.low)


def test_many_cells_draw_pairs_one_by_one(monkeypatch):
    """Continuous values: more cells than draws, so pairs are drawn as indices; the moments
    still follow the exact formulas, and chunking does not change the samples."""
    rng = np.random.default_rng(8)
    data = rng.normal(0, 1, 30) + rng.normal(0, 0.4, (3, 30))
    boot = bootstrap_alpha(data, "interval", n_boot=3000, seed=4, method="pairs")
    assert boot.draws == 90
    assert boot.samples.mean() == pytest.approx(krippendorff_alpha(data, "interval").value, abs=0.01)
    monkeypatch.setattr(alpha_module, "_CHUNK", 500)
    # Same draws; the counts @ delta2 products may round differently in other block sizes.
    np.testing.assert_allclose(
        bootstrap_alpha(data, "interval", n_boot=3000, seed=4, method="pairs").samples, boot.samples,
        rtol=1e-13)


@pytest.mark.parametrize("level", ["nominal", "interval", "ratio"])
def test_levels_and_custom_distance(level):
    boot = bootstrap_alpha(DATA + 1, level, n_boot=5000, seed=6, method="pairs")
    assert boot.samples.mean() == pytest.approx(krippendorff_alpha(DATA + 1, level).value, abs=0.01)


def test_single_value_resamples_have_no_alpha():
    """Pairs drawn all from one diagonal cell hold one value: NaN (KALPHA would set 0)."""
    data = [[1, 1, 1, 2], [1, 1, 1, 1]]  # o_11 = 6, o_12 = o_21 = 1: P(only 1-1) = (6/8)**4
    boot = bootstrap_alpha(data, n_boot=4000, seed=1, method="pairs")
    assert boot.draws == 4
    assert boot.n_undefined / 4000 == pytest.approx(0.75**4, abs=0.03)
    assert np.nanmin(boot.samples) >= -1.0


def test_undefined_and_invalid():
    constant = bootstrap_alpha([[1, 1], [1, 1]], n_boot=10, method="pairs")
    assert constant.n_undefined == 10 and math.isnan(constant.low)
    with pytest.raises(ValueError, match="method"):
        bootstrap_alpha(DATA, method="jackknife")
    with pytest.raises(ValueError, match="draws"):
        bootstrap_alpha(DATA, method="pairs", draws=0)
