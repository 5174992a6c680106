"""Reading brat standoff back: our brat export, or a brat project being moved in.

``FILE`` is a folder (searched for ``.ann`` files with their ``.txt``) or one ``.ann`` file. Whose
work a file is: ``--coder NAME`` for every file, else the first folder under the given one
(``ROOT/CODER/DOC.ann``, the layout of our export and of bratiaa; ``gold`` means the gold
standard). The document id is the rest of the path without ``.ann`` (percent-decoded).

The ``.txt`` is read as brat reads it (UTF-8, universal newlines), so offsets count code points
of that text. A ``T`` line in fragments (``0 5;6 10``) becomes one span from the first start to
the last end when only whitespace lies between the fragments (how brat splits a span at line
breaks); a truly discontinuous span cannot be stored and is reported. ``A`` lines and
``AnnotatorNotes`` of the form ``field=JSON`` give the span's fields, ``R`` lines its links;
other notes are comments and are ignored; events, equivalences and normalizations are reported.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.codebook import Codebook
from annotator.corpus import _title_from as title_from
from annotator.export.brat import NOTE, BratNames, name_from_file
from annotator.export.records import ExportDocument, ExportLink, ExportSpan
from annotator.imports import incoming
from annotator.imports.incoming import Incoming, TooLarge, derived_id
from annotator.model import Document, Rejection

_NOTE_FIELD = re.compile(r"^([A-Za-z0-9_-]+)=(.*)$", re.S)


_UNSUPPORTED = {"E": "an event", "*": "an equivalence", "N": "a normalization"}


class _Problem(ValueError):
    """A line that is readable but cannot be imported; the message says why."""


def read(path: Path, codebook: Codebook, *, coder: str | None = None) -> Iterator[Incoming | Rejection]:
    if path.is_file():
        root, files = path.parent, [path]
    elif path.is_dir():
        root, files = path, sorted(path.rglob("*.ann"))
        if not files:
            yield Rejection(str(path), None, "no .ann files in this folder")
    else:
        yield Rejection(str(path), None, "no such file or folder")
        return
    names = BratNames(codebook)
    for ann in files:
        parts = ann.relative_to(root).with_suffix("").parts
        if coder is None and len(parts) < 2:
            yield Rejection(str(ann), None, "whose annotations are these? give --coder NAME, or put each coder's "
                                            "files in a folder named after them")
            continue
        source = coder or name_from_file(parts[0])
        document_id = "/".join(name_from_file(p) for p in (parts if coder else parts[1:]))
        yield from _read_pair(ann, source, document_id, names, root)


def _read_pair(ann: Path, source: str, document_id: str, names: BratNames,
               root: Path) -> Iterator[Incoming | Rejection]:
    where = str(ann)
    txt = ann.with_suffix(".txt")
    # A link to a file elsewhere (a folder unpacked from someone's archive) must not bring that
    # file's content into the project.
    outside = [p for p in (ann, txt) if p.exists() and not p.resolve().is_relative_to(root.resolve())]
    if outside:
        named = "" if outside[0] == ann else f"{txt} "
        yield Rejection(where, None, f"{named}links to a file outside {root}; copy the file in if it belongs there")
        return
    try:
        # Universal newlines, as brat reads it.
        text = incoming.read_text(txt, incoming.MAX_DOCUMENT_BYTES)
        lines = incoming.read_text(ann, incoming.MAX_DOCUMENT_BYTES).split("\n")
    except TooLarge as exc:
        yield Rejection(str(exc.path), None, str(exc))
        return
    except OSError as exc:
        yield Rejection(where, None, f"cannot read {exc.filename}: {exc.strerror or exc}")
        return
    except UnicodeDecodeError as exc:
        yield Rejection(where, None, f"not UTF-8 text (byte {exc.start}); brat files are UTF-8")
        return
    if text.startswith("\ufeff"):
        text = text[1:]
    spans: dict[str, dict[str, Any]] = {}   # T id -> fields of the span
    links: list[tuple[int, str, str, str, str]] = []
    item_lines: dict[str, int] = {}

    def new_id(local: str) -> str:
        return derived_id("brat", source, document_id, local)

    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        kind = line[0]
        try:
            local, rest = line.split("\t", 1)
            if kind == "T":
                layer_offsets, quote = (rest.split("\t", 1) + [None])[:2]
                layer, _, offsets = layer_offsets.partition(" ")
                spans[local] = {"id": new_id(local), "layer": layer, "line": number, "attrs": {},
                                **_span_range(text, offsets, quote)}
                item_lines[spans[local]["id"]] = number
            elif kind == "A" or kind == "M":
                fields = rest.split()
                name, target = fields[0], fields[1]
                token = fields[2] if len(fields) > 2 else None
                span = _target(spans, target)
                layer, field = _attribute(names, name, span["layer"])
                if token is None:
                    value: Any = True  # a binary brat attribute
                elif (layer, field) not in names.tokens:
                    raise _Problem(f"{name} is not a choice or yes/no field; its value belongs in a note")
                else:
                    try:
                        value = names.value_of(layer, field, token)
                    except KeyError:
                        raise _Problem(f"{name}: the codebook has no value {token!r}") from None
                span["attrs"][field] = value
            elif kind == "#":
                note_type, _, note = rest.partition("\t")
                note_kind, _, target = note_type.partition(" ")
                span = _target(spans, target)
                field_value = _note_field(names.codebook, span["layer"], note) if note_kind == NOTE else None
                if field_value is not None:  # else a comment
                    span["attrs"][field_value[0]] = field_value[1]
            elif kind == "R":
                relation, arg1, arg2 = rest.split()[:3]
                links.append((number, new_id(local), _arg(arg1), _arg(arg2), relation))
            elif kind in _UNSUPPORTED:
                raise _Problem(f"{_UNSUPPORTED[kind]} has no place in the codebook; skipped")
            else:
                raise _Problem(f"not a brat annotation line: {line[:40]!r}")
        except _Problem as exc:
            yield Rejection(where, number, str(exc))
        except (ValueError, KeyError, IndexError):
            yield Rejection(where, number, f"cannot read {line[:40]!r} as brat standoff")
    export_spans = tuple(ExportSpan(s["id"], s["layer"], s["start"], s["end"], s["quote"], s["attrs"], coder=source)
                         for s in spans.values())
    by_local = {local: s["id"] for local, s in spans.items()}
    export_links = []
    for number, link_id, a, b, relation in links:
        if a not in by_local or b not in by_local:
            yield Rejection(where, number, f"relation {relation}: no text-bound annotation {a if a not in by_local else b}")
            continue
        item_lines[link_id] = number
        export_links.append(ExportLink(link_id, by_local[a], by_local[b], relation, coder=source))
    document = Document(id=document_id, title=title_from(text), text=text, origin=str(txt))
    record = ExportDocument(document=document, source=source, spans=export_spans,
                            links=tuple(export_links))
    yield Incoming(record, where, None, item_lines)


def _span_range(text: str, offsets: str, quote: str | None) -> dict[str, Any]:
    """One span from brat fragments; ValueError when the gaps between fragments are not whitespace."""
    pieces = [tuple(int(x) for x in part.split()) for part in offsets.split(";")]
    if any(len(p) != 2 for p in pieces):
        raise _Problem(f"cannot read the offsets {offsets!r}")
    pieces.sort()
    for (_, end), (start, _) in zip(pieces, pieces[1:]):
        if text[end:start].strip():
            raise _Problem(f"a discontinuous span ({offsets}) cannot be stored: only spans split at line "
                             "breaks are joined")
    start, end = pieces[0][0], pieces[-1][1]
    if quote is not None and quote != " ".join(text[a:b] for a, b in pieces):
        raise _Problem(f"the text «{quote[:30]}» is not the document's text at {offsets} "
                         f"(«{' '.join(text[a:b] for a, b in pieces)[:30]}»)")
    # The stored quote is the text itself; span_problem checks the offsets against it.
    return {"start": start, "end": end, "quote": None if quote is None else text[start:end]}


def _note_field(codebook: Codebook, layer: str, note: str) -> tuple[str, Any] | None:
    """``field=JSON`` for a field of the span's layer (as the export writes it), else None."""
    match = _NOTE_FIELD.match(note)
    if match is None or not codebook.has_layer(layer) or codebook.layer(layer).field(match.group(1)) is None:
        return None
    try:
        return match.group(1), json.loads(match.group(2))
    except json.JSONDecodeError:
        return None


def _target(spans: dict[str, dict[str, Any]], target: str) -> dict[str, Any]:
    if target not in spans:
        raise _Problem(f"no text-bound annotation {target} above this line")
    return spans[target]


def _attribute(names: BratNames, name: str, layer: str) -> tuple[str, str]:
    found = names.by_attribute.get(name)
    if found is None:
        raise _Problem(f"the codebook has no attribute {name!r}")
    if found[0] != layer:
        raise _Problem(f"attribute {name} belongs to {found[0]} spans, not {layer}")
    return found


def _arg(arg: str) -> str:
    return arg.split(":", 1)[1]
