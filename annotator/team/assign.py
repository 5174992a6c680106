"""Assignment with overlap: every coder gets a balanced load, a share of the documents goes to two
or three coders (the reliability sample), reproducible with a seed.

    plan = plan_assignment(project, ["mona", "omar", "lina"], overlap=0.2, per_doc=2, seed=7)
    plan.apply(project)

The rules (docs/reliability.md, "Assignment"):

* The sample is ``round(overlap * N)`` documents drawn at random with the seed; ``by_outlet``
  draws from each outlet in proportion to its size (largest remainders; documents without an
  outlet form one stratum). The draw depends only on the documents, the seed and these
  settings, so planning again with the same seed draws the same sample.
* A document in the sample goes to ``per_doc`` coders, any other to one. Documents are dealt in
  an order drawn with the seed, sample first, each to the coders with the fewest documents so far
  (then the fewest shared documents with the coders already chosen, then a seeded draw): with
  nothing started, loads differ by at most one and every pair of coders shares about as many
  documents.
* Work a coder has started (any status but to do, time spent, annotations or fields, or a copy
  packed for them) is never taken away: it counts in their load and the document keeps them.
  Assignments not started yet are kept where the plan allows (so planning twice changes nothing)
  and otherwise taken back. Coders not named are left alone.
"""

from __future__ import annotations

import math
import random
import secrets
from collections import Counter, defaultdict
from dataclasses import dataclass, field
from typing import Any

from annotator.store import InvalidValueError, Project

NO_OUTLET = "(no outlet)"


@dataclass(frozen=True)
class AssignmentPlan:
    """Who codes what; ``added``/``removed`` are the (document, coder) pairs that change."""

    coders: tuple[str, ...]
    overlap: float
    per_doc: int
    seed: int
    by_outlet: bool
    sample: tuple[str, ...]  # the reliability sample as drawn (documents for per_doc coders)
    coders_of: dict[str, tuple[str, ...]]  # every document of the plan -> its coders, in coder order
    added: tuple[tuple[str, str], ...]
    removed: tuple[tuple[str, str], ...]
    kept_started: int  # pairs kept because the coder started them
    notes: tuple[str, ...] = field(default=())

    def loads(self) -> dict[str, int]:
        counts = Counter(c for coders in self.coders_of.values() for c in coders)
        return {c: counts[c] for c in self.coders}

    def multi_coded(self) -> int:
        return sum(1 for coders in self.coders_of.values() if len(coders) >= 2)

    def settings(self) -> dict[str, Any]:
        return {"coders": list(self.coders), "overlap": self.overlap, "per_doc": self.per_doc,
                "seed": self.seed, "by_outlet": self.by_outlet}

    def apply(self, project: Project) -> None:
        """Write the plan: one transaction, one ``assign_plan`` change in the log."""
        if self.added or self.removed:
            project.apply_assignment(list(self.added), list(self.removed), self.settings())

    def summary(self) -> str:
        loads = self.loads()
        lines = [f"{len(self.coders_of)} documents, {self.multi_coded()} coded by two or more "
                 f"(sample of {len(self.sample)} drawn with seed {self.seed}"
                 + (", by outlet)" if self.by_outlet else ")")]
        lines += [f"  {c}: {loads[c]} documents" for c in self.coders]
        lines.append(f"{len(self.added)} assignments added, {len(self.removed)} not started taken back, "
                     f"{self.kept_started} started kept")
        return "\n".join(lines + list(self.notes))


