"""The agreement report: one self-contained HTML file (styles inline, charts as base64 PNG).

Built with plain string building and :func:`html.escape` -- every piece of article text, title,
quote, coder name and attribute value is escaped, so a title such as ``<script>`` shows as text.
Arabic is left to the browser, which shapes it and lays it out right-to-left inside elements
marked ``dir="rtl" lang="ar"``.

Sections: summary table of every variable; warnings; how to read it; per span layer its chart,
alpha table (all coders and every pair), span matching per pair, confusion matrices, unmatched
spans and ambiguous groups; document fields and actor sets likewise; each coder against the gold
standard when there is one (section ``gold``); then every disagreement
grouped by document -- each document has its own section (anchor ``doc-...``) with its title,
and every disagreement shows the sentence around the span with the span in ``<mark>``.
"""

from __future__ import annotations

import base64
import datetime as dt
import html
import math
import re
from collections.abc import Mapping
from pathlib import Path
from typing import TYPE_CHECKING, Any

from annotator.agreement.chart import BAND_COLORS, fields_chart, layer_chart
from annotator.agreement.coding import display
from annotator.agreement.kappa import KappaResult
from annotator.agreement.results import (
    MISSING,
    AgreementSummary,
    AttributeDisagreement,
    Confusion,
    Estimate,
    FieldAgreement,
    FieldDisagreement,
    LayerAgreement,
    SpanRef,
)
from annotator.codebook import Codebook

if TYPE_CHECKING:
    from annotator.gold.agreement import GoldAgreement

BOOTSTRAP_WHAT = {"units": "units",
                  "pairs": "pairs of values from the coincidence matrix (Hayes &amp; Krippendorff 2007)"}
CONTEXT = 160  # code points at most on each side of a span, when no sentence boundary is nearer
_SENTENCE_END = re.compile(r"[.!?؟\n…]")

STYLE = """
body{font-family:"Noto Sans Arabic","Noto Sans","Segoe UI",Tahoma,Arial,sans-serif;margin:2rem;
color:#1f2328;line-height:1.45;max-width:75rem}
h1,h2,h3{line-height:1.2}h2{border-bottom:2px solid #d0d7de;padding-bottom:.2rem;margin-top:2.5rem}
table{border-collapse:collapse;margin:.5rem 0 1rem;font-size:.9rem;display:block;overflow-x:auto;max-width:100%%}
th,td{border:1px solid #d0d7de;padding:.2rem .5rem;text-align:left;vertical-align:top;white-space:nowrap}
td.note,td.wrap{white-space:normal;min-width:14rem}
td.num{white-space:nowrap}
th{background:#f6f8fa}td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.pair td:first-child{padding-left:1.5rem;color:#57606a}
.band{font-weight:600;color:#fff;text-align:center}
.band-reliable{background:%(reliable)s}.band-tentative{background:%(tentative)s}
.band-unreliable{background:%(unreliable)s}.band-undefined{background:%(undefined)s}
.note{color:#57606a;font-size:.85rem}.warn li{margin:.2rem 0}
img.chart{max-width:100%%;border:1px solid #d0d7de;margin:.5rem 0}
.ctx{font-size:1.05rem;background:#f6f8fa;padding:.3rem .6rem;margin:.2rem 0 .6rem;
border-right:3px solid #d0d7de}
mark{background:#ffe08a;padding:0 .1rem}
.dis{margin:.3rem 0}.dis .what{font-weight:600}
details{margin:.3rem 0}summary{cursor:pointer}
"""


def e(value: Any) -> str:
    """HTML-escape anything, quotes included (safe in text and in attribute values)."""
    return html.escape(str(value), quote=True)


def doc_anchor(document_id: str) -> str:
    """A safe, unique element id for a document: non-ASCII-alphanumerics become _hex_."""
    return "doc-" + re.sub(r"[^A-Za-z0-9-]", lambda m: f"_{ord(m.group()):x}_", document_id)


def context_html(text: str, start: int, end: int) -> str:
    """The sentence around [start, end) with the span marked, escaped, as right-to-left Arabic."""
    left = max(0, start - CONTEXT)
    before = text[left:start]
    cut = [m.end() for m in _SENTENCE_END.finditer(before)]
    if cut:
        left += cut[-1]
    right = min(len(text), end + CONTEXT)
    after = _SENTENCE_END.search(text, end, right)
    if after:
        right = after.end()
    lead = "…" if left > 0 and not cut else ""
    tail = "…" if right < len(text) and not after else ""
    return (f'<div class="ctx" dir="rtl" lang="ar">{lead}{e(text[left:start].lstrip())}'
            f"<mark>{e(text[start:end])}</mark>{e(text[end:right].rstrip())}{tail}</div>")


