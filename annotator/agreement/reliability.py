"""From annotations to reliability data and agreement figures (no Qt, no store needed).

Entry points:

* :func:`agreement_summary` -- load a project's finished coding (:func:`load_coding`) and
  :func:`summarize` it;
* :func:`summarize` -- the same on plain :class:`~annotator.model.Annotation` lists and label
  dicts (benchmarks, notebooks, other stores);
* :func:`reliability_table` / :func:`reliability_rows` -- the raw reliability data, one row per
  unit and variable with one column per coder, for CSV.

What is measured (formulas and references in docs/agreement.md):

* span layers: Krippendorff's alpha_U over the documents every chosen coder coded, laid end to
  end on one continuum (Krippendorff 1995, 2004; as DKPro Agreement), and per coder pair
  precision / recall / F1 with exact and overlap matching, micro-averaged over documents;
* span attributes: alpha with the field's level over the one-to-one overlap alignment of each
  coder pair, and over all-coder clusters of mutually aligned spans
  (:mod:`annotator.agreement.matching`); unmatched spans are counted and listed per pair;
* document fields: alpha (all coders, missing allowed), Cohen's kappa per pair, Fleiss' kappa
  when every document has the same number of values, percent agreement;
* nominal attributes and fields also: Gwet's AC1 (all coders and per pair; a "kappa paradox"
  warning when AC1 is reliable and alpha is not), and per-category specific agreement in each
  confusion matrix;
* actors per document: the set of canonical names each coder marked, alpha with MASI distance.

Every alpha gets a seeded percentile bootstrap interval (:mod:`annotator.agreement.patterns`);
each variable's seed derives from ``seed`` and its name, so selecting other layers or coders
never changes another variable's interval.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import gc
import math
import operator
import zlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from annotator.agreement.alpha import BOOTSTRAP_METHODS, AlphaResult
from annotator.agreement.chance import fleiss_kappa, gwet_ac1
from annotator.agreement.coding import MASI, FieldCoding, coding_for
from annotator.agreement.distance import masi_distance
from annotator.agreement.kappa import KappaResult, cohen_kappa
from annotator.agreement.loader import load_coding
from annotator.agreement.matching import PairMatch
from annotator.agreement.patterns import Patterns
from annotator.agreement.rawdata import reliability_rows, reliability_table
from annotator.agreement.reliability_data import is_missing
from annotator.agreement.results import (
    MISSING,
    RELIABLE,
    TENTATIVE,
    AgreementSummary,
    AgreementWarning,
    AttributeDisagreement,
    Confusion,
    Estimate,
    FieldAgreement,
    FieldDisagreement,
    LayerAgreement,
    PairAgreement,
    PairSpans,
)
from annotator.agreement.spans import PRF
from annotator.agreement.specific import specific_agreement
from annotator.agreement.study import (
    ACTOR_LAYER,
    ACTOR_NAME,
    DOCUMENT,
    SKIP_FIELDS,
    LayerData,
    Study,
    actor_sets,
    document_values,
)
from annotator.agreement.unitizing import unitizing_alpha
from annotator.codebook import Codebook, Field, Label
from annotator.model import Annotation

ACTOR_SETS = Field(id="actors", type="multichoice",
                   label=Label(ar="الفاعلون في الخبر", en="Actors in the document"))
MIN_UNITS = 10
SKEW = 0.9
NOTE_NO_CI_UNITIZING = "no bootstrap interval: alpha_U has no units to resample"
WARN_FEW = "too few units for a stable estimate"
WARN_SKEW = "kappa/alpha misleading under skew (prevalence)"
WARN_PARADOX = "kappa paradox"

Table = np.ndarray | list[list[Any]]

__all__ = ["agreement_summary", "load_coding", "reliability_rows", "reliability_table", "summarize"]


def agreement_summary(project: Any, *, coders: Sequence[str] | None = None,
                      documents: Sequence[str] | None = None, layers: Iterable[str] | None = None,
                      n_boot: int = 1000, seed: int = 0, ci: float = 0.95,
                      bootstrap: str = "units") -> AgreementSummary:
    """Agreement of a project's finished coding; see :func:`summarize` and :func:`load_coding`."""
    data = load_coding(project, coders=coders, documents=documents)
    return summarize(data.annotations, data.labels, data.codebook, lengths=data.lengths,
                     coders=data.coders, coded=data.coded, titles=data.titles, layers=layers,
                     n_boot=n_boot, seed=seed, ci=ci, bootstrap=bootstrap)


