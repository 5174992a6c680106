"""Tests for annotator.arabic: normalization, numbers, counts, shaping."""

from __future__ import annotations

import itertools
import unicodedata

import pytest

from annotator.arabic import (
    CountEstimate,
    find_all,
    find_counts,
    normalize_for_matching,
    normalize_with_map,
    parse_count,
    parse_number,
    shape_for_display,
)

# ---------------------------------------------------------------------------
# Normalization
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("قُتِلَ", "قتل"),  # harakat
        ("شنَّ", "شن"),  # shadda
        ("أيضاً", "ايضا"),  # tanween
        ("هٰذا", "هذا"),  # superscript alef
        ("قتـــلى", "قتلي"),  # tatweel, alef maksura
        ("أحمد إبراهيم آمنة ٱلله", "احمد ابراهيم امنه الله"),  # alef variants
        ("مدينة", "مدينه"),  # taa marbuta folded by default
        ("٠١٢٣٤٥٦٧٨٩", "0123456789"),  # Arabic-Indic digits
        ("۰۱۲۳۴۵۶۷۸۹", "0123456789"),  # Persian digits
        ("١٬٢٠٠", "1,200"),  # Arabic thousands separator
        ("١٫٥", "1.5"),  # Arabic decimal separator
        ("٢٠٪", "20%"),  # Arabic percent sign
        ("کردی", "كردي"),  # Farsi keheh and yeh
        ("قس\u200fد", "قسد"),  # RLM inside a word
        ("ﻗﺴﺪ", "قسد"),  # presentation forms (PDF copy)
        ("ﻻ", "لا"),  # lam-alef ligature
    ],
)
def test_normalize_for_matching(text: str, expected: str) -> None:
    assert normalize_for_matching(text) == expected


def test_taa_marbuta_folding_is_optional() -> None:
    assert normalize_for_matching("مدينة", taa_marbuta=False) == "مدينة"
    assert normalize_for_matching("مدينة") == normalize_for_matching("مدينه")


@pytest.mark.parametrize(
    "text",
    [
        "قُتِلَ ثلاثةُ مدنيين",
        "قتـــلى «قسد»",
        "\u200fﻗﺘﻞ ﺛﻼﺛﺔ\u200f",
        "بلا تشكيل",
        "",
        "َُِ",
    ],
)
def test_index_map_points_at_the_source_character(text: str) -> None:
    normalized, index_map = normalize_with_map(text)
    assert len(index_map) == len(normalized) + 1
    assert index_map[-1] == len(text)
    assert index_map == sorted(index_map)
    for i, ch in enumerate(normalized):
        source = text[index_map[i]]
        assert ch in normalize_for_matching(unicodedata.normalize("NFKC", source))


def test_find_all_ignores_tashkeel_and_maps_to_original_offsets() -> None:
    text = "قُتِلَ ثلاثةُ مدنيين، وقتل آخرون في قـتـل جديد"
    hits = find_all(text, "قتل")
    assert [text[a:b] for a, b in hits] == ["قُتِلَ", "قتل", "قـتـل"]


def test_find_all_folds_alef_and_digits() -> None:
    text = "أعلنت إدارة المرصد أن ١٢ شخصاً"
    assert [text[a:b] for a, b in find_all(text, "اداره")] == ["إدارة"]
    assert [text[a:b] for a, b in find_all(text, "12")] == ["١٢"]
    assert find_all(text, "ً") == []  # a needle of marks only matches nothing


def test_find_all_in_presentation_forms() -> None:
    text = "ﻗﺘﻞ ﺛﻼﺛﺔ"
    (hit,) = find_all(text, "ثلاثة")
    assert text[hit[0] : hit[1]] == "ﺛﻼﺛﺔ"


# ---------------------------------------------------------------------------
# Numbers
# ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("1200", 1200),
        ("١٬٢٠٠", 1200),
        ("۱۲۰۰", 1200),
        ("1.5 مليون", 1_500_000),
        ("ألف ومئتان", 1200),
        ("خمسةٌ وعشرون", 25),
        ("ثلاثمئة وخمسة وعشرون ألفاً وأربعمائة", 325_400),
        ("مليونان", 2_000_000),
        ("خمسة قتلى", None),
        ("", None),
        ("2.5", None),
    ],
)
def test_parse_number(text: str, value: int | None) -> None:
    assert parse_number(text) == value


