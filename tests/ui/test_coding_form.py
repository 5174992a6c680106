"""Field editors and the coding form generated from the codebook."""

from __future__ import annotations

import pytest
from PySide6.QtCore import QPoint, QPointF, Qt
from PySide6.QtGui import QWheelEvent
from PySide6.QtWidgets import QApplication, QCheckBox, QComboBox, QLineEdit, QStyle, QStyleOptionViewItem

from annotator.codebook import Codebook, Field, Label
from annotator.model import Annotation, Link
from annotator.ui.coding_form import HINT, CodingForm
from annotator.ui.field_editors import (BooleanEditor, ChoiceEditor, DateEditor, MultiChoiceEditor, NumberEditor,
                                        TextEditor, label_for, make_editor, make_label)

TEXT = "قال مصدر طبي إن قوات النظام قتلت ١٢ مدنياً، فيما نفت قسد ذلك."


def ann(ann_id: str, layer: str, quote: str, attrs: dict | None = None) -> Annotation:
    start = TEXT.index(quote)
    return Annotation(ann_id, "doc-1", "mona", layer, start, start + len(quote), quote, attrs or {})


CASUALTY = ann("k1", "casualty", "١٢ مدنياً", {"outcome": "killed", "best": 12})
CLAIM = ann("c1", "claim", "نفت قسد ذلك", {"claim_type": "denial"})
ACTORS = [ann("a1", "actor", "قوات النظام"), ann("a2", "actor", "قسد")]
SOURCE = ann("s1", "source", "مصدر طبي")
ALL = [CASUALTY, CLAIM, SOURCE, *ACTORS]


@pytest.fixture
def form(qtbot, codebook: Codebook, font_families: list[str]) -> CodingForm:
    widget = CodingForm(codebook)
    font = widget.font()
    font.setFamilies(font_families)
    widget.setFont(font)
    widget.resize(460, 900)
    qtbot.addWidget(widget)
    widget.show()
    qtbot.waitExposed(widget)
    return widget


def recorder(signal) -> list[tuple]:
    calls: list[tuple] = []
    signal.connect(lambda *args: calls.append(args))
    return calls


# -- field editors ------------------------------------------------------------------------------


@pytest.mark.parametrize(("layer", "field_id", "value", "kind"), [
    ("actor", "actor_type", "rebel_group", ChoiceEditor),
    (None, "event_type", ["battles", "protests"], MultiChoiceEditor),
    ("casualty", "low", 7, NumberEditor),
    ("casualty", "women", True, BooleanEditor),
    (None, "relevant", False, BooleanEditor),
    ("actor", "name", "قوات سوريا الديمقراطية", TextEditor),
    (None, "event_date", "2024-03-05", DateEditor),
])
def test_every_field_type_round_trips_silently(qtbot, codebook: Codebook, layer: str | None, field_id: str,
                                               value: object, kind: type) -> None:
    field = codebook.layer(layer).field(field_id) if layer else codebook.document_field(field_id)
    editor = make_editor(field)
    qtbot.addWidget(editor)
    assert isinstance(editor, kind)
    edits = recorder(editor.edited)
    editor.set_value(value)
    assert editor.value() == value
    editor.set_value(None)
    assert editor.value() in (None, False)  # an optional check box has no "unanswered" state
    assert edits == []


def test_choice_editor_lists_labels_and_emits_on_user_choice(qtbot, codebook: Codebook) -> None:
    editor = make_editor(codebook.layer("claim").field("stance"))
    qtbot.addWidget(editor)
    combo = editor.findChild(QComboBox)
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "—", "مؤكد — Asserted", "منفي — Denied", "غير مؤكد — Hedged / unconfirmed"]
    edits = recorder(editor.edited)
    combo.setCurrentIndex(2)  # what a click in the popup does
    assert edits == [("denied",)]
    combo.setCurrentIndex(0)
    assert edits[-1] == (None,)


