"""Tests for annotator.gazetteer and resources/actors.yaml."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.gazetteer import ACLED_TYPES, Actor, Gazetteer, Mention, default_path


@pytest.fixture(scope="module")
def gazetteer() -> Gazetteer:
    return Gazetteer.load()


# ---------------------------------------------------------------------------
# The shipped data
# ---------------------------------------------------------------------------


def test_default_file_is_next_to_the_package() -> None:
    assert default_path() == Path(__file__).resolve().parent.parent / "resources" / "actors.yaml"
    assert default_path().is_file()


def test_shipped_gazetteer_covers_the_theatres(gazetteer: Gazetteer) -> None:
    assert len(gazetteer.actors) >= 30
    countries = {c for actor in gazetteer.actors for c in actor.country}
    assert {"Syria", "Iraq", "Yemen", "Sudan", "Libya", "Palestine", "Israel", "Lebanon"} <= countries
    assert {actor.acled_type for actor in gazetteer.actors} <= set(ACLED_TYPES)
    assert gazetteer.get("sdf") is not None and gazetteer.get("no_such_actor") is None


@pytest.mark.parametrize(
    ("alias", "actor_id"),
    [
        ("قسد", "sdf"),
        ("قوات سوريا الديمقراطية", "sdf"),
        ("SDF", "sdf"),
        ("داعش", "islamic_state"),
        ("تنظيم الدولة", "islamic_state"),
        ("تنظيم الدولة الإسلامية", "islamic_state"),
        ("ISIS", "islamic_state"),
        ("IS", "islamic_state"),
        ("التحالف الدولي", "global_coalition"),
        ("قوات التحالف", "global_coalition"),
        ("طيران التحالف", "global_coalition"),
        ("Global Coalition", "global_coalition"),
        ("قوات الأسد", "syrian_government_forces"),
        ("قوات النظام", "syrian_government_forces"),
        ("الجيش السوري", "syrian_government_forces"),
        ("جيش النظام", "syrian_government_forces"),
        ("الجيش التركي", "turkish_armed_forces"),
        ("القوات التركية", "turkish_armed_forces"),
        ("هيئة تحرير الشام", "hts"),
        ("تحرير الشام", "hts"),
        ("HTS", "hts"),
        ("الجيش الوطني السوري", "syrian_national_army"),
        ("الحوثيون", "houthis"),
        ("أنصار الله", "houthis"),
        ("جماعة الحوثي", "houthis"),
        ("التحالف بقيادة السعودية", "saudi_led_coalition"),
        ("قوات الدعم السريع", "rsf"),
        ("الدعم السريع", "rsf"),
        ("RSF", "rsf"),
        ("الجيش السوداني", "sudanese_armed_forces"),
        ("القوات المسلحة السودانية", "sudanese_armed_forces"),
        ("SAF", "sudanese_armed_forces"),
        ("الجيش الروسي", "russian_armed_forces"),
        ("القوات الروسية", "russian_armed_forces"),
        ("الطيران الروسي", "russian_armed_forces"),
        ("حزب الله", "hezbollah"),
        ("الجيش الإسرائيلي", "israeli_forces"),
        ("جيش الاحتلال", "israeli_forces"),
        ("حماس", "hamas"),
        ("كتائب القسام", "hamas"),
        ("الحشد الشعبي", "pmf"),
        ("قوات حفتر", "lna"),
        ("الجيش الوطني الليبي", "lna"),
        ("مجهولون", "unidentified_armed_group"),
        ("مسلحون مجهولون", "unidentified_armed_group"),
    ],
)
def test_lookup_aliases(gazetteer: Gazetteer, alias: str, actor_id: str) -> None:
    actor = gazetteer.lookup(alias)
    assert actor is not None, alias
    assert actor.id == actor_id


@pytest.mark.parametrize(
    ("text", "actor_id"),
    [
        ("وقسد", "sdf"),  # و
        ("فقسد", "sdf"),  # ف
        ("لداعش", "islamic_state"),  # ل
        ("بقوات النظام", "syrian_government_forces"),  # ب
        ("والجيش السوري", "syrian_government_forces"),  # وال
        ("بالجيش السوري", "syrian_government_forces"),  # بال
        ("للجيش السوري", "syrian_government_forces"),  # لل = ل + ال
        ("«قسد»", "sdf"),  # guillemets
        ("“قسد”", "sdf"),  # curly quotes
        ('"داعش"', "islamic_state"),
        ("قُوّاتُ النِّظامِ", "syrian_government_forces"),  # tashkeel
        ("قوات الاسد", "syrian_government_forces"),  # bare alef for أ
        ("الجيش الاسرائيلي", "israeli_forces"),  # bare alef for إ
        ("حزب اللـــه", "hezbollah"),  # tatweel
        ("قوات سوريا الديمقراطيه", "sdf"),  # ه for ة
        ("sdf", "sdf"),  # lookup is case-insensitive
        ("  Hezbollah  ", "hezbollah"),
    ],
)
def test_lookup_tolerates_clitics_quotes_and_spelling(gazetteer: Gazetteer, text: str, actor_id: str) -> None:
    actor = gazetteer.lookup(text)
    assert actor is not None, text
    assert actor.id == actor_id


def test_lookup_strips_a_bare_article_but_mentions_do_not(gazetteer: Gazetteer) -> None:
    assert gazetteer.lookup("الفاغنر").id == "wagner_group"
    assert gazetteer.find_mentions("استقبلوه بكل الحماس") == []
    assert [m.surface for m in gazetteer.find_mentions("أعلنت حماس")] == ["حماس"]


@pytest.mark.parametrize("text", ["التنظيم", "الجيش", "القاعدة", "", "   ", "قوات", "مسلحون"])
def test_generic_words_are_not_actors(gazetteer: Gazetteer, text: str) -> None:
    assert gazetteer.lookup(text) is None


# ---------------------------------------------------------------------------
# Mentions
# ---------------------------------------------------------------------------


def _mentions(gazetteer: Gazetteer, text: str) -> list[tuple[str, str]]:
    found = gazetteer.find_mentions(text)
    for m in found:
        assert text[m.start : m.end] == m.surface
    return [(m.actor.id, m.surface) for m in found]


def test_find_mentions_in_an_article(gazetteer: Gazetteer) -> None:
    text = (
        "قالت «قسد» إن مقاتليها صدّوا هجوماً لداعش، فيما قصفت قواتُ النظام وطيران التحالف "
        "مواقعَ لتنظيم الدولة الإسلامية قرب دير الزور. وقال الحوثيون إن التحالف بقيادة السعودية "
        "شن غارات، بينما اشتبكت قوات الدعم السريع مع الجيش السوداني."
    )
    assert _mentions(gazetteer, text) == [
        ("sdf", "قسد"),
        ("islamic_state", "داعش"),
        ("syrian_government_forces", "قواتُ النظام"),
        ("global_coalition", "طيران التحالف"),
        ("islamic_state", "تنظيم الدولة الإسلامية"),
        ("houthis", "الحوثيون"),
        ("saudi_led_coalition", "التحالف بقيادة السعودية"),
        ("rsf", "قوات الدعم السريع"),
        ("sudanese_armed_forces", "الجيش السوداني"),
    ]


def test_longest_alias_wins(gazetteer: Gazetteer) -> None:
    text = "أعلنت كتائب حزب الله وحزب الله، والجيش السوري الحر والجيش السوري."
    assert _mentions(gazetteer, text) == [
        ("kataib_hezbollah", "كتائب حزب الله"),
        ("hezbollah", "حزب الله"),
        ("free_syrian_army", "الجيش السوري الحر"),
        ("syrian_government_forces", "الجيش السوري"),
    ]


def test_mention_offsets_are_exact_with_tashkeel_and_invisibles(gazetteer: Gazetteer) -> None:
    text = "قصفت\u200f قُوّاتُ النِّظامِ بلدةً، وأعلنت «هيئة تحرير الشام» مقتل عناصر لـ«قسد»."
    found = gazetteer.find_mentions(text)
    assert [(m.actor.id, m.surface) for m in found] == [
        ("syrian_government_forces", "قُوّاتُ النِّظامِ"),
        ("hts", "هيئة تحرير الشام"),
        ("sdf", "قسد"),
    ]
    for m in found:
        assert text[m.start : m.end] == m.surface
        assert isinstance(m, Mention)


def test_mention_spans_leave_out_proclitics(gazetteer: Gazetteer) -> None:
    text = "وقسد ولداعش وبقوات النظام وللجيش السوري"
    assert _mentions(gazetteer, text) == [
        ("sdf", "قسد"),
        ("islamic_state", "داعش"),
        ("syrian_government_forces", "قوات النظام"),
        ("syrian_government_forces", "جيش السوري"),
    ]


def test_quotes_between_words_of_an_alias(gazetteer: Gazetteer) -> None:
    text = 'تبنى تنظيم "الدولة الإسلامية" الهجوم'
    assert _mentions(gazetteer, text) == [("islamic_state", 'تنظيم "الدولة الإسلامية')]


def test_sentence_punctuation_breaks_an_alias(gazetteer: Gazetteer) -> None:
    assert _mentions(gazetteer, "قصفت قوات. النظام") == []


def test_acronyms_match_capitals_only(gazetteer: Gazetteer) -> None:
    text = "the SDF and IS, but this is not it; Hezbollah and hezbollah"
    assert _mentions(gazetteer, text) == [
        ("sdf", "SDF"),
        ("islamic_state", "IS"),
        ("hezbollah", "Hezbollah"),
        ("hezbollah", "hezbollah"),
    ]


def test_no_mentions_in_text_without_actors(gazetteer: Gazetteer) -> None:
    assert gazetteer.find_mentions("") == []
    assert gazetteer.find_mentions("قال السكان إن الكهرباء مقطوعة منذ أيام.") == []


# ---------------------------------------------------------------------------
# Autocomplete
# ---------------------------------------------------------------------------


def test_complete_arabic_prefix(gazetteer: Gazetteer) -> None:
    assert gazetteer.complete("قس")[0].id == "sdf"
    assert gazetteer.complete("داع")[0].id == "islamic_state"
    assert gazetteer.complete("الدعم")[0].id == "rsf"


def test_complete_ignores_tashkeel_and_alef_variants(gazetteer: Gazetteer) -> None:
    assert gazetteer.complete("أنصار")[0].id == "houthis"
    assert gazetteer.complete("انصار")[0].id == "houthis"
    assert gazetteer.complete("حِزْب")[0].id == "hezbollah"


def test_complete_matches_later_words_and_words_without_article(gazetteer: Gazetteer) -> None:
    ids = [a.id for a in gazetteer.complete("حوثي")]
    assert ids[0] == "houthis"
    assert "hts" in [a.id for a in gazetteer.complete("الشام")]


def test_complete_english_and_acronyms(gazetteer: Gazetteer) -> None:
    assert gazetteer.complete("hez")[0].id == "hezbollah"
    assert gazetteer.complete("RS")[0].id == "rsf"
    assert gazetteer.complete("Syrian Dem")[0].id == "sdf"


def test_complete_limit_and_uniqueness(gazetteer: Gazetteer) -> None:
    found = gazetteer.complete("الجيش", limit=5)
    assert len(found) == 5
    assert len({a.id for a in found}) == 5
    assert gazetteer.complete("الجيش", limit=0) == []
    assert gazetteer.complete("") == []
    assert gazetteer.complete("zzzz") == []


# ---------------------------------------------------------------------------
# Validation
# ---------------------------------------------------------------------------

ENTRY = """
- id: {id}
  name_en: {name_en}
  name_ar: {name_ar}
  acled_type: {acled_type}
  country: Syria
  aliases: [{aliases}]
