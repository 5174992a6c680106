"""Moving a project to the server: ``annotator server push`` copies it whole, and then every
feature above the store gives the same answers on the server as on the file (the same exports,
byte for byte; the same agreement; the same automatic gold)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from click.testing import CliRunner

from annotator.cli import cli
from annotator.export.exporter import FORMATS, ExportOptions, export
from annotator.export.sources import Selection
from annotator.store import Project
from tests.agreement.conftest import build_demo_project
from tests.export.conftest import build_project
from tests.team.conftest import Team, build_lead, dump
from tests.team.test_merge import three_copies


def run(*args: str) -> str:
    result = CliRunner().invoke(cli, [str(a) for a in args], catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.output


def folder(path: Path) -> dict[str, bytes]:
    """The files of an export, the manifest without its time and project name."""
    out = {p.relative_to(path).as_posix(): p.read_bytes() for p in sorted(path.rglob("*")) if p.is_file()}
    manifest = json.loads(out.pop("manifest.json"))
    for key in ("exported_at", "project"):
        manifest.pop(key)
    manifest["details"].pop("files_sha256", None)
    out["manifest.json"] = json.dumps(manifest, sort_keys=True).encode()
    return out


@pytest.fixture(scope="module")
def coded_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    base = tmp_path_factory.mktemp("coded")
    return build_project(base / "coded.annotator.db", base / "corpus")


def test_push_keeps_ids_the_log_and_the_codebook(coded_file: Path, new_database) -> None:
    url = new_database(empty=True)
    said = run("server", "push", coded_file, url)
    assert "rows copied" in said and "3 documents" in said
    with Project.open(coded_file) as file, Project.open(url) as server:
        assert server.changes() == file.changes()
        assert server.codebook.sha256 == file.codebook.sha256
        assert server.document_ids() == file.document_ids()
        assert {c: server._coder_id(c) for c in server.coders()} == {c: file._coder_id(c) for c in file.coders()}
        assert server.annotations() == file.annotations()
        assert server.gold_annotations() == file.gold_annotations()
        assert server.check() == []
        # Work goes on where the file stopped: the next change follows the last one pushed.
        server.set_label("mona", "plain", "relevant", True)
        assert server.changes()[-1].seq == file.changes()[-1].seq + 1


def test_a_push_never_mixes_two_projects(coded_file: Path, new_database) -> None:
    url = new_database()
    run("server", "push", coded_file, url)
    result = CliRunner().invoke(cli, ["server", "push", str(coded_file), url])
    assert result.exit_code == 1 and "not empty" in result.output and "Traceback" not in result.output


def test_every_export_is_the_same_from_the_server(coded_file: Path, new_database, tmp_path: Path) -> None:
    url = new_database()
    run("server", "push", coded_file, url)
    with Project.open(coded_file) as file, Project.open(url) as server:
        for fmt in FORMATS:
            for selection in (Selection(gold=True), Selection(coders=("mona", "omar"))):
                if fmt in ("acled", "ucdp") and not selection.gold:
                    continue
                exported = []
                for project, name in ((file, "file"), (server, "server")):
                    target = tmp_path / f"{fmt}-{selection.gold}-{name}"
                    export(project, selection, fmt, target, ExportOptions())
                    exported.append(folder(target))
                assert exported[0] == exported[1], fmt


def test_agreement_and_automatic_gold_are_the_same_on_the_server(tmp_path: Path, new_database) -> None:
    demo = build_demo_project(tmp_path / "demo.annotator.db")
    url = new_database()
    run("server", "push", demo, url)
    for where, name in ((demo, "file"), (url, "server")):
        run("agreement", "--project", where, "--format", "json", "--boot", "50", "-o", tmp_path / f"{name}.json")
    assert (tmp_path / "file.json").read_text() == (tmp_path / "server.json").read_text()
    said = [run("gold", "--project", where, "--auto", "unanimous", "--adjudicator", "demo-lead").replace(str(where), "P")
            for where in (demo, url)]
    assert said[0] == said[1] and "accepted" in said[0]
    with Project.open(demo) as file, Project.open(url) as server:
        assert [(g.id is not None, g.document_id, g.layer, g.start, g.end, g.attrs) for g in server.gold_annotations()] \
            == [(g.id is not None, g.document_id, g.layer, g.start, g.end, g.attrs) for g in file.gold_annotations()]
        assert len(server.gold_annotations()) > 50


def test_merging_copies_into_the_file_or_into_the_pushed_project_gives_the_same_project(tmp_path: Path,
                                                                                       new_database) -> None:
    """The merge writes on the server what it writes in a file, row for row (the canonical dump):
    three copies (a conflict, deletions, links, fields, time spent) packed from a lead's file."""
    team = Team(build_lead(tmp_path / "lead.annotator.db"), tmp_path, new_location=None)  # no lead copies here
    copies = three_copies(team)
    url = new_database()
    run("server", "push", team.lead, url)
    assert dump(url) == dump(team.lead)
    reports = [team.merge(*copies, into=where).text().replace(str(where), "P") for where in (team.lead, url)]
    assert reports[0] == reports[1] and "2 new conflicts" in reports[0]
    assert dump(url) == dump(team.lead)
