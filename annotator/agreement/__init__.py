"""Inter-annotator agreement metrics: pure numerics, no Qt and no store.

Every coefficient takes reliability data as coders x units (a list of rows, a numpy array or a
pandas DataFrame; None, NaN or pandas.NA for a missing value):

* :func:`krippendorff_alpha` -- any number of coders, missing values, nominal / ordinal /
  interval / ratio or a custom distance (e.g. :func:`masi_distance` for sets of actors);
  :func:`bootstrap_alpha` -- its percentile bootstrap interval (resampling units, or Hayes &
  Krippendorff's resampling of pairs from the coincidence matrix) and q = P(alpha < min).
* :func:`gwet_ac1`, :func:`gwet_ac2` (weighted), :func:`brennan_prediger`,
  :func:`conger_kappa`, :func:`fleiss_kappa` (counts, or ``reliability_data=`` with missing
  ratings), :func:`scott_pi`, :func:`light_kappa` -- with Gwet's analytic standard errors;
  :func:`cohen_kappa` (two coders, weighted), :func:`percent_agreement`.
* :func:`specific_agreement` (per category), :func:`pairwise_matrix` (coder x coder).
* :func:`unitizing_alpha` -- Krippendorff's alpha_U for spans on a continuum, per category or
  overall (as DKPro Agreement computes it).
* :func:`span_prf` (exact / overlap precision, recall, F1) and :func:`align_spans` (one-to-one
  span pairing that reports every unmatched span).

Undefined values are NaN with a ``note`` saying why, never a silent 0 or 1.  Each function's
docstring gives its formula and reference; tests/agreement reproduces the published examples.
"""

import importlib
from typing import Any

# Where each public name lives. They are imported on first use (PEP 562), so that importing one
# submodule, such as the command line's, does not load numpy and scipy with the package.
_HOMES = {
    "alpha": ("AlphaResult", "BootstrapResult", "bootstrap_alpha", "krippendorff_alpha"),
    "chance": ("brennan_prediger", "conger_kappa", "fleiss_kappa", "gwet_ac1", "gwet_ac2", "light_kappa", "scott_pi"),
    "distance": ("jaccard_distance", "masi_distance"),
    "kappa": ("KappaResult", "cohen_kappa", "percent_agreement"),
    "pairwise": ("PairwiseMatrix", "pairwise_matrix"),
    "spans": ("PRF", "Alignment", "align_spans", "span_prf"),
    "specific": ("SpecificAgreement", "specific_agreement"),
    "unitizing": ("unitizing_alpha",),
}
_HOME = {name: module for module, names in _HOMES.items() for name in names}


def __getattr__(name: str) -> Any:
    if name not in _HOME:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(importlib.import_module(f"{__name__}.{_HOME[name]}"), name)
    globals()[name] = value
    return value


__all__ = [
    "PRF",
    "Alignment",
    "AlphaResult",
    "BootstrapResult",
    "KappaResult",
    "PairwiseMatrix",
    "SpecificAgreement",
    "align_spans",
    "bootstrap_alpha",
    "brennan_prediger",
    "cohen_kappa",
    "conger_kappa",
    "fleiss_kappa",
    "gwet_ac1",
    "gwet_ac2",
    "jaccard_distance",
    "krippendorff_alpha",
    "light_kappa",
    "masi_distance",
    "pairwise_matrix",
    "percent_agreement",
    "scott_pi",
    "span_prf",
    "specific_agreement",
    "unitizing_alpha",
]
