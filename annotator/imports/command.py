"""The ``annotator import-annotations`` command (click), built by :func:`make_command` like
:mod:`annotator.agreement.command`: ``cli.add_command(make_command(open_project))``."""

from __future__ import annotations

import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from annotator.imports import FORMATS, import_annotations


def make_command(open_project: Callable[[Path | None], Any]) -> click.Command:
    """The ``import-annotations`` command; ``open_project(path or None)`` returns an open Project."""

    @click.command("import-annotations")
    @click.argument("file", type=click.Path(exists=True, path_type=Path))
    @click.option("--format", "fmt", type=click.Choice(FORMATS), required=True,
                  help="jsonl (our export), brat (a folder or .ann file), labelstudio (a JSON export).")
    @click.option("--project", "-p", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Project file (default: the sample project in your data folder).")
    @click.option("--coder", help="Import everything as this coder's work (default: as the file says).")
    @click.option("--gold", is_flag=True, help="Import as the gold standard.")
    def import_annotations_command(file: Path, fmt: str, project: Path | None, coder: str | None,
                                   gold: bool) -> None:
        """Bring coder or gold annotations in from a JSONL export, brat or Label Studio.

        Offsets are checked against the stored text; each bad item is reported as file:line:
        reason and the rest is imported. A document not in the project is added from the file's
        text. Importing the same file again adds nothing. Exits with status 1 when anything was
        rejected.
        """
        from annotator.store import ProjectError

        opened = open_project(project)
        try:
            report = import_annotations(opened, file, fmt, coder=coder, gold=gold)
        except (ProjectError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            opened.close()
        for rejection in report.rejections:
            click.echo(f"rejected: {rejection}", err=True)
        click.echo(f"{file}: {report.summary()}")
        sys.exit(report.exit_code)

    return import_annotations_command