def summarize(annotations: Iterable[Annotation], labels: Mapping[tuple[str, str], Mapping[str, Any]],
              codebook: Codebook, *, lengths: Mapping[str, int], coders: Sequence[str] | None = None,
              coded: Mapping[str, Iterable[str]] | None = None, titles: Mapping[str, str] | None = None,
              layers: Iterable[str] | None = None, n_boot: int = 1000, seed: int = 0,
              ci: float = 0.95, skip: Iterable[str] = SKIP_FIELDS, bootstrap: str = "units") -> AgreementSummary:
    """All agreement figures of plain coding data.

    ``labels`` maps (document id, coder) to that coder's document fields; ``lengths`` every
    candidate document's text length (code points), in report order; ``coded`` who coded each
    document (default: every coder every document); ``layers`` span layer ids and/or "document"
    (default: all).  ``skip`` names variables (``layer.field``) not to measure.  ``bootstrap`` is
    "units" (resample units) or "pairs" (Hayes & Krippendorff: pairs from the coincidence matrix).
    """
    with _gc_paused():
        study = Study(annotations, labels, codebook, lengths=lengths, coders=coders, coded=coded, layers=layers)
        return _Summarizer(study, n_boot, seed, ci, frozenset(skip), bootstrap).run(dict(titles or {}))


@contextlib.contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while hundreds of thousands of records are built.

    Each collection of the oldest generation rescans every live object -- with a large study,
    millions of annotations and their attribute dicts -- and record-building triggers many: 30 %
    of the run time on the benchmark.  Nothing here creates reference cycles, so nothing is
    left for the collector; reference counting frees the temporaries as usual.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


