"""Alpha, percent agreement and the bootstrap computed once per distinct *pattern* of values.

Alpha ignores which coder gave which value: a unit enters D_o and D_e only through the multiset
of its values (Krippendorff 2011, the coincidence matrix).  Units with the same multiset -- the
same "pattern" -- are interchangeable, so reliability data reduce to the distinct patterns and
how many units show each.  Then:

* the point estimate is alpha with every pattern weighted by its count;
* the bootstrap of Hayes & Krippendorff (2007) (draw N units with replacement out of N) is the
  same as drawing pattern counts from Multinomial(N, n_p / N): the resampled alphas have exactly
  the distribution :func:`annotator.agreement.alpha.bootstrap_alpha` samples, at a cost of
  O(patterns) per resample instead of O(units) (units are still drawn one by one when there are
  nearly as many patterns as units, which is then cheaper).

That matters here: a study has tens of thousands of aligned spans per layer but a few hundred
patterns per attribute (pairs of categories, pairs of nearby counts), and a report bootstraps a
hundred alphas.  :func:`bootstrap_alpha` draws every unit of every resample: 0.42 s for 3 coders x
75,000 units and 1,000 resamples, against 0.02 s here (120 patterns) -- about 40 s against 2 s
for the whole benchmark study (benchmarks/report_bench.py).

The arithmetic is the metrics module's own: its kernels (``alpha._Prepared``, internal API)
receive the pattern counts as unit multiplicities, exactly as its bootstrap feeds them
resamples.  tests/agreement/test_reliability.py checks the results against the public
:func:`krippendorff_alpha`, :func:`percent_agreement` and :func:`bootstrap_alpha`.  The random
stream differs from :func:`bootstrap_alpha`'s (multinomial draws instead of unit indices); the
seed still fixes every sample.
"""

from __future__ import annotations

import math
from collections import Counter
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.agreement.alpha import (
    BOOTSTRAP_METHODS,
    NOTE_NO_PAIRABLE,
    NOTE_NO_VARIATION,
    AlphaResult,
    BootstrapResult,
    Distance,
    _Prepared,
    bootstrap_result,
)
from annotator.agreement.reliability_data import is_missing

# Floats per chunk of resamples x patterns (8 MB), as in alpha.bootstrap_alpha.
_CHUNK = 1 << 20


def collapse(data: np.ndarray | list[list[Any]]) -> tuple[np.ndarray | list[list[Any]], np.ndarray]:
    """The distinct value multisets of the pairable units, as (slots x patterns table, counts).

    ``data`` is coders x units (NaN or None for missing).  Each pattern's values fill its first
    slots, the rest are missing; units with fewer than two values are not pairable and dropped.
    """
    if isinstance(data, np.ndarray) and data.dtype.kind == "f":
        ordered = np.sort(data, axis=0)  # per unit, NaN last
        ordered = ordered[:, (~np.isnan(ordered)).sum(axis=0) >= 2]
        values, index = np.unique(ordered, return_inverse=True)
        base = int((~np.isnan(values)).sum()) + 1
        if base ** len(ordered) < 2 ** 62:
            # Each unit's sorted values as one integer key (value index per slot, missing =
            # base - 1): a 1-D unique is much faster than a column-wise one.
            index = np.minimum(index.reshape(ordered.shape), base - 1).astype(np.int64)
            key = np.zeros(ordered.shape[1], dtype=np.int64)
            for row in index:
                key = key * base + row
            _, first, counts = np.unique(key, return_index=True, return_counts=True)
            return ordered[:, first], counts.astype(float)
        filled = np.where(np.isnan(ordered), np.inf, ordered)
        table, counts = np.unique(filled, axis=1, return_counts=True)
        table[np.isinf(table)] = np.nan
        return table, counts.astype(float)
    rows = [list(row) for row in data]
    grouped: dict[frozenset, list[Any]] = {}
    tally: Counter = Counter()
    for unit in zip(*rows):
        values = [v for v in unit if not is_missing(v)]
        if len(values) < 2:
            continue
        key = frozenset(Counter(values).items())
        grouped.setdefault(key, values)
        tally[key] += 1
    table = [[values[i] if i < len(values) else None for values in grouped.values()]
             for i in range(len(rows))]
    return table, np.array([tally[k] for k in grouped], dtype=float)