def plan_assignment(project: Project, coders: list[str], *, overlap: float, per_doc: int = 2,
                    seed: int | None = None, by_outlet: bool = False,
                    document_ids: list[str] | None = None) -> AssignmentPlan:
    """Plan who codes which document (nothing is written until :meth:`AssignmentPlan.apply`).

    ``document_ids``: the documents to distribute (default: every document of the project).
    ``seed``: None draws one, which the plan reports so that the draw can be repeated.
    """
    coders = list(dict.fromkeys(c.strip() for c in coders if c.strip()))
    if not coders:
        raise InvalidValueError("name the coders to assign to")
    for name in coders:
        project.coder_role(name)  # NotFoundError for a name the project does not know
    if not 0 <= overlap <= 1:
        raise InvalidValueError(f"the overlap is a share of the documents, between 0 and 1, not {overlap}")
    if overlap > 0 and not 2 <= per_doc <= len(coders):
        raise InvalidValueError(f"documents in the reliability sample go to 2 or more of the {len(coders)} coders "
                                f"named (per document: {per_doc})")
    if seed is None:
        seed = secrets.randbelow(1_000_000)
    all_ids = project.document_ids()
    if document_ids is None:
        documents = all_ids
    else:
        known = set(all_ids)
        missing = [d for d in document_ids if d not in known]
        if missing:
            raise InvalidValueError(f"no such documents: {', '.join(missing[:5])}")
        documents = list(dict.fromkeys(document_ids))
    outlets = project.document_outlets()
    rng = random.Random(seed)
    sample = _draw_sample(documents, round(overlap * len(documents)), rng,
                          [outlets[d] or NO_OUTLET for d in documents] if by_outlet else None)

    in_scope, named = set(documents), set(coders)
    started: dict[str, list[str]] = defaultdict(list)
    waiting: dict[str, set[str]] = defaultdict(set)
    for row in project.assignment_rows():
        if row.document_id in in_scope and row.coder in named:
            (started[row.document_id].append(row.coder) if row.started else waiting[row.document_id].add(row.coder))
    sampled = set(sample)
    need = {d: per_doc if d in sampled else 1 for d in documents}
    load = Counter({c: 0 for c in coders})
    for chosen in started.values():
        load.update(chosen)
    pairs: Counter[tuple[str, str]] = Counter()
    rank = {c: i for i, c in enumerate(rng.sample(coders, len(coders)))}  # the seeded tie-break
    order = rng.sample(documents, len(documents))
    order.sort(key=lambda d: d not in sampled)  # stable: sample first, each part in the drawn order
    total = sum(max(need[d], len(started[d])) for d in documents)
    cap = math.ceil(total / len(coders))

    chosen_for: dict[str, list[str]] = {}
    for d in order:
        chosen = list(started[d])
        # Keep a waiting assignment while its coder has room: planning again changes nothing.
        for c in sorted(waiting[d], key=lambda c: (load[c], rank[c])):
            if len(chosen) < need[d] and load[c] < cap:
                chosen.append(c)
                load[c] += 1
        while len(chosen) < need[d]:
            c = min((c for c in coders if c not in chosen),
                    key=lambda c: (load[c], sum(pairs[_pair(c, o)] for o in chosen), rank[c]))
            chosen.append(c)
            load[c] += 1
        for i, a in enumerate(chosen):
            for b in chosen[i + 1:]:
                pairs[_pair(a, b)] += 1
        chosen_for[d] = chosen

    position = {c: i for i, c in enumerate(coders)}
    coders_of = {d: tuple(sorted(chosen_for[d], key=position.__getitem__)) for d in documents}
    added = tuple((d, c) for d in documents for c in coders_of[d] if c not in started[d] and c not in waiting[d])
    removed = tuple((d, c) for d in documents for c in sorted(waiting[d], key=position.__getitem__)
                    if c not in coders_of[d])
    notes = []
    over = [d for d in documents if len(started[d]) > need[d]]
    if over:
        notes.append(f"{len(over)} documents keep more coders than planned because each of them started it")
    return AssignmentPlan(tuple(coders), overlap, per_doc, seed, by_outlet, tuple(sample), coders_of, added, removed,
                          sum(len(v) for v in started.values()), tuple(notes))


def _pair(a: str, b: str) -> tuple[str, str]:
    return (a, b) if a < b else (b, a)


def _draw_sample(documents: list[str], size: int, rng: random.Random, strata: list[str] | None) -> list[str]:
    """``size`` documents drawn at random; with ``strata`` (one name per document), each stratum gives
    its proportional share (largest remainders, ties drawn), so a small outlet is not left out by chance."""
    if strata is None:
        chosen = set(rng.sample(documents, size))
        return [d for d in documents if d in chosen]
    groups: dict[str, list[str]] = defaultdict(list)
    for doc, name in zip(documents, strata):
        groups[name].append(doc)
    names = sorted(groups)
    quotas = {n: size * len(groups[n]) / len(documents) for n in names}
    counts = {n: math.floor(quotas[n]) for n in names}
    tie = {n: rng.random() for n in names}
    for n in sorted(names, key=lambda n: (-(quotas[n] - counts[n]), tie[n]))[:size - sum(counts.values())]:
        counts[n] += 1
    chosen = {d for n in names for d in rng.sample(groups[n], counts[n])}
    return [d for d in documents if d in chosen]
