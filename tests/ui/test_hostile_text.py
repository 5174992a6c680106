"""Markup in articles, titles, quotes and coder names is shown as characters: never rendered, never
fetched (issue 10, item 5). The core side (reports, CSV, YAML, limits): tests/test_hostile_input.py."""

from __future__ import annotations

from pathlib import Path

import pytest
from PySide6.QtCore import QSettings
from PySide6.QtGui import Qt
from PySide6.QtWidgets import QLabel

from annotator.model import Document
from annotator.offsets import OffsetMap
from annotator.store import Project
from annotator.ui.agreement_dialog import AgreementDialog
from annotator.ui.main_window import MainWindow

# An image, a link and a style sheet: rendered, they would be fragments of their own formats.
TEXT = ('<b>غامق</b> <img src="http://127.0.0.1:9/x.png"> <a href="http://127.0.0.1:9/">رابط</a> '
        '<style>body{display:none}</style><script>alert(1)</script> &amp; &lt;\n'
        "قالت مصادر إنّ قصفاً استهدف البلدة، =1+2 وأسفر عن مقتل ١٢ مدنياً. بيان <b>عاجل</b> اليوم.\n")
TITLE = "<h1>عنوان</h1> <img src='http://127.0.0.1:9/t.png'>"
CODERS = ("<b>mona</b>", "=omar")


@pytest.fixture
def project(tmp_path: Path) -> Project:
    p = Project.open(tmp_path / "p.annotator.db", create=True)
    p.add_documents([Document(id="<i>doc</i>", title=TITLE, text=TEXT)])
    quote = "<b>غامق</b>"
    start = TEXT.index(quote)
    for coder in CODERS:
        p.add_coder(coder)
        p.assign(["<i>doc</i>"], coder)
        p.create_annotation(coder, "<i>doc</i>", "actor", start, start + len(quote), {})
        p.mark_done(coder, "<i>doc</i>", force=True)
    yield p
    p.close()


@pytest.fixture
def window(qtbot, project: Project, tmp_path: Path) -> MainWindow:
    settings = QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)
    w = MainWindow(project, CODERS[0], settings=settings)
    qtbot.addWidget(w)
    w.show()
    qtbot.waitExposed(w)
    w.open_document("<i>doc</i>")
    return w


def test_an_article_with_markup_shows_every_character(qtbot, window: MainWindow) -> None:
    article = window.article
    assert article.toPlainText() == TEXT
    # Offsets still count the markup as the characters it is.
    start = TEXT.index("=1+2")
    assert OffsetMap(TEXT).to_qt(start) == article.toPlainText().index("=1+2")
    document = article.document()
    block = document.begin()
    while block.isValid():
        iterator = block.begin()
        while not iterator.atEnd():
            fragment = iterator.fragment()
            # Rendered markup would make an image fragment (which Qt then loads) or a link.
            assert not fragment.charFormat().isImageFormat(), fragment.text()
            assert not fragment.charFormat().isAnchor(), fragment.text()
            iterator += 1
        block = block.next()


def test_titles_and_labels_are_plain_text(window: MainWindow) -> None:
    assert window.title.text() == TITLE
    assert window.title.textFormat() == Qt.TextFormat.PlainText
    # Every label that shows data either is plain text or holds no markup-looking data.
    for label in window.findChildren(QLabel):
        if label.textFormat() != Qt.TextFormat.PlainText and label.isVisible():
            assert "<b>غامق</b>" not in label.text() and TITLE not in label.text(), label.text()


def shown_as_characters(tip: str, raw: str) -> bool:
    """Whether a tooltip shows ``raw`` as the characters it is: Qt renders a tooltip as markup
    when it looks like markup (Qt.mightBeRichText), so ``raw`` must then be escaped in it."""
    return raw in tip and not Qt.mightBeRichText(tip) or "&lt;" in tip and raw not in tip


def test_tooltips_show_quotes_as_characters(qtbot, window: MainWindow, project: Project) -> None:
    quote = "<b>غامق</b>"
    start = TEXT.index(quote)
    article = window.article
    assert "&lt;b&gt;غامق&lt;/b&gt;" not in article.tooltip_at(start + 4)  # the tooltip names fields, not quotes
    # A span whose quote opens a tag: "Undo create actor «بيان <b>عاجل»" would show عاجل in bold.
    quote = "بيان <b>عاجل"
    start = TEXT.index(quote)
    offsets = OffsetMap(TEXT)
    cursor = article.textCursor()
    cursor.setPosition(offsets.to_qt(start))
    cursor.setPosition(offsets.to_qt(start + len(quote)), cursor.MoveMode.KeepAnchor)
    article.setTextCursor(cursor)
    qtbot.keyClick(article, Qt.Key.Key_1)
    assert quote in [a.quote for a in project.annotations("<i>doc</i>", CODERS[0])]
    for tip in (window.undo_action.toolTip(), window.save_state.toolTip()):
        assert tip == "" or shown_as_characters(tip, quote) or quote not in tip, tip
    assert "عاجل" in window.undo_action.toolTip()


def test_agreement_dialog_shows_coder_names_as_characters(qtbot, project: Project) -> None:
    dialog = AgreementDialog(project, n_boot=20)
    qtbot.addWidget(dialog)
    shown = dialog.info.text()
    assert CODERS[0] in shown
    assert dialog.info.textFormat() == Qt.TextFormat.PlainText or not Qt.mightBeRichText(shown)
    tip = dialog.coders.item(0).toolTip()
    assert shown_as_characters(tip, CODERS[0]), tip
