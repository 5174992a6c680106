"""What the coder's session and the adjudicator's session share about their undo history."""

from __future__ import annotations

from typing import Any


class UndoHistory:
    """Read-only view of ``_undo`` / ``_redo``: lists (oldest first) of steps with a ``description``."""

    _undo: list[Any]
    _redo: list[Any]

    def can_undo(self) -> bool:
        return bool(self._undo)

    def can_redo(self) -> bool:
        return bool(self._redo)

    def undo_text(self) -> str:
        return self._undo[-1].description if self._undo else ""

    def redo_text(self) -> str:
        return self._redo[-1].description if self._redo else ""
