"""The ``annotator export`` command (click), built by :func:`make_command`.

Like :mod:`annotator.agreement.command`, it takes the function that opens a project, so that
:mod:`annotator.cli` can add it without an import cycle: ``cli.add_command(make_command(open_project))``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

from annotator.deferred import DeferredChoice
from annotator.export.policies import POLICIES

# The exporter and its formats are imported when the command runs, not when the command line
# starts: see annotator.deferred.


def names(values: tuple[str, ...]) -> tuple[str, ...]:
    """Repeated and/or comma-separated option values, in order, without repeats."""
    out = [part.strip() for value in values for part in value.split(",") if part.strip()]
    return tuple(dict.fromkeys(out))


def make_command(open_project: Callable[[Path | None], Any]) -> click.Command:
    """The ``export`` command; ``open_project(path or None)`` returns an open Project."""

    @click.command("export")
    @click.option("--project", "-p", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Project file (default: the sample project in your data folder).")
    @click.option("--gold", is_flag=True, help="Export the adjudicated gold standard.")
    @click.option("--coder", "coders", multiple=True,
                  help="Export this coder's annotations (repeatable, or comma-separated).")
    @click.option("--format", "fmt", type=DeferredChoice("annotator.export.exporter:FORMATS"), required=True,
                  help="Output format.")
    @click.option("--output", "-o", type=click.Path(path_type=Path), required=True,
                  help="Folder to write (replaced whole when the export is complete).")
    @click.option("--documents", help="Only these document ids, comma-separated.")
    @click.option("--done-only", is_flag=True,
                  help="Only documents marked done (by the coder, or the gold standard by the adjudicator).")
    @click.option("--vague-policy", type=click.Choice(sorted(POLICIES)), default=None,
                  help="acled/ucdp: how vague counts become figures (default: the format's own policy).")
    @click.option("--events-per", type=DeferredChoice("annotator.export.events:PER"), default="document",
                  show_default=True,
                  help="acled/ucdp: one event row per document or per casualty span.")
    @click.option("--labelstudio-coders-as", type=DeferredChoice("annotator.export.exporter:LS_CODERS_AS"),
                  default="annotations",
                  show_default=True, help="labelstudio: the coders' work as annotations or as predictions.")
    def export_command(project: Path | None, gold: bool, coders: tuple[str, ...], fmt: str, output: Path,
                       documents: str | None, done_only: bool, vague_policy: str | None, events_per: str,
                       labelstudio_coders_as: str) -> None:
        """Export the gold standard and/or coders' annotations to a folder, with a manifest.

        Formats: jsonl (the reference), csv, brat, spacy, conll, labelstudio, acled, ucdp
        (docs/export.md). A half-written export never replaces the previous one.
        """
        from annotator.export.exporter import ExportOptions, export
        from annotator.export.output import ExportError
        from annotator.export.sources import Selection
        from annotator.store import ProjectError

        chosen_docs = names((documents,)) if documents else None
        try:
            selection = Selection(gold=gold, coders=names(coders), document_ids=chosen_docs, done_only=done_only)
        except ValueError as exc:
            raise click.UsageError(f"{exc} (--gold and/or --coder NAME)") from None
        options = ExportOptions(labelstudio_coders_as=labelstudio_coders_as, vague_policy=vague_policy,
                                events_per=events_per)
        opened = open_project(project)
        try:
            manifest = export(opened, selection, fmt, output, options)
        except (ProjectError, ValueError, ExportError) as exc:
            raise click.ClickException(str(exc)) from None
        except OSError as exc:
            raise click.ClickException(f"{output}: cannot write the export: {exc.strerror or exc}") from None
        finally:
            opened.close()
        counts = manifest["counts"]
        click.echo(f"wrote {output} ({fmt}): {counts['documents']} documents, {counts['spans']} spans, "
                   f"{counts['links']} links; {len(manifest['files'])} files listed in manifest.json")

    return export_command
