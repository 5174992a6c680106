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

import hashlib
import json
import math
from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.agreement.study import SKIP_FIELDS, LayerData, Study
from annotator.codebook import Codebook, Layer
from annotator.model import Annotation, GoldAnnotation, GoldLabel, GoldLink, Link
from annotator.store.gold import CodedSpan, FinishedCoding

MIN_CODERS = 2
STATUSES = ("unanimous", "majority", "disagreement")
SPAN_KINDS = ("presence", "edges", "attribute")
KINDS = (*SPAN_KINDS, "link", "field")
LINKS, DOCUMENT = "links", "document"  # pseudo-layers of link and field items in counts

_PRESENCE, _EDGES, _ATTRIBUTE = 1, 2, 4


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

    @property
    def annotation_ids(self) -> tuple[str, ...]:
        return tuple(a.id for a in self.versions.values() if a is not None)

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

    @property
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
    out = {}
    for key, value in attrs.items():
        value = comparable_value(value)
        spec = layer.field(key) if layer is not None else None
        if value is None or (value is False and spec is not None and spec.type == "boolean" and not spec.required):
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
class _Gold:
    """A document's gold rows, as the resolution rules read them."""

    by_cover: dict[str, GoldAnnotation] = field(default_factory=dict)  # coder annotation id -> decision
    links: set[tuple[str, str, str]] = field(default_factory=set)  # (from gold, to gold, kind), any decision
    labels: dict[str, GoldLabel] = field(default_factory=dict)


@dataclass
class _LayerUnits:
    """A layer's items as arrays (built once for all documents)."""

    data: LayerData
    units: np.ndarray  # items x coders: annotation index, -1 absent
    doc: np.ndarray  # document index per item (sorted)
    status: np.ndarray  # index into STATUSES
    kinds: np.ndarray  # bit mask of SPAN_KINDS
    majority: np.ndarray  # items x coders: coder in the majority
    majority_absent: np.ndarray  # the majority marked nothing


