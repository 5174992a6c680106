"""Plain-text and CSV renderings of an :class:`AgreementSummary` (the JSON is ``to_dict()``).

The text is a terminal report: fixed-width tables of every alpha (all coders, then each pair),
span matching per pair, each coder against the gold standard when there is one, warnings, and
the unmatched spans.  Arabic quotes are passed through
``shape`` -- :func:`annotator.arabic.shape_for_display` when writing to a terminal that cannot
shape Arabic, identity when writing to a file or pipe, so that redirected output keeps the
logical text.
"""

from __future__ import annotations

import csv
import io
import math
from collections.abc import Callable, Iterable, Sequence
from typing import TYPE_CHECKING

from annotator.agreement.kappa import KappaResult
from annotator.agreement.results import AgreementSummary, Estimate, FieldAgreement, LayerAgreement
from annotator.spreadsheet import escape_formula

if TYPE_CHECKING:
    from annotator.gold.agreement import GoldAgreement

SUMMARY_HEADER = ["section", "layer", "variable", "coders", "level", "n_units", "value", "ci_low", "ci_high",
                  "band", "percent_agreement", "cohen_kappa", "fleiss_kappa", "gwet_ac1", "precision", "recall", "f1",
                  "note"]


def _num(value: float | None, digits: int = 3) -> str:
    return "" if value is None or math.isnan(value) else f"{value:.{digits}f}"


def _ci(est: Estimate) -> str:
    return "—" if math.isnan(est.low) else f"[{est.low:.3f}, {est.high:.3f}]"


def _table(rows: Sequence[Sequence[str]], right: Iterable[int] = ()) -> list[str]:
    """Rows padded into columns; ``right`` lists the right-aligned (numeric) columns."""
    right = set(right)
    widths = [max(len(row[i]) for row in rows) for i in range(len(rows[0]))]
    return ["  " + "  ".join(cell.rjust(w) if i in right else cell.ljust(w)
                             for i, (cell, w) in enumerate(zip(row, widths))).rstrip() for row in rows]


def _alpha_rows(name: str, var: FieldAgreement, kappas: bool) -> list[list[str]]:
    def row(label: str, coders: str, est: Estimate, percent: float, ac1: KappaResult | None,
            kappa: str) -> list[str]:
        cells = [label, coders, est.level, str(est.n_units), _num(est.value) or "undefined", _ci(est), est.band,
                 _num(percent * 100, 0) + "%" if not math.isnan(percent) else "", _num(ac1.value) if ac1 else ""]
        return cells + [kappa] if kappas else cells

    fleiss = "Fleiss " + _num(var.fleiss.value) if var.fleiss else ""
    rows = [row(name, "all", var.overall, var.percent_agreement, var.ac1, fleiss)]
    rows += [row("", " × ".join(p.coders), p.alpha, p.percent_agreement, p.ac1,
                 "Cohen " + _num(p.kappa.value) if p.kappa and not math.isnan(p.kappa.value) else "")
             for p in var.pairs]
    return rows


def _layer_lines(layer: LayerAgreement) -> list[str]:
    u = layer.unitizing
    head = ["variable", "coders", "level", "n", "alpha", "95% CI", "band", "agree", "AC1"]
    rows = [head, ["spans (alpha_U)", "all", u.level, str(u.n_units), _num(u.value) or "undefined", "—", u.band, "",
                   ""]]
    for attribute in layer.attributes:
        rows += _alpha_rows(attribute.label_en, attribute, False)
    lines = [f"{layer.label_en.upper()} ({layer.layer})", *_table(rows, (3, 4, 7, 8)), ""]
    spans = [["span matching", "docs", "spans", "exact P/R/F1", "overlap P/R/F1", "aligned", "unmatched"]]
    for p in layer.pairs:
        spans.append([" × ".join(p.coders), str(p.n_documents), f"{p.n_spans[0]}/{p.n_spans[1]}",
                      "/".join(_num(x, 2) or "—" for x in (p.exact.precision, p.exact.recall, p.exact.f1)),
                      "/".join(_num(x, 2) or "—" for x in (p.overlap.precision, p.overlap.recall, p.overlap.f1)),
                      str(p.n_aligned), str(len(p.unmatched))])
    return lines + _table(spans, (1, 5, 6)) + [""]


