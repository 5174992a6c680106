"""Reading a project's finished coding into the plain data :func:`summarize` takes."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.codebook import Codebook
from annotator.model import Annotation


@dataclass(frozen=True)
class CodingData:
    """A project's coding as :func:`summarize` takes it (see :func:`load_coding`)."""

    annotations: list[Annotation]
    labels: dict[tuple[str, str], dict[str, Any]]
    codebook: Codebook
    lengths: dict[str, int]
    coders: tuple[str, ...]
    coded: dict[str, frozenset[str]]
    titles: dict[str, str]


def role_coders(project: Any) -> list[str]:
    """The project's coders whose role is "coder" (adjudicators are not compared), in project order."""
    return [c for c in project.coders() if project.coder_role(c) == "coder"]


def finished_documents(project: Any, coders: Iterable[str]) -> dict[str, set[str]]:
    """Per coder, the documents whose assignment they marked done."""
    return {c: {a.document_id for a in project.assignments(c) if a.status == "done"} for c in coders}


def default_coders(project: Any) -> list[str]:
    """The coders compared when none are named: role "coder", and at least one finished document
    that another of them finished too.

    A coder who shares no finished document (a newcomer, or a typo that became a coder) adds no
    comparison, and would make alpha_U undefined: alpha_U uses the documents every coder finished.
    """
    finished = finished_documents(project, role_coders(project))
    shared = Counter(d for docs in finished.values() for d in docs)
    return [c for c, docs in finished.items() if any(shared[d] >= 2 for d in docs)]


def load_coding(project: Any, *, coders: Sequence[str] | None = None,
                documents: Sequence[str] | None = None) -> CodingData:
    """Read what :func:`summarize` needs from a :class:`~annotator.store.Project`.

    Coders default to :func:`default_coders`.  A coder counts as having coded a document when
    their assignment is *done*: half-coded documents would count their missing spans as
    disagreement.  Documents default to those finished by at least one chosen coder; either way
    in project order.  Unknown names raise the store's NotFoundError.
    """
    chosen = list(coders) if coders else default_coders(project)
    if not coders and len(chosen) < 2:
        raise ValueError("agreement needs at least two coders who marked the same document done; "
                         "no two coders have yet")
    done: dict[str, set[str]] = {}
    for coder, finished in finished_documents(project, chosen).items():
        for doc_id in finished:
            done.setdefault(doc_id, set()).add(coder)
    order = project.document_ids()
    if documents:
        requested = set(documents)
        for doc_id in requested:
            project.document(doc_id)  # raises NotFoundError, naming it
        wanted = [d for d in order if d in requested]
    else:
        wanted = [d for d in order if d in done]
    docs = {d: project.document(d) for d in wanted}
    wanted_set = set(wanted)
    annotations = [a for coder in chosen for a in project.annotations(coder=coder)
                   if a.document_id in wanted_set]
    labels = {(d, c): project.labels(d, c) for d in wanted for c in sorted(done.get(d, ()))}
    return CodingData(annotations, labels, project.codebook, {d: len(docs[d].text) for d in wanted},
                      tuple(chosen), {d: frozenset(done.get(d, ())) for d in wanted},
                      {d: docs[d].title for d in wanted})