def test_multichoice_value_is_in_codebook_order_and_empty_is_none(qtbot, codebook: Codebook) -> None:
    editor = make_editor(codebook.document_field("event_type"))
    qtbot.addWidget(editor)
    edits = recorder(editor.edited)
    boxes = editor.findChildren(QCheckBox)
    boxes[3].click()
    boxes[0].click()
    assert editor.value() == ["battles", "protests"]
    boxes[0].click()
    boxes[3].click()
    assert editor.value() is None
    assert edits[-1] == (None,) and len(edits) == 4


@pytest.mark.parametrize(("typed", "expected"), [("١٢", 12), ("12", 12), ("۱۵", 15), ("٣0", 30), ("", None)])
def test_number_editor_accepts_arabic_indic_digits(qtbot, codebook: Codebook, typed: str, expected: int | None) -> None:
    editor = make_editor(codebook.layer("casualty").field("best"))
    qtbot.addWidget(editor)
    editor.set_value(99)
    edits = recorder(editor.edited)
    line = editor.findChild(QLineEdit)
    line.setText(typed)
    assert line.hasAcceptableInput()
    line.editingFinished.emit()  # Enter or leaving the field
    assert edits == [(expected,)]
    assert editor.value() == expected and editor.error() is None


def test_number_editor_refuses_letters_and_out_of_range(qtbot, codebook: Codebook) -> None:
    editor = make_editor(codebook.layer("casualty").field("best"))
    qtbot.addWidget(editor)
    edits = recorder(editor.edited)
    line = editor.findChild(QLineEdit)
    qtbot.keyClicks(line, "1x2")
    assert line.text() == "12"  # the validator drops what cannot be a number
    qtbot.keyClick(line, Qt.Key.Key_Return)
    assert edits == [(12,)]
    qtbot.keyClick(line, Qt.Key.Key_Minus)  # min is 0: no minus sign
    assert line.text() == "12"
    bounded = make_editor(Field("n", "number", Label("عدد", "n"), min=1, max=10))
    qtbot.addWidget(bounded)
    edits = recorder(bounded.edited)
    bounded.findChild(QLineEdit).setText("٤٠")
    bounded.commit()
    assert edits == [] and bounded.value() is None
    assert "maximum" in bounded.error()
    assert "c62828" in bounded.findChild(QLineEdit).styleSheet()  # red border
    bounded.findChild(QLineEdit).setText("٤")
    bounded.commit()
    assert edits == [(4,)] and bounded.error() is None


def test_date_editor_accepts_iso_dates_only(qtbot, codebook: Codebook) -> None:
    editor = make_editor(codebook.document_field("event_date"))
    qtbot.addWidget(editor)
    edits = recorder(editor.edited)
    line = editor.findChild(QLineEdit)
    for bad in ("2024-02-30", "5/3/2024", "2024-3-5"):
        line.setText(bad)
        editor.commit()
        assert editor.error() is not None
    assert edits == []
    line.setText("٢٠٢٤-٠٣-٠٥")
    editor.commit()
    assert edits == [("2024-03-05",)] and editor.error() is None


def test_typed_text_is_one_edit_when_finished(qtbot, codebook: Codebook) -> None:
    editor = make_editor(codebook.document_field("location"))
    qtbot.addWidget(editor)
    edits = recorder(editor.edited)
    line = editor.findChild(QLineEdit)
    qtbot.keyClicks(line, "Homs")
    assert edits == []
    qtbot.keyClick(line, Qt.Key.Key_Return)
    editor.commit()  # nothing new
    assert edits == [("Homs",)]
    line.setText("   ")
    editor.commit()
    assert edits[-1] == (None,)


def test_required_boolean_stays_unanswered_until_chosen(qtbot, codebook: Codebook) -> None:
    editor = make_editor(codebook.document_field("relevant"))
    qtbot.addWidget(editor)
    edits = recorder(editor.edited)
    assert editor.value() is None
    editor.buttons[False].click()
    assert editor.value() is False and edits == [(False,)]
    editor.set_value(None)
    assert editor.value() is None and not editor.buttons[False].isChecked()


def test_labels_show_both_languages_and_mark_required_fields(codebook: Codebook, qapp) -> None:
    name = codebook.layer("actor").field("name")
    assert label_for(name) == "الاسم المعياري / Canonical name"
    assert "*" in make_label(name).text()
    assert "الاسم المعياري" in make_label(name).text() and "Canonical name" in make_label(name).text()
    assert "*" not in make_label(codebook.layer("casualty").field("women")).text()


