"""ACLED- and UCDP-style event rows and the count policies (annotator/export/events.py, policies.py).

Figures follow docs/export.md ("acled and ucdp"); ACLED's vague-count figures are from the ACLED
Codebook ("Reported fatalities") and ACLED's Fatalities FAQ.
"""

from __future__ import annotations

from typing import Any

import pytest

from annotator.codebook import Codebook
from annotator.export.events import ACLED_COLUMNS, UCDP_COLUMNS, acled_rows, ucdp_rows
from annotator.export.policies import POLICIES, Estimate, policy
from annotator.export.records import ExportDocument, ExportLink, ExportSpan
from annotator.export.sources import ProjectSource, Selection
from annotator.model import Document
from tests.conftest import ARTICLE, span_of

BOOK = Codebook.default()

# Columns no coding can fill (docs/export.md lists the same).
ACLED_EMPTY = ("event_id_cnty", "sub_event_type", "iso", "region", "country", "admin1", "admin2", "admin3",
               "latitude", "longitude", "tags", "timestamp")
UCDP_EMPTY = ("id", "relid", "active_year", "code_status", "conflict_dset_id", "conflict_new_id", "conflict_name",
              "dyad_dset_id", "dyad_new_id", "side_a_dset_id", "side_a_new_id", "side_b_dset_id", "side_b_new_id",
              "where_description", "adm_1", "adm_2", "latitude", "longitude", "geom_wkt", "priogrid_gid",
              "country", "country_id", "region", "event_clarity", "gwnoa", "gwnob")


def coded(text: str, spans: list[tuple[str, str, str, dict[str, Any]]], links: list[tuple[str, str, str]] = (),
          labels: dict[str, Any] | None = None, *, doc_id: str = "d1", source: str = "mona") -> ExportDocument:
    """An ExportDocument from (id, layer, quote, attrs) spans and (from, to, kind) links."""
    built = []
    for span_id, layer, quote, attrs in spans:
        start, end = span_of(text, quote)
        built.append(ExportSpan(span_id, layer, start, end, quote, attrs, coder=source))
    return ExportDocument(
        document=Document(id=doc_id, title="عنوان", text=text, outlet="المنفذ", published="2024-05-02"),
        source=source, spans=tuple(built),
        links=tuple(ExportLink(f"l{i}", a, b, kind, coder=source) for i, (a, b, kind) in enumerate(links)),
        labels={"relevant": True, **(labels or {})})


def killed(quote_attrs: dict[str, Any], group: str = "civilians", outcome: str = "killed") -> dict[str, Any]:
    return {"outcome": outcome, "victim_group": group, **quote_attrs}


def one(rows: Any) -> dict[str, str]:
    rows = list(rows)
    assert len(rows) == 1
    return rows[0]


# -- the worked example of the docs --------------------------------------------------------------

TENS_TEXT = "قتل عشرات المدنيين في غارة جوية على السوق"
TENS = coded(TENS_TEXT, [("k1", "casualty", "عشرات المدنيين", killed({"low": 10, "quantifier": "tens"}))])


def test_tens_of_civilians_is_acled_10():
    row = one(acled_rows([TENS], BOOK))
    assert row["fatalities"] == "10"
    assert row["count_policy"] == "acled"
    assert row["actor2"] == "Civilians" and row["inter2"] == "7"


def test_tens_of_civilians_is_ucdp_10_10_unbounded():
    row = one(ucdp_rows([TENS], BOOK))
    assert (row["low"], row["best"], row["high"]) == ("10", "10", "")
    assert row["deaths_civilians"] == "10"
    assert row["count_policy"] == "ucdp"


def test_the_stored_attributes_are_not_changed():
    list(acled_rows([TENS], BOOK))
    assert TENS.spans[0].attrs == {"outcome": "killed", "victim_group": "civilians", "low": 10, "quantifier": "tens"}


# -- counts, one span at a time ------------------------------------------------------------------

