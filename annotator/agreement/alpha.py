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

The unit bootstrap reuses the same kernels: a resample is a vector of unit multiplicities w, and
every statistic is ``w @ per_unit_statistics``.  Hayes & Krippendorff's (2007) bootstrap draws
pairs of values from the coincidence matrix instead (:func:`bootstrap_alpha`, ``method="pairs"``).
"""

from __future__ import annotations

import math
from collections.abc import Callable, Hashable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import scipy.sparse as sp

from annotator.agreement.reliability_data import table

LEVELS = ("nominal", "ordinal", "interval", "ratio")
BOOTSTRAP_METHODS = ("units", "pairs")

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
    """Percentile bootstrap of alpha (see :func:`bootstrap_alpha`).

    ``method`` is "units" (resampled units) or "pairs" (Hayes & Krippendorff's resampling of
    pairs of values from the coincidence matrix, ``draws`` pairs per resample).  ``samples``
    holds one alpha per resample (NaN where a resample had no variation); ``n_undefined`` counts
    those NaNs, which are left out of ``low``, ``high`` and :meth:`p_below`.
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
    method: str = "units"
    draws: int = 0

    def p_below(self, alpha_min: float) -> float:
        """q: the share of resamples with alpha < alpha_min (Hayes & Krippendorff 2007).

        Krippendorff's bands: alpha >= .800 reliable, >= .667 tentative, so ``p_below(0.8)`` is
        the bootstrap probability of failing to reach the reliable band.
        """
        defined = self.samples[~np.isnan(self.samples)]
        return float(np.mean(defined < alpha_min)) if defined.size else math.nan


