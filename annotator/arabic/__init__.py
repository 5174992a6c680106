"""Arabic text helpers that need no Qt.

Four concerns live here, all documented in ``docs/arabic.md``:

* matching normalization (``normalize_for_matching``, ``normalize_with_map``,
  ``find_all``): folds spelling variation so that search and suggestions ignore
  tashkeel, tatweel, alef variants and digit scripts.  It is never used for
  storage: ``documents.text`` and annotation offsets always refer to the text as
  imported.
* numbers (``parse_number``): digits in any script and Arabic number words.
* casualty-style counts (``parse_count``, ``find_counts``): the count expression
  with its bounds and quantifier class, following the codebook's conventions.
* shaping for surfaces without a shaping engine (``shape_for_display``).

Offsets are code-point offsets into the original text throughout, the same unit
the store uses.
"""

from annotator.arabic.counts import DUAL_NOUNS, CountEstimate, Quantifier, find_counts, parse_count, parse_number
from annotator.arabic.display import shape_for_display
from annotator.arabic.normalize import (NormalizedText, alternation, find_all, normalize_for_matching, normalize_view,
                                        normalize_with_map)

__all__ = [
    "DUAL_NOUNS",
    "CountEstimate",
    "NormalizedText",
    "Quantifier",
    "alternation",
    "find_all",
    "find_counts",
    "normalize_for_matching",
    "normalize_view",
    "normalize_with_map",
    "parse_count",
    "parse_number",
    "shape_for_display",
]
