"""Live team behaviour on a server: a window learns of commits made elsewhere, and a lost
connection keeps edits pending, retried and never dropped, as a locked project file does."""

from __future__ import annotations

import pytest

from annotator.session import CodingSession
from annotator.store import Project, ProjectError
from annotator.store.postgres import PostgresEngine
from tests.conftest import ARTICLE, span_of


def kill_connection(server: object, project: Project) -> None:
    """The server drops the project's connection, as a network cut or a server restart would."""
    pid = project.db._conn.info.backend_pid
    with server.admin() as admin:
        assert admin.execute("SELECT pg_terminate_backend(%s)", [pid]).fetchone()[0]


def test_data_version_changes_with_other_connections_commits_only(team_url: str) -> None:
    with Project.open(team_url) as window, Project.open(team_url) as lead:
        seen = window.data_version()
        window.set_status("mona", "doc-2", "in_progress")  # its own commit: nothing to refresh
        assert window.data_version() == seen
        lead.assign(["doc-2"], "omar")  # an assignment made elsewhere
        assert window.data_version() != seen
        seen = window.data_version()
        assert window.data_version() == seen
        lead.set_status("omar", "doc-1", "skipped")  # a status changed elsewhere
        assert window.data_version() != seen


def test_an_edit_made_while_the_connection_is_down_stays_pending_then_is_saved(server: object,
                                                                               team_url: str) -> None:
    project = Project.open(team_url)
    session = CodingSession(project, "mona")
    session.open("doc-1")
    kill_connection(server, project)
    ann = session.create("actor", *span_of(ARTICLE, "قسد"))
    assert not session.saved and "no connection to the server" in session.last_error
    assert [a.id for a in session.annotations] == [ann.id]  # on screen, marked not saved
    assert session.flush() and session.saved  # the next try connects again
    assert [a.id for a in project.annotations("doc-1", "mona")] == [ann.id]
    project.close()


def test_a_connection_lost_in_the_middle_of_an_edit_leaves_it_pending_then_saved_once(
        server: object, team_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project.open(team_url)
    session = CodingSession(project, "mona")
    session.open("doc-1")
    execute = PostgresEngine.execute

    def cut_before_insert(engine: PostgresEngine, sql: str, args: object = ()) -> object:
        if sql.startswith("INSERT INTO annotations"):
            monkeypatch.setattr(PostgresEngine, "execute", execute)  # once
            kill_connection(server, project)
        return execute(engine, sql, args)

    monkeypatch.setattr(PostgresEngine, "execute", cut_before_insert)
    ann = session.create("actor", *span_of(ARTICLE, "قسد"))
    assert not session.saved and project.annotations("doc-1", "mona") == []  # rolled back by the server
    assert session.flush() and session.saved
    assert [a.id for a in project.annotations("doc-1", "mona")] == [ann.id]
    assert [c.action for c in project.changes(document_id="doc-1")].count("create_annotation") == 1
    project.close()


def test_a_commit_whose_answer_was_lost_counts_as_saved_and_is_not_written_twice(
        server: object, team_url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    project = Project.open(team_url)
    session = CodingSession(project, "mona")
    session.open("doc-1")
    commit = PostgresEngine.commit

    def commit_then_cut(engine: PostgresEngine) -> None:
        monkeypatch.setattr(PostgresEngine, "commit", commit)  # once
        commit(engine)  # the server commits...
        kill_connection(server, project)  # ...and the answer never arrives
        engine.execute("SELECT 1")  # raises DatabaseWriteError: the connection is gone

    monkeypatch.setattr(PostgresEngine, "commit", commit_then_cut)
    ann = session.create("actor", *span_of(ARTICLE, "قسد"))
    assert session.saved and session.refused == []
    assert [a.id for a in project.annotations("doc-1", "mona")] == [ann.id]
    assert [c.action for c in project.changes(document_id="doc-1")].count("create_annotation") == 1
    project.close()


def test_a_server_that_cannot_be_reached_is_a_plain_message(new_database) -> None:
    url = new_database().replace("port=5432", "port=1")
    with pytest.raises(ProjectError, match="no connection to the server .*; check the network or the server"):
        Project.open(url)
