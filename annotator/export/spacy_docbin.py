"""spaCy: DocBins (``documents-0001.spacy``, … of up to 500 documents each) when spaCy is installed
(``pip install annotator[spacy]``), else a JSONL of spaCy-style character spans (``spacy_spans.jsonl``).

DocBin: one ``Doc`` per document and source, tokenised by ``spacy.blank("ar")``. A DocBin is held in
memory until written, hence the parts; ``spacy train`` and ``spacy.training.Corpus`` read every
``.spacy`` file of a folder. Spans are in
``doc.spans[layer]`` (label = layer, ``span.id_`` = the annotation id). spaCy needs token
boundaries, so a span that starts or ends inside a token is widened to whole tokens
(``alignment_mode="expand"``); the exact code-point offsets stay in the group's attributes.
Each group's ``attrs["annotations"]`` maps annotation id to ``{start, end, quote, attributes,
provenance}``, and :func:`register_extensions` makes them ``span._.attributes``,
``span._.annotation`` and ``doc._.annotator`` (the document's id, source, status, fields and links,
kept in ``doc.user_data["annotator"]``).

Fallback JSONL: ``{"id", "source", "text", "spans": [{"start", "end", "label", "id",
"attributes"}], "fields", "links"}`` per line; ``doc.char_span(start, end, label=label)`` builds
the span in spaCy (offsets are code points, as Python and spaCy count).
"""

from __future__ import annotations

import importlib.util
from collections.abc import Iterable
from typing import Any

from annotator.codebook import Codebook
from annotator.export.jsonl import dumps, link_record, provenance_record
from annotator.export.output import StagedFolder
from annotator.export.records import ExportDocument

FALLBACK_FILE = "spacy_spans.jsonl"
PART_SIZE = 500  # documents per DocBin file
LANGUAGE = "ar"
ALIGNMENT = "expand"
USER_DATA_KEY = "annotator"


def spacy_available() -> bool:
    return importlib.util.find_spec("spacy") is not None


def write(docs: Iterable[ExportDocument], out: StagedFolder, codebook: Codebook, *,
          use_spacy: bool | None = None) -> dict[str, Any]:
    """``use_spacy``: None = a DocBin if spaCy is installed; False = always the JSONL fallback."""
    if use_spacy is None:
        use_spacy = spacy_available()
    return _write_docbin(docs, out) if use_spacy else _write_fallback(docs, out)


def _annotation(span: Any) -> dict[str, Any]:
    return {"start": span.start, "end": span.end, "quote": span.quote, "attributes": span.attrs,
            "provenance": provenance_record(span.provenance, span.covers)}


def _document_data(doc: ExportDocument) -> dict[str, Any]:
    return {"id": doc.document.id, "source": doc.source, "status": doc.status, "title": doc.document.title,
            "fields": doc.labels, "links": [link_record(l) for l in doc.links]}


def docbin_name(part: int) -> str:
    return f"documents-{part:04d}.spacy"


def _write_docbin(docs: Iterable[ExportDocument], out: StagedFolder) -> dict[str, Any]:
    import spacy
    import srsly.msgpack
    from spacy.tokens import DocBin, SpanGroup

    nlp = spacy.blank(LANGUAGE)
    docbin, parts, moved, unaligned = DocBin(store_user_data=True), 0, 0, 0
    # srsly looks up third-party msgpack encoders in the installed packages' metadata on every
    # call (several per Doc), a third of the time; user data here is plain JSON, so skip the scan.
    encoders = srsly.msgpack.msgpack_encoders
    scan, encoders.entry_points = encoders.entry_points, False
    try:
        for record in docs:
            doc = nlp.make_doc(record.document.text)
            groups: dict[str, tuple[list[Any], dict[str, Any]]] = {}
            for s in record.spans:
                span = doc.char_span(s.start, s.end, label=s.layer, alignment_mode=ALIGNMENT, span_id=s.id)
                if span is None:  # nothing but whitespace: no token to hold it
                    unaligned += 1
                    continue
                moved += (span.start_char, span.end_char) != (s.start, s.end)
                spans, annotations = groups.setdefault(s.layer, ([], {}))
                spans.append(span)
                annotations[s.id] = _annotation(s)
            for layer, (spans, annotations) in groups.items():
                doc.spans[layer] = SpanGroup(doc, name=layer, spans=spans, attrs={"annotations": annotations})
            doc.user_data[USER_DATA_KEY] = _document_data(record)
            docbin.add(doc)
            if len(docbin) == PART_SIZE:
                parts += 1
                docbin.to_disk(out.file(docbin_name(parts)))
                docbin = DocBin(store_user_data=True)
        if len(docbin) or not parts:
            parts += 1
            docbin.to_disk(out.file(docbin_name(parts)))
    finally:
        encoders.entry_points = scan
    return {"files": {docbin_name(1): f"spaCy DocBin, {PART_SIZE} documents per file"}, "parts": parts,
            "spacy": spacy.__version__, "tokenizer": f'spacy.blank("{LANGUAGE}")', "alignment_mode": ALIGNMENT,
            "spans_widened_to_tokens": moved, "spans_without_tokens": unaligned}


def _write_fallback(docs: Iterable[ExportDocument], out: StagedFolder) -> dict[str, Any]:
    with open(out.file(FALLBACK_FILE), "w", encoding="utf-8", newline="\n") as handle:
        for record in docs:
            line = {"id": record.document.id, "source": record.source, "text": record.document.text,
                    "spans": [{"start": s.start, "end": s.end, "label": s.layer, "id": s.id,
                               "attributes": s.attrs} for s in record.spans],
                    "fields": record.labels, "links": [link_record(l) for l in record.links]}
            handle.write(dumps(line) + "\n")
    return {"files": {FALLBACK_FILE: "spaCy character spans, one document per line"}, "spacy": None,
            "offsets": "code points (doc.char_span)"}


def register_extensions() -> None:
    """``span._.annotation``, ``span._.attributes`` and ``doc._.annotator`` for a loaded DocBin."""
    from spacy.tokens import Doc, Span

    def annotation(span: Any) -> dict[str, Any] | None:
        group = span.doc.spans.get(span.label_)
        return None if group is None else group.attrs.get("annotations", {}).get(span.id_)

    Span.set_extension("annotation", getter=annotation, force=True)
    Span.set_extension("attributes", getter=lambda span: (annotation(span) or {}).get("attributes"), force=True)
    Doc.set_extension("annotator", getter=lambda doc: doc.user_data.get(USER_DATA_KEY), force=True)
