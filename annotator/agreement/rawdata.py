"""The raw reliability data: one row per unit and variable, one column per coder (for CSV).

Columns: ``variable``, ``unit``, then one per coder.  Together the first two identify a unit
(Krippendorff's reliability data matrix is units x coders per variable; several variables share
one file here, so the variable is a column of its own).  An empty cell is a missing value.

Rows, in report order:

* ``<layer>.span`` -- each all-coder unit of aligned spans (study docstring in
  :mod:`annotator.agreement.matching`): the cell is the coder's ``start-end`` offsets, so
  unmatched spans appear as rows with one filled cell.  Groups of spans aligned inconsistently
  are rows ``<layer>.span (ambiguous)`` with every span of a coder in the cell, joined by " | ".
* ``<layer>.<field>`` -- the attributes of the same units, as entered (an unchecked optional
  check box is "no").
* ``document.<field>`` -- each sample document; empty when the coder left it empty or did not
  code the document.
* ``actors`` -- the canonical actor names a coder marked in a document, " | "-joined;
  "(none)" when they coded the document and marked no actor.

Unit ids: ``<document>:<start>-<end>`` (the span of the unit's spans, in code points) for spans,
the document id otherwise.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from annotator.agreement.coding import coding_for, display
from annotator.agreement.loader import load_coding
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
from annotator.codebook import Codebook
from annotator.model import Annotation

NO_ACTORS = "(none)"


def reliability_table(project: Any, *, coders: Sequence[str] | None = None,
                      documents: Sequence[str] | None = None,
                      layers: Iterable[str] | None = None) -> list[list[str]]:
    """A project's raw reliability data: header row, then one row per unit and variable."""
    data = load_coding(project, coders=coders, documents=documents)
    return reliability_rows(data.annotations, data.labels, data.codebook, lengths=data.lengths,
                            coders=data.coders, coded=data.coded, layers=layers)


def reliability_rows(annotations: Iterable[Annotation], labels: Mapping[tuple[str, str], Mapping[str, Any]],
                     codebook: Codebook, *, lengths: Mapping[str, int], coders: Sequence[str] | None = None,
                     coded: Mapping[str, Iterable[str]] | None = None, layers: Iterable[str] | None = None,
                     skip: Iterable[str] = SKIP_FIELDS) -> list[list[str]]:
    """The rows of :func:`reliability_table` from plain coding data (arguments as ``summarize``)."""
    study = Study(annotations, labels, codebook, lengths=lengths, coders=coders, coded=coded, layers=layers)
    skip = frozenset(skip)
    rows = [["variable", "unit", *study.coders]]
    for data in study.layer_data:
        rows += _layer_rows(study, data, skip)
    if study.with_documents:
        for spec in codebook.document_fields:
            key = f"{DOCUMENT}.{spec.id}"
            if key not in skip:
                coding = coding_for(spec)
                rows += _document_rows(study, key, [[display(coding.effective(v)) for v in row]
                                                    for row in document_values(study, spec.id)])
    actor_layer = next((d for d in study.layer_data if d.layer.id == ACTOR_LAYER
                        and d.layer.field(ACTOR_NAME) is not None), None)
    if actor_layer is not None:
        sets = actor_sets(study, actor_layer, ACTOR_NAME)
        rows += _document_rows(study, "actors", [[display(s) or NO_ACTORS for s in row] for row in sets])
    return rows


def _layer_rows(study: Study, data: LayerData, skip: frozenset[str]) -> list[list[str]]:
    layer = data.layer
    anns = data.annotations
    units = data.clusters.units.tolist()
    unit_ids = [_unit_id([anns[i] for i in unit if i >= 0]) for unit in units]
    rows = [[f"{layer.id}.span", uid, *(f"{anns[i].start}-{anns[i].end}" if i >= 0 else "" for i in unit)]
            for uid, unit in zip(unit_ids, units)]
    for group in data.clusters.ambiguous:
        members = [anns[i] for i in group.tolist()]
        cells = [" | ".join(f"{a.start}-{a.end}" for a in members if a.coder == coder) for coder in study.coders]
        rows.append([f"{layer.id}.span (ambiguous)", _unit_id(members), *cells])
    for spec in layer.fields:
        key = f"{layer.id}.{spec.id}"
        if key in skip:
            continue
        coding = coding_for(spec)
        rows += [[key, uid, *(display(coding.effective(anns[i].attrs.get(spec.id))) if i >= 0 else ""
                              for i in unit)]
                 for uid, unit in zip(unit_ids, units)]
    return rows


def _document_rows(study: Study, key: str, cells: list[list[str]]) -> list[list[str]]:
    """One row per sample document; cells of coders who did not code it stay empty."""
    return [[key, doc_id, *(cells[c][d] if study.done[d, c] else "" for c in range(len(study.coders)))]
            for d, doc_id in enumerate(study.documents)]


def _unit_id(spans: list[Annotation]) -> str:
    return f"{spans[0].document_id}:{min(a.start for a in spans)}-{max(a.end for a in spans)}"
