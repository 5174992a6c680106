"""The ``annotator agreement`` command (click), built by :func:`make_command`.

The command takes the function that opens a project as an argument instead of importing it
from :mod:`annotator.cli`, which imports this module: ``cli.add_command(make_command(open_project))``.

Formats:

* ``text`` (default): tables for the terminal; Arabic quotes are reshaped for display only when
  standard output is a terminal (a file or pipe gets the text as stored);
* ``json``: :meth:`AgreementSummary.to_dict`, for scripts;
* ``csv``: the raw reliability data (units x coders, see :mod:`annotator.agreement.rawdata`) and
  the summary (one row per figure).  With ``-o FILE`` they go to FILE and to FILE's name with
  ``-summary`` before the extension (``iaa.csv`` -> ``iaa-summary.csv``); on standard output
  they are two sections, each introduced by a ``# reliability data`` / ``# summary`` line and
  separated by an empty line;
* ``html``: the self-contained report (:mod:`annotator.agreement.report`).

Without ``--coders`` the coders who finished a document together are compared
(:func:`~annotator.agreement.loader.default_coders`); the others are named on standard error.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotator.deferred import DeferredChoice

if TYPE_CHECKING:
    from annotator.agreement.results import AgreementSummary

# The engine (numpy, scipy, matplotlib) is imported when the command runs, not when the command
# line starts: see annotator.deferred.

FORMATS = ("text", "json", "csv", "html")


def _names(value: str | None) -> list[str] | None:
    """A comma-separated option as a list (None when not given)."""
    if value is None:
        return None
    names = [part.strip() for part in value.split(",") if part.strip()]
    return names or None


def summary_path(path: Path) -> Path:
    """Where ``--format csv -o FILE`` writes the summary: FILE-summary with FILE's extension."""
    return path.with_name(f"{path.stem}-summary{path.suffix or '.csv'}")


def make_command(open_project: Callable[[Path | None], Any]) -> click.Command:
    """The ``agreement`` command; ``open_project(path or None)`` returns an open Project."""

    @click.command("agreement")
    @click.option("--project", "-p", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Project file (default: the sample project in your data folder).")
    @click.option("--coders", help="Coders to compare, comma-separated (default: every coder whose role is coder "
                                   "and who marked done a document another of them also marked done).")
    @click.option("--layer", "layers", multiple=True,
                  help="A span layer to include, or 'document' for the document fields; repeatable "
                       "(default: all).")
    @click.option("--documents", help="Document ids, comma-separated (default: every document finished by "
                                      "two or more of the coders).")
    @click.option("--format", "fmt", type=click.Choice(FORMATS), default="text", show_default=True)
    @click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Write to FILE instead of standard output (csv: also FILE-summary.csv).")
    @click.option("--boot", type=click.IntRange(min=1), default=1000, show_default=True,
                  help="Bootstrap resamples per alpha.")
    @click.option("--seed", type=int, default=0, show_default=True, help="Seed of the bootstrap.")
    @click.option("--bootstrap", type=DeferredChoice("annotator.agreement.alpha:BOOTSTRAP_METHODS"), default="units",
                  show_default=True,
                  help="Resample units, or pairs of values from the coincidence matrix as Hayes & "
                       "Krippendorff's KALPHA does (narrower intervals).")
    def agreement(project: Path | None, coders: str | None, layers: tuple[str, ...], documents: str | None,
                  fmt: str, output: Path | None, boot: int, seed: int, bootstrap: str) -> None:
        """Inter-annotator agreement: alpha, kappa, span F1, with intervals and disagreements.

        Compares the coders on every document two or more of them marked done.
        """
        from annotator.agreement.formats import summary_rows
        from annotator.agreement.reliability import agreement_summary, reliability_table
        from annotator.store import ProjectError

        opened = open_project(project)
        try:
            chosen = dict(coders=_names(coders), documents=_names(documents), layers=list(layers) or None)
            if chosen["coders"] is None:
                _say_left_out(opened)
            summary = agreement_summary(opened, n_boot=boot, seed=seed, bootstrap=bootstrap, **chosen)
            if fmt == "csv":
                _write_csv(reliability_table(opened, **chosen), summary_rows(summary), output)
            else:
                _write(_render(fmt, summary, opened, output), output)
        except (ProjectError, ValueError, OSError) as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            opened.close()

    return agreement


def _say_left_out(project: Any) -> None:
    """Name the coders the default leaves out, so nobody wonders where they went (on stderr)."""
    from annotator.agreement.loader import default_coders, role_coders

    compared = set(default_coders(project))
    left_out = [c for c in role_coders(project) if c not in compared]
    if left_out:
        click.echo(f"left out: {', '.join(left_out)} (no finished document shared with another coder); "
                   "name the coders with --coders to choose", err=True)


def _render(fmt: str, summary: AgreementSummary, project: Any, output: Path | None) -> str:
    from annotator.agreement.formats import render_text
    from annotator.agreement.report import project_texts, render_html
    from annotator.gold.agreement import gold_agreement

    if fmt == "json":
        return json.dumps(summary.to_dict(), ensure_ascii=False, indent=2) + "\n"
    # Each coder against gold, once some gold is marked done (docs/gold.md).
    gold = gold_agreement(project, coders=summary.coders) if project.gold_document_ids(done_only=True) else None
    if fmt == "html":
        return render_html(summary, project_texts(project, summary), codebook=project.codebook,
                           source=str(project.path), gold=gold)
    return render_text(summary, _terminal_shaper() if output is None else str, gold=gold)


def _write(text: str, output: Path | None) -> None:
    if output is None:
        click.echo(text, nl=False)
        return
    output.write_text(text, encoding="utf-8")
    click.echo(f"wrote {output}", err=True)


def _write_csv(raw: list[list[str]], summary: list[list[str]], output: Path | None) -> None:
    """Raw reliability data and summary: two files, or two sections on standard output."""
    from annotator.agreement.formats import csv_text

    if output is None:
        click.echo("# reliability data\n" + csv_text(raw, "\n") + "\n# summary\n" + csv_text(summary, "\n"),
                   nl=False)
        return
    output.write_text(csv_text(raw), encoding="utf-8", newline="")
    summary_path(output).write_text(csv_text(summary), encoding="utf-8", newline="")
    click.echo(f"wrote {output} and {summary_path(output)}", err=True)


def _terminal_shaper() -> Callable[[str], str]:
    """shape_for_display on a terminal (which cannot join Arabic letters), else the text as is."""
    if not sys.stdout.isatty():
        return str
    from annotator.arabic import shape_for_display

    return shape_for_display
