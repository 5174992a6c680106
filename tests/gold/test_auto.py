"""Automatic acceptance on the demo project (three demo coders with real disagreements), the
``annotator gold`` command, and the agreement report's gold section."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.gold import Adjudication, LinkItem, auto_accept, build_candidates
from annotator.gold.candidates import count_items
from annotator.store import Project
from tests.agreement.conftest import demo_location  # noqa: F401 - the fixture


@pytest.fixture
def demo_copy(demo_location: Path | str, new_location: Callable[..., Path | str]) -> Path | str:
    """A copy of the demo project (tests/agreement/conftest.py) that a test may change."""
    return new_location("demo", copy_of=demo_location)


def test_auto_unanimous_accepts_some_items_and_leaves_the_disagreements(demo_copy: Path | str) -> None:
    with Project.open(demo_copy, create=False) as p:
        before = build_candidates(p)
        counts = before.counts()
        seq = len(p.changes())
        result = auto_accept(p, "unanimous")
        assert result.documents == len(before.documents) == result.changed
        assert len(p.changes()) == seq + result.documents  # one logged row per document
        for layer in ("actor", "claim", "casualty", "source"):
            assert result.accepted[layer] == counts[layer].unanimous > 0
            assert result.disagreements[layer] == counts[layer].majority + counts[layer].disagreement > 0
        assert sum(result.rejected.values()) == 0
        assert result.accepted["document"] == counts["document"].unanimous
        gold = p.gold_annotations()
        assert len(gold) == sum(result.accepted[l] for l in ("actor", "claim", "casualty", "source"))
        assert {g.provenance.decision for g in gold} == {"unanimous"}
        assert all(g.provenance.adjudicator is None and len(g.provenance.source_coders) >= 2 for g in gold)
        assert p.check() == []
        after = count_items(build_candidates(p).all_documents())
        assert after["actor"].resolved == result.accepted["actor"]
        assert auto_accept(p, "unanimous").changed == 0  # nothing left to accept


def test_auto_majority_decides_more_and_the_adjudicator_the_rest(demo_copy: Path | str) -> None:
    with Project.open(demo_copy, create=False) as p:
        p.add_coder("nour", "adjudicator")
        unanimous = auto_accept(p, "unanimous")
        majority = auto_accept(p, "majority", adjudicator="nour")
        assert sum(majority.accepted.values()) > 0 and sum(majority.rejected.values()) > 0
        assert sum(majority.disagreements.values()) < sum(unanimous.disagreements.values())
        decided = [g for g in p.gold_annotations(include_rejected=True) if g.provenance.adjudicator == "nour"]
        assert {g.provenance.decision for g in decided} == {"majority", "rejected"}
        doc = next(d for d in build_candidates(p).all_documents() if d.disagreements())
        # What a majority run leaves: real disagreements, and links waiting for their spans.
        assert all(i.status == "disagreement" for i in doc.disagreements() if not isinstance(i, LinkItem))
        assert all(not i.ready for i in doc.disagreements() if isinstance(i, LinkItem) and i.status != "disagreement")
        session = Adjudication(p, "nour")
        session.open(doc.document_id)
        assert session.disagreements() == [i for i in doc.disagreements()]


def test_gold_command_prints_accepted_and_remaining_per_layer(demo_copy: Path | str) -> None:
    runner = CliRunner()
    status = runner.invoke(cli, ["gold", "--project", str(demo_copy)])
    assert status.exit_code == 0, status.output
    assert "gold: 0 documents done, 0 in progress" in status.output
    result = runner.invoke(cli, ["gold", "--project", str(demo_copy), "--auto", "unanimous",
                                 "--adjudicator", "nour"])
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    header = next(i for i, line in enumerate(lines) if line.startswith("layer"))
    assert "accepted" in lines[header] and "disagreements left" in lines[header]
    rows = {line.split()[0]: line.split()[1:] for line in lines[header + 1:] if line and line.split()[0] in
            ("actor", "claim", "casualty", "source", "links", "document", "total")}
    assert set(rows) == {"actor", "claim", "casualty", "source", "links", "document", "total"}
    assert int(rows["actor"][0]) > 0 and int(rows["actor"][2]) > 0
    with Project.open(demo_copy, create=False) as p:
        assert p.coder_role("nour") == "adjudicator"
        assert {g.provenance.adjudicator for g in p.gold_annotations()} == {"nour"}
    refused = runner.invoke(cli, ["gold", "--project", str(demo_copy), "--auto", "majority",
                                  "--adjudicator", "demo-amal"])
    assert refused.exit_code == 1 and "is a coder, not an adjudicator" in refused.output
    assert "Traceback" not in refused.output
    bad = runner.invoke(cli, ["gold", "--project", str(demo_copy), "--documents", "nope"])
    assert bad.exit_code == 1 and "no document 'nope'" in bad.output


def test_agreement_report_shows_each_coder_against_gold(demo_copy: Path | str, tmp_path: Path) -> None:
    runner = CliRunner()
    runner.invoke(cli, ["gold", "--project", str(demo_copy), "--auto", "majority", "--adjudicator", "nour"])
    text = runner.invoke(cli, ["agreement", "--project", str(demo_copy), "--boot", "20"])
    assert "AGREEMENT WITH GOLD" not in text.output  # no gold marked done yet
    with Project.open(demo_copy, create=False) as p:
        session = Adjudication(p, "nour")
        session.open("sample-01")
        session.mark_done(force=True)
    text = runner.invoke(cli, ["agreement", "--project", str(demo_copy), "--boot", "20"])
    assert text.exit_code == 0, text.output
    section = text.output[text.output.index("AGREEMENT WITH GOLD"):]
    assert "1 gold documents" in section and "demo-bilal" in section and "actor.role" in section
    html = tmp_path / "report.html"
    result = runner.invoke(cli, ["agreement", "--project", str(demo_copy), "--boot", "20", "--format", "html",
                                 "-o", str(html)])
    assert result.exit_code == 0, result.output
    page = html.read_text(encoding="utf-8")
    assert '<section id="gold"><h2>Agreement with gold</h2>' in page and "Overlap F1" in page
