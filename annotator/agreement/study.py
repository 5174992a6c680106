"""The reliability study: which documents and coders take part, and the spans laid out for it.

A document is in the *sample* when at least two of the chosen coders coded it (finished it, when
loaded from a project).  Coders are compared only on documents both coded; a coder who coded a
document and marked nothing in a layer there counts as having found nothing (that is agreement
data), while a coder who did not code it is missing (no data).

The sample's documents are concatenated in project order into one continuum per layer: document
d occupies [offset_d, offset_d + len(text_d)).  See :mod:`annotator.agreement.matching`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from itertools import combinations
from typing import Any

import numpy as np

from annotator.agreement.matching import Clusters, LayerSpans, PairMatch, cluster, match_pair
from annotator.agreement.results import SpanRef
from annotator.arabic import normalize_for_matching
from annotator.codebook import Codebook, Layer
from annotator.model import Annotation

#: Pseudo-layer name that selects the document-level fields.
DOCUMENT = "document"
#: The layer whose canonical names make the actor set of a document.
ACTOR_LAYER, ACTOR_NAME = "actor", "name"
#: Free-text fields that are notes, not coded values: no agreement is computed for them.
SKIP_FIELDS = frozenset({"document.notes"})


@dataclass
class LayerData:
    """One span layer of the study: its annotations, their arrays, alignments and clusters."""

    layer: Layer
    annotations: list[Annotation]
    spans: LayerSpans
    matches: list[PairMatch] = field(default_factory=list)
    clusters: Clusters | None = None
    _refs: dict[int, SpanRef] = field(default_factory=dict, repr=False)

    def ref(self, i: int) -> SpanRef:
        """The i-th span as a record (one shared record per span, however often it is listed)."""
        ref = self._refs.get(i)
        if ref is None:
            a = self.annotations[i]
            ref = self._refs[i] = SpanRef(a.document_id, a.coder, a.layer, a.start, a.end, a.quote, a.id)
        return ref


class Study:
    """Coders, sample documents and aligned spans, ready for the metrics.

    ``lengths`` gives every candidate document's text length in code points (in the order the
    report should follow); ``coded`` who coded each of them (default: every coder coded every
    document).  ``layers`` names span layers and/or :data:`DOCUMENT` (default: all).
    """

    def __init__(self, annotations: Iterable[Annotation], labels: Mapping[tuple[str, str], Mapping[str, Any]],
                 codebook: Codebook, *, lengths: Mapping[str, int], coders: Sequence[str] | None = None,
                 coded: Mapping[str, Iterable[str]] | None = None, layers: Iterable[str] | None = None):
        self.codebook = codebook
        self.labels = labels
        annotations = list(annotations)
        self.coders = tuple(coders) if coders is not None else _coders_seen(annotations, labels, coded)
        if len(set(self.coders)) != len(self.coders):
            raise ValueError("a coder is named twice")
        if len(self.coders) < 2:
            raise ValueError("agreement needs at least two coders (chosen: "
                             f"{', '.join(self.coders) or 'none'})")
        self.layers, self.with_documents = _resolve_layers(codebook, layers)
        chosen = set(self.coders)
        self.documents: list[str] = []
        self.excluded: list[tuple[str, str]] = []
        slot = {c: i for i, c in enumerate(self.coders)}
        done_rows = []
        for doc_id in lengths:
            who = chosen if coded is None else chosen & set(coded.get(doc_id, ()))
            if len(who) >= 2:
                self.documents.append(doc_id)
                done_rows.append([c in who for c in self.coders])
            else:
                self.excluded.append((doc_id, f"coded by {len(who)} of the chosen coders; needs two"))
        self.doc_index = {d: i for i, d in enumerate(self.documents)}
        self.done = np.array(done_rows, dtype=bool).reshape(len(self.documents), len(self.coders))
        self.lengths = np.array([lengths[d] for d in self.documents], dtype=np.int64)
        self.offsets = np.r_[0, np.cumsum(self.lengths)[:-1]].astype(np.int64)
        self.pairs = list(combinations(range(len(self.coders)), 2))

        # One pass: each layer's annotations with their document and coder slots alongside.
        by_layer: dict[str, tuple[list[Annotation], list[int], list[int]]] = {
            layer.id: ([], [], []) for layer in self.layers}
        done = self.done.tolist()
        self.left_out = 0  # annotations by a chosen coder on a sample document they did not finish
        for ann in annotations:
            bucket = by_layer.get(ann.layer)
            d, c = self.doc_index.get(ann.document_id), slot.get(ann.coder)
            if bucket is None or d is None or c is None:
                continue
            if done[d][c]:
                bucket[0].append(ann)
                bucket[1].append(d)
                bucket[2].append(c)
            else:
                self.left_out += 1
        self.layer_data = [self._layer(layer, *by_layer[layer.id]) for layer in self.layers]

    def _layer(self, layer: Layer, anns: list[Annotation], docs: list[int], coders: list[int]) -> LayerData:
        doc = np.array(docs, dtype=np.intp)
        edges = np.array([(a.start, a.end) for a in anns], dtype=np.int64).reshape(len(anns), 2)
        edges += self.offsets[doc][:, None]
        spans = LayerSpans(np.array(coders, dtype=np.intp), doc, edges[:, 0].copy(), edges[:, 1].copy())
        data = LayerData(layer, anns, spans)
        for a, b in self.pairs:
            data.matches.append(match_pair(spans, a, b, self.shared(a, b)))
        data.clusters = cluster(spans, data.matches, len(self.coders))
        return data

    def shared(self, a: int, b: int) -> np.ndarray:
        """Mask of the sample documents coded by both coders a and b."""
        return self.done[:, a] & self.done[:, b]

    def pair_names(self, a: int, b: int) -> tuple[str, str]:
        return self.coders[a], self.coders[b]


def _coders_seen(annotations: list[Annotation], labels: Mapping[tuple[str, str], Any],
                 coded: Mapping[str, Iterable[str]] | None) -> tuple[str, ...]:
    """Every coder that appears, in order of first appearance."""
    seen: dict[str, None] = {}
    if coded is not None:
        for who in coded.values():
            seen.update(dict.fromkeys(who))
    seen.update(dict.fromkeys(a.coder for a in annotations))
    seen.update(dict.fromkeys(coder for _, coder in labels))
    return tuple(seen)


def _resolve_layers(codebook: Codebook, layers: Iterable[str] | None) -> tuple[list[Layer], bool]:
    if layers is None:
        return list(codebook.layers), True
    wanted = list(dict.fromkeys(layers))
    known = [layer.id for layer in codebook.layers] + [DOCUMENT]
    unknown = [name for name in wanted if name not in known]
    if unknown:
        raise ValueError(f"unknown layer {', '.join(map(repr, unknown))} (known: {', '.join(known)})")
    return [layer for layer in codebook.layers if layer.id in wanted], DOCUMENT in wanted


def document_values(study: Study, field_id: str) -> list[list[Any]]:
    """coders x sample documents: each coder's raw value of a document field (None if empty)."""
    return [[study.labels.get((d, coder), {}).get(field_id) for d in study.documents] for coder in study.coders]


def actor_sets(study: Study, data: LayerData, name_field: str) -> list[list[frozenset[str]]]:
    """coders x sample documents: the set of canonical names (after matching normalization) of the
    coder's spans in the layer; an empty set when the coder marked none."""
    sets: list[list[frozenset[str]]] = [[frozenset() for _ in study.documents] for _ in study.coders]
    slot = {c: i for i, c in enumerate(study.coders)}
    norm: dict[str, str] = {}
    for ann in data.annotations:
        name = ann.attrs.get(name_field)
        if not isinstance(name, str):
            continue
        if name not in norm:
            norm[name] = normalize_for_matching(name.strip())
        if norm[name]:
            row, d = sets[slot[ann.coder]], study.doc_index[ann.document_id]
            row[d] = row[d] | {norm[name]}
    return sets
