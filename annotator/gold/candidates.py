"""Candidate gold: what the coders of a document agree on, and where they differ.

The coders of a document are the coders (role ``coder``; adjudicators are never sources) who
marked it *done*.  A document is a candidate when at least two coders finished it.

**Span items.**  Each layer's spans are aligned exactly as the agreement engine aligns them
(:mod:`annotator.agreement.matching`: one-to-one overlap alignment per coder pair, then
all-coder clusters of mutually aligned spans, over all documents at once).  One cluster is one
item: each coder's version is their span in it, or None (absent).  A group of spans that the
pairwise alignments chain together inconsistently (the engine's *ambiguous* groups) is split:
spans with identical edges stay together, every other span becomes an item of its own.

Within an item, two versions are *the same* when their edges are identical (exact-edge
agreement) and their attributes are equal after dropping empty values (an unchecked optional
yes/no box equals "no"; 2 equals 2.0; a multiple choice is a set).

**Status.**  With n coders on the document and ``min_coders`` (default 2):

* ``unanimous``: every coder has the same version, and n >= min_coders;
* ``majority``: more than n/2 coders, and at least min_coders, share one version -- or share
  having *no* span there (then the majority says: not gold);
* ``disagreement``: anything else.

Every item that is not unanimous is a disagreement of one or more *kinds*: ``presence`` (the span
only in some coders), ``edges`` (different start or end), ``attribute`` (different values, listed
field by field).  Link and document-field items have the kinds ``link`` and ``field``.

**Link items.**  For each item and link kind, a coder's version is the set of items their span
there links to (None when the coder has no span in the item); the status rules are the same
(an empty set is a version: "no link").  **Field items**: one per document field some coder
filled (notes excepted), each coder's value being the version.

**Ids.**  An item's id is a hash of its document, layer (or link kind / field) and the ids of the
coders' annotations in it, so it is the same every time the candidates are built, until a coder
changes which spans form it.

**Resolution.**  Gold rows record (in ``covers``) the coders' annotation and link ids they
decided on; an item is resolved when a gold annotation covers one of its spans.  A link item is
resolved once every target some coder proposed has a gold link row (accepted or rejected), or its
source span was rejected; a field item when the field has a gold row.
"""

from __future__ import annotations

import functools
import hashlib
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from itertools import combinations, count, repeat
from typing import Any

import numpy as np

from annotator.agreement.reliability import _gc_paused
from annotator.agreement.matching import Clusters, LayerSpans, cluster, match_pair
from annotator.agreement.study import SKIP_FIELDS
from annotator.codebook import Codebook, Layer
from annotator.model import Annotation, GoldAnnotation, GoldLabel, GoldLink, Link
from annotator.store.gold import FinishedCoding

MIN_CODERS = 2
STATUSES = ("unanimous", "majority", "disagreement")
SPAN_KINDS = ("presence", "edges", "attribute")
LINKS, DOCUMENT = "links", "document"  # pseudo-layers of link and field items in counts

_PRESENCE, _EDGES, _ATTRIBUTE = 1, 2, 4
_KEEP_DOCUMENTS = 8  # documents whose items a Candidates keeps built


# -- items ---------------------------------------------------------------------------------------


@dataclass(frozen=True)
class FieldDifference:
    """One attribute on which the versions of a span item differ: each coder's value (None when
    empty or when the coder has no span)."""

    field: str
    values: dict[str, Any]


@dataclass(frozen=True)
class SpanItem:
    """A cluster of aligned coder spans (module docstring).

    ``versions`` maps every coder of the document (in coder order) to their annotation, or None.
    ``start``/``end`` cover every version.  ``majority`` names the coders sharing the majority
    version when ``status`` is majority or unanimous; ``majority_version`` is that version, or
    None when the majority marked nothing here.  ``resolution`` is the gold decision that covers
    the item (None while unresolved).
    """

    id: str
    document_id: str
    layer: str
    start: int
    end: int
    versions: dict[str, Annotation | None]
    status: str
    kinds: tuple[str, ...]
    differences: tuple[FieldDifference, ...]
    majority: tuple[str, ...]
    majority_version: Annotation | None
    resolution: GoldAnnotation | None = None

    @property
    def kind(self) -> str:
        """The first disagreement kind ("" for a unanimous item)."""
        return self.kinds[0] if self.kinds else ""

    @property
    def resolved(self) -> bool:
        return self.resolution is not None

    @property
    def coders(self) -> tuple[str, ...]:
        return tuple(self.versions)

    @functools.cached_property
    def annotation_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.versions.values() if a is not None)

    @functools.cached_property
    def sorted_ids(self) -> tuple[str, ...]:
        return tuple(sorted(self.annotation_ids))

    def agreeing(self, coder: str) -> tuple[str, ...]:
        """The coders whose version is the same as ``coder``'s (``coder`` included)."""
        mine = self.versions[coder]
        if mine is None:
            return tuple(c for c, v in self.versions.items() if v is None)
        return tuple(c for c, v in self.versions.items()
                     if v is not None and (v.start, v.end) == (mine.start, mine.end)
                     and comparable(v.attrs, self.layer_spec) == comparable(mine.attrs, self.layer_spec))

    layer_spec: Layer | None = field(default=None, repr=False, compare=False)


