"""A small project where three coders agree and disagree in every way the candidate rules know.

Document ``g-1``, coders a, b, c (all done), by quote:

* source «وزارة الصحة»: the same for all three (unanimous);
* casualty «خمسة مدنيين»: a and b the same (a stores the unchecked women box as false, b leaves it
  out: the same version), c another victim group (majority, attribute);
* actor «الجيش»: a and b, not c (majority, presence);
* actor «غارة جوية»: only c (majority of two marking nothing: rejected by majority);
* actor «بلدة الحوامة» (a) against «الحوامة» (b and c): majority, edges;
* links: casualty -> source reported_by, all three (unanimous); casualty -> actor perpetrator,
  a and b (c has no «الجيش»: majority);
* fields: relevant (all true, unanimous), event_date (c differs: majority), location (a only:
  the majority left it empty).

Document ``g-2`` is finished by a alone (not a candidate).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from annotator.model import Document
from annotator.store import Project

TEXT = "قالت وزارة الصحة إن غارة جوية قتلت خمسة مدنيين في بلدة الحوامة، واتهمت الجيش بتنفيذها."
CODERS = ("a", "b", "c")
SOURCE = {"source_type": "official"}
CASUALTY = {"outcome": "killed", "victim_group": "civilians", "quantifier": "exact", "best": 5}
ARMY = {"name": "الجيش", "actor_type": "state_forces", "role": "perpetrator"}
PLACE = {"name": "الحوامة", "actor_type": "civilians", "role": "target"}
STRIKE = {"name": "غارة", "actor_type": "unidentified", "role": "perpetrator"}


def span(quote: str, text: str = TEXT) -> tuple[int, int]:
    start = text.index(quote)
    return start, start + len(quote)


def code(project: Project, coder: str, document_id: str, spans: list[tuple[str, str, dict[str, Any]]],
         links: list[tuple[str, str, str]] = (), labels: dict[str, Any] | None = None) -> dict[str, str]:
    """One coder's coding of a document (spans by quote), marked done; returns quote -> annotation id."""
    ids = {}
    text = project.document(document_id).text
    for layer, quote, attrs in spans:
        start, end = span(quote, text)
        ids[quote] = project.create_annotation(coder, document_id, layer, start, end, attrs).id
    for source, target, kind in links:
        project.create_link(coder, ids[source], ids[target], kind)
    for field, value in (labels or {}).items():
        project.set_label(coder, document_id, field, value)
    project.mark_done(coder, document_id, force=True)
    return ids


@pytest.fixture
def gold_project(new_location: Callable[[str], Path | str]) -> Project:
    p = Project.open(new_location("gold"), create=True)
    p.add_documents([Document(id="g-1", title="غارة", text=TEXT),
                     Document(id="g-2", title="بيان", text="أعلنت قوات سوريا الديمقراطية استئناف عملياتها.")])
    for coder in CODERS:
        p.add_coder(coder)
        p.assign(["g-1"], coder)
    p.add_coder("lead", "adjudicator")
    p.assign(["g-2"], "a")
    code(p, "a", "g-1",
         [("source", "وزارة الصحة", SOURCE), ("casualty", "خمسة مدنيين", {**CASUALTY, "women": False}),
          ("actor", "الجيش", ARMY), ("actor", "بلدة الحوامة", PLACE)],
         [("خمسة مدنيين", "وزارة الصحة", "reported_by"), ("خمسة مدنيين", "الجيش", "perpetrator")],
         {"relevant": True, "event_date": "2024-03-16", "location": "الحوامة"})
    code(p, "b", "g-1",
         [("source", "وزارة الصحة", SOURCE), ("casualty", "خمسة مدنيين", CASUALTY),
          ("actor", "الجيش", ARMY), ("actor", "الحوامة", PLACE)],
         [("خمسة مدنيين", "وزارة الصحة", "reported_by"), ("خمسة مدنيين", "الجيش", "perpetrator")],
         {"relevant": True, "event_date": "2024-03-16"})
    code(p, "c", "g-1",
         [("source", "وزارة الصحة", SOURCE), ("casualty", "خمسة مدنيين", {**CASUALTY, "victim_group": "unknown"}),
          ("actor", "غارة جوية", STRIKE), ("actor", "الحوامة", PLACE)],
         [("خمسة مدنيين", "وزارة الصحة", "reported_by")],
         {"relevant": True, "event_date": "2024-03-17"})
    code(p, "a", "g-2", [("actor", "قوات سوريا الديمقراطية", {**ARMY, "name": "قسد"})])
    yield p
    p.close()
