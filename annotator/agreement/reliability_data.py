"""Reliability data as every coefficient receives it: a coders x units table, missing allowed.

Accepted forms: a list of rows (one per coder), a 2-D numpy array, or anything with
``to_numpy`` (a pandas DataFrame, rows = coders).  Missing is None, a float NaN, ``pandas.NA``
or ``pandas.NaT`` -- so nullable ``Int64`` / ``string`` columns work -- and is never a category.
"""

from __future__ import annotations

import math
import numbers
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

NOT_2D = ("reliability data must be 2-D: one row per coder, one entry per unit (a single coder's "
          "values are not reliability data; wrap them as [values] only if that is what you mean)")


def is_missing(value: Any) -> bool:
    """None, NaN (float or numpy), pandas.NA or pandas.NaT."""
    if value is None:
        return True
    if isinstance(value, (float, np.floating)):
        return value != value  # NaN is the only value that differs from itself
    # pandas is optional: if it is not imported, no value can be one of its markers.
    pandas = sys.modules.get("pandas")
    return pandas is not None and (value is pandas.NA or value is pandas.NaT)


def table(data: Any) -> np.ndarray | list[list[Any]]:
    """The data as a float array (numbers, NaN = missing) or as rows of objects (None = missing).

    Raises ValueError, with a sentence, for anything that is not a coders x units table.
    """
    if hasattr(data, "to_numpy") and not isinstance(data, np.ndarray):
        data = data.to_numpy(dtype=object)  # pandas: NA / NaT stay as objects, handled below
    if isinstance(data, np.ndarray) and data.dtype.kind in "biuf":
        if data.ndim != 2:
            raise ValueError(NOT_2D)
        return data.astype(float)
    if isinstance(data, (str, bytes)):
        raise ValueError(NOT_2D)
    rows = []
    for row in data:
        if isinstance(row, (str, bytes)) or not hasattr(row, "__iter__"):
            raise ValueError(NOT_2D)
        rows.append([None if is_missing(v) else v for v in row])
    if len({len(row) for row in rows}) > 1:
        raise ValueError("every coder needs one entry per unit (use None for a missing value)")
    n_units = len(rows[0]) if rows else 0
    if all(v is None or _is_number(v) for row in rows for v in row):
        numbers_ = [[math.nan if v is None else v for v in row] for row in rows]
        return np.array(numbers_, dtype=float).reshape(len(rows), n_units)
    return rows


def _is_number(value: Any) -> bool:
    return isinstance(value, numbers.Real)


def category_codes(data: Any, categories: Sequence[Any] | None = None) -> tuple[np.ndarray, list]:
    """Integer codes (coders x units, -1 = missing) and the categories they index.

    Without ``categories`` the categories are the distinct values, sorted when they can be.
    With them, a value outside the list is an error (dropping it would inflate agreement).
    """
    data = table(data)
    if isinstance(data, np.ndarray):
        present = ~np.isnan(data)
        observed = np.unique(data[present])
        if categories is None:
            cats = observed.tolist()
        else:
            cats = list(categories)
            _check_categories(cats, observed.tolist())
        codes = np.full(data.shape, -1, dtype=np.intp)
        lookup = np.asarray(cats, dtype=float)
        order = np.argsort(lookup, kind="stable")
        codes[present] = order[np.searchsorted(lookup[order], data[present])]
        return codes, cats
    values = [v for row in data for v in row if v is not None]
    if categories is None:
        distinct = list(dict.fromkeys(values))
        try:
            cats = sorted(distinct)
        except TypeError:
            cats = distinct
    else:
        cats = list(categories)
        _check_categories(cats, values)
    index = {c: i for i, c in enumerate(cats)}
    codes = np.array([[-1 if v is None else index[v] for v in row] for row in data], dtype=np.intp)
    return codes.reshape(len(data), len(data[0]) if data else 0), cats


def _check_categories(categories: list, values: Sequence[Any]) -> None:
    if len(set(categories)) != len(categories):
        raise ValueError("categories must not repeat")
    unknown = set(values) - set(categories)
    if unknown:
        raise ValueError(f"values not in categories: {sorted(map(repr, unknown))}")
