"""The ``annotator gold`` command (click), built by :func:`gold_command`.

Like :mod:`annotator.agreement.command`, it takes the function that opens a project instead of
importing :mod:`annotator.cli` (which imports this module): ``cli.add_command(gold_command(open_project))``.

* ``annotator gold``: candidate items per layer (unanimous, majority, disagreement) and how far
  the gold standard is (documents to do, in progress, done);
* ``annotator gold --auto unanimous|majority [--min-coders N] [--adjudicator NAME]``: accept what
  the coders agree on (:mod:`annotator.gold.auto`) and print, per layer, how many items were
  accepted (and rejected by a majority) and how many disagreements remain.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotator.deferred import Deferred, DeferredChoice

if TYPE_CHECKING:
    from annotator.gold.auto import AutoResult

# Candidates and automatic acceptance (numpy, the agreement engine) are imported when the command
# runs, not when the command line starts: see annotator.deferred.


def gold_command(open_project: Callable[[Path | None], Any]) -> click.Command:
    """The ``gold`` command; ``open_project(path or None)`` returns an open Project."""

    @click.command("gold")
    @click.option("--project", "-p", type=click.Path(dir_okay=False, path_type=Path), default=None,
                  help="Project file (default: the sample project in your data folder).")
    @click.option("--auto", "mode", type=DeferredChoice("annotator.gold.auto:MODES"),
                  help="Accept the items every coder agrees on (unanimous), or also those most coders "
                       "agree on (majority).")
    @click.option("--min-coders", type=click.IntRange(min=2), default=Deferred("annotator.gold.candidates:MIN_CODERS"),
                  show_default=True,
                  help="At least this many coders must agree for unanimous or majority.")
    @click.option("--adjudicator", help="Record the automatic decisions under this adjudicator "
                                        "(added with the role adjudicator if new).")
    @click.option("--documents", help="Document ids, comma-separated (default: every document two or more "
                                      "coders finished).")
    def gold(project: Path | None, mode: str | None, min_coders: int, adjudicator: str | None,
             documents: str | None) -> None:
        """Gold standard: candidate items from the coders, and automatic acceptance of what they agree on.

        Items are aligned spans, links and document fields of documents two or more coders
        marked done. Decisions are logged and undoable; the adjudication window decides the rest.
        """
        from annotator.gold.auto import auto_accept
        from annotator.store import ProjectError

        opened = open_project(project)
        try:
            ids = [d.strip() for d in documents.split(",") if d.strip()] if documents else None
            if adjudicator:
                _ensure_adjudicator(opened, adjudicator)
            if mode is None:
                _show_status(opened, ids, min_coders)
            else:
                result = auto_accept(opened, mode, min_coders=min_coders, adjudicator=adjudicator, document_ids=ids)
                click.echo(_auto_table(result, min_coders))
        except (ProjectError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            opened.close()

    return gold


def _ensure_adjudicator(project: Any, name: str) -> None:
    if name not in project.coders():
        project.add_coder(name, "adjudicator")
        click.echo(f"added {name} as an adjudicator", err=True)
    elif project.coder_role(name) != "adjudicator":
        raise click.ClickException(f"{name!r} is a coder, not an adjudicator; choose another name, or add one "
                                   "with `annotator add-coder NAME --role adjudicator`")


def _table(rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in rows) for i in range(len(rows[0]))]
    return ["  ".join(c.ljust(w) if i == 0 else c.rjust(w) for i, (c, w) in enumerate(zip(row, widths))).rstrip()
            for row in rows]


def _auto_table(result: AutoResult, min_coders: int) -> str:
    rows = [["layer", "accepted", "rejected", "disagreements left", "waiting for spans"]]
    for layer in result.layers():
        rows.append([layer, *(f"{c[layer]:,}" for c in (result.accepted, result.rejected, result.disagreements,
                                                          result.waiting))])
    rows.append(["total", *(f"{sum(c.values()):,}" for c in (result.accepted, result.rejected, result.disagreements,
                                                             result.waiting))])
    lines = [f"gold --auto {result.mode} (at least {min_coders} coders agreeing): {result.documents:,} documents, "
             f"{result.changed:,} got new gold", *_table(rows)]
    if result.excluded:
        lines.append(f"{len(result.excluded):,} document(s) left out: finished by fewer than two coders")
    return "\n".join(lines)


def _show_status(project: Any, ids: list[str] | None, min_coders: int) -> None:
    from annotator.gold.candidates import build_candidates
    from annotator.gold.session import project_progress

    candidates = build_candidates(project, ids, min_coders=min_coders)
    rows = [["layer", "items", "unanimous", "majority", "disagreement"]]
    for layer, c in candidates.counts().items():
        rows.append([layer, *(f"{n:,}" for n in (c.items, c.unanimous, c.majority, c.disagreement))])
    progress = project_progress(project)
    click.echo("\n".join([f"candidate items of {len(candidates.documents):,} documents finished by two or more "
                          f"coders (at least {min_coders} agreeing for unanimous or majority):", *_table(rows),
                          f"gold: {progress.done:,} documents done, {progress.in_progress:,} in progress, "
                          f"{progress.todo:,} to do"]))