# ---------------------------------------------------------------------------
# Counts: (text, low, high, best, vague, quantifier, surface of the span)
# ---------------------------------------------------------------------------

N = None
EX, AP, LB, UB, RG = "exact", "approximate", "lower_bound", "upper_bound", "range"

COUNT_CASES = [
    # digits in every script, separators, multipliers, proclitics
    ("قتل 5 مدنيين", 5, 5, 5, False, EX, "5"),
    ("قُتل ١٢ شخصاً في القصف", 12, 12, 12, False, EX, "١٢"),
    ("أصيب ۱۵ آخرون", 15, 15, 15, False, EX, "۱۵"),
    ("نزوح 1,200 عائلة", 1200, 1200, 1200, False, EX, "1,200"),
    ("نزوح ١٬٢٠٠ عائلة", 1200, 1200, 1200, False, EX, "١٬٢٠٠"),
    ("نزوح 1.200 عائلة", 1200, 1200, 1200, False, EX, "1.200"),
    ("نزوح 12,500 شخص", 12500, 12500, 12500, False, EX, "12,500"),
    ("نزوح 1.5 مليون شخص", 1_500_000, 1_500_000, 1_500_000, False, EX, "1.5 مليون"),
    ("نزوح ٢٠ ألف شخص", 20000, 20000, 20000, False, EX, "٢٠ ألف"),
    ("استقبال 3 آلاف نازح", 3000, 3000, 3000, False, EX, "3 آلاف"),
    ("ارتفعت الحصيلة لـ20 قتيلاً", 20, 20, 20, False, EX, "20"),
    ("وأصيب و15 آخرون", 15, 15, 15, False, EX, "15"),
    # number words, both genders, with and without tashkeel and clitics
    ("قتل ثلاثة مدنيين", 3, 3, 3, False, EX, "ثلاثة"),
    ("قتلت ثلاث نساء", 3, 3, 3, False, EX, "ثلاث"),
    ("قتل ثلاثةُ أطفال", 3, 3, 3, False, EX, "ثلاثةُ"),
    ("وأصيب أربعة آخرون", 4, 4, 4, False, EX, "أربعة"),
    ("وثلاثة جرحى", 3, 3, 3, False, EX, "ثلاثة"),
    ("أفادت بمقتل لخمسة أشخاص", 5, 5, 5, False, EX, "خمسة"),
    ("نقل الأطفال الثلاثة إلى المستشفى", 3, 3, 3, False, EX, "الثلاثة"),
    ("مقتل ستة مقاتلين", 6, 6, 6, False, EX, "ستة"),
    ("وسبع نساء", 7, 7, 7, False, EX, "سبع"),
    ("مقتل ثمانية جنود", 8, 8, 8, False, EX, "ثمانية"),
    ("وثماني نساء", 8, 8, 8, False, EX, "ثماني"),
    ("مقتل تسعة عناصر", 9, 9, 9, False, EX, "تسعة"),
    ("مقتل عشرة مدنيين", 10, 10, 10, False, EX, "عشرة"),
    ("مقتل خمسة وعشرين شخصاً", 25, 25, 25, False, EX, "خمسة وعشرين"),
    ("سقط خمسةٌ وعشرون قتيلاً", 25, 25, 25, False, EX, "خمسةٌ وعشرون"),
    ("قتلت ثلاث وعشرين امرأة", 23, 23, 23, False, EX, "ثلاث وعشرين"),
    ("أصيب واحد وعشرون شخصاً", 21, 21, 21, False, EX, "واحد وعشرون"),
    ("قتلت إحدى وعشرين امرأة", 21, 21, 21, False, EX, "إحدى وعشرين"),
    ("مقتل أحد عشر مدنياً", 11, 11, 11, False, EX, "أحد عشر"),
    ("مقتل إحدى عشرة امرأة", 11, 11, 11, False, EX, "إحدى عشرة"),
    ("مقتل اثنا عشر جندياً", 12, 12, 12, False, EX, "اثنا عشر"),
    ("قتل اثني عشر مدنياً", 12, 12, 12, False, EX, "اثني عشر"),
    ("مقتل ثلاثة عشر طفلاً", 13, 13, 13, False, EX, "ثلاثة عشر"),
    ("مقتل ثلاثةَ عشرَ طفلاً", 13, 13, 13, False, EX, "ثلاثةَ عشرَ"),
    ("سقط عشرون قتيلاً", 20, 20, 20, False, EX, "عشرون"),
    ("أصيب عشرين شخصاً", 20, 20, 20, False, EX, "عشرين"),
    ("مقتل خمسين شخصاً", 50, 50, 50, False, EX, "خمسين"),
    ("سقوط مئة قتيل", 100, 100, 100, False, EX, "مئة"),
    ("سقوط مائة جريح", 100, 100, 100, False, EX, "مائة"),
    ("مئتان وخمسون عائلة", 250, 250, 250, False, EX, "مئتان وخمسون"),
    ("نزوح مئتين من السكان", 200, 200, 200, False, EX, "مئتين"),
    ("سقوط مئتي قتيل", 200, 200, 200, False, EX, "مئتي"),
    ("نزوح ثلاثمائة عائلة", 300, 300, 300, False, EX, "ثلاثمائة"),
    ("نزوح ثلاث مئة عائلة", 300, 300, 300, False, EX, "ثلاث مئة"),
    ("نزوح ثلاثمئة عائلة", 300, 300, 300, False, EX, "ثلاثمئة"),
    ("نزوح خمسمئة شخص", 500, 500, 500, False, EX, "خمسمئة"),
    ("اعتقال مئة وعشرين شخصاً", 120, 120, 120, False, EX, "مئة وعشرين"),
    ("نزوح ألف شخص", 1000, 1000, 1000, False, EX, "ألف"),
    ("نزح ألفان من السكان", 2000, 2000, 2000, False, EX, "ألفان"),
    ("نزوح ألفين من السكان", 2000, 2000, 2000, False, EX, "ألفين"),
    ("نزوح ثلاثة آلاف شخص", 3000, 3000, 3000, False, EX, "ثلاثة آلاف"),
    ("نزوح عشرة آلاف شخص", 10000, 10000, 10000, False, EX, "عشرة آلاف"),
    ("نزوح مئة ألف شخص", 100_000, 100_000, 100_000, False, EX, "مئة ألف"),
    ("نزوح ألف ومئتين", 1200, 1200, 1200, False, EX, "ألف ومئتين"),
    ("نزوح خمسة وعشرين ألفاً", 25000, 25000, 25000, False, EX, "خمسة وعشرين ألفاً"),
    ("نزوح ثلاثة آلاف وخمسمائة", 3500, 3500, 3500, False, EX, "ثلاثة آلاف وخمسمائة"),
    (
        "بلغ العدد تسعمائة وتسعة وتسعين ألفاً وتسعمائة وتسعة وتسعين",
        999_999,
        999_999,
        999_999,
        False,
        EX,
        "تسعمائة وتسعة وتسعين ألفاً وتسعمائة وتسعة وتسعين",
    ),
    # duals of casualty nouns, "one" and "two"
    ("سقوط قتيلين", 2, 2, 2, False, EX, "قتيلين"),
    ("قتيلان وثلاثة جرحى", 2, 2, 2, False, EX, "قتيلان"),
    ("إصابة جريحين", 2, 2, 2, False, EX, "جريحين"),
    ("مقتل طفلين", 2, 2, 2, False, EX, "طفلين"),
    ("مقتل شخصين", 2, 2, 2, False, EX, "شخصين"),
    ("مقتل امرأتين", 2, 2, 2, False, EX, "امرأتين"),
    ("مقتل عنصرين من الشرطة", 2, 2, 2, False, EX, "عنصرين"),
    ("مقتل مدنيين اثنين", 2, 2, 2, False, EX, "اثنين"),
    ("مقتل طفلين اثنين", 2, 2, 2, False, EX, "طفلين اثنين"),
    ("اثنان من المسلحين", 2, 2, 2, False, EX, "اثنان"),
    ("سقوط قتيل واحد", 1, 1, 1, False, EX, "قتيل واحد"),
    ("إصابة طفل واحد", 1, 1, 1, False, EX, "طفل واحد"),
    ("مقتل امرأة واحدة", 1, 1, 1, False, EX, "امرأة واحدة"),
    ("قتل واحد منهم", 1, 1, 1, False, EX, "واحد"),
    ("بينهم ممرضتان وأربعة مرضى", 2, 2, 2, False, EX, "ممرضتان"),
    ("أحد الجنديين القتيلين كان", 2, 2, 2, False, EX, "الجنديين القتيلين"),
    # ranges
    ("سقوط بين 10 و15 قتيلاً", 10, 15, N, False, RG, "بين 10 و15"),
    ("سقوط ما بين 10 و 15 قتيلاً", 10, 15, N, False, RG, "ما بين 10 و 15"),
    ("سقوط بين عشرة وخمسة عشر قتيلاً", 10, 15, N, False, RG, "بين عشرة وخمسة عشر"),
    ("سقوط ما بين عشرين وثلاثين", 20, 30, N, False, RG, "ما بين عشرين وثلاثين"),
    ("سقوط بين خمسة وعشرين قتيلاً", 5, 20, N, False, RG, "بين خمسة وعشرين"),
    ("سقوط من 10 إلى 15 قتيلاً", 10, 15, N, False, RG, "من 10 إلى 15"),
    ("سقوط 10-15 قتيلاً", 10, 15, N, False, RG, "10-15"),
    ("مقتل ٣ أو ٤ أشخاص", 3, 4, N, False, RG, "٣ أو ٤"),
    ("نزوح بين 10 و15 ألفاً", 10000, 15000, N, False, RG, "بين 10 و15 ألفاً"),
    ("سقوط بين 15 و10 قتلى", 10, 15, N, False, RG, "بين 15 و10"),
    ("حالة بضعة عشر مصاباً حرجة", 13, 19, N, True, RG, "بضعة عشر"),
    ("سقط بضع وعشرون قتيلاً", 23, 29, N, True, RG, "بضع وعشرون"),
    # bounds
    ("مقتل أكثر من 20 شخصاً", 21, N, N, False, LB, "أكثر من 20"),
    ("مقتل أكثر من عشرين شخصاً", 21, N, N, False, LB, "أكثر من عشرين"),
    ("نزوح ما يزيد عن 100 عائلة", 101, N, N, False, LB, "ما يزيد عن 100"),
    ("حصيلة تجاوزت ١٬٨٠٠ قتيل", 1801, N, N, False, LB, "تجاوزت ١٬٨٠٠"),
    ("مقتل ما لا يقل عن 20 شخصاً", 20, N, N, False, LB, "ما لا يقل عن 20"),
    ("مقتل لا يقل عن خمسين", 50, N, N, False, LB, "لا يقل عن خمسين"),
    ("مقتل ما لا يقلّ عن خمسةٍ وعشرين طفلاً", 25, N, N, False, LB, "ما لا يقلّ عن خمسةٍ وعشرين"),
    ("قتل 20 شخصاً على الأقل", 20, N, N, False, LB, "20 شخصاً على الأقل"),
    ("قتل على الأقل 20 شخصاً", 20, N, N, False, LB, "على الأقل 20"),
    ("قتل 20 أو أكثر", 20, N, N, False, LB, "20 أو أكثر"),
    ("قتل عشرون ونيف", 21, N, N, False, LB, "عشرون ونيف"),
    ("مقتل أقل من 20 شخصاً", 1, 19, N, False, UB, "أقل من 20"),
    ("مقتل ما يصل إلى 30 شخصاً", 1, 30, N, False, UB, "ما يصل إلى 30"),
    ("مقتل بما يصل إلى 30 شخصاً", 1, 30, N, False, UB, "ما يصل إلى 30"),
    ("مقتل حتى 30 شخصاً", 1, 30, N, False, UB, "حتى 30"),
    ("عدد لا يتجاوز عشرة", 1, 10, N, False, UB, "لا يتجاوز عشرة"),
    # approximations
    ("مقتل نحو 40 مدنياً", N, N, 40, False, AP, "نحو 40"),
    ("مقتل حوالي ٣٠ مدنياً", N, N, 30, False, AP, "حوالي ٣٠"),
    ("مقتل حوالى 30 مدنياً", N, N, 30, False, AP, "حوالى 30"),
    ("مقتل قرابة 50 شخصاً", N, N, 50, False, AP, "قرابة 50"),
    ("مقتل قرابة الـ 50 شخصاً", N, N, 50, False, AP, "قرابة الـ 50"),
    ("مقتل قرابة الـ50 شخصاً", N, N, 50, False, AP, "قرابة الـ50"),
    ("نزوح ما يقارب 200 عائلة", N, N, 200, False, AP, "ما يقارب 200"),
    ("نزوح زهاء مئتي شخص", N, N, 200, False, AP, "زهاء مئتي"),
    ("مقتل نحو خمسة وعشرين", N, N, 25, False, AP, "نحو خمسة وعشرين"),
    ("مقتل 30 تقريباً", N, N, 30, False, AP, "30 تقريباً"),
    # vague quantifiers
    ("أصيب عشرات المدنيين", 10, N, N, True, "tens", "عشرات"),
    ("أصيب عشراتٌ آخرون", 10, N, N, True, "tens", "عشراتٌ"),
    ("سقط العشرات", 10, N, N, True, "tens", "العشرات"),
    ("قتل وأصيب والعشرات", 10, N, N, True, "tens", "العشرات"),
    ("تقدر بعشرات القتلى", 10, N, N, True, "tens", "عشرات"),
    ("سقطوا بالعشرات", 10, N, N, True, "tens", "العشرات"),
    ("مقتل مئات المدنيين", 100, N, N, True, "hundreds", "مئات"),
    ("سقط المئات", 100, N, N, True, "hundreds", "المئات"),
    ("نزوح آلاف السكان", 1000, N, N, True, "thousands", "آلاف"),
    ("نزح الآلاف", 1000, N, N, True, "thousands", "الآلاف"),
    ("نزوح عشرات الآلاف", 10000, N, N, True, "thousands", "عشرات الآلاف"),
    ("نزوح مئات الآلاف", 100_000, N, N, True, "thousands", "مئات الآلاف"),
    ("إصابة عدة مدنيين", 2, N, N, True, "several", "عدة"),
    ("إصابة بضعة جنود", 2, N, N, True, "several", "بضعة"),
    ("إصابة بضع نساء", 2, N, N, True, "several", "بضع"),
    ("إصابة عدد من المدنيين", 2, N, N, True, "several", "عدد من"),
    ("إصابة عدد كبير من المدنيين", 2, N, N, True, "several", "عدد كبير من"),
    ("نزوح بضع مئات", 200, N, N, True, "hundreds", "بضع مئات"),
    ("نزوح عدة آلاف", 2000, N, N, True, "thousands", "عدة آلاف"),
]