@pytest.mark.parametrize("attrs, acled, ucdp", [
    ({"low": 12, "best": 12, "high": 12, "quantifier": "exact"}, 12, (12, 12, 12)),
    ({"low": 10, "high": 15, "quantifier": "range"}, 10, (10, 10, 15)),
    ({"low": 10, "best": 12, "high": 15, "quantifier": "range"}, 10, (10, 12, 15)),
    ({"best": 40, "quantifier": "approximate"}, 40, (40, 40, None)),
    ({"low": 21, "quantifier": "lower_bound"}, 21, (21, 21, None)),
    ({"low": 1, "high": 30, "quantifier": "upper_bound"}, 1, (1, 1, 30)),
    ({"low": 2, "quantifier": "several"}, 3, (2, 2, None)),         # ACLED: "several" -> 3
    ({"quantifier": "unspecified"}, 3, (1, 1, None)),               # ACLED: plural "fatalities" -> 3
    ({"low": 100, "quantifier": "hundreds"}, 100, (100, 100, None)),
    ({"low": 200, "quantifier": "hundreds"}, 200, (200, 200, None)),  # بضع مئات
    ({"low": 10_000, "quantifier": "thousands"}, 10_000, (10_000, 10_000, None)),  # عشرات الآلاف
    ({"quantifier": "tens"}, 10, (10, 10, None)),                   # a coder left low empty
    ({"quantifier": "dozens"}, 12, (12, 12, None)),                 # ACLED: "dozens" -> 12
    ({"low": 7.0, "best": 7.0, "high": 7.0, "quantifier": "exact"}, 7, (7, 7, 7)),
])
def test_policy_figures(attrs, acled, ucdp):
    assert policy("acled").estimate(attrs).best == acled
    assert policy("ucdp").estimate(attrs) == Estimate(*ucdp)


def test_a_count_without_figures_has_no_estimate():
    assert policy("acled").estimate({"quantifier": "exact"}) is None
    assert policy("ucdp").deaths({"outcome": "killed", "quantifier": "range"}) is None


def test_every_quantifier_of_the_codebook_has_a_rule_in_every_policy():
    quantifiers = {v.id for v in BOOK.layer("casualty").field("quantifier").values}
    for p in POLICIES.values():
        assert quantifiers <= set(p.rules), p.name
        assert p.manifest()["name"] == p.name and set(p.manifest()["rules"]) == set(p.rules)


def test_unknown_policy_and_row_unit_are_refused_at_once():
    with pytest.raises(ValueError, match="acled, ucdp"):
        acled_rows([TENS], BOOK, policy="median")
    with pytest.raises(ValueError, match="document, casualty"):
        ucdp_rows([TENS], BOOK, per="sentence")


def test_a_format_takes_the_other_policy():
    several = coded("قتل عدة مدنيين", [("k1", "casualty", "عدة مدنيين", killed({"low": 2, "quantifier": "several"}))])
    assert one(acled_rows([several], BOOK, policy="ucdp"))["fatalities"] == "2"
    row = one(ucdp_rows([several], BOOK, policy="acled"))
    assert (row["low"], row["best"], row["high"], row["count_policy"]) == ("3", "3", "", "acled")


# -- killed, injured and «ضحايا» ----------------------------------------------------------------

VICTIMS_TEXT = "سقط ٥ قتلى و٢٠ ضحية و٣٠ جريحاً في القصف"


def victims(ambiguous: dict[str, Any]) -> ExportDocument:
    return coded(VICTIMS_TEXT, [
        ("k1", "casualty", "٥ قتلى", killed({"low": 5, "best": 5, "high": 5, "quantifier": "exact"})),
        ("k2", "casualty", "٢٠ ضحية", killed(ambiguous, outcome="killed_or_injured")),
        ("k3", "casualty", "٣٠ جريحاً", killed({"low": 30, "best": 30, "high": 30, "quantifier": "exact"},
                                              outcome="injured")),
    ])


def test_only_killed_counts_are_acled_fatalities():
    row = one(acled_rows([victims({"low": 20, "best": 20, "high": 20, "quantifier": "exact"})], BOOK))
    assert row["fatalities"] == "5"
    assert "«٢٠ ضحية»: Killed or injured (unspecified) (Civilians; exact; counted as 20; not counted as deaths)." in row["notes"]
    assert "«٣٠ جريحاً»: Injured (Civilians; exact; counted as 30)" in row["notes"]


