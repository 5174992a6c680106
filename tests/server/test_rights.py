"""Rights in the database: PostgreSQL itself refuses a coder's write to another coder's rows and
hides other coders' annotations while coding is blind. The proof connects as coder mona with a
raw psycopg connection: no annotator code between her and the tables."""

from __future__ import annotations

import psycopg
import pytest
from click.testing import CliRunner
from psycopg import errors

from annotator.cli import cli
from annotator.store import NotFoundError, Project
from annotator.store.pg_rights import add_login, set_up_rights
from tests.conftest import ARTICLE, span_of
from tests.server.conftest import as_login


def _code(url: str, coder: str) -> str:
    """A span coded by ``coder`` through the store, logged in as that coder; returns its id."""
    with Project.open(as_login(url, coder)) as p:
        return p.create_annotation(coder, "doc-1", "actor", *span_of(ARTICLE, "قسد"), {"role": "perpetrator"}).id


def _ids(url: str) -> dict[str, int]:
    with psycopg.connect(url) as conn:
        return dict(conn.execute("SELECT name, id FROM coders").fetchall())


def test_a_coder_can_neither_read_nor_change_another_coders_annotations(team_url: str) -> None:
    omars = _code(team_url, "omar")
    monas = _code(team_url, "mona")
    omar_id, mona_id = _ids(team_url)["omar"], _ids(team_url)["mona"]
    with psycopg.connect(as_login(team_url, "mona"), autocommit=True) as mona:
        seen = [r[0] for r in mona.execute("SELECT id FROM annotations")]
        assert seen == [monas]  # omar's row is not there for her
        assert mona.execute("SELECT count(*) FROM annotations WHERE id = %s", [omars]).fetchone()[0] == 0
        assert mona.execute("SELECT count(*) FROM changes WHERE coder_id = %s", [omar_id]).fetchone()[0] == 0
        # Writing blind: the rows she cannot see are rows she cannot reach.
        assert mona.execute("UPDATE annotations SET attrs = '{}' WHERE id = %s", [omars]).rowcount == 0
        assert mona.execute("DELETE FROM annotations WHERE id = %s", [omars]).rowcount == 0
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            mona.execute('INSERT INTO annotations (id, document_id, coder_id, layer, start, "end", quote, '
                         "created_at, updated_at) VALUES ('forged', 'doc-1', %s, 'actor', 0, 4, 'قالت', 'now', 'now')",
                         [omar_id])
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            mona.execute("UPDATE annotations SET coder_id = %s WHERE id = %s", [omar_id, monas])
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            mona.execute("INSERT INTO changes (at, coder_id, action) VALUES ('now', %s, 'forged')", [omar_id])
        with pytest.raises(errors.InsufficientPrivilege):
            mona.execute("DELETE FROM changes")  # the log is append-only
        with pytest.raises(errors.InsufficientPrivilege):
            mona.execute("UPDATE documents SET title = 'x'")
        with pytest.raises(errors.InsufficientPrivilege):
            mona.execute("INSERT INTO gold_documents (document_id, done_at) VALUES ('doc-1', 'now')")
        with pytest.raises(errors.InsufficientPrivilege, match="row-level security"):
            mona.execute("UPDATE assignments SET coder_id = %s WHERE coder_id = %s", [omar_id, mona_id])
        # Her own work is hers to change.
        assert mona.execute("UPDATE annotations SET attrs = '{}' WHERE id = %s", [monas]).rowcount == 1
    with psycopg.connect(team_url) as owner:  # omar's span is untouched
        assert owner.execute("SELECT attrs FROM annotations WHERE id = %s", [omars]).fetchone()[0] == \
            '{"role": "perpetrator"}'


def test_open_coding_shows_others_work_read_only_and_adjudicators_see_everything(team_url: str) -> None:
    omars = _code(team_url, "omar")
    _code(team_url, "mona")
    with psycopg.connect(as_login(team_url, "lina"), autocommit=True) as lina:
        assert lina.execute("SELECT count(*) FROM annotations").fetchone()[0] == 2
        assert lina.execute("UPDATE annotations SET attrs = '{}' WHERE id = %s", [omars]).rowcount == 0
    with Project.open(team_url) as owner:
        owner.set_setting("blind_coding", "off")
    with psycopg.connect(as_login(team_url, "mona"), autocommit=True) as mona:
        assert mona.execute("SELECT count(*) FROM annotations").fetchone()[0] == 2
        assert mona.execute("UPDATE annotations SET attrs = '{}' WHERE id = %s", [omars]).rowcount == 0
        assert mona.execute("DELETE FROM annotations WHERE id = %s", [omars]).rowcount == 0


def test_the_store_as_a_coder_sees_and_writes_only_her_own_work(team_url: str) -> None:
    omars = _code(team_url, "omar")
    with Project.open(as_login(team_url, "mona")) as p:
        assert p.annotations("doc-1") == []
        with pytest.raises(NotFoundError):
            p.delete_annotation("omar", omars)
        mine = p.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"))
        p.set_label("mona", "doc-1", "relevant", True)
        p.mark_done("mona", "doc-1", force=True)
        assert [a.id for a in p.annotations("doc-1")] == [mine.id]
        assert p.assignment("mona", "doc-1").status == "done"
        assert p.gold_annotations() == []  # gold is not hers to see


def test_a_login_connects_only_to_the_projects_it_was_added_to(team_url: str, new_database) -> None:
    other = new_database()
    with Project.open(other) as p:
        set_up_rights(p)
    with pytest.raises(psycopg.OperationalError, match="permission denied"):
        psycopg.connect(as_login(other, "mona")).close()


def test_annotator_server_blind_lets_coders_see_each_others_work_only_when_off(team_url: str) -> None:
    omars = _code(team_url, "omar")
    omar_id = _ids(team_url)["omar"]

    def omars_work_seen_by_mona() -> tuple[list[str], int]:
        with psycopg.connect(as_login(team_url, "mona"), autocommit=True) as mona:
            spans = [r[0] for r in mona.execute("SELECT id FROM annotations WHERE coder_id = %s", [omar_id])]
            log = mona.execute("SELECT count(*) FROM changes WHERE coder_id = %s", [omar_id]).fetchone()[0]
            assert mona.execute("UPDATE annotations SET attrs = '{}' WHERE id = %s", [omars]).rowcount == 0
        return spans, log

    def blind(location: str, state: str, code: int = 0) -> str:
        result = CliRunner().invoke(cli, ["server", "blind", location, state])
        assert result.exit_code == code, result.output
        assert "Traceback" not in result.output
        return result.output

    assert omars_work_seen_by_mona() == ([], 0)  # blind by default
    for coder in ("mona", "lina"):  # neither a coder nor an adjudicator may switch it
        said = blind(as_login(team_url, coder), "off", code=1)
        assert "only a lead or the project's owner may switch blind coding" in said
    assert omars_work_seen_by_mona() == ([], 0)

    with Project.open(team_url) as p:
        p.add_coder("rami")
        add_login(p, "rami", "lead", "rami")
    assert "blind coding is now off" in blind(as_login(team_url, "rami"), "off")
    spans, log = omars_work_seen_by_mona()
    assert spans == [omars] and log > 0  # seen, read-only (the update above touched nothing)
    assert "blind coding is now on" in blind(team_url, "on")  # the owner
    assert omars_work_seen_by_mona() == ([], 0)
    assert "blind coding stays on" in blind(team_url, "on")
    with Project.open(team_url) as p:
        assert [c.payload for c in p.changes() if c.action == "set_setting"][-3:] == \
            [{"key": "blind_coding", "value": v} for v in ("off", "on", "on")]