# -- the form ------------------------------------------------------------------------------------


def test_without_a_span_the_form_shows_the_hint(form: CodingForm) -> None:
    assert form.pages.currentWidget() is form.hint
    assert form.hint.isVisible()
    assert "Select text and press a layer key" in HINT and "حدّد" in HINT
    form.show_annotation(CASUALTY, ALL, [])
    form.show_annotation(None, ALL, [])
    assert form.hint.isVisible() and not form.header.isVisible()


def test_show_annotation_fills_the_layer_page_without_emitting(form: CodingForm) -> None:
    edits = recorder(form.attrsEdited) + recorder(form.linkTargetsEdited)
    form.show_annotation(CASUALTY, ALL, [])
    assert form.editor("outcome", "casualty").value() == "killed"
    assert form.editor("best", "casualty").value() == 12
    assert form.editor("low", "casualty").value() is None
    assert "ضحايا" in form.header.text() and "١٢ مدنياً" in form.header.text()
    assert form.editor("outcome", "casualty").isVisible()
    assert not form.editor("name", "actor").isVisible()
    assert edits == []


def test_editing_a_choice_emits_the_full_attributes(form: CodingForm) -> None:
    form.show_annotation(CASUALTY, ALL, [])
    edits = recorder(form.attrsEdited)
    form.editor("victim_group", "casualty").findChild(QComboBox).setCurrentIndex(1)
    assert edits == [("k1", {"outcome": "killed", "best": 12, "victim_group": "civilians",
                             "women": False, "children": False})]


def test_ascending_check_blocks_the_edit_and_shows_why(form: CodingForm) -> None:
    form.show_annotation(CASUALTY, ALL, [])
    edits = recorder(form.attrsEdited)
    low = form.editor("low", "casualty")
    low.findChild(QLineEdit).setText("٢٠")
    low.commit()
    assert edits == []
    assert form.problem.isVisible() and "low (20) must not exceed best (12)" in form.problem.text()
    high = form.editor("high", "casualty")  # still blocked while low > best
    high.findChild(QLineEdit).setText("30")
    high.commit()
    assert edits == []
    best = form.editor("best", "casualty")
    best.findChild(QLineEdit).setText("25")
    best.commit()
    assert not form.problem.isVisible()
    assert edits[-1][1] == {"outcome": "killed", "low": 20, "best": 25, "high": 30, "women": False, "children": False}


def test_link_editors_offer_only_allowed_layers(form: CodingForm, codebook: Codebook) -> None:
    links = [Link("l1", "doc-1", "mona", "k1", "a1", "perpetrator"),
             Link("l2", "doc-1", "mona", "c1", "a2", "perpetrator")]  # another span's link
    form.show_annotation(CASUALTY, ALL, links)
    perpetrator = form.link_editor("casualty", "perpetrator")
    assert [text for _, text in perpetrator.options()] == ["قوات النظام (فاعل)", "قسد (فاعل)"]
    assert perpetrator.targets() == ["a1"]
    assert [i for i, _ in form.link_editor("casualty", "reported_by").options()] == ["s1"]
    edits = recorder(form.linkTargetsEdited)
    perpetrator.list.set_checked(1, True)
    assert edits == [("k1", "perpetrator", ["a1", "a2"])]
    # A refresh from the store (as the window does after every edit) re-checks without emitting.
    form.show_annotation(CASUALTY, ALL, links + [Link("l3", "doc-1", "mona", "k1", "a2", "perpetrator")])
    assert perpetrator.targets() == ["a1", "a2"] and len(edits) == 1


