"""The current document's annotations as a sortable table, kept in step with the article view."""

from __future__ import annotations

from collections.abc import Sequence

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QWidget

from annotator.codebook import Codebook
from annotator.model import Annotation


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


class AnnotationsModel(QAbstractTableModel):
    """Columns: layer, quote, key attributes, start. ``IdRole`` gives the annotation id."""

    IdRole = Qt.ItemDataRole.UserRole + 1
    HEADERS = ("Layer · الطبقة", "Quote · النص", "Fields · الحقول", "Offset")

    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(parent)
        self.codebook = codebook
        self._rows: list[Annotation] = []

    def set_annotations(self, annotations: Sequence[Annotation]) -> None:
        self.beginResetModel()
        self._rows = list(annotations)
        self.endResetModel()

    def row_of(self, annotation_id: str) -> int | None:
        return next((i for i, a in enumerate(self._rows) if a.id == annotation_id), None)

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole):  # noqa: N802
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        ann = self._rows[index.row()]
        col = index.column()
        if role == self.IdRole:
            return ann.id
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return self.codebook.layer(ann.layer).label.en if self.codebook.has_layer(ann.layer) else ann.layer
            if col == 1:
                return ann.quote.replace("\n", " ")
            if col == 2:
                return key_attributes(self.codebook, ann)
            return ann.start
        if role == Qt.ItemDataRole.EditRole:  # sort keys
            return (ann.layer, ann.quote, key_attributes(self.codebook, ann), ann.start)[col]
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and self.codebook.has_layer(ann.layer):
            return QColor(self.codebook.layer(ann.layer).color)
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
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.ResizeToContents)

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
