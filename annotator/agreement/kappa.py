"""Cohen's kappa (weighted) for two coders, plain percent agreement, and :class:`KappaResult`, the
result of every chance-corrected coefficient (the multi-coder family is in
:mod:`annotator.agreement.chance`).

kappa = (p_o - p_e) / (1 - p_e): observed agreement p_o corrected by the agreement p_e expected
from the coders' category frequencies.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.agreement.alpha import krippendorff_alpha
from annotator.agreement.reliability_data import is_missing

WEIGHTS = (None, "linear", "quadratic")


@dataclass(frozen=True)
class KappaResult:
    """A chance-corrected coefficient with its observed and chance agreement.

    ``n`` counts the units used (pairs for Cohen, units with two or more ratings otherwise);
    ``n_dropped`` the pairs left out because a value was missing.  ``value`` is NaN when the
    coefficient is undefined and ``note`` then says why.  ``se`` is the analytic standard error
    and ``low``/``high`` the interval (NaN where not computed); ``coefficient`` names it.
    """

    value: float
    n: int
    observed: float
    expected: float
    n_dropped: int = 0
    weights: str | None = None
    note: str = ""
    se: float = math.nan
    low: float = math.nan
    high: float = math.nan
    p_value: float = math.nan
    coefficient: str = ""


def _categories(values: list[Hashable], labels: Sequence[Hashable] | None, weighted: bool) -> list:
    if labels is not None:
        labels = list(labels)
        if len(set(labels)) != len(labels):
            raise ValueError("labels must not repeat")
        unknown = set(values) - set(labels)
        if unknown:
            # Silently dropping them (as some libraries do) would inflate agreement.
            raise ValueError(f"values not in labels: {sorted(map(repr, unknown))}")
        return labels
    try:
        return sorted(set(values))
    except TypeError:
        if weighted:
            raise TypeError("weighted kappa needs ordered categories: pass labels=") from None
        return list(dict.fromkeys(values))


def cohen_kappa(
    a: Sequence[Any],
    b: Sequence[Any],
    weights: str | None = None,
    labels: Sequence[Hashable] | None = None,
) -> KappaResult:
    """Cohen's kappa of two coders' labels for the same units, optionally weighted.

    kappa_w = 1 - sum_ij w_ij o_ij / sum_ij w_ij e_ij, with o the observed contingency table,
    e_ij = row_i * col_j / n the table expected by chance and disagreement weights w_ij =
    [i != j] (Cohen 1960), |i - j| ("linear") or (i - j)**2 ("quadratic"; Cohen 1968), where i, j
    index ``labels`` (default: the sorted distinct values).  ``observed``/``expected`` are the
    agreements 1 - sum w o / (n w_max) and 1 - sum w e / (n w_max), so that
    kappa = (observed - expected) / (1 - expected) as printed by e.g. Stata's ``kap``.

    Pairs where either value is None or NaN are dropped and counted in ``n_dropped``.
    Cohen, J. (1960) "A coefficient of agreement for nominal scales", Educational and
    Psychological Measurement 20(1):37-46; Cohen, J. (1968) "Weighted kappa", Psychological
    Bulletin 70(4):213-220.
    """
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS}, not {weights!r}")
    a, b = list(a), list(b)
    if len(a) != len(b):
        raise ValueError("both coders need one value per unit (use None for a missing value)")
    pairs = [(x, y) for x, y in zip(a, b) if not (is_missing(x) or is_missing(y))]
    n, dropped = len(pairs), len(a) - len(pairs)
    if n == 0:
        return KappaResult(math.nan, 0, math.nan, math.nan, dropped, weights, "no complete pairs")
    categories = _categories([v for pair in pairs for v in pair], labels, weights is not None)
    index = {c: i for i, c in enumerate(categories)}
    k = len(categories)
    table = np.zeros((k, k))
    np.add.at(table, ([index[x] for x, _ in pairs], [index[y] for _, y in pairs]), 1.0)
    expected_table = np.outer(table.sum(axis=1), table.sum(axis=0)) / n
    gap = np.abs(np.subtract.outer(np.arange(k), np.arange(k))).astype(float)
    w = {None: (gap > 0).astype(float), "linear": gap, "quadratic": gap**2}[weights]
    w_max = w.max() if k > 1 else 1.0
    disagreement, chance_disagreement = (w * table).sum(), (w * expected_table).sum()
    observed = float(1.0 - disagreement / (n * w_max))
    expected = float(1.0 - chance_disagreement / (n * w_max))
    if chance_disagreement == 0:
        note = "no variation: both coders used a single category, so chance agreement is 1"
        return KappaResult(math.nan, n, observed, expected, dropped, weights, note)
    value = float(1.0 - disagreement / chance_disagreement)
    return KappaResult(value, n, observed, expected, dropped, weights)


def percent_agreement(data: Sequence[Sequence[Any]] | np.ndarray) -> float:
    """Share of agreeing pairs of values within units, over pairable units (coders x units).

    A_o = sum_u sum_c n_uc (n_uc - 1) / (m_u - 1) / n = 1 - D_o(nominal): each of the n pairable
    values scores the share of the other m_u - 1 values in its unit that equal it.  With two
    coders this is the share of units on which they agree; with complete data it is the mean
    pairwise agreement.  Units with fewer than two values are ignored; NaN if none is pairable.
    (Krippendorff 2004, "Content Analysis", 2nd ed., ch. 11: observed agreement.)
    """
    return 1.0 - krippendorff_alpha(data, "nominal").observed_disagreement