@dataclass(frozen=True)
class LinkItem:
    """The ``kind`` links from one span item: each coder's version is the tuple of span item ids
    their span there links to (sorted; empty: no link), or None when they have no span in it.

    ``links`` are the coders' link rows (what a decision covers).  ``ready`` says whether the
    source and every proposed target have a gold decision, so that links can be decided.
    """

    id: str
    document_id: str
    kind: str
    from_item: str
    versions: dict[str, tuple[str, ...] | None]
    links: tuple[Link, ...]
    status: str
    majority: tuple[str, ...]
    majority_targets: tuple[str, ...] | None
    resolved: bool = False
    ready: bool = False

    @property
    def kinds(self) -> tuple[str, ...]:
        return () if self.status == "unanimous" else ("link",)

    @functools.cached_property
    def targets(self) -> tuple[str, ...]:
        """Every span item some coder links to, in first-seen order."""
        return tuple(dict.fromkeys(t for v in self.versions.values() if v for t in v))


@dataclass(frozen=True)
class FieldItem:
    """A document field some coder filled: each coder's value (None when empty)."""

    id: str
    document_id: str
    field: str
    versions: dict[str, Any]
    status: str
    majority: tuple[str, ...]
    majority_value: Any
    resolution: GoldLabel | None = None

    @property
    def kinds(self) -> tuple[str, ...]:
        return () if self.status == "unanimous" else ("field",)

    @property
    def resolved(self) -> bool:
        return self.resolution is not None


Item = SpanItem | LinkItem | FieldItem


@dataclass(frozen=True)
class DocumentCandidates:
    """Every candidate item of one document, spans in text order (outer span first)."""

    document_id: str
    coders: tuple[str, ...]
    spans: tuple[SpanItem, ...]
    links: tuple[LinkItem, ...]
    fields: tuple[FieldItem, ...]

    def items(self) -> list[Item]:
        return [*self.spans, *self.links, *self.fields]

    def item(self, item_id: str) -> Item:
        for item in self.items():
            if item.id == item_id:
                return item
        raise KeyError(item_id)

    def span_item_of(self, annotation_id: str) -> SpanItem | None:
        return next((s for s in self.spans if annotation_id in s.annotation_ids), None)

    def disagreements(self, *, include_resolved: bool = False) -> list[Item]:
        """Items that are not unanimous (majority ones included), unresolved unless asked:
        document fields first, then spans and links in text order of their (source) span."""
        position = {s.id: (s.start, -s.end) for s in self.spans}
        keep = [i for i in self.items() if i.status != "unanimous" and (include_resolved or not i.resolved)]
        return sorted(keep, key=lambda i: (-1, 0) if isinstance(i, FieldItem)
                      else position[i.id if isinstance(i, SpanItem) else i.from_item])

    def pending(self) -> list[Item]:
        """Every unresolved item (unanimous ones too): what is left to decide."""
        return [i for i in self.items() if not i.resolved]


@dataclass(frozen=True)
class LayerCounts:
    items: int = 0
    unanimous: int = 0
    majority: int = 0
    disagreement: int = 0
    resolved: int = 0
    unresolved_disagreements: int = 0


def count_items(documents: Iterable[DocumentCandidates]) -> dict[str, LayerCounts]:
    """Items per span layer, ``links`` and ``document``: totals, by status, and what is resolved."""
    tally: dict[str, Counter] = {}
    for doc in documents:
        for item in doc.items():
            layer = item.layer if isinstance(item, SpanItem) else LINKS if isinstance(item, LinkItem) else DOCUMENT
            c = tally.setdefault(layer, Counter())
            c["items"] += 1
            c[item.status] += 1
            c["resolved"] += item.resolved
            c["unresolved_disagreements"] += item.status != "unanimous" and not item.resolved
    return {layer: LayerCounts(**c) for layer, c in tally.items()}


# -- comparing versions --------------------------------------------------------------------------


def comparable(attrs: Mapping[str, Any], layer: Layer | None) -> dict[str, Any]:
    """Attributes as compared between versions: empty values dropped, an unchecked optional
    yes/no box counted as no, whole floats as ints, multiple choices as sorted lists."""
    unchecked_is_no = layer.optional_booleans if layer is not None else frozenset()
    out = {}
    for key, value in attrs.items():
        value = comparable_value(value)
        if value is None or (value is False and key in unchecked_is_no):
            continue
        out[key] = value
    return out


