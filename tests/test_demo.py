"""The demo coding: three coders' work on the sample corpus, loaded through the Project API."""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.demo import (DEMO_CODERS, DEMO_CODING, DemoCodingError, add_demo_coding, find_quote,
                            has_demo_coding, plan_demo_coding)
from annotator.importer import import_paths
from annotator.paths import SAMPLE_CORPUS
from annotator.store import Project

LAYERS = ("actor", "claim", "casualty", "source")
VAGUE = ("tens", "hundreds", "thousands")


def _sample_project(path: Path) -> Project:
    project = Project.open(path, create=True)
    report = import_paths(project, [SAMPLE_CORPUS])
    assert report.imported == 16 and not report.rejections
    return project


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Project]:
    """One sample project with the demo coding loaded, shared by the read-only tests below."""
    project = _sample_project(tmp_path_factory.mktemp("demo") / "p.db")
    add_demo_coding(project)
    yield project
    project.close()


@pytest.fixture
def fresh(tmp_path: Path) -> Iterator[Project]:
    project = _sample_project(tmp_path / "p.db")
    yield project
    project.close()


def _coded(project: Project, coder: str) -> set[str]:
    return {a.document_id for a in project.annotations(coder=coder)}


def test_every_span_quotes_the_text_at_its_offsets(demo: Project) -> None:
    annotations = demo.annotations()
    assert annotations
    for ann in annotations:
        assert demo.document(ann.document_id).text[ann.start:ann.end] == ann.quote
    assert demo.check() == []


def test_the_three_demo_coders_exist_and_are_assigned_what_they_coded(demo: Project) -> None:
    assert set(DEMO_CODERS) <= set(demo.coders())
    for coder in DEMO_CODERS:
        assert {a.document_id for a in demo.assignments(coder)} == _coded(demo, coder)


def test_at_least_six_documents_are_coded_by_all_three(demo: Project) -> None:
    shared = set.intersection(*(_coded(demo, c) for c in DEMO_CODERS))
    assert len(shared) >= 6


def test_the_first_two_coders_coded_more_than_the_third_so_pairs_differ_in_coverage(demo: Project) -> None:
    amal, bilal, chadi = (_coded(demo, c) for c in DEMO_CODERS)
    assert chadi < amal and chadi < bilal
    assert len(amal - chadi) == 2 and len(bilal - chadi) == 2
    pair_sizes = {len(a & b) for a, b in itertools.combinations((amal, bilal, chadi), 2)}
    assert len(pair_sizes) > 1


def test_each_coder_uses_all_four_layers(demo: Project) -> None:
    for coder in DEMO_CODERS:
        assert {a.layer for a in demo.annotations(coder=coder)} == set(LAYERS)


def test_coded_documents_are_done_with_nothing_missing(demo: Project) -> None:
    for coder in DEMO_CODERS:
        for assignment in demo.assignments(coder):
            assert assignment.status == "done"
            assert assignment.seconds_spent > 0
            # Nothing required is missing: mark done succeeds without force (claimant links
            # and every required field and document field are filled).
            assert demo.missing(coder, assignment.document_id) == []
            demo.mark_done(coder, assignment.document_id)
            assert demo.labels(assignment.document_id, coder)["relevant"] is True


def test_every_claim_has_a_claimant_and_links_stay_within_one_coder(demo: Project) -> None:
    for document_id in demo.document_ids():
        for coder in DEMO_CODERS:
            links = demo.links(document_id, coder)
            own = {a.id for a in demo.annotations(document_id, coder)}
            assert all(l.from_id in own and l.to_id in own for l in links)
            claims = demo.annotations(document_id, coder, layer="claim")
            assert all(any(l.from_id == c.id and l.kind == "claimant" for l in links) for c in claims)


def test_one_coder_never_has_overlapping_spans_in_one_layer(demo: Project) -> None:
    # Unitizing alpha needs each coder's units of a category to be disjoint.
    for document_id in demo.document_ids():
        for coder in DEMO_CODERS:
            for layer in LAYERS:
                spans = sorted((a.start, a.end) for a in demo.annotations(document_id, coder, layer))
                assert all(b[0] >= a[1] for a, b in zip(spans, spans[1:])), (document_id, coder, layer)