class _Summarizer:
    def __init__(self, study: Study, n_boot: int, seed: int, ci: float, skip: frozenset[str], bootstrap: str):
        if bootstrap not in BOOTSTRAP_METHODS:
            raise ValueError(f"bootstrap must be one of {BOOTSTRAP_METHODS}, not {bootstrap!r}")
        self.study, self.n_boot, self.seed, self.ci, self.skip = study, n_boot, seed, ci, skip
        self.bootstrap = bootstrap
        self.warnings: list[AgreementWarning] = []
        self.attribute_disagreements: list[AttributeDisagreement] = []
        self.field_disagreements: list[FieldDisagreement] = []
        self._estimates: dict[str, tuple[Estimate, float]] = {}
        self._kinds: dict[str, set[str]] = {}  # warning kinds raised per estimate key

    def run(self, titles: dict[str, str]) -> AgreementSummary:
        s = self.study
        self._study_warnings()
        layers = tuple(self._layer(data) for data in s.layer_data)
        doc_fields = tuple(self._document_field(spec) for spec in s.codebook.document_fields
                           if s.with_documents and f"{DOCUMENT}.{spec.id}" not in self.skip)
        actors = next((self._actor_sets(d) for d in s.layer_data if d.layer.id == ACTOR_LAYER
                       and d.layer.field(ACTOR_NAME) is not None), None)
        order = {d: i for i, d in enumerate(s.documents)}
        self.attribute_disagreements.sort(key=lambda x: (order[x.document_id], x.spans[0].start))
        self.field_disagreements.sort(key=lambda x: order[x.document_id])
        return AgreementSummary(
            coders=s.coders, documents=tuple(s.documents),
            titles={d: titles[d] for d in s.documents if d in titles}, excluded=tuple(s.excluded),
            n_boot=self.n_boot, seed=self.seed, ci=self.ci, layers=layers, document_fields=doc_fields,
            actor_sets=actors, attribute_disagreements=tuple(self.attribute_disagreements),
            field_disagreements=tuple(self.field_disagreements), warnings=tuple(self.warnings),
            bootstrap=self.bootstrap)

    def warn(self, scope: str, message: str) -> None:
        self.warnings.append(AgreementWarning(scope, message))

    def _study_warnings(self) -> None:
        s = self.study
        if not s.documents:
            self.warn("sample", "no document was coded by two or more of the chosen coders: nothing to compare")
        if s.excluded:
            self.warn("sample", f"{len(s.excluded)} document(s) left out: coded by fewer than two of the "
                                "chosen coders (listed under 'excluded')")
        if s.left_out:
            self.warn("sample", f"{s.left_out} annotation(s) left out: their coder has not finished the document")
        n_full = int(s.done.all(axis=1).sum())
        if s.layers and n_full < len(s.documents):
            self.warn("sample", f"alpha_U uses the {n_full} of {len(s.documents)} documents coded by every chosen "
                                "coder; the pairwise scores use every document the pair coded")

    # -- estimates -------------------------------------------------------------------------------

    def pair_key(self, key: str, names: tuple[str, str]) -> str:
        """With two coders the pair's data are the all-coder data: one key, one computation."""
        return key if len(self.study.coders) == 2 else f"{key} ({' × '.join(names)})"

    def estimate(self, key: str, table: Table, coding: FieldCoding,
                 overall: str | None = None) -> tuple[Estimate, float]:
        """Alpha with a bootstrap interval, and percent agreement (computed once per key).

        Warnings are issued once per key; for a pair (``overall`` names its variable) only those
        the all-coder estimate did not already raise.
        """
        if key in self._estimates:
            return self._estimates[key]
        level = coding.level
        distance = functools.cache(masi_distance) if level == MASI else None
        patterns = Patterns.of(table, "nominal" if level == MASI else level, distance)
        point = patterns.alpha()
        boot = (patterns.bootstrap(n_boot=self.n_boot, seed=_seed(self.seed, key), ci=self.ci, method=self.bootstrap)
                if point.n_units else None)
        result = dataclasses.replace(Estimate.of(point, boot), level=level)
        self._kinds[key] = self._estimate_warnings(key, result, patterns.top_value(), coding,
                                                   self._kinds.get(overall, set()))
        self._estimates[key] = result, patterns.percent_agreement()
        return self._estimates[key]

    def _estimate_warnings(self, key: str, result: Estimate, top: tuple[Any, float] | None,
                           coding: FieldCoding, known: set[str]) -> set[str]:
        """Warn about few units, skew and undefined values; returns the kinds found."""
        found: dict[str, str] = {}
        if math.isnan(result.value):
            found["undefined"] = f"alpha undefined: {result.note}"
        elif result.n_units < MIN_UNITS:
            found["few"] = f"{WARN_FEW} ({result.n_units} pairable units; fewer than {MIN_UNITS})"
        if top is not None and top[1] > SKEW and "undefined" not in found:
            found["skew"] = f"{WARN_SKEW}: “{coding.describe(top[0])}” is {top[1]:.0%} of the values"
        for kind, message in found.items():
            if kind not in known:
                self.warn(key, message)
        return set(found)

    def _ac1(self, key: str, table: Table, coding: FieldCoding, alpha: Estimate, percent: float) -> KappaResult | None:
        """Gwet's AC1 of all coders, with a warning when it and alpha tell different stories."""
        ac1 = _ac1(table, coding)
        if ac1 is not None and ac1.value >= RELIABLE and alpha.value < TENTATIVE:
            self.warn(key, f"{WARN_PARADOX}: AC1 {ac1.value:.3f} with alpha {alpha.value:.3f} and "
                           f"{percent:.0%} agreement; one category dominates, so chance agreement is high "
                           "(report both, with the confusion matrix)")
        return ac1

    # -- span layers -----------------------------------------------------------------------------

    def _layer(self, data: LayerData) -> LayerAgreement:
        layer = data.layer
        unitizing, n_docs, n_merged = self._unitizing(data)
        pairs = tuple(self._pair_spans(data, m) for m in data.matches)
        codings = [(spec, coding_for(spec)) for spec in layer.fields
                   if f"{layer.id}.{spec.id}" not in self.skip]
        attrs = [a.attrs for a in data.annotations]
        codes = {spec.id: coding.encode(map(operator.methodcaller("get", spec.id), attrs), len(attrs))
                 for spec, coding in codings}
        attributes = tuple(self._attribute(data, spec, coding, codes[spec.id]) for spec, coding in codings)
        for match in data.matches:
            self._attribute_disagreements(data, match, codings, codes)
        ambiguous = tuple(tuple(data.ref(i) for i in group) for group in data.clusters.ambiguous)
        if ambiguous:
            self.warn(layer.id, f"{len(ambiguous)} group(s) of spans aligned inconsistently across coder "
                                "pairs: left out of the all-coder alphas (listed)")
        if n_merged:
            self.warn(layer.id, f"{n_merged} span(s) overlapping another span of the same coder were merged "
                                "with it for alpha_U")
        return LayerAgreement(layer.id, layer.label.en, layer.label.ar, unitizing, n_docs, pairs, attributes,
                              len(data.clusters.units), ambiguous, n_merged)

    def _unitizing(self, data: LayerData) -> tuple[Estimate, int, int]:
        """alpha_U on the documents every coder coded, laid end to end (study docstring)."""
        s, spans, layer_id = self.study, data.spans, data.layer.id
        full = s.done.all(axis=1)
        lengths = np.where(full, s.lengths, 0)
        shift = np.cumsum(lengths) - lengths - s.offsets  # global offset -> offset on this continuum
        units, merged = [], 0
        keep = full[spans.doc]
        for c, coder in enumerate(s.coders):
            mine = np.nonzero(keep & (spans.coder == c))[0]
            moved = shift[spans.doc[mine]]
            starts, ends = _union_runs(spans.start[mine] + moved, spans.end[mine] + moved)
            merged += len(mine) - len(starts)
            units += [(coder, b, e, layer_id) for b, e in zip(starts.tolist(), ends.tolist())]
        total = int(lengths.sum())
        if total == 0:
            point = AlphaResult(math.nan, "unitizing", 0, 0, math.nan, math.nan,
                                "no document was coded by every chosen coder", len(s.coders))
        else:
            point = unitizing_alpha(units, (0, total), layer_id, coders=s.coders)
        result = Estimate.of(point, None, NOTE_NO_CI_UNITIZING)
        if math.isnan(result.value):
            self.warn(f"{layer_id} (alpha_U)", f"alpha undefined: {point.note}")
        return result, int(full.sum()), merged

    def _pair_spans(self, data: LayerData, match: PairMatch) -> PairSpans:
        n_docs = int(self.study.shared(match.a, match.b).sum())
        return PairSpans(self.study.pair_names(match.a, match.b), n_docs, (match.n_a, match.n_b),
                         _prf(match.tp_exact, match.n_a, match.n_b, "exact"),
                         _prf(match.tp_overlap, match.n_a, match.n_b, "overlap"),
                         len(match.pairs), tuple(data.ref(i) for i in match.unmatched))

    def _attribute(self, data: LayerData, spec: Field, coding: FieldCoding, codes: Table) -> FieldAgreement:
        key = f"{data.layer.id}.{spec.id}"
        table = _gather(codes, data.clusters.units.T)
        overall, percent = self.estimate(key, table, coding)
        ac1 = self._ac1(key, table, coding, overall, percent)
        pairs = []
        for match in data.matches:
            names = self.study.pair_names(match.a, match.b)
            table = _gather(codes, match.pairs.T)
            alpha, pair_percent = self.estimate(self.pair_key(key, names), table, coding, key)
            pairs.append(PairAgreement(names, alpha, pair_percent,
                                       confusion=_confusion(names, table, coding) if coding.confusable else None,
                                       ac1=_ac1(table, coding)))
        return FieldAgreement(key, "attribute", data.layer.id, spec.id, spec.label.en, spec.label.ar,
                              coding.level, overall, percent, tuple(pairs), ac1=ac1)

    def _attribute_disagreements(self, data: LayerData, match: PairMatch,
                                 codings: list[tuple[Field, FieldCoding]], codes: dict[str, Table]) -> None:
        """Record every aligned pair of spans whose attributes differ (an empty value included)."""
        if not len(match.pairs) or not codings:
            return
        fields = [spec.id for spec, _ in codings]
        effective = [coding.effective for _, coding in codings]
        differs = np.array([_differs(_gather(codes[f], match.pairs.T)) for f in fields])
        units, which = np.nonzero(differs.T)  # row-major: grouped by unit, fields in order
        if not len(units):
            return
        names = self.study.pair_names(match.a, match.b)
        units, which = units.tolist(), which.tolist()
        bounds = [0, *(np.nonzero(np.diff(units))[0] + 1).tolist(), len(units)]
        ia, ib = match.pairs[:, 0].tolist(), match.pairs[:, 1].tolist()
        layer_id, anns, ref, add = data.layer.id, data.annotations, data.ref, self.attribute_disagreements.append
        for lo, hi in zip(bounds, bounds[1:]):
            i, j = ia[units[lo]], ib[units[lo]]
            a, b = anns[i].attrs, anns[j].attrs
            diffs = tuple((fields[n], effective[n](a.get(fields[n])), effective[n](b.get(fields[n])))
                          for n in which[lo:hi])
            add(AttributeDisagreement(anns[i].document_id, layer_id, names, (ref(i), ref(j)), diffs))

    # -- document fields and actor sets --------------------------------------------------------

    def _document_table(self, values: Sequence[Sequence[Any]], coding: FieldCoding) -> Table:
        """coders x documents codes; a coder who did not code a document is missing."""
        done = self.study.done.T
        rows = [coding.encode(row) for row in values]
        if coding.numeric:
            return np.where(done, np.array(rows, dtype=float).reshape(done.shape), math.nan)
        return [[v if ok else None for v, ok in zip(row, mask)] for row, mask in zip(rows, done.tolist())]

    def _document_field(self, spec: Field) -> FieldAgreement:
        return self._variable(f"{DOCUMENT}.{spec.id}", "document", spec.id, spec.label, coding_for(spec),
                              document_values(self.study, spec.id))

    def _actor_sets(self, data: LayerData) -> FieldAgreement:
        """Per document and coder, the set of normalized canonical actor names (MASI alpha)."""
        return self._variable("actors", "actors", "actors", ACTOR_SETS.label, coding_for(ACTOR_SETS),
                              actor_sets(self.study, data, ACTOR_NAME))

    def _variable(self, key: str, scope: str, field_id: str, label: Label, coding: FieldCoding,
                  raw: list[list[Any]]) -> FieldAgreement:
        s = self.study
        table = self._document_table(raw, coding)
        overall, percent = self.estimate(key, table, coding)
        ac1 = self._ac1(key, table, coding, overall, percent)
        pairs = []
        for a, b in s.pairs:
            names = s.pair_names(a, b)
            pair_table = _pair_rows(table, a, b, s.shared(a, b))
            alpha, pair_percent = self.estimate(self.pair_key(key, names), pair_table, coding, key)
            pairs.append(PairAgreement(names, alpha, pair_percent, _kappa(pair_table, coding),
                                       _confusion(names, pair_table, coding) if coding.confusable else None,
                                       _ac1(pair_table, coding)))
        fleiss, fleiss_note = _fleiss(table, coding)
        self._field_disagreements(key, raw, table, coding)
        return FieldAgreement(key, scope, None, field_id, label.en, label.ar, coding.level, overall,
                              percent, tuple(pairs), fleiss, fleiss_note, ac1)

    def _field_disagreements(self, key: str, raw: list[list[Any]], table: Table, coding: FieldCoding) -> None:
        s = self.study
        for d, doc_id in enumerate(s.documents):
            who = np.nonzero(s.done[d])[0]
            codes = [table[c][d] for c in who]
            present = [not is_missing(v) for v in codes]
            if not any(present):
                continue
            if all(present) and all(v == codes[0] for v in codes):
                continue
            values = tuple((s.coders[c], _plain_value(coding.effective(raw[c][d]))) for c in who)
            self.field_disagreements.append(FieldDisagreement(doc_id, key, values))


