"""The pieces of the adjudication window that are not the window itself: the list of candidate
items, the coder-by-coder comparison of one item, and how coders' spans are coloured.

Everything shown comes from :class:`annotator.gold.Adjudication`; nothing here decides.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace
from typing import Any

from PySide6.QtCore import QModelIndex, Qt
from PySide6.QtGui import QBrush, QColor
from PySide6.QtWidgets import QHeaderView, QTableView, QTableWidget, QTableWidgetItem, QWidget

from annotator.codebook import Codebook, Label, Layer
from annotator.gold import FieldItem, LinkItem, SpanItem
from annotator.gold.candidates import Item
from annotator.model import Annotation, GoldAnnotation, GoldLink, Link
from annotator.ui.article_view import _display_value
from annotator.ui.table_model import HeaderedTableModel, patch_rows

# One colour and underline per coder (Okabe-Ito order, then repeats with another underline), so
# coders differ without colour too.
CODER_COLORS = ("#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442", "#000000")
CODER_UNDERLINES = ("solid", "dash", "dot", "wave", "dashdot")
DIFFERENT = QColor("#ffe08a")
FIELD_COLUMN = 110
ITEM_COLUMN_WIDTHS = (190, 170, 300, 150)  # kind, layer or field, text (stretches), decision
GOLD_CODER = "gold"
KIND_LABELS = {"presence": "only some coders", "edges": "different edges", "attribute": "different values",
               "link": "different links", "field": "document field", "": "unanimous"}


def coder_layers(coders: Sequence[str]) -> list[Layer]:
    """Pseudo-layers, one per coder, for the merged view (its highlights are per coder)."""
    return [Layer(id=coder_key(c), label=Label(ar=c, en=f"{i} {c}"), key=None,
                  color=CODER_COLORS[(i - 1) % len(CODER_COLORS)],
                  underline=CODER_UNDERLINES[(i - 1) % len(CODER_UNDERLINES)], fields=())
            for i, c in enumerate(coders, start=1)]


def coder_key(coder: str) -> str:
    return f"coder:{coder}"


def as_coder_colored(annotation: Annotation) -> Annotation:
    """The annotation drawn in its coder's colour (its layer replaced by the coder's pseudo-layer)."""
    return replace(annotation, layer=coder_key(annotation.coder))


def gold_as_annotation(gold: GoldAnnotation) -> Annotation:
    """A gold span in the shape the article view and the form take."""
    return Annotation(gold.id, gold.document_id, GOLD_CODER, gold.layer, gold.start, gold.end, gold.quote,
                      dict(gold.attrs), gold.provenance.decided_at, gold.provenance.decided_at)


def gold_link_as_link(link: GoldLink) -> Link:
    return Link(link.id, link.document_id, GOLD_CODER, link.from_id, link.to_id, link.kind)


def decision_text(item: Item) -> str:
    if isinstance(item, (SpanItem, FieldItem)) and item.resolution is not None:
        provenance = item.resolution.provenance
        who = f" ({', '.join(provenance.source_coders)})" if provenance.source_coders else ""
        return provenance.decision + who
    if isinstance(item, LinkItem) and item.resolved:
        return "decided"
    if isinstance(item, LinkItem) and not item.ready:
        return "waiting for its spans"
    return "open"


class ItemsModel(HeaderedTableModel):
    """Candidate items of the open document: kind, layer or field, text, decision.
    ``IdRole`` gives the item id."""

    IdRole = Qt.ItemDataRole.UserRole + 1
    HEADERS = ("Kind", "Layer · field", "Text · النص", "Decision")

    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(parent)
        self.codebook = codebook
        self._rows: list[Item] = []
        self._cells: list[tuple[str, str, str, str]] = []
        self._index: dict[str, int] = {}

    def set_items(self, items: Sequence[Item], text: str, span_quotes: dict[str, str]) -> None:
        """``span_quotes``: span item id -> quote, to name the source of link items.

        A decision resolves an item or two among hundreds: the rows that left the list are
        removed, those that came back inserted, and only changed items redrawn (the session
        keeps unchanged items as the same objects), so the table does not lay itself out again."""
        def splice(i1: int, i2: int, j1: int, j2: int) -> None:
            self._rows[i1:i2] = items[j1:j2]
            self._cells[i1:i2] = [self._cells_of(item, text, span_quotes) for item in items[j1:j2]]

        def kept(i: int, j: int, n: int) -> None:
            changed = [k for k in range(n) if self._rows[i + k] is not items[j + k]]
            for k in changed:
                splice(i + k, i + k + 1, j + k, j + k + 1)
            if changed:
                self.dataChanged.emit(self.index(i + changed[0], 0),
                                      self.index(i + changed[-1], len(self.HEADERS) - 1))

        patch_rows(self, [i.id for i in self._rows], [i.id for i in items], splice, kept)
        self._index = {item.id: i for i, item in enumerate(self._rows)}

    def _cells_of(self, item: Item, text: str, span_quotes: dict[str, str]) -> tuple[str, str, str, str]:
        kinds = ", ".join(KIND_LABELS.get(k, k) for k in item.kinds) or "unanimous"
        if isinstance(item, SpanItem):
            name = self._layer_label(item.layer)
            quote = " ".join(text[item.start:item.end].split())
        elif isinstance(item, LinkItem):
            kind = next((k for k in self.codebook.links if k.id == item.kind), None)
            name = kind.label.en if kind else item.kind
            quote = span_quotes.get(item.from_item, "")
        else:
            spec = next((f for f in self.codebook.document_fields if f.id == item.field), None)
            name = spec.label.en if spec else item.field
            quote = "—"
        return kinds, name, quote, decision_text(item)

    def _layer_label(self, layer_id: str) -> str:
        return self.codebook.layer(layer_id).label.en if self.codebook.has_layer(layer_id) else layer_id

    def row_of(self, item_id: str) -> int | None:
        return self._index.get(item_id)

    def item_at(self, row: int) -> Item:
        return self._rows[row]

    def data(self, index: QModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid():
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return self._cells[index.row()][index.column()]
        if role == self.IdRole:
            return self._rows[index.row()].id
        if role == Qt.ItemDataRole.TextAlignmentRole and index.column() == 2:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        if role == Qt.ItemDataRole.BackgroundRole and self._rows[index.row()].resolved:
            return QBrush(QColor("#e6f4ea"))
        return None


class ItemsTable(QTableView):
    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(parent)
        self.source = ItemsModel(codebook, self)
        self.setModel(self.source)
        self.setSelectionBehavior(QTableView.SelectionBehavior.SelectRows)
        self.setSelectionMode(QTableView.SelectionMode.SingleSelection)
        self.verticalHeader().hide()
        self.setWordWrap(False)
        self.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        header = self.horizontalHeader()
        # Fixed starting widths, not ResizeToContents: that measures every row on every change,
        # which cost more than the decision itself at a few hundred items.
        for column, width in enumerate(ITEM_COLUMN_WIDTHS):
            header.setSectionResizeMode(column, QHeaderView.ResizeMode.Interactive)
            self.setColumnWidth(column, width)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)

    def current_id(self) -> str | None:
        index = self.currentIndex()
        return index.data(ItemsModel.IdRole) if index.isValid() else None

    def select(self, item_id: str | None) -> None:
        row = self.source.row_of(item_id) if item_id else None
        if row is None:
            self.clearSelection()
            return
        index = self.source.index(row, 0)
        if self.currentIndex().row() != row:
            self.setCurrentIndex(index)
        self.scrollTo(index)


class Comparison(QTableWidget):
    """One item, coder by coder (columns) and field by field (rows); rows where the coders differ
    are marked. The last column is gold, when decided."""

    def __init__(self, codebook: Codebook, parent: QWidget | None = None):
        super().__init__(0, 0, parent)
        self.codebook = codebook
        self.setEditTriggers(QTableWidget.EditTrigger.NoEditTriggers)
        self.setSelectionMode(QTableWidget.SelectionMode.NoSelection)
        self.setWordWrap(True)
        self.horizontalHeader().setSectionResizeMode(QHeaderView.ResizeMode.Stretch)
        self.horizontalHeader().setMinimumSectionSize(60)
        # Row names go in a narrow first column that wraps, not in a header that cannot.
        self.verticalHeader().hide()
        self.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)

    def show_item(self, item: Item | None, coders: Sequence[str], gold: dict[str, Any] | None,
                  span_quotes: dict[str, str]) -> None:
        """``gold``: the gold values by row name ("quote", "edges", field ids, link kind, field)."""
        self.clear()
        if item is None:
            self.setRowCount(0)
            self.setColumnCount(0)
            return
        columns = ["Field"] + [f"{i} {c}" for i, c in enumerate(coders, start=1)] + ["Gold"]
        rows = self._rows(item, coders, span_quotes)
        self.setColumnCount(len(columns))
        self.setHorizontalHeaderLabels(columns)
        self.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.setColumnWidth(0, FIELD_COLUMN)
        self.setRowCount(len(rows))
        for r, (key, (arabic, english), values) in enumerate(rows):
            name = QTableWidgetItem(english)
            name.setToolTip(arabic)
            self.setItem(r, 0, name)
            differs = len(set(values)) > 1
            for c, value in enumerate([*values, (gold or {}).get(key, "")], start=1):
                cell = QTableWidgetItem(value)
                cell.setTextAlignment(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
                if differs and c <= len(values):
                    cell.setBackground(DIFFERENT)
                self.setItem(r, c, cell)

    def _rows(self, item: Item, coders: Sequence[str], span_quotes: dict[str, str]
              ) -> list[tuple[str, tuple[str, str], list[str]]]:
        """(row key, (Arabic, English) row name, one value per coder)."""
        if isinstance(item, SpanItem):
            versions = [item.versions.get(c) for c in coders]
            rows = [("quote", ("النص", "Text"), [v.quote if v else "—" for v in versions]),
                    ("edges", ("المواضع", "Offsets"), [f"{v.start}–{v.end}" if v else "—" for v in versions])]
            layer = self.codebook.layer(item.layer) if self.codebook.has_layer(item.layer) else None
            for spec in layer.fields if layer else ():
                rows.append((spec.id, (spec.label.ar, spec.label.en),
                             [_value(spec, v.attrs.get(spec.id)) if v else "—" for v in versions]))
            return rows
        if isinstance(item, LinkItem):
            kind = next((k for k in self.codebook.links if k.id == item.kind), None)
            values = []
            for c in coders:
                targets = item.versions.get(c)
                values.append("—" if targets is None else "، ".join(span_quotes.get(t, t) for t in targets) or "∅")
            return [(item.kind, (kind.label.ar, kind.label.en) if kind else (item.kind, item.kind), values)]
        spec = next((f for f in self.codebook.document_fields if f.id == item.field), None)
        return [(item.field, (spec.label.ar, spec.label.en) if spec else (item.field, item.field),
                 [_value(spec, item.versions.get(c)) for c in coders])]


def _value(spec: Any, value: Any) -> str:
    if value in (None, "", []):
        return "—"
    return _display_value(spec, value) if spec is not None else str(value)


def gold_values(item: Item, codebook: Codebook, gold_labels: dict[str, Any],
                link_quotes: dict[tuple[str, str], list[str]]) -> dict[str, str] | None:
    """The gold column of :class:`Comparison` for ``item`` (None while undecided).

    ``link_quotes``: (span item id, link kind) -> the quotes of the gold targets of its gold span.
    """
    if isinstance(item, SpanItem):
        row = item.resolution
        if row is None:
            return None
        if row.provenance.decision == "rejected":
            return {"quote": "✗ rejected"}
        layer = codebook.layer(row.layer) if codebook.has_layer(row.layer) else None
        values = {"quote": row.quote, "edges": f"{row.start}–{row.end}"}
        for spec in layer.fields if layer else ():
            values[spec.id] = _value(spec, row.attrs.get(spec.id))
        return values
    if isinstance(item, LinkItem):
        if not item.resolved:
            return None
        return {item.kind: "، ".join(link_quotes.get((item.from_item, item.kind), [])) or "∅"}
    if item.resolution is None:
        return None
    spec = next((f for f in codebook.document_fields if f.id == item.field), None)
    return {item.field: _value(spec, gold_labels.get(item.field))}
