"""How well each coder agrees with the gold standard.

For every coder, on the gold documents they finished (by default the documents whose gold is
marked done), gold plays the reference:

* spans, per layer: precision = matched / the coder's spans, recall = matched / gold spans,
  F1, with exact matching (same start and end) and overlap matching (sharing a character),
  one-to-one, micro-averaged over documents -- the agreement engine's alignment
  (:mod:`annotator.agreement.matching`) with gold as the first "coder";
* attributes, per layer and field, on the spans paired by the overlap alignment: accuracy (the
  share of pairs where the coder's value equals gold's, among pairs where either has one) and
  Krippendorff's alpha of the two (the field's level; MASI distance for multiple choices);
* document fields: accuracy and alpha over the documents, gold's value against the coder's (a
  field gold left empty counts as empty).

Unmatched spans are never dropped: they are the precision and recall losses.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from annotator.agreement.alpha import krippendorff_alpha
from annotator.agreement.coding import MASI, FieldCoding, coding_for
from annotator.agreement.distance import masi_distance
from annotator.agreement.loader import load_coding
from annotator.agreement.results import plain
from annotator.agreement.spans import PRF
from annotator.agreement.study import SKIP_FIELDS, Study
from annotator.codebook import Field
from annotator.gold.candidates import comparable_value
from annotator.model import Annotation

#: The name gold takes among the coders of the alignment.
GOLD = "(gold)"


@dataclass(frozen=True)
class GoldFieldScore:
    """A coder against gold on one field: ``n`` units where either has a value, the share of
    them with equal values, and alpha (NaN with ``note`` when undefined)."""

    key: str  # layer.field or document.field
    label_en: str
    level: str
    n: int
    accuracy: float
    alpha: float
    note: str = ""


@dataclass(frozen=True)
class GoldLayerScore:
    """A coder's spans of one layer against gold's (gold is the reference of P and R)."""

    layer: str
    label_en: str
    n_gold: int
    n_coder: int
    exact: PRF
    overlap: PRF
    attributes: tuple[GoldFieldScore, ...]


@dataclass(frozen=True)
class CoderGoldAgreement:
    coder: str
    n_documents: int  # gold documents the coder finished
    layers: tuple[GoldLayerScore, ...]
    fields: tuple[GoldFieldScore, ...]


@dataclass(frozen=True)
class GoldAgreement:
    """Every coder against gold; ``documents`` are the gold documents compared."""

    documents: tuple[str, ...]
    coders: tuple[CoderGoldAgreement, ...]

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def gold_agreement(project: Any, *, coders: Sequence[str] | None = None,
                   documents: Sequence[str] | None = None, done_only: bool = True) -> GoldAgreement:
    """Each coder against gold (module docstring).

    ``documents`` default to the documents whose gold is marked done (``done_only=False``: every
    document with any gold decision); ``coders`` to every coder with the role coder.
    """
    docs = list(documents) if documents is not None else project.gold_document_ids(done_only=done_only)
    chosen = list(coders) if coders else [c for c in project.coders() if project.coder_role(c) == "coder"]
    if GOLD in chosen:
        raise ValueError(f"a coder named {GOLD!r} cannot be compared with gold")
    if not docs:
        return GoldAgreement((), ())
    data = load_coding(project, coders=chosen, documents=docs)
    gold = [Annotation(g.id, g.document_id, GOLD, g.layer, g.start, g.end, g.quote, g.attrs)
            for d in docs for g in project.gold_annotations(d)]
    gold_labels = {d: {f: label.value for f, label in project.gold_labels(d, include_rejected=True).items()}
                   for d in docs}
    results = []
    for coder in chosen:
        mine = [d for d in docs if coder in data.coded[d]]
        if not mine:
            continue
        wanted = set(mine)
        annotations = gold + [a for a in data.annotations if a.coder == coder and a.document_id in wanted]
        labels = {(d, GOLD): gold_labels[d] for d in mine} | {(d, coder): data.labels.get((d, coder), {})
                                                               for d in mine}
        study = Study(annotations, labels, project.codebook, lengths={d: data.lengths[d] for d in mine},
                      coders=(GOLD, coder), coded={d: (GOLD, coder) for d in mine})
        layers = tuple(_layer_score(data_) for data_ in study.layer_data)
        fields = tuple(_score(f"document.{spec.id}", spec, [labels[(d, GOLD)].get(spec.id) for d in mine],
                              [labels[(d, coder)].get(spec.id) for d in mine])
                       for spec in project.codebook.document_fields if f"document.{spec.id}" not in SKIP_FIELDS)
        results.append(CoderGoldAgreement(coder, len(mine), layers, fields))
    return GoldAgreement(tuple(docs), tuple(results))


def _layer_score(data: Any) -> GoldLayerScore:
    match = data.matches[0]  # the pair (gold, coder)
    pairs = match.pairs.tolist()
    attributes = []
    for spec in data.layer.fields:
        key = f"{data.layer.id}.{spec.id}"
        if key in SKIP_FIELDS:
            continue
        attributes.append(_score(key, spec, [data.annotations[g].attrs.get(spec.id) for g, _ in pairs],
                                 [data.annotations[c].attrs.get(spec.id) for _, c in pairs]))
    return GoldLayerScore(data.layer.id, data.layer.label.en, match.n_a, match.n_b,
                          _prf(match.tp_exact, match.n_a, match.n_b, "exact"),
                          _prf(match.tp_overlap, match.n_a, match.n_b, "overlap"), tuple(attributes))


def _prf(tp: int, n_gold: int, n_coder: int, match: str) -> PRF:
    return PRF(tp / n_coder if n_coder else math.nan, tp / n_gold if n_gold else math.nan,
               2 * tp / (n_gold + n_coder) if n_gold + n_coder else math.nan, tp, n_gold, n_coder, match)


def _score(key: str, spec: Field, gold: list[Any], coder: list[Any]) -> GoldFieldScore:
    """Accuracy and alpha of the coder's values against gold's, unit by unit."""
    coding: FieldCoding = coding_for(spec)
    gold = [coding.effective(v) for v in gold]
    coder = [coding.effective(v) for v in coder]
    units = [(g, c) for g, c in zip(gold, coder) if comparable_value(g) is not None or comparable_value(c) is not None]
    equal = sum(comparable_value(g) == comparable_value(c) for g, c in units)
    accuracy = equal / len(units) if units else math.nan
    table = [coding.encode([g for g, _ in units]), coding.encode([c for _, c in units])]
    if coding.numeric:
        table = np.array(table, dtype=float).reshape(2, len(units))
        result = krippendorff_alpha(table, coding.level)
    else:
        result = krippendorff_alpha(table, distance=masi_distance)
    level = MASI if coding.level == MASI else coding.level
    return GoldFieldScore(key, spec.label.en, level, len(units), accuracy, result.value, result.note)
