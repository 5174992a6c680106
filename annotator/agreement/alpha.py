"""Krippendorff's alpha for any number of coders, missing values and any level of measurement.

    alpha = 1 - D_o / D_e

    D_o = 1/n          * sum_u 1/(m_u - 1) * sum_{i != j in u} delta2(v_i, v_j)
    D_e = 1/(n (n-1))  * sum_{c, k} n_c n_k delta2(c, k)

where u runs over the *pairable* units (units with m_u >= 2 values), n is the number of pairable
values and n_c the number of pairable values equal to c (the marginals of the coincidence matrix).
Krippendorff, K. (2011) "Computing Krippendorff's Alpha-Reliability", Annenberg School for
Communication, University of Pennsylvania; Krippendorff, K. (2004) "Content Analysis", 2nd ed.

Nothing here builds a units x values x values array.  Every level is reduced to additive per-unit
statistics plus a function of their sums (a "kernel"), so that:

* nominal:  D_o and D_e need only the counts n_uc (``sum_c n_uc**2``) and the marginals n_c;
* interval: D_o from per-unit sums of squares, D_e from the variance of all pairable values
  (``sum_{i,j} (x_i - x_j)**2 = 2 n sum_i (x_i - mean)**2``), so O(n) time and memory whatever the
  number of distinct values;
* ordinal:  Krippendorff's ordinal metric
  ``delta2(c, k) = (sum_{g=c..k} n_g - (n_c + n_k)/2)**2`` equals ``(r_k - r_c)**2`` with the
  mid-rank ``r_c = sum_{g<=c} n_g - n_c/2``, so ordinal alpha is interval alpha on mid-ranks;
* ratio and custom distances: distances between the distinct values that share a unit (D_o) and a
  blocked quadratic form ``n' Delta n`` over the distinct values (D_e): O(V**2) time, bounded memory.

The bootstrap (Hayes & Krippendorff 2007, resampling units) reuses the same kernels: a resample is a
vector of unit multiplicities w, and every statistic is ``w @ per_unit_statistics``.
"""

from __future__ import annotations

import math
import numbers
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

LEVELS = ("nominal", "ordinal", "interval", "ratio")

#: A custom squared-style difference delta2(a, b): symmetric, 0 for equal values.
Distance = Callable[[Any, Any], float]

NOTE_NO_PAIRABLE = (
    "no pairable values: alpha needs at least one unit coded by two or more coders"
)
NOTE_NO_VARIATION = (
    "no variation: every pairable value is the same, so the expected disagreement is 0 and "
    "alpha = 1 - 0/0 is undefined (reported as NaN, not as a perfect 1.0)"
)

# Floats per temporary block of distance rows (rows x distinct values): 32 MB.
_BLOCK = 1 << 22
# Floats per bootstrap chunk (resamples x units): 8 MB, a few temporaries of it at a time.
_CHUNK = 1 << 20


@dataclass(frozen=True)
class AlphaResult:
    """Krippendorff's alpha with the quantities a report needs to show.

    ``value`` is NaN when alpha is undefined; ``note`` then says why (empty otherwise).
    ``n_units`` counts pairable units and ``n_values`` pairable values (the n of the formulas);
    ``n_coders`` is the number of coders (rows) in the data.
    """

    value: float
    level: str
    n_units: int
    n_values: int
    observed_disagreement: float
    expected_disagreement: float
    note: str = ""
    n_coders: int = 0


@dataclass(frozen=True)
class BootstrapResult:
    """Percentile bootstrap of alpha over units (see :func:`bootstrap_alpha`).

    ``samples`` holds one alpha per resample (NaN where a resample had no variation);
    ``n_undefined`` counts those NaNs, which are left out of ``low``, ``high`` and
    :meth:`p_below`.
    """

    value: float
    low: float
    high: float
    ci: float
    n_boot: int
    seed: int
    level: str
    n_undefined: int
    samples: np.ndarray = field(repr=False, compare=False)

    def p_below(self, alpha_min: float) -> float:
        """q: the share of resamples with alpha < alpha_min (Hayes & Krippendorff 2007).

        Krippendorff's bands: alpha >= .800 reliable, >= .667 tentative, so ``p_below(0.8)`` is
        the bootstrap probability of failing to reach the reliable band.
        """
        defined = self.samples[~np.isnan(self.samples)]
        return float(np.mean(defined < alpha_min)) if defined.size else math.nan


# --------------------------------------------------------------------------------------------
# Reliability data: the pairable values, grouped by unit


def _is_missing(value: Any) -> bool:
    # NaN is the only value that differs from itself; covers float and numpy NaN.
    return value is None or (isinstance(value, (float, np.floating)) and value != value)


