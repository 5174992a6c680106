"""Agreement weights w_kl in [0, 1] between categories (1 on the diagonal): Gwet (2014),
"Handbook of Inter-Rater Reliability", 4th ed., ch. 3, as the irrCAC packages define them.

With category values x_1 < ... < x_q (numbers; for labels, their positions 1..q), x_min and
x_max the extremes:

=========  ================================================================================
identity   [k = l] (unweighted coefficients)
linear     1 - |x_k - x_l| / (x_max - x_min)
quadratic  1 - (x_k - x_l)**2 / (x_max - x_min)**2
ordinal    1 - M_kl / max M, M_kl = (|k - l| + 1) |k - l| / 2 on the ranks k, l
radical    1 - sqrt|x_k - x_l| / sqrt(x_max - x_min)
ratio      1 - ((x_k - x_l) / (x_k + x_l))**2 / ((x_max - x_min) / (x_max + x_min))**2
circular   1 - d_kl / max d, d_kl = sin(pi (x_k - x_l) / (x_max - x_min + 1))**2
bipolar    1 - d_kl / max d, d_kl = (x_k - x_l)**2 / ((x_k + x_l - 2 x_min)(2 x_max - x_k - x_l))
=========  ================================================================================
"""

from __future__ import annotations

import numbers
from collections.abc import Sequence
from typing import Any

import numpy as np

WEIGHTS = ("identity", "linear", "quadratic", "ordinal", "radical", "ratio", "circular", "bipolar")


def agreement_weights(categories: Sequence[Any], weights: str | np.ndarray = "identity") -> np.ndarray:
    """The q x q weight matrix of ``categories`` (in that order) for a named scheme or a matrix.

    Numbers are used as they are; other categories by their position 1..q in ``categories``
    (irrCAC does the same), so pass ordered labels in their order.
    """
    q = len(categories)
    if not isinstance(weights, str):
        matrix = np.asarray(weights, dtype=float)
        if matrix.shape != (q, q):
            raise ValueError(f"a weight matrix for {q} categories must be {q} x {q}, not {matrix.shape}")
        return matrix
    if weights not in WEIGHTS:
        raise ValueError(f"weights must be one of {WEIGHTS} or a matrix, not {weights!r}")
    if weights == "identity" or q < 2:
        return np.eye(q)
    numeric = all(isinstance(c, numbers.Real) and not isinstance(c, bool) for c in categories)
    x = np.asarray(categories if numeric else range(1, q + 1), dtype=float)
    k, el = np.meshgrid(x, x, indexing="ij")
    lo, hi = x.min(), x.max()
    gap = np.abs(k - el)
    if weights == "linear":
        return 1.0 - gap / (hi - lo)
    if weights == "quadratic":
        return 1.0 - (gap / (hi - lo)) ** 2
    if weights == "radical":
        return 1.0 - np.sqrt(gap) / np.sqrt(hi - lo)
    if weights == "ratio":
        with np.errstate(invalid="ignore", divide="ignore"):
            ratio = np.where(k + el == 0, 0.0, ((k - el) / (k + el)) ** 2)
        return 1.0 - ratio / ((hi - lo) / (hi + lo)) ** 2
    if weights == "ordinal":
        ranks = np.abs(np.subtract.outer(np.arange(q), np.arange(q)))
        d = (ranks + 1.0) * ranks / 2.0
    elif weights == "circular":
        d = np.sin(np.pi * (k - el) / (hi - lo + 1.0)) ** 2
    else:  # bipolar
        with np.errstate(invalid="ignore", divide="ignore"):
            d = np.where(k == el, 0.0, (k - el) ** 2 / ((k + el - 2 * lo) * (2 * hi - k - el)))
    return 1.0 - d / d.max()