def test_refreshing_from_inside_the_signals_is_safe(form: CodingForm) -> None:
    """The window answers every edit by showing the stored state again, from inside the slot."""
    state = {"attrs": dict(CASUALTY.attrs), "links": []}

    def store_attrs(ann_id: str, attrs: dict) -> None:
        state["attrs"] = attrs
        form.show_annotation(Annotation(ann_id, "doc-1", "mona", "casualty", CASUALTY.start, CASUALTY.end,
                                        CASUALTY.quote, attrs), ALL, state["links"])

    def store_links(ann_id: str, kind: str, ids: list) -> None:
        state["links"] = [Link(f"l{i}", "doc-1", "mona", ann_id, t, kind) for i, t in enumerate(ids)]
        form.show_annotation(CASUALTY, ALL, state["links"])

    form.attrsEdited.connect(store_attrs)
    form.linkTargetsEdited.connect(store_links)
    form.show_annotation(CASUALTY, ALL, [])
    perpetrator = form.link_editor("casualty", "perpetrator")
    perpetrator.list.set_checked(0, True)
    perpetrator.list.set_checked(1, True)
    assert [link.to_id for link in state["links"]] == ["a1", "a2"] == perpetrator.targets()
    form.editor("quantifier", "casualty").findChild(QComboBox).setCurrentIndex(1)
    best = form.editor("best", "casualty").findChild(QLineEdit)
    best.setText("13")
    best.editingFinished.emit()
    assert state["attrs"]["quantifier"] == "exact" and state["attrs"]["best"] == 13
    assert form.editor("best", "casualty").value() == 13


def test_combo_ignores_the_wheel_unless_focused(form: CodingForm, qtbot) -> None:
    form.show_annotation(CASUALTY, ALL, [])
    combo = form.editor("outcome", "casualty").findChild(QComboBox)
    assert not combo.hasFocus()
    center = QPointF(combo.rect().center())
    wheel = QWheelEvent(center, QPointF(combo.mapToGlobal(combo.rect().center())), QPoint(), QPoint(0, -120),
                        Qt.MouseButton.NoButton, Qt.KeyboardModifier.NoModifier, Qt.ScrollPhase.NoScrollPhase, False)
    QApplication.sendEvent(combo, wheel)
    assert form.editor("outcome", "casualty").value() == "killed"


def test_single_link_is_a_combo_with_an_empty_choice(form: CodingForm) -> None:
    form.show_annotation(CLAIM, ALL, [Link("l1", "doc-1", "mona", "c1", "s1", "claimant")])
    claimant = form.link_editor("claim", "claimant")
    combo = claimant.combo
    assert [combo.itemText(i) for i in range(combo.count())] == [
        "—", "مصدر طبي (مصدر)", "قوات النظام (فاعل)", "قسد (فاعل)"]
    assert claimant.targets() == ["s1"]
    edits = recorder(form.linkTargetsEdited)
    combo.setCurrentIndex(3)
    combo.setCurrentIndex(0)
    assert edits == [("c1", "claimant", ["a2"]), ("c1", "claimant", [])]
    about = form.link_editor("claim", "about")  # claim -> casualty or actor, several allowed
    assert [i for i, _ in about.options()] == ["a1", "k1", "a2"]


def test_a_link_target_is_checked_with_the_mouse_or_the_space_bar(form: CodingForm, qtbot) -> None:
    form.show_annotation(CASUALTY, ALL, [])
    perpetrator = form.link_editor("casualty", "perpetrator")
    view = perpetrator.list
    edits = recorder(form.linkTargetsEdited)
    option = QStyleOptionViewItem()
    view.initViewItemOption(option)
    option.rect = view.visualRect(view.model().index(1))
    option.features |= QStyleOptionViewItem.ViewItemFeature.HasCheckIndicator
    box = view.style().subElementRect(QStyle.SubElement.SE_ItemViewItemCheckIndicator, option, view)
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=box.center())
    assert edits == [("k1", "perpetrator", ["a2"])]
    view.setFocus()
    view.setCurrentIndex(view.model().index(0))
    qtbot.keyClick(view, Qt.Key.Key_Space)
    assert edits[-1] == ("k1", "perpetrator", ["a1", "a2"]) and perpetrator.targets() == ["a1", "a2"]


