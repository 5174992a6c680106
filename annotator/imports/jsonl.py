"""Reading the JSONL export (:mod:`annotator.export.jsonl`) back: one document per line.

The file, or an export folder holding ``documents.jsonl``. A line that is not JSON or not a
document is rejected whole; a span or link without the keys it needs is rejected alone. The
UTF-16 offsets are derived data and are not read.
"""

from __future__ import annotations

import reprlib
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.codebook import Codebook
from annotator.corpus import bounded_lines, too_long
from annotator.export.jsonl import FILE, provenance_from
from annotator.export.records import ExportDocument, ExportLink, ExportSpan
from annotator.export.sources import GOLD
from annotator.imports import incoming
from annotator.imports.incoming import Incoming
from annotator.model import Document, Rejection


class _Bad(ValueError):
    """A value of the wrong shape; the message says which."""


def read(path: Path, codebook: Codebook, *, coder: str | None = None) -> Iterator[Incoming | Rejection]:
    if path.is_dir():
        path = path / FILE
    where = str(path)
    try:
        handle = open(path, encoding="utf-8-sig", newline="")
    except OSError as exc:
        yield Rejection(where, None, f"cannot read: {exc.strerror or exc}")
        return
    with handle:
        try:
            limit = incoming.MAX_DOCUMENT_BYTES
            for number, line in enumerate(bounded_lines(handle.readline, ("\n", "\r"), limit), 1):
                if line is None:
                    yield Rejection(where, number, too_long("line", limit))
                    continue
                if not line.strip():
                    continue
                try:
                    data = json.loads(line)
                except json.JSONDecodeError as exc:
                    yield Rejection(where, number, f"invalid JSON: {exc.msg} (column {exc.colno})")
                    continue
                except RecursionError:
                    yield Rejection(where, number, "invalid JSON: nested too deeply")
                    continue
                yield from _document(data, where, number)
        except UnicodeDecodeError as exc:
            yield Rejection(where, None, f"not UTF-8 text (byte {exc.start}); the rest of the file was skipped")


def _document(data: Any, where: str, line: int) -> Iterator[Incoming | Rejection]:
    try:
        if not isinstance(data, dict):
            raise _Bad(f"expected a document object, found {type(data).__name__}")
        meta = _get(data, "metadata", dict, {})
        provenance = _get(data, "provenance", dict, {})
        document = Document(id=_get(data, "id", str), title=_get(data, "title", str, ""), text=_get(data, "text", str),
                            outlet=meta.get("outlet"), url=meta.get("url"), published=meta.get("published"),
                            meta=meta.get("meta") or {}, origin=meta.get("origin"))
        gold = provenance.get("source") == "gold"
        source = GOLD if gold else provenance.get("coder")
        if not isinstance(source, str) or not source:
            raise _Bad("provenance names no coder (and the source is not gold)")
        fields = _get(data, "fields", dict, {})
        field_provenance = {f: provenance_from(p) for f, p in (provenance.get("fields") or {}).items()}
        spans_data = _get(data, "spans", list, [])
        links_data = _get(data, "links", list, [])
    except (_Bad, KeyError, TypeError) as exc:
        yield Rejection(where, line, f"not a document of the JSONL export: {exc}")
        return
    spans: list[ExportSpan] = []
    for i, item in enumerate(spans_data, 1):
        try:
            prov = _get(item, "provenance", dict, None)
            spans.append(ExportSpan(id=_get(item, "id", str), layer=_get(item, "layer", str),
                                    start=_get(item, "start", int), end=_get(item, "end", int),
                                    quote=_get(item, "quote", str), attrs=_get(item, "attributes", dict, {}),
                                    coder=None if gold else source, provenance=provenance_from(prov),
                                    covers=tuple((prov or {}).get("covers") or ())))
        except (_Bad, KeyError, TypeError) as exc:
            yield Rejection(where, line, f"document {document.id}: span #{i}: {exc}")
    links: list[ExportLink] = []
    for i, item in enumerate(links_data, 1):
        try:
            prov = _get(item, "provenance", dict, None)
            links.append(ExportLink(id=_get(item, "id", str), from_id=_get(item, "from", str),
                                    to_id=_get(item, "to", str), kind=_get(item, "kind", str),
                                    coder=None if gold else source, provenance=provenance_from(prov),
                                    covers=tuple((prov or {}).get("covers") or ())))
        except (_Bad, KeyError, TypeError) as exc:
            yield Rejection(where, line, f"document {document.id}: link #{i}: {exc}")
    record = ExportDocument(document=document, source=source, spans=tuple(spans), links=tuple(links),
                            labels=fields, label_provenance={f: p for f, p in field_provenance.items() if p},
                            status=provenance.get("status"))
    yield Incoming(record, where, line)


_MISSING = object()


def _get(data: Any, key: str, kind: type, default: Any = _MISSING) -> Any:
    if not isinstance(data, dict):
        raise _Bad(f"expected an object, found {type(data).__name__}")
    if key not in data or data[key] is None:
        if default is _MISSING:
            raise _Bad(f"{key!r} is missing")
        return default
    value = data[key]
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        raise _Bad(f"{key!r} must be {kind.__name__}, not {reprlib.repr(value)}")  # a value may be megabytes
    return value
