"""The ``annotator`` command line. With no command it opens the coder's window.

Qt is imported only inside the commands that show or render a window, so the rest of the CLI runs
where PySide6 is missing; the store (sqlite-utils, numpy) and the agreement engine (scipy,
matplotlib) only inside the commands that use them, so ``annotator --help`` starts at once
(tests/test_cli_imports.py keeps it so).
"""

from __future__ import annotations

import functools
import sys
import traceback
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from annotator import __version__
from annotator.agreement.command import make_command
from annotator.export.command import make_command as make_export_command
from annotator.gold.command import gold_command
from annotator.imports.command import make_command as make_import_annotations_command
from annotator.paths import data_dir, default_project_path
from annotator.qt_platform import library_problem
from annotator.server.command import server as server_command
from annotator.team.command import merge_command, pack_command, run_assign_plan, status_command

if TYPE_CHECKING:
    from annotator.store import Project

PROJECT_HELP = ("Project file (default: the sample project in your data folder, created on first run). "
                "Only `annotator init` creates a new project file.")


def project_option(func: Callable) -> Callable:
    return click.option("--project", "-p", type=click.Path(dir_okay=False, path_type=Path), default=None,
                        help=PROJECT_HELP)(func)


def user_errors() -> tuple[type[Exception], ...]:
    """The core's errors that are the user's to fix (said in one line, never a traceback); imported
    only when an error is being handled."""
    from annotator.codebook import CodebookError
    from annotator.store import ProjectError

    return ProjectError, CodebookError


def open_project(path: Path | None, codebook: Path | None = None, *, create: bool = False) -> Project:
    """Open --project (default: the sample project, made on first run). A path that does not exist is
    refused unless ``create`` (only `init` creates): a typo must not become a new empty project."""
    from annotator.default_project import ensure_default_project
    from annotator.store import Project

    try:
        if path is None:
            path = ensure_default_project()
        project = Project.open(path, codebook=codebook, create=create)
    except user_errors() as exc:
        raise click.ClickException(str(exc)) from None
    if project.backup_problem:
        click.echo(f"warning: {project.backup_problem}", err=True)
    return project


def friendly(func: Callable) -> Callable:
    """Turn the core's errors into one-line messages; nothing else may show a traceback."""

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return func(*args, **kwargs)
        except user_errors() as exc:
            raise click.ClickException(str(exc)) from None

    return wrapper


@click.group(invoke_without_command=True, context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="annotator")
@click.pass_context
def cli(ctx: click.Context) -> None:
    """Code Arabic conflict news: actors, claims, casualty counts and sources.

    With no command, opens the coder's window on the default project.
    """
    if ctx.invoked_subcommand is None:
        ctx.invoke(gui)


CREATE_HELP = "Create the coder if the project has no coder of that name (without it, a new name is refused)."


def create_option(func: Callable) -> Callable:
    return click.option("--create", is_flag=True, help=CREATE_HELP)(func)


def require_coders(path: Path, known: list[str], names: Iterable[str], create: bool) -> None:
    """Refuse names the project does not know unless --create: a typo must not become a phantom coder."""
    for name in names:
        if name not in known and not create:
            listed = ", ".join(known) if known else "none yet"
            raise click.ClickException(f"{path}: no coder {name!r} in this project (its coders: {listed}). "
                                       f"Check the spelling, or add --create to create {name!r}.")


def coder_names(_ctx: click.Context, _param: click.Parameter, value: Any) -> Any:
    """Coder names as the store keeps them: without surrounding spaces."""
    if isinstance(value, tuple):
        return tuple(v.strip() for v in value)
    return value.strip() if isinstance(value, str) else value


@cli.command()
@project_option
@click.option("--coder", callback=coder_names,
              help="Coder name (default: the last one used on this computer, or ask).")
@create_option
def gui(project: Path | None, coder: str | None, create: bool) -> None:
    """Open the coder's window."""
    if project is None:
        project = _default_project_path()
    if coder and not create:
        known = _coders_of(project)
        if known is not None:  # None: the window explains what is wrong with the file
            require_coders(project, known, [coder], create=False)
    try:
        from annotator.ui.app import run
    except ImportError as exc:  # PySide6 or a system library it needs will not load
        raise click.ClickException(library_problem() or f"the window cannot start: {exc}") from None
    sys.exit(run(project, coder, create=create))


