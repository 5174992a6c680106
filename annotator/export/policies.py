"""Count policies: how a casualty span's stored count becomes the figures an event table needs.

The codebook keeps vague counts vague (quantifier class plus low / best / high, docs/codebook.md).
ACLED wants one fatality figure per event and UCDP GED a low / best / high triple, so the
``acled`` and ``ucdp`` exports pass every count through a named, documented policy. The rules,
their sources and which figures are this project's own choice are in docs/export.md
("acled and ucdp").

Interface (used by :mod:`annotator.export.events` and the export command)::

    POLICIES: dict[str, CountPolicy]          # "acled", "ucdp"
    policy(name: str) -> CountPolicy          # ValueError naming the known policies
    CountPolicy.estimate(attrs) -> Estimate | None   # one casualty span's attributes
    CountPolicy.deaths(attrs) -> Estimate | None     # what the span adds to a death toll
    CountPolicy.manifest() -> dict                    # for the export manifest
    Estimate(low, best, high)                 # ints; high None = unbounded
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

KILLED = "killed"
# ضحايا: the text does not say whether the people were killed or hurt.
KILLED_OR_INJURED = "killed_or_injured"


@dataclass(frozen=True)
class Estimate:
    """A count as low / best / high; ``high`` None means unbounded."""

    low: int
    best: int
    high: int | None

    def __add__(self, other: Estimate) -> Estimate:
        high = None if self.high is None or other.high is None else self.high + other.high
        return Estimate(self.low + other.low, self.best + other.best, high)


ZERO = Estimate(0, 0, 0)


def _count(value: Any) -> int | None:
    """A stored number field as a count of people (number fields may hold 12.0)."""
    if value is None or isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    return int(round(value))


def largest(estimates: Iterable[Estimate]) -> Estimate:
    """The figure for one victim group of a document: component-wise the largest count.

    Coders tag a toll again where the article repeats it and tag its parts («تسعة أطفال» of
    «45 مدنياً»), so adding the counts of one group would count the same people twice; the
    group's total is at least each count. An unbounded high stays unbounded.
    """
    found = list(estimates)
    if not found:
        return ZERO
    highs = [e.high for e in found]
    return Estimate(max(e.low for e in found), max(e.best for e in found),
                    None if None in highs else max(h for h in highs if h is not None))


@dataclass(frozen=True)
class CountPolicy:
    """A named rule turning stored counts into event-table figures.

    ``floors`` gives the figure of each vague quantifier class (a stored low can only raise it:
    «عشرات الآلاف» is stored as thousands with low 10,000); ``single`` policies report one figure
    (best = low = the conservative figure) where others keep the text's own best;
    ``ambiguous_in_high`` lets «ضحايا» counts raise the high estimate of deaths.
    """

    name: str
    title: str
    reference: str
    floors: Mapping[str, int]
    single: bool
    ambiguous_in_high: bool
    rules: Mapping[str, str]  # quantifier id -> the rule in words (docs, manifest)

    def estimate(self, attrs: Mapping[str, Any]) -> Estimate | None:
        """The span's count under this policy, or None when it carries no usable figure."""
        low, best, high = (_count(attrs.get(k)) for k in ("low", "best", "high"))
        floor = self.floors.get(attrs.get("quantifier") or "")
        if floor is not None:
            conservative: int | None = floor if low is None else max(floor, low)
        else:
            conservative = low if low is not None else best
        if conservative is None:
            return None
        return Estimate(conservative, conservative if self.single or best is None else best, high)

    def deaths(self, attrs: Mapping[str, Any]) -> Estimate | None:
        """What the span adds to a death toll: killed counts in full; «ضحايا» (killed or injured,
        unspecified) only to the high estimate, and only under a policy that allows it; every
        other outcome nothing (None)."""
        outcome = attrs.get("outcome")
        if outcome == KILLED:
            return self.estimate(attrs)
        if outcome == KILLED_OR_INJURED and self.ambiguous_in_high:
            est = self.estimate(attrs)
            return None if est is None else Estimate(0, 0, est.high)
        return None

    def describe(self, est: Estimate) -> str:
        """The figures in words, for the notes column."""
        if self.single:
            return f"counted as {est.best}"
        high = "unbounded" if est.high is None else str(est.high)
        return f"low {est.low} / best {est.best} / high {high}"

    def manifest(self) -> dict[str, Any]:
        return {"name": self.name, "title": self.title, "reference": self.reference,
                "rules": dict(self.rules)}


