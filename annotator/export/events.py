"""Event rows in the columns of ACLED's and UCDP GED's public data files (formats ``acled``, ``ucdp``).

One row per coded document, or one per casualty span with its perpetrator links (``per="casualty"``).
Only what the codebook codes is filled: event type, actors with ACLED inter codes, date and location
with their precision, fatalities through a count policy (:mod:`annotator.export.policies`), sources
and source scale, and notes saying who claimed what. Every other public column is present and
empty. The mappings and the columns left empty are documented in docs/export.md ("acled and ucdp").

Interface::

    ACLED_COLUMNS: tuple[str, ...]   # ACLED's columns in ACLED's order, then PROJECT_COLUMNS
    UCDP_COLUMNS: tuple[str, ...]    # UCDP GED's columns in GED's order, "notes", PROJECT_COLUMNS
    PROJECT_COLUMNS = ("count_policy", "document_id", "coded_by", "casualty_id")
    PER = ("document", "casualty")
    acled_rows(docs: Iterable[ExportDocument], codebook: Codebook, *, policy: str = "acled",
               per: str = "document") -> Iterator[dict[str, str]]
    ucdp_rows(docs: Iterable[ExportDocument], codebook: Codebook, *, policy: str = "ucdp",
              per: str = "document") -> Iterator[dict[str, str]]

Rows map every column to a string ("" when empty). Documents coded not relevant give no row.
Unknown ``policy`` or ``per`` raise ValueError with a sentence naming the choices.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.codebook import Codebook
from annotator.export.policies import KILLED_OR_INJURED, ZERO, CountPolicy, Estimate, largest
from annotator.export.policies import policy as _policy
from annotator.export.records import ExportDocument, ExportSpan

# ACLED Codebook, "ACLED Data Columns at a Glance" (Table 1).
ACLED_PUBLIC_COLUMNS = (
    "event_id_cnty", "event_date", "year", "time_precision", "disorder_type", "event_type",
    "sub_event_type", "actor1", "assoc_actor_1", "inter1", "actor2", "assoc_actor_2", "inter2",
    "interaction", "civilian_targeting", "iso", "region", "country", "admin1", "admin2", "admin3",
    "location", "latitude", "longitude", "geo_precision", "source", "source_scale", "notes",
    "fatalities", "tags", "timestamp",
)  # fmt: skip
# UCDP GED Codebook version 24.1, the columns of the GED event file.
UCDP_PUBLIC_COLUMNS = (
    "id", "relid", "year", "active_year", "code_status", "type_of_violence", "conflict_dset_id",
    "conflict_new_id", "conflict_name", "dyad_dset_id", "dyad_new_id", "dyad_name", "side_a_dset_id",
    "side_a_new_id", "side_a", "side_b_dset_id", "side_b_new_id", "side_b", "number_of_sources",
    "source_article", "source_office", "source_date", "source_headline", "source_original",
    "where_prec", "where_coordinates", "where_description", "adm_1", "adm_2", "latitude", "longitude",
    "geom_wkt", "priogrid_gid", "country", "country_id", "region", "event_clarity", "date_prec",
    "date_start", "date_end", "deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown", "best",
    "high", "low", "gwnoa", "gwnob",
)  # fmt: skip
PROJECT_COLUMNS = ("count_policy", "document_id", "coded_by", "casualty_id")
ACLED_COLUMNS = ACLED_PUBLIC_COLUMNS + PROJECT_COLUMNS
# GED has no notes column; who claimed what is this project's point, so UCDP rows carry ACLED's.
UCDP_COLUMNS = UCDP_PUBLIC_COLUMNS + ("notes",) + PROJECT_COLUMNS
PER = ("document", "casualty")

# Codebook actor types -> ACLED inter codes. ACLED records an unidentified armed group with inter
# code 3 (ACLED Codebook, footnote to "Political Militias").
INTER_CODES = {
    "state_forces": 1, "rebel_group": 2, "political_militia": 3, "identity_militia": 4, "rioters": 5,
    "protesters": 6, "civilians": 7, "external_forces": 8, "unidentified": 3,
}  # fmt: skip
CIVILIANS_CODE = 7
# Codebook event types -> ACLED event types, in ACLED's hierarchy (ACLED Codebook, Table 2: the
# highest coded type names the event, as ACLED merges concurrent types into one event).
ACLED_EVENT_TYPES = {
    "battles": "Battles", "protests": "Protests", "riots": "Riots",
    "explosions_remote_violence": "Explosions/Remote violence",
    "violence_against_civilians": "Violence against civilians",
    "strategic_developments": "Strategic developments",
}  # fmt: skip
# The disorder type follows from the event type except for protests and riots, where it depends
# on the sub-event type, which the codebook does not code.
DISORDER_TYPES = {
    "battles": "Political violence", "explosions_remote_violence": "Political violence",
    "violence_against_civilians": "Political violence", "strategic_developments": "Strategic developments",
}  # fmt: skip
# UCDP date_prec (1 day, 2 within 2-6 days, 3 week, 4 month, 5 longer) -> ACLED time_precision
# (1 day, 2 week, 3 month); ACLED records no event less precise than a month.
TIME_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3"}
# UCDP where_prec (1 exact .. 7 waters/air) -> ACLED geo_precision (1 town, 2 near a town or part
# of a region, 3 larger region); ACLED records no country-wide event (6).
GEO_PRECISION = {"1": "1", "2": "2", "3": "2", "4": "3", "5": "3", "7": "3"}
# ACLED's spelling of the source scales.
SOURCE_SCALES = {"local": "Local", "subnational": "Subnational", "national": "National",
                 "regional": "Regional", "international": "International"}
# Victim groups -> UCDP death columns; any other group counts as unknown status.
DEATH_COLUMNS = {"combatants_a": "deaths_a", "combatants_b": "deaths_b", "civilians": "deaths_civilians"}
CLAIM_VERBS = {
    "responsibility": "claimed responsibility", "denial": "denied", "allegation": "alleged",
    "casualty_report": "reported", "operation_announcement": "announced", "threat": "threatened",
}  # fmt: skip


@dataclass(frozen=True)
class _Actor:
    name: str
    inter: int | None  # None: a type the mapping does not know


CIVILIANS = _Actor("Civilians", CIVILIANS_CODE)


@dataclass(frozen=True)
class _Event:
    """What both formats need from one row's worth of coding."""

    coding: _Coding
    casualty: ExportSpan | None
    actor1: _Actor | None
    assoc1: tuple[_Actor, ...]
    actor2: _Actor | None
    assoc2: tuple[_Actor, ...]
    event_type: str | None  # codebook id
    deaths: dict[str, int]  # UCDP death column -> best figure
    total: Estimate
    sources: tuple[ExportSpan, ...]
    notes: str


