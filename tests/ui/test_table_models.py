"""The window's item models pass Qt's model tester, through resets and single-row changes."""

from __future__ import annotations

from dataclasses import replace

from annotator.codebook import Codebook
from annotator.model import Annotation
from annotator.ui.annotations_table import AnnotationsModel
from annotator.ui.document_list import DocumentListModel


def ann(i: int, layer: str = "actor", **attrs) -> Annotation:
    return Annotation(f"a{i}", "d", "mona", layer, i * 10, i * 10 + 3, f"نص{i}", attrs)


def test_annotations_model_inserts_removes_and_updates_rows(qtmodeltester) -> None:
    model = AnnotationsModel(Codebook.default())
    model.set_annotations([ann(1), ann(3)])
    qtmodeltester.check(model)
    model.set_annotations([ann(1), ann(2, "casualty"), ann(3)])  # one created
    assert [model.data(model.index(r, 1)) for r in range(3)] == ["نص1", "نص2", "نص3"]
    model.set_annotations([ann(1), ann(3)])  # one deleted
    assert model.row_of("a3") == 1
    model.set_annotations([ann(1), replace(ann(3), attrs={"role": "target"})])  # one edited
    assert model.data(model.index(1, 2)) == "مستهدف"
    model.set_annotations([ann(5)])  # a new document
    assert model.rowCount() == 1
    qtmodeltester.check(model)


def test_document_list_model(qtmodeltester) -> None:
    model = DocumentListModel()
    model.set_rows([("d1", "عنوان أول", "todo"), ("d2", "عنوان ثان", "done")])
    model.set_status("d1", "in_progress")
    assert model.statuses() == [("d1", "in_progress"), ("d2", "done")]
    qtmodeltester.check(model)
