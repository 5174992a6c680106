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

    Display values are computed once per annotation change, not per paint, and an edit that
    keeps the same set of spans updates only the changed rows: the table stays cheap at hundreds
    of annotations.
    """

    IdRole = Qt.ItemDataRole.UserRole + 1
    HEADERS = ("Layer · الطبقة", "Quote · النص", "Fields · الحقول", "Offset")

    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(parent)
        self.codebook = codebook
        self._rows: list[Annotation] = []
        self._cells: list[tuple[str, str, str, int]] = []
        self._colors: list[QColor | None] = []
        self._index: dict[str, int] = {}

    def _cells_of(self, ann: Annotation) -> tuple[str, str, str, int]:
        layer = self.codebook.layer(ann.layer).label.en if self.codebook.has_layer(ann.layer) else ann.layer
        return layer, ann.quote.replace("\n", " "), key_attributes(self.codebook, ann), ann.start

    def set_annotations(self, annotations: Sequence[Annotation]) -> None:
        annotations = list(annotations)
        old_ids, new_ids = [a.id for a in self._rows], [a.id for a in annotations]
        if len(new_ids) == len(old_ids) + 1 and old_ids == [i for i in new_ids if i in self._index]:
            row = next(r for r, i in enumerate(new_ids) if i not in self._index)  # one span created
            self.beginInsertRows(QModelIndex(), row, row)
            self._rows.insert(row, annotations[row])
            self._cells.insert(row, self._cells_of(annotations[row]))
            self._colors.insert(row, self._color_of(annotations[row]))
            self._reindex()
            self.endInsertRows()
        elif len(new_ids) == len(old_ids) - 1 and new_ids == [i for i in old_ids if i in set(new_ids)]:
            kept = set(new_ids)
            row = next(r for r, i in enumerate(old_ids) if i not in kept)  # one span deleted
            self.beginRemoveRows(QModelIndex(), row, row)
            del self._rows[row], self._cells[row], self._colors[row]
            self._reindex()
            self.endRemoveRows()
        elif new_ids != old_ids:
            self.beginResetModel()
            self._rows = annotations
            self._cells = [self._cells_of(a) for a in annotations]
            self._colors = [self._color_of(a) for a in annotations]
            self._reindex()
            self.endResetModel()
        for row, ann in enumerate(annotations):  # same spans: refresh only the rows that changed
            if ann != self._rows[row]:
                self._rows[row] = ann
                self._cells[row] = self._cells_of(ann)
                self._colors[row] = self._color_of(ann)
                self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.HEADERS) - 1))

    def _color_of(self, ann: Annotation) -> QColor | None:
        return QColor(self.codebook.layer(ann.layer).color) if self.codebook.has_layer(ann.layer) else None

    def _reindex(self) -> None:
        self._index = {a.id: i for i, a in enumerate(self._rows)}

    def row_of(self, annotation_id: str) -> int | None:
        return self._index.get(annotation_id)

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        row, col = index.row(), index.column()
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return self._cells[row][col]
        if role == self.IdRole:
            return self._rows[row].id
        if role == Qt.ItemDataRole.DecorationRole and col == 0:
            return self._colors[row]
        if role == Qt.ItemDataRole.TextAlignmentRole and col in (1, 2):
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class AnnotationsTable(QTableView):
    """A sortable view of :class:`AnnotationsModel`; the window syncs its selection with the view."""

    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(parent)
        self.source = AnnotationsModel(codebook, self)
        self.proxy = QSortFilterProxyModel(self)
        self.proxy.setSourceModel(self.source)
        self.proxy.setSortRole(Qt.ItemDataRole.EditRole)
        self.setModel(self.proxy)
        self.setSortingEnabled(True)
        self.sortByColumn(3, Qt.SortOrder.AscendingOrder)
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