def test_killed_or_injured_raises_only_the_ucdp_high():
    row = one(ucdp_rows([victims({"low": 20, "best": 20, "high": 20, "quantifier": "exact"})], BOOK))
    assert (row["low"], row["best"], row["high"]) == ("5", "5", "20")
    assert "(Civilians; exact; low 20 / best 20 / high 20; in the high estimate of deaths only)" in row["notes"]
    row = one(ucdp_rows([victims({"low": 10, "quantifier": "tens"})], BOOK))  # «عشرات الضحايا»
    assert (row["low"], row["best"], row["high"]) == ("5", "5", "")


def test_no_killed_count_is_zero_fatalities():
    doc = coded("أصيب ثلاثة مدنيين", [("k1", "casualty", "ثلاثة مدنيين",
                                         killed({"low": 3, "best": 3, "high": 3, "quantifier": "exact"}, outcome="injured"))])
    assert one(acled_rows([doc], BOOK))["fatalities"] == "0"
    row = one(ucdp_rows([doc], BOOK))
    assert (row["low"], row["best"], row["high"], row["deaths_civilians"]) == ("0", "0", "0", "0")


# -- a document's toll from several counts -------------------------------------------------------

TOLL_TEXT = ("قتل 45 مدنياً بينهم تسعة أطفال، وقتل سبعة من عناصر التنظيم ومقاتلان من القوات، "
             "وبلغت الحصيلة تسعة قتلى في المجمل")


def toll(unknown: int) -> ExportDocument:
    exact = lambda n: {"low": n, "best": n, "high": n, "quantifier": "exact"}  # noqa: E731
    return coded(TOLL_TEXT, [
        ("k1", "casualty", "45 مدنياً", killed(exact(45))),
        ("k2", "casualty", "تسعة أطفال", killed({**exact(9), "children": True})),
        ("k3", "casualty", "سبعة من عناصر التنظيم", killed(exact(7), "combatants_b")),
        ("k4", "casualty", "مقاتلان من القوات", killed(exact(2), "combatants_a")),
        ("k5", "casualty", "تسعة قتلى", killed(exact(unknown), "unknown")),
    ])


def test_a_part_of_a_toll_is_not_added_and_groups_add_up():
    row = one(ucdp_rows([toll(9)], BOOK))
    assert (row["deaths_civilians"], row["deaths_b"], row["deaths_a"]) == ("45", "7", "2")
    assert row["deaths_unknown"] == "0"  # the nine are the fighters already counted
    assert row["best"] == "54" and row["low"] == "54" and row["high"] == "54"
    assert one(acled_rows([toll(9)], BOOK))["fatalities"] == "54"


def test_unknown_status_adds_what_exceeds_the_groups():
    row = one(ucdp_rows([toll(60)], BOOK))
    assert row["deaths_unknown"] == "6" and row["best"] == "60"
    assert int(row["best"]) == sum(int(row[c]) for c in ("deaths_a", "deaths_b", "deaths_civilians", "deaths_unknown"))


# -- actors, inter codes, interaction ------------------------------------------------------------

CLASH_TEXT = "هاجم تنظيم الدولة حاجزاً لقوات النظام فقتل ثلاثة جنود، ودعمت قوات روسية الجيش"


def clash(event_type: list[str]) -> ExportDocument:
    return coded(CLASH_TEXT, [
        ("a1", "actor", "تنظيم الدولة", {"name": "Islamic State", "actor_type": "rebel_group", "role": "perpetrator"}),
        ("a2", "actor", "قوات النظام", {"name": "Syrian Army", "actor_type": "state_forces", "role": "target"}),
        ("k1", "casualty", "ثلاثة جنود", killed({"low": 3, "best": 3, "high": 3, "quantifier": "exact"}, "combatants_b")),
        ("a3", "actor", "قوات روسية", {"name": "Military Forces of Russia", "actor_type": "external_forces", "role": "other_party"}),
    ], [("k1", "a1", "perpetrator")], {"event_type": event_type})


