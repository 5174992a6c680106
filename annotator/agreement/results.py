"""What an agreement analysis produces: frozen dataclasses, JSON-ready through ``to_dict()``.

Nothing here computes; :mod:`annotator.agreement.reliability` fills these records and the report,
the CLI and the dialog only read them.  Values that are undefined are NaN in Python and ``null``
in JSON (JSON has no NaN), always with a ``note`` saying why.

Bands after Krippendorff (2004) "Content Analysis", 2nd ed., p. 241: rely on variables with
alpha >= .800, draw tentative conclusions only from variables with .667 <= alpha < .800.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from typing import Any, NamedTuple

import numpy as np

from annotator.agreement.alpha import AlphaResult, BootstrapResult
from annotator.agreement.kappa import KappaResult
from annotator.agreement.spans import PRF

RELIABLE = 0.800
TENTATIVE = 0.667
BANDS = ("reliable", "tentative", "unreliable", "undefined")


def band(value: float | None) -> str:
    """Krippendorff's band of an alpha: reliable, tentative, unreliable, or undefined (NaN)."""
    if value is None or math.isnan(value):
        return "undefined"
    if value >= RELIABLE:
        return "reliable"
    return "tentative" if value >= TENTATIVE else "unreliable"


@dataclass(frozen=True)
class Estimate:
    """An alpha with its percentile bootstrap interval (NaN bounds when there is none).

    ``n_units``/``n_values`` count pairable units and values; ``n_undefined`` the resamples that
    had no variation and so no alpha (left out of the interval).
    """

    value: float
    low: float
    high: float
    level: str
    n_units: int
    n_values: int
    observed_disagreement: float
    expected_disagreement: float
    note: str = ""
    n_boot: int = 0
    n_undefined: int = 0

    @property
    def band(self) -> str:
        return band(self.value)

    @classmethod
    def of(cls, point: AlphaResult, boot: BootstrapResult | None, note: str = "") -> "Estimate":
        notes = "; ".join(n for n in (point.note, note) if n)
        return cls(point.value, boot.low if boot else math.nan, boot.high if boot else math.nan,
                   point.level, point.n_units, point.n_values, point.observed_disagreement,
                   point.expected_disagreement, notes, boot.n_boot if boot else 0,
                   boot.n_undefined if boot else 0)


class SpanRef(NamedTuple):
    """One coder's span, enough to find it again and to quote it.

    This and the two disagreement records are named tuples: a large study has hundreds of
    thousands of them, and tuples are several times cheaper to create than frozen dataclasses.
    """

    document_id: str
    coder: str
    layer: str
    start: int
    end: int
    quote: str
    annotation_id: str


@dataclass(frozen=True)
class Confusion:
    """Counts of (value by coders[0], value by coders[1]) over the units both coded.

    ``labels`` name rows and columns alike; the last one is ``MISSING`` when some unit had a
    value from one coder only.  ``specific`` is each category's specific (positive) agreement
    over the units both coded (:func:`annotator.agreement.specific_agreement`).
    """

    coders: tuple[str, str]
    labels: tuple[str, ...]
    counts: tuple[tuple[int, ...], ...]
    specific: tuple[float, ...] = ()  # per label: 2 n_kk / (n_k. + n_.k), NaN for MISSING


MISSING = "(empty)"


@dataclass(frozen=True)
class PairAgreement:
    """A variable's agreement between two coders."""

    coders: tuple[str, str]
    alpha: Estimate
    percent_agreement: float
    kappa: KappaResult | None = None
    confusion: Confusion | None = None
    ac1: KappaResult | None = None  # Gwet's AC1, nominal variables


@dataclass(frozen=True)
class FieldAgreement:
    """One variable: a span attribute, a document field, or the set of actors per document.

    ``key`` is ``layer.field``, ``document.field`` or ``actors``; ``overall`` is the alpha of all
    chosen coders together; ``fleiss`` is None when it does not apply (not nominal, or units with
    different numbers of values: ``fleiss_note`` says which); ``ac1`` is Gwet's AC1 beside alpha
    for nominal variables (None otherwise).
    """

    key: str
    scope: str  # "attribute" | "document" | "actors"
    layer: str | None
    field: str
    label_en: str
    label_ar: str
    level: str
    overall: Estimate
    percent_agreement: float
    pairs: tuple[PairAgreement, ...]
    fleiss: KappaResult | None = None
    fleiss_note: str = ""
    ac1: KappaResult | None = None  # Gwet's AC1 of all coders, nominal variables


