"""CoNLL-style BIO columns for NER training: ``documents.conll``.

Tokenisation (stated in the file's header and the manifest): a token is a run of letters, combining
marks (tashkeel), digits and the zero-width (non-)joiners, or any other single non-space character
(punctuation, a symbol, an emoji); whitespace separates and is never a token. Offsets are kept:
every row gives the token's code-point start and end in the stored text.

Columns, tab-separated: ``token start end`` then one BIO column per layer (``B-actor``, ``I-actor``,
``O``). A span covers every token it overlaps (a span that starts or ends inside a token takes the
whole token). Spans of one layer that nest or overlap go to extra columns of that layer
(``actor``, ``actor_2``…), each span in the first column where its tokens are free; the number of
columns per layer is the deepest nesting in the export, named in the ``# columns =`` header.

Each document starts with ``# document = ID`` and ``# source = gold|CODER``; each line of the text
is a block of rows ended by an empty line (so sentence-based readers see paragraphs).
"""

from __future__ import annotations

import re
import sys
from bisect import bisect_left, bisect_right
import unicodedata
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


@cache
def token_pattern() -> re.Pattern[str]:
    """Letters and digits are ``[^\\W_]``; combining marks are not word characters to ``re``, so
    their code points are listed (built once, from the running Python's Unicode tables)."""
    marks, start = [], None
    for cp in range(sys.maxunicode + 2):
        is_mark = cp <= sys.maxunicode and unicodedata.category(chr(cp))[0] == "M"
        if is_mark and start is None:
            start = cp
        elif not is_mark and start is not None:
            marks.append(f"{re.escape(chr(start))}-{re.escape(chr(cp - 1))}")
            start = None
    return re.compile(rf"(?:[^\W_]|[{''.join(marks)}\u200c\u200d])+|\S")


def tokenize(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in token_pattern().finditer(text)]


def write(docs: Iterable[ExportDocument], out: StagedFolder, codebook: Codebook) -> dict[str, Any]:
    layers = [layer.id for layer in codebook.layers]
    # Pass 1: how many columns each layer needs (the deepest nesting anywhere in the export).
    depth = dict.fromkeys(layers, 1)
    for doc in docs:
        for layer, levels in _levels(doc, tokenize(doc.document.text)).items():
            if layer in depth:
                depth[layer] = max(depth[layer], max(levels.values(), default=0) + 1)
    columns = [(layer, level) for layer in layers for level in range(depth[layer])]
    names = [layer if level == 0 else f"{layer}_{level + 1}" for layer, level in columns]
    with open(out.file(FILE), "w", encoding="utf-8", newline="\n") as handle:
        handle.write(f"# tokenizer = {TOKENIZER}\n# alignment = {ALIGNMENT}\n"
                     f"# columns = token start end {' '.join(names)}\n\n")
        for doc in docs:
            handle.write(_document_rows(doc, columns))
    return {"files": {FILE: "BIO tags per token"}, "tokenizer": TOKENIZER, "alignment": ALIGNMENT,
            "columns": ["token", "start", "end", *names]}


def _token_range(tokens: list[tuple[int, int]], starts: list[int], start: int, end: int) -> tuple[int, int]:
    """Indices [first, last) of the tokens overlapping [start, end) (empty if only whitespace)."""
    first = bisect_right(starts, start) - 1
    if first < 0 or tokens[first][1] <= start:
        first += 1
    last = bisect_left(starts, end)
    return first, max(first, last)


def _levels(doc: ExportDocument, tokens: list[tuple[int, int]]) -> dict[str, dict[str, int]]:
    """layer -> span id -> column level; spans that cover no token get none."""
    starts = [a for a, _ in tokens]
    out: dict[str, dict[str, int]] = {}
    busy: dict[str, list[list[tuple[int, int]]]] = {}
    for s in doc.spans:
        first, last = _token_range(tokens, starts, s.start, s.end)
        if first == last:
            continue
        taken = busy.setdefault(s.layer, [])
        level = next((i for i, used in enumerate(taken) if all(last <= a or first >= b for a, b in used)),
                     len(taken))
        if level == len(taken):
            taken.append([])
        taken[level].append((first, last))
        out.setdefault(s.layer, {})[s.id] = level
    return out


def _document_rows(doc: ExportDocument, columns: list[tuple[str, int]]) -> str:
    text = doc.document.text
    tokens = tokenize(text)
    starts = [a for a, _ in tokens]
    levels = _levels(doc, tokens)
    index = {col: i for i, col in enumerate(columns)}
    tags = [["O"] * len(columns) for _ in tokens]
    for s in doc.spans:
        level = levels.get(s.layer, {}).get(s.id)
        if level is None or (s.layer, level) not in index:
            continue
        col = index[(s.layer, level)]
        first, last = _token_range(tokens, starts, s.start, s.end)
        tags[first][col] = f"B-{s.layer}"
        for t in range(first + 1, last):
            tags[t][col] = f"I-{s.layer}"
    rows = [f"# document = {doc.document.id}\n# source = {doc.source}\n"]
    line_end = -1
    for (a, b), tag in zip(tokens, tags):
        if a > line_end >= 0 and "\n" in text[line_end:a]:
            rows.append("\n")
        rows.append(f"{text[a:b]}\t{a}\t{b}\t" + "\t".join(tag) + "\n")
        line_end = b
    rows.append("\n")
    return "".join(rows)
