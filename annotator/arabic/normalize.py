"""Matching normalization: fold spelling variation for search and suggestions, never for storage.

Offsets map back to the original text (code points), the unit the store uses.
"""

from __future__ import annotations

import bisect
import functools
import re
import unicodedata

# ---------------------------------------------------------------------------
# Matching normalization
# ---------------------------------------------------------------------------

# Combining marks dropped for matching: Arabic signs (U+0610-061A), harakat and
# tanween (U+064B-065F), superscript alef (U+0670) and the Quranic annotation
# marks (U+06D6-06ED) except the three that are visible symbols rather than
# marks (U+06DD end of ayah, U+06DE rub el hizb, U+06E9 place of sajdah).
_MARKS = (
    [chr(c) for c in range(0x0610, 0x061B)]
    + [chr(c) for c in range(0x064B, 0x0660)]
    + ["\u0670"]
    + [chr(c) for c in range(0x06D6, 0x06EE) if c not in (0x06DD, 0x06DE, 0x06E9)]
)
# Tatweel and invisible format characters (ZWNJ, ZWJ, bidi marks, embeddings,
# isolates, BOM): they sit inside words in copied web text and would otherwise
# split a match.
_INVISIBLES = ["\u0640", "\u061c", "\u200c", "\u200d", "\u200e", "\u200f", "\ufeff"] + [
    chr(c) for c in list(range(0x202A, 0x202F)) + list(range(0x2066, 0x206A))
]
_DELETED = _MARKS + _INVISIBLES

# One-to-one folds.  Farsi yeh/keheh are folded because Arabic text typed on
# Persian keyboards uses them for ي/ك.
_FOLDS: list[tuple[str, str]] = [
    ("\u0623", "\u0627"),  # أ -> ا
    ("\u0625", "\u0627"),  # إ -> ا
    ("\u0622", "\u0627"),  # آ -> ا
    ("\u0671", "\u0627"),  # ٱ -> ا
    ("\u0649", "\u064a"),  # ى -> ي
    ("\u06cc", "\u064a"),  # ی -> ي
    ("\u06a9", "\u0643"),  # ک -> ك
    ("\u066c", ","),  # Arabic thousands separator
    ("\u066b", "."),  # Arabic decimal separator
    ("\u066a", "%"),  # Arabic percent sign
]
_FOLDS += [(chr(0x0660 + i), str(i)) for i in range(10)]  # Arabic-Indic digits
_FOLDS += [(chr(0x06F0 + i), str(i)) for i in range(10)]  # Persian digits
_TAA_FOLD = ("\u0629", "\u0647")  # ة -> ه

# Characters that can precede a word (every Unicode space, and punctuation);
# see NormalizedText.scan_text.
_SEPARATORS = "".join(ch for ch in map(chr, range(0x3001)) if ch.isspace() and ch != " ") + (
    "،؛؟.,;:!?()[]{}«»“”„‟\"'‘’‹›-–—/\\*•·|…+=<>#@~^%&"
)
_SEPARATOR_RE = re.compile("[" + re.escape(_SEPARATORS) + "]")

# Presentation forms (text copied out of PDFs) are decomposed with NFKC; this
# is the only step that can turn one character into several.
_PRESENTATION_RE = re.compile("[\ufb50-\ufdff\ufe70-\ufefc]")


def _has_presentation_forms(text: str) -> bool:
    # Every character in U+F000-U+FFFF has the UTF-8 lead byte 0xEF; encoding
    # and one byte search are faster than a character-class scan, and most
    # articles have no such character at all.
    return b"\xef" in text.encode("utf-8", "surrogatepass") and _PRESENTATION_RE.search(text) is not None


def _fold_simple(text: str, taa_marbuta: bool) -> str:
    """Apply deletions and one-to-one folds (no presentation forms)."""
    # A chain of str.replace calls guarded by ``in`` is several times faster
    # than str.translate on non-ASCII text, and this runs on every article.
    for ch in _DELETED:
        if ch in text:
            text = text.replace(ch, "")
    for src, dst in _FOLDS:
        if src in text:
            text = text.replace(src, dst)
    if taa_marbuta and _TAA_FOLD[0] in text:
        text = text.replace(*_TAA_FOLD)
    return text


def _positions(text: str, ch: str) -> list[int]:
    """Offsets of every ``ch`` in ``text`` (str.find runs at C speed)."""
    found = []
    i = text.find(ch)
    while i != -1:
        found.append(i)
        i = text.find(ch, i + 1)
    return found


@functools.lru_cache(maxsize=4096)
def _fold_char(ch: str, taa_marbuta: bool) -> str:
    """Normalize one character, including presentation-form decomposition."""
    if _PRESENTATION_RE.match(ch):
        ch = unicodedata.normalize("NFKC", ch)
    return _fold_simple(ch, taa_marbuta)