class _Coding:
    """Look-ups over one ExportDocument: spans in text order, links, actor names and types."""

    def __init__(self, doc: ExportDocument, codebook: Codebook, policy: CountPolicy):
        self.doc, self.codebook, self.policy = doc, codebook, policy
        self.spans = sorted(doc.spans, key=lambda s: (s.start, s.end, s.id))
        by_id = {s.id: s for s in self.spans}
        self._links: dict[tuple[str, str], list[ExportSpan]] = defaultdict(list)
        for link in doc.links:
            if link.from_id in by_id and link.to_id in by_id:
                self._links[(link.from_id, link.kind)].append(by_id[link.to_id])
        for targets in self._links.values():
            targets.sort(key=lambda s: (s.start, s.end, s.id))
        self._types: dict[str, str] = {}  # canonical name -> the type of its first typed mention
        for span in self.layer("actor"):
            if span.attrs.get("actor_type"):
                self._types.setdefault(self.name(span), span.attrs["actor_type"])

    def layer(self, layer: str) -> list[ExportSpan]:
        return [s for s in self.spans if s.layer == layer]

    def linked(self, span: ExportSpan, kind: str) -> list[ExportSpan]:
        return self._links.get((span.id, kind), [])

    @staticmethod
    def name(actor: ExportSpan) -> str:
        return str(actor.attrs.get("name") or actor.quote)

    def actor(self, name: str) -> _Actor:
        return _Actor(name, INTER_CODES.get(self._types.get(name, "")))

    def actors(self, spans: Iterable[ExportSpan]) -> list[_Actor]:
        """Distinct actors of ``spans`` in order of first mention."""
        names = dict.fromkeys(self.name(s) for s in sorted(spans, key=lambda s: (s.start, s.end)))
        return [self.actor(n) for n in names]

    def label(self, layer: str | None, field: str, value: Any) -> str:
        """The English label of a choice value of a layer (None: a document field), or the value."""
        if layer is None:
            spec = next((f for f in self.codebook.document_fields if f.id == field), None)
        else:
            spec = self.codebook.layer(layer).field(field) if self.codebook.has_layer(layer) else None
        found = spec.value(str(value)) if spec is not None else None
        return found.label.en if found is not None else str(value)

    def source_label(self, source: ExportSpan) -> str:
        owners = self.linked(source, "affiliated")
        return f"{source.quote} ({self.name(owners[0])})" if owners else source.quote

    def party(self, span: ExportSpan) -> str:
        """Who a claimant is: an actor's name, or the source's owner (else its words)."""
        if span.layer == "source":
            owners = self.linked(span, "affiliated")
            return self.name(owners[0]) if owners else span.quote
        return self.name(span) if span.layer == "actor" else span.quote

    # -- notes -------------------------------------------------------------------------------

    def claim_note(self, claim: ExportSpan) -> str:
        claimants = self.linked(claim, "claimant")
        who = " and ".join(dict.fromkeys(self.party(c) for c in claimants)) or "(no claimant coded)"
        claim_type = claim.attrs.get("claim_type")
        verb = CLAIM_VERBS.get(claim_type or "", "stated")
        stance = claim.attrs.get("stance")
        hedge = f" ({self.label('claim', 'stance', stance).lower()})" if stance and stance != "asserted" else ""
        via = [c for c in claimants if c.layer == "source" and self.linked(c, "affiliated")]
        according = f", according to {'; '.join(dict.fromkeys(c.quote for c in via))}" if via else ""
        return f"{who} {verb}{hedge}: «{claim.quote}»{according}."

    def casualty_note(self, casualty: ExportSpan) -> str:
        attrs = casualty.attrs
        details = [self.label("casualty", "victim_group", attrs.get("victim_group") or "unknown")]
        details += [f"{who} among them" for who in ("women", "children") if attrs.get(who)]
        if attrs.get("quantifier"):
            details.append(self.label("casualty", "quantifier", attrs["quantifier"]).lower())
        est = self.policy.estimate(attrs)
        details.append(self.policy.describe(est) if est is not None else "no count coded")
        if attrs.get("outcome") == KILLED_OR_INJURED:
            details.append("in the high estimate of deaths only" if self.policy.ambiguous_in_high
                           else "not counted as deaths")
        outcome = self.label("casualty", "outcome", attrs["outcome"]) if attrs.get("outcome") else "Outcome not coded"
        perpetrators = self.actors(self.linked(casualty, "perpetrator"))
        by = f", by {' and '.join(a.name for a in perpetrators)}" if perpetrators else ""
        sources = self.linked(casualty, "reported_by")
        according = f", according to {'; '.join(self.source_label(s) for s in sources)}" if sources else ""
        return f"«{casualty.quote}»: {outcome} ({'; '.join(details)}){by}{according}."

    # -- events ------------------------------------------------------------------------------

    def event_types(self) -> list[str]:
        coded = self.doc.labels.get("event_type") or []
        return [coded] if isinstance(coded, str) else list(coded)

    def event_type(self) -> str | None:
        """The coded event type highest in ACLED's hierarchy (else the first coded)."""
        coded = self.event_types()
        ranked = [t for t in ACLED_EVENT_TYPES if t in coded]
        return ranked[0] if ranked else (coded[0] if coded else None)

    def deaths(self, casualties: Sequence[ExportSpan]) -> tuple[dict[str, int], Estimate]:
        """The death toll: UCDP's four death columns (best figures) and the total estimate.

        Within a victim group the largest count is the group's toll (see policies.largest);
        the three named groups add up. People of unknown status may be the same people («تسعة
        قتلى» beside «سبعة من عناصر التنظيم» and «مقاتلان»), so the total is the larger of the
        groups' sum and the unknown-status count, and deaths_unknown is what that adds.
        """
        by_group: dict[str, list[Estimate]] = defaultdict(list)
        for span in casualties:
            est = self.policy.deaths(span.attrs)
            if est is not None:
                group = span.attrs.get("victim_group")
                by_group[group if group in DEATH_COLUMNS else "unknown"].append(est)
        named = {column: largest(by_group[group]) for group, column in DEATH_COLUMNS.items()}
        known = sum(named.values(), ZERO)
        total = largest([known, largest(by_group["unknown"])])
        columns = {column: est.best for column, est in named.items()}
        columns["deaths_unknown"] = total.best - known.best
        return columns, total

    def document_event(self) -> _Event:
        casualties = self.layer("casualty")
        actors = self.layer("actor")
        perpetrators = [a for a in actors if a.attrs.get("role") == "perpetrator"]
        perpetrators += [a for k in casualties for a in self.linked(k, "perpetrator")]
        targets = [a for a in actors if a.attrs.get("role") == "target"]
        civilians = any(k.attrs.get("victim_group") == "civilians" for k in casualties)
        event_type = self.event_type()
        sides = _sides(self.actors(perpetrators), self.actors(targets), civilians and event_type != "battles")
        notes = [self.claim_note(c) for c in self.layer("claim")]
        notes += [self.casualty_note(k) for k in casualties]
        coded = self.event_types()
        if len(coded) > 1:
            names = "; ".join(ACLED_EVENT_TYPES.get(t) or self.label(None, "event_type", t) for t in coded)
            notes.insert(0, f"Event types coded: {names}.")
        return _Event(self, None, *sides, event_type, *self.deaths(casualties),
                      tuple(self.layer("source")), " ".join(notes))

    def casualty_event(self, casualty: ExportSpan) -> _Event:
        perpetrators = self.actors(self.linked(casualty, "perpetrator"))
        if casualty.attrs.get("victim_group") == "civilians":
            targets = [CIVILIANS]
        else:
            targets = self.actors(a for a in self.layer("actor") if a.attrs.get("role") == "target")
        sides = _sides(perpetrators, targets, civilians_hit=False)
        about = [c for c in self.layer("claim") if casualty in self.linked(c, "about")]
        notes = [self.claim_note(c) for c in about] + [self.casualty_note(casualty)]
        return _Event(self, casualty, *sides, self.event_type(), *self.deaths([casualty]),
                      tuple(self.linked(casualty, "reported_by")), " ".join(notes))