# --------------------------------------------------------------------------------------------
# Reliability data: the pairable values, grouped by unit


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
    """Collect the pairable values of ``data`` (coders x units; see :mod:`.reliability_data`)."""
    rows = table(data)
    if isinstance(rows, np.ndarray):
        return _pairable_numeric(rows)
    return _pairable_objects(rows, len(rows[0]) if rows else 0)


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
        values = [row[u] for row in rows if row[u] is not None]
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

    scale = 1.0  # D_o and D_e come out in units of scale**2 (the interval kernel rescales)

    def __init__(self, data: _Pairable):
        codes, values = data.coded()
        self.counts = _unit_value_counts(data.unit, codes, data.n_units, len(values))
        sum_sq = np.asarray(self.counts.multiply(self.counts).sum(axis=1)).ravel()
        m = data.m
        self.stats = np.column_stack([m, (m * m - sum_sq) / (m - 1.0)])

    @staticmethod
    def cell_delta(c: np.ndarray, k: np.ndarray, w: np.ndarray) -> np.ndarray:
        """delta2 between value codes c and k (for the coincidence bootstrap; w: unit weights,
        which only the ordinal metric depends on)."""
        return (c != k).astype(float)

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
        # Then scale to at most 1 in absolute value: squares of values beyond 1e154 overflow,
        # and alpha = 1 - D_o / D_e does not depend on the unit of measurement.
        largest = float(np.abs(x).max())
        if largest > 0:
            x = x / largest
        self.scale = largest if largest > 0 else 1.0
        self.values = data.coded()[1] / (largest if largest > 0 else 1.0)
        # Within a unit, differences to its first value make m*sum(d^2) - sum(d)^2 exactly 0
        # for a unit in perfect agreement (so alpha = 1.0 exactly) and keep the terms small.
        d = x - x[data.starts][unit]
        s1_u = np.bincount(unit, d, len(m))
        s2_u = np.bincount(unit, d * d, len(m))
        do_u = 2.0 * (m * s2_u - s1_u * s1_u) / (m - 1.0)
        self.stats = np.column_stack(
            [m, do_u, np.bincount(unit, x, len(m)), np.bincount(unit, x * x, len(m))]
        )

    def cell_delta(self, c: np.ndarray, k: np.ndarray, w: np.ndarray) -> np.ndarray:
        """delta2 in the kernel's scaled unit, as its D_o and D_e."""
        return (self.values[c] - self.values[k]) ** 2

    def disagreements(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        n, do, s1, s2 = (w @ self.stats).T
        # sum_{i,j} (x_i - x_j)^2 = 2 (n sum x^2 - (sum x)^2)
        return do / n, 2.0 * (n * s2 - s1 * s1) / (n * (n - 1.0))


class _OrdinalKernel:
    """Krippendorff's ordinal metric: interval metric on mid-ranks of the pairable marginals.

    The mid-ranks depend on the marginals, so in a resample they are recomputed from n*_c.
    """

    scale = 1.0

    def __init__(self, data: _Pairable):
        if data.x is None:
            raise TypeError("ordinal alpha needs numeric values (map ordered labels to ranks)")
        codes, values = data.coded()
        self.m = data.m
        self.counts = _unit_value_counts(data.unit, codes, data.n_units, len(values))
        pairs = _within_unit_pairs(self.counts, data.m)
        self.pair_unit, self.pair_c, self.pair_k, self.pair_w = pairs

    def cell_delta(self, c: np.ndarray, k: np.ndarray, w: np.ndarray) -> np.ndarray:
        """delta2 from the mid-ranks of the marginals of units weighted by w (fixed, as D_e)."""
        marginals = _weighted_marginals(w[None, :], self.counts)[0]
        ranks = np.cumsum(marginals) - marginals / 2.0
        return (ranks[c] - ranks[k]) ** 2

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

    scale = 1.0

    def __init__(self, data: _Pairable, codes: np.ndarray, n_distinct: int, delta_rows, delta_pairs):
        self.counts = _unit_value_counts(data.unit, codes, data.n_units, n_distinct)
        self.delta_rows = delta_rows
        self.delta_pairs = delta_pairs
        unit, c, k, weight = _within_unit_pairs(self.counts, data.m)
        do_u = np.bincount(unit, weight * delta_pairs(c, k), data.n_units)
        self.stats = np.column_stack([data.m, do_u])

    def cell_delta(self, c: np.ndarray, k: np.ndarray, w: np.ndarray) -> np.ndarray:
        return self.delta_pairs(c, k)

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
        """alpha, D_o and D_e for every row of unit multiplicities w."""
        do, de = self.kernel.disagreements(w)
        undefined = self.no_variation(w) | ~(de > 0)
        with np.errstate(divide="ignore", invalid="ignore"):
            value = np.where(undefined, np.nan, 1.0 - do / de)
        # Twice by the scale, not once by its square, which can overflow when D_o does not;
        # a D_o beyond the largest float is reported as inf (alpha itself is exact).
        scale = self.kernel.scale
        with np.errstate(over="ignore"):
            return value, do * scale * scale, de * scale * scale

    def coincidences(self, w: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
        """The coincidence matrix of units weighted by w, as its cells c <= k with o_ck > 0.

        Returns (c, k, weight): weight is o_cc on the diagonal and o_ck + o_kc = 2 o_ck off it,
        so that weight / n is the probability of drawing the unordered pair {c, k}.
        """
        data = self.data
        codes, values = data.coded()
        counts = _unit_value_counts(data.unit, codes, data.n_units, len(values))
        unit, c, k, pair = _within_unit_pairs(counts, data.m)
        rows = np.repeat(np.arange(counts.shape[0]), np.diff(counts.indptr))
        n_uc = counts.data
        diagonal = n_uc * (n_uc - 1.0) / (data.m[rows] - 1.0)
        low, high = np.minimum(c, k), np.maximum(c, k)
        c = np.concatenate([low, counts.indices])
        k = np.concatenate([high, counts.indices])
        weight = np.concatenate([pair * w[unit], diagonal * w[rows]])
        size = len(values)
        cells, where = np.unique(c * size + k, return_inverse=True)
        totals = np.bincount(where.ravel(), weight)
        keep = totals > 0
        return cells[keep] // size, cells[keep] % size, totals[keep]

    def pair_samples(self, w: np.ndarray, n_boot: int, rng: np.random.Generator,
                     draws: int | None) -> tuple[np.ndarray, int]:
        """Hayes & Krippendorff's bootstrap (see :func:`bootstrap_alpha`): alphas and draws M."""
        samples = np.full(n_boot, math.nan)
        value, _, de = self.alphas(w[None, :])
        m = self.data.m
        if draws is None:
            draws = int(round(float(w @ (m * (m - 1.0) / 2.0))))
        if np.isnan(value[0]):
            return samples, draws
        de = de[0] / self.kernel.scale / self.kernel.scale  # in the kernel's unit, as cell_delta
        c, k, weight = self.coincidences(w)
        p = weight / weight.sum()
        delta = self.kernel.cell_delta(c, k, w)
        diagonal = np.nonzero(c == k)[0]
        n_cells = len(p)
        by_count = n_cells <= draws  # a multinomial draw costs O(cells), index draws O(draws)
        chunk = max(1, _CHUNK // (n_cells if by_count else draws))
        cumulative = np.cumsum(p)
        for start in range(0, n_boot, chunk):
            size = min(chunk, n_boot - start)
            if by_count:
                counts = rng.multinomial(draws, p, size=size).astype(float)
            else:
                drawn = np.minimum(np.searchsorted(cumulative, rng.random((size, draws)), "right"),
                                   n_cells - 1)
                flat = (drawn + n_cells * np.arange(size)[:, None]).ravel()
                counts = np.bincount(flat, minlength=size * n_cells).reshape(size, n_cells).astype(float)
            alpha = 1.0 - (counts @ delta) / (draws * de)
            # Krippendorff's step four: alpha has no meaning below -1; a resample whose pairs
            # all fall in one diagonal cell holds a single value, so it has no alpha.
            alpha = np.maximum(alpha, -1.0)
            alpha[(counts[:, diagonal] == draws).any(axis=1)] = math.nan
            samples[start:start + size] = alpha
        return samples, draws


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
    method: str = "units",
    draws: int | None = None,
) -> BootstrapResult:
    """Percentile bootstrap interval for Krippendorff's alpha, and q = P(alpha < alpha_min).

    ``method="units"`` (default) draws the pairable units with replacement, as many as there
    are, and recomputes alpha in full -- D_o, and D_e from the resampled marginals -- which keeps
    the values of a unit together (Efron's nonparametric bootstrap with units as the sampled
    objects).  Resample r uses the units ``rng.integers(0, n_units, n_units)`` of the r-th such
    draw from ``numpy.random.default_rng(seed)``.

    ``method="pairs"`` is the bootstrap of Hayes & Krippendorff (2007) "Answering the call for a
    standard reliability measure for coding data", Communication Methods and Measures 1(1):77-89,
    as their KALPHA macro runs it (Krippendorff, "Algorithm for bootstrapping a distribution of
    alpha", 2006, rev. 2011): each resample draws M pairs of values with replacement from the
    observed coincidence matrix -- the unordered pair {c, k} with probability
    o_ck (1 + [c != k]) / n -- and keeps D_e and the delta2 of the data fixed:

        alpha* = 1 - (sum of delta2 over the M drawn pairs) / (M D_e),  clamped at -1.

    M (``draws``) defaults to the number of pairs of values in the data, sum_u m_u (m_u - 1) / 2
    (the paper's 239 pairs for its 40 x 5 example); KALPHA 3.0 (2011) uses
    ``min(25 * cells with o_ck > 0, (coders - 1) * n / 2)`` instead, which ``draws=`` reproduces.
    A resample whose M pairs all fall in one diagonal cell holds a single value and has no alpha
    (NaN, counted in ``n_undefined``; KALPHA sets it to 0).  Pairs are drawn as independent,
    so units are not kept together, and D_e does not vary: intervals are usually narrower than
    the unit bootstrap's.  The M draws of a resample are one multinomial draw of cell counts
    (or M categorical draws when there are more cells than draws).

    Both: ``low``/``high`` are the (1-ci)/2 and (1+ci)/2 quantiles of the defined resampled
    alphas; ``p_below(0.667)`` / ``p_below(0.8)`` give Hayes & Krippendorff's q; the same data and
    seed give the same samples.
    """
    if not 0 < ci < 1:
        raise ValueError("ci must be between 0 and 1")
    if n_boot < 1:
        raise ValueError("n_boot must be at least 1")
    if method not in BOOTSTRAP_METHODS:
        raise ValueError(f"method must be one of {BOOTSTRAP_METHODS}, not {method!r}")
    if draws is not None and draws < 1:
        raise ValueError("draws must be at least 1")
    prepared = _Prepared(data, level, distance)
    point = _point_estimate(prepared)
    samples = np.full(n_boot, math.nan)
    rng = np.random.default_rng(seed)
    if prepared.kernel is not None and method == "pairs":
        samples, draws = prepared.pair_samples(np.ones(prepared.data.n_units), n_boot, rng, draws)
    elif prepared.kernel is not None:
        n_units = prepared.data.n_units
        chunk = max(1, min(n_boot, _CHUNK // max(n_units, prepared.data.n_values)))
        for start in range(0, n_boot, chunk):
            size = min(chunk, n_boot - start)
            drawn = rng.integers(0, n_units, size=(size, n_units))
            # Multiplicity of every unit in every resample, via one flat bincount.
            flat = (drawn + n_units * np.arange(size)[:, None]).ravel()
            w = np.bincount(flat, minlength=size * n_units).reshape(size, n_units).astype(float)
            samples[start : start + size] = prepared.alphas(w)[0]
    return bootstrap_result(point, samples, ci=ci, seed=seed, method=method, draws=draws or 0)


def bootstrap_result(point: AlphaResult, samples: np.ndarray, *, ci: float, seed: int, method: str,
                     draws: int = 0) -> BootstrapResult:
    """The percentile interval of resampled alphas (NaN = undefined resample, left out)."""
    defined = samples[~np.isnan(samples)]
    low, high = (
        np.quantile(defined, [(1 - ci) / 2, (1 + ci) / 2]) if defined.size else (math.nan, math.nan)
    )
    return BootstrapResult(
        value=point.value,
        low=float(low),
        high=float(high),
        ci=ci,
        n_boot=len(samples),
        seed=seed,
        level=point.level,
        n_undefined=int(np.isnan(samples).sum()),
        samples=samples,
        method=method,
        draws=draws if method == "pairs" else 0,
    )