def test_inter_codes_and_interaction_lower_first():
    row = one(acled_rows([clash(["battles"])], BOOK))
    assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"]) == ("Islamic State", "2", "Syrian Army", "1")
    assert row["interaction"] == "12"
    assert row["event_type"] == "Battles" and row["disorder_type"] == "Political violence"
    ucdp = one(ucdp_rows([clash(["battles"])], BOOK))
    assert (ucdp["side_a"], ucdp["side_b"], ucdp["type_of_violence"]) == ("Islamic State", "Syrian Army", "1")
    assert ucdp["dyad_name"] == "Islamic State - Syrian Army"


def test_one_sided_event_has_inter2_zero():
    doc = coded("أعلنت قوات سوريا الديمقراطية إنشاء قاعدة جديدة",
                [("a1", "actor", "قوات سوريا الديمقراطية", {"name": "SDF", "actor_type": "rebel_group", "role": "perpetrator"})],
                labels={"event_type": ["strategic_developments"]})
    row = one(acled_rows([doc], BOOK))
    assert (row["inter1"], row["actor2"], row["inter2"], row["interaction"]) == ("2", "", "0", "20")
    assert row["disorder_type"] == "Strategic developments" and row["fatalities"] == "0"


def test_the_highest_event_type_names_the_event_and_notes_list_them():
    row = one(acled_rows([clash(["explosions_remote_violence", "battles"])], BOOK))
    assert row["event_type"] == "Battles"
    assert row["notes"].startswith("Event types coded: Explosions/Remote violence; Battles.")
    protest = one(acled_rows([clash(["protests"])], BOOK))
    assert protest["event_type"] == "Protests" and protest["disorder_type"] == ""  # depends on the sub-event type


def test_unidentified_armed_group_is_inter_3():
    doc = coded("قتل مسلحون مجهولون مدنيين اثنين", [
        ("a1", "actor", "مسلحون مجهولون", {"name": "Unidentified gunmen", "actor_type": "unidentified", "role": "perpetrator"}),
        ("k1", "casualty", "مدنيين اثنين", killed({"low": 2, "best": 2, "high": 2, "quantifier": "exact"})),
    ], [("k1", "a1", "perpetrator")], {"event_type": ["violence_against_civilians"]})
    row = one(acled_rows([doc], BOOK))
    assert (row["inter1"], row["actor2"], row["interaction"]) == ("3", "Civilians", "37")
    assert row["civilian_targeting"] == "Civilians targeted"
    assert one(ucdp_rows([doc], BOOK))["type_of_violence"] == "3"


def test_civilians_hit_beside_a_target_are_an_associate_except_in_battles():
    text = "استهدفت غارة مقر الفصيل وقتلت مدنيين اثنين"
    spans = [
        ("a1", "actor", "غارة", {"name": "Russian Air Force", "actor_type": "external_forces", "role": "perpetrator"}),
        ("a2", "actor", "الفصيل", {"name": "The Faction", "actor_type": "rebel_group", "role": "target"}),
        ("k1", "casualty", "مدنيين اثنين", killed({"low": 2, "best": 2, "high": 2, "quantifier": "exact"})),
    ]
    strike = one(acled_rows([coded(text, spans, labels={"event_type": ["explosions_remote_violence"]})], BOOK))
    assert (strike["actor2"], strike["assoc_actor_2"], strike["interaction"]) == ("The Faction", "Civilians", "28")
    battle = one(acled_rows([coded(text, spans, labels={"event_type": ["battles"]})], BOOK))
    assert battle["assoc_actor_2"] == ""


# -- one row per casualty span -------------------------------------------------------------------

PER_TEXT = ("قصفت قوات النظام والطيران الروسي البلدة فقتل ١٢ مدنياً، وقتل مسلحون مجهولون شرطياً، "
            "وقال المرصد إن ثلاثة مقاتلين قتلوا")


