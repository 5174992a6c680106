"""A small coded project for the export tests: a CRLF-origin article with an emoji, coded by two
coders and adjudicated into gold, and a second article with nested spans and formula-like cells."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.export.exporter import ExportOptions, export
from annotator.export.sources import Selection
from annotator.importer import import_paths
from annotator.model import GoldAnnotation, GoldLabel, GoldLink, Provenance
from annotator.store import Project
from annotator.store.gold import GoldEdit
from tests.conftest import span_of

# Imported from a JSONL corpus whose text has CRLF line ends; the store keeps LF.
RAW_CRLF = ("قالت مصادر محلية 🔴 إن غارة جوية استهدفت البلدة.\r\n"
            "وأسفر القصف عن مقتل ١٢ مدنياً بينهم أطفال، فيما نفت قسد مسؤوليتها.\r\n")
TEXT_CRLF = RAW_CRLF.replace("\r\n", "\n")
TEXT_NESTED = "=1+2 بيان: أعلنت قوات سوريا الديمقراطية (قسد) استئناف عملياتها.\n-5 قتلى @القرية"
DECIDED = "2024-06-01T10:00:00.000+00:00"


def utf16(text: str, cp: int) -> int:
    """Independent of the code under test: UTF-16 code units before code point ``cp``."""
    return len(text[:cp].encode("utf-16-le")) // 2


def code(project: Project, coder: str, doc: str, text: str, layer: str, quote: str, attrs: dict[str, Any],
         nth: int = 0) -> str:
    start = -1
    for _ in range(nth + 1):
        start = text.index(quote, start + 1)
    return project.create_annotation(coder, doc, layer, start, start + len(quote), attrs).id


CASUALTY = {"outcome": "killed", "victim_group": "civilians", "children": True, "women": False,
            "low": 12, "best": 12, "high": 12, "quantifier": "exact"}
LABELS = {"relevant": True, "event_type": ["explosions_remote_violence"], "event_date": "2024-05-01",
          "date_precision": "1", "location": "الحوامة", "confidence": "high", "notes": "-5 ملاحظة"}


def build_project(location: Path | str, corpus_dir: Path) -> Path | str:
    corpus_dir.mkdir(parents=True, exist_ok=True)
    corpus = corpus_dir / "articles.jsonl"
    corpus.write_text(
        json.dumps({"id": "crlf", "title": "غارة على البلدة", "text": RAW_CRLF}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "nested", "title": "+بيان قسد", "text": TEXT_NESTED}, ensure_ascii=False) + "\n"
        + json.dumps({"id": "plain", "title": "خبر", "text": "خبر لم يرمز بعد."}, ensure_ascii=False) + "\n",
        encoding="utf-8")
    p = Project.open(location, create=True)
    report = import_paths(p, [corpus])
    assert report.imported == 3, report.rejections
    assert p.document("crlf").text == TEXT_CRLF
    for coder in ("mona", "omar"):
        p.add_coder(coder)
    p.add_coder("lead", "adjudicator")
    p.assign(["crlf", "nested", "plain"], "mona")
    p.assign(["crlf"], "omar")
    for coder in ("mona", "omar"):
        source = code(p, coder, "crlf", TEXT_CRLF, "source", "مصادر محلية",
                      {"source_type": "anonymous", "named": False, "scale": "local"})
        claim = code(p, coder, "crlf", TEXT_CRLF, "claim", "🔴 إن غارة جوية",
                     {"claim_type": "casualty_report", "stance": "asserted"})
        actor = code(p, coder, "crlf", TEXT_CRLF, "actor", "قسد",
                     {"name": "=HYPERLINK(\"x\")", "actor_type": "rebel_group", "role": "perpetrator"})
        casualty = code(p, coder, "crlf", TEXT_CRLF, "casualty", "مقتل ١٢ مدنياً", CASUALTY)
        p.create_link(coder, claim, source, "claimant")
        p.create_link(coder, casualty, actor, "perpetrator")
        p.create_link(coder, casualty, source, "reported_by")
        for field, value in LABELS.items():
            p.set_label(coder, "crlf", field, value)
        p.set_status(coder, "crlf", "done")
    # A claim across the CRLF-origin line break (brat writes it in two fragments).
    code(p, "mona", "crlf", TEXT_CRLF, "claim", "استهدفت البلدة.\nوأسفر القصف",
         {"claim_type": "operation_announcement", "stance": "hedged"})
    # Nested actors (two CoNLL columns) and a source whose quote starts like a formula.
    big = code(p, "mona", "nested", TEXT_NESTED, "actor", "قوات سوريا الديمقراطية",
               {"name": "قسد", "actor_type": "rebel_group", "role": "mentioned"})
    code(p, "mona", "nested", TEXT_NESTED, "actor", "سوريا الديمقراطية",
         {"name": "@سوريا", "actor_type": "unidentified", "role": "mentioned"})
    src = code(p, "mona", "nested", TEXT_NESTED, "source", "=1+2 بيان", {"source_type": "media"})
    p.create_link("mona", src, big, "affiliated")
    code(p, "mona", "nested", TEXT_NESTED, "casualty", "-5 قتلى",
         {"outcome": "killed", "victim_group": "unknown", "quantifier": "exact", "best": 5})
    p.set_label("mona", "nested", "relevant", False)
    _gold(p)
    p.close()
    return location


def _gold(p: Project) -> None:
    """Gold for "crlf": the coders' four spans (unanimous), one edited by the adjudicator."""
    def prov(decision: str, who: str | None = "lead") -> Provenance:
        return Provenance(decision, ("mona", "omar"), who, DECIDED)

    spans = {}
    for layer, quote, attrs in (("source", "مصادر محلية", {"source_type": "anonymous", "named": False, "scale": "local"}),
                                ("claim", "🔴 إن غارة جوية", {"claim_type": "casualty_report", "stance": "asserted"}),
                                ("actor", "قسد", {"name": "Syrian Democratic Forces", "actor_type": "rebel_group",
                                                  "role": "perpetrator"}),
                                ("casualty", "مقتل ١٢ مدنياً", CASUALTY)):
        start, end = span_of(TEXT_CRLF, quote)
        covers = tuple(a.id for a in p.annotations("crlf") if a.layer == layer and a.start == start)
        spans[layer] = GoldAnnotation(f"gold-{layer}", "crlf", layer, start, end, quote, attrs,
                                      prov("edited" if layer == "actor" else "unanimous",
                                           "lead" if layer == "actor" else None), covers)
    links = (GoldLink("gold-claimant", "crlf", "gold-claim", "gold-source", "claimant", prov("unanimous", None)),
             GoldLink("gold-perpetrator", "crlf", "gold-casualty", "gold-actor", "perpetrator", prov("chosen")))
    labels = tuple(GoldLabel("crlf", f, v, prov("unanimous", None)) for f, v in LABELS.items())
    p.write_gold("lead", GoldEdit("crlf", tuple(spans.values()), links, labels, done=True), action="test_gold")


