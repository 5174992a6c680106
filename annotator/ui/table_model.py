"""A read-only table model with fixed column headers, shared by the window's lists, and how a
model's rows are changed in place."""

from __future__ import annotations

from collections.abc import Callable, Hashable, Sequence
from difflib import SequenceMatcher
from typing import Any

from PySide6.QtCore import QAbstractItemModel, QAbstractTableModel, QModelIndex, Qt


class HeaderedTableModel(QAbstractTableModel):
    """Rows in ``self._rows``, columns named by ``HEADERS``; subclasses provide ``data``."""

    HEADERS: tuple[str, ...] = ()
    _rows: list[Any]

    def rowCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802 (Qt API)
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex = QModelIndex()) -> int:  # noqa: N802
        return 0 if parent.isValid() else len(self.HEADERS)

    def headerData(self, section: int, orientation: Qt.Orientation,  # noqa: N802
                   role: int = Qt.ItemDataRole.DisplayRole) -> str | None:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.HEADERS[section]
        return None


def patch_rows(model: QAbstractItemModel, old_keys: Sequence[Hashable], new_keys: Sequence[Hashable],
               splice: Callable[[int, int, int, int], None],
               kept: Callable[[int, int, int], None] | None = None) -> None:
    """Turn a model's rows, known by ``old_keys``, into the rows of ``new_keys``, telling the views
    of each removal and insertion: they keep their scroll position and current row, and lay out
    only what changed (an edit adds or removes a row or two among thousands).

    ``splice(i1, i2, j1, j2)`` makes the model's own lists hold new rows ``j1:j2`` in place of old
    rows ``i1:i2``; ``kept(i, j, n)`` is told of runs of ``n`` rows kept (old row ``i`` is new row
    ``j``), to redraw those whose contents changed. Changes are made from the last row up, so the
    rows before each change keep their numbers. When most rows are new (another document), one
    reset is cheaper, and ``kept`` is not called.
    """
    opcodes = SequenceMatcher(None, old_keys, new_keys, autojunk=False).get_opcodes()
    if 2 * sum(i2 - i1 for tag, i1, i2, _, _ in opcodes if tag == "equal") < len(new_keys):
        model.beginResetModel()
        splice(0, len(old_keys), 0, len(new_keys))
        model.endResetModel()
        return
    for tag, i1, i2, j1, j2 in reversed(opcodes):
        if tag == "equal":
            if kept is not None:
                kept(i1, j1, i2 - i1)
            continue
        if i2 > i1:
            model.beginRemoveRows(QModelIndex(), i1, i2 - 1)
            splice(i1, i2, j1, j1)
            model.endRemoveRows()
        if j2 > j1:
            model.beginInsertRows(QModelIndex(), i1, i1 + j2 - j1 - 1)
            splice(i1, i1, j1, j2)
            model.endInsertRows()
