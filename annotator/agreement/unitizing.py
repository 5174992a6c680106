"""Krippendorff's unitizing alpha (alpha_U) for spans coders mark on a continuum (e.g. characters).

Per category c, each coder's continuum [B, B + L) is cut into that coder's units of c and the gaps
between them.  With R coders, alpha_U(c) = 1 - D_o(c) / D_e(c):

    D_o(c) = 2 / (R (R-1) L**2) * sum_{coder pairs} sum_{overlapping segments g, h} delta2(g, h)

    delta2(g, h) = (b_g - b_h)**2 + (e_g - e_h)**2   both units (overlapping)
                 = l_g**2                              unit g lies inside gap h
                 = l_h**2                              unit h lies inside gap g
                 = 0                                   otherwise

    D_e(c) = 2 / L * sum_{units u of c} [ (N_c - 1) (2 l**3 - 3 l**2 + l) / 3
                                          + l**2 * sum_{gaps g, l_g >= l} (l_g - l + 1) ]
             / ( R L (R L - 1) - sum_{units u of c} l (l - 1) )

with b, e, l the begin, end and length of a segment and N_c the number of units of c.  Over all
categories, alpha_U = 1 - mean_c D_o(c) / mean_c D_e(c).  This is Krippendorff's alpha_U exactly
as DKPro Agreement implements it (KrippendorffAlphaUnitizingAgreement, dkpro-statistics), which
follows Krippendorff, K. (1995) "On the reliability of unitizing continuous data", Sociological
Methodology 25:47-76, and Krippendorff, K. (2004) "Content Analysis", 2nd ed., 251-256.

Positions are integers (character offsets); all arithmetic is exact integer arithmetic until the
final division.
"""

from __future__ import annotations

import bisect
import math
import operator
from collections.abc import Hashable, Iterable
from itertools import accumulate, combinations

from annotator.agreement.alpha import AlphaResult

#: (coder, start, end, category), end exclusive.
Unit = tuple[Hashable, int, int, Hashable]

_Segment = tuple[int, int, bool]  # (begin, end, is_unit)


def _segments(spans: list[tuple[int, int]], begin: int, end: int) -> list[_Segment]:
    """One coder's continuum as alternating gaps and units; the spans must not overlap."""
    segments, position = [], begin
    for start, stop in spans:
        if start < position:
            raise ValueError(
                f"units of one coder and category overlap at {start}; alpha_U needs them disjoint"
            )
        if start > position:
            segments.append((position, start, False))
        segments.append((start, stop, True))
        position = stop
    if position < end:
        segments.append((position, end, False))
    return segments


def _delta2(g: _Segment, h: _Segment) -> int:
    """Krippendorff's distance between two overlapping segments of two coders."""
    (bg, eg, g_unit), (bh, eh, h_unit) = g, h
    if g_unit and h_unit:
        return (bg - bh) ** 2 + (eg - eh) ** 2
    if g_unit and bh <= bg and eg <= eh:
        return (eg - bg) ** 2
    if h_unit and bg <= bh and eh <= eg:
        return (eh - bh) ** 2
    return 0


def _pair_disagreement(first: list[_Segment], second: list[_Segment]) -> int:
    """Sum of delta2 over every overlapping pair of segments, in one merge-like sweep."""
    total, i, j = 0, 0, 0
    # Both lists tile the same continuum, so the current pair always overlaps.
    while i < len(first) and j < len(second):
        total += _delta2(first[i], second[j])
        end_i, end_j = first[i][1], second[j][1]
        i += end_i <= end_j
        j += end_j <= end_i
    return total


