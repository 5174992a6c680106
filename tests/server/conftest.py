"""Server projects for the tests of tests/server: a new database per test on the session's server."""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest

from annotator.model import Document
from annotator.store import Project
from annotator.store.pg_rights import add_login, set_up_rights
from tests.conftest import ARTICLE


@pytest.fixture
def server(postgres_server: object) -> object:
    return postgres_server


@pytest.fixture
def new_database(server: object) -> Iterator[Callable[..., str]]:
    """new_database(empty=False) -> the URL of a new database (an empty project, or nothing at all)."""
    made: list[str] = []

    def make(*, empty: bool = False) -> str:
        made.append(server.new_database(empty=empty))
        return made[-1]

    yield make
    for url in made:
        server.drop(url)


def as_login(url: str, login: str) -> str:
    """The same database, logged in as ``login``."""
    return url.replace("user=postgres", f"user={login}")


@pytest.fixture
def team_url(new_database: Callable[..., str]) -> str:
    """A server project with rights set up: coders mona and omar (both assigned doc-1, mona doc-2),
    adjudicator lina; each has a login of their name; nothing coded yet."""
    url = new_database()
    with Project.open(url) as p:
        set_up_rights(p)
        p.add_documents([Document(id="doc-1", title="غارة", text=ARTICLE),
                         Document(id="doc-2", title="بيان", text="أعلنت قوات سوريا الديمقراطية (قسد) استئناف عملياتها.")])
        for name, role in (("mona", "coder"), ("omar", "coder"), ("lina", "adjudicator")):
            p.add_coder(name, role)
            add_login(p, name, role, name)
        p.assign(["doc-1", "doc-2"], "mona")
        p.assign(["doc-1"], "omar")
    return url
