"""The current document's annotations as a sortable table, kept in step with the article view."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from annotator.codebook import Codebook
from annotator.model import Annotation
from annotator.ui.table_model import HeaderedTableModel


def key_attributes(codebook: Codebook, ann: Annotation, limit: int = 3) -> str:
    """The first few filled fields of a span, choices by their Arabic label."""
    if not codebook.has_layer(ann.layer):
        return ""
    parts = []
    for spec in codebook.layer(ann.layer).fields:
        value = ann.attrs.get(spec.id)
        if value in (None, "", []):
            continue
        if spec.type == "choice" and (choice := spec.value(value)) is not None:
            parts.append(choice.label.ar)
        elif spec.type == "boolean":
            if value:
                parts.append(spec.label.ar)
        else:
            parts.append(str(value))
        if len(parts) == limit:
            break
    return " · ".join(parts)


class AnnotationsModel(HeaderedTableModel):
    """Columns: layer, quote, key attributes, start. ``IdRole`` gives the annotation id.

    Display values are computed once per annotation change, not per paint, and only for rows
    that are asked for (the rows on screen, or every row when sorted by another column); an edit
    that keeps the same set of spans updates only the changed rows: the table stays cheap at
    thousands of annotations.
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    HEADERS = ("Layer · الطبقة", "Quote · النص", "Fields · الحقول", "Offset")
    OFFSET_COLUMN = 3

    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(parent)
        self.codebook = codebook
        self._rows: list[Annotation] = []
        self._cells: list[tuple[str, str, str, int] | None] = []  # None: not asked for yet
        self._colors: dict[str, QColor | None] = {}  # per layer
        self._index: dict[str, int] = {}

    def _cells_of(self, ann: Annotation) -> tuple[str, str, str, int]:
        layer = self.codebook.layer(ann.layer).label.en if self.codebook.has_layer(ann.layer) else ann.layer
        return layer, ann.quote.replace("\n", " "), key_attributes(self.codebook, ann), ann.start

    def set_annotations(self, annotations: Sequence[Annotation]) -> None:
        annotations = list(annotations)
        old_ids, new_ids = [a.id for a in self._rows], [a.id for a in annotations]
        kept = set(new_ids)
        if len(new_ids) == len(old_ids) + 1 and old_ids == [i for i in new_ids if i in self._index]:
            row = next(r for r, i in enumerate(new_ids) if i not in self._index)  # one span created
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, annotations[row])
            self._cells.insert(row, None)
            self._reindex()
            self.endInsertRows()
        elif len(new_ids) == len(old_ids) - 1 and new_ids == [i for i in old_ids if i in kept]:
            row = next(r for r, i in enumerate(old_ids) if i not in kept)  # one span deleted
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row], self._cells[row]
            self._reindex()
            self.endRemoveRows()
        elif new_ids != old_ids:
            self.beginResetModel()
            self._rows = annotations
            self._cells = [None] * len(annotations)
            self._reindex()
            self.endResetModel()
        for row, ann in enumerate(annotations):  # same spans: refresh only the rows that changed
            if ann is not self._rows[row] and ann != self._rows[row]:
                self._rows[row] = ann
                self._cells[row] = None
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def _color_of(self, ann: Annotation) -> QColor | None:
        if ann.layer not in self._colors:
            layer = self.codebook.layer(ann.layer) if self.codebook.has_layer(ann.layer) else None
            self._colors[ann.layer] = QColor(layer.color) if layer else None
        return self._colors[ann.layer]

    def _reindex(self) -> None:
        self._index = {a.id: i for i, a in enumerate(self._rows)}

    def row_of(self, annotation_id: str) -> int | None:
        return self._index.get(annotation_id)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row, col = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            cells = self._cells[row]
            if cells is None:
                cells = self._cells[row] = self._cells_of(self._rows[row])
            return cells[col]
        if role == self.IdRole:
            return self._rows[row].id
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._color_of(self._rows[row])
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class _TextOrderProxy(QSortFilterProxyModel):
    """Sorts the table, except that offset ascending (the default) is the model's own row order,
    text order, which Qt's stable sort would only reproduce: it is passed through instead, so
    opening a document of thousands of spans does not ask the model for their offsets thousands
    of times over."""

    def sort(self, column: int, order: Qt.SortOrder = Qt.SortOrder.AscendingOrder) -> None:
        if column == AnnotationsModel.OFFSET_COLUMN and order == Qt.SortOrder.AscendingOrder:
            column = -1
        super().sort(column, order)


class AnnotationsTable(QTableView):
    """A sortable view of :class:`AnnotationsModel`; the window syncs its selection with the view."""

    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(parent)
        self.source = AnnotationsModel(codebook, self)
        self.proxy = _TextOrderProxy(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(Qt.ItemDataRole.EditRole)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(AnnotationsModel.OFFSET_COLUMN, Qt.SortOrder.AscendingOrder)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        header = self.horizontalHeader()
        # Fixed widths for the narrow columns: ResizeToContents would measure every row on each change.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        header.resizeSection(0, 110)
        header.resizeSection(3, 60)

    def current_id(self) -> str | None:
        index = self.currentIndex()
        return index.data(AnnotationsModel.IdRole) if index.isValid() else None

    def select(self, annotation_id: str | None) -> None:
        row = self.source.row_of(annotation_id) if annotation_id else None
        if row is None:
            self.clearSelection()
            return
        index = self.proxy.mapFromSource(self.source.index(row, 0))
        self.setCurrentIndex(index)
        self.scrollTo(index)
