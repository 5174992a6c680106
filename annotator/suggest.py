"""Suggested spans: likely actors, casualty counts and source cues, for the coder to accept or dismiss.

A suggestion is never an annotation: the window draws it dashed, and only the coder's acceptance
creates an annotation (logged as accepted from a suggestion). Suggestions anchor coders, so the
window keeps them off by default on documents of the reliability sample.

Rules, kept simple enough to explain to a coder (precision and recall on the sample corpus are in
docs/arabic.md):

* actor: every gazetteer mention (longest alias, clitics tolerated), with the canonical name and
  ACLED type proposed;
* casualty: a count expression (digits, number words, duals, ranges, bounds, vague quantifiers)
  within a few words of a harm word (مقتل، جرحى، ضحايا، اعتقال، نزوح ...), extended to the noun
  that follows it, with low / best / high / quantifier and an outcome guessed from the harm word;
* source: a source cue phrase (بيان، مصادر خاصة، شهود عيان، ناشطون، مصدر طبي، المرصد ...) with its
  source type.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from annotator.arabic import (CountEstimate, alternation, find_counts, normalize_for_matching, normalize_view,
                              parse_count)
from annotator.codebook import Layer
from annotator.gazetteer import Gazetteer
from annotator.model import Annotation

# Harm words (normalized: no tashkeel, alef folded, ة -> ه) and the outcome each implies.
OUTCOME_WORDS: dict[str, tuple[str, ...]] = {
    "killed": ("مقتل", "قتل", "قتلت", "قتلوا", "قتلى", "قتيل", "قتيلا", "قتيلين", "قتيلان", "مصرع", "حتفهم",
               "حتفه", "استشهاد", "استشهد", "استشهدوا", "شهيد", "شهيدا", "شهداء", "جثه", "جثث", "لقي", "لقوا",
               "اعدام", "اعدمت", "وفاه", "توفي", "تصفيه"),
    "injured": ("جرحى", "جريح", "جريحا", "جريحين", "جرح", "اصابه", "اصابات", "مصابين", "مصابا", "اصيب", "اصيبت",
                "اصيبوا", "بجروح", "جروح"),
    "killed_or_injured": ("ضحايا", "ضحيه"),
    "missing": ("مفقود", "مفقودين", "مفقودون", "فقدان", "فقد", "مصير"),
    "detained": ("اعتقال", "اعتقل", "اعتقلت", "اعتقلوا", "معتقلين", "معتقلا", "اسر", "اسرت", "اسرى", "احتجاز",
                 "احتجزت", "اختطاف", "اختطفت", "خطف", "اقتياد", "اقتادت", "توقيف"),
    "displaced": ("نزوح", "نزح", "نزحت", "نزحوا", "نازح", "نازحين", "نازحون", "تهجير", "هجرت", "مهجرين",
                  "فرار", "فروا"),
}
# Source cues: phrase (normalized) -> source_type. Longest phrases are tried first.
SOURCE_CUES: dict[str, str] = {
    "مصادر خاصه": "anonymous", "مصدر خاص": "anonymous", "مصادر محليه": "anonymous",
    "مصدر محلي": "anonymous", "مصادر مطلعه": "anonymous", "مصدر مطلع": "anonymous",
    "مصدر طلب عدم الكشف عن اسمه": "anonymous", "مصادر امنيه": "anonymous", "مصدر امني": "anonymous",
    "مصادر ميدانيه": "anonymous", "مصدر عسكري": "anonymous", "مصادر عسكريه": "anonymous",
    "شهود عيان": "eyewitness", "شاهد عيان": "eyewitness", "سكان محليون": "eyewitness", "الاهالي": "eyewitness",
    "ناشطون": "activists", "ناشطين": "activists", "ناشط": "activists", "ناشطو": "activists",
    "مصادر طبيه": "medical", "مصدر طبي": "medical", "مستشفى": "medical", "الطواقم الطبيه": "medical",
    "المرصد": "ngo_monitor", "منظمه": "ngo_monitor", "الشبكه": "ngo_monitor",
    "بيان": "belligerent_statement", "بيانا": "belligerent_statement",
    "المتحدث": "official", "متحدث": "official", "الناطق": "official", "وزاره": "official", "مسؤول": "official",
    "الامم المتحده": "international_org", "الصليب الاحمر": "international_org", "يونيسف": "international_org",
    "تلغرام": "social_media", "منشور": "social_media", "تغريده": "social_media",
}
HARM_CHARS = 30  # how far (characters, about four words) a harm word may stand from its count
_NEXT_WORD = re.compile(r"[ \u00a0]([\w\u0640\u064B-\u065F\u0670]+)")
_CLITICS = ("و", "ف", "ب", "ل", "ك")


@dataclass(frozen=True)
class Suggestion:
    """A proposed span with proposed field values; ``id`` is stable for the same text."""

    layer: str
    start: int
    end: int
    attrs: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    @property
    def id(self) -> str:
        return f"{self.layer}:{self.start}:{self.end}"


def count_attrs(estimate: CountEstimate) -> dict[str, Any]:
    """Codebook fields proposed for a casualty count (vague counts keep best and high empty)."""
    attrs: dict[str, Any] = {"quantifier": estimate.quantifier}
    for key in ("low", "best", "high"):
        if getattr(estimate, key) is not None:
            attrs[key] = getattr(estimate, key)
    return attrs


def propose_attrs(layer: Layer, quote: str, gazetteer: Gazetteer | None) -> dict[str, Any]:
    """Field values the text of a new span suggests: a casualty's count, an actor's canonical name
    and type. Only fields the layer has; the coder confirms them (see CodingSession.propose)."""
    proposal: dict[str, Any] = {}
    if layer.id == "casualty" and (estimate := parse_count(quote)) is not None:
        proposal = count_attrs(estimate)
    elif layer.id == "actor" and gazetteer is not None and (actor := gazetteer.lookup(quote)):
        proposal = {"name": actor.name_en, "actor_type": actor.acled_type}
    return {k: v for k, v in proposal.items() if layer.field(k) is not None}


class Suggester:
    """Finds suggestions in a text. Build once (it holds the gazetteer index) and reuse."""

    def __init__(self, gazetteer: Gazetteer | None = None):
        self.gazetteer = gazetteer or Gazetteer.load()
        # Both patterns run over the view's scan text, where every word follows a space: the
        # engine jumps from space to space, and a trie-shaped alternation fails fast.
        self._harm_re = re.compile(" [وفبلك]?(" + alternation(list(_OUTCOME)) + r")(?!\w)")
        self._cue_re = re.compile(" (?:[وفبل]|ال)?(" + alternation(list(SOURCE_CUES)) + r")(?!\w)")

    def suggest(self, text: str) -> list[Suggestion]:
        """All suggestions in ``text``, in text order, at most one per layer and start."""
        view = normalize_view(text)
        found = self._actors(text) + self._casualties(text, view) + self._sources(view)
        unique = {(s.layer, s.start): s for s in found}
        return sorted(unique.values(), key=lambda s: (s.start, s.end, s.layer))

    def _actors(self, text: str) -> list[Suggestion]:
        return [Suggestion("actor", m.start, m.end, {"name": m.actor.name_en, "actor_type": m.actor.acled_type},
                           f"gazetteer: {m.actor.name_en}") for m in self.gazetteer.find_mentions(text)]

    def _casualties(self, text: str, view: Any) -> list[Suggestion]:
        # Harm words found once per article (in the normalized view, offsets mapped back).
        harms = [(view.to_original(m.start(1) - 1), view.to_original(m.end(1) - 1), _OUTCOME[m.group(1)])
                 for m in self._harm_re.finditer(view.scan_text)]
        harm_starts = [h[0] for h in harms]
        out = []
        for estimate in find_counts(text):
            outcome = _nearest_outcome(harms, harm_starts, estimate.start, estimate.end)
            if outcome is None:
                continue
            end = estimate.end
            noun = _NEXT_WORD.match(text, end)
            if noun and _outcome_of(noun.group(1)) is None:
                end = noun.end(1)  # "١٢ مدنياً": the noun the count counts
            attrs = {"outcome": outcome, **count_attrs(estimate)}
            out.append(Suggestion("casualty", estimate.start, end, attrs, f"count: {estimate.quantifier}"))
        return out

    def _sources(self, view: Any) -> list[Suggestion]:
        return [Suggestion("source", view.to_original(m.start(1) - 1), view.to_original(m.end(1) - 1),
                           {"source_type": SOURCE_CUES[m.group(1)]}, f"source cue: {m.group(1)}")
                for m in self._cue_re.finditer(view.scan_text)]


_OUTCOME = {w: outcome for outcome, words in OUTCOME_WORDS.items() for w in words}


@functools.lru_cache(maxsize=65536)
def _outcome_of(word: str) -> str | None:
    """The outcome a (raw) word implies, tolerating tashkeel, alef variants and one clitic."""
    word = normalize_for_matching(word)
    if word in _OUTCOME:
        return _OUTCOME[word]
    for clitic in _CLITICS:
        if word.startswith(clitic) and word[len(clitic):] in _OUTCOME:
            return _OUTCOME[word[len(clitic):]]
    return None


def _nearest_outcome(harms: list[tuple[int, int, str]], starts: list[int], start: int, end: int) -> str | None:
    """The outcome of the harm word inside [start, end), else of the nearest one within HARM_CHARS
    (before wins a tie): "مقتل 3 وإصابة 68 آخرين" gives killed for 3 and injured for 68."""
    best: tuple[int, int, str] | None = None
    k = bisect_right(starts, end + HARM_CHARS)
    while k > 0 and harms[k - 1][1] >= start - HARM_CHARS:
        h_start, h_end, outcome = harms[k - 1]
        if h_start < end and h_end > start:
            distance, side = 0, 0
        elif h_end <= start:
            distance, side = start - h_end, 0
        else:
            distance, side = h_start - end, 1
        if distance <= HARM_CHARS and (best is None or (distance, side) < best[:2]):
            best = (distance, side, outcome)
        k -= 1
    return best[2] if best else None


def untaken(suggestions: Sequence[Suggestion], annotations: Sequence[Annotation]) -> list[Suggestion]:
    """The suggestions that no annotation of the same layer overlaps (annotations in text order).

    Per layer, spans sorted by start with the running maximum of their ends: each suggestion is
    checked by one bisection instead of against every annotation (the window calls this on every edit).
    """
    taken: dict[str, tuple[list[int], list[int]]] = {}
    for a in annotations:
        starts, max_ends = taken.setdefault(a.layer, ([], []))
        starts.append(a.start)
        max_ends.append(max(a.end, max_ends[-1]) if max_ends else a.end)

    def free(x: Suggestion) -> bool:
        starts, max_ends = taken.get(x.layer, ([], []))
        i = bisect_left(starts, x.end)  # spans starting before the suggestion ends
        return i == 0 or max_ends[i - 1] <= x.start

    return [x for x in suggestions if free(x)]