def _sides(perpetrators: list[_Actor], targets: list[_Actor], civilians_hit: bool
           ) -> tuple[_Actor | None, tuple[_Actor, ...], _Actor | None, tuple[_Actor, ...]]:
    """Actor 1 and 2 with their associates (ACLED Codebook, "Actors" and "Event aggregation").

    Actor 1 is the first perpetrator, the other perpetrators its associates. Actor 2 is the first
    target that is not actor 1, then civilians hit (``civilians_hit``: not in battles, where
    ACLED never names them), then the second perpetrator (both sides of a clash fire); the other
    targets are its associates.
    """
    actor1 = perpetrators[0] if perpetrators else None
    side2 = [t for t in targets if t != actor1]
    if civilians_hit and all(t.inter != CIVILIANS_CODE for t in side2):
        side2.append(CIVILIANS)
    if not side2 and len(perpetrators) > 1:
        side2 = [perpetrators[1]]
    actor2 = side2[0] if side2 else None
    assoc1 = tuple(a for a in perpetrators if a not in (actor1, actor2))
    return actor1, assoc1, actor2, tuple(t for t in side2[1:] if t not in assoc1)


def _check_per(per: str) -> None:
    if per not in PER:
        raise ValueError(f"unknown row unit {per!r}; choose one of: {', '.join(PER)}")


