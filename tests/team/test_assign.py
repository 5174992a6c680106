"""Assignment with overlap: balanced loads, the reliability sample, seeds, outlets, started work."""

from __future__ import annotations

import itertools
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.model import Document
from annotator.store import ConflictError, InvalidValueError, NotFoundError, Project
from annotator.team.assign import plan_assignment
from annotator.team.pack import pack

CODERS = ["a", "b", "c", "d"]


@pytest.fixture
def corpus(new_location: Callable[..., Path | str]) -> Project:
    """60 documents from three outlets of 30, 20 and 10 documents, and four coders."""
    p = Project.open(new_location("p"), create=True)
    outlets = ["big"] * 30 + ["middle"] * 20 + ["small"] * 10
    p.add_documents([Document(id=f"n{i:02d}", title="t", text=f"نص الخبر رقم {i}", outlet=o)
                     for i, o in enumerate(outlets)])
    for name in CODERS:
        p.add_coder(name)
    yield p
    p.close()


def assigned(p: Project) -> dict[str, set[str]]:
    out: dict[str, set[str]] = {}
    for row in p.assignment_rows():
        out.setdefault(row.document_id, set()).add(row.coder)
    return out


@pytest.mark.parametrize("n_coders, overlap, per_doc", [
    (2, 0.0, 2), (3, 0.2, 2), (4, 0.2, 2), (4, 0.5, 3), (3, 1.0, 3), (4, 0.33, 2), (4, 0.1, 4)])
def test_loads_are_balanced_and_the_sample_has_its_size(corpus: Project, n_coders: int, overlap: float,
                                                        per_doc: int) -> None:
    coders = CODERS[:n_coders]
    plan = plan_assignment(corpus, coders, overlap=overlap, per_doc=per_doc, seed=11)
    plan.apply(corpus)
    loads = Counter(c for cs in assigned(corpus).values() for c in cs)
    assert max(loads.values()) - min(loads.values()) <= 1, loads
    assert sum(loads.values()) == 60 + len(plan.sample) * (per_doc - 1)
    assert len(plan.sample) == round(overlap * 60)
    by_doc = assigned(corpus)
    assert all(len(by_doc[d]) == per_doc for d in plan.sample)
    assert all(len(cs) == 1 for d, cs in by_doc.items() if d not in plan.sample)
    assert plan.loads() == {c: loads[c] for c in coders}


def test_pairs_of_coders_share_about_as_many_documents(corpus: Project) -> None:
    plan = plan_assignment(corpus, CODERS, overlap=0.5, per_doc=2, seed=5)
    pairs = Counter(tuple(sorted(cs)) for cs in plan.coders_of.values() if len(cs) == 2)
    assert len(pairs) == 6  # every pair of the four coders shares documents
    assert max(pairs.values()) - min(pairs.values()) <= 1, pairs


def test_the_same_seed_gives_the_same_plan_and_another_seed_another_sample(corpus: Project) -> None:
    first = plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=42)
    again = plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=42)
    other = plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=43)
    assert first.coders_of == again.coders_of and first.sample == again.sample
    assert first.sample != other.sample
    drawn = plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2)
    assert plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=drawn.seed).coders_of == drawn.coders_of


def test_the_sample_is_drawn_at_random(corpus: Project) -> None:
    """Over many seeds every document is drawn sometimes, and none far more often than its share."""
    drawn = Counter(d for seed in range(200) for d in plan_assignment(corpus, CODERS, overlap=0.2, seed=seed).sample)
    assert set(drawn) == set(corpus.document_ids())
    assert max(drawn.values()) < 0.2 * 200 * 2


def test_stratified_by_outlet_each_outlet_gives_its_share(corpus: Project) -> None:
    outlets = dict(corpus.db.execute("SELECT id, outlet FROM documents").fetchall())
    for seed in range(20):
        plan = plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=seed, by_outlet=True)
        assert Counter(outlets[d] for d in plan.sample) == {"big": 6, "middle": 4, "small": 2}
    # Without strata a small outlet is sometimes missed or over-drawn by chance.
    counts = {Counter(outlets[d] for d in plan_assignment(corpus, CODERS, overlap=0.2, seed=s).sample)["small"]
              for s in range(50)}
    assert counts != {2}


