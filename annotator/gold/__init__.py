"""The gold standard, Qt-free: candidates from the coders, decisions, automatic acceptance,
agreement of each coder with gold, and the ``annotator gold`` command (docs/gold.md).

* :func:`build_candidates` -- candidate items of documents (:mod:`annotator.gold.candidates`);
* :class:`Adjudication` -- the session the adjudication view drives (:mod:`annotator.gold.session`);
* :func:`auto_accept` -- accept unanimous (or majority) items of many documents (:mod:`annotator.gold.auto`);
* :func:`gold_flags` -- coders' edits made after a decision, flagged (:mod:`annotator.gold.flags`);
* :func:`gold_agreement` -- span F1, attribute accuracy and alpha of each coder against gold
  (:mod:`annotator.gold.agreement`).

The rows themselves are stored and read by :class:`annotator.store.Project`
(``gold_annotations``, ``gold_links``, ``gold_labels``, ``gold_status``, ``gold_document_ids``,
``write_gold``).
"""

from annotator.gold.auto import AutoResult, auto_accept
from annotator.gold.candidates import (
    Candidates,
    DocumentCandidates,
    FieldDifference,
    FieldItem,
    LinkItem,
    SpanItem,
    build_candidates,
)
from annotator.gold.flags import GoldFlag, gold_flags
from annotator.gold.session import Adjudication, DocumentProgress, ProjectProgress, project_progress

__all__ = [
    "Adjudication",
    "AutoResult",
    "Candidates",
    "DocumentCandidates",
    "DocumentProgress",
    "FieldDifference",
    "FieldItem",
    "GoldFlag",
    "LinkItem",
    "ProjectProgress",
    "SpanItem",
    "auto_accept",
    "build_candidates",
    "gold_flags",
    "project_progress",
]