def test_vague_and_exact_counts_follow_the_codebook(demo: Project) -> None:
    for ann in demo.annotations(layer="casualty"):
        attrs = ann.attrs
        if attrs["quantifier"] in VAGUE:
            assert "best" not in attrs and "high" not in attrs, ann.quote
        if attrs["quantifier"] == "exact":
            assert attrs["low"] == attrs["best"] == attrs["high"], ann.quote
        if attrs["quantifier"] == "lower_bound":
            assert "high" not in attrs, ann.quote


def test_coders_mostly_agree_but_not_always(demo: Project) -> None:
    """Categories of overlapping spans agree about as often as real coders' do (75-90%)."""
    agree = total = 0
    unmatched = 0
    for document_id in demo.document_ids():
        for first, second in itertools.combinations(DEMO_CODERS, 2):
            mine, theirs = demo.annotations(document_id, first), demo.annotations(document_id, second)
            if not mine or not theirs:
                continue
            used: set[str] = set()
            for ann in mine:
                match = next((o for o in theirs if o.layer == ann.layer and o.id not in used
                              and o.start < ann.end and ann.start < o.end), None)
                if match is None:
                    unmatched += 1
                    continue
                used.add(match.id)
                for field in (set(ann.attrs) | set(match.attrs)) - {"name", "low", "best", "high"}:
                    total += 1
                    agree += ann.attrs.get(field) == match.attrs.get(field)
    assert 0.75 <= agree / total <= 0.90
    assert unmatched > 0  # some spans only one coder of a pair tagged


def test_loading_again_changes_nothing(demo: Project) -> None:
    assert has_demo_coding(demo)
    before = (len(demo.annotations()), len(demo.changes()))
    add_demo_coding(demo)
    assert (len(demo.annotations()), len(demo.changes())) == before


def test_the_file_keeps_arabic_readable() -> None:
    text = DEMO_CODING.read_text(encoding="utf-8")
    assert "قوات سوريا الديمقراطية" in text and "\\u0" not in text


def test_a_quote_not_in_the_text_is_refused_naming_document_coder_and_quote(fresh: Project,
                                                                            tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "documents:\n"
        "  - id: sample-01\n"
        "    coders: [demo-amal]\n"
        "    labels: {relevant: true}\n"
        "    spans:\n"
        "      - {key: a1, layer: actor, quote: \"قوات سوريا الديمقراطية\", attrs: "
        "{name: SDF, actor_type: rebel_group, role: perpetrator}}\n"
        "      - {key: a2, layer: actor, quote: \"جيش لا وجود له\", attrs: "
        "{name: X, actor_type: unidentified, role: mentioned}}\n",
        encoding="utf-8")
    with pytest.raises(DemoCodingError) as info:
        add_demo_coding(fresh, bad)
    message = str(info.value)
    assert "sample-01" in message and "demo-amal" in message and "جيش لا وجود له" in message
    assert fresh.annotations() == []  # checked before anything was written


def test_a_value_the_codebook_does_not_know_is_refused_before_writing(fresh: Project, tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    original = DEMO_CODING.read_text(encoding="utf-8")
    bad.write_text(original.replace("actor_type: rebel_group", "actor_type: rebels", 1), encoding="utf-8")
    with pytest.raises(DemoCodingError, match="rebels"):
        add_demo_coding(fresh, bad)
    assert fresh.annotations() == []
    assert not has_demo_coding(fresh)


def test_a_later_occurrence_needs_to_exist(fresh: Project) -> None:
    plan = plan_demo_coding(fresh)
    text = fresh.document("sample-01").text
    assert find_quote(text, "قسد") == text.index("قسد")
    assert find_quote(text, "قسد", 2) == text.index("قسد", text.index("قسد") + 1)
    assert find_quote(text, "قسد", 99) is None
    assert find_quote(text, "قسد", 0) is None
    assert plan and fresh.annotations() == []  # planning writes nothing
