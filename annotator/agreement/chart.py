"""Bar charts of alpha with bootstrap intervals, as PNG bytes (matplotlib, Agg, no pyplot).

Arabic labels are drawn with the bundled Noto Sans Arabic (Arabic, its presentation forms, and
Latin letters).  Whether they must be reshaped depends on matplotlib:

* matplotlib built with libraqm (3.11 and later: ``ft2font.__libraqm_version__``) joins letters
  and orders right-to-left runs itself (HarfBuzz + FriBiDi), so labels are passed as they are --
  reshaping them first would reverse them a second time;
* older matplotlib does neither, so Arabic goes through
  :func:`annotator.arabic.shape_for_display` (contextual forms, visual order).

This module is the one place where text is reshaped for drawing; Qt and the HTML report lay out
Arabic themselves.
"""

from __future__ import annotations

import functools
import io
import math
from dataclasses import dataclass
from importlib import resources

from matplotlib import font_manager, ft2font, rc_context
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

from annotator.agreement.results import RELIABLE, TENTATIVE, FieldAgreement, LayerAgreement, band
from annotator.arabic import shape_for_display

#: Band colours (Okabe-Ito, distinguishable with colour-blindness), shared with the HTML report.
BAND_COLORS = {"reliable": "#009E73", "tentative": "#E69F00", "unreliable": "#D55E00", "undefined": "#999999"}
FALLBACK_FAMILIES = ["DejaVu Sans"]
#: Whether matplotlib lays out complex scripts itself (module docstring).
LAYS_OUT_ARABIC = getattr(ft2font, "__libraqm_version__", None) is not None


def arabic_label(text: str) -> str:
    """Arabic text as this matplotlib must be given it to show it right (module docstring)."""
    return text if LAYS_OUT_ARABIC else shape_for_display(text)


@dataclass(frozen=True)
class Bar:
    """One variable: English and Arabic label, alpha and its interval (NaN when none)."""

    label_en: str
    label_ar: str
    value: float
    low: float = math.nan
    high: float = math.nan


@functools.cache
def arabic_font_family() -> str | None:
    """Register the bundled Noto Sans Arabic with matplotlib (once); its family name, or None."""
    try:
        folder = resources.files("fontpkg_noto_sans_arabic") / "files"
        names = []
        for entry in folder.iterdir():
            if entry.name.endswith((".ttf", ".otf")):
                with resources.as_file(entry) as path:
                    font_manager.fontManager.addfont(str(path))
                    names.append(font_manager.FontProperties(fname=str(path)).get_name())
    except (ModuleNotFoundError, FileNotFoundError):
        return None  # labels still draw, with unjoined Arabic in the fallback font
    return names[0] if names else None


def alpha_chart(title: str, bars: list[Bar]) -> bytes:
    """Horizontal bars of alpha per variable with 95% interval whiskers and the .667/.800 lines."""
    family = arabic_font_family()
    height = 1.3 + 0.4 * max(len(bars), 1)
    with rc_context({"font.family": ([family] if family else []) + FALLBACK_FAMILIES, "font.size": 9}):
        fig = Figure(figsize=(8.5, height), dpi=110)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        ys = list(range(len(bars)))[::-1]  # first variable on top
        lows = [b.low for b in bars if not math.isnan(b.low)] + [b.value for b in bars if not math.isnan(b.value)]
        left = min([0.0, *lows]) - 0.05
        for y, b in zip(ys, bars):
            colour = BAND_COLORS[band(b.value)]
            if math.isnan(b.value):
                ax.text(0.01, y, "undefined", va="center", fontsize=8, color=colour)
                continue
            ax.barh(y, b.value, color=colour, height=0.6)
            if not math.isnan(b.low):
                ax.errorbar(b.value, y, xerr=[[b.value - b.low], [b.high - b.value]], fmt="none",
                            ecolor="#222222", capsize=3, linewidth=1)
            ax.text(max(b.value, 0) + 0.01, y + 0.3, f"{b.value:.3f}", va="bottom", fontsize=7)
        for x, name in ((TENTATIVE, ".667"), (RELIABLE, ".800")):
            ax.axvline(x, color="#444444", linestyle="--", linewidth=0.8)
            ax.text(x, 1.005, name, ha="center", va="bottom", fontsize=7, transform=ax.get_xaxis_transform())
        ax.axvline(0, color="#888888", linewidth=0.6)
        # One line per bar: a second line would sit as close to the next bar as to its own.
        ax.set_yticks(ys, [f"{b.label_en} — {arabic_label(b.label_ar)}" for b in bars])
        ax.set_xlim(left, 1.1)
        ax.set_ylim(-0.7, len(bars) - 0.1)
        ax.set_xlabel("Krippendorff's alpha with 95% bootstrap interval; dashed: .667 tentative, .800 reliable")
        ax.set_title(title, pad=16)
        fig.tight_layout()
        out = io.BytesIO()
        fig.savefig(out, format="png")
    return out.getvalue()


def layer_chart(layer: LayerAgreement) -> bytes:
    """alpha_U of the layer's spans, then the all-coder alpha of each attribute."""
    bars = [Bar("Spans (alpha_U)", "المقاطع", layer.unitizing.value)]
    bars += [_bar(a) for a in layer.attributes]
    return alpha_chart(f"{layer.label_en} — {arabic_label(layer.label_ar)}", bars)


def fields_chart(title: str, fields: list[FieldAgreement]) -> bytes:
    return alpha_chart(title, [_bar(f) for f in fields])


def _bar(variable: FieldAgreement) -> Bar:
    e = variable.overall
    return Bar(variable.label_en, variable.label_ar, e.value, e.low, e.high)