@dataclass(frozen=True)
class PairSpans:
    """Span agreement of two coders on one layer, micro-averaged over the documents both coded.

    P/R/F1 take ``coders[0]`` as reference; F1 is symmetric.  ``n_aligned`` counts the pairs of
    the one-to-one overlap alignment used for the attributes; ``unmatched`` lists every span of
    either coder left out of it.
    """

    coders: tuple[str, str]
    n_documents: int
    n_spans: tuple[int, int]
    exact: PRF
    overlap: PRF
    n_aligned: int
    unmatched: tuple[SpanRef, ...]


@dataclass(frozen=True)
class LayerAgreement:
    """Everything about one span layer.

    ``unitizing`` is alpha_U over the documents every chosen coder coded
    (``unitizing_documents`` of them).  ``ambiguous`` lists the groups of spans that the pairwise
    alignments chain together inconsistently; they are left out of the all-coder attribute
    alphas (never out of the pairwise ones).
    """

    layer: str
    label_en: str
    label_ar: str
    unitizing: Estimate
    unitizing_documents: int
    pairs: tuple[PairSpans, ...]
    attributes: tuple[FieldAgreement, ...]
    n_clusters: int
    ambiguous: tuple[tuple[SpanRef, ...], ...]
    n_merged: int = 0  # overlapping spans of one coder merged for alpha_U


class AttributeDisagreement(NamedTuple):
    """Two aligned spans whose attributes differ: (field, value of coders[0], value of coders[1])."""

    document_id: str
    layer: str
    coders: tuple[str, str]
    spans: tuple[SpanRef, SpanRef]
    differences: tuple[tuple[str, Any, Any], ...]


class FieldDisagreement(NamedTuple):
    """A document field (or the actor set) on which the coders of a document differ."""

    document_id: str
    key: str
    values: tuple[tuple[str, Any], ...]  # (coder, value); None when the coder left it empty


@dataclass(frozen=True)
class AgreementWarning:
    scope: str
    message: str


@dataclass(frozen=True)
class AgreementSummary:
    """The whole analysis. ``to_dict()`` gives plain JSON-serialisable data."""

    coders: tuple[str, ...]
    documents: tuple[str, ...]
    titles: dict[str, str]
    excluded: tuple[tuple[str, str], ...]  # (document id, why it is not in the sample)
    n_boot: int
    seed: int
    ci: float
    layers: tuple[LayerAgreement, ...]
    document_fields: tuple[FieldAgreement, ...]
    actor_sets: FieldAgreement | None
    attribute_disagreements: tuple[AttributeDisagreement, ...]
    field_disagreements: tuple[FieldDisagreement, ...]
    warnings: tuple[AgreementWarning, ...]
    bootstrap: str = "units"  # how alpha's intervals were resampled: "units" or "pairs"

    def variables(self) -> list[FieldAgreement]:
        """Every variable with an alpha, in report order."""
        out = [a for layer in self.layers for a in layer.attributes]
        out += list(self.document_fields)
        return out + ([self.actor_sets] if self.actor_sets else [])

    def to_dict(self) -> dict[str, Any]:
        return plain(self)


def plain(value: Any) -> Any:
    """Dataclasses, tuples, sets and numpy scalars as JSON-ready data; NaN becomes None.

    Bands are added next to every estimate, since readers of the JSON should not recompute them.
    """
    if dataclasses.is_dataclass(value) and not isinstance(value, type):
        out = {f.name: plain(getattr(value, f.name)) for f in dataclasses.fields(value)
               if f.name != "samples"}
        if isinstance(value, Estimate):
            out["band"] = value.band
        return out
    if isinstance(value, tuple) and hasattr(value, "_asdict"):  # a NamedTuple record
        return {k: plain(v) for k, v in value._asdict().items()}
    if isinstance(value, dict):
        return {str(k): plain(v) for k, v in value.items()}
    if isinstance(value, (frozenset, set)):
        return sorted(plain(v) for v in value)
    if isinstance(value, (list, tuple)):
        return [plain(v) for v in value]
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and math.isnan(value):
        return None
    return value
