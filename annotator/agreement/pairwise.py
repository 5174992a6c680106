"""A coder x coder matrix of a pairwise coefficient (Cohen's kappa by default).

Each cell compares two coders on the units both coded; the diagonal is NaN (a coder is not
compared with themselves).  The matrix shows which coder drifts from the others, which an
all-coder figure hides.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.alpha import krippendorff_alpha
from annotator.agreement.chance import brennan_prediger, conger_kappa, gwet_ac1, scott_pi
from annotator.agreement.reliability_data import table

#: Named pairwise coefficients; with two coders Conger's kappa is Cohen's kappa.
COEFFICIENTS: dict[str, Callable[..., Any]] = {
    "cohen": conger_kappa,
    "scott": scott_pi,
    "ac1": gwet_ac1,
    "brennan_prediger": brennan_prediger,
    "alpha": krippendorff_alpha,
}


@dataclass(frozen=True)
class PairwiseMatrix:
    """``value[a, b]`` and ``se[a, b]`` (NaN where the coefficient has none) for coders a, b;
    ``n[a, b]`` counts the units both coded."""

    coders: tuple
    coefficient: str
    value: np.ndarray
    se: np.ndarray
    n: np.ndarray


def pairwise_matrix(data: Any, coefficient: str | Callable[..., Any] = "cohen", *,
                    coders: Sequence[str] | None = None, **options: Any) -> PairwiseMatrix:
    """The coefficient for every pair of coders of coders x units data (None/NaN missing).

    ``coefficient`` is a name in :data:`COEFFICIENTS` or a function of two-row reliability data
    returning a result with ``.value`` (and ``.se``); ``options`` go to it (e.g. ``level=`` for
    "alpha", ``categories=`` for the kappas).  ``coders`` label the rows (default 0..k-1).
    """
    function = COEFFICIENTS[coefficient] if isinstance(coefficient, str) else coefficient
    rows = table(data)
    k = len(rows)
    labels = tuple(coders) if coders is not None else tuple(range(k))
    if len(labels) != k:
        raise ValueError(f"{len(labels)} coder names for {k} coders")
    value, se, n = np.full((k, k), math.nan), np.full((k, k), math.nan), np.zeros((k, k), dtype=int)
    for a, b in combinations(range(k), 2):
        pair = _both_coded(rows, a, b)
        n[a, b] = n[b, a] = len(pair[0])
        if not len(pair[0]):
            continue
        result = function(pair, **options)
        value[a, b] = value[b, a] = result.value
        se[a, b] = se[b, a] = getattr(result, "se", math.nan)  # alpha has no analytic se
    name = coefficient if isinstance(coefficient, str) else getattr(coefficient, "__name__", "custom")
    return PairwiseMatrix(labels, name, value, se, n)


def _both_coded(rows: np.ndarray | list[list[Any]], a: int, b: int) -> np.ndarray | list[list[Any]]:
    if isinstance(rows, np.ndarray):
        keep = ~(np.isnan(rows[a]) | np.isnan(rows[b]))
        return rows[[a, b]][:, keep]
    pairs = [(x, y) for x, y in zip(rows[a], rows[b]) if x is not None and y is not None]
    return [[x for x, _ in pairs], [y for _, y in pairs]]
