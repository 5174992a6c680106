"""CoNLL-style BIO columns for NER training: ``documents.conll``.

Tokenisation (stated in the file's header and the manifest): a token is a run of letters, combining
marks (tashkeel), digits and the zero-width (non-)joiners, or any other single non-space character
(punctuation, a symbol, an emoji); whitespace separates and is never a token. Offsets are kept:
every row gives the token's code-point start and end in the stored text.

Columns, tab-separated: ``token start end`` then one BIO column per layer (``B-actor``, ``I-actor``,
``O``). A span covers every token it overlaps (a span that starts or ends inside a token takes the
whole token). Spans of one layer that nest or overlap go to extra columns of that layer
(``actor``, ``actor_2``…), each span, in text order, in the first column where it overlaps no
other span; the number of columns per layer is the deepest nesting in the export, named in the
``# columns =`` header. (Two spans of a column inside one written word share its token; the later
span starts there.)

Each document starts with ``# document = ID`` and ``# source = gold|CODER``; each line of the text
is a block of rows ended by an empty line (so sentence-based readers see paragraphs).
"""

from __future__ import annotations

import re
import sys
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cache
from typing import Any

from annotator.codebook import Codebook
from annotator.export.output import StagedFolder
from annotator.export.records import ExportDocument

FILE = "documents.conll"
TOKENIZER = ("regex: a run of Unicode letters, marks, digits, ZWNJ and ZWJ is a token; "
             "every other non-space character is a token of its own; whitespace separates")
ALIGNMENT = "expand: a span takes every token it overlaps"


_TOKEN = re.compile(r"[^\W_]+|\S")
_LINE_BREAK = re.compile("\n")


@cache
def _marks_as_letters() -> dict[int, str]:
    """Combining marks and ZWNJ/ZWJ mapped to a letter: ``re`` does not count marks as word
    characters, and the translated text keeps every offset (one character for one)."""
    table = {cp: "a" for cp in range(sys.maxunicode + 1) if unicodedata.category(chr(cp))[0] == "M"}
    table.update({0x200C: "a", 0x200D: "a"})
    return table


def tokenize(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _TOKEN.finditer(text.translate(_marks_as_letters()))]


Extents = Iterable[list[tuple[str, str, int, int]]]  # per record: (layer, span id, start, end)


def write(docs: Iterable[ExportDocument], out: StagedFolder, codebook: Codebook, *,
          extents: Extents | None = None) -> dict[str, Any]:
    """``extents``: the spans of each record without their fields, for the first pass that counts
    the columns (default: read from ``docs``, which is then iterated twice)."""
    layers = [layer.id for layer in codebook.layers]
    if extents is None:
        extents = ([(s.layer, s.id, s.start, s.end) for s in doc.spans] for doc in docs)
    depth = dict.fromkeys(layers, 1)
    for spans in extents:
        for (layer, _), level in _levels(spans).items():
            if layer in depth:
                depth[layer] = max(depth[layer], level + 1)
    columns = [(layer, level) for layer in layers for level in range(depth[layer])]
    names = [layer if level == 0 else f"{layer}_{level + 1}" for layer, level in columns]
    with open(out.file(FILE), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(f"# tokenizer = {TOKENIZER}\n# alignment = {ALIGNMENT}\n"
                     f"# columns = token start end {' '.join(names)}\n\n")
        index = {col: i for i, col in enumerate(columns)}
        for doc in docs:
            handle.write(_document_rows(doc, index))
    return {"files": {FILE: "BIO tags per token"}, "tokenizer": TOKENIZER, "alignment": ALIGNMENT,
            "columns": ["token", "start", "end", *names]}


def _levels(spans: list[tuple[str, str, int, int]]) -> dict[tuple[str, str], int]:
    """(layer, span id) -> column level: in text order, each span in the first column of its layer
    where it overlaps no span (by characters, so both passes agree without tokenizing)."""
    out: dict[tuple[str, str], int] = {}
    ends: dict[str, list[int]] = {}  # per layer, the end of the last span of each column
    for layer, span_id, start, end in sorted(spans, key=lambda s: (s[2], -s[3], s[0], s[1])):
        taken = ends.setdefault(layer, [])
        level = next((i for i, last in enumerate(taken) if last <= start), len(taken))
        if level == len(taken):
            taken.append(end)
        else:
            taken[level] = end
        out[(layer, span_id)] = level
    return out


def _token_range(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int]:
    """Indices [first, last) of the tokens overlapping [start, end) (empty if only whitespace)."""
    return bisect_right(ends, start), bisect_left(starts, end)


def _document_rows(doc: ExportDocument, index: dict[tuple[str, int], int]) -> str:
    text = doc.document.text
    tokens = tokenize(text)
    starts = [a for a, _ in tokens]
    ends = [b for _, b in tokens]
    columns = [["O"] * len(tokens) for _ in index]
    levels = _levels([(s.layer, s.id, s.start, s.end) for s in doc.spans])
    for s in sorted(doc.spans, key=lambda s: (s.start, -s.end, s.layer, s.id)):
        col = index.get((s.layer, levels[(s.layer, s.id)]))
        first, last = _token_range(starts, ends, s.start, s.end)
        if col is None or first >= last:
            continue
        # Two spans of a column that share a token (both inside one word): the later starts there.
        column = columns[col]
        column[first] = f"B-{s.layer}"
        column[first + 1:last] = [f"I-{s.layer}"] * (last - first - 1)
    lines = list(map("\t".join, zip([text[a:b] for a, b in tokens], map(str, starts), map(str, ends), *columns)))
    # An empty line before the first token after each line break of the text.
    breaks = {bisect_left(starts, m.start()) for m in _LINE_BREAK.finditer(text)}
    for t in breaks:
        if 0 < t < len(lines):
            lines[t] = "\n" + lines[t]
    return f"# document = {doc.document.id}\n# source = {doc.source}\n" + "\n".join(lines) + "\n\n"