def render_text(summary: AgreementSummary, shape: Callable[[str], str] = str,
                gold: GoldAgreement | None = None) -> str:
    """The summary as a readable terminal report (see the module docstring for ``shape``); with
    ``gold`` (:func:`annotator.gold.agreement.gold_agreement`), each coder against gold too."""
    s = summary
    out = [f"Inter-annotator agreement: {len(s.coders)} coders ({', '.join(s.coders)}), "
           f"{len(s.documents)} documents compared"
           + (f", {len(s.excluded)} left out (coded by fewer than two coders)" if s.excluded else ""),
           f"Bootstrap: {s.n_boot:,} resamples, seed {s.seed}, {s.ci:.0%} intervals. "
           "Bands: reliable >= .800, tentative >= .667, else unreliable.", ""]
    for layer in s.layers:
        out += _layer_lines(layer)
    variables = list(s.document_fields) + ([s.actor_sets] if s.actor_sets else [])
    if variables:
        rows = [["variable", "coders", "level", "n", "alpha", "95% CI", "band", "agree", "AC1", "kappa"]]
        for var in variables:
            rows += _alpha_rows(var.label_en, var, True)
        out += ["DOCUMENT FIELDS AND ACTORS", *_table(rows, (3, 4, 7, 8)), ""]
    if gold is not None and gold.coders:
        out += gold_lines(gold)
    out.append("WARNINGS")
    out += [f"  - {w.scope}: {w.message}" for w in s.warnings] or ["  none"]
    unmatched = [(layer, p) for layer in s.layers for p in layer.pairs if p.unmatched]
    if unmatched:
        out += ["", "UNMATCHED SPANS (document, coder, offsets, quote)"]
        for layer, p in unmatched:
            out.append(f"  {layer.layer}, {' × '.join(p.coders)}: {len(p.unmatched)}")
            out += [f"    {r.document_id}  {r.coder}  {r.start}-{r.end}  «{shape(r.quote)}»" for r in p.unmatched]
    return "\n".join(out) + "\n"


def gold_lines(gold: GoldAgreement) -> list[str]:
    """Each coder against gold: span P/R/F1 per layer, then accuracy and alpha per variable."""
    spans = [["coder", "layer", "docs", "gold/coder spans", "exact P/R/F1", "overlap P/R/F1"]]
    values = [["coder", "variable", "level", "n", "accuracy", "alpha"]]
    for c in gold.coders:
        for layer in c.layers:
            spans.append([c.coder, layer.layer, str(c.n_documents), f"{layer.n_gold}/{layer.n_coder}",
                          "/".join(_num(x, 2) or "—" for x in (layer.exact.precision, layer.exact.recall, layer.exact.f1)),
                          "/".join(_num(x, 2) or "—" for x in (layer.overlap.precision, layer.overlap.recall,
                                                               layer.overlap.f1))])
        for score in [a for layer in c.layers for a in layer.attributes] + list(c.fields):
            values.append([c.coder, score.key, score.level, str(score.n),
                           _num(score.accuracy * 100, 0) + "%" if not math.isnan(score.accuracy) else "",
                           _num(score.alpha) or "undefined"])
    return [f"AGREEMENT WITH GOLD ({len(gold.documents)} gold documents; gold is the reference of P and R)",
            *_table(spans, (2,)), "", "  values on spans matched by overlap, and document fields:",
            *_table(values, (3, 4, 5)), ""]


def summary_rows(summary: AgreementSummary) -> list[list[str]]:
    """One CSV row per figure: alpha_U, span P/R/F1 per pair, every alpha, and the warnings."""
    rows = [list(SUMMARY_HEADER)]

    def add(section: str, layer: str, variable: str, coders: str, est: Estimate | None = None,
            percent: float = math.nan, cohen: str = "", fleiss: str = "", prf: tuple = ("", "", ""),
            note: str = "", ac1: str = "") -> None:
        figures = ([est.level, str(est.n_units), _num(est.value, 6), _num(est.low, 6), _num(est.high, 6), est.band]
                   if est else ["", "", "", "", "", ""])
        notes = "; ".join(n for n in (note, est.note if est else "") if n)
        rows.append([section, layer, variable, coders, *figures, _num(percent, 6), cohen, fleiss, ac1, *prf, notes])

    for layer in summary.layers:
        add("spans", layer.layer, "alpha_U", "all", layer.unitizing,
            note=f"{layer.unitizing_documents} documents coded by every coder")
        for p in layer.pairs:
            for m in (p.exact, p.overlap):
                add("span_matching", layer.layer, m.match, " × ".join(p.coders),
                    prf=(_num(m.precision, 6), _num(m.recall, 6), _num(m.f1, 6)),
                    note=f"{len(p.unmatched)} unmatched; {p.n_aligned} aligned")
        for a in layer.attributes:
            _variable(add, "attribute", layer.layer, a)
    for f in summary.document_fields:
        _variable(add, "document", "", f)
    if summary.actor_sets:
        _variable(add, "actors", "", summary.actor_sets)
    for w in summary.warnings:
        add("warning", "", w.scope, "", note=w.message)
    return rows


def _variable(add: Callable, section: str, layer: str, var: FieldAgreement) -> None:
    add(section, layer, var.key, "all", var.overall, var.percent_agreement,
        fleiss=_num(var.fleiss.value, 6) if var.fleiss else "", note=var.fleiss_note,
        ac1=_num(var.ac1.value, 6) if var.ac1 else "")
    for p in var.pairs:
        add(section, layer, var.key, " × ".join(p.coders), p.alpha, p.percent_agreement,
            cohen=_num(p.kappa.value, 6) if p.kappa else "", ac1=_num(p.ac1.value, 6) if p.ac1 else "")


def csv_text(rows: Sequence[Sequence[str]], line_end: str = "\r\n") -> str:
    """Rows as CSV text: RFC 4180 quoting and, by default, its \\r\\n line ends (for files).

    Standard output takes "\\n": a text stream translates it to the platform's line end itself.
    Document ids, coder names and values that a spreadsheet would run as a formula are escaped;
    the figures stay numbers.
    """
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator=line_end).writerows(
        [escape_formula(cell, keep_numbers=True) for cell in row] for row in rows)
    return buffer.getvalue()