"""


def _write(tmp_path: Path, *entries: dict) -> Path:
    path = tmp_path / "actors.yaml"
    defaults = {"acled_type": "rebel_group", "aliases": ""}
    path.write_text("".join(ENTRY.format(**{**defaults, **e}) for e in entries), encoding="utf-8")
    return path


def test_load_a_small_file(tmp_path: Path) -> None:
    path = _write(tmp_path, {"id": "a", "name_en": "Alpha", "name_ar": "ألفا", "aliases": "أ ل ف, AL"})
    gazetteer = Gazetteer.load(path)
    assert gazetteer.actors == (Actor("a", "Alpha", "ألفا", "rebel_group", ("Syria",), ("أ ل ف", "AL")),)
    assert gazetteer.lookup("al").id == "a"


def test_duplicate_id(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {"id": "a", "name_en": "Alpha", "name_ar": "ألفا"},
        {"id": "a", "name_en": "Beta", "name_ar": "بيتا"},
    )
    with pytest.raises(ValueError, match=r"actors\.yaml: actor 'a': duplicate id"):
        Gazetteer.load(path)


def test_alias_naming_two_actors(tmp_path: Path) -> None:
    path = _write(
        tmp_path,
        {"id": "a", "name_en": "Alpha", "name_ar": "ألفا", "aliases": "التحالف"},
        {"id": "b", "name_en": "Beta", "name_ar": "بيتا", "aliases": "التَّحالُف"},
    )
    with pytest.raises(ValueError, match=r"actors\.yaml: actor 'b': alias 'التَّحالُف' also names actor 'a'"):
        Gazetteer.load(path)


def test_unknown_acled_type(tmp_path: Path) -> None:
    path = _write(tmp_path, {"id": "a", "name_en": "Alpha", "name_ar": "ألفا", "acled_type": "gang"})
    with pytest.raises(ValueError, match=r"actors\.yaml: actor 'a': unknown acled_type 'gang'"):
        Gazetteer.load(path)


def test_missing_and_unknown_fields(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("- id: a\n  name_en: Alpha\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actor 'a': missing name_ar, acled_type, country, aliases"):
        Gazetteer.load(path)
    path.write_text(
        "- {id: a, name_en: A, name_ar: ا, acled_type: rebel_group, country: Syria, aliases: [], alias: [x]}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"actor 'a': unknown field\(s\) alias"):
        Gazetteer.load(path)


def test_malformed_files(tmp_path: Path) -> None:
    path = tmp_path / "actors.yaml"
    path.write_text("actors: []\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"actors\.yaml: expected a list of actors"):
        Gazetteer.load(path)
    path.write_text("- just a string\n", encoding="utf-8")
    with pytest.raises(ValueError, match=r"entry #1: expected a mapping"):
        Gazetteer.load(path)
    path.write_text(
        "- {id: Bad-Id, name_en: A, name_ar: ا, acled_type: rebel_group, country: Syria, aliases: []}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"actor 'Bad-Id': id must be"):
        Gazetteer.load(path)
    path.write_text(
        "- {id: a, name_en: A, name_ar: ا, acled_type: rebel_group, country: Syria, aliases: قسد}\n",
        encoding="utf-8",
    )
    with pytest.raises(ValueError, match=r"actor 'a': aliases must be a list"):
        Gazetteer.load(path)