def per_casualty() -> ExportDocument:
    return coded(PER_TEXT, [
        ("a1", "actor", "قوات النظام", {"name": "Syrian Army", "actor_type": "state_forces", "role": "perpetrator"}),
        ("a2", "actor", "الطيران الروسي", {"name": "Russian Air Force", "actor_type": "external_forces", "role": "perpetrator"}),
        ("k1", "casualty", "١٢ مدنياً", killed({"low": 12, "best": 12, "high": 12, "quantifier": "exact"})),
        ("a3", "actor", "مسلحون مجهولون", {"name": "Unidentified gunmen", "actor_type": "unidentified", "role": "perpetrator"}),
        ("k2", "casualty", "شرطياً", killed({"low": 1, "best": 1, "high": 1, "quantifier": "exact"}, "combatants_a")),
        ("s1", "source", "المرصد", {"source_type": "ngo_monitor", "named": True, "scale": "national"}),
        ("k3", "casualty", "ثلاثة مقاتلين", killed({"low": 3, "best": 3, "high": 3, "quantifier": "exact"}, "unknown")),
    ], [("k1", "a2", "perpetrator"), ("k1", "a1", "perpetrator"), ("k2", "a3", "perpetrator"),
        ("k3", "s1", "reported_by")])


def test_per_casualty_rows_carry_their_perpetrators():
    rows = list(acled_rows([per_casualty()], BOOK, per="casualty"))
    assert [r["casualty_id"] for r in rows] == ["k1", "k2", "k3"]
    first, second, third = rows
    # two perpetrators: the first mentioned is actor 1, the other its associate
    assert (first["actor1"], first["assoc_actor_1"], first["inter1"]) == ("Syrian Army", "Russian Air Force", "1")
    assert (first["actor2"], first["interaction"], first["fatalities"]) == ("Civilians", "17", "12")
    assert (second["actor1"], second["inter1"], second["fatalities"]) == ("Unidentified gunmen", "3", "1")
    assert {r["document_id"] for r in rows} == {"d1"} and {r["coded_by"] for r in rows} == {"mona"}


def test_a_casualty_without_perpetrator_link_has_no_actor1():
    third = list(acled_rows([per_casualty()], BOOK, per="casualty"))[2]
    assert (third["actor1"], third["inter1"], third["fatalities"]) == ("", "", "3")
    assert third["source"] == "المنفذ; المرصد" and third["source_scale"] == "National"
    assert ", by " not in third["notes"] and third["notes"].endswith("according to المرصد.")


def test_per_casualty_ucdp_rows_count_one_span_each():
    rows = list(ucdp_rows([per_casualty()], BOOK, per="casualty"))
    assert [(r["deaths_civilians"], r["deaths_a"], r["deaths_unknown"], r["best"]) for r in rows] == [
        ("12", "0", "0", "12"), ("0", "1", "0", "1"), ("0", "0", "3", "3")]


def test_per_document_row_of_the_same_coding():
    row = one(acled_rows([per_casualty()], BOOK))
    assert row["actor1"] == "Syrian Army"
    assert row["assoc_actor_1"] == "Russian Air Force; Unidentified gunmen"
    assert row["fatalities"] == "13"  # 12 civilians + 1 policeman; the three of unknown status may be among them
    assert row["casualty_id"] == ""


# -- notes: who claimed what ---------------------------------------------------------------------

CLAIM_TEXT = ("وقالت وكالة أعماق إن تنظيم الدولة فجر عبوة ناسفة، وزعمت قتل خمسة جنود، "
              "فيما نفى الجيش ذلك، ونقل المرصد مقتل جنديين")


def claims() -> ExportDocument:
    return coded(CLAIM_TEXT, [
        ("s1", "source", "وكالة أعماق", {"source_type": "media", "named": True, "scale": "international"}),
        ("a1", "actor", "تنظيم الدولة", {"name": "Islamic State", "actor_type": "rebel_group", "role": "perpetrator"}),
        ("c1", "claim", "فجر عبوة ناسفة", {"claim_type": "responsibility", "stance": "asserted"}),
        ("c2", "claim", "قتل خمسة جنود", {"claim_type": "casualty_report", "stance": "hedged"}),
        ("k1", "casualty", "خمسة جنود", killed({"low": 5, "best": 5, "high": 5, "quantifier": "exact"}, "combatants_a")),
        ("a2", "actor", "الجيش", {"name": "Iraqi Army", "actor_type": "state_forces", "role": "target"}),
        ("c3", "claim", "نفى الجيش ذلك", {"claim_type": "denial", "stance": "asserted"}),
        ("s2", "source", "المرصد", {"source_type": "ngo_monitor", "named": True, "scale": "local"}),
        ("k2", "casualty", "جنديين", killed({"low": 2, "best": 2, "high": 2, "quantifier": "exact"}, "combatants_a")),
        ("c4", "claim", "مقتل جنديين", {"claim_type": "casualty_report", "stance": "asserted"}),
    ], [("s1", "a1", "affiliated"), ("c1", "s1", "claimant"), ("c2", "s1", "claimant"), ("c2", "k1", "about"),
        ("k1", "a1", "perpetrator"), ("k1", "s1", "reported_by"), ("c3", "a2", "claimant"),
        ("c4", "s2", "claimant"), ("c4", "k2", "about"), ("k2", "s2", "reported_by")])