@pytest.fixture
def coded_location(shared_location: Callable[..., Path | str], tmp_path_factory: pytest.TempPathFactory) -> Path | str:
    """The coded project, built once per session and engine; tests only read it."""
    return shared_location("coded", lambda location: build_project(location, tmp_path_factory.mktemp("corpus")))


@pytest.fixture
def coded(coded_location: Path | str) -> Project:
    p = Project.open(coded_location, create=False)
    yield p
    p.close()


@pytest.fixture
def scratch(coded_location: Path | str, new_location: Callable[..., Path | str]) -> Project:
    """A copy of the coded project that a test may change."""
    p = Project.open(new_location("scratch", copy_of=coded_location), create=False)
    yield p
    p.close()


@pytest.fixture
def run_export(coded_location: Path | str, tmp_path: Path):
    """run_export(fmt, gold=..., coders=..., **options) -> (folder, manifest), from the coded project
    (opened for each export, so that a test may copy it in between)."""
    def run(fmt: str, *, gold: bool = False, coders: tuple[str, ...] = (), documents: tuple[str, ...] | None = None,
            done_only: bool = False, name: str | None = None, **options: Any) -> tuple[Path, dict[str, Any]]:
        target = tmp_path / (name or f"export-{fmt}")
        with Project.open(coded_location, create=False) as coded:
            manifest = export(coded, Selection(gold=gold, coders=coders, document_ids=documents, done_only=done_only),
                              fmt, target, ExportOptions(**options))
        return target, manifest

    return run
