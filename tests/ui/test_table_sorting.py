"""The annotations table sorts by any column; by offset, ascending, it shows the model's own text
order (passed through, not sorted again), and cells are computed when asked for."""

from __future__ import annotations

from PySide6.QtCore import Qt

from annotator.codebook import Codebook
from annotator.model import Annotation
from annotator.ui.annotations_table import AnnotationsModel, AnnotationsTable

SPANS = [Annotation("a", "d", "mona", "source", 3, 9, "مصادر"),
         Annotation("b", "d", "mona", "actor", 3, 6, "قسد"),  # same start, shorter: after the outer one
         Annotation("c", "d", "mona", "casualty", 12, 20, "مقتل ١٢", {"outcome": "killed"}),
         Annotation("d", "d", "mona", "actor", 25, 29, "قوات")]


def shown(table: AnnotationsTable) -> list[str]:
    model = table.model()
    return [model.index(row, 0).data(AnnotationsModel.IdRole) for row in range(model.rowCount())]


def test_sorting_by_each_column_and_back_to_text_order(qtbot, codebook: Codebook) -> None:
    table = AnnotationsTable(codebook)
    qtbot.addWidget(table)
    table.source.set_annotations(SPANS)
    assert shown(table) == ["a", "b", "c", "d"]
    table.sortByColumn(0, Qt.SortOrder.AscendingOrder)  # layer names, English
    assert shown(table) == ["b", "d", "c", "a"]
    table.sortByColumn(AnnotationsModel.OFFSET_COLUMN, Qt.SortOrder.DescendingOrder)
    assert [table.model().index(r, 3).data() for r in range(4)] == [25, 12, 3, 3]
    table.sortByColumn(AnnotationsModel.OFFSET_COLUMN, Qt.SortOrder.AscendingOrder)
    assert shown(table) == ["a", "b", "c", "d"]
    table.source.set_annotations([SPANS[0], SPANS[2]])  # one deleted, in text order still
    assert shown(table) == ["a", "c"]


def test_cells_are_computed_when_asked_for(codebook: Codebook) -> None:
    model = AnnotationsModel(codebook)
    model.set_annotations(SPANS)
    assert model._cells == [None] * 4
    assert model.index(2, 2).data() == "قتلى"  # key attributes of the casualty
    assert model._cells[2] is not None and model._cells[0] is None