def test_notes_say_who_claimed_what_according_to_whom():
    notes = one(acled_rows([claims()], BOOK))["notes"]
    assert "Islamic State claimed responsibility: «فجر عبوة ناسفة», according to وكالة أعماق." in notes
    assert "Islamic State reported (hedged / unconfirmed): «قتل خمسة جنود», according to وكالة أعماق." in notes
    assert "Iraqi Army denied: «نفى الجيش ذلك»." in notes
    assert "المرصد reported: «مقتل جنديين»." in notes
    assert ("«خمسة جنود»: Killed (Combatants, side A; exact; counted as 5), by Islamic State, "
            "according to وكالة أعماق (Islamic State).") in notes


def test_claims_about_a_casualty_go_with_its_row():
    rows = list(acled_rows([claims()], BOOK, per="casualty"))
    assert rows[0]["notes"].startswith("Islamic State reported (hedged / unconfirmed): «قتل خمسة جنود»")
    assert "فجر عبوة ناسفة" not in rows[0]["notes"]
    assert rows[1]["notes"].startswith("المرصد reported: «مقتل جنديين».")


def test_sources_and_their_scales():
    row = one(acled_rows([claims()], BOOK))
    assert row["source"] == "المنفذ; وكالة أعماق (Islamic State); المرصد"
    assert row["source_scale"] == "Local-International"
    ucdp = one(ucdp_rows([claims()], BOOK))
    assert ucdp["source_original"] == "وكالة أعماق (Islamic State); المرصد"
    assert (ucdp["source_office"], ucdp["source_date"], ucdp["source_headline"]) == ("المنفذ", "2024-05-02", "عنوان")
    assert ucdp["number_of_sources"] == "1"


def test_a_claim_without_claimant_says_so():
    doc = coded("وتحدثت أنباء عن هجوم", [("c1", "claim", "أنباء عن هجوم", {"claim_type": "allegation", "stance": "hedged"})])
    assert one(acled_rows([doc], BOOK))["notes"] == "(no claimant coded) alleged (hedged / unconfirmed): «أنباء عن هجوم»."


# -- date, place, relevance, columns -------------------------------------------------------------

@pytest.mark.parametrize("date_prec, time_precision", [("1", "1"), ("2", "2"), ("3", "2"), ("4", "3"), ("5", "")])
def test_date_precision(date_prec, time_precision):
    doc = coded(TENS_TEXT, [], labels={"event_date": "2024-05-01", "date_precision": date_prec})
    row = one(acled_rows([doc], BOOK))
    assert (row["event_date"], row["year"], row["time_precision"]) == ("2024-05-01", "2024", time_precision)
    ucdp = one(ucdp_rows([doc], BOOK))
    assert (ucdp["date_start"], ucdp["date_end"], ucdp["date_prec"], ucdp["year"]) == (
        "2024-05-01", "2024-05-01", date_prec, "2024")


@pytest.mark.parametrize("where_prec, geo_precision",
                         [("1", "1"), ("2", "2"), ("3", "2"), ("4", "3"), ("5", "3"), ("6", ""), ("7", "3")])
def test_location_precision(where_prec, geo_precision):
    doc = coded(TENS_TEXT, [], labels={"location": "حي الحوامة، هجين", "location_precision": where_prec})
    row = one(acled_rows([doc], BOOK))
    assert (row["location"], row["geo_precision"]) == ("حي الحوامة، هجين", geo_precision)
    ucdp = one(ucdp_rows([doc], BOOK))
    assert (ucdp["where_coordinates"], ucdp["where_prec"]) == ("حي الحوامة، هجين", where_prec)


