"""Span alignment over a whole corpus: per coder pair, then clusters across all coders.

Documents are laid end to end on one continuum (each document's offsets shifted by the lengths
of the documents before it), so spans of different documents can never overlap and one sweep
handles every document of a layer.

Pairs.  For coders a and b, the spans of both are cut into *components*: maximal runs of spans
chained by overlap.  Spans in different components share no position, so the one-to-one matching
problems of :func:`align_spans` and :func:`span_prf` split into independent blocks, one per
component.  A component with one span of each coder is paired directly (the two overlap); a
component with spans of one coder only leaves them unmatched; any other component is passed to
:func:`align_spans` (attribute alignment: overlap, one-to-one, maximal total Jaccard overlap) and
:func:`span_prf` (exact and overlap true positives).  The result is the same as calling those on
every document (ties between equally good pairings aside), at the cost of a sort per layer.

Clusters (more than two coders).  The aligned pairs of all coder pairs form a graph on spans.  A
connected component becomes an all-coder unit when it holds at most one span per coder and every
two of its spans are aligned to each other (a clique: "mutually aligned").  A component that
fails this -- a1~b1, b1~c1, c1~a2 -- is *ambiguous*: it is reported and left out of the all-coder
alphas, while each pair's alignment still counts in that pair's alpha.  A span aligned with
nothing is a unit with one value: not pairable, reported as unmatched.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.sparse import coo_matrix
from scipy.sparse.csgraph import connected_components

from annotator.agreement.spans import align_spans, span_prf


@dataclass(frozen=True)
class LayerSpans:
    """One layer's spans as parallel arrays: coder index, document index, global offsets."""

    coder: np.ndarray
    doc: np.ndarray
    start: np.ndarray
    end: np.ndarray

    def __len__(self) -> int:
        return len(self.coder)


@dataclass(frozen=True)
class PairMatch:
    """Alignment of coders ``a`` and ``b`` on one layer (indices into the LayerSpans)."""

    a: int
    b: int
    n_a: int
    n_b: int
    pairs: np.ndarray  # (k, 2): span of a, span of b
    unmatched: np.ndarray  # spans of either coder in no pair, in text order
    tp_exact: int
    tp_overlap: int


def match_pair(spans: LayerSpans, a: int, b: int, shared_docs: np.ndarray) -> PairMatch:
    """Align coder a's and coder b's spans on the documents both coded (``shared_docs`` mask)."""
    in_docs = shared_docs[spans.doc]
    idx = np.concatenate([np.nonzero((spans.coder == a) & in_docs)[0],
                          np.nonzero((spans.coder == b) & in_docs)[0]])
    start, end = spans.start[idx], spans.end[idx]
    order = np.lexsort((end, start))
    idx, start, end = idx[order], start[order], end[order]
    is_a = spans.coder[idx] == a
    n_a, n_b = int(is_a.sum()), int((~is_a).sum())
    if not len(idx):
        empty = np.empty((0, 2), dtype=np.intp)
        return PairMatch(a, b, 0, 0, empty, np.empty(0, dtype=np.intp), 0, 0)
    # A new component starts where a span begins at or after every earlier span's end.
    reach = np.maximum.accumulate(end)
    first = np.r_[True, start[1:] >= reach[:-1]]
    comp = np.cumsum(first) - 1
    count_a = np.bincount(comp, weights=is_a).astype(int)
    count_b = np.bincount(comp, weights=~is_a).astype(int)
    bounds = np.r_[np.nonzero(first)[0], len(idx)]

    simple = np.nonzero((count_a == 1) & (count_b == 1))[0]
    lo = bounds[simple]
    # In a simple component the two spans are consecutive; put a's first.
    a_first = is_a[lo]
    pos_a, pos_b = np.where(a_first, lo, lo + 1), np.where(a_first, lo + 1, lo)
    pairs = [np.column_stack([idx[pos_a], idx[pos_b]])]
    tp_exact = int(((start[pos_a] == start[pos_b]) & (end[pos_a] == end[pos_b])).sum())
    tp_overlap = len(simple)

    for c in np.nonzero((count_a >= 1) & (count_b >= 1) & ((count_a > 1) | (count_b > 1)))[0]:
        members = np.arange(bounds[c], bounds[c + 1])
        side_a, side_b = members[is_a[members]], members[~is_a[members]]
        spans_a = list(zip(start[side_a].tolist(), end[side_a].tolist()))
        spans_b = list(zip(start[side_b].tolist(), end[side_b].tolist()))
        aligned = align_spans(spans_a, spans_b)
        if aligned.pairs:
            found = np.array(aligned.pairs, dtype=np.intp)
            pairs.append(np.column_stack([idx[side_a[found[:, 0]]], idx[side_b[found[:, 1]]]]))
        tp_exact += span_prf(spans_a, spans_b, "exact").true_positives
        tp_overlap += span_prf(spans_a, spans_b, "overlap").true_positives

    paired = np.concatenate(pairs)
    left = np.ones(len(spans), dtype=bool)
    left[paired.ravel()] = False
    unmatched = idx[left[idx]]
    return PairMatch(a, b, n_a, n_b, paired, unmatched, tp_exact, tp_overlap)


@dataclass(frozen=True)
class Clusters:
    """All-coder units of one layer: ``units[u, c]`` is coder c's span in unit u, or -1.

    Units with one span (aligned with nothing) are included; ``ambiguous`` lists the span groups
    left out (module docstring).
    """

    units: np.ndarray
    ambiguous: list[np.ndarray]


def cluster(spans: LayerSpans, matches: list[PairMatch], n_coders: int) -> Clusters:
    """Group aligned spans into all-coder units (rule: module docstring)."""
    n = len(spans)
    edges = np.concatenate([m.pairs for m in matches]) if matches else np.empty((0, 2), dtype=np.intp)
    graph = coo_matrix((np.ones(len(edges)), (edges[:, 0], edges[:, 1])), shape=(n, n))
    _, label = connected_components(graph, directed=False)
    size = np.bincount(label, minlength=label.max(initial=-1) + 1)
    n_edges = np.bincount(label[edges[:, 0]], minlength=len(size))
    distinct = np.bincount(np.unique(label * n_coders + spans.coder) // n_coders, minlength=len(size))
    clean = (distinct == size) & (n_edges == size * (size - 1) // 2)
    good = np.nonzero(clean[label])[0]
    ids, slot = np.unique(label[good], return_inverse=True)
    units = np.full((len(ids), n_coders), -1, dtype=np.intp)
    units[slot, spans.coder[good]] = good
    # Text order: by the first span of each unit.
    first = np.where(units >= 0, spans.start[np.maximum(units, 0)], np.iinfo(np.int64).max).min(axis=1)
    units = units[np.argsort(first, kind="stable")]
    bad = np.nonzero(~clean[label])[0]
    ambiguous = []
    if len(bad):
        bad = bad[np.argsort(label[bad], kind="stable")]
        cuts = np.nonzero(np.diff(label[bad]))[0] + 1
        ambiguous = [group[np.argsort(spans.start[group], kind="stable")] for group in np.split(bad, cuts)]
    return Clusters(units, ambiguous)
