"""Distances between set-valued codes (e.g. the actors named in a document).

Both return a number in [0, 1] and can be passed to ``krippendorff_alpha(..., distance=...)``.
Two empty sets are identical (distance 0): "no actor" agrees with "no actor".
"""

from __future__ import annotations

from collections.abc import Iterable, Hashable


def jaccard_distance(a: Iterable[Hashable], b: Iterable[Hashable]) -> float:
    """1 - |A & B| / |A | B| (Jaccard 1912); 0 for two empty sets."""
    a, b = frozenset(a), frozenset(b)
    union = len(a | b)
    return 0.0 if union == 0 else 1.0 - len(a & b) / union


def masi_distance(a: Iterable[Hashable], b: Iterable[Hashable]) -> float:
    """MASI distance, Passonneau (2006): 1 - J * M.

    J is the Jaccard similarity |A & B| / |A | B| and M the monotonicity weight:
    1 if A = B, 2/3 if one set contains the other, 1/3 if they merely intersect, 0 if disjoint.
    Passonneau, R. (2006) "Measuring agreement on set-valued items (MASI) for semantic and
    pragmatic annotation", Proceedings of LREC 2006, 831-836.

    The weights are the exact fractions, as in NLTK 3.10's ``masi_distance``: both give
    0.6666666666666667 for {1, 2} vs {1, 2, 3, 4}.  (Older NLTK releases rounded them to 0.67 and
    0.33, which gave 0.665.)
    """
    a, b = frozenset(a), frozenset(b)
    if a == b:
        return 0.0
    common = len(a & b)
    if common == 0:
        return 1.0
    monotonicity = 2.0 / 3.0 if common == min(len(a), len(b)) else 1.0 / 3.0
    return 1.0 - common / len(a | b) * monotonicity
