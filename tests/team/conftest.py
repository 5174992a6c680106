"""A lead's project with three coders, and helpers to pack copies, code in them and merge them.

Documents d1..d4 (d4 from another outlet). mona codes d1, d2, d3; omar d1, d4; lina d2, d4. Before
any copy goes out, mona has coded d1: the army as perpetrator of a casualty count, with a link,
and the relevant field; omar has an actor in d1.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.model import Document
from annotator.store import Project
from annotator.team.dump import dump_file
from annotator.team.merge import MergeReport, merge
from annotator.team.pack import pack

TEXT = "قالت وزارة الصحة إن غارة جوية قتلت خمسة مدنيين في بلدة الحوامة، واتهمت الجيش بتنفيذها."
ARMY = {"name": "الجيش", "actor_type": "state_forces", "role": "perpetrator"}
CASUALTY = {"outcome": "killed", "victim_group": "civilians", "quantifier": "exact", "best": 5}


def span(quote: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


@pytest.fixture
def lead(tmp_path: Path) -> Path:
    path = tmp_path / "lead.annotator.db"
    with Project.open(path, create=True) as p:
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
    return path


def ids_of(path: Path, coder: str, document_id: str) -> dict[str, str]:
    """quote -> annotation id of a coder's spans in a document."""
    with Project.open(path) as p:
        return {a.quote: a.id for a in p.annotations(document_id, coder)}


def make_copy(lead_path: Path, coder: str, name: str) -> Path:
    with Project.open(lead_path) as p:
        return pack(p, coder, lead_path.parent / name).path


def code(path: Path, work: Callable[[Project], object]) -> None:
    """Work in a copy (or the project) the way a coder's window does: through the store."""
    with Project.open(path) as p:
        work(p)


def merge_files(lead_path: Path, *copies: Path, **kwargs: object) -> MergeReport:
    with Project.open(lead_path) as p:
        return merge(p, list(copies), **kwargs)


def lead_copy(lead_path: Path, name: str) -> Path:
    """A copy of the lead's file, to merge into without touching the original."""
    target = lead_path.parent / name
    shutil.copyfile(lead_path, target)
    return target


def dump(path: Path) -> str:
    return dump_file(path)
