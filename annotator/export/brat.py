"""brat standoff: ``SOURCE/DOC.txt`` and ``SOURCE/DOC.ann`` per document, with ``annotation.conf``
and ``visual.conf`` generated from the codebook at the top (the layout bratiaa reads: one folder
per annotator).

* ``.txt`` is the stored text, UTF-8, no newline translation; brat counts code points, like the
  store, so offsets are the stored ones.
* ``T`` lines: one per span, typed by layer. brat cannot show a span across a line break, so such a
  span is written as fragments split at the line breaks (``T3<TAB>claim 10 40;41 60<TAB>…``), the
  way brat itself stores it.
* ``A`` lines: choice and yes/no fields (``A1<TAB>actor_type T1 state_forces``), value tokens from
  the codebook's value ids. Free values (names, counts, dates) and lists have no brat attribute
  form; they go to ``AnnotatorNotes`` as ``field=JSON`` (``#1<TAB>AnnotatorNotes T1<TAB>low=12``).
* ``R`` lines: links (``R1<TAB>claimant Arg1:T2 Arg2:T1``).

brat has no document-level annotation: document fields are in the JSONL and CSV exports.
File and folder names are the ids, percent-encoded where a character is not safe in a file name.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from typing import Any
from urllib.parse import quote, unquote

from annotator.codebook import Codebook, Field
from annotator.export.output import StagedFolder
from annotator.export.records import ExportDocument

CONF, VISUAL = "annotation.conf", "visual.conf"
NOTE = "AnnotatorNotes"
_UNSAFE_TOKEN = re.compile(r"[^A-Za-z0-9_-]")


class BratNames:
    """The codebook's names in brat: attribute names and value tokens, both ways."""

    def __init__(self, codebook: Codebook):
        self.codebook = codebook
        uses: dict[str, int] = {}
        for layer in codebook.layers:
            for f in layer.fields:
                uses[f.id] = uses.get(f.id, 0) + 1
        self.attributes: dict[tuple[str, str], str] = {}   # (layer, field) -> attribute name
        self.tokens: dict[tuple[str, str], dict[Any, str]] = {}  # value -> token, enumerable fields only
        for layer in codebook.layers:
            for f in layer.fields:
                name = f.id if uses[f.id] == 1 else f"{layer.id}_{f.id}"
                self.attributes[(layer.id, f.id)] = name
                if f.type in ("choice", "boolean"):
                    self.tokens[(layer.id, f.id)] = _value_tokens(f)
        self.by_attribute = {name: key for key, name in self.attributes.items()}

    def value_of(self, layer: str, field: str, token: str) -> Any:
        """The stored value of a token (KeyError if the codebook has no such value)."""
        for value, tok in self.tokens[(layer, field)].items():
            if tok == token:
                return value
        raise KeyError(token)


def _value_tokens(f: Field) -> dict[Any, str]:
    """brat attribute values are single tokens of [A-Za-z0-9_-]; value ids are kept where they fit."""
    if f.type == "boolean":
        return {True: "true", False: "false"}
    tokens: dict[Any, str] = {}
    for i, v in enumerate(f.values, 1):
        token = _UNSAFE_TOKEN.sub("_", v.id) or f"v{i}"
        tokens[v.id] = token if token not in tokens.values() else f"{token}_{i}"
    return tokens


def safe_name(name: str) -> str:
    """A file or folder name for an id: percent-encoding of anything but ASCII letters, digits and -_~.

    ``quote`` keeps dots, so a name of dots only ("." or "..", a coder name from an imported file)
    has them encoded too: it must never name the folder itself or the one above it.
    """
    encoded = quote(name, safe="-_~")
    return encoded.replace(".", "%2E") if not encoded.strip(".") else encoded


def name_from_file(stem: str) -> str:
    return unquote(stem)


def write(docs: Iterable[ExportDocument], out: StagedFolder, codebook: Codebook) -> dict[str, Any]:
    names = BratNames(codebook)
    out.file(CONF).write_text(annotation_conf(codebook, names), encoding="utf-8", newline="\n")
    out.file(VISUAL).write_text(visual_conf(codebook), encoding="utf-8", newline="\n")
    skipped = 0
    for doc in docs:
        stem = f"{safe_name(doc.source)}/{safe_name(doc.document.id)}"
        out.write(stem + ".txt", doc.document.text)
        text, missing = ann_text(doc, names)
        skipped += missing
        out.write(stem + ".ann", text)
    return {"layout": "SOURCE/DOCUMENT.txt and .ann, annotation.conf and visual.conf at the top",
            "spans_only_line_breaks_skipped": skipped,
            "document_fields": "not in brat (no document-level annotations); see jsonl or csv"}


