"""The reference format: one JSON object per line per document and source (docs/export.md).

Offsets are code points into ``text`` (Python's ``text[start:end]``), with UTF-16 offsets beside
them for JavaScript and Qt. The file is UTF-8 without BOM, lines end with ``\\n``; U+2028 and
U+2029 are written as ``\\u`` escapes so that no line splitter sees a line end inside a document.
:mod:`annotator.imports.jsonl` reads it back.
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from annotator.codebook import Codebook
from annotator.export.output import StagedFolder
from annotator.export.records import ExportDocument, ExportLink, ExportSpan
from annotator.model import Provenance
from annotator.offsets import OffsetMap

FILE = "documents.jsonl"


def write(docs: Iterable[ExportDocument], out: StagedFolder, codebook: Codebook) -> dict[str, Any]:
    with open(out.file(FILE), "w", encoding="utf-8", newline="\n") as handle:
        for doc in docs:
            handle.write(dumps(document_record(doc)) + "\n")
    return {"files": {FILE: "one document per line"}}


def dumps(record: dict[str, Any]) -> str:
    text = json.dumps(record, ensure_ascii=False, separators=(",", ":"))
    return text.replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")


def document_record(doc: ExportDocument) -> dict[str, Any]:
    d = doc.document
    offsets = OffsetMap(d.text)
    gold = doc.source == "gold"
    return {
        "id": d.id,
        "title": d.title,
        "text": d.text,
        "metadata": {"outlet": d.outlet, "url": d.url, "published": d.published, "meta": d.meta,
                     "origin": d.origin, "sha256": d.sha256},
        "spans": [span_record(s, offsets) for s in doc.spans],
        "links": [link_record(l) for l in doc.links],
        "fields": doc.labels,
        "provenance": {
            "source": "gold" if gold else "coder",
            "coder": None if gold else doc.source,
            "status": doc.status,
            "fields": {f: provenance_record(p) for f, p in doc.label_provenance.items()},
        },
    }


def span_record(span: ExportSpan, offsets: OffsetMap) -> dict[str, Any]:
    return {"id": span.id, "layer": span.layer, "start": span.start, "end": span.end,
            "start_utf16": offsets.to_qt(span.start), "end_utf16": offsets.to_qt(span.end),
            "quote": span.quote, "attributes": dict(sorted(span.attrs.items())),
            "provenance": provenance_record(span.provenance, span.covers)}


def link_record(link: ExportLink) -> dict[str, Any]:
    return {"id": link.id, "kind": link.kind, "from": link.from_id, "to": link.to_id,
            "provenance": provenance_record(link.provenance, link.covers)}


def provenance_record(p: Provenance | None, covers: tuple[str, ...] | None = None) -> dict[str, Any] | None:
    """A gold decision (None for a coder's item); ``covers`` only for spans and links."""
    if p is None:
        return None
    record = {"decision": p.decision, "source_coders": list(p.source_coders), "adjudicator": p.adjudicator,
              "decided_at": p.decided_at}
    if covers is not None:
        record["covers"] = list(covers)
    return record


def provenance_from(record: dict[str, Any] | None) -> Provenance | None:
    """The inverse of :func:`provenance_record` (for reading exports back)."""
    if record is None:
        return None
    return Provenance(decision=record["decision"], source_coders=tuple(record.get("source_coders") or ()),
                      adjudicator=record.get("adjudicator"), decided_at=record.get("decided_at"))
