"""The HTML report (escaping, anchors, Arabic context), the chart, and the text/CSV renderings."""

from __future__ import annotations

import base64
import csv
import io
import re
from collections.abc import Callable
from pathlib import Path

import pytest
from matplotlib import image

from annotator.agreement.chart import LAYS_OUT_ARABIC, Bar, alpha_chart, arabic_font_family, arabic_label
from annotator.agreement.formats import SUMMARY_HEADER, csv_text, render_text, summary_rows
from annotator.agreement.reliability import agreement_summary
from annotator.agreement.report import context_html, doc_anchor, project_texts, render_html, write_html
from annotator.arabic import shape_for_display
from annotator.model import Document
from annotator.store import Project

EVIL_TITLE = "<script>alert(1)</script>"
EVIL_NAME = '<img src=x onerror="alert(2)">'
TEXT = "قالت مصادر محلية إن <b>غارة</b> قتلت ثلاثة مدنيين. ونفى الجيش ذلك في بيان."


@pytest.fixture
def evil(new_location: Callable[..., Path | str]) -> Project:
    """Markup in a title, in the article text and in an attribute value; two coders disagree."""
    p = Project.open(new_location("evil"), create=True)
    p.add_documents([Document(id="x&y", title=EVIL_TITLE, text=TEXT)])
    for coder in ("a", "b"):
        p.add_coder(coder)
        p.assign(["x&y"], coder)
    start = TEXT.index("الجيش")
    p.create_annotation("a", "x&y", "actor", start, start + 5,
                        {"name": EVIL_NAME, "actor_type": "state_forces", "role": "other_party"})
    p.create_annotation("b", "x&y", "actor", start, start + 5,
                        {"name": "الجيش", "actor_type": "rebel_group", "role": "other_party"})
    g = TEXT.index("<b>")
    p.create_annotation("a", "x&y", "claim", g, g + 11, {"claim_type": "allegation", "stance": "asserted"})
    for coder in ("a", "b"):
        p.mark_done(coder, "x&y", force=True)
    yield p
    p.close()


def test_everything_is_escaped(evil: Project):
    summary = agreement_summary(evil, n_boot=20)
    page = render_html(summary, project_texts(evil, summary), codebook=evil.codebook)
    assert EVIL_TITLE not in page and "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert "<img src=x" not in page and "&lt;img src=x onerror=&quot;alert(2)&quot;&gt;" in page
    assert "<b>غارة</b>" not in page and "&lt;b&gt;غارة&lt;/b&gt;" in page
    assert "x&amp;y" in page and 'id="doc-x_26_y"' in page
    # The only scripts-like tags are ours: no <script> at all, and every <img> is a data: PNG.
    assert "<script" not in page
    assert all(src.startswith("data:image/png;base64,") for src in re.findall(r'<img[^>]* src="([^"]*)"', page))


def test_disagreements_link_to_document_sections_with_arabic_context(demo: Project):
    summary = agreement_summary(demo, n_boot=50)
    page = render_html(summary, project_texts(demo, summary), codebook=demo.codebook)
    assert page.startswith("<!DOCTYPE html>")
    for doc_id in summary.documents:
        assert f'<section id="{doc_anchor(doc_id)}">' in page
        assert f'<h3><span dir="auto">{summary.titles[doc_id]}</span>' in page  # sample titles have no markup
    linked = set(re.findall(r'href="#(doc-[^"]+)"', page))
    assert linked and linked <= {doc_anchor(d) for d in summary.documents}
    assert page.count('<div class="ctx" dir="rtl" lang="ar">') >= len(summary.attribute_disagreements)
    unmatched = sum(len(p.unmatched) for layer in summary.layers for p in layer.pairs)
    assert unmatched > 0 and page.count("has no counterpart from") > 0
    for band in ("reliable", "tentative", "unreliable"):
        assert f'class="band band-{band}"' in page
    assert page.count('src="data:image/png;base64,') == len(summary.layers) + 1


def test_context_is_the_sentence_with_the_span_marked():
    start = TEXT.index("الجيش")
    html_ = context_html(TEXT, start, start + 5)
    assert html_ == ('<div class="ctx" dir="rtl" lang="ar">ونفى <mark>الجيش</mark> ذلك في بيان.</div>')
    g = TEXT.index("<b>")
    assert "<mark>&lt;b&gt;غارة&lt;/b&gt;</mark>" in context_html(TEXT, g, g + 11)


def test_chart_renders_with_the_bundled_arabic_font(tmp_path: Path):
    assert arabic_font_family() == "Noto Sans Arabic"
    png = alpha_chart("Casualty — ضحايا", [Bar("Outcome", "النتيجة", 0.91, 0.85, 0.96),
                                          Bar("Victim group", "فئة الضحايا", 0.7, 0.55, 0.8),
                                          Bar("Women", "بينهم نساء", float("nan"))])
    assert png.startswith(b"\x89PNG\r\n\x1a\n")
    pixels = image.imread(io.BytesIO(png))
    assert pixels.shape[0] > 200 and pixels.shape[1] > 600
    (tmp_path / "chart.png").write_bytes(png)


def test_arabic_labels_are_reshaped_only_where_matplotlib_cannot():
    # matplotlib with libraqm shapes and orders Arabic itself; reshaping would reverse it twice.
    expected = "فئة الضحايا" if LAYS_OUT_ARABIC else shape_for_display("فئة الضحايا")
    assert arabic_label("فئة الضحايا") == expected


def test_write_html_embeds_charts(demo: Project, tmp_path: Path):
    summary = agreement_summary(demo, n_boot=20, layers=["casualty"])
    path = write_html(tmp_path / "r.html", summary, project_texts(demo, summary))
    page = path.read_text(encoding="utf-8")
    data = re.search(r'src="data:image/png;base64,([^"]+)"', page).group(1)
    assert base64.b64decode(data).startswith(b"\x89PNG")


def test_text_report_and_csv_summary(demo: Project):
    summary = agreement_summary(demo, n_boot=20)
    text = render_text(summary)
    assert "ACTOR (actor)" in text and "spans (alpha_U)" in text and "WARNINGS" in text
    assert "UNMATCHED SPANS" in text and "«" in text
    rows = list(csv.reader(io.StringIO(csv_text(summary_rows(summary)))))
    assert rows[0] == SUMMARY_HEADER
    sections = {r[0] for r in rows[1:]}
    assert {"spans", "span_matching", "attribute", "document", "actors", "warning"} <= sections
    assert all(len(r) == len(SUMMARY_HEADER) for r in rows)


def test_terminal_text_can_shape_arabic(demo: Project):
    summary = agreement_summary(demo, n_boot=20, layers=["actor"])
    quote = next(p.unmatched[0].quote for p in summary.layers[0].pairs if p.unmatched)
    assert f"«{shape_for_display(quote)}»" in render_text(summary, shape_for_display)
    assert f"«{quote}»" in render_text(summary)