_note_json = json.JSONEncoder(ensure_ascii=False).encode  # json.dumps(value, ensure_ascii=False), made once


def fragments(text: str, start: int, end: int) -> list[tuple[int, int]]:
    """[start, end) split at line breaks, without empty pieces."""
    pieces, at = [], start
    while at < end:
        stop = text.find("\n", at, end)
        stop = end if stop < 0 else stop
        if stop > at:
            pieces.append((at, stop))
        at = stop + 1
    return pieces


def ann_text(doc: ExportDocument, names: BratNames) -> tuple[str, int]:
    """The .ann text of one document, and how many spans could not be written (only line breaks)."""
    text = doc.document.text
    lines: list[str] = []
    ids: dict[str, str] = {}
    n_attr = n_note = 0
    skipped = 0
    no_tokens: dict[Any, str] = {}
    for s in doc.spans:
        if text.find("\n", s.start, s.end) < 0:  # most spans: one fragment
            offsets, quote = f"{s.start} {s.end}", text[s.start:s.end]
        else:
            pieces = fragments(text, s.start, s.end)
            if not pieces:
                skipped += 1
                continue
            offsets, quote = ";".join(f"{a} {b}" for a, b in pieces), " ".join(text[a:b] for a, b in pieces)
        tid = ids[s.id] = f"T{len(ids) + 1}"
        lines.append(f"{tid}\t{s.layer} {offsets}\t{quote}")
        for field, value in s.attrs.items():
            if value is None:
                continue
            token = names.tokens.get((s.layer, field), no_tokens).get(value) if not isinstance(value, list) else None
            if token is not None:
                n_attr += 1
                lines.append(f"A{n_attr}\t{names.attributes[(s.layer, field)]} {tid} {token}")
            else:
                n_note += 1
                lines.append(f"#{n_note}\t{NOTE} {tid}\t{field}={_note_json(value)}")
    n_rel = 0
    for l in doc.links:
        if l.from_id in ids and l.to_id in ids:
            n_rel += 1
            lines.append(f"R{n_rel}\t{l.kind} Arg1:{ids[l.from_id]} Arg2:{ids[l.to_id]}")
    return "\n".join(lines) + "\n" if lines else "", skipped


def annotation_conf(codebook: Codebook, names: BratNames) -> str:
    lines = [f"# brat configuration for codebook {codebook.name!r} (sha256 {codebook.sha256[:12]}), "
             "written by annotator", "", "[entities]"]
    lines += [layer.id for layer in codebook.layers]
    lines += ["", "[relations]"]
    lines += [f"{k.id}\tArg1:{k.from_layer}, Arg2:{'|'.join(k.to_layers)}" for k in codebook.links]
    # Spans of the codebook nest and cross (an actor inside a claim): allow every overlap.
    lines += ["<OVERLAP>\tArg1:<ENTITY>, Arg2:<ENTITY>, <OVL-TYPE>:<ANY>", "", "[events]", "", "[attributes]"]
    for (layer, field), tokens in names.tokens.items():
        lines.append(f"{names.attributes[(layer, field)]}\tArg:{layer}, Value:{'|'.join(tokens.values())}")
    return "\n".join(lines) + "\n"


def visual_conf(codebook: Codebook) -> str:
    def label(text: str) -> str:
        return text.replace("|", "/")

    lines = ["[labels]"]
    lines += [f"{layer.id} | {label(layer.label.en)}" for layer in codebook.layers]
    lines += [f"{k.id} | {label(k.label.en)}" for k in codebook.links]
    lines += ["", "[drawing]", "SPAN_DEFAULT\tfgColor:black, bgColor:lightgreen, borderColor:darken",
              "ARC_DEFAULT\tcolor:black, arrowHead:triangle-5", "ATTRIBUTE_DEFAULT\tglyph:*"]
    lines += [f"{layer.id}\tbgColor:{layer.color}" for layer in codebook.layers]
    return "\n".join(lines) + "\n"
