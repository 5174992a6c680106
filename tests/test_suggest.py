"""Suggestions: proposed spans with proposed values, never annotations by themselves."""

from __future__ import annotations

import pytest

from annotator.suggest import Suggester

TEXT = ("🔴 قال المرصد في بيان إن غارة لطيران التحالف أسفرت عن مقتل ١٢ مدنياً وإصابة نحو 30 آخرين، "
        "فيما أكد شهود عيان أن عشرات العائلات نزحت، وذكر ناشطون أن قسد اعتقلت ثلاثة شبان. وبلغ طول الطريق 12 كم.")


@pytest.fixture(scope="module")
def suggestions():
    return Suggester().suggest(TEXT)


def found(suggestions, layer):
    return {TEXT[s.start:s.end]: s for s in suggestions if s.layer == layer}


def test_casualty_counts_near_harm_words_with_their_values(suggestions) -> None:
    casualties = found(suggestions, "casualty")
    assert casualties["١٢ مدنياً"].attrs == {"outcome": "killed", "quantifier": "exact", "low": 12, "best": 12, "high": 12}
    assert casualties["نحو 30 آخرين"].attrs == {"outcome": "injured", "quantifier": "approximate", "best": 30}
    assert casualties["ثلاثة شبان"].attrs["outcome"] == "detained"
    assert not any("كم" in quote for quote in casualties)  # a distance is not a casualty count


def test_vague_counts_stay_vague(suggestions) -> None:
    tens = found(suggestions, "casualty")["عشرات العائلات"]
    assert tens.attrs == {"outcome": "displaced", "quantifier": "tens", "low": 10}


def test_actors_from_the_gazetteer_and_source_cues(suggestions) -> None:
    actors = found(suggestions, "actor")
    assert actors["قسد"].attrs == {"name": "Syrian Democratic Forces", "actor_type": "rebel_group"}
    assert any("التحالف" in quote for quote in actors)
    sources = {q: s.attrs["source_type"] for q, s in found(suggestions, "source").items()}
    assert sources["المرصد"] == "ngo_monitor" and sources["بيان"] == "belligerent_statement"
    assert sources["شهود عيان"] == "eyewitness" and sources["ناشطون"] == "activists"


def test_offsets_are_code_points_past_an_emoji(suggestions) -> None:
    for s in suggestions:
        assert 0 <= s.start < s.end <= len(TEXT)
        assert s.id == f"{s.layer}:{s.start}:{s.end}"
    assert TEXT.index("١٢ مدنياً") in {s.start for s in suggestions}


def test_suggestions_are_in_text_order_and_repeatable(suggestions) -> None:
    assert [(s.start, s.end) for s in suggestions] == sorted((s.start, s.end) for s in suggestions)
    assert Suggester().suggest(TEXT) == suggestions


def test_untaken_drops_suggestions_an_annotation_of_the_same_layer_overlaps(suggestions) -> None:
    from annotator.model import Annotation
    from annotator.suggest import untaken

    start = TEXT.index("١٢")
    covering = Annotation("a", "d", "mona", "casualty", start - 5, start + 2, TEXT[start - 5:start + 2])
    other_layer = Annotation("b", "d", "mona", "actor", start, start + 2, TEXT[start:start + 2])
    left = untaken(suggestions, [covering, other_layer])
    assert all(not (x.layer == "casualty" and x.start == start) for x in left)
    assert len(left) == len(suggestions) - 1
