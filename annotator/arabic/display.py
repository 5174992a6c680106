"""Arabic for surfaces without a shaping engine: matplotlib labels and plain terminal output."""

from __future__ import annotations


def shape_for_display(text: str) -> str:
    """Reshape and reorder ``text`` for a surface that cannot shape Arabic.

    Returns presentation forms (U+FE70-U+FEFF) in visual left-to-right order,
    for plain terminal output and for matplotlib builds without libraqm only
    (matplotlib 3.11 shapes Arabic itself when it has libraqm; see
    ``annotator.agreement.chart.arabic_label``).  It must NEVER be
    used for Qt widgets (Qt shapes and lays out bidi text itself, so the
    result would be reversed twice and unsearchable), for storage, or for
    exports: the output is no longer the logical text that offsets refer to.
    """
    # Imported here: only the chart and terminal paths need these packages.
    import arabic_reshaper

    try:
        from bidi import get_display  # python-bidi >= 0.5
    except ImportError:
        from bidi.algorithm import get_display  # python-bidi 0.4

    return get_display(arabic_reshaper.reshape(text))
