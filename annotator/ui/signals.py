"""Small Qt signal helpers."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from PySide6.QtCore import QObject


@contextmanager
def blocked(obj: QObject) -> Iterator[None]:
    """Block ``obj``'s signals for the block, restoring the previous state (so blocks nest).

    Programmatic updates of the form must not look like a coder's edits.
    """
    was = obj.blockSignals(True)
    try:
        yield
    finally:
        obj.blockSignals(was)
