"""Opening a server project: the database must be an annotator project of this version or older,
in UTF-8; every other case is a sentence saying what to do, and the database is left untouched."""

from __future__ import annotations

import psycopg
import pytest

from annotator import __version__
from annotator.store import Project, ProjectError
from annotator.store.pg_schema import MIGRATIONS_TABLE, known_migrations
from tests.server.conftest import as_login


def test_an_empty_database_becomes_a_project_only_when_asked(new_database) -> None:
    url = new_database(empty=True)
    with pytest.raises(ProjectError, match="holds no annotator project yet; create one with `annotator server init"):
        Project.open(url)
    with Project.open(url, create=True) as p:
        assert p.setting("annotator_version") == __version__
        assert p.codebook.sha256 == p.setting("codebook_sha256")
    with psycopg.connect(url) as conn:
        applied = conn.execute(f"SELECT migration_set, name FROM {MIGRATIONS_TABLE} ORDER BY rowid").fetchall()
    assert applied == known_migrations()


def test_another_programs_database_is_left_untouched(new_database) -> None:
    url = new_database(empty=True)
    with psycopg.connect(url) as conn:
        conn.execute("CREATE TABLE invoices (id int)")
    with pytest.raises(ProjectError, match=r"holds tables \(invoices\) but no annotator project"):
        Project.open(url, create=True)
    with psycopg.connect(url) as conn:
        assert conn.execute("SELECT count(*) FROM pg_tables WHERE schemaname = 'public'").fetchone()[0] == 1


def test_a_project_of_a_newer_annotator_is_refused(new_database) -> None:
    url = new_database()
    with psycopg.connect(url) as conn:
        conn.execute(f"INSERT INTO {MIGRATIONS_TABLE} (migration_set, name, applied_at) "
                     "VALUES ('annotator', 'm999_future', 'now')")
    with pytest.raises(ProjectError, match="written by a newer version of annotator: its schema has m999_future"):
        Project.open(url)


def test_a_database_that_is_not_utf8_is_refused(server: object) -> None:
    name = "latin_project"
    url = server.url(name)
    with server.admin() as admin:
        admin.execute(f"CREATE DATABASE {name} ENCODING 'LATIN1' LC_COLLATE 'C' LC_CTYPE 'C' TEMPLATE template0")
    try:
        with pytest.raises(ProjectError, match="encoding is LATIN1, but a project needs UTF8"):
            Project.open(url, create=True)
    finally:
        server.drop(url)


def test_an_upgrade_only_the_owner_can_make_is_named(team_url: str) -> None:
    with psycopg.connect(team_url) as conn:  # as if this annotator had a migration the server lacks
        conn.execute(f"DELETE FROM {MIGRATIONS_TABLE} WHERE name = 'p001_notify'")
        conn.execute("DROP TRIGGER changes_notify ON changes")
        conn.execute("DROP FUNCTION annotator_notify()")
    with pytest.raises(ProjectError, match=r"needs this annotator's newer schema \(p001_notify\).*annotator server init"):
        Project.open(as_login(team_url, "mona"))
    Project.open(team_url).close()  # the owner's opening upgrades it
    Project.open(as_login(team_url, "mona")).close()
