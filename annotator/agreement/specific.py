"""Per-category (specific) agreement for any number of coders, missing ratings allowed.

For category k, over the units with two or more ratings (r_ik of the r_i ratings in k):

    p_s(k) = sum_i r_ik (r_ik - 1) / sum_i r_ik (r_i - 1)

the probability that, given one rating of a unit is k, another rating of the same unit is k too
(Fleiss 1971; with two coders 2 n_kk / (n_k. + n_.k), the specific positive agreement of
Cicchetti & Feinstein 1990, "High agreement but low kappa: II. Resolving the paradoxes", J. Clin.
Epidemiol. 43:551-558).  Its chance-corrected form is the
category kappa of Fleiss (1971), kappa_k = (p_s(k) - pi_k) / (1 - pi_k) with pi_k the share of
those ratings in k -- for complete data exactly Fleiss' kappa_j = 1 - sum_i n_ij (m - n_ij) /
(N m (m - 1) p_j q_j), which R irr's ``kappam.fleiss(detail = TRUE)`` prints.

p_s(k) is a ratio of sums over units, so its standard error is the ratio estimator's
(linearisation; Cochran 1977, "Sampling Techniques", 3rd ed., sec. 6.3) with units as the
sampled clusters: var = n / (n - 1) sum_i (a_i - p_s b_i)**2 / (sum_i b_i)**2, a_i = r_ik (r_ik - 1),
b_i = r_ik (r_i - 1), n the units with two or more ratings.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.agreement.chance import Ratings


@dataclass(frozen=True)
class SpecificAgreement:
    """Per-category agreement, one entry per category (NaN where a category has no pairable
    rating).  ``n_ratings`` counts the category's ratings in units with two or more ratings."""

    categories: tuple
    value: np.ndarray
    se: np.ndarray
    kappa: np.ndarray
    n_ratings: np.ndarray
    n_units: int

    def as_dict(self) -> dict[Any, float]:
        """{category: p_s} for the categories that have one."""
        return {c: float(v) for c, v in zip(self.categories, self.value) if not np.isnan(v)}


def specific_agreement(data: Any, *, categories: Sequence[Any] | None = None) -> SpecificAgreement:
    """Specific agreement p_s(k), its standard error and the category kappa (module docstring)
    of coders x units reliability data (None/NaN missing); ``categories`` default to the values
    seen, sorted."""
    ratings = Ratings.of(data, categories)
    r = ratings.counts
    r_i = r.sum(axis=1)
    r = r[r_i >= 2]
    r_i = r_i[r_i >= 2]
    a = r * (r - 1.0)
    b = r * (r_i - 1.0)[:, None]
    n = len(r)
    with np.errstate(invalid="ignore", divide="ignore"):
        value = a.sum(axis=0) / b.sum(axis=0)
        share = r.sum(axis=0) / r_i.sum()
        kappa = (value - share) / (1.0 - share)
        residual = np.nan_to_num(a - value * b)
        se = np.sqrt(n / (n - 1.0) * (residual**2).sum(axis=0)) / b.sum(axis=0) if n > 1 else np.full(len(value), np.nan)
    return SpecificAgreement(tuple(ratings.categories), value, se, kappa, r.sum(axis=0), n)