ACLED = CountPolicy(
    name="acled",
    title="ACLED: the most conservative single figure",
    reference=("ACLED Codebook, section 'Reported fatalities' (acleddata.com/methodology/acled-codebook); "
               "ACLED Knowledge Base, 'Fatalities' FAQ (27 Feb 2023, updated 7 May 2024)"),
    floors={"tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000, "several": 3, "unspecified": 3},
    single=True,
    ambiguous_in_high=False,
    rules={
        "exact": "n",
        "approximate": "the figure the text gives (نحو 40 -> 40)",
        "lower_bound": "the stored low (أكثر من 20 -> 21; ما لا يقل عن 20 -> 20)",
        "upper_bound": "the stored low (ما يصل إلى 30 -> 1)",
        "range": "the lower end (بين 10 و15 -> 10)",
        "tens": "10 (ACLED: 'tens' -> 10), or the stored low if higher (عشرات الآلاف -> 10000)",
        "dozens": "12 (ACLED: 'dozens' -> 12)",
        "hundreds": "100 (ACLED: 'hundreds' -> 100), or the stored low if higher (بضع مئات -> 200)",
        "thousands": "1000 (ACLED: 'and so on' after tens, dozens, hundreds), or the stored low if higher",
        "several": "3 (ACLED: 'several', 'many', 'few' -> 3 or 10 by the scale and context of the "
                   "attack, which the codebook does not code: the lower figure)",
        "unspecified": "3 (ACLED: plural 'fatalities' without a number -> 3 or 10: the lower figure)",
    },
)

UCDP = CountPolicy(
    name="ucdp",
    title="UCDP GED: low / best / high",
    reference=("UCDP GED Codebook (Högbladh, version 24.1): low, best and high are the lowest reliable, "
               "most likely and highest reliable estimates; the figures for vague words are this "
               "project's own (UCDP publishes none)"),
    floors={"tens": 10, "dozens": 12, "hundreds": 100, "thousands": 1000, "several": 2, "unspecified": 1},
    single=False,
    ambiguous_in_high=True,
    rules={
        "exact": "low = best = high = n",
        "approximate": "low = best = the figure the text gives (نحو 40 -> 40 / 40); high unbounded",
        "lower_bound": "low = best = the stored low (أكثر من 20 -> 21 / 21); high unbounded",
        "upper_bound": "low = the stored low, best = the stored best or else low, high = the bound "
                       "(ما يصل إلى 30 -> 1 / 1 / 30)",
        "range": "low = the lower end, best = the stored best or else the lower end, high = the upper "
                 "end (بين 10 و15 -> 10 / 10 / 15)",
        "tens": "low = best = 10, or the stored low if higher; high unbounded",
        "dozens": "low = best = 12, or the stored low if higher; high unbounded",
        "hundreds": "low = best = 100, or the stored low if higher; high unbounded",
        "thousands": "low = best = 1000, or the stored low if higher; high unbounded",
        "several": "low = best = 2 (the plural: more than one), or the stored low if higher; high unbounded",
        "unspecified": "low = best = 1 (someone was killed); high unbounded",
    },
)

POLICIES: dict[str, CountPolicy] = {p.name: p for p in (ACLED, UCDP)}


def policy(name: str) -> CountPolicy:
    """The policy called ``name``; ValueError with the known names otherwise."""
    try:
        return POLICIES[name]
    except KeyError:
        raise ValueError(f"unknown count policy {name!r}; choose one of: {', '.join(POLICIES)}") from None