@pytest.mark.parametrize(("text", "low", "high", "best", "vague", "quantifier", "surface"), COUNT_CASES)
def test_parse_count(
    text: str, low: int | None, high: int | None, best: int | None, vague: bool, quantifier: str, surface: str
) -> None:
    estimate = parse_count(text)
    assert estimate is not None, text
    assert (estimate.low, estimate.high, estimate.best, estimate.vague, estimate.quantifier) == (
        low,
        high,
        best,
        vague,
        quantifier,
    )
    assert text[estimate.start : estimate.end] == surface


def test_there_are_at_least_80_count_cases() -> None:
    assert len(COUNT_CASES) >= 80


@pytest.mark.parametrize(
    "text",
    [
        "لم تسجل أي إصابات في صفوف المدنيين",
        "وقع الهجوم في عام 2018",
        "وقع الهجوم في 15 آذار 2019",
        "وقع الهجوم في 15 مارس",
        "في كانون الثاني 2020",
        "منذ 2011 والحرب مستمرة",
        "عامي 2018 و2019",
        "على بعد 20 كيلومتراً من المدينة",
        "على بعد ٢٠ كلم",
        "خلال 48 ساعة",
        "منذ ثلاثة أيام",
        "منذ عشرات السنين",
        "بلغ عمره 12 عاماً",
        "خسائر بقيمة 500 دولار",
        "بنسبة 20%",
        "بنسبة 20 بالمئة",
        "بنسبة 20 في المئة",
        "وقع الهجوم يوم الاثنين",
        "وقع الهجوم يوم الأحد",
        "أحد المدنيين",
        "لست أدري",
        "في الساعة 10:30 صباحاً",
        "بتاريخ 12/05/2019",
        "القرار 2254",
        "طائرة F-16",
        "على طريق M4",
        "على مسافة عشرات الكيلومترات",
        "تكرر القصف عدة مرات",
        "في يوم واحد",
        "خلال الأيام الثلاثة الماضية",
        "بين عامي 2011-2015",
        "ارتفاع 2.5 متر",
        "بلغ المؤشر ١٫٢٠٠",
        "عدد القتلى غير معروف",
    ],
)
def test_no_count(text: str) -> None:
    assert parse_count(text) is None, find_counts(text)


