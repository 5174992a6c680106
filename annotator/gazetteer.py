"""Actor gazetteer: canonical actors, their aliases, lookup and mention finding.

The data lives in ``resources/actors.yaml`` (format in ``docs/arabic.md``).
Matching works on the matching-normalized text (``annotator.arabic``), with
ASCII letters compared case-insensitively, Arabic proclitics tolerated on the
first word, and offsets reported in the original text's code points.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from annotator import safe_yaml
from annotator.arabic import NormalizedText, alternation, normalize_for_matching, normalize_view

__all__ = ["ACLED_TYPES", "Actor", "Gazetteer", "Mention", "default_path"]

# ACLED's actor types (inter codes 1-8) plus "unidentified" for attacks by
# unnamed perpetrators.
ACLED_TYPES: tuple[str, ...] = (
    "state_forces",
    "rebel_group",
    "political_militia",
    "identity_militia",
    "rioters",
    "protesters",
    "civilians",
    "external_forces",
    "unidentified",
)

_REQUIRED = ("id", "name_en", "name_ar", "acled_type", "country", "aliases")
_ID_RE = re.compile(r"[a-z][a-z0-9_]*")
_WORD_RE = re.compile(r"\w+")
# Between two words of one alias the text may have spaces, quotes and hyphens
# (تنظيم "الدولة الإسلامية"، US-led), but no sentence punctuation.
_NEXT_WORD_RE = re.compile(r"[\s\"'«»“”„‘’‹›\-]+(\w+)")
_ACRONYM_RE = re.compile(r"[A-Z][A-Z0-9\-]*")

# Proclitics tried on the first word of a name.  "لل" stands for ل + ال
# (للجيش = ل + الجيش), so the article is put back.  A bare ال is stripped only
# in lookup(), for what a coder types: in running text a word with an article
# that the alias lacks is nearly always another word (الحماس is "enthusiasm").
_PLAIN_PROCLITICS = ("و", "ف", "ب", "ل", "ك", "وب", "ول", "فب", "فل", "وك")
_ARTICLE_PROCLITICS = ("لل", "ولل", "فلل")
_BARE_ARTICLE = ("ال", "وال", "فال", "بال", "كال", "وبال")


def default_path() -> Path:
    """``resources/actors.yaml`` at the repository root, next to ``annotator/``."""
    return Path(__file__).resolve().parent.parent / "resources" / "actors.yaml"


@dataclass(frozen=True)
class Actor:
    """One canonical actor.  ``country`` lists the theatres it is coded in."""

    id: str
    name_en: str
    name_ar: str
    acled_type: str
    country: tuple[str, ...]
    aliases: tuple[str, ...]

    @property
    def names(self) -> tuple[str, ...]:
        """Arabic name, English name and aliases: every string that names it."""
        return (self.name_ar, self.name_en, *self.aliases)


@dataclass(frozen=True)
class Mention:
    """An actor named in a text; ``text[start:end] == surface``."""

    actor: Actor
    start: int
    end: int
    surface: str


def _key(name: str) -> tuple[str, ...]:
    """The matching key of a name: its normalized, ASCII-lowercased words."""
    return tuple(w.lower() for w in _WORD_RE.findall(normalize_for_matching(name)))


@functools.lru_cache(maxsize=4096)
def _first_word_candidates(word: str, bare_article: bool) -> tuple[tuple[int, str], ...]:
    """``(characters stripped, lookup form)`` for a first word, fewest stripped first."""
    candidates = [(0, word)]
    groups = [(_PLAIN_PROCLITICS, ""), (_ARTICLE_PROCLITICS, "ال")]
    if bare_article:
        groups.append((_BARE_ARTICLE, ""))
    for group, restore in groups:
        for p in group:
            if word.startswith(p) and len(word) - len(p) >= 2:
                candidates.append((len(p), restore + word[len(p) :]))
    candidates.sort(key=lambda c: c[0])
    return tuple(candidates)


class _Node:
    """A word trie node: children by word, and the actor an alias ends with."""

    __slots__ = ("acronym", "actor", "children")

    def __init__(self) -> None:
        self.children: dict[str, _Node] = {}
        self.actor: Actor | None = None
        self.acronym = False


class Gazetteer:
    """Actors indexed for exact lookup, autocomplete and mention finding."""

    def __init__(self, actors: Iterable[Actor], source: str = "<memory>") -> None:
        """Index ``actors``; ValueError (naming ``source``) on conflicting aliases."""
        self._actors = tuple(actors)
        self._by_id: dict[str, Actor] = {}
        self._root = _Node()
        self._start_cache: dict[str, tuple[tuple[int, _Node], ...]] = {}
        # (normalized name, the same with ال dropped from each word, actor)
        self._completions: list[tuple[str, str, Actor]] = []
        owner: dict[tuple[str, ...], Actor] = {}
        for actor in self._actors:
            if actor.id in self._by_id:
                raise ValueError(f"{source}: actor {actor.id!r}: duplicate id")
            if actor.acled_type not in ACLED_TYPES:
                raise ValueError(
                    f"{source}: actor {actor.id!r}: unknown acled_type {actor.acled_type!r} "
                    f"(expected one of {', '.join(ACLED_TYPES)})"
                )
            self._by_id[actor.id] = actor
            for name in actor.names:
                key = _key(name)
                if not key:
                    raise ValueError(f"{source}: actor {actor.id!r}: alias {name!r} has no letters")
                other = owner.setdefault(key, actor)
                if other is not actor:
                    raise ValueError(f"{source}: actor {actor.id!r}: alias {name!r} also names actor {other.id!r}")
                self._insert(key, actor, acronym=bool(_ACRONYM_RE.fullmatch(name.strip())))
                joined = " ".join(key)
                bare = " ".join(w[2:] if w.startswith("ال") and len(w) > 3 else w for w in key)
                self._completions.append((joined, bare, actor))
        first_words = set(self._root.children)
        # Prefilter over NormalizedText.scan_text: a space, then a word that can
        # start an alias, proclitics included, so only real candidates reach
        # Python code.
        starts = {c + w for c in ("", *_PLAIN_PROCLITICS) for w in first_words}
        starts |= {c + w[2:] for c in _ARTICLE_PROCLITICS for w in first_words if w.startswith("ال")}
        words = alternation(starts, ascii_case=True)
        self._first_re = re.compile(rf" (?:{words})(?!\w)")

    def _insert(self, key: tuple[str, ...], actor: Actor, acronym: bool) -> None:
        node = self._root
        for word in key:
            node = node.children.setdefault(word, _Node())
        # The same key written once as an acronym (HTS) and once not (Hts)
        # matches case-insensitively.
        node.acronym = acronym if node.actor is None else (node.acronym and acronym)
        node.actor = actor

    @classmethod
    def load(cls, path: str | Path | None = None) -> Gazetteer:
        """Load and validate a gazetteer YAML file (default: ``default_path()``).

        Raises ValueError naming the file, the actor id and the problem for a
        malformed entry, a duplicate id, an unknown acled_type or an alias
        that names two actors, and for YAML that :mod:`annotator.safe_yaml`
        refuses (too large, too deep, object tags, alias bombs).
        """
        path = Path(path) if path is not None else default_path()
        data = safe_yaml.load(safe_yaml.read_text(path), str(path))
        if not isinstance(data, list):
            raise ValueError(f"{path}: expected a list of actors")
        return cls((_actor_from_entry(entry, i, path) for i, entry in enumerate(data, 1)), str(path))

    @property
    def actors(self) -> tuple[Actor, ...]:
        """All actors in file order."""
        return self._actors

    def get(self, actor_id: str) -> Actor | None:
        """The actor with id ``actor_id`` (as stored in annotations), or None."""
        return self._by_id.get(actor_id)

    def lookup(self, text: str) -> Actor | None:
        """The actor that ``text`` names exactly, or None.

        Compared after matching normalization and ASCII case folding, ignoring
        surrounding quotes and punctuation; a proclitic on the first word
        (و ف ب ل ال لل وال بال ...) is tolerated: "وقسد", "لداعش", "بقوات النظام".
        """
        words = _key(text)
        if not words:
            return None
        for _, first in _first_word_candidates(words[0], bare_article=True):
            node = self._root.children.get(first)
            for word in words[1:]:
                if node is None:
                    break
                node = node.children.get(word)
            if node is not None and node.actor is not None:
                return node.actor
        return None

    def complete(self, prefix: str, limit: int = 10) -> list[Actor]:
        """Actors whose name or alias starts with ``prefix`` (Arabic or English).

        Names that start with the prefix come first, then names with a later
        word (or a word without its ال) starting with it; shorter names first
        within each group.
        """
        p = " ".join(_key(prefix))
        if not p or limit <= 0:
            return []
        ranked: dict[str, tuple[int, int, str, Actor]] = {}
        for joined, bare, actor in self._completions:
            if joined.startswith(p):
                rank = 0
            elif (" " + p) in (" " + joined) or (" " + p) in (" " + bare):
                rank = 1
            else:
                continue
            entry = (rank, len(joined), actor.name_en, actor)
            if actor.id not in ranked or entry[:3] < ranked[actor.id][:3]:
                ranked[actor.id] = entry
        return [e[3] for e in sorted(ranked.values(), key=lambda e: e[:3])][:limit]

    def find_mentions(self, text: str) -> list[Mention]:
        """Actor mentions in ``text``: leftmost-longest, non-overlapping, in order.

        Spans exclude a stripped proclitic (و، ب، ل ...) and surrounding quotes
        but include an ال that is part of the alias.  An all-capitals alias
        (SDF, IS) matches only capitals in the text.
        """
        view = normalize_view(text, taa_marbuta=True)
        mentions: list[Mention] = []
        floor = 0
        for m in self._first_re.finditer(view.scan_text):
            token_start = m.start()  # the scan text is shifted by its leading space
            if token_start < floor:
                continue
            # Candidates come with the fewest stripped characters first, so on
            # equal length the least stripped reading wins.
            best: tuple[int, int, int, Actor] | None = None  # (words, stripped, end, actor)
            for stripped, node in self._starts(m.group()[1:]):
                hit = self._longest(view, node, token_start + stripped, m.end() - 1)
                if hit is not None and (best is None or hit[0] > best[0]):
                    best = (hit[0], stripped, hit[1], hit[2])
            if best is None:
                continue
            _, stripped, end, actor = best
            # As everywhere, an end offset maps to the next kept character, so
            # the last letter's tashkeel is inside the span.
            start, stop = view.to_original(token_start + stripped), view.to_original(end)
            mentions.append(Mention(actor, start, stop, text[start:stop]))
            floor = end
        return mentions

    def _longest(self, view: NormalizedText, node: _Node, start: int, end: int) -> tuple[int, int, Actor] | None:
        """The longest alias through ``node``, whose first word spans [start, end).

        Returns ``(words, end, actor)`` in normalized offsets, or None.
        """
        found = None
        words = 1
        while True:
            if node.actor is not None and (not node.acronym or self._upper(view, start, end)):
                found = (words, end, node.actor)
            nxt = _NEXT_WORD_RE.match(view.text, end) if node.children else None
            child = node.children.get(nxt.group(1).lower()) if nxt else None
            if nxt is None or child is None:
                return found
            node, end, words = child, nxt.end(), words + 1

    def _starts(self, token: str) -> tuple[tuple[int, _Node], ...]:
        """Trie nodes that the scanned ``token`` can start, with the proclitic length stripped."""
        found = self._start_cache.get(token)
        if found is None:
            children = self._root.children
            found = tuple(
                (stripped, children[first])
                for stripped, first in _first_word_candidates(token.lower(), bare_article=False)
                if first in children
            )
            # Bounded: the scan only yields alias first words with proclitics.
            self._start_cache[token] = found
        return found

    @staticmethod
    def _upper(view: NormalizedText, start: int, end: int) -> bool:
        """True if the original text of normalized span [start, end) is in capitals."""
        return view.original[view.to_original(start) : view.to_original(end)].isupper()


def _actor_from_entry(entry: object, index: int, path: Path) -> Actor:
    """Build an Actor from one YAML entry, or raise ValueError describing the problem."""
    if not isinstance(entry, dict):
        raise ValueError(f"{path}: entry #{index}: expected a mapping, got {type(entry).__name__}")
    actor_id = entry.get("id")
    where = f"{path}: actor {actor_id!r}" if actor_id else f"{path}: entry #{index}"
    missing = [k for k in _REQUIRED if k not in entry]
    if missing:
        raise ValueError(f"{where}: missing {', '.join(missing)}")
    unknown = sorted(set(entry) - set(_REQUIRED))
    if unknown:
        raise ValueError(f"{where}: unknown field(s) {', '.join(map(str, unknown))}")
    if not isinstance(actor_id, str) or not _ID_RE.fullmatch(actor_id):
        raise ValueError(f"{where}: id must be lower-case letters, digits and _")
    for field in ("name_en", "name_ar", "acled_type"):
        if not isinstance(entry[field], str) or not entry[field].strip():
            raise ValueError(f"{where}: {field} must be a non-empty string")
    country = entry["country"]
    countries = (country,) if isinstance(country, str) else country
    if not isinstance(countries, (list, tuple)) or not countries or not all(isinstance(c, str) for c in countries):
        raise ValueError(f"{where}: country must be a string or a non-empty list of strings")
    aliases = entry["aliases"]
    if not isinstance(aliases, list) or not all(isinstance(a, str) for a in aliases):
        raise ValueError(f"{where}: aliases must be a list of strings")
    return Actor(
        id=actor_id,
        name_en=entry["name_en"].strip(),
        name_ar=entry["name_ar"].strip(),
        acled_type=entry["acled_type"],
        country=tuple(countries),
        aliases=tuple(a.strip() for a in aliases),
    )
