"""spaCy: DocBins (``documents-0001.spacy``, … of up to 500 documents each) when spaCy is installed
(``pip install annotator[spacy]``), else a JSONL of spaCy-style character spans (``spacy_spans.jsonl``).

DocBin: one ``Doc`` per document and source, tokenised by ``spacy.blank("ar")``, its tokens stored
with what that tokenizer sets (``ORTH``, ``NORM``; the other token columns would be empty). A
DocBin is held in memory until written, hence the parts, each written to disk in a thread while the
next is built; ``spacy train`` and ``spacy.training.Corpus`` read every ``.spacy`` file of a
folder. Spans are in
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
from collections.abc import Iterable, Iterator
from concurrent.futures import Future, ThreadPoolExecutor
from contextlib import contextmanager
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
TOKEN_ATTRS = ("ORTH", "NORM")  # what spacy.blank sets; a DocBin's other columns would hold zeros


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
    from spacy.tokens import DocBin, SpanGroup

    nlp = spacy.blank(LANGUAGE)
    docbin, parts, moved, unaligned = DocBin(attrs=TOKEN_ATTRS, store_user_data=True), 0, 0, 0
    hashes: set[int] = set()  # of the strings in docbin
    writing: Future[None] | None = None
    # zlib, most of a DocBin's writing, lets go of the GIL: a part is written while the next is built.
    with _msgpack_encoders_looked_up_once(), ThreadPoolExecutor(max_workers=1) as writer:
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
            add_to_docbin(docbin, doc, hashes)
            if len(docbin) == PART_SIZE:
                parts += 1
                writing = _write_part(writer, writing, docbin, out.file(docbin_name(parts)))
                docbin, hashes = DocBin(attrs=TOKEN_ATTRS, store_user_data=True), set()
        if len(docbin) or not parts:
            parts += 1
            writing = _write_part(writer, writing, docbin, out.file(docbin_name(parts)))
        if writing is not None:  # the last part written (an error writing it raised here)
            writing.result()
    return {"files": {docbin_name(1): f"spaCy DocBin, {PART_SIZE} documents per file"}, "parts": parts,
            "spacy": spacy.__version__, "tokenizer": f'spacy.blank("{LANGUAGE}")', "alignment_mode": ALIGNMENT,
            "spans_widened_to_tokens": moved, "spans_without_tokens": unaligned}


def _write_part(writer: ThreadPoolExecutor, previous: Future[None] | None, docbin: Any, path: Any) -> Future[None]:
    """Start writing ``docbin`` once the previous part is written (one part in memory besides the
    one being built; an error writing it is raised here)."""
    if previous is not None:
        previous.result()
    return writer.submit(docbin.to_disk, path)


@contextmanager
def _msgpack_encoders_looked_up_once() -> Iterator[None]:
    """srsly builds a msgpack Packer for each call (several per Doc), and each looks up its encoders
    in catalogue's whole registry (spaCy registers hundreds of functions) and in every installed
    package's metadata: most of the time of a DocBin. The user data and span groups here are plain
    JSON and bytes, so the encoders registered now are all there are: look them up once."""
    import srsly.msgpack

    encoders = srsly.msgpack.msgpack_encoders
    scan, encoders.entry_points = encoders.entry_points, False
    try:
        found = encoders.get_all()
    finally:
        encoders.entry_points = scan
    encoders.get_all = lambda: found  # an attribute of this registry, over its method
    try:
        yield
    finally:
        del encoders.get_all


def add_to_docbin(docbin: Any, doc: Any, hashes: set[int]) -> None:
    """What ``DocBin.add(doc)`` does (tests/export/test_spacy_fast.py holds them equal), but for the
    strings of the tokens: DocBin.add reads nine string attributes of every token in Python, nine
    tenths of its time; here they come from the distinct hashes of the token table, looked up
    where not in ``hashes`` (those whose strings ``docbin`` holds already; updated)."""
    import numpy
    import srsly
    from spacy.attrs import SPACY

    array = doc.to_array(docbin.attrs)
    if len(array.shape) == 1:
        array = array.reshape((array.shape[0], 1))
    docbin.tokens.append(array)
    spaces = doc.to_array(SPACY)
    docbin.spaces.append(numpy.asarray(spaces.reshape((spaces.shape[0], 1)), dtype=bool))
    docbin.flags.append({"has_unknown_spaces": doc.has_unknown_spaces})
    strings = doc.vocab.strings
    # Distinct by sorting (numpy.unique takes 7x as long on these small tables).
    table = numpy.sort(doc.to_array(_TOKEN_STRINGS), axis=None)
    new = set(table[numpy.concatenate(([True], table[1:] != table[:-1]))].tolist() if len(table) else []) - hashes
    hashes |= new
    docbin.strings.update(map(strings.__getitem__, new))
    docbin.cats.append(doc.cats)
    if docbin.store_user_data:
        docbin.user_data.append(srsly.msgpack_dumps(doc.user_data))
    docbin.span_groups.append(doc.spans.to_bytes())
    for group in doc.spans.values():
        for span in group:
            docbin.strings.add(span.label_)
            if span.kb_id in strings:
                docbin.strings.add(span.kb_id_)
            if span.id in strings:
                docbin.strings.add(span.id_)


# The token attributes whose strings DocBin.add keeps (text, tag, lemma, norm, morph, dep, entity
# type, entity KB id, entity id).
_TOKEN_STRINGS = ["ORTH", "TAG", "LEMMA", "NORM", "MORPH", "DEP", "ENT_TYPE", "ENT_KB_ID", "ENT_ID"]


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
