"""The agreement report as PDF, through Qt's rich-text engine (which shapes Arabic and lays out
right-to-left paragraphs itself, unlike PDF libraries without a shaping engine).

Qt renders a subset of HTML and CSS: the report's tables, colours, images and ``dir="rtl"``
blocks come through; collapsible ``<details>`` are printed open, which suits paper.
"""

from __future__ import annotations

import base64
import re
from pathlib import Path

from PySide6.QtCore import QMarginsF, QUrl
from PySide6.QtGui import QFont, QImage, QPageLayout, QPageSize, QPdfWriter, QTextDocument

from annotator.ui.fonts import arabic_families

_DATA_IMAGE = re.compile(r'src="data:image/png;base64,([^"]+)"')
# Qt reads CSS line-height as a fixed multiple that makes wrapped table rows very tall, and
# sizes tables to their content: drop the one, stretch the other to the page width.
_LINE_HEIGHT = re.compile(r"line-height:[^;}]+;?")
# Qt's rich text has no <mark>; the same highlight as a styled span.
_MARK = ('<span style="background-color:#ffe08a">', "</span>")


def write_pdf(html: str, path: str | Path) -> Path:
    """Print a report page (from :func:`annotator.agreement.report.render_html`) to an A4 PDF.

    Needs a running QGuiApplication (fonts and images come from it).
    """
    path = Path(path)
    document = QTextDocument()
    document.setDefaultFont(QFont(arabic_families()[0], 8))
    images: list[bytes] = []

    def resource(match: re.Match) -> str:
        images.append(base64.b64decode(match.group(1)))
        return f'src="chart{len(images)}.png" width="620"'

    html = _DATA_IMAGE.sub(resource, html).replace("<mark>", _MARK[0]).replace("</mark>", _MARK[1])
    html = _LINE_HEIGHT.sub("", html).replace("<table>", '<table width="100%" cellspacing="0" cellpadding="2">')
    for number, png in enumerate(images, start=1):
        document.addResource(QTextDocument.ResourceType.ImageResource, QUrl(f"chart{number}.png"),
                             QImage.fromData(png, "PNG"))
    document.setHtml(html)
    writer = QPdfWriter(str(path))
    writer.setPageLayout(QPageLayout(QPageSize(QPageSize.PageSizeId.A4), QPageLayout.Orientation.Portrait,
                                     QMarginsF(12, 12, 12, 12), QPageLayout.Unit.Millimeter))
    writer.setTitle("Inter-annotator agreement")
    document.print_(writer)
    return path
