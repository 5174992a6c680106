"""Shared fixtures. GUI tests live in tests/ui and set up Qt there; everything else needs no Qt."""

from __future__ import annotations

import os
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


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "test.annotator.db", create=True)
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