def comparable_value(value: Any) -> Any:
    """A single value as compared between coders (None for every kind of empty)."""
    if value in ("", [], None):
        return None
    if isinstance(value, float) and value.is_integer():
        return int(value)
    if isinstance(value, (list, tuple, set, frozenset)):
        return sorted(value)
    return value


def _item_id(prefix: str, *parts: str) -> str:
    return f"{prefix}-" + hashlib.sha1("\x1f".join(parts).encode("utf-8")).hexdigest()[:16]


# -- building ------------------------------------------------------------------------------------


@dataclass
class DocumentGold:
    """A document's gold rows, as the resolution rules read them."""

    by_cover: dict[str, GoldAnnotation] = field(default_factory=dict)  # coder annotation id -> decision
    links: set[tuple[str, str, str]] = field(default_factory=set)  # (from gold, to gold, kind), any decision
    labels: dict[str, GoldLabel] = field(default_factory=dict)  # rejected ones included
    annotation_rows: list[GoldAnnotation] = field(default_factory=list)  # as the store lists them, rejected too
    link_rows: list[GoldLink] = field(default_factory=list)


@dataclass
class _Votes:
    """Items of one kind as arrays, built once for all documents: who agrees with whom.

    ``values`` are items x coders arrays: each coder's version as integer codes, equal codes
    meaning the same version; ``present`` marks the coders with a version (a span; for links, a span
    where the link starts).  Everything else follows (module docstring).
    """

    doc: np.ndarray  # document index per item
    status: np.ndarray  # index into STATUSES
    majority: np.ndarray  # items x coders: in the majority (or all, when unanimous)
    majority_absent: np.ndarray  # the majority has no version here

    @classmethod
    def of(cls, values: Sequence[np.ndarray], present: np.ndarray, doc: np.ndarray, n_coders: np.ndarray,
           min_coders: int) -> "_Votes":
        """Votes from one or more items x coders code arrays (versions are the same when every
        array's codes are equal)."""
        same = present[:, None, :] & present[:, :, None]
        for codes in values:
            same &= codes[:, :, None] == codes[:, None, :]
        support = same.sum(axis=2)
        rows = np.arange(len(present))
        best_col = np.argmax(support, axis=1) if len(present) else np.zeros(0, dtype=np.intp)
        best = support[rows, best_col]
        n_present = present.sum(axis=1)
        n = n_coders[doc]
        unanimous = (n_present == n) & (best == n) & (n >= min_coders)
        absent = n - n_present
        majority_absent = ~unanimous & (absent * 2 > n) & (absent >= min_coders)
        majority_present = ~unanimous & (best * 2 > n) & (best >= min_coders)
        status = np.where(unanimous, 0, np.where(majority_present | majority_absent, 1, 2))
        majority = same[rows, best_col] & (majority_present | unanimous)[:, None]
        return cls(doc, status, majority, majority_absent)


@dataclass
class _LayerUnits:
    """A span layer's items: the engine's alignment, then votes on exact edges and attributes."""

    layer: Layer
    spans: LayerSpans
    rows: np.ndarray  # per span of the layer: its row in FinishedCoding.spans
    units: np.ndarray  # items x coders: index into spans, -1 absent
    offset: int  # global item number of the first item (links refer to items across layers)
    votes: _Votes
    kinds: np.ndarray  # bit mask of SPAN_KINDS