def test_a_span_added_or_deleted_adds_or_removes_its_one_row(form: CodingForm) -> None:
    # A document may hold thousands of spans: the lists change by the row that changed, and the
    # coder's checks stay where they were.
    a3 = ann("a3", "actor", "مدنياً")  # between the two actors in text order
    links = [Link("l1", "doc-1", "mona", "k1", "a2", "perpetrator")]
    form.show_annotation(CASUALTY, ALL, links)
    perpetrator = form.link_editor("casualty", "perpetrator")
    rows = recorder(perpetrator.list.model().rowsInserted), recorder(perpetrator.list.model().rowsRemoved)
    resets = recorder(perpetrator.list.model().modelReset)
    assert perpetrator.targets() == ["a2"]
    form.show_annotation(CASUALTY, [*ALL, a3], links)
    texts = [perpetrator.list.text(i) for i in range(perpetrator.list.count())]
    assert texts == [text for _, text in perpetrator.options()] == ["قوات النظام (فاعل)", "مدنياً (فاعل)", "قسد (فاعل)"]
    assert [args[1:] for args in rows[0]] == [(1, 1)] and perpetrator.targets() == ["a2"]
    form.show_annotation(CASUALTY, [CASUALTY, CLAIM, SOURCE, a3, ACTORS[1]], links)  # a1 deleted
    assert [i for i, _ in perpetrator.options()] == ["a3", "a2"] and perpetrator.list.count() == 2
    assert [args[1:] for args in rows[1]] == [(0, 0)] and perpetrator.targets() == ["a2"]
    assert resets == []
    form.show_annotation(CLAIM, ALL, [Link("l2", "doc-1", "mona", "c1", "a2", "claimant")])
    claimant = form.link_editor("claim", "claimant")
    form.show_annotation(CLAIM, [*ALL, a3], [Link("l2", "doc-1", "mona", "c1", "a2", "claimant")])
    combo = claimant.combo
    assert [combo.itemData(i) for i in range(combo.count())] == [None, "s1", "a1", "a3", "a2"]
    assert claimant.targets() == ["a2"]


def test_a_link_without_candidates_says_so(form: CodingForm) -> None:
    form.show_annotation(CASUALTY, [CASUALTY, *ACTORS], [])
    reported_by = form.link_editor("casualty", "reported_by")
    assert reported_by.empty.isVisible() and not reported_by.list.isVisible()
    assert form.link_editor("casualty", "perpetrator").list.isVisible()
    form.show_annotation(CASUALTY, ALL, [])
    assert reported_by.list.isVisible() and not reported_by.empty.isVisible()


def test_document_fields_emit_label_edits(form: CodingForm) -> None:
    edits = recorder(form.labelEdited)
    form.show_labels({"relevant": True, "event_type": ["battles"], "notes": "<b>ملاحظة</b>"})
    assert form.editor("relevant").value() is True
    assert form.editor("notes").value() == "<b>ملاحظة</b>"
    assert edits == []
    form.editor("confidence").findChild(QComboBox).setCurrentIndex(3)
    form.editor("event_type").findChildren(QCheckBox)[1].click()
    form.editor("relevant").buttons[False].click()
    assert edits == [("confidence", "high"), ("event_type", ["battles", "explosions_remote_violence"]),
                     ("relevant", False)]
    form.show_labels({})
    assert form.editor("event_type").value() is None and form.editor("relevant").value() is None


def test_missing_items_are_listed_and_hidden_when_none(form: CodingForm) -> None:
    form.set_missing(["relevant: required", "k1: outcome"])
    assert form.missing.isVisible()
    assert "relevant: required" in form.missing.text() and "k1: outcome" in form.missing.text()
    form.set_missing([])
    assert not form.missing.isVisible()


def test_proposals_are_shown_as_proposed_and_left_out_of_edits(form: CodingForm) -> None:
    edits = recorder(form.attrsEdited)
    dropped = recorder(form.proposalDropped)
    form.show_annotation(CASUALTY, ALL, [], {"low": 10, "high": 15, "quantifier": "range", "best": 99})
    assert edits == []
    assert form.editor("quantifier", "casualty").value() == "range"
    assert form.editor("quantifier", "casualty").is_proposed() and form.proposal_note.isVisible()
    # best is stored (12): a proposal never hides a saved value
    assert form.editor("best", "casualty").value() == 12 and not form.editor("best", "casualty").is_proposed()
    form.editor("outcome", "casualty").findChild(QComboBox).setCurrentIndex(2)
    assert edits[-1][1] == {"outcome": "injured", "best": 12, "women": False, "children": False}
    # the coder sets a proposed field themselves: it is theirs now, and stored
    low = form.editor("low", "casualty")
    low.findChild(QLineEdit).setText("11")
    low.commit()
    assert dropped == [("k1", "low")] and not low.is_proposed()
    assert edits[-1][1]["low"] == 11 and "high" not in edits[-1][1]
    form.show_annotation(CASUALTY, ALL, [])
    assert not form.proposal_note.isVisible() and not form.editor("quantifier", "casualty").is_proposed()