@dataclass(frozen=True)
class _Pairable:
    """Pairable values of a coders x units table: one entry per value, entries grouped by unit."""

    n_coders: int
    unit: np.ndarray  # pairable-unit index of each entry, non-decreasing
    m: np.ndarray  # number of values in each pairable unit (all >= 2), as float
    x: np.ndarray | None  # entry values when every value is a number
    codes: np.ndarray | None  # entry codes into ``objects`` otherwise
    objects: list | None

    @property
    def n_units(self) -> int:
        return len(self.m)

    @property
    def n_values(self) -> int:
        return len(self.unit)

    @property
    def starts(self) -> np.ndarray:
        """Index of each unit's first entry."""
        return np.r_[0, np.cumsum(self.m[:-1])].astype(np.intp)

    def coded(self) -> tuple[np.ndarray, Sequence]:
        """Entry codes and the distinct values they index (sorted when numeric)."""
        if self.x is None:
            return self.codes, self.objects
        values, codes = np.unique(self.x, return_inverse=True)
        return codes.ravel(), values

    def identity_key(self) -> np.ndarray:
        """A float per entry that is equal exactly when the values are equal."""
        return self.x if self.x is not None else self.codes.astype(float)


def _pairable(data: Any) -> _Pairable:
    """Collect the pairable values of ``data`` (coders x units; None or NaN for missing)."""
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        if data.ndim != 2:
            raise ValueError("reliability data must be 2-D: coders x units")
        return _pairable_numeric(data.astype(float))
    rows = [list(row) for row in data]
    if len({len(row) for row in rows}) > 1:
        raise ValueError("every coder needs one entry per unit (use None for a missing value)")
    n_units = len(rows[0]) if rows else 0
    flat = [v for row in rows for v in row]
    if all(_is_missing(v) or isinstance(v, numbers.Real) for v in flat):
        return _pairable_numeric(np.array(rows, dtype=float).reshape(len(rows), n_units))
    return _pairable_objects(rows, n_units)


def _pairable_numeric(table: np.ndarray) -> _Pairable:
    if np.isinf(table).any():
        raise ValueError("reliability data contains an infinite value")
    present = ~np.isnan(table)
    m_all = present.sum(axis=0)
    keep = m_all >= 2
    # Transposed views make the boolean gathers run unit by unit, so entries come grouped.
    mask = present[:, keep].T
    unit, _ = np.nonzero(mask)
    x = table[:, keep].T[mask]
    return _Pairable(len(table), unit, m_all[keep].astype(float), x, None, None)


def _pairable_objects(rows: list[list], n_units: int) -> _Pairable:
    index: dict[Hashable, int] = {}
    unit, codes, m = [], [], []
    for u in range(n_units):
        values = [row[u] for row in rows if not _is_missing(row[u])]
        if len(values) < 2:
            continue
        for value in values:
            codes.append(index.setdefault(value, len(index)))
            unit.append(len(m))
        m.append(len(values))
    return _Pairable(
        len(rows),
        np.asarray(unit, dtype=np.intp),
        np.asarray(m, dtype=float),
        None,
        np.asarray(codes, dtype=np.intp),
        list(index),
    )


# --------------------------------------------------------------------------------------------
# Kernels: per-unit statistics S (units x k) and D_o, D_e as functions of W @ S, where each row
# of W holds unit multiplicities (all ones for the point estimate, a resample for the bootstrap)


def _unit_value_counts(unit: np.ndarray, codes: np.ndarray, n_units: int, n_values: int):
    """Sparse units x distinct-values matrix of counts n_uc (CSR, duplicates summed)."""
    counts = sp.csr_matrix(
        (np.ones(len(unit)), (unit, codes)), shape=(n_units, n_values), dtype=float
    )
    counts.sum_duplicates()
    return counts


def _weighted_marginals(w: np.ndarray, counts) -> np.ndarray:
    """Resampled marginals n*_c = sum_u w_u n_uc for every row of w (resamples x values)."""
    return np.asarray((counts.T @ w.T).T)


