"""The server commands, and the team commands on a server project: a coder takes work offline
from the server (``annotator pack``) and ``annotator merge`` brings it back into the server."""

from __future__ import annotations

from pathlib import Path

import psycopg
import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.store import Project
from tests.conftest import ARTICLE, span_of
from tests.server.conftest import as_login


def run(*args: object, code: int = 0) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args])
    assert result.exit_code == code, result.output
    assert "Traceback" not in result.output
    return result.output


def test_init_and_add_coder_set_up_a_project_whose_rights_the_server_enforces(new_database) -> None:
    url = new_database(empty=True)
    assert "project ready: 0 documents" in run("server", "init", url)
    assert "project ready" in run("server", "init", url)  # again: nothing breaks
    assert "sara: coder" in run("server", "add-coder", url, "sara")
    assert "rami: lead" in run("server", "add-coder", url, "rami", "--role", "lead", "--login", "rami_lead")
    with Project.open(as_login(url, "rami_lead")) as lead:  # a lead imports and assigns
        from annotator.model import Document

        lead.add_documents([Document(id="doc-1", title="غارة", text=ARTICLE)])
        lead.assign(["doc-1"], "sara")
    with psycopg.connect(as_login(url, "sara"), autocommit=True) as sara:
        assert sara.execute("SELECT count(*) FROM documents").fetchone()[0] == 1
        with pytest.raises(psycopg.errors.InsufficientPrivilege):
            sara.execute("UPDATE documents SET title = 'x'")
    said = run("server", "add-coder", url, "x" * 70, code=1)
    assert "longer than PostgreSQL's 63 bytes" in said


def test_a_location_with_a_password_is_refused(new_database) -> None:
    said = run("server", "init", "postgresql://me:secret@localhost/study", code=2)
    assert "must not hold a password" in said and "~/.pgpass" in said
    assert "not a PostgreSQL location" in run("server", "init", "study.annotator.db", code=2)


def test_pack_from_the_server_and_merge_back_into_it(team_url: str, tmp_path: Path) -> None:
    with Project.open(team_url) as p:
        p.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"))
    said = run("pack", "--project", team_url, "--coder", "mona", "-o", tmp_path)
    copy = next(tmp_path.glob("mona*.annotator.db"))
    assert copy.name in said
    with Project.open(copy) as offline:
        ann = offline.create_annotation("mona", "doc-1", "casualty", *span_of(ARTICLE, "١٢ مدنياً"))
        offline.set_label("mona", "doc-1", "relevant", True)
        offline.mark_done("mona", "doc-1", force=True)
    run("merge", copy, "--project", team_url)
    with Project.open(team_url) as p:
        assert {a.quote for a in p.annotations("doc-1", "mona")} == {"١٢ مدنياً", "قسد"}
        assert ann.id in {a.id for a in p.annotations("doc-1", "mona")}
        assert p.labels("doc-1", "mona") == {"relevant": True}
        assert p.assignment("mona", "doc-1").status == "done"
        assert [c.action for c in p.changes() if c.action == "merge"] == ["merge"]
        before = p.changes()
    run("merge", copy, "--project", team_url)  # again: nothing new
    with Project.open(team_url) as p:
        assert p.changes() == before
    assert "mona" in run("status", "--project", team_url)
