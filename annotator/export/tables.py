"""CSV for spreadsheets: ``spans.csv`` (one row per span), ``document_fields.csv`` (one row per
document and source) and ``links.csv`` (one row per link); every column in docs/export.md.

UTF-8 with a byte-order mark, so Excel opens Arabic as Arabic; CRLF row ends (RFC 4180).
A text cell that a spreadsheet would run as a formula -- one starting with ``= + - @``, a tab or
a carriage return -- gets a leading apostrophe, and so does one that already starts with an
apostrophe, so that removing one leading apostrophe always gives the value back. Numbers are
written as numbers and never escaped (counts are never negative).
"""

from __future__ import annotations

import csv
from collections.abc import Iterable
from typing import Any

from annotator.codebook import Codebook
from annotator.export.output import StagedFolder
from annotator.export.records import ExportDocument
from annotator.model import Provenance
from annotator.offsets import OffsetMap
from annotator.spreadsheet import escape_formula

SPANS, FIELDS, LINKS = "spans.csv", "document_fields.csv", "links.csv"
PROVENANCE_COLUMNS = ["decision", "source_coders", "adjudicator", "decided_at"]
LIST_SEPARATOR = ";"


def span_columns(codebook: Codebook) -> list[str]:
    attrs = [f"{layer.id}.{f.id}" for layer in codebook.layers for f in layer.fields]
    return (["document_id", "source", "span_id", "layer", "start", "end", "start_utf16", "end_utf16", "quote"]
            + attrs + PROVENANCE_COLUMNS)


def field_columns(codebook: Codebook) -> list[str]:
    return (["document_id", "source", "status", "title", "outlet", "url", "published"]
            + [f.id for f in codebook.document_fields])


LINK_COLUMNS = ["document_id", "source", "link_id", "kind", "from_id", "from_layer", "from_quote",
                "to_id", "to_layer", "to_quote"] + PROVENANCE_COLUMNS


def write(docs: Iterable[ExportDocument], out: StagedFolder, codebook: Codebook) -> dict[str, Any]:
    span_cols, field_cols = span_columns(codebook), field_columns(codebook)
    with _open(out, SPANS) as spans_fh, _open(out, FIELDS) as fields_fh, _open(out, LINKS) as links_fh:
        spans_w, fields_w, links_w = csv.writer(spans_fh), csv.writer(fields_fh), csv.writer(links_fh)
        spans_w.writerow(span_cols)
        fields_w.writerow(field_cols)
        links_w.writerow(LINK_COLUMNS)
        # Where each layer's fields go among the attribute columns.
        slots: dict[str, list[tuple[int, str]]] = {}
        for i, col in enumerate(span_cols[9:-len(PROVENANCE_COLUMNS)]):
            layer, field = col.split(".", 1)
            slots.setdefault(layer, []).append((i, field))
        n_attrs = len(span_cols) - 9 - len(PROVENANCE_COLUMNS)
        for doc in docs:
            d = doc.document
            offsets = OffsetMap(d.text)
            by_id = {s.id: s for s in doc.spans}
            for s in doc.spans:
                attrs: list[Any] = [None] * n_attrs
                for i, field in slots.get(s.layer, ()):
                    attrs[i] = s.attrs.get(field)
                spans_w.writerow(cells([d.id, doc.source, s.id, s.layer, s.start, s.end, offsets.to_qt(s.start),
                                        offsets.to_qt(s.end), s.quote, *attrs, *_provenance(s.provenance)]))
            fields_w.writerow(cells([d.id, doc.source, doc.status, d.title, d.outlet, d.url, d.published,
                                     *(doc.labels.get(c) for c in field_cols[7:])]))
            for l in doc.links:
                a, b = by_id.get(l.from_id), by_id.get(l.to_id)
                links_w.writerow(cells([d.id, doc.source, l.id, l.kind, l.from_id, a and a.layer, a and a.quote,
                                        l.to_id, b and b.layer, b and b.quote, *_provenance(l.provenance)]))
    return {"files": {SPANS: "one row per span", FIELDS: "one row per document and source",
                      LINKS: "one row per link"},
            "encoding": "UTF-8 with BOM, CRLF rows", "list_separator": LIST_SEPARATOR,
            "formula_escape": "a leading apostrophe before = + - @ tab CR and '"}


def _open(out: StagedFolder, name: str) -> Any:
    return open(out.file(name), "w", encoding="utf-8-sig", newline="")


def _provenance(p: Provenance | None) -> list[Any]:
    if p is None:
        return [None] * len(PROVENANCE_COLUMNS)
    return [p.decision, list(p.source_coders), p.adjudicator, p.decided_at]


def cells(values: list[Any]) -> list[str]:
    return [cell(v) for v in values]


def cell(value: Any) -> str:
    """One value as a CSV cell: empty for None, true/false, numbers as numbers, lists joined by ;."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, (int, float)):
        return repr(value)
    if isinstance(value, (list, tuple)):
        return escape_formula(LIST_SEPARATOR.join(str(v) for v in value))
    return escape_formula(str(value))
