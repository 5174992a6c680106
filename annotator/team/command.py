"""The team commands (click): ``status``, ``pack``, ``merge``, and the planning half of ``assign``.

Like :mod:`annotator.gold.command`, the builders take the function that opens a project instead
of importing :mod:`annotator.cli` (which imports this module):
``cli.add_command(status_command(open_project))``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import click

# The team modules (and the store with them) are imported when a command runs, not when the
# command line starts.

OpenProject = Callable[[Path | None], Any]
PROJECT_HELP = "Project file (default: the sample project in your data folder)."


def _project_option(func: Callable) -> Callable:
    return click.option("--project", "-p", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help=PROJECT_HELP)(func)


def run_assign_plan(project: Any, coders: list[str], document_ids: list[str], *, overlap: float, per_doc: int,
                    seed: int | None, by_outlet: bool, dry_run: bool) -> str:
    """``annotator assign --coders ...``: plan, write unless ``dry_run``, and say what happened."""
    from annotator.store import ProjectError
    from annotator.team.assign import plan_assignment

    try:
        plan = plan_assignment(project, coders, overlap=overlap, per_doc=per_doc, seed=seed, by_outlet=by_outlet,
                               document_ids=document_ids or None)
        if not dry_run:
            plan.apply(project)
    except (ProjectError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    note = "\n(dry run: nothing was written)" if dry_run else ""
    return plan.summary() + note


def status_command(open_project: OpenProject) -> click.Command:
    @click.command("status")
    @_project_option
    def status(project: Path | None) -> None:
        """Per-coder progress: documents done, in progress, to do, time spent; copies out; conflicts."""
        from annotator.store import ProjectError
        from annotator.team.status import render_status, team_status

        opened = open_project(project)
        try:
            click.echo(render_status(team_status(opened)))
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            opened.close()

    return status


def pack_command(open_project: OpenProject) -> click.Command:
    @click.command("pack")
    @click.option("--coder", required=True, help="Whose copy: their documents, the codebook, their own work.")
    @click.option("-o", "--output", type=click.Path(path_type=Path), required=True,
                  help="The copy's file, or a folder (the file is then named after the coder).")
    @_project_option
    def pack_(coder: str, output: Path, project: Path | None) -> None:
        """Write a project file for one coder to code elsewhere; bring it back with `annotator merge`.

        The copy holds the documents assigned to the coder, the codebook and the coder's own
        annotations, nothing of other coders and no gold standard. An existing file is never replaced.
        """
        from annotator.store import ProjectError
        from annotator.team.pack import pack

        opened = open_project(project)
        try:
            result = pack(opened, coder.strip(), output)
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            opened.close()
        click.echo(f"wrote {result.path}: {result.documents} documents and {result.annotations} annotations of "
                   f"{result.coder} (pack {result.pack_id[:8]}); the coder opens it with "
                   f"`annotator gui --project {result.path.name} --coder {result.coder}`")

    return pack_


def merge_command(open_project: OpenProject) -> click.Command:
    @click.command("merge")
    @click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
    @_project_option
    @click.option("--codebook-map", type=click.Path(dir_okay=False, path_type=Path),
                  help="How a copy coded under another codebook maps onto the project's (docs/reliability.md).")
    @click.option("--conflicts", "list_conflicts", is_flag=True, help="List the conflicts waiting for the lead.")
    @click.option("--resolve", "conflict_id", help="Resolve this conflict (its id from --conflicts) ...")
    @click.option("--take", type=click.IntRange(min=1), help="... by keeping this version (its number).")
    def merge_(files: tuple[Path, ...], project: Path | None, codebook_map: Path | None, list_conflicts: bool,
               conflict_id: str | None, take: int | None) -> None:
        """Bring coders' copies back into the project, and resolve conflicts.

        Merging is idempotent (merging a copy again changes nothing) and the order of the copies
        does not matter. When a coder changed the same annotation differently in two copies (or in
        a copy and in the project), both versions are kept and listed; `--conflicts` shows them and
        `--resolve ID --take N` keeps one. A copy made under another codebook is refused unless
        `--codebook-map` says how its ids map. Nothing is merged from a damaged or truncated copy.
        """
        if (conflict_id is None) != (take is None):
            raise click.UsageError("--resolve ID and --take N go together")
        if not files and not list_conflicts and conflict_id is None:
            raise click.UsageError("name the copies to merge, or give --conflicts or --resolve")
        from annotator.store import ProjectError
        from annotator.team.codebook_map import CodebookMap
        from annotator.team.merge import copy_names, merge, open_conflicts, resolve_conflict

        opened = open_project(project)
        try:
            if files:
                mapping = CodebookMap.load(codebook_map) if codebook_map else None
                click.echo(merge(opened, list(files), mapping=mapping).text())
            if conflict_id is not None:
                conflict = resolve_conflict(opened, conflict_id.strip(), take)
                click.echo(f"conflict {conflict.id} resolved: version {take} kept, "
                           f"{len(conflict.versions) - 1} set aside (kept in the change log)")
            if list_conflicts:
                conflicts = open_conflicts(opened)
                names = copy_names(opened)
                for conflict in conflicts:
                    click.echo("\n".join(conflict.describe(names)))
                click.echo(f"{len(conflicts)} open conflicts" + (
                    "; keep a version with `annotator merge --resolve ID --take N`" if conflicts else ""))
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from None
        finally:
            opened.close()

    return merge_
