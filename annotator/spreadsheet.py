"""Cells that a spreadsheet opens as data, never as a formula (CSV injection).

Excel, LibreOffice and Google Sheets run a cell that starts with ``= + - @`` (and, after they
strip it, a tab or carriage return) as a formula: ``=HYPERLINK("http://...")`` in a document id,
a coder's name or a quote would run on the lead's machine. Such a text gets a leading apostrophe,
which the spreadsheet shows as text and hides; so does a text that already starts with an
apostrophe, so that removing one leading apostrophe always gives the value back.

Shared by every CSV the project writes (the export package, the agreement command).
"""

from __future__ import annotations

import re

FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r", "'")

# A plain decimal number: the spreadsheet reads it as a number, which is what it is.
_NUMBER = re.compile(r"[-+]?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def escape_formula(text: str, *, keep_numbers: bool = False) -> str:
    """``text`` with a leading apostrophe if a spreadsheet would run it as a formula.

    ``keep_numbers``: leave a plain number such as ``-0.25`` as it is, for tables whose numbers
    are already written as text (an alpha below zero must stay a number).
    """
    if not text.startswith(FORMULA_STARTS) or (keep_numbers and _NUMBER.fullmatch(text)):
        return text
    return "'" + text
