"""Coders' rights on a server project, enforced by PostgreSQL itself (row-level security).

Three group roles, shared by the projects of a server: ``annotator_coder``,
``annotator_adjudicator`` and ``annotator_lead``. Each coder logs in with a role of their own,
member of one group, mapped to their row in ``coders`` by ``coder_logins``. A login can connect
only to the projects it was added to (CONNECT is revoked from PUBLIC).

What the policies allow (every table has row-level security on; no policy means no rows):

========================  ===========================  ==========================  ================
table                     coder                        adjudicator                 lead
========================  ===========================  ==========================  ================
annotations, links,       own rows: read and write;    own rows: write;            everything
document_labels           others': read only when      everyone's: read
                          coding is not blind
assignments               read all; update own         read all; update own        everything
changes                   read own and the project's   read all; append own        everything
                          (coder NULL; everything      or the project's
                          when not blind); append own
gold_*                    nothing                      read and write              everything
merge_*, pack_base        nothing                      nothing                     everything
project, codebooks,       read                         read                        everything
documents, coders, ...
========================  ===========================  ==========================  ================

Coding is blind (double coders do not see each other's work) unless the project's setting
``blind_coding`` is ``off`` (:func:`set_blind_coding`, ``annotator server blind``; a setting only a
lead or the owner may write, as every row of ``project``). Only the owner of the tables (who ran
``annotator server init``) changes the schema; the log is append-only for everyone but a lead.
"""

from __future__ import annotations

from typing import Any

GROUPS = {"coder": "annotator_coder", "adjudicator": "annotator_adjudicator", "lead": "annotator_lead"}
ROLES = tuple(GROUPS)
MAX_LOGIN_BYTES = 63  # PostgreSQL's limit on a role name
BLIND_SETTING = "blind_coding"  # "off": coders read (never write) each other's work; anything else: blind

_ME = "coder_id = (SELECT annotator_coder_id())"
_SEEING = "(SELECT NOT annotator_blind())"
_WORK = ("annotations", "links", "document_labels")
_GOLD = ("gold_annotations", "gold_links", "gold_labels", "gold_documents")
_LEAD_ONLY = ("merge_packs", "merge_versions", "merge_contributions", "pack_base")

_FUNCTIONS = [
    """CREATE TABLE IF NOT EXISTS coder_logins (
        login TEXT COLLATE "C" PRIMARY KEY,
        coder_id INTEGER NOT NULL UNIQUE REFERENCES coders(id))""",
    # Run as the caller (current_user is the login), on tables every login may read.
    """CREATE OR REPLACE FUNCTION annotator_coder_id() RETURNS integer LANGUAGE sql STABLE
       AS $$ SELECT coder_id FROM coder_logins WHERE login = current_user $$""",
    f"""CREATE OR REPLACE FUNCTION annotator_blind() RETURNS boolean LANGUAGE sql STABLE
       AS $$ SELECT coalesce((SELECT value FROM project WHERE key = '{BLIND_SETTING}'), 'on') <> 'off' $$""",
]


def _group_roles(engine: Any) -> list[str]:
    existing = {r[0] for r in engine.execute("SELECT rolname FROM pg_roles WHERE rolname LIKE 'annotator\\_%'")}
    return [f"CREATE ROLE {group} NOLOGIN" for group in GROUPS.values() if group not in existing]


def _policies(tables: list[str]) -> list[str]:
    coder, adjudicator, lead = GROUPS["coder"], GROUPS["adjudicator"], GROUPS["lead"]
    both = f"{coder}, {adjudicator}"
    out: list[str] = []

    def policy(table: str, name: str, command: str, roles: str, using: str | None, check: str | None = None) -> None:
        out.append(f"DROP POLICY IF EXISTS {name} ON {table}")
        sql = f"CREATE POLICY {name} ON {table} FOR {command} TO {roles}"
        if using is not None:
            sql += f" USING ({using})"
        if check is not None:
            sql += f" WITH CHECK ({check})"
        out.append(sql)

    for table in tables:
        out += [f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY",
                f"REVOKE ALL ON {table} FROM PUBLIC",
                f"GRANT SELECT ON {table} TO {both}",
                f"GRANT SELECT, INSERT, UPDATE, DELETE ON {table} TO {lead}"]
        policy(table, "lead_all", "ALL", lead, "true", "true")
        if table in _WORK:
            out.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {both}")
            policy(table, "own_work", "ALL", both, _ME, _ME)
            policy(table, "others_when_not_blind", "SELECT", coder, _SEEING)
            policy(table, "adjudicator_reads", "SELECT", adjudicator, "true")
        elif table == "assignments":
            out.append(f"GRANT UPDATE ON {table} TO {both}")
            policy(table, "read_all", "SELECT", both, "true")
            policy(table, "own_progress", "UPDATE", both, _ME, _ME)
        elif table == "changes":
            out.append(f"GRANT INSERT ON {table} TO {both}")
            policy(table, "coder_reads", "SELECT", coder, f"{_ME} OR coder_id IS NULL OR {_SEEING}")
            policy(table, "adjudicator_reads", "SELECT", adjudicator, "true")
            policy(table, "coder_logs", "INSERT", coder, None, _ME)
            policy(table, "adjudicator_logs", "INSERT", adjudicator, None, f"{_ME} OR coder_id IS NULL")
        elif table in _GOLD:
            out.append(f"GRANT INSERT, UPDATE, DELETE ON {table} TO {adjudicator}")
            policy(table, "adjudicator_all", "ALL", adjudicator, "true", "true")
        elif table not in _LEAD_ONLY:
            policy(table, "read_all", "SELECT", both, "true")
    return out