def _coders_of(path: Path) -> list[str] | None:
    """The coders of a project file (none for a file not created yet); None when it cannot be opened."""
    from annotator.store import Project, ProjectError

    if not Project.exists(path):
        return []
    try:
        with Project.open(path, create=False) as proj:
            return proj.coders()
    except ProjectError:
        return None


def _default_project_path() -> Path:
    from annotator.default_project import ensure_default_project

    try:
        return ensure_default_project()
    except user_errors() as exc:
        raise click.ClickException(str(exc)) from None


@cli.command()
@project_option
@click.option("--document", "document_id", required=True, help="Document id to show.")
@click.option("--coder", help="Whose annotations to show (default: the coder with most on it).")
@click.option("-o", "--output", type=click.Path(dir_okay=False, path_type=Path), required=True, help="PNG file.")
@click.option("--size", default="1500x900", show_default=True, help="Window size, WIDTHxHEIGHT.")
@friendly
def screenshot(project: Path | None, document_id: str, coder: str | None, output: Path, size: str) -> None:
    """Render the window with a document and its annotations to a PNG (works without a screen)."""
    try:
        width, height = (int(v) for v in size.lower().split("x"))
    except ValueError:
        raise click.BadParameter("use WIDTHxHEIGHT, e.g. 1500x900", param_hint="--size") from None
    from annotator.ui.screenshot import render_window

    path = render_window(project or _default_project_path(), document_id, output, coder=coder,
                         size=(width, height))
    click.echo(f"wrote {path}")


