"""The defects an outside check found (issue 12, item 5): each test failed before its fix."""

import importlib
import math
import re
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

import annotator.agreement
from annotator.agreement import fleiss_kappa, gwet_ac1, krippendorff_alpha, percent_agreement


def test_pandas_na_is_missing_not_a_category():
    """pandas.NA counted as a category gave 0.263; as missing it is 0.444 like None
    (exactly 4/9: one value left out of a 2-coder unit, 6 pairable values)."""
    with_none = krippendorff_alpha([[1, None, 2, 2], [1, 2, 2, 1]]).value
    assert with_none == pytest.approx(4 / 9, abs=1e-12)
    assert krippendorff_alpha([[1, pd.NA, 2, 2], [1, 2, 2, 1]]).value == pytest.approx(with_none, abs=1e-12)
    assert krippendorff_alpha([["a", pd.NA, "b", "b"], ["a", "b", "b", "a"]]).value == pytest.approx(with_none)


def test_nullable_pandas_columns():
    """A DataFrame (rows = coders) of nullable Int64 or string columns: <NA> is missing."""
    numbers = pd.DataFrame({"u1": [1, 1], "u2": [pd.NA, 2], "u3": [2, 2], "u4": [2, 1]}, dtype="Int64")
    strings = numbers.astype("string").replace({"1": "yes", "2": "no"})
    rows = [[1, None, 2, 2], [1, 2, 2, 1]]
    for frame in (numbers, strings):
        assert krippendorff_alpha(frame).value == pytest.approx(4 / 9, abs=1e-12)
        assert percent_agreement(frame) == pytest.approx(percent_agreement(rows))
    assert gwet_ac1(numbers).value == pytest.approx(gwet_ac1(rows).value, abs=1e-12)
    # A list of nullable Series, one per coder, and pandas.NaT in objects.
    series = [numbers.iloc[0], numbers.iloc[1]]
    assert krippendorff_alpha(series).value == pytest.approx(4 / 9, abs=1e-12)
    assert krippendorff_alpha([["a", pd.NaT, "b", "b"], ["a", "b", "b", "a"]]).value == pytest.approx(4 / 9)


@pytest.mark.parametrize("scale", [1e154, 1e200, 1e300])
def test_interval_alpha_with_huge_values(scale):
    """Squares of values near 1e154 overflowed: NaN with a false "no variation" note.  alpha
    does not depend on the unit, so it equals the alpha of the same data in small numbers."""
    small = np.array([[1.0, 2.0, 3.0, 4.0, np.nan], [1.0, 2.5, 3.0, 5.0, 2.0], [1.5, 2.0, 2.0, 4.0, 2.0]])
    expected = krippendorff_alpha(small, "interval")
    result = krippendorff_alpha(small * scale, "interval")
    assert result.note == ""
    assert result.value == pytest.approx(expected.value, abs=1e-12)
    if scale <= 1e154:  # beyond, D_o itself exceeds the largest float; alpha does not
        assert result.observed_disagreement == pytest.approx(expected.observed_disagreement * scale * scale,
                                                             rel=1e-9)


def test_one_dimensional_data_is_a_clear_error():
    """A 1-D list gave "TypeError: 'int' object is not iterable"."""
    for data in ([1, 2, 3], ["a", "b"], "ab", np.array([1.0, 2.0])):
        with pytest.raises(ValueError, match="2-D: one row per coder"):
            krippendorff_alpha(data)
        with pytest.raises(ValueError, match="2-D: one row per coder"):
            gwet_ac1(data)


def test_fleiss_counts_must_be_whole_finite_numbers():
    """Fractional counts were accepted; a NaN count was reported as unequal numbers of ratings."""
    with pytest.raises(ValueError, match="whole numbers"):
        fleiss_kappa([[1.5, 1.5], [2, 1]])
    with pytest.raises(ValueError, match="finite"):
        fleiss_kappa([[np.nan, 3], [2, 1]])
    with pytest.raises(ValueError, match="finite"):
        fleiss_kappa([[np.inf, 3], [2, 1]])
    assert fleiss_kappa([[2.0, 1.0], [1.0, 2.0]]).n == 2  # whole numbers as floats are fine


def test_every_module_a_docstring_cites_exists():
    """reliability.py cited annotator.agreement.resample, which does not exist."""
    folder = Path(annotator.agreement.__file__).parent
    cited = set()
    for path in folder.glob("*.py"):
        cited |= set(re.findall(r"annotator\.agreement\.([a-z_]+)", path.read_text(encoding="utf-8")))
    assert "resample" not in cited
    for name in cited:  # a module, or a public name of the package
        if not hasattr(annotator.agreement, name):
            importlib.import_module(f"annotator.agreement.{name}")


def test_missing_values_never_become_categories_anywhere():
    """None, NaN, pandas.NA and NaT are missing for every coefficient."""
    base = [[1, 2, 2, 1, 3], [1, 2, 1, 1, None]]
    for marker in (math.nan, pd.NA, np.nan):
        data = [[1, 2, 2, 1, 3], [1, 2, 1, 1, marker]]
        assert gwet_ac1(data).value == pytest.approx(gwet_ac1(base).value, abs=1e-12)
        assert fleiss_kappa(reliability_data=data).value == pytest.approx(
            fleiss_kappa(reliability_data=base).value, abs=1e-12)