class NormalizedText:
    """A matching-normalized view of a text that maps offsets back.

    Every rule in the normalization works on one character at a time, so each
    normalized character comes from exactly one original character.  Only
    deletions (marks, tatweel, invisibles) and presentation-form expansions
    change lengths; in the common case (no presentation forms) the map is kept
    as a short list of segments instead of one entry per character.
    """

    __slots__ = ("_map", "_norm_starts", "_orig_starts", "_scan", "original", "text")

    def __init__(self, original: str, taa_marbuta: bool = True) -> None:
        self.original = original
        self._map: list[int] | None = None
        self._scan: str | None = None
        if _has_presentation_forms(original):
            pieces: list[str] = []
            index_map: list[int] = []
            for i, ch in enumerate(original):
                folded = _fold_char(ch, taa_marbuta)
                pieces.append(folded)
                index_map.extend([i] * len(folded))
            index_map.append(len(original))
            self.text = "".join(pieces)
            self._map = index_map
            return
        self.text = _fold_simple(original, taa_marbuta)
        # Segments: normalized offset norm_starts[k] is original offset
        # orig_starts[k], and both advance together until the next segment.
        # A new segment starts after every deleted character.
        norm_starts = [0]
        orig_starts = [0]
        if len(self.text) != len(original):
            deleted = sorted(i for ch in _DELETED if ch in original for i in _positions(original, ch))
            for removed, i in enumerate(deleted, 1):
                norm_starts.append(i + 1 - removed)
                orig_starts.append(i + 1)
        self._norm_starts = norm_starts
        self._orig_starts = orig_starts

    def to_original(self, i: int) -> int:
        """Original offset of normalized offset ``i`` (0 <= i <= len(text)).

        For ``i == len(text)`` this is ``len(original)``.  A normalized offset
        maps to the original character it came from, so an end offset maps to
        the start of the next kept character: a span's trailing tashkeel is
        therefore inside the span.
        """
        if self._map is not None:
            return self._map[i]
        k = bisect.bisect_right(self._norm_starts, i) - 1
        return self._orig_starts[k] + (i - self._norm_starts[k])

    @property
    def scan_text(self) -> str:
        """``" " + text`` with separators turned into spaces, for fast scanning.

        Word-start patterns then begin with a literal space, which the regex
        engine finds with a tight loop instead of trying every position.  A
        word that starts at normalized offset ``i`` is preceded by the space
        at scan offset ``i``.  Only the separators listed in ``_SEPARATORS``
        count: a word glued to any other symbol is not found by scanners.
        """
        if self._scan is None:
            self._scan = _SEPARATOR_RE.sub(" ", " " + self.text)
        return self._scan

    def index_map(self) -> list[int]:
        """The full map: entry i is the original offset of normalized char i."""
        if self._map is not None:
            return list(self._map)
        return [self.to_original(i) for i in range(len(self.text) + 1)]


@functools.lru_cache(maxsize=32)
def normalize_view(text: str, *, taa_marbuta: bool = True) -> NormalizedText:
    """Return the (cached) normalized view of ``text``.

    The cache lets ``find_counts`` and ``Gazetteer.find_mentions`` share one
    normalization of the article being coded.
    """
    return NormalizedText(text, taa_marbuta)


def normalize_for_matching(text: str, *, taa_marbuta: bool = True) -> str:
    """Fold ``text`` for searching and matching; never store the result.

    Removes tashkeel and Quranic marks, tatweel and invisible format
    characters; folds أ إ آ ٱ to ا, ى (and Farsi ی) to ي, Farsi ک to ك, and
    optionally ة to ه; maps Arabic-Indic and Persian digits to ASCII, ٬ to
    ",", ٫ to "." and ٪ to "%"; decomposes presentation forms (NFKC).
    """
    if _has_presentation_forms(text):
        return "".join(_fold_char(ch, taa_marbuta) for ch in text)
    return _fold_simple(text, taa_marbuta)


def normalize_with_map(text: str, *, taa_marbuta: bool = True) -> tuple[str, list[int]]:
    """Normalize ``text`` and return ``(normalized, index_map)``.

    ``index_map[i]`` is the code-point offset in ``text`` of normalized
    character ``i``; the extra last entry is ``len(text)``.  A hit
    ``[a, b)`` in the normalized text is ``[index_map[a], index_map[b])`` in
    the original.
    """
    view = normalize_view(text, taa_marbuta=taa_marbuta)
    return view.text, view.index_map()


def find_all(haystack: str, needle: str, *, taa_marbuta: bool = True) -> list[tuple[int, int]]:
    """Non-overlapping occurrences of ``needle`` in ``haystack``.

    Both are compared after matching normalization, so tashkeel, tatweel,
    alef variants and digit scripts are ignored.  Returns ``(start, end)``
    in original code-point offsets of ``haystack``, left to right.
    """
    target = normalize_for_matching(needle, taa_marbuta=taa_marbuta)
    if not target:
        return []
    view = normalize_view(haystack, taa_marbuta=taa_marbuta)
    hits: list[tuple[int, int]] = []
    i = view.text.find(target)
    while i != -1:
        hits.append((view.to_original(i), view.to_original(i + len(target))))
        i = view.text.find(target, i + len(target))
    return hits


def alternation(words: set[str] | list[str], *, ascii_case: bool = False) -> str:
    """A regex alternation of ``words`` shaped as a trie.

    A flat alternation of ~150 words is tried branch by branch at every
    position of every article; the trie rejects a position after one
    character test in the common case.  With ``ascii_case`` ASCII letters
    match in either case (cheaper than re.IGNORECASE over the whole text).
    """
    trie: dict = {}
    for word in words:
        node = trie
        for ch in word:
            node = node.setdefault(ch, {})
        node[""] = {}

    def _char(ch: str) -> str:
        if ascii_case and ch.isascii() and ch.isalpha():
            return f"[{ch.lower()}{ch.upper()}]"
        return re.escape(ch)

    def build(node: dict) -> str:
        ends = "" in node
        branches = [_char(ch) + build(child) for ch, child in sorted(node.items()) if ch]
        if not branches:
            return ""
        body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
        if ends:
            return "(?:" + body + ")?"
        return body

    return build(trie)