def _events(docs: Iterable[ExportDocument], codebook: Codebook, policy: CountPolicy, per: str) -> Iterator[_Event]:
    for doc in docs:
        if doc.labels.get("relevant") is False:
            continue
        coding = _Coding(doc, codebook, policy)
        if per == "document":
            yield coding.document_event()
        else:
            yield from (coding.casualty_event(k) for k in coding.layer("casualty"))


def _num(value: int | None) -> str:
    return "" if value is None else str(value)


def _names(actors: Iterable[_Actor]) -> str:
    return "; ".join(a.name for a in actors)


def _inter(actor: _Actor | None, other: _Actor | None) -> str:
    """An inter code; 0 for a missing side when the other side is there."""
    if actor is None:
        return "0" if other is not None else ""
    return _num(actor.inter)


def _interaction(a: _Actor | None, b: _Actor | None) -> str:
    """ACLED's interaction code: the two inter codes, lower first; one side alone is its code then 0."""
    codes = [x.inter for x in (a, b) if x is not None]
    if not codes or None in codes:
        return ""
    low, *rest = sorted(c for c in codes if c is not None)
    return f"{low}{rest[0] if rest else 0}"


def _common(event: _Event, policy: CountPolicy) -> dict[str, str]:
    """The project's columns, which both formats end with."""
    doc = event.coding.doc
    return {"count_policy": policy.name, "document_id": doc.document.id, "coded_by": doc.source,
            "casualty_id": event.casualty.id if event.casualty is not None else ""}