def test_documents_coded_not_relevant_give_no_row():
    irrelevant = coded(TENS_TEXT, [], labels={"relevant": False}, doc_id="d2")
    assert [r["document_id"] for r in acled_rows([irrelevant, TENS], BOOK)] == ["d1"]
    assert list(ucdp_rows([irrelevant], BOOK, per="casualty")) == []


@pytest.mark.parametrize("rows, columns, empty", [
    (lambda docs: acled_rows(docs, BOOK), ACLED_COLUMNS, ACLED_EMPTY),
    (lambda docs: acled_rows(docs, BOOK, per="casualty"), ACLED_COLUMNS, ACLED_EMPTY),
    (lambda docs: ucdp_rows(docs, BOOK), UCDP_COLUMNS, UCDP_EMPTY),
    (lambda docs: ucdp_rows(docs, BOOK, per="casualty"), UCDP_COLUMNS, UCDP_EMPTY),
])
def test_every_row_has_every_column_as_text(rows, columns, empty):
    found = list(rows([TENS, toll(9), per_casualty(), claims(), clash(["battles"])]))
    assert found
    for row in found:
        assert tuple(row) == columns
        assert all(isinstance(v, str) for v in row.values())
        assert all(row[c] == "" for c in empty)


def test_column_lists_start_with_the_public_columns():
    assert ACLED_COLUMNS[:3] == ("event_id_cnty", "event_date", "year") and "fatalities" in ACLED_COLUMNS
    assert UCDP_COLUMNS[-10:-7] == ("best", "high", "low")  # then gwnoa, gwnob, notes and the project's columns
    assert ACLED_COLUMNS[-4:] == UCDP_COLUMNS[-4:] == ("count_policy", "document_id", "coded_by", "casualty_id")


# -- from a project, through the store -----------------------------------------------------------

def test_rows_from_a_coded_project(project):
    coder, doc_id = "mona", "doc-1"
    source = project.create_annotation(coder, doc_id, "source", *span_of(ARTICLE, "مصادر"),
                                       {"source_type": "anonymous", "named": False, "scale": "local"})
    casualty = project.create_annotation(coder, doc_id, "casualty", *span_of(ARTICLE, "١٢ مدنياً"),
                                         {"outcome": "killed", "victim_group": "civilians", "children": True,
                                          "low": 12, "best": 12, "high": 12, "quantifier": "exact"})
    sdf = project.create_annotation(coder, doc_id, "actor", *span_of(ARTICLE, "قسد"),
                                    {"name": "Syrian Democratic Forces", "actor_type": "rebel_group", "role": "perpetrator"})
    denial = project.create_annotation(coder, doc_id, "claim", *span_of(ARTICLE, "نفت قسد مسؤوليتها"),
                                       {"claim_type": "denial", "stance": "asserted"})
    project.create_link(coder, casualty.id, sdf.id, "perpetrator")
    project.create_link(coder, casualty.id, source.id, "reported_by")
    project.create_link(coder, denial.id, sdf.id, "claimant")
    for field, value in {"relevant": True, "event_type": ["explosions_remote_violence"], "event_date": "2024-03-01",
                         "date_precision": "1", "location": "بلدة الحوامة", "location_precision": "1"}.items():
        project.set_label(coder, doc_id, field, value)

    docs = ProjectSource(project, Selection(coders=(coder,), document_ids=(doc_id,)))
    row = one(acled_rows(docs, project.codebook))
    assert (row["actor1"], row["inter1"], row["actor2"], row["inter2"], row["interaction"]) == (
        "Syrian Democratic Forces", "2", "Civilians", "7", "27")
    assert (row["fatalities"], row["event_date"], row["geo_precision"]) == ("12", "2024-03-01", "1")
    assert row["civilian_targeting"] == "Civilians targeted"
    assert row["notes"] == ("Syrian Democratic Forces denied: «نفت قسد مسؤوليتها». «١٢ مدنياً»: Killed (Civilians; "
                            "children among them; exact; counted as 12), by Syrian Democratic Forces, according to مصادر.")
    per_span = one(ucdp_rows(docs, project.codebook, per="casualty"))
    assert (per_span["casualty_id"], per_span["deaths_civilians"], per_span["high"]) == (casualty.id, "12", "12")
