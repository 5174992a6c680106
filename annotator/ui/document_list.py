"""The coder's assigned documents: status, Arabic title, filter and search."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field

from PySide6.QtCore import QModelIndex, QSortFilterProxyModel, Qt
from PySide6.QtWidgets import QComboBox, QHBoxLayout, QLineEdit, QTableView, QVBoxLayout, QWidget, QHeaderView

from annotator.arabic import normalize_for_matching
from annotator.ui.table_model import HeaderedTableModel

STATUS_LABELS = {"todo": "To do · للإنجاز", "in_progress": "In progress · جارٍ",
                 "done": "Done · منجز", "skipped": "Skipped · متروك"}
STATUS_MARKS = {"todo": "○", "in_progress": "◐", "done": "●", "skipped": "⊘"}


@dataclass
class Row:
    document_id: str
    title: str
    status: str
    _search_key: str | None = field(default=None, repr=False)

    @property
    def search_key(self) -> str:
        """The title and id normalized, so search ignores tashkeel and alef variants; made at the
        first search, not for each of a hundred thousand rows when the list is filled."""
        if self._search_key is None:
            self._search_key = normalize_for_matching(f"{self.title} {self.document_id}")
        return self._search_key


class DocumentListModel(HeaderedTableModel):
    """Rows of (status, title) for one coder; ``DocumentRole`` gives the document id."""

    DocumentRole = Qt.ItemDataRole.UserRole + 1
    StatusRole = Qt.ItemDataRole.UserRole + 2
    HEADERS = ("Status", "Title · العنوان")

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._rows: list[Row] = []
        self._index: dict[str, int] = {}
        self._counts: Counter[str] = Counter()  # status -> rows: progress without a pass over every row

    def set_rows(self, rows: list[tuple[str, str, str]]) -> None:
        """``rows``: (document id, title, status) in project order."""
        self.beginResetModel()
        self._rows = [Row(d, t, s) for d, t, s in rows]
        self._index = {r.document_id: i for i, r in enumerate(self._rows)}
        self._counts = Counter(r.status for r in self._rows)
        self.endResetModel()

    def set_status(self, document_id: str, status: str) -> None:
        i = self._index.get(document_id)
        if i is not None and self._rows[i].status != status:
            self._counts[self._rows[i].status] -= 1
            self._counts[status] += 1
            self._rows[i].status = status
            self.dataChanged.emit(self.index(i, 0), self.index(i, 1))

    def row_of(self, document_id: str) -> int | None:
        return self._index.get(document_id)

    def statuses(self) -> list[tuple[str, str]]:
        return [(r.document_id, r.status) for r in self._rows]

    def count(self, status: str) -> int:
        """How many rows have this status."""
        return self._counts[status]

    def next_unfinished(self, after: str | None) -> str | None:
        """The first document to do or in progress after ``after`` in list order (wrapping round;
        ``after`` itself never), or None."""
        start = self._index[after] + 1 if after in self._index else 0
        n = len(self._rows)
        for k in range(n):
            row = self._rows[(start + k) % n]
            if row.status in ("todo", "in_progress") and row.document_id != after:
                return row.document_id
        return None

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        row = self._rows[index.row()]
        if role == self.DocumentRole:
            return row.document_id
        if role == self.StatusRole:
            return row.status
        if role == Qt.ItemDataRole.DisplayRole:
            return STATUS_MARKS[row.status] if index.column() == 0 else row.title
        if role == Qt.ItemDataRole.ToolTipRole:  # the whole title: the column elides long ones
            return f"{row.title}\n{row.document_id} — {STATUS_LABELS[row.status]}"
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentFilter(QSortFilterProxyModel):
    """Filters by status and by a search text matched without tashkeel or alef variants."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self._needle = ""
        self._status: str | None = None

    def set_search(self, text: str) -> None:
        self._needle = normalize_for_matching(text.strip())
        self.invalidateFilter()

    def set_status(self, status: str | None) -> None:
        self._status = status
        self.invalidateFilter()

    def filterAcceptsRow(self, source_row: int, source_parent: QModelIndex) -> bool:  # noqa: N802
        model: DocumentListModel = self.sourceModel()  # type: ignore[assignment]
        row = model._rows[source_row]
        if self._status is not None and row.status != self._status:
            return False
        return not self._needle or self._needle in row.search_key


class DocumentList(QWidget):
    """Search box, status filter and the table of documents. Emits nothing itself: the window
    listens to ``view.selectionModel()``; ``select(document_id)`` moves the selection.

    Its width is the coder's: the window's splitter resizes it (and remembers the width)."""

    def __init__(self, parent: QWidget | None = None):
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self.proxy = DocumentFilter(self)
        self.proxy.setSourceModel(self.model)
        self.search = QLineEdit(self)
        self.search.setPlaceholderText("Search titles · بحث")
        self.search.setClearButtonEnabled(True)
        self.search.textChanged.connect(self.proxy.set_search)
        self.status_filter = QComboBox(self)
        self.status_filter.addItem("All · الكل", None)
        for status, label in STATUS_LABELS.items():
            self.status_filter.addItem(label, status)
        self.status_filter.currentIndexChanged.connect(
            lambda _: self.proxy.set_status(self.status_filter.currentData()))
        self.view = QTableView(self)
        self.view.setModel(self.proxy)
        self.view.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.view.verticalHeader().hide()
        self.view.setShowGrid(False)
        self.view.setWordWrap(False)
        # Arabic titles start on the right and often end alike ("... في ريف دير الزور"): keep both ends.
        self.view.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.view.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        top = QHBoxLayout()
        top.addWidget(self.search, 1)
        top.addWidget(self.status_filter)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.addLayout(top)
        layout.addWidget(self.view)

    def current_id(self) -> str | None:
        index = self.view.currentIndex()
        return index.data(DocumentListModel.DocumentRole) if index.isValid() else None

    def select(self, document_id: str) -> None:
        row = self.model.row_of(document_id)
        if row is None:
            return
        index = self.proxy.mapFromSource(self.model.index(row, 1))
        if not index.isValid():  # filtered out: clear filters so the coder sees where they are
            self.search.clear()
            self.status_filter.setCurrentIndex(0)
            index = self.proxy.mapFromSource(self.model.index(row, 1))
        self.view.setCurrentIndex(index)
        self.view.scrollTo(index)
