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
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Iterable
from functools import cache
from itertools import accumulate, chain
from typing import Any

from annotator.codebook import Codebook
from annotator.export.output import StagedFolder
from annotator.export.records import ExportDocument

FILE = "documents.conll"
TOKENIZER = ("regex: a run of Unicode letters, marks, digits, ZWNJ and ZWJ is a token; "
             "every other non-space character is a token of its own; whitespace separates")
ALIGNMENT = "expand: a span takes every token it overlaps"


_TOKENS = re.compile(r"([^\W_]+|\S)")  # split: whitespace, token, whitespace, token, …, whitespace
_LINE_BREAK = re.compile("\n")
_ASTRAL = re.compile("[\U00010000-\U0010FFFF]")


@cache
def _bmp_mark() -> re.Pattern[str]:
    """One combining mark of the Basic Multilingual Plane, or ZWNJ/ZWJ. (``re`` makes a class of
    BMP characters a bitmap, one look-up per character; with the marks beyond the BMP in it, it
    would compare each character with some 300 ranges.)"""
    marks = [chr(cp) for cp in range(0x10000) if unicodedata.category(chr(cp))[0] == "M"] + ["\u200c", "\u200d"]
    return re.compile("[" + "".join(map(re.escape, marks)) + "]")


def _word_view(text: str) -> tuple[str, list[int]]:
    """``text`` with every combining mark (tashkeel) and ZWNJ/ZWJ replaced by a letter, and where
    they are: ``re`` does not count marks as word characters, and the view keeps every offset
    (one character for one)."""
    changed = [m.start() for m in _bmp_mark().finditer(text)]
    view = _bmp_mark().sub("a", text) if changed else text
    # Marks beyond the BMP are rare, astral characters are mostly emoji: check those one by one.
    astral = [m.start() for m in _ASTRAL.finditer(text) if unicodedata.category(m[0])[0] == "M"]
    if astral:
        chars = list(view)
        for i in astral:
            chars[i] = "a"
        view, changed = "".join(chars), changed + astral
    return view, changed


def _tokens(text: str) -> tuple[list[str], list[int], list[int]]:
    """The tokens of ``text``, their starts and their ends (code points), by splitting its word
    view: the lengths of the pieces give the offsets without a match object per token."""
    view, changed = _word_view(text)
    pieces = _TOKENS.split(view)
    offsets = list(accumulate(map(len, pieces)))
    starts, ends = offsets[:-1:2], offsets[1::2]
    words = pieces[1::2]
    for t in {bisect_right(starts, i) - 1 for i in changed}:  # a token with a mark: its text, not its view
        words[t] = text[starts[t]:ends[t]]
    return words, starts, ends


def tokenize(text: str) -> list[tuple[int, int]]:
    _, starts, ends = _tokens(text)
    return list(zip(starts, ends))


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
        pieces = _RowPieces(columns)
        for doc in docs:
            handle.write(_document_rows(doc, pieces))
    return {"files": {FILE: "BIO tags per token"}, "tokenizer": TOKENIZER, "alignment": ALIGNMENT,
            "columns": ["token", "start", "end", *names]}


def _levels(spans: list[tuple[str, str, int, int]]) -> dict[tuple[str, str], int]:
    """(layer, span id) -> column level: in text order, each span in the first column of its layer
    where it overlaps no span (by characters, so both passes agree without tokenizing)."""
    out: dict[tuple[str, str], int] = {}
    ends: dict[str, list[int]] = {}  # per layer, the end of the last span of each column
    for layer, span_id, start, end in sorted(spans, key=lambda s: (s[2], -s[3], s[0], s[1])):
        taken = ends.setdefault(layer, [])
        for level, last in enumerate(taken):
            if last <= start:
                taken[level] = end
                break
        else:
            level = len(taken)
            taken.append(end)
        out[(layer, span_id)] = level
    return out


def _token_range(starts: list[int], ends: list[int], start: int, end: int) -> tuple[int, int]:
    """Indices [first, last) of the tokens overlapping [start, end) (empty if only whitespace)."""
    return bisect_right(ends, start), bisect_left(starts, end)


class _RowPieces:
    """What the rows of an export repeat, each made once: an offset's cell (``\\tN``), and the end
    of a row (its tag cells and the newline) by the row's tag codes, of which an export has a few
    dozen among millions of rows. Tags are coded one byte per column (0 O, 1 B, 2 I: a column
    holds one layer), so that a span tags its tokens by slice assignment."""

    def __init__(self, columns: list[tuple[str, int]]):
        self.index = {col: i for i, col in enumerate(columns)}
        self.offsets: list[str] = []
        self.ends = _RowEnds([layer for layer, _ in columns])
        self._row = re.compile(b"(?s)" + b"." * len(columns))

    def offset_cells(self, upto: int) -> list[str]:
        """The cells of the offsets 0 to ``upto`` (at least)."""
        if len(self.offsets) <= upto:
            self.offsets += [f"\t{i}" for i in range(len(self.offsets), upto + 1)]
        return self.offsets

    def row_ends(self, codes: bytearray, tokens: int) -> list[str]:
        """The end of each token's row, from the tag codes of all rows (one after the other)."""
        rows = self._row.findall(codes) if self.index else [b""] * tokens
        return list(map(self.ends.__getitem__, rows))


class _RowEnds(dict):
    """Tag codes of a row -> the end of its line."""

    def __init__(self, layers: list[str]):
        super().__init__()
        self.layers = layers

    def __missing__(self, codes: bytes) -> str:
        cells = ("\tO" if c == 0 else f"\t{'B' if c == 1 else 'I'}-{layer}" for c, layer in zip(codes, self.layers))
        value = self[codes] = "".join(cells) + "\n"
        return value


def _document_rows(doc: ExportDocument, pieces: _RowPieces) -> str:
    text = doc.document.text
    words, starts, ends = _tokens(text)
    width = len(pieces.index)
    codes = bytearray(len(words) * width)  # token t, column c: codes[t * width + c]
    levels = _levels([(s.layer, s.id, s.start, s.end) for s in doc.spans])
    for s in sorted(doc.spans, key=lambda s: (s.start, -s.end, s.layer, s.id)):
        col = pieces.index.get((s.layer, levels[(s.layer, s.id)]))
        first, last = _token_range(starts, ends, s.start, s.end)
        if col is None or first >= last:
            continue
        # Two spans of a column that share a token (both inside one word): the later starts there.
        codes[first * width + col] = 1
        codes[(first + 1) * width + col:last * width + col:width] = b"\x02" * (last - first - 1)
    # An empty line before the first token after each line break of the text.
    for t in {bisect_left(starts, m.start()) for m in _LINE_BREAK.finditer(text)}:
        if 0 < t < len(words):
            words[t] = "\n" + words[t]
    offsets = pieces.offset_cells(len(text))
    rows = zip(words, map(offsets.__getitem__, starts), map(offsets.__getitem__, ends),
               pieces.row_ends(codes, len(words)))
    return f"# document = {doc.document.id}\n# source = {doc.source}\n" + ("".join(chain.from_iterable(rows)) or "\n") + "\n"