def set_up_rights(project: Any) -> None:
    """Create the group roles, the login map and every table's policies (again: idempotent, so
    ``annotator server init`` also covers tables a newer annotator added). In one transaction."""
    db = _server(project)
    with project.transaction():
        for statement in _group_roles(db) + _FUNCTIONS:
            db.execute(statement)
        tables = [r[0] for r in db.execute("SELECT tablename FROM pg_tables WHERE schemaname = current_schema() "
                                           "ORDER BY tablename")]
        for statement in _policies(tables):
            db.execute(statement)
        name = db.execute("SELECT current_database()").fetchone()[0]
        db.execute(f"REVOKE CONNECT ON DATABASE {_ident(name)} FROM PUBLIC")


def add_login(project: Any, coder: str, role: str, login: str, password: str | None = None) -> bool:
    """Give ``coder`` (in the project already) a login role of ``role``'s group that may connect to
    this project; returns False when the login existed (it is then only granted this project).
    ``password`` is sent hashed (SCRAM), never in clear text."""
    if role not in GROUPS:
        raise ValueError(f"role {role!r} is not one of {', '.join(ROLES)}")
    if len(login.encode("utf-8")) > MAX_LOGIN_BYTES:
        raise ValueError(f"the login {login!r} is longer than PostgreSQL's {MAX_LOGIN_BYTES} bytes; "
                         "choose a shorter one with --login")
    db = _server(project)
    coder_id = project._coder_id(coder)
    with project.transaction():
        exists = db.execute("SELECT 1 FROM pg_roles WHERE rolname = ?", [login]).fetchone() is not None
        if not exists:
            db.execute(f"CREATE ROLE {_ident(login)} LOGIN")
        for other, group in GROUPS.items():
            if other != role:
                db.execute(f"REVOKE {group} FROM {_ident(login)}")
        db.execute(f"GRANT {GROUPS[role]} TO {_ident(login)}")
        name = db.execute("SELECT current_database()").fetchone()[0]
        db.execute(f"GRANT CONNECT ON DATABASE {_ident(name)} TO {_ident(login)}")
        db.execute("INSERT INTO coder_logins (login, coder_id) VALUES (?, ?) ON CONFLICT (login) "
                   "DO UPDATE SET coder_id = excluded.coder_id", [login, coder_id])
        if password:
            hashed = db.encrypt_password(password, login)
            db.execute(f"ALTER ROLE {_ident(login)} PASSWORD {_literal(hashed)}")
        project._log(None, None, "add_login", {"coder": coder, "login": login, "role": role})
    return not exists


def blind_coding(project: Any) -> bool:
    """Whether coding on the project is blind (the default)."""
    return project.setting(BLIND_SETTING, "on") != "off"


def set_blind_coding(project: Any, blind: bool) -> bool:
    """Switch blind coding on or off (one logged change); returns whether it was blind before.
    The server lets only a lead or the owner write it: anyone else gets NotOwnerError."""
    _server(project)
    before = blind_coding(project)
    project.set_setting(BLIND_SETTING, "on" if blind else "off")
    return before


def login_coder(project: Any) -> str | None:
    """The coder the current login is, on a server project (None: not mapped, or not a server)."""
    if project.db.name != "postgresql":
        return None
    if project.db.execute("SELECT to_regclass('coder_logins')").fetchone()[0] is None:
        return None
    row = project.db.execute("SELECT k.name FROM coder_logins l JOIN coders k ON k.id = l.coder_id "
                             "WHERE l.login = current_user").fetchone()
    return row[0] if row else None


def _server(project: Any) -> Any:
    if project.db.name != "postgresql":
        from annotator.store import ProjectError

        raise ProjectError(f"{project.path}: rights are a server project's (a project file has no logins)")
    return project.db


def _ident(name: str) -> str:
    return '"' + name.replace('"', '""') + '"'


def _literal(text: str) -> str:
    return "'" + text.replace("'", "''") + "'"
