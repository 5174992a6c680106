"""A coder's copy: their documents, the codebook, their own work; nothing of others, no gold."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from annotator.model import GoldAnnotation, Provenance
from annotator.store import GoldEdit, NotFoundError, Project
from annotator.team.pack import PackError, pack, safe_file_name

from .conftest import ARMY, Team, span


def table(path: Path, sql: str) -> list[tuple]:
    with sqlite3.connect(path) as conn:
        return conn.execute(sql).fetchall()


def test_a_copy_holds_the_coders_documents_codebook_and_own_work_only(team: Team, lead: Path | str) -> None:
    with Project.open(lead) as p:
        p.add_coder("lead", role="adjudicator")
        start, end = span("الجيش")
        p.write_gold("lead", GoldEdit("d1", annotations=(GoldAnnotation(
            "g1", "d1", "actor", start, end, "الجيش", ARMY, Provenance("new", (), "lead", "2026-01-01T00:00:00.000+00:00")),)), action="gold_new")
        p.set_label("omar", "d1", "relevant", False)
        codebook = p.codebook.sha256
        mona = {a.id for a in p.annotations(coder="mona")}
    copy = team.copy("mona", "mona.db")

    assert table(copy, "SELECT name, role FROM coders") == [("mona", "coder")]
    assert {r[0] for r in table(copy, "SELECT id FROM documents")} == {"d1", "d2", "d3"}
    assert {r[0] for r in table(copy, "SELECT id FROM annotations")} == mona
    assert len(table(copy, "SELECT * FROM links")) == 1
    assert table(copy, "SELECT field, value FROM document_labels") == [("relevant", "true")]
    for gold in ("gold_annotations", "gold_links", "gold_labels", "gold_documents"):
        assert table(copy, f"SELECT count(*) FROM {gold}") == [(0,)]
    assert table(copy, "SELECT value FROM project WHERE key = 'codebook_sha256'") == [(codebook,)]
    # Nothing of another coder anywhere, not even in the log.
    assert not [r for r in table(copy, "SELECT payload FROM changes") if "omar" in r[0] or "lead" in r[0]]
    # The versions as packed: every row of mona (2 spans, 3 assignments, 1 field).
    kinds = sorted(r[0] for r in table(copy, "SELECT kind FROM pack_base"))
    assert kinds == ["annotation"] * 2 + ["assignment"] * 3 + ["label"]


def test_a_copy_is_one_file_a_coder_opens_and_codes_in(team: Team) -> None:
    copy = team.copy("mona", "mona.db")
    assert not Path(f"{copy}-wal").exists() and not list(team.folder.glob("*.partial"))
    assert table(copy, "PRAGMA journal_mode") == [("delete",)]
    with Project.open(copy) as p:
        assert [a.document_id for a in p.assignments("mona")] == ["d1", "d2", "d3"]
        p.create_annotation("mona", "d2", "actor", *span("الجيش"), ARMY)
        assert p.check() == []


def test_the_project_logs_the_copy_and_shows_it_out(team: Team, lead: Path | str) -> None:
    copy = team.copy("omar", "omar.db")
    with Project.open(lead) as p:
        [change] = [c for c in p.changes() if c.action == "pack"]
        assert change.coder == "omar" and change.payload["document_ids"] == ["d1", "d4"]
        assert change.payload["file"] == "omar.db"
        assert [(coder, file) for _id, coder, file, _at in p.packs_out()] == [("omar", "omar.db")]
        pack_id = table(copy, "SELECT value FROM project WHERE key = 'pack_id'")[0][0]
        assert change.payload["pack_id"] == pack_id
        source = table(copy, "SELECT value FROM project WHERE key = 'pack_source_project'")[0][0]
        assert source == p.project_id()


def test_an_existing_file_is_never_replaced(lead: Path | str, tmp_path: Path) -> None:
    target = tmp_path / "taken.db"
    target.write_bytes(b"someone's work")
    with Project.open(lead) as p, pytest.raises(PackError, match="taken.db: a file of that name exists"):
        pack(p, "mona", target)
    assert target.read_bytes() == b"someone's work"


@pytest.mark.parametrize("name", ["../../x", "/etc/passwd", "..", "a/b\\c", "منى"])
def test_a_coders_name_never_leaves_the_folder(lead: Path | str, tmp_path: Path, name: str) -> None:
    folder = tmp_path / "copies"
    folder.mkdir()
    with Project.open(lead) as p:
        p.add_coder(name)
        p.assign(["d2"], name)
        result = pack(p, name, folder)
    assert result.path.parent == folder and result.path.name == safe_file_name(name) + ".copy.annotator.db"
    assert [f.name for f in folder.iterdir()] == [result.path.name]
    assert safe_file_name("منى") == "منى"


def test_unknown_coders_and_coders_without_documents_are_refused(lead: Path | str, tmp_path: Path) -> None:
    with Project.open(lead) as p:
        with pytest.raises(NotFoundError, match="no coder 'nobody'"):
            pack(p, "nobody", tmp_path)
        p.add_coder("idle")
        with pytest.raises(PackError, match="idle has no documents assigned"):
            pack(p, "idle", tmp_path)
        with pytest.raises(PackError, match="no such folder"):
            pack(p, "mona", tmp_path / "missing" / "x.db")
    assert not list(tmp_path.glob("*.copy.annotator.db"))