def test_planning_again_changes_nothing(corpus: Project) -> None:
    plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=1).apply(corpus)
    again = plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=1)
    assert again.added == () and again.removed == ()


def test_started_work_is_never_taken_away(corpus: Project, tmp_path: Path) -> None:
    plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=1).apply(corpus)
    by_coder: dict[str, list[str]] = {}
    for row in corpus.assignment_rows():
        by_coder.setdefault(row.coder, []).append(row.document_id)
    # a edits one, b spends time on one, c is done with one; d's documents went out in a copy.
    started = {("a", by_coder["a"][0]), ("b", by_coder["b"][0]), ("c", by_coder["c"][0])}
    started |= {("d", doc) for doc in by_coder["d"]}
    corpus.set_label("a", by_coder["a"][0], "relevant", True)
    corpus.add_time("b", by_coder["b"][0], 12)
    corpus.set_status("c", by_coder["c"][0], "done")
    pack(corpus, "d", tmp_path)
    assert {(r.coder, r.document_id) for r in corpus.assignment_rows() if r.started} == started

    for seed, overlap, per_doc in itertools.product((2, 3), (0.0, 0.3), (2, 3)):
        plan = plan_assignment(corpus, CODERS, overlap=overlap, per_doc=per_doc, seed=seed)
        assert not started & set((c, d) for d, c in plan.removed)
        assert all(c in plan.coders_of[d] for c, d in started)
    plan = plan_assignment(corpus, ["a", "b"], overlap=0.0, seed=9)  # c and d are not named: left alone
    plan.apply(corpus)
    pairs = {(r.coder, r.document_id) for r in corpus.assignment_rows()}
    assert started <= pairs
    loads = plan.loads()
    assert max(loads.values()) - min(loads.values()) <= 1


def test_a_plan_is_one_logged_change_and_refused_if_work_started_meanwhile(corpus: Project) -> None:
    plan_assignment(corpus, CODERS, overlap=0.2, per_doc=2, seed=1).apply(corpus)
    log = len(corpus.changes())
    plan = plan_assignment(corpus, CODERS, overlap=0.2, per_doc=3, seed=2)
    assert plan.removed
    plan.apply(corpus)
    [change] = corpus.changes()[log:]
    assert change.action == "assign_plan" and change.payload["seed"] == 2
    assert len(change.payload["added"]) == len(plan.added) and len(change.payload["removed"]) == len(plan.removed)

    late = plan_assignment(corpus, CODERS, overlap=0.0, seed=3)
    document, coder = late.removed[0]
    corpus.set_label(coder, document, "relevant", True)  # the coder starts it before the plan is written
    before = corpus.assignment_rows()
    with pytest.raises(ConflictError, match=f"{coder} started {document}"):
        late.apply(corpus)
    assert corpus.assignment_rows() == before


def test_only_the_documents_named(corpus: Project) -> None:
    ids = corpus.document_ids()[:10]
    plan = plan_assignment(corpus, ["a", "b"], overlap=0.2, seed=1, document_ids=ids)
    plan.apply(corpus)
    assert set(assigned(corpus)) == set(ids)


@pytest.mark.parametrize("kwargs, message", [
    ({"coders": [], "overlap": 0.2}, "name the coders"),
    ({"coders": ["a", "b"], "overlap": 1.5}, "between 0 and 1"),
    ({"coders": ["a", "b"], "overlap": 0.2, "per_doc": 3}, "2 or more of the 2 coders"),
    ({"coders": ["a", "b"], "overlap": 0.2, "document_ids": ["n00", "zz"]}, "no such documents: zz"),
])
def test_bad_requests_are_sentences(corpus: Project, kwargs: dict, message: str) -> None:
    with pytest.raises(InvalidValueError, match=message):
        plan_assignment(corpus, **kwargs)
    with pytest.raises(NotFoundError, match="no coder 'x'"):
        plan_assignment(corpus, ["a", "x"], overlap=0.2)