def test_find_counts_in_a_paragraph() -> None:
    text = (
        "قُتِلَ ثلاثةُ مدنيين وأُصيب عشراتٌ آخرون في قصفٍ على بلدة كفرنبل يوم 12 آذار 2019، "
        "بحسب المرصد. وقال مصدر طبي إن ١٬٢٥٠ شخصاً نزحوا خلال 48 ساعة، وإن ما لا يقلّ عن "
        "خمسةٍ وعشرين طفلاً بين القتلى، إضافة إلى قتيلين من الدفاع المدني."
    )
    found = find_counts(text)
    assert [text[c.start : c.end] for c in found] == [
        "ثلاثةُ",
        "عشراتٌ",
        "١٬٢٥٠",
        "ما لا يقلّ عن خمسةٍ وعشرين",
        "قتيلين",
    ]
    assert [c.quantifier for c in found] == ["exact", "tens", "exact", "lower_bound", "exact"]
    starts = [c.start for c in found]
    assert starts == sorted(starts)
    assert all(a.end <= b.start for a, b in itertools.pairwise(found))


def test_parse_count_returns_the_first() -> None:
    estimate = parse_count("قتل خمسة وأصيب عشرة")
    assert estimate == CountEstimate(5, 5, 5, False, "exact", 4, 8)


