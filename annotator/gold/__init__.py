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

import importlib
from typing import Any

# Where each public name lives. They are imported on first use (PEP 562), so that importing one
# submodule, such as the command line's, does not load numpy and the agreement engine with it.
_HOMES = {
    "auto": ("AutoResult", "auto_accept"),
    "candidates": ("Candidates", "DocumentCandidates", "FieldDifference", "FieldItem", "LinkItem", "SpanItem",
                   "build_candidates"),
    "flags": ("GoldFlag", "gold_flags"),
    "session": ("Adjudication", "DocumentProgress", "ProjectProgress", "project_progress"),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


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
