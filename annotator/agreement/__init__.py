"""Inter-annotator agreement metrics: pure numerics, no Qt and no store.

* :func:`krippendorff_alpha` -- any number of coders, missing values, nominal / ordinal /
  interval / ratio or a custom distance (e.g. :func:`masi_distance` for sets of actors);
  :func:`bootstrap_alpha` -- its percentile bootstrap interval over units and q = P(alpha < min).
* :func:`cohen_kappa` (unweighted, linear, quadratic), :func:`fleiss_kappa`,
  :func:`percent_agreement`.
* :func:`unitizing_alpha` -- Krippendorff's alpha_U for spans on a continuum, per category or
  overall (as DKPro Agreement computes it).
* :func:`span_prf` (exact / overlap precision, recall, F1) and :func:`align_spans` (one-to-one
  span pairing that reports every unmatched span).

Undefined values are NaN with a ``note`` saying why, never a silent 0 or 1.  Each function's
docstring gives its formula and reference; tests/agreement reproduces the published examples.
"""

from annotator.agreement.alpha import (
    AlphaResult,
    BootstrapResult,
    bootstrap_alpha,
    krippendorff_alpha,
)
from annotator.agreement.distance import jaccard_distance, masi_distance
from annotator.agreement.kappa import KappaResult, cohen_kappa, fleiss_kappa, percent_agreement
from annotator.agreement.spans import PRF, Alignment, align_spans, span_prf
from annotator.agreement.unitizing import unitizing_alpha

__all__ = [
    "PRF",
    "Alignment",
    "AlphaResult",
    "BootstrapResult",
    "KappaResult",
    "align_spans",
    "bootstrap_alpha",
    "cohen_kappa",
    "fleiss_kappa",
    "jaccard_distance",
    "krippendorff_alpha",
    "masi_distance",
    "percent_agreement",
    "span_prf",
    "unitizing_alpha",
]