class Candidates:
    """Candidate items of many documents, built at once (see :func:`build_candidates`).

    ``documents`` are the candidate documents (two or more coders finished them), ``excluded``
    the others with the reason.  :meth:`document` gives one document's items.
    """

    def __init__(self, coding: FinishedCoding, codebook: Codebook, gold: Mapping[str, _Gold], *,
                 min_coders: int = MIN_CODERS):
        if min_coders < 2:
            raise ValueError("gold needs at least two coders to agree (min_coders >= 2)")
        self.codebook, self.min_coders, self._gold = codebook, min_coders, gold
        self._coding = coding
        candidates = {d: c for d, c in coding.coders.items() if len(c) >= 2}
        self.excluded = [(d, f"finished by {len(c)} coder(s); gold needs two") for d, c in coding.coders.items()
                         if len(c) < 2]
        self.documents = list(candidates)
        self.coders = tuple(dict.fromkeys(c for names in candidates.values() for c in names))
        self._layers: list[_LayerUnits] = []
        self._study: Study | None = None
        if self.documents:
            wanted = set(self.documents)
            self._study = Study([s for s in coding.spans if s.document_id in wanted], {}, codebook,
                                lengths={d: coding.lengths[d] for d in self.documents}, coders=self.coders,
                                coded=candidates, layers=[layer.id for layer in codebook.layers])
            n_coders = self._study.done.sum(axis=1)
            self._layers = [self._classify(data, n_coders) for data in self._study.layer_data]
        self._links_by_doc: dict[str, list[Link]] = {}
        for link in coding.links:
            self._links_by_doc.setdefault(link.document_id, []).append(link)

    # -- arrays ----------------------------------------------------------------------------------

    def _classify(self, data: LayerData, n_coders: np.ndarray) -> _LayerUnits:
        spans, anns = data.spans, data.annotations
        units = _units(data, len(self.coders))
        present = units >= 0
        idx = np.maximum(units, 0)
        first = np.argmax(present, axis=1)
        doc = spans.doc[idx[np.arange(len(units)), first]] if len(units) else np.empty(0, dtype=np.intp)
        edges = np.where(present, (spans.start[idx] << 32) | spans.end[idx], -1)
        raw: dict[str, int] = {}
        codes = np.fromiter((raw.setdefault(a.attrs_json, len(raw)) for a in anns), dtype=np.int64, count=len(anns))
        attrs = np.where(present, codes[idx], -1)
        differ = (_spread(attrs, present)).nonzero()[0]
        if len(differ):
            # Stored JSON is canonical, so equal text means equal values; texts that differ may
            # still mean the same (an unchecked box stored as false or left out): compare those
            # after ``comparable``, mapping each distinct text once.
            texts = list(raw)
            canon: dict[str, int] = {}
            remap = np.arange(len(raw), dtype=np.int64)
            for code in np.unique(attrs[differ][present[differ]]).tolist():
                key = json.dumps(comparable(json.loads(texts[code]), data.layer), sort_keys=True)
                remap[code] = len(raw) + canon.setdefault(key, len(canon))
            attrs = np.where(present, remap[np.maximum(attrs, 0)], -1)
        same = (edges[:, :, None] == edges[:, None, :]) & (attrs[:, :, None] == attrs[:, None, :]) \
            & present[:, None, :] & present[:, :, None]
        support = same.sum(axis=2)
        best = support.max(axis=1) if len(units) else np.zeros(0, dtype=int)
        n_present = present.sum(axis=1)
        n = n_coders[doc]
        all_present = n_present == n
        unanimous = all_present & (best == n_present) & (n >= self.min_coders)
        absent = n - n_present
        majority_absent = ~unanimous & (absent * 2 > n) & (absent >= self.min_coders)
        majority_present = ~unanimous & (best * 2 > n) & (best >= self.min_coders)
        status = np.where(unanimous, 0, np.where(majority_present | majority_absent, 1, 2))
        kinds = (np.where(all_present, 0, _PRESENCE) | np.where(_spread(edges, present), _EDGES, 0)
                 | np.where(_spread(attrs, present), _ATTRIBUTE, 0))
        best_col = np.argmax(support, axis=1)
        majority = same[np.arange(len(units)), best_col] & (majority_present | unanimous)[:, None]
        return _LayerUnits(data, units, doc, status, kinds, majority, majority_absent)

    # -- items -----------------------------------------------------------------------------------

    def document(self, document_id: str) -> DocumentCandidates:
        """The items of one candidate document (KeyError for others: see ``excluded``)."""
        if self._study is None or document_id not in self._study.doc_index:
            raise KeyError(document_id)
        d = self._study.doc_index[document_id]
        coders = tuple(c for c, ok in zip(self.coders, self._study.done[d]) if ok)
        gold = self._gold.get(document_id, _Gold())
        spans: list[SpanItem] = []
        for layer in self._layers:
            lo, hi = np.searchsorted(layer.doc, [d, d + 1])
            spans += [self._span_item(layer, u, document_id, gold) for u in range(lo, hi)]
        spans.sort(key=lambda s: (s.start, -s.end, s.layer))
        links = self._link_items(document_id, coders, spans, gold)
        fields = self._field_items(document_id, coders, gold)
        return DocumentCandidates(document_id, coders, tuple(spans), tuple(links), tuple(fields))

    def all_documents(self) -> Iterable[DocumentCandidates]:
        for document_id in self.documents:
            yield self.document(document_id)

    def _span_item(self, layer: _LayerUnits, u: int, document_id: str, gold: _Gold) -> SpanItem:
        data, row = layer.data, layer.units[u]
        d = layer.doc[u]
        done = self._study.done[d]
        versions: dict[str, Annotation | None] = {}
        for c, coder in enumerate(self.coders):
            if done[c]:
                versions[coder] = data.annotations[row[c]].annotation() if row[c] >= 0 else None
        present = [a for a in versions.values() if a is not None]
        ids = sorted(a.id for a in present)
        kinds = tuple(k for bit, k in zip((_PRESENCE, _EDGES, _ATTRIBUTE), SPAN_KINDS) if layer.kinds[u] & bit)
        majority = tuple(c for c, coder in enumerate(self.coders) if layer.majority[u, c])
        majority_version = versions[self.coders[majority[0]]] if majority else None
        if layer.majority_absent[u]:
            majority = tuple(c for c, a in versions.items() if a is None)
        else:
            majority = tuple(self.coders[c] for c in majority)
        differences = _differences(versions, data.layer) if "attribute" in kinds else ()
        resolution = next((gold.by_cover[i] for i in ids if i in gold.by_cover), None)
        return SpanItem(_item_id("span", document_id, data.layer.id, *ids), document_id, data.layer.id,
                        min(a.start for a in present), max(a.end for a in present), versions,
                        STATUSES[layer.status[u]], kinds, differences, majority, majority_version, resolution,
                        data.layer)

    def _link_items(self, document_id: str, coders: tuple[str, ...], spans: list[SpanItem],
                    gold: _Gold) -> list[LinkItem]:
        item_of = {a_id: s for s in spans for a_id in s.annotation_ids}
        slots: dict[tuple[str, str], dict[str, set[str]]] = {}
        rows: dict[tuple[str, str], list[Link]] = {}
        for link in self._links_by_doc.get(document_id, ()):
            source, target = item_of.get(link.from_id), item_of.get(link.to_id)
            if source is None or target is None:
                continue
            key = (source.id, link.kind)
            slots.setdefault(key, {}).setdefault(link.coder, set()).add(target.id)
            rows.setdefault(key, []).append(link)
        by_id = {s.id: s for s in spans}
        out = []
        for (from_id, kind), chosen in slots.items():
            source = by_id[from_id]
            versions = {c: (tuple(sorted(chosen.get(c, ()))) if source.versions[c] is not None else None)
                        for c in coders}
            status, majority, value = _vote(versions, self.min_coders, none_is_vote=False)
            targets = [by_id[t] for t in dict.fromkeys(t for v in versions.values() if v for t in v)]
            ready = source.resolved and all(t.resolved for t in targets)
            resolved = source.resolved and (
                source.resolution.provenance.decision == "rejected"
                or (ready and all(t.resolution.provenance.decision == "rejected"
                                  or (source.resolution.id, t.resolution.id, kind) in gold.links for t in targets)))
            out.append(LinkItem(_item_id("link", document_id, kind, from_id), document_id, kind, from_id, versions,
                                tuple(rows[(from_id, kind)]), status, majority, value, resolved, ready))
        order = {s.id: i for i, s in enumerate(spans)}
        out.sort(key=lambda l: (order[l.from_item], l.kind))
        return out

    def _field_items(self, document_id: str, coders: tuple[str, ...], gold: _Gold) -> list[FieldItem]:
        out = []
        for spec in self.codebook.document_fields:
            if f"document.{spec.id}" in SKIP_FIELDS:
                continue
            raw = {c: self._coding.labels.get((document_id, c), {}).get(spec.id) for c in coders}
            if all(comparable_value(v) is None for v in raw.values()):
                continue
            unchecked_is_no = spec.type == "boolean" and not spec.required
            versions = {c: (False if v is None and unchecked_is_no else v) for c, v in raw.items()}
            status, majority, value = _vote(versions, self.min_coders, none_is_vote=True)
            out.append(FieldItem(_item_id("field", document_id, spec.id), document_id, spec.id, versions, status,
                                 majority, value, gold.labels.get(spec.id)))
        return out