def _category_disagreements(
    spans_by_coder: list[list[tuple[int, int]]], begin: int, end: int
) -> tuple[float, float]:
    """(D_o(c), D_e(c)) for one category given each coder's sorted spans of it."""
    n_coders, length = len(spans_by_coder), end - begin
    tilings = [_segments(spans, begin, end) for spans in spans_by_coder]
    observed = sum(_pair_disagreement(a, b) for a, b in combinations(tilings, 2))

    lengths = [stop - start for spans in spans_by_coder for start, stop in spans]
    gaps = sorted(e - b for tiling in tilings for b, e, is_unit in tiling if not is_unit)
    # suffix[i] = sum(gaps[i:]), so the gaps at least l long sum in O(log) per unit.
    suffix = list(accumulate(reversed(gaps), initial=0))[::-1]
    n_c = len(lengths)
    expected = 0
    for ell in lengths:
        first = bisect.bisect_left(gaps, ell)
        fitting = suffix[first] - (ell - 1) * (len(gaps) - first)
        # (2 l^3 - 3 l^2 + l) / 3 = l (l - 1) (2 l - 1) / 3 is an integer.
        expected += (n_c - 1) * ell * (ell - 1) * (2 * ell - 1) // 3 + ell * ell * fitting
    total = n_coders * length
    denominator = total * (total - 1) - sum(ell * (ell - 1) for ell in lengths)
    return (
        2 * observed / (n_coders * (n_coders - 1) * length * length),
        2 * expected / (length * denominator),
    )


def _position(value: object) -> int:
    try:
        return operator.index(value)
    except TypeError:
        raise TypeError(f"unit positions must be integers (offsets), not {value!r}") from None


def unitizing_alpha(
    units: Iterable[Unit],
    continuum: tuple[int, int],
    category: Hashable | None = None,
    *,
    coders: Iterable[Hashable] | None = None,
) -> AlphaResult:
    """Krippendorff's alpha_U of units (coder, start, end, category) on continuum (begin, end).

    ``category`` selects one category; None gives the overall alpha_U over all categories (the
    means of D_o and D_e over categories, as DKPro Agreement computes it).  ``coders`` lists every
    coder who took part: a coder who marked nothing is invisible in ``units`` but counts (their
    whole continuum is one gap); the default is the coders that appear in ``units``.

    Units of one coder and category must not overlap; ends are exclusive.  Formulas and
    references: module docstring.  The result has level "unitizing", ``n_units`` the number of
    units of the category (or of all categories) and ``n_values`` R * L, the coded length.
    ``value`` is NaN, with a note, when there are fewer than two coders, no unit of the
    category, or D_e = 0.  (DKPro returns 0.0 whenever D_o == D_e, including 0/0, and NaN for an
    empty study.)
    """
    begin, end = (_position(v) for v in continuum)
    if end <= begin:
        raise ValueError("the continuum must have positive length")
    parsed = []
    for coder, start, stop, label in units:
        start, stop = _position(start), _position(stop)
        if not begin <= start < stop <= end:
            raise ValueError(f"unit ({start}, {stop}) is empty or outside the continuum")
        if label is None:
            raise ValueError("a unit needs a category; use one placeholder label if none apply")
        parsed.append((coder, start, stop, label))
    coder_list = list(dict.fromkeys(coders if coders is not None else (u[0] for u in parsed)))
    missing = {u[0] for u in parsed} - set(coder_list)
    if missing:
        raise ValueError(f"units by coders not listed in coders: {sorted(map(repr, missing))}")
    categories = [category] if category is not None else list(dict.fromkeys(u[3] for u in parsed))
    chosen = [u for u in parsed if u[3] in set(categories)]
    n_coders, length = len(coder_list), end - begin

    def undefined(note: str) -> AlphaResult:
        return AlphaResult(
            math.nan, "unitizing", len(chosen), n_coders * length, math.nan, math.nan, note,
            n_coders,
        )

    if n_coders < 2:
        return undefined("fewer than two coders")
    if not chosen:
        return undefined("no units of the requested category" if category is not None else "no units")
    slot = {coder: i for i, coder in enumerate(coder_list)}
    observed, expected = 0.0, 0.0
    for label in categories:
        spans_by_coder: list[list[tuple[int, int]]] = [[] for _ in coder_list]
        for coder, start, stop, unit_label in parsed:
            if unit_label == label:
                spans_by_coder[slot[coder]].append((start, stop))
        d_o, d_e = _category_disagreements([sorted(s) for s in spans_by_coder], begin, end)
        observed += d_o / len(categories)
        expected += d_e / len(categories)
    if expected == 0:
        return undefined("no variation: expected disagreement is 0")
    return AlphaResult(
        1.0 - observed / expected, "unitizing", len(chosen), n_coders * length, observed,
        expected, "", n_coders,
    )