def test_spans_survive_invisible_characters() -> None:
    text = "مقتل\u200f ثلاثـــة\u200f مدنيين"
    estimate = parse_count(text)
    assert estimate is not None and estimate.best == 3
    assert normalize_for_matching(text[estimate.start : estimate.end]) == "ثلاثه"


def test_count_estimate_is_frozen() -> None:
    estimate = parse_count("قتل 5")
    with pytest.raises(AttributeError):
        estimate.low = 3  # type: ignore[misc]


# ---------------------------------------------------------------------------
# Shaping for surfaces without a shaping engine
# ---------------------------------------------------------------------------


def test_shape_for_display_uses_presentation_forms() -> None:
    shaped = shape_for_display("قسد")
    assert any("\ufe70" <= ch <= "\ufeff" for ch in shaped)
    assert normalize_for_matching(shaped) == "دسق"  # visual order: reversed logical order


def test_shaped_label_renders_in_matplotlib(tmp_path) -> None:
    matplotlib = pytest.importorskip("matplotlib")
    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    label = shape_for_display("عدد القتلى")
    fig, ax = plt.subplots()
    try:
        ax.bar([0, 1], [3, 5])
        text = ax.set_title(label)
        out = tmp_path / "chart.png"
        fig.savefig(out)
    finally:
        plt.close(fig)
    assert out.stat().st_size > 0
    assert out.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    assert text.get_text() == label
    assert any("\ufe70" <= ch <= "\ufeff" for ch in text.get_text())