def _vote(versions: Mapping[str, Any], min_coders: int, *, none_is_vote: bool) -> tuple[str, tuple[str, ...], Any]:
    """Status, majority coders and majority value of per-coder values (compared as
    :func:`comparable_value`); ``none_is_vote``: an empty value is a version like any other."""
    n = len(versions)
    groups: dict[str, list[str]] = {}
    values: dict[str, Any] = {}
    for coder, value in versions.items():
        if value is None and not none_is_vote:
            continue
        key = json.dumps(comparable_value(value), sort_keys=True, ensure_ascii=False)
        groups.setdefault(key, []).append(coder)
        values.setdefault(key, value)
    if not groups:
        return "disagreement", (), None
    key, who = max(groups.items(), key=lambda kv: len(kv[1]))
    if len(who) == n and n >= min_coders and values[key] is not None:
        return "unanimous", tuple(who), values[key]
    if len(who) * 2 > n and len(who) >= min_coders:
        return "majority", tuple(who), values[key]
    return "disagreement", (), None


def _spread(values: np.ndarray, present: np.ndarray) -> np.ndarray:
    """Per row: the present values are not all equal."""
    if not len(values):
        return np.zeros(0, dtype=bool)
    big = np.iinfo(np.int64).max
    return np.where(present, values, big).min(axis=1) != np.where(present, values, -1).max(axis=1)


def _units(data: LayerData, n_coders: int) -> np.ndarray:
    """The engine's clusters plus its ambiguous groups split (module docstring), in text order."""
    units = data.clusters.units
    extra: list[list[int]] = []
    spans = data.spans
    for group in data.clusters.ambiguous:
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
        seen = [json.dumps(values[c], sort_keys=True) for c in present]
        if len(set(seen)) > 1:
            out.append(FieldDifference(name, values))
    return tuple(out)


# -- from a project ------------------------------------------------------------------------------


def build_candidates(project: Any, document_ids: Sequence[str] | None = None, *,
                     min_coders: int = MIN_CODERS) -> Candidates:
    """Candidate items of a project's documents (default: all), with what gold already resolves."""
    coding = project.finished_coding(document_ids)
    return Candidates(coding, project.codebook, load_gold(project, coding.lengths), min_coders=min_coders)


def load_gold(project: Any, documents: Iterable[str]) -> dict[str, _Gold]:
    """The gold rows of those documents that have any, as the resolution rules read them."""
    wanted = set(documents)
    with_gold = [d for d in project.gold_document_ids() if d in wanted]
    out: dict[str, _Gold] = {}
    for doc_id in with_gold:
        gold = out[doc_id] = _Gold()
        for g in project.gold_annotations(doc_id, include_rejected=True):
            for annotation_id in g.covers:
                gold.by_cover[annotation_id] = g
        gold.links = {(l.from_id, l.to_id, l.kind) for l in project.gold_links(doc_id, include_rejected=True)}
        gold.labels = project.gold_labels(doc_id, include_rejected=True)
    return out


def is_empty(value: Any) -> bool:
    return comparable_value(value) is None or (isinstance(value, float) and math.isnan(value))
