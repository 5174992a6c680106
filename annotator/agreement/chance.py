"""Chance-corrected agreement for any number of coders with missing ratings, in the framework of
Gwet (2014) "Handbook of Inter-Rater Reliability", 4th ed. (Advanced Analytics), chapters 2-5:
Gwet's AC1 / AC2, Brennan-Prediger, Conger's kappa, Fleiss' kappa (Gwet's generalisation to
missing ratings; Scott's pi for two coders), Light's kappa, each with Gwet's analytic variance.

Notation.  Units i = 1..n are those with at least one rating; r_ik coders put unit i in category
k, r_i = sum_k r_ik; w_kl are agreement weights (:mod:`annotator.agreement.weights`, identity when
unweighted), r*_ik = sum_l w_kl r_il; q categories; n2 units have r_i >= 2.

    p_a = 1/n2 sum_{i: r_i >= 2} sum_k r_ik (r*_ik - 1) / (r_i (r_i - 1))     observed agreement
    pi_k = 1/n sum_i r_ik / r_i                                                 category shares
    coefficient = (p_a - p_e) / (1 - p_e)

with the chance agreement p_e of each coefficient:

    AC1 / AC2          p_e = T_w / (q (q - 1)) sum_k pi_k (1 - pi_k),  T_w = sum_kl w_kl
    Brennan-Prediger   p_e = T_w / q**2
    Fleiss / Scott     p_e = sum_kl w_kl pi_k pi_l
    Conger             p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r),  p_gk = share of coder g's
                       ratings in k, pbar_k = mean_g p_gk, s2_kl their covariance over the r coders

Variance (Gwet 2014, sec. 5.3; Gwet 2008 "Computing inter-rater reliability and its variance in
the presence of high agreement", Br. J. Math. Stat. Psychol. 61:29-48), with f = n / N the
sampling fraction (N = population of units; N = inf, no correction, by default):

    kappa_i  = (n / n2) (p_a,i - p_e [r_i >= 2]) / (1 - p_e)
    kappa*_i = kappa_i - 2 (1 - kappa) (p_e,i - p_e) / (1 - p_e)
    var      = (1 - f) / (n (n - 1)) sum_i (kappa*_i - kappa)**2

where p_a,i is unit i's term of p_a and p_e,i its contribution to p_e (Brennan-Prediger: none).
Intervals are kappa +- t_{n-1} se with the upper limit capped at 1, as in irrCAC.

Everything is computed from the n x q counts r_ik (and, for Conger, from the coders x units
codes): O(n q) time and memory.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np
from scipy import stats

from annotator.agreement.kappa import KappaResult, cohen_kappa
from annotator.agreement.reliability_data import category_codes
from annotator.agreement.weights import agreement_weights

NOTE_NO_PAIRS = "no unit has two or more ratings"
NOTE_NO_CHANCE = "no variation: chance agreement is 1 (a single category), so the coefficient is 0/0"


@dataclass(frozen=True)
class Ratings:
    """Reliability data as category codes (coders x units, -1 missing) and counts r_ik."""

    codes: np.ndarray  # coders x units with at least one rating
    categories: list
    counts: np.ndarray  # units x categories

    @classmethod
    def of(cls, data: Any, categories: Sequence[Any] | None = None) -> "Ratings":
        codes, cats = category_codes(data, categories)
        codes = codes[:, (codes >= 0).any(axis=0)]
        n_units, q = codes.shape[1], len(cats)
        coder, unit = np.nonzero(codes >= 0)
        counts = np.bincount(unit * q + codes[coder, unit], minlength=n_units * q)
        return cls(codes, cats, counts.reshape(n_units, q).astype(float))

    @classmethod
    def from_counts(cls, counts: np.ndarray, categories: Sequence[Any] | None = None) -> "Ratings":
        """Units x categories counts (no coder identities: not for Conger's kappa)."""
        counts = np.asarray(counts, dtype=float)
        counts = counts[counts.sum(axis=1) > 0]
        cats = list(range(counts.shape[1])) if categories is None else list(categories)
        return cls(np.empty((0, len(counts)), dtype=np.intp), cats, counts)


@dataclass(frozen=True)
class _Observed:
    """p_a and its per-unit terms, and the category shares pi_k."""

    pa: float
    pa_i: np.ndarray
    two: np.ndarray  # r_i >= 2
    r_i: np.ndarray
    pi: np.ndarray


def _observed(ratings: Ratings, w: np.ndarray) -> _Observed:
    r = ratings.counts
    r_i = r.sum(axis=1)
    two = r_i >= 2
    weighted = r @ w.T  # r*_ik = sum_l w_kl r_il
    terms = (r * (weighted - 1.0)).sum(axis=1)
    pa_i = np.where(two, terms / np.maximum(r_i * (r_i - 1.0), 1.0), 0.0)
    pa = float(pa_i[two].mean()) if two.any() else math.nan
    pi = (r / r_i[:, None]).mean(axis=0) if len(r) else np.zeros(r.shape[1])
    return _Observed(pa, pa_i, two, r_i, pi)


def _result(name: str, obs: _Observed, pe: float, pe_i: np.ndarray | None, *, weights: str,
            population: float, ci: float) -> KappaResult:
    """The coefficient, Gwet's variance and the t interval (module docstring)."""
    n, n2 = len(obs.r_i), int(obs.two.sum())
    if n2 == 0:
        return KappaResult(math.nan, 0, math.nan, pe, weights=weights, note=NOTE_NO_PAIRS, coefficient=name)
    if not pe < 1:
        return KappaResult(math.nan, n2, obs.pa, pe, weights=weights, note=NOTE_NO_CHANCE, coefficient=name)
    value = (obs.pa - pe) / (1.0 - pe)
    se = low = high = p_value = math.nan
    if n >= 2:
        kappa_i = (n / n2) * (obs.pa_i - pe * obs.two) / (1.0 - pe)
        if pe_i is not None:
            kappa_i = kappa_i - 2.0 * (1.0 - value) * (pe_i - pe) / (1.0 - pe)
        f = 0.0 if math.isinf(population) else n / population
        se = math.sqrt(max((1.0 - f) / (n * (n - 1.0)) * float(((kappa_i - value) ** 2).sum()), 0.0))
        t = stats.t.ppf((1.0 + ci) / 2.0, n - 1)
        low, high = float(value - t * se), float(min(1.0, value + t * se))
        if se > 0:
            p_value = float(2.0 * stats.t.sf(abs(value / se), n - 1))
    return KappaResult(value, n2, obs.pa, pe, weights=weights, se=se, low=low, high=high, p_value=p_value,
                       coefficient=name)


def _check(ci: float, population: float) -> None:
    if not 0 < ci < 1:
        raise ValueError("ci must be between 0 and 1")
    if not population > 0:
        raise ValueError("population must be positive (math.inf: no finite-population correction)")


def _weights_name(weights: str | np.ndarray) -> str:
    return weights if isinstance(weights, str) else "custom"


def gwet_coefficient(ratings: Ratings, weights: str | np.ndarray = "identity", *,
                     population: float = math.inf, ci: float = 0.95) -> KappaResult:
    """Gwet's AC1 (identity weights) or AC2 on prepared :class:`Ratings` (module docstring)."""
    _check(ci, population)
    q = len(ratings.categories)
    w = agreement_weights(ratings.categories, weights)
    obs = _observed(ratings, w)
    name = "AC1" if isinstance(weights, str) and weights == "identity" else "AC2"
    if q < 2:
        # Gwet's p_e divides by q (q - 1); irrCAC substitutes p_e = 1 - 1e-15 (and reports 1).
        return KappaResult(math.nan, int(obs.two.sum()), obs.pa, math.nan, weights=_weights_name(weights),
                           note="a single category: AC1/AC2 chance agreement needs q >= 2", coefficient=name)
    scale = w.sum() / (q * (q - 1.0))
    pe = float(scale * (obs.pi * (1.0 - obs.pi)).sum())
    pe_i = scale * (ratings.counts @ (1.0 - obs.pi)) / obs.r_i
    return _result(name, obs, pe, pe_i, weights=_weights_name(weights), population=population, ci=ci)


def fleiss_coefficient(ratings: Ratings, weights: str | np.ndarray = "identity", *,
                       population: float = math.inf, ci: float = 0.95) -> KappaResult:
    """Fleiss' kappa with Gwet's treatment of missing ratings (module docstring)."""
    _check(ci, population)
    w = agreement_weights(ratings.categories, weights)
    obs = _observed(ratings, w)
    pe = float(obs.pi @ w @ obs.pi)
    pe_i = ratings.counts @ ((w @ obs.pi + w.T @ obs.pi) / 2.0) / obs.r_i
    return _result("Fleiss' kappa", obs, pe, pe_i, weights=_weights_name(weights), population=population, ci=ci)


def fleiss_kappa(counts: Sequence[Sequence[float]] | np.ndarray | None = None, *,
                 reliability_data: Any = None, weights: str | np.ndarray = "identity",
                 categories: Sequence[Any] | None = None, population: float = math.inf,
                 ci: float = 0.95) -> KappaResult:
    """Fleiss' kappa from a subjects x categories table of counts, or from reliability data.

    ``counts``: how many raters put each subject in each category; every subject needs the same
    number r >= 2 of ratings (Fleiss 1971):

        P_i = (sum_j n_ij**2 - r) / (r (r - 1)),  P = mean_i P_i,  p_j = sum_i n_ij / (N r),
        P_e = sum_j p_j**2,  kappa = (P - P_e) / (1 - P_e).

    ``reliability_data=``: coders x units (None/NaN missing), any number of ratings per unit, as
    Gwet (2014) generalises it (module docstring), optionally weighted.  Both come with Gwet's
    standard error.  Fleiss, J. L. (1971) "Measuring nominal scale agreement among many raters",
    Psychological Bulletin 76(5):378-382.
    """
    if (counts is None) == (reliability_data is None):
        raise ValueError("give either counts or reliability_data=")
    if reliability_data is not None:
        return fleiss_coefficient(Ratings.of(reliability_data, categories), weights,
                                  population=population, ci=ci)
    table = np.asarray(counts, dtype=float)
    if table.ndim != 2:
        raise ValueError("counts must be a subjects x categories table of non-negative counts")
    if not np.isfinite(table).all():
        raise ValueError("counts must be finite numbers: a NaN or infinite count is not a number of raters")
    if (table < 0).any():
        raise ValueError("counts must be a subjects x categories table of non-negative counts")
    if (table != np.round(table)).any():
        raise ValueError("counts must be whole numbers of raters (a fractional count was given)")
    raters = table.sum(axis=1)
    if len(table) and (not (raters == raters[0]).all() or raters[0] < 2):
        raise ValueError("every subject needs the same number (>= 2) of ratings "
                         "(for missing ratings pass reliability_data=)")
    return fleiss_coefficient(Ratings.from_counts(table, categories), weights, population=population, ci=ci)


def gwet_ac1(data: Any, *, categories: Sequence[Any] | None = None, population: float = math.inf,
             ci: float = 0.95) -> KappaResult:
    """Gwet's AC1 of coders x units reliability data (None/NaN missing), with its standard error.

    AC1 = (p_a - p_e) / (1 - p_e), p_e = 1/(q - 1) sum_k pi_k (1 - pi_k): chance agreement is the
    propensity to agree on hard-to-classify units, so AC1 stays close to p_a when one category
    dominates (where kappa and alpha drop: the "kappa paradox").  Gwet (2008) Br. J. Math. Stat.
    Psychol. 61:29-48; Gwet (2014) ch. 4.  ``categories`` are all the categories coders could
    choose (q counts them; default: the values seen); ``population`` the number of units in the
    population (finite-population correction); ``ci`` the level of the t interval.
    ``observed``/``expected`` are p_a and p_e, ``n`` the units with two or more ratings.
    """
    return gwet_coefficient(Ratings.of(data, categories), population=population, ci=ci)


def gwet_ac2(data: Any, weights: str | np.ndarray = "quadratic", *, categories: Sequence[Any] | None = None,
             population: float = math.inf, ci: float = 0.95) -> KappaResult:
    """Gwet's AC2: AC1 with agreement weights (Gwet 2014, ch. 4), p_e = T_w/(q(q-1)) sum pi_k(1-pi_k).

    ``weights`` is "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar"
    (:mod:`annotator.agreement.weights`) or a q x q matrix over ``categories`` (default: the
    values seen, sorted).  Other arguments as :func:`gwet_ac1`.
    """
    return gwet_coefficient(Ratings.of(data, categories), weights, population=population, ci=ci)


def brennan_prediger(data: Any, weights: str | np.ndarray = "identity", *,
                     categories: Sequence[Any] | None = None, population: float = math.inf,
                     ci: float = 0.95) -> KappaResult:
    """Brennan & Prediger's (1981) coefficient: chance agreement T_w / q**2 (1/q unweighted).

    Brennan, R. L. & Prediger, D. J. (1981) "Coefficient kappa: some uses, misuses, and
    alternatives", Educational and Psychological Measurement 41:687-699; Gwet (2014) ch. 4.
    p_e does not depend on the data, so the variance has no p_e,i term.  q counts
    ``categories`` (default: the values seen).
    """
    _check(ci, population)
    ratings = Ratings.of(data, categories)
    q = len(ratings.categories)
    w = agreement_weights(ratings.categories, weights)
    obs = _observed(ratings, w)
    pe = float(w.sum() / q**2) if q else math.nan
    return _result("Brennan-Prediger", obs, pe, None, weights=_weights_name(weights), population=population, ci=ci)


def conger_kappa(data: Any, weights: str | np.ndarray = "identity", *,
                 categories: Sequence[Any] | None = None, population: float = math.inf,
                 ci: float = 0.95) -> KappaResult:
    """Conger's (1980) kappa: p_e averages the r (r - 1) / 2 pairwise Cohen chance agreements.

    p_e = sum_kl w_kl (pbar_k pbar_l - s2_kl / r), p_gk the share of coder g's ratings in k
    (over the units g rated), pbar_k = mean_g p_gk, s2_kl = (sum_g p_gk p_gl - r pbar_k pbar_l)
    / (r - 1).  With two coders and no missing value this is Cohen's kappa.  Conger, A. J.
    (1980) "Integration and generalization of kappas for multiple raters", Psychological
    Bulletin 88:322-328; variance as Gwet (2014) sec. 5.3 and irrCAC.  Coders without any
    rating are left out (they have no p_gk).
    """
    _check(ci, population)
    ratings = Ratings.of(data, categories)
    codes = ratings.codes[(ratings.codes >= 0).any(axis=1)]
    w = agreement_weights(ratings.categories, weights)
    obs = _observed(ratings, w)
    r, n, q = len(codes), codes.shape[1], len(ratings.categories)
    if r < 2:
        return KappaResult(math.nan, 0, math.nan, math.nan, weights=_weights_name(weights),
                           note="Conger's kappa needs two or more coders with ratings", coefficient="Conger's kappa")
    rated = codes >= 0
    n_g = rated.sum(axis=1).astype(float)
    coder, unit = np.nonzero(rated)
    p = np.bincount(coder * q + codes[coder, unit], minlength=r * q).reshape(r, q) / n_g[:, None]
    pbar = p.mean(axis=0)
    s2 = (p.T @ p - r * np.outer(pbar, pbar)) / (r - 1.0)
    pe = float((w * (np.outer(pbar, pbar) - s2 / r)).sum())
    # p_e,i (irrCAC's lambda_ig): lambda_ig = n/n_g (e_ig D_g[x_ig] - (e_ig - n_g/n) sum_l p_gl D_gl)
    # with D = (r pbar - p) W, e_ig = [g rated i].
    d = (r * pbar[None, :] - p) @ w
    own = np.where(rated, np.take_along_axis(d, np.maximum(codes, 0), axis=1), 0.0)
    lam = (n / n_g)[:, None] * (own - (rated - (n_g / n)[:, None]) * (p * d).sum(axis=1)[:, None])
    pe_i = lam.sum(axis=0) / (r * (r - 1.0))
    return _result("Conger's kappa", obs, pe, pe_i, weights=_weights_name(weights), population=population, ci=ci)


def scott_pi(data: Any, *, categories: Sequence[Any] | None = None, population: float = math.inf,
             ci: float = 0.95) -> KappaResult:
    """Scott's (1955) pi: chance agreement from the pooled category shares, p_e = sum_k pi_k**2.

    For more than two coders this is Fleiss' (1971) kappa, which generalises pi; missing ratings
    as in Gwet (2014) (pi_k over every unit with a rating, p_a over units with two or more).
    Scott, W. A. (1955) "Reliability of content analysis: the case of nominal scale coding",
    Public Opinion Quarterly 19:321-325.
    """
    result = fleiss_coefficient(Ratings.of(data, categories), population=population, ci=ci)
    return KappaResult(**{**result.__dict__, "coefficient": "Scott's pi"})


def light_kappa(data: Any, *, categories: Sequence[Any] | None = None) -> KappaResult:
    """Light's (1971) kappa: the mean of Cohen's kappa over every pair of coders.

    Each pair uses the units both coded.  Light, R. J. (1971) "Measures of response agreement
    for qualitative data: some generalizations and alternatives", Psychological Bulletin
    76:365-377 (R irr: ``kappam.light``).  ``observed``/``expected`` are the pairs' means; no
    analytic standard error (``se`` is NaN).  Undefined pairs (a single category) are left out
    of the mean and named in ``note``.
    """
    codes, cats = category_codes(data, categories)
    kappas = [cohen_kappa(_missing(codes[a]), _missing(codes[b]), labels=range(len(cats)))
              for a, b in combinations(range(len(codes)), 2)]
    defined = [k for k in kappas if not math.isnan(k.value)]
    note = "" if len(defined) == len(kappas) else f"{len(kappas) - len(defined)} pair(s) undefined, left out"
    if not defined:
        return KappaResult(math.nan, 0, math.nan, math.nan, note=note or "fewer than two coders",
                           coefficient="Light's kappa")
    return KappaResult(float(np.mean([k.value for k in defined])), max(k.n for k in defined),
                       float(np.mean([k.observed for k in defined])),
                       float(np.mean([k.expected for k in defined])), note=note, coefficient="Light's kappa")


def _missing(codes: np.ndarray) -> list:
    return [None if c < 0 else int(c) for c in codes.tolist()]
