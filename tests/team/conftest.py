"""A lead's project with three coders, and helpers to pack copies, code in them and merge them.

Documents d1..d4 (d4 from another outlet). mona codes d1, d2, d3; omar d1, d4; lina d2, d4. Before
any copy goes out, mona has coded d1: the army as perpetrator of a casualty count, with a link,
and the relevant field; omar has an actor in d1.

The lead's project is on the engine under test (``annotator pack`` works from a server project
and ``annotator merge`` merges back into one); coders' copies are SQLite files on both, by design.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from annotator.model import Document
from annotator.store import Project
from annotator.team.dump import canonical_dump
from annotator.team.merge import MergeReport, merge
from annotator.team.pack import pack

TEXT = "قالت وزارة الصحة إن غارة جوية قتلت خمسة مدنيين في بلدة الحوامة، واتهمت الجيش بتنفيذها."
ARMY = {"name": "الجيش", "actor_type": "state_forces", "role": "perpetrator"}
CASUALTY = {"outcome": "killed", "victim_group": "civilians", "quantifier": "exact", "best": 5}


def span(quote: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def lead(new_location: Callable[..., Path | str]) -> Path | str:
    """The lead's project, on the engine under test (coders' copies are files on both)."""
    return build_lead(new_location("lead"))


def build_lead(location: Path | str) -> Path | str:
    """The lead's project described at the top, made at ``location``."""
    with Project.open(location, create=True) as p:
        p.add_documents([Document(id=f"d{i}", title=f"خبر {i}", text=f"{TEXT} ({i})",
                                  outlet="outlet-b" if i == 4 else "outlet-a") for i in range(1, 5)])
        for name in ("mona", "omar", "lina"):
            p.add_coder(name)
        p.assign(["d1", "d2", "d3"], "mona")
        p.assign(["d1", "d4"], "omar")
        p.assign(["d2", "d4"], "lina")
        army = p.create_annotation("mona", "d1", "actor", *span("الجيش"), ARMY)
        dead = p.create_annotation("mona", "d1", "casualty", *span("خمسة مدنيين"), CASUALTY)
        p.create_link("mona", dead.id, army.id, "perpetrator")
        p.set_label("mona", "d1", "relevant", True)
        p.create_annotation("omar", "d1", "actor", *span("الجيش"), {**ARMY, "role": "other_party"})
    return location


@dataclass
class Team:
    """The lead's project and the folder the coders' copies are written to."""

    lead: Path | str
    folder: Path
    new_location: Callable[..., Path | str]

    def copy(self, coder: str, name: str) -> Path:
        """Pack ``coder``'s copy into the file ``name`` of the folder."""
        with Project.open(self.lead) as p:
            return pack(p, coder, self.folder / name).path

    def merge(self, *copies: Path, into: Path | str | None = None, **kwargs: object) -> MergeReport:
        """Merge copies into the lead's project (or ``into``, a copy of it)."""
        with Project.open(into or self.lead) as p:
            return merge(p, list(copies), **kwargs)

    def lead_copy(self, name: str) -> Path | str:
        """A copy of the lead's project, to merge into without touching the original."""
        return self.new_location(name, copy_of=self.lead)


@pytest.fixture
def team(lead: Path | str, tmp_path: Path, new_location: Callable[..., Path | str]) -> Team:
    return Team(lead, tmp_path, new_location)


def ids_of(location: Path | str, coder: str, document_id: str) -> dict[str, str]:
    """quote -> annotation id of a coder's spans in a document."""
    with Project.open(location) as p:
        return {a.quote: a.id for a in p.annotations(document_id, coder)}


def code(location: Path | str, work: Callable[[Project], object]) -> None:
    """Work in a copy (or the project) the way a coder's window does: through the store."""
    with Project.open(location) as p:
        work(p)


def dump(location: Path | str) -> str:
    """The canonical dump of a project (annotator.team.dump), on either engine."""
    with Project.open(location, backup=False) as p:
        return canonical_dump(p.db)
