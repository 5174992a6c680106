"""Per-category (specific) agreement and the coder x coder matrix."""

import math

import numpy as np
import pytest

from annotator.agreement import (
    cohen_kappa,
    conger_kappa,
    gwet_ac1,
    krippendorff_alpha,
    pairwise_matrix,
    specific_agreement,
)
from tests.agreement.test_chance import DATASETS, diagnoses


def test_fleiss_1971_category_kappas():
    """Fleiss (1971) per-category kappas for the 30 patients (R irr ``kappam.fleiss(diagnoses,
    detail = TRUE)``): Depression .245, Personality Disorder .245, Schizophrenia .520,
    Neurosis .471, Other .566."""
    result = specific_agreement(diagnoses())
    assert result.categories == (1.0, 2.0, 3.0, 4.0, 5.0)
    assert [round(k, 3) for k in result.kappa] == [0.245, 0.245, 0.520, 0.471, 0.566]
    assert result.n_units == 30 and result.n_ratings.sum() == 180


def test_two_coders_positive_specific_agreement():
    """With two coders p_s(k) = 2 n_kk / (n_k. + n_.k) (Cicchetti & Feinstein 1990)."""
    table = np.array([[40, 5, 1], [3, 30, 2], [2, 4, 13]])
    a = [i for i in range(3) for j in range(3) for _ in range(table[i, j])]
    b = [j for i in range(3) for j in range(3) for _ in range(table[i, j])]
    result = specific_agreement([a, b])
    expected = 2 * np.diag(table) / (table.sum(axis=0) + table.sum(axis=1))
    np.testing.assert_allclose(result.value, expected, atol=1e-12)
    assert set(result.as_dict()) == {0, 1, 2}


def test_specific_agreement_with_missing_is_a_pairable_ratio():
    """Units with one rating add nothing; the sum over categories of the numerators is the
    number of agreeing ordered pairs, so the rating-weighted mean of p_s is p_a (equal r_i)."""
    data = DATASETS["raw_4raters"]
    result = specific_agreement(data)
    assert result.n_units == 11  # unit 12 has one rating
    assert result.value[-1] == 1.0 and result.se[-1] == 0.0  # category 5: three agreeing ratings
    complete = diagnoses()
    whole = specific_agreement(complete)
    weighted = float((whole.value * whole.n_ratings).sum() / whole.n_ratings.sum())
    assert weighted == pytest.approx(1 - krippendorff_alpha(complete).observed_disagreement, abs=1e-12)


def test_specific_agreement_standard_error_by_resampling_units():
    """The ratio-estimator se agrees with the spread of p_s over resampled units (within 15%)."""
    rng = np.random.default_rng(5)
    truth = rng.integers(0, 3, 400)
    data = np.where(rng.random((3, 400)) < 0.7, truth, rng.integers(0, 3, (3, 400))).astype(float)
    result = specific_agreement(data)
    boots = []
    for _ in range(600):
        units = rng.integers(0, 400, 400)
        boots.append(specific_agreement(data[:, units], categories=[0.0, 1.0, 2.0]).value)
    np.testing.assert_allclose(result.se, np.std(boots, axis=0), rtol=0.15)


def test_unused_category_is_nan():
    result = specific_agreement([[1, 2, 2], [1, 2, 1]], categories=[1, 2, 3])
    assert math.isnan(result.value[2]) and math.isnan(result.kappa[2])


def test_pairwise_matrix_is_cohen_per_pair():
    data = diagnoses()
    matrix = pairwise_matrix(data, coders=[f"r{i}" for i in range(6)])
    assert matrix.coders[0] == "r0" and matrix.coefficient == "cohen"
    assert np.isnan(np.diag(matrix.value)).all()
    np.testing.assert_allclose(matrix.value, matrix.value.T, equal_nan=True)
    for a in range(6):
        for b in range(a + 1, 6):
            assert matrix.value[a, b] == pytest.approx(cohen_kappa(data[a], data[b]).value, abs=1e-12)
            assert matrix.se[a, b] == pytest.approx(conger_kappa([data[a], data[b]]).se, abs=1e-12)
            assert matrix.n[a, b] == 30
    # Light's kappa is the mean of the upper triangle.
    upper = matrix.value[np.triu_indices(6, 1)]
    assert upper.mean() == pytest.approx(0.459, abs=5e-4)


def test_pairwise_matrix_other_coefficients_and_missing():
    data = DATASETS["raw_4raters"]
    ac1 = pairwise_matrix(data, "ac1")
    both = [[x, y] for x, y in zip(data[0], data[2]) if x is not None and y is not None]
    assert ac1.n[0, 2] == len(both) == 8
    assert ac1.value[0, 2] == pytest.approx(gwet_ac1([list(r) for r in zip(*both)]).value, abs=1e-12)
    alpha = pairwise_matrix(np.array(data, dtype=float), "alpha", level="interval")
    assert alpha.value[1, 3] == pytest.approx(
        krippendorff_alpha(np.array([data[1], data[3]], dtype=float), "interval").value, abs=1e-12)
    assert np.isnan(alpha.se).all()  # alpha has no analytic standard error
    with pytest.raises(ValueError, match="coder names"):
        pairwise_matrix(data, coders=["a", "b"])
