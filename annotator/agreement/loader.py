"""Reading a project's finished coding into the plain data :func:`summarize` takes."""

from __future__ import annotations

from collections.abc import Sequence
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


def load_coding(project: Any, *, coders: Sequence[str] | None = None,
                documents: Sequence[str] | None = None) -> CodingData:
    """Read what :func:`summarize` needs from a :class:`~annotator.store.Project`.

    Coders default to every coder whose role is "coder" (adjudicators are not compared).  A
    coder counts as having coded a document when their assignment is *done*: half-coded
    documents would count their missing spans as disagreement.  Documents default to those
    finished by at least one chosen coder; either way in project order.  Unknown names raise the
    store's NotFoundError.
    """
    chosen = list(coders) if coders else [c for c in project.coders() if project.coder_role(c) == "coder"]
    done: dict[str, set[str]] = {}
    for coder in chosen:
        for assignment in project.assignments(coder):
            if assignment.status == "done":
                done.setdefault(assignment.document_id, set()).add(coder)
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