@dataclass
class Patterns:
    """Reliability data (coders x units) reduced to patterns, with the kernel of one level.

    ``level`` is an alpha level; ``distance`` (e.g. MASI) overrides it as in
    :func:`krippendorff_alpha`.
    """

    table: np.ndarray | list[list[Any]]
    counts: np.ndarray
    level: str  # as krippendorff_alpha reports it: "custom" when a distance is given
    n_coders: int
    prepared: _Prepared | None

    @classmethod
    def of(cls, data: np.ndarray | list[list[Any]], level: str = "nominal",
           distance: Distance | None = None) -> "Patterns":
        table, counts = collapse(data)
        prepared = _Prepared(table, level, distance) if counts.size else None
        return cls(table, counts, level if distance is None else "custom", len(data), prepared)

    def alpha(self) -> AlphaResult:
        """Krippendorff's alpha, equal to ``krippendorff_alpha(data, level, distance)``."""
        if self.prepared is None:
            return AlphaResult(math.nan, self.level, 0, 0, math.nan, math.nan, NOTE_NO_PAIRABLE, self.n_coders)
        value, do, de = (float(x[0]) for x in self.prepared.alphas(self.counts[None, :]))
        undefined = math.isnan(value)
        return AlphaResult(value, self.level, int(self.counts.sum()),
                           int(self.counts @ self.prepared.data.m), do, 0.0 if undefined else de,
                           NOTE_NO_VARIATION if undefined else "", self.n_coders)

    def top_value(self) -> tuple[Any, float] | None:
        """The most frequent pairable value and its share of all pairable values."""
        if self.prepared is None:
            return None
        tally: Counter = Counter()
        if isinstance(self.table, np.ndarray):
            present = ~np.isnan(self.table)
            weights = np.broadcast_to(self.counts, self.table.shape)[present]
            values, inverse = np.unique(self.table[present], return_inverse=True)
            totals = np.bincount(inverse.ravel(), weights)
            top = int(np.argmax(totals))
            return float(values[top]), float(totals[top] / totals.sum())
        for values, count in zip(zip(*self.table), self.counts):
            for value in values:
                if not is_missing(value):
                    tally[value] += count
        value, count = tally.most_common(1)[0]
        return value, count / sum(tally.values())

    def percent_agreement(self) -> float:
        """Share of agreeing pairs of values within units, as :func:`percent_agreement`."""
        if self.prepared is None:
            return math.nan
        nominal = self.prepared if self.prepared.level == "nominal" else _Prepared(self.table, "nominal", None)
        return 1.0 - float(nominal.kernel.disagreements(self.counts[None, :])[0][0])

    def bootstrap(self, *, n_boot: int = 1000, seed: int = 0, ci: float = 0.95,
                  method: str = "units") -> BootstrapResult:
        """Percentile bootstrap over units, drawn as pattern counts (module docstring); with
        ``method="pairs"``, Hayes & Krippendorff's resampling of pairs from the coincidence
        matrix (:func:`annotator.agreement.bootstrap_alpha`), which the pattern counts give."""
        if not 0 < ci < 1:
            raise ValueError("ci must be between 0 and 1")
        if n_boot < 1:
            raise ValueError("n_boot must be at least 1")
        if method not in BOOTSTRAP_METHODS:
            raise ValueError(f"method must be one of {BOOTSTRAP_METHODS}, not {method!r}")
        samples, draws = np.full(n_boot, math.nan), 0
        rng = np.random.default_rng(seed)
        if self.prepared is not None and method == "pairs":
            samples, draws = self.prepared.pair_samples(self.counts, n_boot, rng, None)
        elif self.prepared is not None:
            n_units, n_patterns = int(self.counts.sum()), len(self.counts)
            # A multinomial draw costs ~30 times an index draw per element: draw counts of the
            # patterns when they are few, units when patterns are nearly as many as units.
            by_pattern = n_patterns * 30 < n_units
            chunk = max(1, _CHUNK // (n_patterns if by_pattern else n_units))
            units = None if by_pattern else np.repeat(np.arange(n_patterns), self.counts.astype(np.int64))
            for start in range(0, n_boot, chunk):
                size = min(chunk, n_boot - start)
                if by_pattern:
                    w = rng.multinomial(n_units, self.counts / n_units, size=size).astype(float)
                else:
                    drawn = units[rng.integers(0, n_units, size=(size, n_units))]
                    flat = (drawn + n_patterns * np.arange(size)[:, None]).ravel()
                    w = np.bincount(flat, minlength=size * n_patterns).reshape(size, n_patterns).astype(float)
                samples[start:start + size] = self.prepared.alphas(w)[0]
        return bootstrap_result(self.alpha(), samples, ci=ci, seed=seed, method=method, draws=draws)