def _acled_row(event: _Event, policy: CountPolicy) -> dict[str, str]:
    coding = event.coding
    labels, document = coding.doc.labels, coding.doc.document
    date = str(labels.get("event_date") or "")
    event_type = event.event_type or ""
    scales = list(dict.fromkeys(s.attrs["scale"] for s in event.sources if s.attrs.get("scale")))
    scales.sort(key=lambda v: list(SOURCE_SCALES).index(v) if v in SOURCE_SCALES else len(SOURCE_SCALES))
    sources = [document.outlet or "", *(coding.source_label(s) for s in event.sources)]
    targeting = event_type == "violence_against_civilians" or (
        event.actor2 is CIVILIANS and event_type in ("explosions_remote_violence", "riots"))
    row = dict.fromkeys(ACLED_COLUMNS, "")
    row.update({
        "event_date": date,
        "year": date[:4],
        "time_precision": TIME_PRECISION.get(str(labels.get("date_precision") or ""), ""),
        "disorder_type": DISORDER_TYPES.get(event_type, ""),
        "event_type": (ACLED_EVENT_TYPES.get(event_type) or coding.label(None, "event_type", event_type))
        if event_type else "",
        "actor1": event.actor1.name if event.actor1 else "",
        "assoc_actor_1": _names(event.assoc1),
        "inter1": _inter(event.actor1, event.actor2),
        "actor2": event.actor2.name if event.actor2 else "",
        "assoc_actor_2": _names(event.assoc2),
        "inter2": _inter(event.actor2, event.actor1),
        "interaction": _interaction(event.actor1, event.actor2),
        "civilian_targeting": "Civilians targeted" if targeting else "",
        "location": str(labels.get("location") or ""),
        "geo_precision": GEO_PRECISION.get(str(labels.get("location_precision") or ""), ""),
        "source": "; ".join(dict.fromkeys(s for s in sources if s)),
        "source_scale": "-".join(SOURCE_SCALES.get(v) or coding.label("source", "scale", v) for v in scales),
        "notes": event.notes,
        "fatalities": str(event.total.best),
        **_common(event, policy),
    })
    return row


def _type_of_violence(event: _Event) -> str:
    """UCDP's type of violence where the coding settles it: one-sided (3) for violence against
    civilians; between organised armed groups (inter 1-4), state-based (1) when state forces are
    a side, else non-state (2); empty otherwise (external forces, crowds, a single side)."""
    if event.event_type == "violence_against_civilians":
        return "3"
    if event.actor1 is None or event.actor2 is None:
        return ""
    pair = (event.actor1.inter, event.actor2.inter)
    if all(c in (1, 2, 3, 4) for c in pair):
        return "1" if 1 in pair else "2"
    return ""


def _ucdp_row(event: _Event, policy: CountPolicy) -> dict[str, str]:
    coding = event.coding
    labels, document = coding.doc.labels, coding.doc.document
    date = str(labels.get("event_date") or "")
    side_a = event.actor1.name if event.actor1 else ""
    side_b = event.actor2.name if event.actor2 else ""
    total = event.total
    row = dict.fromkeys(UCDP_COLUMNS, "")
    row.update({
        "year": date[:4],
        "type_of_violence": _type_of_violence(event),
        "dyad_name": f"{side_a} - {side_b}" if side_a and side_b else "",
        "side_a": side_a,
        "side_b": side_b,
        "number_of_sources": "1",
        "source_article": ", ".join(v for v in (document.outlet, document.published, document.title) if v),
        "source_office": document.outlet or "",
        "source_date": document.published or "",
        "source_headline": document.title,
        "source_original": "; ".join(dict.fromkeys(coding.source_label(s) for s in event.sources)),
        "where_prec": str(labels.get("location_precision") or ""),
        "where_coordinates": str(labels.get("location") or ""),
        "date_prec": str(labels.get("date_precision") or ""),
        "date_start": date,
        "date_end": date,
        **{column: str(figure) for column, figure in event.deaths.items()},
        "best": str(total.best),
        "high": _num(total.high),
        "low": str(total.low),
        "notes": event.notes,
        **_common(event, policy),
    })
    return row


def acled_rows(docs: Iterable[ExportDocument], codebook: Codebook, *, policy: str = "acled",
               per: str = "document") -> Iterator[dict[str, str]]:
    """ACLED-style event rows (see the module docstring); fatalities through ``policy``."""
    chosen = _policy(policy)
    _check_per(per)
    return (_acled_row(event, chosen) for event in _events(docs, codebook, chosen, per))


def ucdp_rows(docs: Iterable[ExportDocument], codebook: Codebook, *, policy: str = "ucdp",
              per: str = "document") -> Iterator[dict[str, str]]:
    """UCDP GED-style event rows (see the module docstring); low / best / high through ``policy``."""
    chosen = _policy(policy)
    _check_per(per)
    return (_ucdp_row(event, chosen) for event in _events(docs, codebook, chosen, per))
