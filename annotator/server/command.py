"""``annotator server init | add-coder | blind | push``: set up a server project, its coders'
logins and whether coding is blind, and upload a project file to it."""

from __future__ import annotations

from pathlib import Path

import click

from annotator.codebook import CodebookError
from annotator.store import NotOwnerError, Project, ProjectError
from annotator.store.pg_rights import GROUPS, ROLES, add_login, set_blind_coding, set_up_rights
from annotator.store.postgres import server_location
from annotator.store.transfer import copy_project

LOCATION_HELP = "a postgresql:// URL or a libpq keyword string (service=NAME); no password in it"


def _location(_ctx: click.Context, _param: click.Parameter, value: str) -> str:
    try:
        found = server_location(value)
    except ProjectError as exc:
        raise click.BadParameter(str(exc)) from None
    if found is None:
        raise click.BadParameter(f"{value!r} is not a PostgreSQL location ({LOCATION_HELP})")
    return value


def _open(location: str, **kwargs: object) -> Project:
    try:
        return Project.open(location, **kwargs)
    except (ProjectError, CodebookError) as exc:
        raise click.ClickException(str(exc)) from None


@click.group("server")
def server() -> None:
    """A team's project on a PostgreSQL server: create it, add coders' logins, blind coding, upload a file.

    LOCATION is a postgresql:// URL or a libpq keyword string (service=NAME). Passwords come from
    ~/.pgpass or PGPASSWORD, never from the location. See docs/team-server.md.
    """


@server.command("init")
@click.argument("location", callback=_location)
@click.option("--codebook", type=click.Path(dir_okay=False, exists=True, path_type=Path),
              help="Codebook YAML for a new project (default: the bundled one); for an existing one, switch to it.")
def init(location: str, codebook: Path | None) -> None:
    """Create the project's schema in an empty database (or bring it up to date), and the roles
    and row-level security that enforce coders' rights. Run it as the database's owner, with the
    right to create roles; running it again is safe."""
    with _open(location, codebook=codebook, create=True) as project:
        try:
            set_up_rights(project)
        except ProjectError as exc:
            raise click.ClickException(f"{exc} (run `annotator server init` as the database's owner, with the "
                                       "right to create roles)") from None
        click.echo(f"{location}: project ready: {project.count_documents()} documents, codebook "
                   f"{project.codebook.name!r} ({project.codebook.sha256[:12]}); rights enforced by the server "
                   f"({', '.join(GROUPS.values())})")


@server.command("add-coder")
@click.argument("location", callback=_location)
@click.argument("name")
@click.option("--role", type=click.Choice(ROLES), default="coder", show_default=True,
              help="coder: their own work; adjudicator: reads everyone's work and writes gold; lead: everything.")
@click.option("--login", help="The PostgreSQL login (default: the coder's name).")
@click.option("--password", is_flag=True, help="Set the login's password (asked twice; sent hashed).")
def add_coder(location: str, name: str, role: str, login: str | None, password: bool) -> None:
    """Add a coder to the project with a login role of their own that the server holds to their rights."""
    name = name.strip()
    secret = click.prompt(f"password for {login or name}", hide_input=True, confirmation_prompt=True) \
        if password else None
    with _open(location) as project:
        try:
            project.add_coder(name, "coder" if role == "coder" else "adjudicator")
            created = add_login(project, name, role, login or name, secret)
        except (ProjectError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
        state = "created" if created else "existed; now also for this project"
        click.echo(f"{name}: {role} in {location}; login {login or name} {state}")


@server.command("blind")
@click.argument("location", callback=_location)
@click.argument("state", type=click.Choice(["on", "off"]))
def blind(location: str, state: str) -> None:
    """Switch blind coding on (the default) or off. While it is on, a coder sees only their own
    annotations, links, document fields and log entries; off, coders also read each other's work
    (never change it). The server enforces it; only a lead or the project's owner may switch it."""
    with _open(location) as project:
        try:
            was_blind = set_blind_coding(project, state == "on")
        except NotOwnerError:
            raise click.ClickException(f"{location}: only a lead or the project's owner may switch blind coding, and "
                                       "the server refused this login; run it logged in as one of them") from None
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from None
    now = "on: coders see only their own work" if state == "on" else \
        "off: coders also see each other's work (read-only)"
    click.echo(f"{location}: blind coding {'stays' if was_blind == (state == 'on') else 'is now'} {now}")


@server.command("push")
@click.argument("file", type=click.Path(dir_okay=False, exists=True, path_type=Path))
@click.argument("location", callback=_location)
def push(file: Path, location: str) -> None:
    """Upload a project file (a lead's project, or one into which coders' copies were merged) into
    an empty server project: every row with its ids, the change log and the codebook unchanged."""
    with _open(str(file), backup=False) as source, _open(location, create=True) as target:
        try:
            pushed = copy_project(source, target)
        except ProjectError as exc:
            raise click.ClickException(str(exc)) from None
        click.echo(f"{file} -> {location}: {pushed.summary()}. Give its coders logins with "
                   "`annotator server add-coder LOCATION NAME`.")