def test_return_and_escape_say_the_coder_is_done_with_the_form(form: CodingForm, qtbot) -> None:
    finished = recorder(form.finished)
    form.activateWindow()
    form.show_annotation(CASUALTY, ALL, [])
    low = form.editor("low", "casualty").findChild(QLineEdit)
    low.setFocus()
    qtbot.waitUntil(low.hasFocus)
    qtbot.keyClicks(low, "7")
    qtbot.keyClick(low, Qt.Key.Key_Return)
    assert len(finished) == 1
    combo = form.editor("outcome", "casualty").findChild(QComboBox)
    combo.setFocus()
    qtbot.waitUntil(combo.hasFocus)
    qtbot.keyClick(combo, Qt.Key.Key_Escape)
    assert len(finished) == 2


def test_missing_list_isolates_arabic_quotes_in_english_lines(form: CodingForm) -> None:
    form.set_missing(["casualty «١٢ مدنياً»: “Victim group” is empty", "a <b> tag"])
    text = form.missing.text()
    assert "«\u2067١٢ مدنياً\u2069»" in text
    assert "a &lt;b&gt; tag" in text  # problems are escaped, never markup
    assert "<li>" in text and "dir='ltr'" in text


def test_switching_spans_commits_a_value_still_being_typed(form: CodingForm) -> None:
    form.show_annotation(CASUALTY, ALL, [])
    edits = recorder(form.attrsEdited)
    form.editor("low", "casualty").findChild(QLineEdit).setText("5")  # typed, Enter not pressed
    form.show_annotation(ACTORS[0], ALL, [])
    assert edits == [("k1", {"outcome": "killed", "best": 12, "low": 5, "women": False, "children": False})]
    form.editor("name", "actor").findChild(QLineEdit).setText("قوات النظام السوري")
    form.commit()
    assert edits[-1] == ("a1", {"name": "قوات النظام السوري"})


def test_focus_first_empty_required(form: CodingForm, qtbot) -> None:
    form.activateWindow()
    form.show_annotation(CASUALTY, ALL, [])
    assert form.focus_first_empty_required()
    qtbot.waitUntil(lambda: form.editor("victim_group", "casualty").hasFocus())
    form.show_annotation(ann("x", "claim", "نفت", {"claim_type": "denial", "stance": "denied"}), ALL, [])
    assert form.focus_first_empty_required()
    qtbot.waitUntil(lambda: form.editor("relevant").hasFocus())
    form.show_labels({"relevant": True})
    assert not form.focus_first_empty_required()


def test_actor_completions_reach_the_actor_name_field(form: CodingForm) -> None:
    names = ["قوات سوريا الديمقراطية (قسد)", "تنظيم الدولة (داعش)"]
    form.set_actor_completions(names)
    completer = form.editor("name", "actor").findChild(QLineEdit).completer()
    assert completer.model().stringList() == names
    assert form.editor("location").findChild(QLineEdit).completer() is None


def test_screenshot(form: CodingForm, qtbot) -> None:
    form.show_annotation(CASUALTY, ALL, [Link("l1", "doc-1", "mona", "k1", "a1", "perpetrator")])
    form.show_labels({"relevant": True, "event_type": ["battles"], "event_date": "2024-03-05"})
    form.set_missing(["document field “Relevant” is empty", "casualty «١٢ مدنياً»: “Victim group” is empty"])
    low = form.editor("low", "casualty")
    low.findChild(QLineEdit).setText("٢٠")
    low.commit()
    qtbot.wait(20)  # let the posted layout requests run
    form.grab().save("/tmp/coding_form.png")
