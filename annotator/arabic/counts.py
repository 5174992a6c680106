"""Numbers and casualty-style count expressions in Arabic text (conventions in docs/arabic.md)."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass
from typing import Literal, NamedTuple

from annotator.arabic.normalize import _SEPARATORS, NormalizedText, alternation, normalize_for_matching, normalize_view

# ---------------------------------------------------------------------------
# Vocabulary (written in ordinary spelling, normalized at import so that the
# tables and the text always agree on the folding rules)
# ---------------------------------------------------------------------------


def _n(word: str) -> str:
    """A vocabulary entry as it appears in normalized text."""
    return normalize_for_matching(word)


def _phrases(phrases: list[str]) -> str:
    """Alternation of multi-word phrases, longest first, spaces as \\s+."""
    normed = sorted({_n(p) for p in phrases}, key=len, reverse=True)
    return "|".join(r"\s+".join(map(re.escape, p.split())) for p in normed)


# Kinds of number words, used by the grammar in _read_words:
#   unit      1-10 usable alone (واحد ... عشرة)
#   one_teen  أحد / إحدى: only before عشر or و+tens
#   ten       عشرة / عشر: 10 alone, +10 after a unit (teens)
#   tens      20-90
#   hundred   مئة / مائة: multiplied by a preceding 3-9 (ثلاث مئة)
#   hundreds  200-900 written as one word
#   thousand, million: x1000 / x1e6 after a group, or 1000 / 1e6 alone
#   thousands, millions: plural multipliers (آلاف، ملايين) after a group
#   thousand2, million2: duals (ألفان، مليونان)
_WORD_VALUES: dict[str, tuple[str, int]] = {}


def _add(kind: str, value: int, *words: str) -> None:
    for w in words:
        _WORD_VALUES[_n(w)] = (kind, value)


_add("unit", 1, "واحد", "واحدة", "واحداً")
_add("one_teen", 1, "أحد", "إحدى")
_add("unit", 2, "اثنان", "اثنين", "اثنتان", "اثنتين", "اثنا", "اثني", "اثنتا", "اثنتي")
_UNIT_STEMS = {
    3: ("ثلاثة", "ثلاث"),
    4: ("أربعة", "أربع"),
    5: ("خمسة", "خمس"),
    6: ("ستة", "ست"),
    7: ("سبعة", "سبع"),
    8: ("ثمانية", "ثماني", "ثمان"),
    9: ("تسعة", "تسع"),
}
for _v, _forms in _UNIT_STEMS.items():
    _add("unit", _v, *_forms)
_add("ten", 10, "عشرة", "عشر")
_TENS = {
    20: "عشر",
    30: "ثلاث",
    40: "أربع",
    50: "خمس",
    60: "ست",
    70: "سبع",
    80: "ثمان",
    90: "تسع",
}
for _v, _stem in _TENS.items():
    _add("tens", _v, _stem + "ون", _stem + "ين")
_add("hundred", 100, "مئة", "مائة")
_add("hundreds", 200, "مئتان", "مئتين", "مئتا", "مئتي", "مائتان", "مائتين", "مائتا", "مائتي")
for _v, _forms in _UNIT_STEMS.items():
    # Compounds are written from the short stem (ثلاثمائة، ثمانمئة، ثمانيمائة).
    for _stem in {f for f in _forms if not f.endswith("ة")}:
        _add("hundreds", _v * 100, _stem + "مئة", _stem + "مائة")
_add("thousand", 1000, "ألف", "ألفاً")
_add("thousand2", 2000, "ألفان", "ألفين", "ألفي")
_add("thousands", 1000, "آلاف")
_add("million", 1_000_000, "مليون", "مليوناً")
_add("million2", 2_000_000, "مليونان", "مليونين", "مليوني")
_add("millions", 1_000_000, "ملايين")

_MULTIPLIER_KINDS = {"thousand", "thousands", "million", "millions"}

# Vague quantifiers.  Each maps to (quantifier, conservative low bound).
_VAGUE: dict[str, tuple[str, int]] = {
    _n("عشرات"): ("tens", 10),
    _n("مئات"): ("hundreds", 100),
    _n("آلاف"): ("thousands", 1000),
    _n("ألوف"): ("thousands", 1000),
}
_SEVERAL = {_n(w) for w in ("عدة", "بضعة", "بضع")}
_SIX = _n("ست")
_SEVERAL_EXACT = _n("عدة")  # عدة has no "and a few" reading (بضعة عشر)
_A_NUMBER_OF = _n("عدد")  # only as عدد من / عدد كبير من

# Duals that can only mean "two X": the plural of each noun has another form
# (قتلى، جرحى، أطفال ...), so the -ين/-ان ending is unambiguous.  Nisba nouns
# whose plural is also spelled -ين (مدنيين، مسلحين، عسكريين، صحفيين) and
# مقاتلين (plural) are deliberately absent.
# Feminine duals in -تين/-تان are always safe (feminine plurals end in -ات).
DUAL_NOUNS: tuple[str, ...] = (
    "قتيلين", "قتيلان", "جريحين", "جريحان", "طفلين", "طفلان", "شخصين", "شخصان",
    "عنصرين", "عنصران", "جنديين", "جنديان", "رجلين", "رجلان", "شهيدين", "شهيدان",
    "ضابطين", "ضابطان", "شقيقين", "شقيقان", "شابين", "شابان", "ولدين", "ولدان",
    "طبيبين", "طبيبان", "أسيرين", "أسيران", "ضحيتين", "ضحيتان", "جثتين", "جثتان",
    "امرأتين", "امرأتان", "طفلتين", "طفلتان", "فتاتين", "فتاتان", "سيدتين", "سيدتان",
    "شقيقتين", "شقيقتان", "ممرضتين", "ممرضتان", "مدنيتين", "مدنيتان", "صحفيتين", "صحفيتان",
    "مواطنتين", "مواطنتان", "طالبتين", "طالبتان",
)  # fmt: skip
_DUALS = {_n(w) for w in DUAL_NOUNS}
# Further duals or "two" after a dual describe the same pair ("الطفلين القتيلين").
_DUAL_FOLLOW_RE = re.compile(
    rf"\s+(?:ال)?(?:{alternation(_DUALS | {_n(w) for w in ('اثنين', 'اثنان', 'اثنتين', 'اثنتان')})})(?!\w)"
)

# Singular casualty nouns that make "X واحد" one span ("قتيل واحد").
_SINGULAR_NOUNS = {
    _n(w)
    for w in (
        "قتيل", "جريح", "طفل", "طفلة", "شخص", "مدني", "مدنية", "امرأة", "رجل", "عنصر",
        "جندي", "شهيد", "مقاتل", "مسلح", "ضابط", "مواطن", "مواطنة", "فتاة", "سيدة", "شاب",
    )
}  # fmt: skip

# Words after a number that make it a measure, a date part or money rather than
# a count of people (see docs/arabic.md, "Exclusions").
_UNIT_WORDS = [
    "كيلومتر", "كيلومترات", "كيلومتراً", "كلم", "كم", "كيلو", "متر", "متراً", "أمتار", "م",
    "ميل", "أميال", "سم", "ملم", "مم", "هكتار", "دونم", "دونماً", "فدان",
    "ساعة", "ساعات", "دقيقة", "دقائق", "ثانية", "ثوان", "ثواني",
    "يوم", "يوماً", "أيام", "أسبوع", "أسبوعاً", "أسابيع", "شهر", "شهراً", "أشهر", "شهور",
    "عام", "عاماً", "أعوام", "سنة", "سنوات", "سنين", "عقد", "عقود", "هـ",
    "دولار", "دولاراً", "دولارات", "يورو", "ليرة", "ليرات", "دينار", "ديناراً", "دنانير",
    "ريال", "ريالاً", "جنيه", "جنيهاً", "درهم", "شيكل",
    "طن", "أطنان", "كغ", "كيلوغرام", "كيلوغرامات", "غرام", "لتر", "برميل",
    "مرة", "مرات", "بالمئة", "بالمائة", "درجة", "درجات",
]  # fmt: skip
_MONTHS = [
    "يناير", "فبراير", "مارس", "أبريل", "إبريل", "مايو", "يونيو", "يونيه", "يوليو", "يوليه",
    "أغسطس", "سبتمبر", "أكتوبر", "نوفمبر", "ديسمبر", "شباط", "آذار", "نيسان", "أيار",
    "حزيران", "تموز", "آب", "أيلول", "جانفي", "فيفري", "أفريل", "ماي", "جوان", "جويلية",
    "أوت", "كانون", "تشرين",
]  # fmt: skip
# A number right after one of these is a year, an ordinal designation or an age.
_BEFORE_NOT_COUNT = {
    _n(w)
    for w in (
        "عام", "العام", "عامي", "سنة", "السنة", "الساعة", "رقم", "الرقم", "القرار", "الفرقة",
        "اللواء", "الكتيبة", "الفيلق", "الفوج", "المادة", "البند", "العمر", "عمره", "عمرها",
        "طراز", "عيار", "الطريق", "الصفحة", "النسخة", "الدورة", "المرحلة",
    )
} | {_n(m) for m in _MONTHS}  # fmt: skip
# Before these a four-digit number in 1900-2099 is read as a year.
_BEFORE_YEAR = {_n(w) for w in ("في", "منذ", "خلال", "حتى", "قبل", "بعد", "مطلع", "نهاية", "بداية", "أواخر", "أوائل")}
# After a time noun an adjective-position number counts time ("الأيام الثلاثة").
_TIME_NOUNS = {
    _n(w)
    for w in (
        "يوم", "اليوم", "الأيام", "أيام", "وقت", "الوقت", "عام", "العام", "الأعوام", "سنة",
        "السنة", "السنوات", "ساعة", "الساعة", "الساعات", "شهر", "الشهر", "الأشهر", "أسبوع",
        "الأسبوع", "الأسابيع", "مرة", "المرة", "آن",
    )
}  # fmt: skip


# Proclitics that may be glued to a number word, shortest first: splitting a
# word tries them in this order, so "واحد" is one, not و + أحد.
_CLITICS = ("", "و", "ف", "ب", "ل", "ال", "وب", "ول", "فب", "فل", "لل", "وال", "فال", "بال", "ولل", "فلل", "وبال")
# أحد / إحدى and عدد are counts only in these phrases; scanning for the
# phrases keeps the frequent words أحد (also Sunday) and عدد out of the parser.
_ONE = (_n("أحد"), _n("إحدى"))
_TRIGGER_PHRASES = (
    {f"{one} {ten}" for one in _ONE for ten in (_n("عشر"), _n("عشرة"))}
    | {f"{one} و{w}" for one in _ONE for w, (kind, _) in _WORD_VALUES.items() if kind == "tens"}
    | {_n("عدد من"), _n("عدد كبير من")}
)
_TRIGGER_WORDS = {w for w, (k, _) in _WORD_VALUES.items() if k != "one_teen"} | set(_VAGUE) | _SEVERAL | _DUALS
_FIRST_WORDS = _TRIGGER_WORDS | {p.split()[0] for p in _TRIGGER_PHRASES}
# Candidate count tokens in NormalizedText.scan_text: a space, then a number
# or quantifier word (or phrase) with its proclitics folded into one trie, or
# digits with proclitics (و15، بـ20، الـ50).
_TRIGGER_RE = re.compile(
    " (?:"
    + alternation({c + w for c in _CLITICS for w in _TRIGGER_WORDS | _TRIGGER_PHRASES})
    + r"(?!\w)|(?:"
    + alternation(set(_CLITICS) - {""})
    + r")?\d)"
)
_NUMBER_WORD = alternation(set(_WORD_VALUES))
_FIRST_WORD_RE = re.compile(rf"(?P<w>{_NUMBER_WORD})(?!\w)")
# The next word of a compound number, with or without the conjunction و.
_NEXT_WORD_RE = re.compile(rf"\s+(?:(?P<w>{_NUMBER_WORD})(?!\w)|(?P<c>و ?)(?P<cw>{_NUMBER_WORD})(?!\w))")
_DIGITS_RE = re.compile(r"\d+(?:[.,]\d+)*")
_DATE_RE = re.compile(r"\d{1,4}[/.\-]\d{1,2}[/.\-]\d{1,4}|\d{1,2}:\d{2}")
_DIGIT_MULT_RE = re.compile(
    r"\s*(?P<m>" + alternation({_n(w) for w in ("ألف", "ألفاً", "آلاف", "مليون", "مليوناً", "ملايين")}) + r")(?!\w)"
)

_UNITS = alternation({_n(w) for w in _UNIT_WORDS})
# A measure, a percentage or a month right after a number (see _excluded).
_AFTER_RE = re.compile(
    rf"\s*(?:%|(?:في\s+)?الم(?:ئ|ا)[ئي]?ه(?!\w)|(?:{_UNITS})(?!\w)"
    rf"|(?:من\s+)?(?:{alternation({_n(m) for m in _MONTHS})})(?!\w))"
)
# A measure after a vague quantifier, which takes the definite plural
# (عشرات الكيلومترات، عدة أيام).
_VAGUE_AFTER_RE = re.compile(rf"\s+(?:من\s+)?(?:ال)?(?:{_UNITS})(?!\w)")
_LATIN_AFTER_RE = re.compile(r"[A-Za-z]")
_PUNCT = "".join(ch for ch in _SEPARATORS if not ch.isspace())

_PREFIXES = {
    "approx": ["نحو", "حوالي", "حوالى", "قرابة", "ما يقارب", "يقارب", "ما يقرب من", "يقرب من", "زهاء",
               "ما يناهز", "يناهز", "تقريباً"],
    "upper_incl": ["ما يصل إلى", "قد يصل إلى", "حتى", "لا يتجاوز", "ما لا يتجاوز", "لا تتجاوز",
                   "لا يزيد عن", "لا يزيد على", "ما لا يزيد عن", "ما لا يزيد على"],
    "upper_strict": ["أقل من"],
    "lower_incl": ["ما لا يقل عن", "لا يقل عن", "ما لا تقل عن", "لا تقل عن", "لا يقلون عن", "على الأقل"],
    "lower_strict": ["أكثر من", "ما يزيد عن", "ما يزيد على", "يزيد عن", "يزيد على", "ما يربو على",
                     "يربو على", "أزيد من", "ما يفوق", "يفوق", "تجاوز", "تجاوزت", "يتجاوز", "تتجاوز"],
    "between": ["ما بين", "بين"],
    "from": ["من"],
}  # fmt: skip
# Phrases before a number, matched on the text just before it and anchored at
# its end; a proclitic may precede the phrase (بما يصل إلى), "الـ" may follow
# it (قرابة الـ50).  The regex runs only when the previous word can end one.
_PREFIX_RE = re.compile(
    r"(?<!\w)[وفبل]?(?:"
    + "|".join(f"(?P<{name}>{_phrases(words)})" for name, words in _PREFIXES.items())
    + r")\s*(?:ال\s*)?$"
)
_PREFIX_LAST_WORDS = {_n(p).split()[-1] for words in _PREFIXES.values() for p in words} | {"ال"}
# After a number, possibly after its noun: "20 قتيلاً على الأقل", "20 أو أكثر".
_POSTFIX_RE = re.compile(
    rf"(?:\s+(?:\w+\s+)?(?P<atleast>{_phrases(['على الأقل'])})"
    rf"|\s+(?:\w+\s+)?(?P<approx>{_phrases(['تقريباً'])})"
    rf"|\s*(?P<ormore>{_phrases(['فأكثر', 'أو أكثر', 'وأكثر'])})"
    rf"|\s*(?P<nayyif>{_phrases(['ونيف', 'ونيفاً'])}))(?!\w)"
)
_RANGE_SEP_RE = re.compile(
    r"(?:(?P<dash>\s*[-\u2013\u2014]\s*)(?=\d)|\s+(?P<to>الي|حتي)\s+(?:ال\s*)?|\s+(?P<or>او)\s+|(?P<and>\s*و\s*))"
)
_VAGUE_SCALE_RE = re.compile(r"\s+(?:ال)?(?P<w>عشرات|مئات|الاف|الوف)(?!\w)")
_NUMBER_OF_RE = re.compile(r"\s+(?:كبير\s+)?من(?!\w)")


# ---------------------------------------------------------------------------
# Counts
# ---------------------------------------------------------------------------

Quantifier = Literal[
    "exact", "approximate", "lower_bound", "upper_bound", "range",
    "tens", "hundreds", "thousands", "several",
]  # fmt: skip


@dataclass(frozen=True)
class CountEstimate:
    """A count expression found in a text, with the codebook's bounds.

    ``low``/``high`` bound the count (``None``: not stated / unbounded),
    ``best`` is the figure the text gives as its estimate (``None`` when it
    gives none), ``vague`` marks vague quantifiers (عشرات، مئات، آلاف، عدة).
    ``start``/``end`` are code-point offsets of the expression in the text.
    """

    low: int | None
    high: int | None
    best: int | None
    vague: bool
    quantifier: Quantifier
    start: int
    end: int


class _Number(NamedTuple):
    value: int | None  # None: a decimal without a multiplier, not a count
    end: int
    digits: bool
    multiplier: int  # scale of a trailing multiplier word (ألف، مليون), else 1
    splits: tuple[tuple[int, int], ...]  # shorter complete readings (value, end)


# (low, high, best, vague, quantifier) of a CountEstimate
_Bounds = tuple[int | None, int | None, int | None, bool, str]


class _Parsed(NamedTuple):
    """Result of reading one trigger: ``bounds`` None means "read, not a count"."""

    bounds: _Bounds | None
    start: int
    end: int
    consumed: int


def _skip(consumed: int) -> _Parsed:
    return _Parsed(None, 0, 0, consumed)


@functools.lru_cache(maxsize=2048)
def _split_trigger(token: str) -> tuple[str, str | None]:
    """``(proclitics, first word)`` of a trigger token; the word is None for digits."""
    if token[-1].isdigit():
        return token[:-1], None
    first = token.split(" ", 1)[0]
    for clitic in _CLITICS:
        if first.startswith(clitic) and first[len(clitic) :] in _FIRST_WORDS:
            return clitic, first[len(clitic) :]
    raise AssertionError(f"trigger {token!r} has no known word")  # the regex is built from _FIRST_WORDS


def _read_digits(view: NormalizedText, pos: int) -> _Number:
    """Read digits at ``pos`` with separators and an optional multiplier word."""
    norm = view.text
    m = _DIGITS_RE.match(norm, pos)
    assert m is not None, "callers start at a digit"
    raw, end = m.group(), m.end()
    mult = _DIGIT_MULT_RE.match(norm, end)
    multiplier = _WORD_VALUES[mult.group("m")][1] if mult else 1
    if mult:
        end = mult.end()
    if raw.isdigit():
        return _Number(int(raw) * multiplier, end, True, multiplier, ())
    groups = re.split(r"[.,]", raw)
    # "." and "," separate thousands when every later group has three digits
    # (1,200 = 1.200 = 1200); before a multiplier one separator is a decimal
    # point (1.5 مليون); "٫" is always a decimal point.  Any other decimal is
    # not a count of people.
    value: int | None = None
    if mult and len(groups) == 2:
        value = round(float(raw.replace(",", ".")) * multiplier)
    elif (
        len(set(re.findall(r"[.,]", raw))) == 1
        and len(groups[0]) <= 3
        and all(len(g) == 3 for g in groups[1:])
        and "\u066b" not in view.original[view.to_original(pos) : view.to_original(m.end())]
    ):
        value = int("".join(groups)) * multiplier
    return _Number(value, end, True, multiplier, ())


def _read_words(norm: str, pos: int) -> _Number | None:
    """Read a number written in words starting at ``pos``.

    Arabic orders a number as millions, thousands, hundreds, units, tens
    (ألف ومئتان وخمسة وعشرون).  ``_step`` accepts only sequences that form one
    number, so "خمسة وعشرة" stops after خمسة.  Every complete shorter reading
    is kept in ``splits``: "بين خمسة وعشرين" needs the reading 5.
    """
    m = _FIRST_WORD_RE.match(norm, pos)
    if not m:
        return None
    state: tuple[int, int, str | None, int, int] = (0, 0, None, 10**9, 1)
    readings: list[tuple[int, int, int]] = []
    word, conj, end, first = m.group("w"), False, m.end(), True
    while True:
        kind, value = _WORD_VALUES[word]
        new = _step(kind, value, conj, first, *state)
        if new is None:
            break
        state, first = new, False
        total, group, last, _, tail_mult = state
        if last != "one_teen":
            readings.append((total + group, end, tail_mult))
        m = _NEXT_WORD_RE.match(norm, end)
        if not m:
            break
        word, conj, end = m.group("w") or m.group("cw"), m.group("c") is not None, m.end()
    if not readings:
        return None
    value, end, tail_mult = readings[-1]
    return _Number(value, end, False, tail_mult, tuple((v, e) for v, e, _ in readings[:-1]))


def _step(
    kind: str, value: int, conj: bool, first: bool, total: int, group: int, last: str | None, limit: int, _: int
) -> tuple[int, int, str | None, int, int] | None:
    """One transition of the number-word grammar; None if ``kind`` cannot follow.

    State: ``total`` (completed thousands/millions), ``group`` (the part below
    1000 being read), ``last`` (kind of the group's last word), ``limit`` (a
    multiplier must be below the previous one), trailing multiplier scale.
    """
    if kind in _MULTIPLIER_KINDS and not conj and group and value < limit:
        if kind in ("thousands", "millions") and group < 2:
            return None
        return total + group * value, 0, None, value, value
    if last is None:
        # Start of a group: the first word, or after a multiplier with و.
        if not first and not (conj and total):
            return None
        if kind in ("thousand", "thousand2", "million", "million2"):
            scale = 1000 if kind.startswith("thousand") else 1_000_000
            if scale >= limit:
                return None
            return total + value, 0, None, scale, scale
        if kind in ("thousands", "millions"):
            return None  # a bare آلاف is the vague quantifier, read elsewhere
        return total, value, kind, limit, 1
    units = group % 100
    if kind == "ten" and not conj and last in ("unit", "one_teen") and units < 10:
        return total, group + 10, "teen", limit, 1  # ثلاثة عشر
    if kind == "hundred" and not conj and last == "unit" and 3 <= group <= 9:
        return total, group * 100, "hundred", limit, 1  # ثلاث مئة
    if conj and kind == "tens" and last in ("unit", "one_teen") and units < 10:
        return total, group + value, "tens", limit, 1  # خمسة وعشرون
    if conj and last in ("hundred", "hundreds") and kind in ("unit", "one_teen", "ten", "tens"):
        return total, group + value, kind, limit, 1  # مئة وعشرون
    return None


def _read_number(view: NormalizedText, pos: int) -> _Number | None:
    if pos < len(view.text) and view.text[pos].isdigit():
        return _read_digits(view, pos)
    return _read_words(view.text, pos)


def _prev_words(norm: str, pos: int) -> list[str]:
    """The (up to) two words before ``pos``, nearest last, punctuation stripped."""
    return [w.strip(_PUNCT) for w in norm[max(0, pos - 32) : pos].split()[-2:]]


def _in(word: str, vocabulary: set[str]) -> bool:
    """``word``, or ``word`` without a one-letter proclitic, is in ``vocabulary``."""
    return word in vocabulary or (len(word) > 3 and word[0] in "وفبل" and word[1:] in vocabulary)


def _excluded(norm: str, start: int, num: _Number, prev: list[str]) -> bool:
    """True if the number is a date part, a year, a measure, money or a label.

    ``start`` is where its digits or number word begin, ``prev`` the words
    before it (proclitics excluded).
    """
    if _AFTER_RE.match(norm, num.end):
        return True
    year_like = num.digits and num.multiplier == 1 and 1900 <= (num.value or 0) <= 2099
    if prev:
        if _in(prev[-1], _BEFORE_NOT_COUNT) or (len(prev) == 2 and prev[0] in ("كانون", "تشرين")):
            return True
        if year_like and (_in(prev[-1], _BEFORE_YEAR) or (prev[-1].isdigit() and 1900 <= int(prev[-1]) <= 2099)):
            return True  # في 2018, منذ 2011, عامي 2018 و2019
    if num.digits:
        before = norm[start - 1] if start else " "
        if before in "%+" or (before == "-" and start >= 2 and norm[start - 2].isalnum()):
            return True  # %20, +963..., F-16
        if _LATIN_AFTER_RE.match(norm, num.end) or (num.value or 0) >= 10**9:
            return True  # 7km, 4G, phone numbers
        if norm[start] == "0" and norm[start + 1 : start + 2].isdigit():
            return True  # leading zero: a code or a date part
    return False


class _Range(NamedTuple):
    low: int
    low_multiplier: int  # multiplier written after the first number, else 1
    second: _Number


def _parse_range(view: NormalizedText, first: _Number, between: bool) -> _Range | None:
    """Read "X-Y", "X إلى Y", "X أو Y" or, after بين, "X و Y"."""
    readings: list[tuple[int | None, int]] = [(first.value, first.end)]
    if between:
        # The longest reading that leaves a second number wins: in "بين خمسة
        # وعشرين" the whole 25 has no partner, so the range is 5-20.
        readings += list(reversed(first.splits))
    for value, end in readings:
        m = _RANGE_SEP_RE.match(view.text, end)
        if value is None or not m or (m.group("and") and not between) or (m.group("dash") and not first.digits):
            continue
        second = _read_number(view, m.end())
        if second is None or second.value is None:
            continue
        return _Range(value, first.multiplier if end == first.end else 1, second)
    return None


def _parse_vague(norm: str, word: str, start: int, end: int) -> _Parsed | None:
    """عشرات، مئات، آلاف، عدة، بضعة، عدد من and their combinations."""
    if word == _A_NUMBER_OF:
        follow = _NUMBER_OF_RE.match(norm, end)
        if not follow:
            return None
        quantifier, low, end = "several", 2, follow.end()
    elif word in _SEVERAL:
        teens = _NEXT_WORD_RE.match(norm, end) if word != _SEVERAL_EXACT else None
        if teens and not teens.group("c") and _WORD_VALUES[teens.group("w")][0] == "ten":
            # بضعة عشر = "ten and a few": 13-19
            end = teens.end()
            return _Parsed((13, 19, None, True, "range"), start, end, end)
        if teens and teens.group("c") and _WORD_VALUES[teens.group("cw")][0] == "tens":
            # بضع وعشرون = "twenty and a few": 23-29
            tens, end = _WORD_VALUES[teens.group("cw")][1], teens.end()
            return _Parsed((tens + 3, tens + 9, None, True, "range"), start, end, end)
        scale = _VAGUE_SCALE_RE.match(norm, end)
        if scale:  # بضع مئات = at least two hundreds
            quantifier, unit = _VAGUE[scale.group("w")]
            low, end = 2 * unit, scale.end()
        else:
            quantifier, low = "several", 2
    else:
        quantifier, low = _VAGUE[word]
        scale = _VAGUE_SCALE_RE.match(norm, end)
        if scale and quantifier != "thousands" and _VAGUE[scale.group("w")][0] == "thousands":
            quantifier, low, end = "thousands", low * 1000, scale.end()  # عشرات الآلاف
    if _VAGUE_AFTER_RE.match(norm, end):
        return _skip(end)  # عشرات الكيلومترات، عدة أيام
    return _Parsed((low, None, None, True, quantifier), start, end, end)


def _parse_trigger(view: NormalizedText, token_start: int, token: str, floor: int) -> _Parsed | None:
    """Read the count expression at a trigger token; None if nothing was read."""
    norm = view.text
    clitic, word = _split_trigger(token)
    pos = token_start + len(clitic)
    # Spans leave out the proclitics و ف ب ل (and لل) but keep a written ال.
    article = clitic.endswith("ال") or clitic.endswith("لل")
    start = pos - 2 if word is not None and clitic.endswith("ال") else pos
    if word is not None:
        if word in _VAGUE or word in _SEVERAL or word == _A_NUMBER_OF:
            return _parse_vague(norm, word, start, pos + len(word))
        if word in _DUALS:
            end = pos + len(word)
            while follow := _DUAL_FOLLOW_RE.match(norm, end):
                end = follow.end()  # "طفلين اثنين", "الجنديين القتيلين": one pair
            return _Parsed((2, 2, 2, False, "exact"), start, end, end)
        kind, value = _WORD_VALUES.get(word, ("one_teen", 1))
        # With the article only 3-10 are counts ("الأطفال الثلاثة"): الاثنين is
        # Monday, الأحد Sunday, بالمئة a percentage, العشرين a century.
        if article and not (kind in ("unit", "ten") and value >= 3):
            return None
        if word == _SIX and clitic not in ("", "و"):
            return None  # لست / بست are words, not "six"
    else:
        date = _DATE_RE.match(norm, pos)
        if date:
            return _skip(date.end())
    num = _read_number(view, pos)
    if num is None:
        return None
    prev = _prev_words(norm, token_start)
    if num.value is None or _excluded(norm, pos, num, prev):
        return _skip(num.end)
    prev_word = prev[-1] if prev else ""
    if article and prev_word in _TIME_NOUNS:
        return _skip(num.end)  # "الأيام الثلاثة", "الساعات الـ24"

    prefix = None
    if prev_word in _PREFIX_LAST_WORDS:
        prefix = _PREFIX_RE.search(norm, max(floor, token_start - 40), token_start)
    category = prefix.lastgroup if prefix else None
    prefix_start = prefix.start(category) if prefix and category else start

    tail = _parse_range(view, num, category == "between")
    if tail is not None:
        second = tail.second
        if _AFTER_RE.match(norm, second.end):
            return _skip(second.end)  # "من 10 إلى 15 كيلومتراً"
        low, high = tail.low, second.value or 0
        if second.multiplier > 1 and tail.low_multiplier == 1 and low * second.multiplier <= high:
            low *= second.multiplier  # "بين 10 و15 ألفاً": the multiplier covers both
        if category == "between":
            low, high = min(low, high), max(low, high)
        years = num.digits and second.digits and 1900 <= low < high <= 2099
        if years:
            return _skip(second.end)  # 2011-2015
        if low < high:
            range_start = prefix_start if category in ("between", "from") else start
            return _Parsed((low, high, None, False, "range"), range_start, second.end, second.end)
    if category in ("between", "from"):
        category, prefix_start = None, start  # "من 20" / "بين 20" alone: plain number

    n, end = num.value, num.end
    bounds: _Bounds
    if category is None and word is not None and n == 1 and _WORD_VALUES[word] == ("unit", 1):
        if _in(prev_word, _TIME_NOUNS):
            return _skip(end)  # "يوم واحد", "في وقت واحد"
        if prev_word in _SINGULAR_NOUNS:
            start = norm.rfind(prev_word, 0, token_start)  # "قتيل واحد" is one expression
        return _Parsed((1, 1, 1, False, "exact"), start, end, end)
    if category is None:
        post = _POSTFIX_RE.match(norm, end)
        if not post:
            return _Parsed((n, n, n, False, "exact"), start, end, end)
        if post.group("approx"):
            return _Parsed((None, None, n, False, "approximate"), start, post.end(), post.end())
        low = n + 1 if post.group("nayyif") else n
        return _Parsed((low, None, None, False, "lower_bound"), start, post.end(), post.end())
    if category == "approx":
        bounds = (None, None, n, False, "approximate")
    elif category == "lower_incl":
        bounds = (n, None, None, False, "lower_bound")
    elif category == "lower_strict":
        bounds = (n + 1, None, None, False, "lower_bound")
    else:
        high = n if category == "upper_incl" else n - 1
        bounds = (min(1, high), high, None, False, "upper_bound")
    return _Parsed(bounds, prefix_start, end, end)


def _scan(text: str, first_only: bool) -> list[CountEstimate]:
    view = normalize_view(text, taa_marbuta=True)
    found: list[CountEstimate] = []
    floor = 0  # normalized offset up to which the text has been read
    for m in _TRIGGER_RE.finditer(view.scan_text):
        token_start = m.start()  # the scan text is shifted by its leading space
        if token_start < floor:
            continue
        parsed = _parse_trigger(view, token_start, m.group()[1:], floor)
        if parsed is None:
            floor = m.end() - 1
            continue
        floor = max(floor, parsed.consumed)
        if parsed.bounds is None:
            continue
        low, high, best, vague, quantifier = parsed.bounds
        start, end = view.to_original(parsed.start), view.to_original(parsed.end)
        found.append(CountEstimate(low, high, best, vague, quantifier, start, end))  # type: ignore[arg-type]
        if first_only:
            break
    return found


def parse_count(text: str) -> CountEstimate | None:
    """The first count expression in ``text``, or None.

    See ``docs/arabic.md`` for the forms read and the low/high/best policy
    of every quantifier.
    """
    found = _scan(text, first_only=True)
    return found[0] if found else None


def find_counts(text: str) -> list[CountEstimate]:
    """All count expressions in ``text``: non-overlapping, in text order."""
    return _scan(text, first_only=False)


def parse_number(text: str) -> int | None:
    """The integer that the whole of ``text`` spells, or None.

    Accepts digits in any script with thousands separators (and a decimal
    before a multiplier word: "1.5 مليون") or Arabic number words, with or
    without tashkeel: "١٬٢٠٠", "ألف ومئتان", "خمسةٌ وعشرون".  Meant for typed
    count fields, where the whole entry must be one number.
    """
    view = normalize_view(text.strip(), taa_marbuta=True)
    if not view.text:
        return None
    num = _read_number(view, 0)
    if num is None or num.end != len(view.text):
        return None
    return num.value