class Candidates:
    """Candidate items of many documents, classified at once (see :func:`build_candidates`).

    ``documents`` are the candidate documents (two or more coders finished them), ``excluded``
    the others with the reason.  :meth:`document` builds one document's items, reading its
    annotations and links through ``fetch(document_id)`` and ``fetch_links(document_id)`` (the store's
    ``annotations_by_rowid`` and ``links``) and ``fetch_labels(document_id, coder)``; :meth:`counts`
    counts every document's items by status without building them.
    """

    def __init__(self, coding: FinishedCoding, codebook: Codebook, gold: Mapping[str, DocumentGold],
                 fetch: Callable[[str], dict[int, Annotation]], fetch_links: Callable[[str], list[Link]],
                 fetch_labels: Callable[[str, str], dict[str, Any]], *, min_coders: int = MIN_CODERS):
        if min_coders < 2:
            raise ValueError("gold needs at least two coders to agree (min_coders >= 2)")
        self.codebook, self.min_coders, self._gold = codebook, min_coders, dict(gold)
        self._fetch, self._fetch_links, self._fetch_labels = fetch, fetch_links, fetch_labels
        # The last few documents' items: unresolved as built, and as last resolved (document()).
        self._bare: dict[str, DocumentCandidates] = {}
        self._resolved: dict[str, DocumentCandidates] = {}
        candidates = {d: c for d, c in coding.coders.items() if len(c) >= 2}
        self.excluded = [(d, f"finished by {len(c)} coder(s); gold needs two") for d, c in coding.coders.items()
                         if len(c) < 2]
        self.documents = list(candidates)
        self.coders = tuple(dict.fromkeys(c for names in candidates.values() for c in names))
        self._index = {d: i for i, d in enumerate(self.documents)}
        self._done = np.array([[c in candidates[d] for c in self.coders] for d in self.documents],
                              dtype=bool).reshape(len(self.documents), len(self.coders))
        self._fields = [spec for spec in codebook.document_fields if f"document.{spec.id}" not in SKIP_FIELDS]
        self._layers: list[_LayerUnits] = []
        empty = _Votes.of((), np.zeros((0, len(self.coders)), dtype=bool), np.zeros(0, dtype=np.intp),
                          np.zeros(0, dtype=int), min_coders)
        self._link_slots: tuple[np.ndarray, np.ndarray, _Votes] = (np.zeros(0, dtype=np.int64),) * 2 + (empty,)
        self._field_votes: tuple[np.ndarray, _Votes] = (np.zeros(0, dtype=np.int64), empty)
        if not self.documents:
            return
        with _gc_paused():  # hundreds of thousands of records: see reliability._gc_paused
            # Document rowid and coder id -> position among the candidates (-1: not one).
            doc_at = np.full(max(coding.documents) + 1, -1, dtype=np.intp)
            doc_at[[r for r, d in coding.documents.items() if d in candidates]] = range(len(self.documents))
            slot = {c: i for i, c in enumerate(self.coders)}
            coder_at = np.full(max(coding.coder_names) + 1, -1, dtype=np.intp)
            for coder_id, name in coding.coder_names.items():
                coder_at[coder_id] = slot.get(name, -1)
            columns = coding.spans
            self._rowids, self._attrs = columns.rowid, columns.attrs
            doc, coder = doc_at[columns.document], coder_at[columns.coder]
            layer_code = _lookup({layer.id: i for i, layer in enumerate(codebook.layers)}, columns.layer)
            # Documents end to end on one continuum, as the agreement engine lays them out; each
            # takes as much room as its furthest span end, so spans of two documents never overlap.
            room = np.zeros(len(self.documents) + 1, dtype=np.int64)
            np.maximum.at(room, doc + 1, columns.end)
            shift = np.cumsum(room)[:-1][np.maximum(doc, 0)]
            keep = (doc >= 0) & (coder >= 0)
            n_coders = self._done.sum(axis=1)
            offset = 0
            for i, layer in enumerate(codebook.layers):
                rows = np.nonzero(keep & (layer_code == i))[0]
                spans = LayerSpans(coder[rows], doc[rows], columns.start[rows] + shift[rows],
                                   columns.end[rows] + shift[rows])
                self._layers.append(self._classify(layer, spans, rows, n_coders, offset))
                offset += len(self._layers[-1].units)
            links = coding.links
            self._link_slots = self._classify_links(links.source, links.target, links.kind, coder_at[links.coder],
                                                    n_coders)
            labels = coding.labels
            self._field_votes = self._classify_fields(doc_at[labels.document], coder_at[labels.coder], labels.field,
                                                      labels.value, n_coders)

    # -- classification (all documents) -----------------------------------------------------------

    def _classify(self, layer: Layer, spans: LayerSpans, rows: np.ndarray, n_coders: np.ndarray,
                  offset: int) -> _LayerUnits:
        n_c = len(self.coders)
        matches = [match_pair(spans, a, b, self._done[:, a] & self._done[:, b])
                   for a, b in combinations(range(n_c), 2)]
        units = _units(spans, cluster(spans, matches, n_c), n_c)
        present = units >= 0
        idx = np.maximum(units, 0)
        first = np.argmax(present, axis=1)
        doc = spans.doc[idx[np.arange(len(units)), first]] if len(units) else np.empty(0, dtype=np.intp)
        edges = np.where(present, (spans.start[idx] << 32) | spans.end[idx], -1)
        attrs = np.where(present, _attribute_codes([self._attrs[r] for r in rows.tolist()], layer)[idx], -1)
        kinds = (np.where(present.sum(axis=1) == n_coders[doc], 0, _PRESENCE)
                 | np.where(_spread(edges, present), _EDGES, 0) | np.where(_spread(attrs, present), _ATTRIBUTE, 0))
        return _LayerUnits(layer, spans, rows, units, offset,
                           _Votes.of((edges, attrs), present, doc, n_coders, self.min_coders), kinds)

    def _classify_links(self, sources: np.ndarray, targets: np.ndarray, kind_ids: list[str], coder: np.ndarray,
                        n_coders: np.ndarray) -> tuple[np.ndarray, np.ndarray, _Votes]:
        """Link slots (source item, kind) of all documents; a coder's version is the set of target
        items, coded by a 64-bit hash sum (the empty set: 0)."""
        n_items = sum(len(layer.units) for layer in self._layers)
        rowids = self._rowids
        item_of_span = np.full(len(rowids), -1, dtype=np.int64)
        for layer in self._layers:
            rows, cols = np.nonzero(layer.units >= 0)
            item_of_span[layer.rows[layer.units[rows, cols]]] = layer.offset + rows
        presence = np.vstack([layer.units >= 0 for layer in self._layers])
        item_doc = np.concatenate([layer.votes.doc for layer in self._layers])
        kinds = {k.id: i for i, k in enumerate(self.codebook.links)}
        slot = {c: i for i, c in enumerate(self.coders)}
        if not len(rowids) or not len(sources):
            return self._link_slots
        by_rowid = np.argsort(rowids)
        ordered = rowids[by_rowid]
        ends = []
        for column in (sources, targets):
            at = np.searchsorted(ordered, column).clip(0, len(ordered) - 1)
            ends.append(np.where(ordered[at] == column, item_of_span[by_rowid[at]], -1))
        kind = _lookup(kinds, kind_ids)
        keep = (ends[0] >= 0) & (ends[1] >= 0) & (kind >= 0) & (coder >= 0)
        source, target, kind, coder = ends[0][keep], ends[1][keep], kind[keep], coder[keep]
        n_kinds, n_c = max(len(kinds), 1), len(self.coders)
        keys, slot_of = np.unique(source * n_kinds + kind, return_inverse=True)
        distinct = _distinct((slot_of * n_c + coder) * n_items + target)  # a coder's (slot, target) once
        pair = distinct // n_items
        starts = np.nonzero(np.r_[True, pair[1:] != pair[:-1]])[0]
        signature = np.zeros(len(keys) * n_c, dtype=np.uint64)
        signature[pair[starts]] = np.add.reduceat(_mix(distinct % n_items), starts)
        from_item = keys // n_kinds
        present = presence[from_item]
        values = np.where(present, signature.view(np.int64).reshape(len(keys), n_c), 0)
        order = np.argsort(item_doc[from_item], kind="stable")
        votes = _Votes.of((values[order],), present[order], item_doc[from_item][order], n_coders, self.min_coders)
        return from_item[order], (keys % n_kinds)[order], votes

    def _classify_fields(self, doc: np.ndarray, coder: np.ndarray, field_ids: list[str], texts: list[str],
                         n_coders: np.ndarray) -> tuple[np.ndarray, _Votes]:
        """Document-field items of all documents: (document, field) pairs some coder filled; a
        coder's version is their value's code (an unchecked optional yes/no box: "no")."""
        n_f, n_c = len(self._fields), len(self.coders)
        field = _lookup({spec.id: i for i, spec in enumerate(self._fields)}, field_ids)
        distinct: dict[str, int] = {}
        raw = np.fromiter(map(distinct.setdefault, texts, count()), dtype=np.int64, count=len(texts))
        keys: dict[Any, int] = {}
        remap = np.full(len(texts) + 1, -1, dtype=np.int64)
        for text, first in distinct.items():
            value = comparable_value(json.loads(text))
            if value is not None:
                remap[first] = keys.setdefault(_hashable(value), len(keys))
        code = remap[raw] if len(raw) else raw
        keep = (doc >= 0) & (coder >= 0) & (field >= 0) & (code >= 0)
        item = doc[keep] * n_f + field[keep]
        values = np.full((len(self.documents) * n_f, n_c), -1, dtype=np.int64)
        values[item, coder[keep]] = code[keep]
        unchecked_is_no = np.array([spec.type == "boolean" and not spec.required for spec in self._fields])
        no = keys.setdefault(False, len(keys))
        done = np.repeat(self._done, n_f, axis=0)
        values = np.where((values < 0) & done & np.tile(unchecked_is_no, len(self.documents))[:, None], no, values)
        items = _distinct(item)  # some coder filled it
        present = values[items] >= 0
        return items, _Votes.of((values[items],), present, items // n_f, n_coders, self.min_coders)

    # -- counts ------------------------------------------------------------------------------------

    def counts(self) -> dict[str, LayerCounts]:
        """Items per span layer, ``links`` and ``document`` by status, over every candidate document
        (resolution not counted: see :func:`count_items` for that)."""
        out = {}
        for layer in self._layers:
            out[layer.layer.id] = _status_counts(layer.votes.status)
        out[LINKS] = _status_counts(self._link_slots[2].status)
        out[DOCUMENT] = _status_counts(self._field_votes[1].status)
        return out

    def regold(self, project: Any, document_ids: Iterable[str]) -> None:
        """Re-read the gold of some documents after decisions. The coders' work and its alignment
        stay as built, so items come back resolved without aligning again."""
        for document_id in document_ids:
            self._gold[document_id] = _document_gold(project, document_id)

    def gold(self, document_id: str) -> DocumentGold:
        """A document's gold rows as last read (when built, or by :meth:`regold`)."""
        return self._gold.get(document_id) or DocumentGold()

    # -- items (one document) ----------------------------------------------------------------------

    def document(self, document_id: str) -> DocumentCandidates:
        """The items of one candidate document (KeyError for others: see ``excluded``).

        Only the resolutions depend on gold: the items are built once per document
        (:meth:`_unresolved`) and each call fills in what gold now says, keeping every item whose
        resolution is unchanged, so a decision costs the same whatever else the document holds."""
        bare = self._unresolved(document_id)
        gold = self._gold.get(document_id, DocumentGold())
        previous = self._resolved.get(document_id, bare)
        spans = tuple(_resolve_span(item, old, gold) for item, old in zip(bare.spans, previous.spans))
        by_id = {s.id: s for s in spans}
        links = tuple(_resolve_link(item, old, by_id, gold) for item, old in zip(bare.links, previous.links))
        fields = tuple(_resolve_field(item, old, gold) for item, old in zip(bare.fields, previous.fields))
        self._resolved[document_id] = resolved = DocumentCandidates(document_id, bare.coders, spans, links, fields)
        return resolved

    def all_documents(self) -> Iterable[DocumentCandidates]:
        for document_id in self.documents:
            yield self.document(document_id)

    def _unresolved(self, document_id: str) -> DocumentCandidates:
        """A document's items as the coders left them, resolution not yet filled in (read from
        the store once: decisions change gold, never the coders' work)."""
        if (cached := self._bare.get(document_id)) is not None:
            return cached
        d = self._index[document_id]
        coders = tuple(c for c, ok in zip(self.coders, self._done[d]) if ok)
        annotations = self._fetch(document_id)
        by_item: dict[int, SpanItem] = {}
        for layer in self._layers:
            lo, hi = np.searchsorted(layer.votes.doc, [d, d + 1])
            for u in range(lo, hi):
                by_item[layer.offset + u] = self._span_item(layer, u, document_id, coders, annotations)
        spans = sorted(by_item.values(), key=lambda s: (s.start, -s.end, s.layer))
        links = self._link_items(d, document_id, coders, by_item)
        fields = self._field_items(d, document_id, coders)
        if len(self._bare) >= _KEEP_DOCUMENTS:  # an adjudicator moves on: keep the last few
            oldest = next(iter(self._bare))
            del self._bare[oldest]
            self._resolved.pop(oldest, None)
        bare = self._bare[document_id] = DocumentCandidates(document_id, coders, tuple(spans), tuple(links),
                                                            tuple(fields))
        return bare

    def _span_item(self, layer: _LayerUnits, u: int, document_id: str, coders: tuple[str, ...],
                   annotations: Mapping[int, Annotation]) -> SpanItem:
        row, votes = layer.units[u], layer.votes
        slot = {c: i for i, c in enumerate(self.coders)}
        versions = {c: annotations[int(self._rowids[layer.rows[row[slot[c]]]])] if row[slot[c]] >= 0 else None
                    for c in coders}
        present = [a for a in versions.values() if a is not None]
        ids = sorted(a.id for a in present)
        kinds = tuple(k for bit, k in zip((_PRESENCE, _EDGES, _ATTRIBUTE), SPAN_KINDS) if layer.kinds[u] & bit)
        majority = tuple(c for c in coders if votes.majority[u, slot[c]])
        majority_version = versions[majority[0]] if majority else None
        if votes.majority_absent[u]:
            majority = tuple(c for c, a in versions.items() if a is None)
        differences = _differences(versions, layer.layer) if "attribute" in kinds else ()
        return SpanItem(_item_id("span", document_id, layer.layer.id, *ids), document_id, layer.layer.id,
                        min(a.start for a in present), max(a.end for a in present), versions,
                        STATUSES[votes.status[u]], kinds, differences, majority, majority_version, None,
                        layer.layer)

    def _field_items(self, d: int, document_id: str, coders: tuple[str, ...]) -> list[FieldItem]:
        items, votes = self._field_votes
        n_f = len(self._fields)
        lo, hi = np.searchsorted(items, [d * n_f, (d + 1) * n_f])
        labels = {c: self._fetch_labels(document_id, c) for c in coders}
        slot = {c: i for i, c in enumerate(self.coders)}
        out = []
        for k in range(lo, hi):
            spec = self._fields[int(items[k]) % n_f]
            unchecked_is_no = spec.type == "boolean" and not spec.required
            versions = {c: labels[c].get(spec.id, False if unchecked_is_no else None) for c in coders}
            majority = tuple(c for c in coders if votes.majority[k, slot[c]])
            value = versions[majority[0]] if majority else None
            if votes.majority_absent[k]:
                majority = tuple(c for c, v in versions.items() if comparable_value(v) is None)
            out.append(FieldItem(_item_id("field", document_id, spec.id), document_id, spec.id, versions,
                                 STATUSES[votes.status[k]], majority, value))
        return out

    def _link_items(self, d: int, document_id: str, coders: tuple[str, ...],
                    by_item: Mapping[int, SpanItem]) -> list[LinkItem]:
        from_items, kind_codes, votes = self._link_slots
        lo, hi = np.searchsorted(votes.doc, [d, d + 1])
        item_of = {a_id: s for s in by_item.values() for a_id in s.annotation_ids}
        chosen: dict[tuple[str, str], dict[str, set[str]]] = {}
        rows: dict[tuple[str, str], list[Link]] = {}
        for link in self._fetch_links(document_id):
            if link.coder not in coders:
                continue
            source, target = item_of.get(link.from_id), item_of.get(link.to_id)
            if source is not None and target is not None:
                chosen.setdefault((source.id, link.kind), {}).setdefault(link.coder, set()).add(target.id)
                rows.setdefault((source.id, link.kind), []).append(link)
        slot = {c: i for i, c in enumerate(self.coders)}
        out = []
        for k in range(lo, hi):
            source, kind = by_item[int(from_items[k])], self.codebook.links[int(kind_codes[k])].id
            targets = chosen[(source.id, kind)]
            versions = {c: (tuple(sorted(targets.get(c, ()))) if source.versions[c] is not None else None)
                        for c in coders}
            majority = tuple(c for c in coders if votes.majority[k, slot[c]])
            majority_targets = versions[majority[0]] if majority else (() if votes.majority_absent[k] else None)
            out.append(LinkItem(_item_id("link", document_id, kind, source.id), document_id, kind, source.id,
                                versions, tuple(rows[(source.id, kind)]), STATUSES[votes.status[k]], majority,
                                majority_targets))
        order = {s.id: (s.start, -s.end) for s in by_item.values()}
        out.sort(key=lambda l: (order[l.from_item], l.kind))
        return out


def _resolve_span(item: SpanItem, previous: SpanItem, gold: DocumentGold) -> SpanItem:
    """``item`` resolved by the gold decision covering one of its spans (the first by annotation id)."""
    resolution = next((gold.by_cover[i] for i in item.sorted_ids if i in gold.by_cover), None)
    if resolution == previous.resolution:
        return previous
    return replace(item, resolution=resolution)


def _resolve_link(item: LinkItem, previous: LinkItem, spans: Mapping[str, SpanItem], gold: DocumentGold) -> LinkItem:
    """A link item is ready once its source and every proposed target are decided, and resolved
    once each proposed target has its gold link (or was rejected), or the source was rejected."""
    source = spans[item.from_item]
    proposed = item.targets
    ready = source.resolved and all(spans[t].resolved for t in proposed)
    resolved = source.resolved and (
        source.resolution.provenance.decision == "rejected"
        or (ready and all(spans[t].resolution.provenance.decision == "rejected"
                          or (source.resolution.id, spans[t].resolution.id, item.kind) in gold.links
                          for t in proposed)))
    if (ready, resolved) == (previous.ready, previous.resolved):
        return previous
    return replace(item, ready=ready, resolved=resolved)


def _resolve_field(item: FieldItem, previous: FieldItem, gold: DocumentGold) -> FieldItem:
    resolution = gold.labels.get(item.field)
    if resolution == previous.resolution:
        return previous
    return replace(item, resolution=resolution)


def _lookup(index: Mapping[Any, int], values: list) -> np.ndarray:
    """index[value] for each value, -1 where absent."""
    return np.fromiter(map(index.get, values, repeat(-1)), dtype=np.intp, count=len(values))


def _status_counts(status: np.ndarray) -> LayerCounts:
    n = np.bincount(status, minlength=len(STATUSES)) if len(status) else np.zeros(len(STATUSES), dtype=int)
    return LayerCounts(items=int(n.sum()), unanimous=int(n[0]), majority=int(n[1]), disagreement=int(n[2]),
                       unresolved_disagreements=int(n[1] + n[2]))


def _distinct(values: np.ndarray) -> np.ndarray:
    """The distinct values, sorted (np.unique without an inverse takes a hashing path that is a
    hundred times slower on integers in numpy 2.4)."""
    ordered = np.sort(values)
    return ordered[np.r_[True, ordered[1:] != ordered[:-1]]] if len(ordered) else ordered


def _hashable(value: Any) -> Any:
    return tuple(value) if isinstance(value, list) else value


def _spread(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per row: the present values are not all equal."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    big = np.iinfo(np.int64).max
    return np.where(present, values, big).min(axis=1) != np.where(present, values, -1).max(axis=1)


def _mix(values: np.ndarray) -> np.ndarray:
    """A 64-bit hash of each integer (splitmix64 finalizer), so sums of them identify sets."""
    z = values.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def _attribute_codes(texts: list[str], layer: Layer) -> np.ndarray:
    """Per span (its stored attribute JSON), a code of its attributes as compared
    (:func:`comparable`): equal codes, equal values.

    The store writes attributes as canonical JSON (sorted keys), so equal texts are equal values.
    Texts that :func:`comparable` would change are rewritten first: an unchecked optional box
    stored as false by a pattern over all distinct texts at once, the rare rest (empty values,
    whole floats, lists) through JSON.
    """
    # One hashing pass: each text keeps the position where it first occurs as its raw code.
    first: dict[str, int] = {}
    raw = np.fromiter(map(first.setdefault, texts, count()), dtype=np.int64, count=len(texts))
    distinct = list(first)
    joined = "\n".join(distinct)  # JSON text has no raw line breaks
    optional = sorted(layer.optional_booleans)
    if optional:
        keys = "|".join(re.escape(json.dumps(k, ensure_ascii=False)) for k in optional)
        joined = re.sub(rf', (?:{keys}): false(?=[,}}])|(?:{keys}): false, |(?:{keys}): false(?=}})', "", joined)
    cleaned = joined.split("\n")
    starts = np.cumsum([0] + [len(t) + 1 for t in cleaned[:-1]])
    slow = {int(i) for i in np.searchsorted(starts, [m.start() for m in _SLOW.finditer(joined)], side="right") - 1}
    for i in slow:
        # The store's own JSON format (annotator.store._json).
        cleaned[i] = json.dumps(comparable(json.loads(cleaned[i]), layer), ensure_ascii=False, sort_keys=True)
    canonical: dict[str, int] = {}
    remap = np.zeros(len(texts), dtype=np.int64)
    remap[list(first.values())] = [canonical.setdefault(text, len(canonical)) for text in cleaned]
    return remap[raw]


_SLOW = re.compile(r'null|\[|""|\.0[,}]')  # what comparable() changes besides false boxes


def _units(spans: LayerSpans, clusters: Clusters, n_coders: int) -> np.ndarray:
    """The engine's clusters plus its ambiguous groups split (module docstring), in text order."""
    units = clusters.units
    extra: list[list[int]] = []
    for group in clusters.ambiguous:
        by_edges: dict[tuple[int, int], list[int]] = {}
        for i in group.tolist():
            by_edges.setdefault((int(spans.start[i]), int(spans.end[i])), []).append(i)
        for members in by_edges.values():
            rows: list[list[int]] = []
            for i in members:
                c = int(spans.coder[i])
                row = next((r for r in rows if r[c] < 0), None)
                if row is None:
                    row = [-1] * n_coders
                    rows.append(row)
                row[c] = i
            extra += rows
    if extra:
        units = np.vstack([units, np.array(extra, dtype=np.intp)])
    if not len(units):
        return units.reshape(0, n_coders)
    first = np.where(units >= 0, spans.start[np.maximum(units, 0)], np.iinfo(np.int64).max).min(axis=1)
    return units[np.argsort(first, kind="stable")]


def _differences(versions: Mapping[str, Annotation | None], layer: Layer) -> tuple[FieldDifference, ...]:
    present = {c: comparable(a.attrs, layer) for c, a in versions.items() if a is not None}
    names = [f.id for f in layer.fields] + sorted({k for attrs in present.values() for k in attrs}
                                                   - {f.id for f in layer.fields})
    out = []
    for name in names:
        values = {c: (present[c].get(name) if c in present else None) for c in versions}
        if len({_hashable(values[c]) for c in present}) > 1:
            out.append(FieldDifference(name, values))
    return tuple(out)


# -- from a project ------------------------------------------------------------------------------


def build_candidates(project: Any, document_ids: Sequence[str] | None = None, *,
                     min_coders: int = MIN_CODERS) -> Candidates:
    """Candidate items of a project's documents (default: all), with what gold already resolves."""
    with _gc_paused():
        coding = project.finished_coding(document_ids)
        return Candidates(coding, project.codebook, load_gold(project, coding.documents.values()),
                          project.annotations_by_rowid, project.links, project.labels, min_coders=min_coders)


def load_gold(project: Any, documents: Iterable[str]) -> dict[str, DocumentGold]:
    """The gold rows of those documents that have any, as the resolution rules read them."""
    wanted = set(documents)
    return {doc_id: _document_gold(project, doc_id) for doc_id in project.gold_document_ids() if doc_id in wanted}


def _document_gold(project: Any, document_id: str) -> DocumentGold:
    gold = DocumentGold(annotation_rows=project.gold_annotations(document_id, include_rejected=True),
                 link_rows=project.gold_links(document_id, include_rejected=True),
                 labels=project.gold_labels(document_id, include_rejected=True))
    for g in gold.annotation_rows:
        for annotation_id in g.covers:
            gold.by_cover[annotation_id] = g
    gold.links = {(l.from_id, l.to_id, l.kind) for l in gold.link_rows}
    return gold
