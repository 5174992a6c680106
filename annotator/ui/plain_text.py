"""Data shown as the characters it is in places where Qt guesses between plain text and markup.

A tooltip (and a QLabel left at AutoText) is rendered as HTML when Qt.mightBeRichText says it
looks like HTML, so an article quote such as ``بيان <b>عاجل`` or a coder named ``<b>mona</b>``
would show in bold, or an ``<img>`` be loaded. Labels that show data are set to PlainText; tooltips
built from data go through :func:`plain_tip`.
"""

from __future__ import annotations

from PySide6.QtGui import Qt


def plain_tip(text: str) -> str:
    """``text`` as a tooltip that shows every character (line breaks kept); "" stays "" (no tooltip)."""
    return Qt.convertFromPlainText(text) if text else ""
