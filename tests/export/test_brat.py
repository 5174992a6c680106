"""brat standoff read back by brat's own parser (bratsubset, which bratiaa ships) and by bratiaa."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.codebook import Codebook
from annotator.export.brat import BratNames, fragments, name_from_file, safe_name
from annotator.export.exporter import export
from annotator.export.sources import Selection
from annotator.imports import import_annotations
from annotator.store import Project
from tests.export.conftest import TEXT_CRLF

annotation = pytest.importorskip("bratsubset.annotation")
projectconfig = pytest.importorskip("bratsubset.projectconfig")


def parse(ann: Path) -> "annotation.TextAnnotations":
    """brat's reader, which checks every span's text against the .txt it reads."""
    parsed = annotation.TextAnnotations(str(ann.with_suffix("")), read_only=True)
    assert parsed.failed_lines == [], f"brat could not parse lines {parsed.failed_lines} of {ann}"
    return parsed


def test_files_and_layout(run_export) -> None:
    folder, manifest = run_export("brat", coders=("mona", "omar"))
    names = {f["path"] for f in manifest["files"]}
    assert {"annotation.conf", "visual.conf", "mona/crlf.txt", "mona/crlf.ann", "omar/crlf.ann"} <= names
    assert (folder / "mona" / "crlf.txt").read_bytes() == TEXT_CRLF.encode("utf-8")


def test_brat_reads_every_annotation(run_export) -> None:
    folder, _ = run_export("brat", coders=("mona",))
    parsed = parse(folder / "mona" / "crlf.ann")
    text = parsed.get_document_text()
    assert text == TEXT_CRLF
    bounds = {t.type + ":" + t.text: t for t in parsed.get_textbounds()}
    emoji = bounds["claim:🔴 إن غارة جوية"]
    assert emoji.spans == [(17, 17 + len("🔴 إن غارة جوية"))]  # code points, as brat counts
    actor = bounds["actor:قسد"]
    assert actor.spans == [(TEXT_CRLF.index("قسد"), TEXT_CRLF.index("قسد") + 3)]
    # The claim across the line break: two fragments, as brat stores such a span.
    across = next(t for t in parsed.get_textbounds() if len(t.spans) == 2)
    assert [text[a:b] for a, b in across.spans] == ["استهدفت البلدة.", "وأسفر القصف"]
    attributes = {(a.type, a.target, a.value) for a in parsed.get_attributes()}
    casualty_id = bounds["casualty:مقتل ١٢ مدنياً"].id
    assert {("outcome", casualty_id, "killed"), ("children", casualty_id, "true"),
            ("women", casualty_id, "false")} <= attributes
    notes = {(c.target, c.tail.strip()) for c in parsed.get_oneline_comments()}
    assert (casualty_id, "best=12") in notes and (actor.id, 'name="=HYPERLINK(\\"x\\")"') in notes
    relations = {(r.type, r.arg1, r.arg2) for r in parsed.get_relations()}
    assert ("perpetrator", casualty_id, actor.id) in relations and len(relations) == 3


def test_annotation_conf_is_read_by_brat(run_export) -> None:
    folder, _ = run_export("brat", coders=("mona",))
    config = projectconfig.ProjectConfiguration(str(folder))
    assert sorted(config.get_entity_types()) == ["actor", "casualty", "claim", "source"]
    assert set(config.get_relation_types()) >= {"claimant", "about", "perpetrator", "reported_by", "affiliated"}
    attribute_types = set(config.get_attribute_types())
    assert {"actor_type", "role", "outcome", "quantifier", "women", "named", "scale"} <= attribute_types
    assert "low" not in attribute_types and "name" not in attribute_types  # free values go to notes


def test_bratiaa_computes_agreement_on_the_export(run_export) -> None:
    bratiaa = pytest.importorskip("bratiaa")
    folder, _ = run_export("brat", coders=("mona", "omar"))
    f1 = bratiaa.compute_f1_agreement(str(folder))
    assert f1.annotators == ["mona", "omar"] and f1.documents == ["crlf.ann"]
    mean, _ = f1.mean_sd_total()
    # mona marked the four spans omar marked and one more claim: F1 = 2*4 / (5 + 4).
    assert float(mean) == pytest.approx(8 / 9)


def test_brat_round_trip_through_import(run_export, tmp_path: Path, new_location: Callable[..., Path | str]) -> None:
    first, _ = run_export("brat", coders=("mona", "omar"), name="first")
    fresh = Project.open(new_location("fresh"), create=True)
    report = import_annotations(fresh, first, "brat")
    assert report.rejections == [] and report.documents_added == 3 and report.spans == 13 and report.links == 7
    export(fresh, Selection(coders=("mona", "omar")), "brat", tmp_path / "second")
    for ann in sorted(first.rglob("*.ann")) + sorted(first.rglob("*.txt")) + [first / "annotation.conf"]:
        assert (tmp_path / "second" / ann.relative_to(first)).read_bytes() == ann.read_bytes(), ann
    fresh.close()


def test_names_and_fragments() -> None:
    assert safe_name("sample/01 x") == "sample%2F01%20x" and name_from_file("sample%2F01%20x") == "sample/01 x"
    assert safe_name("مقال") != "مقال" and name_from_file(safe_name("مقال")) == "مقال"
    assert fragments("ab\ncd\n\nef", 0, 9) == [(0, 2), (3, 5), (7, 9)]
    assert fragments("ab\n", 2, 3) == []
    names = BratNames(Codebook.default())
    assert names.value_of("casualty", "women", "true") is True
    assert names.attributes[("casualty", "outcome")] == "outcome"
