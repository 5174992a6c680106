"""Values the command line names before it needs the module they live in.

Every command is built when ``annotator`` starts, and a few options name values that live beside
numpy and scipy: the agreement's bootstrap methods, automatic gold's modes and its minimum number
of coders. :class:`DeferredChoice` and :class:`Deferred` import that module only when the value is
first used (an option parsed, a command's help shown), so ``annotator --help`` and every command
that does not need numerics start at once. A place is written ``"module:name"``.
"""

from __future__ import annotations

import importlib
from collections.abc import Sequence
from typing import Any

import click


def resolve(place: str) -> Any:
    """The value at ``"module:name"``."""
    module, name = place.split(":")
    return getattr(importlib.import_module(module), name)


class Deferred:
    """A value resolved when asked for: click calls a callable default to get it, and shows an
    option's default with ``str()``."""

    def __init__(self, place: str):
        self.place = place

    def __call__(self) -> Any:
        return resolve(self.place)

    def __str__(self) -> str:
        return str(self())


class DeferredChoice(click.Choice):
    """``click.Choice`` over a sequence resolved when the option is first parsed or shown."""

    def __init__(self, place: str, case_sensitive: bool = True):
        self._place = place
        self._values: tuple[Any, ...] | None = None
        super().__init__((), case_sensitive)

    @property  # type: ignore[override]
    def choices(self) -> Sequence[Any]:
        if self._values is None:
            self._values = tuple(resolve(self._place))
        return self._values

    @choices.setter
    def choices(self, _values: Sequence[Any]) -> None:
        pass  # click.Choice sets them when built; they come from self._place