# -- helpers -------------------------------------------------------------------------------------


def _seed(seed: int, key: str) -> int:
    """A per-variable seed: stable across runs and independent of which variables are chosen."""
    return int(np.random.SeedSequence([seed, zlib.crc32(key.encode("utf-8"))]).generate_state(1)[0])


def _union_runs(starts: np.ndarray, ends: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """One coder's spans made disjoint, as alpha_U requires: overlapping spans become their union."""
    if not len(starts):
        return starts, ends
    order = np.lexsort((ends, starts))
    starts, ends = starts[order], ends[order]
    first = np.nonzero(np.r_[True, starts[1:] >= np.maximum.accumulate(ends)[:-1]])[0]
    return starts[first], np.maximum.reduceat(ends, first)


def _gather(codes: Table, index: np.ndarray) -> Table:
    """codes[index] with -1 as missing; index is coders x units."""
    if isinstance(codes, np.ndarray):
        if codes.size == 0:
            return np.full(index.shape, math.nan)
        return np.where(index >= 0, codes[np.maximum(index, 0)], math.nan)
    return [[codes[i] if i >= 0 else None for i in row] for row in index.tolist()]


def _pair_rows(table: Table, a: int, b: int, both: np.ndarray) -> Table:
    if isinstance(table, np.ndarray):
        return table[[a, b]][:, both]
    return [[v for v, ok in zip(table[c], both) if ok] for c in (a, b)]


def _differs(table: Table) -> np.ndarray:
    """Per unit of a 2-row table: the values differ, or exactly one is empty."""
    if isinstance(table, np.ndarray):
        a, b = table
        return ~((a == b) | (np.isnan(a) & np.isnan(b)))
    return np.array([x != y for x, y in zip(*table)], dtype=bool)


def _prf(tp: int, n_ref: int, n_pred: int, match: str) -> PRF:
    """Micro-averaged P/R/F1 from summed counts (the per-document formulas of span_prf)."""
    return PRF(tp / n_pred if n_pred else math.nan, tp / n_ref if n_ref else math.nan,
               2 * tp / (n_ref + n_pred) if n_ref + n_pred else math.nan, tp, n_ref, n_pred, match)


def _confusion(names: tuple[str, str], table: np.ndarray, coding: FieldCoding) -> Confusion:
    """Pair confusion over units with at least one value; the used categories in codebook order."""
    k = len(coding.categories)
    a, b = (np.where(np.isnan(row), k, row).astype(int) for row in table)
    keep = (a < k) | (b < k)
    counts = np.bincount(a[keep] * (k + 1) + b[keep], minlength=(k + 1) ** 2).reshape(k + 1, k + 1)
    used = np.nonzero(counts.sum(axis=0) + counts.sum(axis=1))[0]
    labels = tuple(coding.labels[i] if i < k else MISSING for i in used)
    both = ~np.isnan(table).any(axis=0)
    specific = specific_agreement(table[:, both], categories=[float(i) for i in range(k)]).value if k else []
    return Confusion(names, labels, tuple(tuple(int(x) for x in counts[i, used]) for i in used),
                     tuple(float(specific[i]) if i < k else math.nan for i in used))


def _ac1(table: Table, coding: FieldCoding) -> KappaResult | None:
    """Gwet's AC1 of a nominal variable; q counts the codebook's categories when it has them."""
    if coding.level != "nominal" or not coding.numeric:
        return None
    categories = [float(i) for i in range(len(coding.categories))] if coding.confusable else None
    return gwet_ac1(table, categories=categories)


def _kappa(table: Table, coding: FieldCoding) -> KappaResult | None:
    """Cohen's kappa: unweighted on nominal fields, linear weights on ordinal ones."""
    if coding.level not in ("nominal", "ordinal") or not coding.numeric:
        return None
    weights = "linear" if coding.level == "ordinal" else None
    labels = [float(i) for i in range(len(coding.categories))] if coding.categories else None
    return cohen_kappa(table[0].tolist(), table[1].tolist(), weights, labels)


def _fleiss(table: Table, coding: FieldCoding) -> tuple[KappaResult | None, str]:
    """Fleiss' kappa when the field is nominal and every unit has the same number of values."""
    if coding.level != "nominal" or not coding.numeric:
        return None, ""  # not a nominal field: nothing to explain
    present = ~np.isnan(table)
    m = present.sum(axis=0)
    if not len(m) or m.min() < 2 or m.min() != m.max():
        return None, "Fleiss' kappa needs the same number (>= 2) of values in every unit"
    k = max(len(coding.categories), 1)
    codes = table.T[present.T].astype(int).reshape(len(m), int(m[0]))
    counts = np.zeros((len(m), k), dtype=int)
    np.add.at(counts, (np.repeat(np.arange(len(m)), m[0]), codes.ravel()), 1)
    return fleiss_kappa(counts), ""


def _plain_value(value: Any) -> Any:
    if isinstance(value, (set, frozenset)):
        return sorted(value)
    return value
