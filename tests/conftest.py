"""Shared fixtures. GUI tests live in tests/ui and set up Qt there; everything else needs no Qt."""

from __future__ import annotations

import os
import shutil
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest

# Before anything imports Qt: no display in CI, and never the user's real settings or data folder.
os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from annotator.model import Document  # noqa: E402
from annotator.store import Project  # noqa: E402

# Emoji (astral), tashkeel and tatweel before the spans, so code-point offsets are really tested.
ARTICLE = ("قالت مصادر 🔴 إنّ قَصْفاً جـوياً استهدف بلدة الحوامة،\n"
           "وأسفر عن مقتل ١٢ مدنياً بينهم أطفال، فيما نفت قسد مسؤوليتها.\n")


@pytest.fixture(autouse=True)
def _isolated_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    monkeypatch.setenv("XDG_DATA_HOME", str(home / "data"))
    monkeypatch.setenv("XDG_CONFIG_HOME", str(home / "config"))


@pytest.fixture(scope="session")
def postgres_server() -> Iterator[object]:
    """A PostgreSQL server for the session (tests/postgres.py); skips, saying why, without one."""
    from tests.postgres import running_server, unavailable

    if (why := unavailable()) is not None:
        pytest.skip(why)
    yield from running_server(ahead=2)


ENGINES = ("sqlite", "postgresql")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """The store-touching tests run on both engines, except those marked ``sqlite_only`` (they pin
    down the project file itself: its pragmas, locks, backups, damage) and the GUI tests (the
    window sits above the store; tests/server has the window on a server project)."""
    chosen, dropped = [], []
    for item in items:
        on_server = getattr(item, "callspec", None) is not None and \
            item.callspec.params.get("store_engine") == "postgresql"
        skip = on_server and (item.get_closest_marker("sqlite_only") or item.nodeid.startswith("tests/ui/"))
        (dropped if skip else chosen).append(item)
    if dropped:
        config.hook.pytest_deselected(items=dropped)
        items[:] = chosen


@pytest.fixture(params=ENGINES)
def store_engine(request: pytest.FixtureRequest) -> str:
    """The engine under the store: the tests that take it run on both (a conftest.py further
    down may pin one, as tests/ui does)."""
    if request.param == "postgresql":
        request.getfixturevalue("postgres_server")
    return request.param


@pytest.fixture
def new_location(store_engine: str, tmp_path: Path, request: pytest.FixtureRequest) -> Callable[..., Path | str]:
    """new_location(name, copy_of=None) -> where a new project goes on the engine under test: a file
    in the test's folder, or a new database (holding an empty project) dropped after the test.
    ``copy_of``: a project on the same engine, open nowhere, that the new one is a copy of."""
    def make(name: str = "test", copy_of: Path | str | None = None) -> Path | str:
        if store_engine == "sqlite":
            target = tmp_path / f"{name}.annotator.db"
            if copy_of is not None:
                shutil.copyfile(copy_of, target)
            return target
        server = request.getfixturevalue("postgres_server")
        url = server.new_database(copy_of=copy_of)
        request.addfinalizer(lambda: server.drop(url))
        return url

    return make


@pytest.fixture(scope="session")
def _shared_projects() -> dict[tuple[str, str], Path | str]:
    return {}


@pytest.fixture
def shared_location(store_engine: str, _shared_projects: dict, tmp_path_factory: pytest.TempPathFactory,
                    request: pytest.FixtureRequest) -> Callable[[str, Callable[[Path | str], object]], Path | str]:
    """shared_location(name, build) -> a project that ``build(location)`` makes once per test session
    and engine (an expensive one, such as the demo project). Its tests only read it, or change a
    copy (``new_location(copy_of=...)``). On a server it is a database kept until the server stops."""
    def get(name: str, build: Callable[[Path | str], object]) -> Path | str:
        key = (store_engine, name)
        if key not in _shared_projects:
            if store_engine == "sqlite":
                location: Path | str = tmp_path_factory.mktemp(name) / f"{name}.annotator.db"
            else:
                location = request.getfixturevalue("postgres_server").new_database()
            build(location)
            _shared_projects[key] = location
        return _shared_projects[key]

    return get


@pytest.fixture
def project(new_location: Callable[[str], Path | str]) -> Project:
    p = Project.open(new_location("test"), create=True)
    p.add_documents([Document(id="doc-1", title="غارة على الحوامة", text=ARTICLE),
                     Document(id="doc-2", title="بيان", text="أعلنت قوات سوريا الديمقراطية (قسد) استئناف عملياتها.")])
    p.add_coder("mona")
    p.add_coder("omar")
    p.assign(["doc-1", "doc-2"], "mona")
    p.assign(["doc-1"], "omar")
    yield p
    p.close()


def span_of(text: str, quote: str) -> tuple[int, int]:
    """Code-point offsets of the first occurrence of ``quote``."""
    start = text.index(quote)
    return start, start + len(quote)