def _within_unit_pairs(counts, m: np.ndarray) -> tuple[np.ndarray, ...]:
    """Unordered pairs of distinct values sharing a unit, weighted 2 n_uc n_uk / (m_u - 1).

    The factor 2 counts both orders (c, k) and (k, c) of the coincidence matrix.
    """
    per_unit = np.diff(counts.indptr)
    unit = np.repeat(np.arange(counts.shape[0]), per_unit)
    code, n_uc = counts.indices, counts.data
    parts = []
    # Row entries are contiguous, so the pairs of a unit are (i, i + d) for d < its distinct count.
    for d in range(1, int(per_unit.max(initial=0))):
        i = np.nonzero(unit[d:] == unit[:-d])[0]
        j = i + d
        parts.append((unit[i], code[i], code[j], 2.0 * n_uc[i] * n_uc[j] / (m[unit[i]] - 1.0)))
    if not parts:
        empty = np.empty(0)
        return empty.astype(np.intp), empty.astype(np.intp), empty.astype(np.intp), empty
    return tuple(np.concatenate(column) for column in zip(*parts))


class _NominalKernel:
    """delta2 = [c != k]: D_o from sum_c n_uc**2 per unit, D_e from sum_c n_c**2."""

    def __init__(self, data: _Pairable):
        codes, values = data.coded()
        self.counts = _unit_value_counts(data.unit, codes, data.n_units, len(values))
        sum_sq = np.asarray(self.counts.multiply(self.counts).sum(axis=1)).ravel()
        m = data.m
        self.stats = np.column_stack([m, (m * m - sum_sq) / (m - 1.0)])

    def disagreements(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, do = (w @ self.stats).T
        marginals = _weighted_marginals(w, self.counts)
        de = (n * n - (marginals * marginals).sum(axis=1)) / (n * (n - 1.0))
        return do / n, de


class _IntervalKernel:
    """delta2 = (c - k)**2, computed from sums of squares without any values x values array."""

    def __init__(self, data: _Pairable):
        if data.x is None:
            raise TypeError("interval alpha needs numeric values")
        x, unit, m = data.x, data.unit, data.m
        # Centre on the data value nearest the mean: identical values stay exactly 0 and the
        # global sums of squares lose next to nothing to cancellation.
        x = x - x[np.argmin(np.abs(x - x.mean()))]
        # Within a unit, differences to its first value make m*sum(d^2) - sum(d)^2 exactly 0
        # for a unit in perfect agreement (so alpha = 1.0 exactly) and keep the terms small.
        d = x - x[data.starts][unit]
        s1_u = np.bincount(unit, d, len(m))
        s2_u = np.bincount(unit, d * d, len(m))
        do_u = 2.0 * (m * s2_u - s1_u * s1_u) / (m - 1.0)
        self.stats = np.column_stack(
            [m, do_u, np.bincount(unit, x, len(m)), np.bincount(unit, x * x, len(m))]
        )

    def disagreements(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, do, s1, s2 = (w @ self.stats).T
        # sum_{i,j} (x_i - x_j)^2 = 2 (n sum x^2 - (sum x)^2)
        return do / n, 2.0 * (n * s2 - s1 * s1) / (n * (n - 1.0))


class _OrdinalKernel:
    """Krippendorff's ordinal metric: interval metric on mid-ranks of the pairable marginals.

    The mid-ranks depend on the marginals, so in a resample they are recomputed from n*_c.
    """

    def __init__(self, data: _Pairable):
        if data.x is None:
            raise TypeError("ordinal alpha needs numeric values (map ordered labels to ranks)")
        codes, values = data.coded()
        self.m = data.m
        self.counts = _unit_value_counts(data.unit, codes, data.n_units, len(values))
        pairs = _within_unit_pairs(self.counts, data.m)
        self.pair_unit, self.pair_c, self.pair_k, self.pair_w = pairs

    def disagreements(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n = w @ self.m
        marginals = _weighted_marginals(w, self.counts)
        # Mid-ranks centred on their mean n/2, for the same cancellation reason as interval.
        ranks = np.cumsum(marginals, axis=1) - marginals / 2.0 - n[:, None] / 2.0
        gap = ranks[:, self.pair_c] - ranks[:, self.pair_k]
        do = (w[:, self.pair_unit] * self.pair_w * gap * gap).sum(axis=1)
        s1 = (marginals * ranks).sum(axis=1)
        s2 = (marginals * ranks * ranks).sum(axis=1)
        return do / n, 2.0 * (n * s2 - s1 * s1) / (n * (n - 1.0))


class _PairwiseKernel:
    """Any fixed delta2 given between distinct values: ratio, or a custom distance.

    ``delta_rows(start, stop)`` returns rows start:stop of the distinct-values distance matrix,
    ``delta_pairs(c, k)`` the distances of code pairs.
    """

    def __init__(self, data: _Pairable, codes: np.ndarray, n_distinct: int, delta_rows, delta_pairs):
        self.counts = _unit_value_counts(data.unit, codes, data.n_units, n_distinct)
        self.delta_rows = delta_rows
        unit, c, k, weight = _within_unit_pairs(self.counts, data.m)
        do_u = np.bincount(unit, weight * delta_pairs(c, k), data.n_units)
        self.stats = np.column_stack([data.m, do_u])

    def disagreements(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, do = (w @ self.stats).T
        marginals = _weighted_marginals(w, self.counts)
        n_distinct = marginals.shape[1]
        step = max(1, _BLOCK // n_distinct)
        expected = np.zeros(len(w))
        # sum_{c,k} n_c n_k delta2(c, k) in row blocks: never holds the whole V x V matrix
        # unless it is small.
        for start in range(0, n_distinct, step):
            stop = min(start + step, n_distinct)
            expected += ((marginals[:, start:stop] @ self.delta_rows(start, stop)) * marginals).sum(
                axis=1
            )
        return do / n, expected / (n * (n - 1.0))


def _ratio_delta(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    """Krippendorff's ratio metric ((c - k) / (c + k))**2, taken as 0 when c = k = 0."""
    total = a + b
    return np.divide(a - b, total, out=np.zeros(np.broadcast(a, b).shape), where=total != 0) ** 2


def _ratio_kernel(data: _Pairable) -> _PairwiseKernel:
    if data.x is None:
        raise TypeError("ratio alpha needs numeric values")
    if (data.x < 0).any():
        raise ValueError("ratio alpha needs non-negative values (a ratio scale has a true zero)")
    codes, values = data.coded()
    return _PairwiseKernel(
        data,
        codes,
        len(values),
        lambda start, stop: _ratio_delta(values[start:stop, None], values[None, :]),
        lambda c, k: _ratio_delta(values[c], values[k]),
    )


def _custom_kernel(data: _Pairable, distance: Distance) -> _PairwiseKernel:
    codes, values = data.coded()
    values = list(values.tolist() if isinstance(values, np.ndarray) else values)
    size = len(values)
    matrix = np.zeros((size, size))
    # One call per unordered pair of distinct values; the diagonal stays 0 by definition.
    for i in range(size):
        for j in range(i + 1, size):
            matrix[i, j] = matrix[j, i] = float(distance(values[i], values[j]))
    return _PairwiseKernel(
        data, codes, size, lambda start, stop: matrix[start:stop], lambda c, k: matrix[c, k]
    )


def _kernel(data: _Pairable, level: str, distance: Distance | None):
    if distance is not None:
        return _custom_kernel(data, distance)
    if level == "nominal":
        return _NominalKernel(data)
    if level == "interval":
        return _IntervalKernel(data)
    if level == "ordinal":
        return _OrdinalKernel(data)
    return _ratio_kernel(data)


# --------------------------------------------------------------------------------------------
# Point estimate and bootstrap


class _Prepared:
    """Pairable data, its kernel, and what decides whether a (re)sample has any variation."""

    def __init__(self, data: Any, level: str, distance: Distance | None):
        if distance is None and level not in LEVELS:
            raise ValueError(f"level must be one of {LEVELS} (or pass distance=), not {level!r}")
        self.level = level if distance is None else "custom"
        self.data = _pairable(data)
        if self.data.n_values == 0:
            self.kernel = None
            return
        self.kernel = _kernel(self.data, level, distance)
        key = self.data.identity_key()
        starts = self.data.starts
        self.unit_first = key[starts]
        self.unit_constant = np.maximum.reduceat(key, starts) == np.minimum.reduceat(key, starts)

    def no_variation(self, w: np.ndarray) -> np.ndarray:
        """True for each row of w whose sampled values are all identical (exact test)."""
        result = w @ (~self.unit_constant) == 0
        # Rows sampling only constant units are rare: compare their values one by one.
        for row in np.nonzero(result)[0]:
            firsts = self.unit_first[w[row] > 0]
            result[row] = firsts.min() == firsts.max()
        return result

    def alphas(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        do, de = self.kernel.disagreements(w)
        undefined = self.no_variation(w) | ~(de > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(undefined, np.nan, 1.0 - do / de)
        return value, do, de


def _point_estimate(prepared: _Prepared) -> AlphaResult:
    pairable = prepared.data
    if prepared.kernel is None:
        return AlphaResult(
            math.nan, prepared.level, 0, 0, math.nan, math.nan, NOTE_NO_PAIRABLE, pairable.n_coders
        )
    value, do, de = prepared.alphas(np.ones((1, pairable.n_units)))
    undefined = bool(np.isnan(value[0]))
    return AlphaResult(
        value=float(value[0]),
        level=prepared.level,
        n_units=pairable.n_units,
        n_values=pairable.n_values,
        observed_disagreement=float(do[0]),
        expected_disagreement=0.0 if undefined else float(de[0]),
        note=NOTE_NO_VARIATION if undefined else "",
        n_coders=pairable.n_coders,
    )


def krippendorff_alpha(
    data: Sequence[Sequence[Any]] | np.ndarray,
    level: str = "nominal",
    distance: Distance | None = None,
) -> AlphaResult:
    """Krippendorff's alpha of reliability data (coders x units, None or NaN for missing).

    ``level`` is "nominal" (any hashable values), "ordinal", "interval" or "ratio" (numbers);
    ``distance(a, b)`` -- a squared-style difference such as :func:`masi_distance` for frozensets
    -- overrides it (level is then reported as "custom").  Formulas: module docstring; reference:
    Krippendorff (2011) "Computing Krippendorff's Alpha-Reliability".

    Edge cases:

    * A unit with fewer than two values is not pairable and is ignored (it adds nothing to the
      coincidence matrix); ``n_units``/``n_values`` count pairable units and values only.
    * No pairable value at all: ``value`` is NaN and ``note`` says so.
    * No variation (every pairable value identical, or a custom distance that is 0 between all
      of them): D_e = 0 and alpha = 1 - 0/0 is undefined.  We return NaN with note "no
      variation ..." instead of 1.0: perfect agreement on a variable that never varies says
      nothing about whether coders can tell its values apart.
    * A single pairable unit with variation gives alpha = 0 (D_o = D_e), as the formula says.

    Ordinal distances use the marginals of the pairable values; ratio values must be >= 0.
    Cost: nominal, ordinal and interval are O(n log n) in time and O(n) in memory; ratio and
    custom distances add O(V**2) time over the V distinct values (custom: V**2/2 calls).
    """
    return _point_estimate(_Prepared(data, level, distance))


def bootstrap_alpha(
    data: Sequence[Sequence[Any]] | np.ndarray,
    level: str = "nominal",
    n_boot: int = 1000,
    seed: int = 0,
    ci: float = 0.95,
    distance: Distance | None = None,
) -> BootstrapResult:
    """Percentile bootstrap confidence interval for Krippendorff's alpha, resampling units.

    Each resample draws the pairable units with replacement (as many as there are) and
    recomputes alpha in full -- D_o, and D_e from the resampled marginals -- which keeps the
    values of a unit together.  This is the common practical variant; Hayes & Krippendorff
    (2007) "Answering the call for a standard reliability measure for coding data",
    Communication Methods and Measures 1(1):77-89, instead resample pairs of values from the
    coincidence matrix with D_e held fixed, which gives somewhat different intervals.

    ``low``/``high`` are the (1-ci)/2 and (1+ci)/2 quantiles of the resampled alphas;
    ``p_below(0.667)`` / ``p_below(0.8)`` give Hayes & Krippendorff's q.  Resamples without
    variation have no alpha: they are kept as NaN in ``samples`` and counted in ``n_undefined``.
    Resample r uses the units ``rng.integers(0, n_units, n_units)`` of the r-th such draw from
    ``numpy.random.default_rng(seed)``, so the same data and seed give the same samples.  Each
    resample costs one product of its unit multiplicities with precomputed per-unit statistics.
    """
    if not 0 < ci < 1:
        raise ValueError("ci must be between 0 and 1")
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    prepared = _Prepared(data, level, distance)
    point = _point_estimate(prepared)
    samples = np.full(n_boot, math.nan)
    if prepared.kernel is not None:
        rng = np.random.default_rng(seed)
        n_units = prepared.data.n_units
        chunk = max(1, min(n_boot, _CHUNK // max(n_units, prepared.data.n_values)))
        for start in range(0, n_boot, chunk):
            size = min(chunk, n_boot - start)
            drawn = rng.integers(0, n_units, size=(size, n_units))
            # Multiplicity of every unit in every resample, via one flat bincount.
            flat = (drawn + n_units * np.arange(size)[:, None]).ravel()
            w = np.bincount(flat, minlength=size * n_units).reshape(size, n_units).astype(float)
            samples[start : start + size] = prepared.alphas(w)[0]
    defined = samples[~np.isnan(samples)]
    low, high = (
        np.quantile(defined, [(1 - ci) / 2, (1 + ci) / 2]) if defined.size else (math.nan, math.nan)
    )
    return BootstrapResult(
        value=point.value,
        low=float(low),
        high=float(high),
        ci=ci,
        n_boot=n_boot,
        seed=seed,
        level=point.level,
        n_undefined=int(np.isnan(samples).sum()),
        samples=samples,
    )