def _num(value: float | None, digits: int = 3) -> str:
    return "—" if value is None or (isinstance(value, float) and math.isnan(value)) else f"{value:.{digits}f}"


def _pct(value: float) -> str:
    return "—" if math.isnan(value) else f"{value:.0%}"


def _ci(est: Estimate) -> str:
    return "—" if math.isnan(est.low) else f"[{est.low:.3f}, {est.high:.3f}]"


def _band(est: Estimate) -> str:
    return f'<td class="band band-{est.band}">{est.band}</td>'


def _img(png: bytes, alt: str) -> str:
    return f'<img class="chart" alt="{e(alt)}" src="data:image/png;base64,{base64.b64encode(png).decode()}">'


def _doc_link(document_id: str) -> str:
    return f'<a href="#{doc_anchor(document_id)}">{e(document_id)}</a>'


class _Report:
    def __init__(self, summary: AgreementSummary, texts: Mapping[str, str], codebook: Codebook | None,
                 charts: bool, gold: GoldAgreement | None = None):
        self.s, self.texts, self.codebook, self.charts, self.gold = summary, texts, codebook, charts, gold

    def value_label(self, key: str, value: Any) -> str:
        """A stored value as escaped HTML; choice ids get their codebook labels when known.

        The Arabic label sits in ``<bdi>`` so that it cannot reorder the sentence around it.
        """
        if value is None:
            return e(MISSING)
        spec = self._field(key)
        if spec is not None and spec.values:
            ids = value if isinstance(value, (list, tuple)) else [value]
            parts = []
            for v in ids:
                known = spec.value(v)
                parts.append(f'{e(v)} ({e(known.label.en)} / <bdi lang="ar">{e(known.label.ar)}</bdi>)'
                             if known else e(v))
            return " | ".join(parts) or e(MISSING)
        return f"<bdi>{e(display(value))}</bdi>" if display(value) else e(MISSING)

    def _field(self, key: str) -> Any:
        if self.codebook is None or "." not in key:
            return None
        layer, field_id = key.split(".", 1)
        if layer == "document":
            return next((f for f in self.codebook.document_fields if f.id == field_id), None)
        return self.codebook.layer(layer).field(field_id) if self.codebook.has_layer(layer) else None

    # -- page ------------------------------------------------------------------------------------

    def page(self, title: str, source: str | None) -> str:
        s = self.s
        parts = [f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8">'
                 f'<meta name="viewport" content="width=device-width, initial-scale=1">'
                 f"<title>{e(title)}</title><style>{STYLE % BAND_COLORS}</style></head><body>",
                 f"<h1>{e(title)}</h1>", self.header(source), self.overview(), self.warnings(), self.reading()]
        parts += [self.layer(layer) for layer in s.layers]
        if s.document_fields or s.actor_sets:
            parts.append(self.documents_section())
        if self.gold is not None and self.gold.coders:
            parts.append(self.gold_section())
        parts.append(self.disagreements())
        parts.append("</body></html>\n")
        return "\n".join(parts)

    def header(self, source: str | None) -> str:
        s = self.s
        rows = [("Project", e(source)) if source else None,
                ("Coders", e(", ".join(s.coders))),
                ("Documents compared", f"{len(s.documents)} (coded by at least two of the coders)"),
                ("Bootstrap", f"{s.n_boot:,} resamples of {BOOTSTRAP_WHAT[s.bootstrap]}, seed {s.seed}, "
                              f"{s.ci:.0%} percentile intervals"),
                ("Generated", e(dt.datetime.now().isoformat(timespec="seconds")))]
        body = "".join(f"<tr><th>{k}</th><td>{v}</td></tr>" for k, v in filter(None, rows))
        excluded = ""
        if s.excluded:
            items = "".join(f"<li>{e(d)}: {e(why)}</li>" for d, why in s.excluded)
            excluded = f"<details><summary>{len(s.excluded)} document(s) left out</summary><ul>{items}</ul></details>"
        return f"<table>{body}</table>{excluded}"

    def overview(self) -> str:
        rows = []
        for layer in self.s.layers:
            rows.append(self._row(f"{layer.label_en}: spans (alpha_U)", "all", layer.unitizing, math.nan,
                                  note=f"{layer.unitizing_documents} documents"))
            rows += [self._row(f"{layer.label_en}: {a.label_en}", "all", a.overall, a.percent_agreement, ac1=a.ac1)
                     for a in layer.attributes]
        rows += [self._row(f"Document: {f.label_en}", "all", f.overall, f.percent_agreement, ac1=f.ac1)
                 for f in self.s.document_fields]
        if self.s.actor_sets:
            rows.append(self._row("Actors in the document (MASI)", "all", self.s.actor_sets.overall,
                                  self.s.actor_sets.percent_agreement))
        return f'<h2 id="summary">Summary: all coders</h2>{self._alpha_table(rows)}'

    def warnings(self) -> str:
        if not self.s.warnings:
            return '<h2 id="warnings">Warnings</h2><p>None.</p>'
        items = "".join(f"<li><b>{e(w.scope)}</b>: {e(w.message)}</li>" for w in self.s.warnings)
        return f'<h2 id="warnings">Warnings</h2><ul class="warn">{items}</ul>'

    def reading(self) -> str:
        return (
            '<h2 id="reading">How to read this report</h2><ul>'
            "<li><b>alpha</b> is Krippendorff's alpha: 1 is perfect agreement, 0 is what chance would "
            "give, below 0 is systematic disagreement. Bands (Krippendorff 2004): "
            '<span class="band band-reliable">&nbsp;reliable&nbsp;</span> alpha ≥ .800; '
            '<span class="band band-tentative">&nbsp;tentative&nbsp;</span> .667 ≤ alpha &lt; .800 '
            "(draw tentative conclusions only); "
            '<span class="band band-unreliable">&nbsp;unreliable&nbsp;</span> below .667; '
            '<span class="band band-undefined">&nbsp;undefined&nbsp;</span> when alpha cannot be '
            "computed (the note says why).</li>"
            "<li><b>95% CI</b>: the bootstrap interval; when it straddles a band limit, the band is "
            "uncertain. <b>n units</b> counts units with at least two values. Units are resampled by "
            "default (each resample recomputes D_o and D_e); Hayes &amp; Krippendorff's KALPHA instead "
            "draws pairs of values from the coincidence matrix with D_e fixed, which gives narrower "
            "intervals (<code>--bootstrap pairs</code>).</li>"
            "<li><b>AC1</b> is Gwet's AC1 for nominal variables: its chance agreement is the propensity "
            "to agree on hard-to-classify units, so it stays near the percent agreement when one category "
            "dominates. When most values are one category (most spans “civilians”, most claims "
            "“asserted”), alpha and kappa can be low although coders nearly always agree: high agreement, "
            "low alpha is the <i>kappa paradox</i>, flagged in the warnings. Report both; the confusion "
            "matrices' <b>specific agreement</b> (2 n_kk / (n_k. + n_.k)) shows on which categories the "
            "coders agree.</li>"
            "<li><b>Spans</b>: alpha_U measures agreement on where spans are; precision, recall and F1 "
            "compare two coders' spans (exact: same start and end; overlap: sharing a character). "
            "Attributes are compared on spans aligned one-to-one by overlap; spans left unaligned are "
            "listed, never dropped.</li>"
            "<li><b>Warnings</b>: few units make alpha unstable; when one value dominates (> 90%), "
            "alpha and kappa are low even when coders nearly always agree (prevalence).</li></ul>")

    # -- tables ----------------------------------------------------------------------------------

    def _row(self, name: str, coders: str, est: Estimate, percent: float, *, pair: bool = False,
             extra: tuple[str, ...] = (), note: str = "", ac1: KappaResult | None = None) -> str:
        notes = "; ".join(n for n in (note, est.note) if n)
        cells = [f"<td>{e(name)}</td><td>{e(coders)}</td><td>{e(est.level)}</td>",
                 f'<td class="num">{est.n_units}</td><td class="num">{_num(est.value)}</td>',
                 f'<td class="num">{_ci(est)}</td>{_band(est)}<td class="num">{_pct(percent)}</td>',
                 f'<td class="num">{_num(ac1.value) if ac1 else "—"}</td>',
                 *(f'<td class="num">{x}</td>' for x in extra), f'<td class="note">{e(notes)}</td>']
        return ('<tr class="pair">' if pair else "<tr>") + "".join(cells) + "</tr>"

    @staticmethod
    def _alpha_table(rows: list[str], extra: tuple[str, ...] = ()) -> str:
        head = "".join(f"<th>{h}</th>" for h in ("Variable", "Coders", "Level", "n units", "alpha", "95% CI",
                                                  "Band", "% agreement", "AC1", *extra, "Note"))
        return f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"

    def _variable_rows(self, var: FieldAgreement, *, kappas: bool = False) -> list[str]:
        """The all-coder row, then one row per pair; with ``kappas`` Cohen's (pairs) and Fleiss'."""
        fleiss = _num(var.fleiss.value) if var.fleiss else "—"
        rows = [self._row(var.label_en, "all", var.overall, var.percent_agreement,
                          extra=("—", fleiss) if kappas else (), note=var.fleiss_note if kappas else "", ac1=var.ac1)]
        for pair in var.pairs:
            cohen = _num(pair.kappa.value) if pair.kappa else "—"
            rows.append(self._row(var.label_en, " × ".join(pair.coders), pair.alpha, pair.percent_agreement,
                                  pair=True, extra=(cohen, "—") if kappas else (), ac1=pair.ac1))
        return rows

    def layer(self, layer: LayerAgreement) -> str:
        out = [f'<section id="layer-{e(layer.layer)}"><h2>{e(layer.label_en)} '
               f'<span lang="ar" dir="rtl">{e(layer.label_ar)}</span></h2>']
        if self.charts:
            out.append(_img(layer_chart(layer), f"alpha per attribute of {layer.label_en}"))
        rows = [self._row("Spans (alpha_U)", "all", layer.unitizing, math.nan,
                          note=f"{layer.unitizing_documents} documents coded by every coder")]
        for attribute in layer.attributes:
            rows += self._variable_rows(attribute)
        out.append(self._alpha_table(rows))
        out.append(self.span_pairs(layer))
        out.append(self.confusions(layer.attributes))
        out.append(self.unmatched(layer))
        if layer.ambiguous:
            items = "".join("<li>" + ", ".join(f"{e(r.coder)} «<span lang='ar' dir='rtl'>{e(r.quote)}</span>» "
                                               f"({r.start}–{r.end}) in {_doc_link(r.document_id)}" for r in group)
                            + "</li>" for group in layer.ambiguous)
            out.append(f"<h3>Ambiguous groups ({len(layer.ambiguous)})</h3><p class=note>Spans that the "
                       "pairwise alignments chain together inconsistently; they count in each pair's "
                       f"alpha but not in the all-coder alpha.</p><ul>{items}</ul>")
        out.append("</section>")
        return "\n".join(out)

    def span_pairs(self, layer: LayerAgreement) -> str:
        head = ("Coders", "Documents", "Spans", "Exact P", "Exact R", "Exact F1", "Overlap P", "Overlap R",
                "Overlap F1", "Aligned", "Unmatched")
        rows = []
        for p in layer.pairs:
            cells = [e(" × ".join(p.coders)), p.n_documents, f"{p.n_spans[0]} / {p.n_spans[1]}",
                     _num(p.exact.precision), _num(p.exact.recall), _num(p.exact.f1),
                     _num(p.overlap.precision), _num(p.overlap.recall), _num(p.overlap.f1),
                     p.n_aligned, len(p.unmatched)]
            rows.append("<tr>" + "".join(f'<td class="num">{c}</td>' if i else f"<td>{c}</td>"
                                         for i, c in enumerate(cells)) + "</tr>")
        head_html = "".join(f"<th>{h}</th>" for h in head)
        return (f"<h3>Span matching per coder pair</h3><p class=note>P and R take the first coder as "
                f"reference; micro-averaged over the documents both coded.</p>"
                f"<table><thead><tr>{head_html}</tr></thead><tbody>{''.join(rows)}</tbody></table>")

    def confusions(self, variables: tuple[FieldAgreement, ...] | list[FieldAgreement]) -> str:
        blocks = [self.confusion(v.label_en, p.confusion) for v in variables for p in v.pairs if p.confusion]
        return f"<h3>Confusion matrices</h3>{''.join(blocks)}" if blocks else ""

    @staticmethod
    def confusion(label: str, c: Confusion) -> str:
        head = "".join(f"<th>{e(x)}</th>" for x in c.labels) + "<th>Specific agreement</th>"
        specific = c.specific or (math.nan,) * len(c.labels)
        rows = "".join(f"<tr><th>{e(name)}</th>" + "".join(f'<td class="num">{n or ""}</td>' for n in row)
                       + f'<td class="num">{_num(p)}</td></tr>'
                       for name, row, p in zip(c.labels, c.counts, specific))
        agree = sum(c.counts[i][i] for i in range(len(c.labels)) if c.labels[i] != MISSING)
        total = sum(map(sum, c.counts))
        return (f"<details><summary>{e(label)}: {e(c.coders[0])} (rows) × {e(c.coders[1])} (columns) — "
                f"{agree} of {total} agree</summary><table><thead><tr><th></th>{head}</tr></thead>"
                f"<tbody>{rows}</tbody></table></details>")

    def unmatched(self, layer: LayerAgreement) -> str:
        blocks = []
        for p in layer.pairs:
            if not p.unmatched:
                continue
            rows = "".join(f"<tr><td>{_doc_link(r.document_id)}</td><td>{e(r.coder)}</td>"
                           f'<td class="num">{r.start}–{r.end}</td><td lang="ar" dir="rtl">{e(r.quote)}</td></tr>'
                           for r in p.unmatched)
            blocks.append(f"<details><summary>{e(' × '.join(p.coders))}: {len(p.unmatched)} unmatched "
                          f"span(s)</summary><table><thead><tr><th>Document</th><th>Coder</th><th>Offsets</th>"
                          f"<th>Quote</th></tr></thead><tbody>{rows}</tbody></table></details>")
        return f"<h3>Unmatched spans</h3>{''.join(blocks)}" if blocks else "<h3>Unmatched spans</h3><p>None.</p>"

    def documents_section(self) -> str:
        variables = list(self.s.document_fields) + ([self.s.actor_sets] if self.s.actor_sets else [])
        out = ['<section id="document-fields"><h2>Document fields and actors</h2>']
        if self.charts:
            out.append(_img(fields_chart("Document fields", variables), "alpha per document field"))
        rows = [r for v in variables for r in self._variable_rows(v, kappas=True)]
        out.append(self._alpha_table(rows, ("Cohen's kappa", "Fleiss' kappa")))
        out.append("<p class=note>Cohen's kappa per pair (linear weights for ordinal fields); Fleiss' kappa "
                   "where every document has the same number of values. Actors: the set of canonical "
                   "names per coder and document, compared with MASI distance.</p>")
        out.append(self.confusions(variables))
        out.append("</section>")
        return "\n".join(out)

    def gold_section(self) -> str:
        """Each coder against the gold standard: span P/R/F1 per layer, accuracy and alpha per variable."""
        g = self.gold
        head = "".join(f"<th>{h}</th>" for h in ("Coder", "Layer", "Documents", "Gold / coder spans", "Exact P",
                                                 "Exact R", "Exact F1", "Overlap P", "Overlap R", "Overlap F1"))
        rows = []
        for c in g.coders:
            for layer in c.layers:
                cells = [_num(x) for x in (layer.exact.precision, layer.exact.recall, layer.exact.f1,
                                           layer.overlap.precision, layer.overlap.recall, layer.overlap.f1)]
                rows.append(f"<tr><td>{e(c.coder)}</td><td>{e(layer.label_en)}</td>"
                            f'<td class="num">{c.n_documents}</td><td class="num">{layer.n_gold} / {layer.n_coder}</td>'
                            + "".join(f'<td class="num">{x}</td>' for x in cells) + "</tr>")
        values_head = "".join(f"<th>{h}</th>" for h in ("Coder", "Variable", "Level", "n", "Accuracy", "alpha", "Note"))
        values = [f"<tr><td>{e(c.coder)}</td><td>{e(v.key)}</td><td>{e(v.level)}</td>"
                  f'<td class="num">{v.n}</td><td class="num">{_pct(v.accuracy)}</td>'
                  f'<td class="num">{_num(v.alpha)}</td><td class="note">{e(v.note)}</td></tr>'
                  for c in g.coders for v in [a for layer in c.layers for a in layer.attributes] + list(c.fields)]
        return (f'<section id="gold"><h2>Agreement with gold</h2><p class=note>Each coder against the adjudicated '
                f"gold standard of {len(g.documents)} document(s): gold is the reference of precision and recall; "
                "values are compared on the spans paired by overlap, and on the document fields.</p>"
                f"<table><thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table>"
                f"<table><thead><tr>{values_head}</tr></thead><tbody>{''.join(values)}</tbody></table></section>")

    # -- disagreements by document ------------------------------------------------------------------

    def disagreements(self) -> str:
        s = self.s
        by_doc: dict[str, list[tuple[int, str]]] = {d: [] for d in s.documents}
        for item in s.field_disagreements:
            by_doc[item.document_id].append((-1, self.field_item(item)))
        for item in s.attribute_disagreements:
            by_doc[item.document_id].append((min(r.start for r in item.spans), self.attribute_item(item)))
        for ref, missing in self._unmatched_spans():
            by_doc[ref.document_id].append((ref.start, self.unmatched_item(ref, missing)))
        out = ['<h2 id="disagreements">Disagreements by document</h2>']
        for doc_id in s.documents:
            items = sorted(by_doc[doc_id], key=lambda x: x[0])
            title = s.titles.get(doc_id, "")
            body = "".join(html_ for _, html_ in items) or "<p>No disagreement.</p>"
            out.append(f'<section id="{doc_anchor(doc_id)}"><h3><span dir="auto">{e(title)}</span> '
                       f'<small>({e(doc_id)}, {len(items)} disagreement(s))</small></h3>{body}</section>')
        return "\n".join(out)

    def _unmatched_spans(self) -> list[tuple[SpanRef, list[str]]]:
        """Each unmatched span once, with the coders who marked nothing aligned with it."""
        found: dict[str, tuple[SpanRef, list[str]]] = {}
        for layer in self.s.layers:
            for pair in layer.pairs:
                for ref in pair.unmatched:
                    other = pair.coders[1] if ref.coder == pair.coders[0] else pair.coders[0]
                    found.setdefault(ref.annotation_id, (ref, []))[1].append(other)
        return list(found.values())

    def _context(self, document_id: str, start: int, end: int) -> str:
        text = self.texts.get(document_id)
        return context_html(text, start, end) if text is not None else ""

    def unmatched_item(self, ref: SpanRef, missing: list[str]) -> str:
        return (f'<div class="dis"><span class="what">{e(ref.layer)} span</span> by {e(ref.coder)} '
                f"({ref.start}–{ref.end}) has no counterpart from {e(', '.join(missing))}"
                f"{self._context(ref.document_id, ref.start, ref.end)}</div>")

    def attribute_item(self, item: AttributeDisagreement) -> str:
        a, b = item.spans
        diffs = "; ".join(f"{e(f)}: {e(item.coders[0])} = {self.value_label(f'{item.layer}.{f}', va)}, "
                          f"{e(item.coders[1])} = {self.value_label(f'{item.layer}.{f}', vb)}"
                          for f, va, vb in item.differences)
        extent = "" if (a.start, a.end) == (b.start, b.end) else (
            f" (spans {a.start}–{a.end} and {b.start}–{b.end})")
        start, end = min(a.start, b.start), max(a.end, b.end)
        return (f'<div class="dis"><span class="what">{e(item.layer)}</span>{extent}: {diffs}'
                f"{self._context(item.document_id, start, end)}</div>")

    def field_item(self, item: FieldDisagreement) -> str:
        values = "; ".join(f"{e(coder)} = {self.value_label(item.key, value)}" for coder, value in item.values)
        return f'<div class="dis"><span class="what">{e(item.key)}</span>: {values}</div>'


def render_html(summary: AgreementSummary, texts: Mapping[str, str], *, codebook: Codebook | None = None,
                title: str = "Inter-annotator agreement", source: str | None = None, charts: bool = True,
                gold: GoldAgreement | None = None) -> str:
    """The report as one HTML string.

    ``texts`` maps document ids to their text (for the context of each disagreement);
    ``codebook`` adds value labels to disagreements; ``source`` names the project in the header;
    ``gold`` (:func:`annotator.gold.agreement.gold_agreement`) adds each coder against gold.
    """
    return _Report(summary, texts, codebook, charts, gold).page(title, source)


def project_texts(project: Any, summary: AgreementSummary) -> dict[str, str]:
    """The texts of the summary's documents, read from a project."""
    return {d: project.document(d).text for d in summary.documents}


def write_html(path: str | Path, summary: AgreementSummary, texts: Mapping[str, str], **kwargs: Any) -> Path:
    """Write :func:`render_html` to ``path`` (UTF-8); returns the path."""
    path = Path(path)
    path.write_text(render_html(summary, texts, **kwargs), encoding="utf-8")
    return path
