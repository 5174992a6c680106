"""Span matching between two coders: precision / recall / F1 and one-to-one alignment.

Spans are (start, end) or (start, end, label) tuples of character offsets, end exclusive.  Two
spans overlap when they share at least one position.  Matching is always one-to-one: a span is
paired with at most one span of the other coder, found with the Hungarian algorithm
(``scipy.optimize.linear_sum_assignment``).  Every span that is not paired is reported: dropping
unmatched spans would inflate agreement.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import linear_sum_assignment

Span = tuple  # (start, end) or (start, end, label)


@dataclass(frozen=True)
class PRF:
    """Precision, recall and F1 of ``predicted`` against ``reference``.

    precision = tp / n_predicted, recall = tp / n_reference, F1 = 2 tp / (n_reference +
    n_predicted); each is NaN when its denominator is 0 (e.g. precision of an empty prediction).
    """

    precision: float
    recall: float
    f1: float
    true_positives: int
    n_reference: int
    n_predicted: int
    match: str

    @property
    def false_positives(self) -> int:
        return self.n_predicted - self.true_positives

    @property
    def false_negatives(self) -> int:
        return self.n_reference - self.true_positives


@dataclass(frozen=True)
class Alignment:
    """One-to-one pairing of spans_a with spans_b.

    ``pairs`` are (index in a, index in b), sorted by a; ``scores`` their overlap scores;
    ``unmatched_a`` / ``unmatched_b`` the indices left unpaired on each side.
    """

    pairs: tuple[tuple[int, int], ...]
    scores: tuple[float, ...]
    unmatched_a: tuple[int, ...]
    unmatched_b: tuple[int, ...]


def _parse(spans: Sequence[Span]) -> tuple[np.ndarray, np.ndarray, list[Hashable]]:
    starts, ends, labels = [], [], []
    for span in spans:
        if len(span) not in (2, 3):
            raise ValueError(f"a span is (start, end) or (start, end, label), not {span!r}")
        start, end = span[0], span[1]
        if not start < end:
            raise ValueError(f"span {span!r} must have start < end")
        starts.append(start)
        ends.append(end)
        labels.append(span[2] if len(span) == 3 else None)
    return np.asarray(starts, dtype=float), np.asarray(ends, dtype=float), labels


def _overlaps(a: Sequence[Span], b: Sequence[Span]) -> tuple[np.ndarray, np.ndarray, list, list]:
    """Overlap lengths and Jaccard indices (len(a & b) / len(a | b)) of every pair, a x b."""
    start_a, end_a, labels_a = _parse(a)
    start_b, end_b, labels_b = _parse(b)
    shared = np.minimum.outer(end_a, end_b) - np.maximum.outer(start_a, start_b)
    shared = np.clip(shared, 0, None)
    union = np.add.outer(end_a - start_a, end_b - start_b) - shared
    return shared, shared / union, labels_a, labels_b


def _assign(weight: np.ndarray) -> list[tuple[int, int]]:
    """Maximum-weight one-to-one assignment, keeping only pairs of positive weight."""
    if weight.size == 0:
        return []
    rows, cols = linear_sum_assignment(weight, maximize=True)
    return [(int(i), int(j)) for i, j in zip(rows, cols) if weight[i, j] > 0]


def align_spans(spans_a: Sequence[Span], spans_b: Sequence[Span], score: str = "jaccard") -> Alignment:
    """Pair overlapping spans one-to-one, maximising the total overlap score.

    ``score`` is "jaccard" (overlap / union, so a long span cannot swallow several short ones
    by length alone) or "overlap" (shared length).  Only overlapping pairs can be paired.
    Labels are ignored: comparing them, or any other attribute, is the next step (alpha on the
    paired spans).
    """
    if score not in ("jaccard", "overlap"):
        raise ValueError(f"score must be 'jaccard' or 'overlap', not {score!r}")
    shared, jaccard, _, _ = _overlaps(spans_a, spans_b)
    weight = jaccard if score == "jaccard" else shared
    pairs = _assign(weight)
    return Alignment(
        pairs=tuple(pairs),
        scores=tuple(float(weight[i, j]) for i, j in pairs),
        unmatched_a=tuple(sorted(set(range(len(spans_a))) - {i for i, _ in pairs})),
        unmatched_b=tuple(sorted(set(range(len(spans_b))) - {j for _, j in pairs})),
    )


def _labels_compatible(labels_a: list, labels_b: list) -> np.ndarray:
    """A label of None matches any label (unlabelled spans); otherwise labels must be equal."""
    return np.array(
        [[x is None or y is None or x == y for y in labels_b] for x in labels_a], dtype=bool
    ).reshape(len(labels_a), len(labels_b))


def span_prf(reference: Sequence[Span], predicted: Sequence[Span], match: str = "exact") -> PRF:
    """Precision, recall and F1 of ``predicted`` spans against ``reference`` spans.

    ``match="exact"``: a pair needs the same start and end; ``match="overlap"``: a pair needs to
    share at least one position.  In both, the labels must be equal unless either is None, and
    pairs are one-to-one with the largest possible number of true positives (ties broken by the
    largest total Jaccard overlap).  Between two coders (neither being a gold standard), F1 is
    symmetric and equals positive specific agreement.
    """
    if match not in ("exact", "overlap"):
        raise ValueError(f"match must be 'exact' or 'overlap', not {match!r}")
    shared, jaccard, labels_ref, labels_pred = _overlaps(reference, predicted)
    allowed = (jaccard == 1.0) if match == "exact" else (shared > 0)
    allowed &= _labels_compatible(labels_ref, labels_pred)
    # Each pair is worth more than any total of Jaccard tie-breakers, so cardinality comes first.
    weight = np.where(allowed, min(len(reference), len(predicted)) + 1.0 + jaccard, 0.0)
    tp = len(_assign(weight))
    n_ref, n_pred = len(reference), len(predicted)
    return PRF(
        precision=tp / n_pred if n_pred else math.nan,
        recall=tp / n_ref if n_ref else math.nan,
        f1=2 * tp / (n_ref + n_pred) if n_ref + n_pred else math.nan,
        true_positives=tp,
        n_reference=n_ref,
        n_predicted=n_pred,
        match=match,
    )
