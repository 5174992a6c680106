"""How each codebook field becomes reliability data: the level of measurement and the value map.

=============  ======================  ===========================================================
field type     alpha level             value used
=============  ======================  ===========================================================
choice         the field's ``level``   nominal: the value id; ordinal: its rank in the codebook
boolean        nominal                 true / false
number         the field's ``level``   the number (ratio by default: casualty counts)
date           the field's ``level``   the day number (interval by default)
text           nominal                 the text after Arabic matching normalization, so that
                                       spelling variants (أ/ا, tashkeel, digits) count as equal
multichoice    MASI distance           the set of chosen value ids (Passonneau 2006)
=============  ======================  ===========================================================

An empty value is *missing*, never a category: alpha leaves it out of the pairable values.  Two
exceptions follow the coding form: an optional yes/no field is a check box, so leaving it
unchecked means "no" (only a required one, asked as yes/no buttons, can stay unanswered).  An
empty casualty ``high`` means "unbounded"; it cannot sit on a ratio scale, so it is missing here
and every unit where one coder left it empty is listed as a disagreement instead.
"""

from __future__ import annotations

import datetime as dt
import itertools
import math
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from annotator.arabic import normalize_for_matching
from annotator.codebook import Field

MASI = "masi"


@dataclass
class FieldCoding:
    """Encodes one field's values for alpha.

    Numeric codings give floats (NaN = missing): category codes index ``categories``; set-valued
    codings give frozensets (None = missing).  Text categories grow as values are seen.
    """

    field: Field
    level: str  # an alpha level, or "masi"
    categories: list[Any] = field(default_factory=list)
    labels: list[str] = field(default_factory=list)  # display label of each category
    _seen: dict[Any, float] = field(default_factory=dict, repr=False)  # raw text -> code
    _by_norm: dict[str, float] = field(default_factory=dict, repr=False)  # normalized -> code

    @property
    def numeric(self) -> bool:
        return self.level != MASI

    @property
    def confusable(self) -> bool:
        """Whether a confusion matrix is readable: a fixed, small set of categories."""
        return self.field.type in ("choice", "boolean")

    def encode(self, values: Iterable[Any], count: int = -1) -> np.ndarray | list:
        """Codes of many values: a float array, or a list of frozensets/None for MASI.

        One pass; choices and yes/no are dict lookups mapped in C, not a Python call per value (a
        large study encodes millions).  ``count`` (the number of values, if known) lets numpy
        allocate once.
        """
        kind = self.field.type
        if kind in ("choice", "boolean"):
            index = {v: float(i) for i, v in enumerate(self.categories)}
            if self.unchecked_is_no:
                index[None] = 0.0
            return np.fromiter(map(index.get, values, itertools.repeat(math.nan)), dtype=float, count=count)
        if kind == "number":
            return np.array([math.nan if v is None else v for v in values], dtype=float)
        if kind == "multichoice":
            return [None if v is None else frozenset(v) for v in values]
        code = _day_number if kind == "date" else self._text_code
        return np.fromiter(map(code, values), dtype=float, count=count)

    def _text_code(self, value: Any) -> float:
        """Category code of a text value; equal after matching normalization = same category."""
        if value is None:
            return math.nan
        code = self._seen.get(value)
        if code is None:
            norm = normalize_for_matching(str(value).strip())
            if not norm:
                return math.nan
            code = self._by_norm.get(norm)
            if code is None:
                code = self._by_norm[norm] = float(len(self.categories))
                self.categories.append(norm)
                self.labels.append(str(value).strip())
            self._seen[value] = code
        return code

    @property
    def unchecked_is_no(self) -> bool:
        return self.field.type == "boolean" and not self.field.required

    def effective(self, value: Any) -> Any:
        """The value as the coder meant it: an unchecked optional check box is False."""
        return False if value is None and self.unchecked_is_no else value

    def describe(self, code: Any) -> str:
        """A code as readable text (warnings, reliability data)."""
        if code is None or (isinstance(code, float) and math.isnan(code)):
            return ""
        if self.labels:
            return self.labels[int(code)]
        if self.field.type == "date":
            return dt.date.fromordinal(int(code)).isoformat()
        return display(code)


def _day_number(value: Any) -> float:
    if value is None:
        return math.nan
    try:
        return float(dt.date.fromisoformat(value).toordinal())
    except (TypeError, ValueError):
        return math.nan


def coding_for(spec: Field) -> FieldCoding:
    """The coding of a codebook field (see the module docstring for the rules)."""
    if spec.type == "multichoice":
        return FieldCoding(spec, MASI)
    if spec.type == "boolean":
        return FieldCoding(spec, "nominal", [False, True], ["no", "yes"])
    if spec.type == "choice":
        # ordinal/interval/ratio on a choice: the rank in the codebook carries the order.
        return FieldCoding(spec, spec.level, [v.id for v in spec.values], [v.id for v in spec.values])
    if spec.type == "text":
        return FieldCoding(spec, "nominal")
    return FieldCoding(spec, spec.level)


def display(value: Any) -> str:
    """A raw attribute or label value as text for tables and CSV ("" when empty)."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, (list, tuple, set, frozenset)):
        return " | ".join(sorted(map(str, value)))
    return str(value)
