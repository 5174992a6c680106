"""sqlite-utils, loaded without pandas and numpy.

sqlite-utils imports pandas and numpy at module level when they are installed, only to map their
scalar types to column types when it creates a table from Python values. The project's tables are
all declared by its migrations and no pandas or numpy value is ever written to them, yet the two
imports cost about 250 ms of every command's start (``annotator list``: 0.6 s with them, 0.35 s
without). So they are hidden while sqlite-utils loads, unless something has imported them already.
Every module of the project takes ``Database`` and ``Migrations`` from here.
"""

from __future__ import annotations

import sys

_hidden = [name for name in ("pandas", "numpy") if name not in sys.modules]
for _name in _hidden:
    sys.modules[_name] = None  # type: ignore[assignment]  # makes ``import pandas`` raise ImportError
try:
    from sqlite_utils import Database, Migrations
finally:
    for _name in _hidden:
        del sys.modules[_name]

__all__ = ["Database", "Migrations"]