@cli.command("import")
@click.argument("paths", nargs=-1, required=True, type=click.Path(path_type=Path))
@project_option
@click.option("--encoding", help="Decode every file with this encoding instead of detecting it (e.g. cp1256).")
@click.option("--codebook", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Use this codebook for the project (the previous one stays stored).")
@click.option("--assign", "assign_to", multiple=True, callback=coder_names,
              help="Assign the imported documents to this coder (repeatable); see --create.")
@create_option
def import_(paths: tuple[Path, ...], project: Path | None, encoding: str | None, codebook: Path | None,
            assign_to: tuple[str, ...], create: bool) -> None:
    """Import articles from .txt, .jsonl, .json and .csv files or folders.

    Each bad item is reported with its file and line; the rest is imported. Importing the same
    files again adds nothing. Exits with status 1 when anything was rejected. The project must
    exist: create it with `annotator init` (a mistyped --project must not become a new project).
    """
    from annotator.importer import import_paths

    if encoding:
        import codecs

        try:
            codecs.lookup(encoding)
        except LookupError:
            raise click.BadParameter(f"unknown encoding {encoding!r}", param_hint="--encoding") from None
    with open_project(project, codebook) as proj:
        require_coders(proj.path, proj.coders(), assign_to, create)
        before = set(proj.document_ids()) if assign_to else set()
        shown = [0]

        def progress(done: int) -> None:
            # A count on stderr, only when it runs long enough to matter and someone is watching.
            if sys.stderr.isatty() and done - shown[0] >= 1000:
                shown[0] = done
                click.echo(f"\r{done:,} items read…", nl=False, err=True)

        try:
            report = import_paths(proj, list(paths), encoding=encoding, progress=progress)
        except user_errors() as exc:
            raise click.ClickException(str(exc)) from None
        if shown[0]:
            click.echo("", err=True)
        for rejection in report.rejections:
            click.echo(f"rejected: {rejection}", err=True)
        if assign_to:
            new_ids = [d for d in proj.document_ids() if d not in before]
            for coder in assign_to:
                proj.add_coder(coder)
                proj.assign(new_ids, coder)
        click.echo(f"{proj.path}: {report.summary()}")
    sys.exit(report.exit_code)


@cli.command()
@project_option
@click.option("--codebook", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Codebook YAML for the new project (default: the bundled one).")
def init(project: Path | None, codebook: Path | None) -> None:
    """Create a project file (or open an existing one: bring its schema up to date, switch its codebook)."""
    existed = project is not None and project.exists() and project.stat().st_size > 0
    with open_project(project, codebook, create=True) as proj:
        state = "opened" if existed or project is None else "created"
        click.echo(f"{proj.path}: {state}; {proj.count_documents()} documents, codebook {proj.codebook.name!r} "
                   f"({proj.codebook.sha256[:12]})")


@cli.command("add-coder")
@click.argument("names", nargs=-1, required=True, callback=coder_names)
@project_option
@click.option("--role", type=click.Choice(["coder", "adjudicator"]), default="coder", show_default=True)
@click.option("--all", "assign_all", is_flag=True, help="Assign every document of the project to them.")
@friendly
def add_coder(names: tuple[str, ...], project: Path | None, role: str, assign_all: bool) -> None:
    """Add coders (and optionally assign them every document); says which names already existed."""
    with open_project(project) as proj:
        for name in names:
            existed = name in proj.coders()
            proj.add_coder(name, role)
            added = proj.assign(proj.document_ids(), name) if assign_all else 0
            state = f"already in the project as {proj.coder_role(name)}" if existed else f"added as {role}"
            click.echo(f"{name}: {state}" + (f"; {added} documents newly assigned" if assign_all else ""))


@cli.command()
@click.argument("coder", required=False, callback=coder_names)
@click.argument("document_ids", nargs=-1)
@project_option
@click.option("--share", type=click.FloatRange(0, 1), help="Assign this share of all documents (first N, stable).")
@click.option("--coders", help="Distribute the documents (all, or the ids given) among these coders, comma-separated.")
@click.option("--overlap", type=click.FloatRange(0, 1), default=0.0, show_default=True,
              help="With --coders: the share of documents that goes to --per-doc coders (the reliability sample).")
@click.option("--per-doc", type=click.IntRange(min=2), default=2, show_default=True,
              help="With --coders: how many coders code each document of the sample (2 or 3).")
@click.option("--seed", type=int, help="With --coders: repeat a draw (default: a new seed, printed).")
@click.option("--by-outlet", is_flag=True, help="With --coders: draw the sample from each outlet in proportion.")
@click.option("--dry-run", is_flag=True, help="With --coders: show the plan, write nothing.")
@create_option
@friendly
def assign(coder: str | None, document_ids: tuple[str, ...], project: Path | None, share: float | None,
           coders: str | None, overlap: float, per_doc: int, seed: int | None, by_outlet: bool, dry_run: bool,
           create: bool) -> None:
    """Assign documents to a coder (ids, or --share of the corpus), or distribute them among
    --coders with an --overlap for the reliability sample; --create for new coders.

    With --coders every coder gets a balanced load, a random share (--overlap) goes to --per-doc
    coders, the same --seed gives the same plan, and work a coder has started is never taken away.
    """
    with open_project(project) as proj:
        if coders is not None:
            if share is not None:
                raise click.UsageError("--share is for one coder; with --coders use --overlap")
            names = [n.strip() for n in coders.split(",") if n.strip()]
            require_coders(proj.path, proj.coders(), names, create)
            if not dry_run:
                for name in names:
                    proj.add_coder(name)
            ids = ([coder] if coder else []) + list(document_ids)  # with --coders every argument is a document
            click.echo(run_assign_plan(proj, names, ids, overlap=overlap, per_doc=per_doc, seed=seed,
                                       by_outlet=by_outlet, dry_run=dry_run))
            return
        if coder is None:
            raise click.UsageError("name a coder (and documents or --share), or give --coders")
        require_coders(proj.path, proj.coders(), [coder], create)
        ids = list(document_ids)
        if share is not None:
            all_ids = proj.document_ids()
            ids += all_ids[: round(share * len(all_ids))]
        if not ids:
            raise click.UsageError("name documents or give --share")
        proj.add_coder(coder)
        click.echo(f"{proj.assign(ids, coder)} documents newly assigned to {coder}")


@cli.command("list")
@project_option
@click.option("--coder", help="Show this coder's assignments and status.")
@friendly
def list_(project: Path | None, coder: str | None) -> None:
    """List the project's documents (id, title); with --coder, their status for that coder."""
    # A terminal has no shaping engine; a pipe or file gets the stored text untouched (and the
    # command does not wait for the Arabic module's patterns to compile).
    show: Callable[[str], str] = str
    if sys.stdout.isatty():
        from annotator.arabic import shape_for_display

        show = shape_for_display
    with open_project(project) as proj:
        titles = proj.document_titles()
        if coder:
            for a in proj.assignments(coder):
                click.echo(f"{a.status:12} {a.document_id:24} {show(titles[a.document_id])}")
        else:
            for doc_id, title in titles.items():
                click.echo(f"{doc_id:24} {show(title)}")


@cli.command()
@project_option
@friendly
def check(project: Path | None) -> None:
    """Verify the project: quotes equal text[start:end], texts match their SHA-256, SQLite's full integrity check."""
    with open_project(project) as proj:
        problems = proj.check()
        for problem in problems:
            click.echo(problem, err=True)
        count = proj.count_annotations()
        click.echo(f"{proj.path}: {count} annotations checked, {len(problems)} problems")
    sys.exit(1 if problems else 0)


@cli.command()
@project_option
@click.option("--from", "source", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="The backup file to restore (default: the newest good backup of the project).")
@click.option("--list", "list_only", is_flag=True, help="List the project's backups, newest first, and whether each is usable.")
@friendly
def restore(project: Path | None, source: Path | None, list_only: bool) -> None:
    """Put a backup in the project's place; the file it replaces is kept beside it, never deleted.

    Backups are made when a project opens and every 10 minutes while it is in use, in the folder
    PROJECT.backups beside it (docs/reliability.md).
    """
    from annotator.store import backup

    path = project or default_project_path()
    if list_only:
        found = backup.backups(path)
        if not found:
            click.echo(f"{path}: no backups in {backup.backup_folder(path)}")
        for item in found:
            problem = backup.verify(item.path)
            click.echo(f"{item.describe()}, {item.path.stat().st_size:,} bytes: {problem or 'usable'}")
        return
    done = backup.restore(path, source)
    click.echo(f"{path}: restored from {done.source}"
               + (f"; the file it replaced is kept as {done.kept_as}" if done.kept_as else ""))


@cli.command()
@project_option
@click.option("--adjudicator", help="Who decides (a coder with the role adjudicator; default: the project's only one).")
@click.option("--document", "document_id", help="Open this document first (default: the first one).")
@friendly
def adjudicate(project: Path | None, adjudicator: str | None, document_id: str | None) -> None:
    """Open the adjudication window: every coder's annotations, the disagreements, gold decisions."""
    path = project or _default_project_path()
    with open_project(path) as proj:
        adjudicator = resolve_adjudicator(proj, adjudicator)
        if document_id is not None and document_id not in proj.documents_finished_by(2):
            raise click.ClickException(f"{document_id}: not finished by two coders, so there is nothing to "
                                       "adjudicate (coders mark documents done in their window)")
    from annotator.ui.app import run_adjudication

    sys.exit(run_adjudication(path, adjudicator, document_id))


def resolve_adjudicator(project: Project, name: str | None) -> str:
    """The adjudicator to decide as: ``name`` (checked), or the project's only adjudicator."""
    adjudicators = [c for c in project.coders() if project.coder_role(c) == "adjudicator"]
    if name is not None:
        if name not in adjudicators:
            known = ", ".join(adjudicators) or "none yet"
            raise click.ClickException(f"{name!r} is not an adjudicator of {project.path} (adjudicators: {known}); "
                                       f"add one with `annotator add-coder {name} --role adjudicator`")
        return name
    if len(adjudicators) == 1:
        return adjudicators[0]
    if not adjudicators:
        raise click.ClickException(f"{project.path} has no adjudicator; add one with "
                                   "`annotator add-coder NAME --role adjudicator`")
    raise click.ClickException(f"choose who decides with --adjudicator ({', '.join(adjudicators)})")


@cli.command("validate-codebook")
@click.argument("path", type=click.Path(dir_okay=False, path_type=Path))
def validate_codebook(path: Path) -> None:
    """Check a codebook file; prints file:line: problem, or a summary when it is valid."""
    from annotator.codebook import Codebook, CodebookError

    try:
        book = Codebook.load(path)
    except CodebookError as exc:
        raise click.ClickException(str(exc)) from None
    click.echo(f"{path}: valid: {len(book.layers)} layers, {len(book.links)} link kinds, "
               f"{len(book.document_fields)} document fields")


cli.add_command(make_command(open_project))
cli.add_command(make_export_command(open_project))
cli.add_command(make_import_annotations_command(open_project))
cli.add_command(gold_command(open_project))
cli.add_command(status_command(open_project))
cli.add_command(pack_command(open_project))
cli.add_command(merge_command(open_project))
cli.add_command(server_command)


def main() -> None:
    """Entry point: run the CLI; an unexpected error is logged, never shown as a traceback."""
    try:
        cli(standalone_mode=True)
    except SystemExit:
        raise
    except Exception as exc:  # the last guard: users get a sentence and a log file, never a traceback
        log = data_dir() / "crash.log"
        with log.open("a", encoding="utf-8") as fh:
            traceback.print_exc(file=fh)
        click.echo(f"annotator stopped on an unexpected error: {exc}. Details were written to {log}.", err=True)
        sys.exit(70)
