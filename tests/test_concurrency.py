"""Many coders on one project file on one machine: writers wait their turn, nothing is lost or overwritten.

Four coder processes write for 30 s to one project (zero errors, zero lost writes); two
processes of the same coder on the same document never overwrite what they did not see (a stale
edit is refused and shown). The counts are printed and quoted in docs/reliability.md.
"""

from __future__ import annotations

import multiprocessing
import sqlite3
import time
from pathlib import Path
from typing import Any

import pytest
from conftest import ARTICLE, span_of
from edit_stream import coder_worker, empty_state, read_acks, replay, same, table_state, tables_agree_with_log

from annotator.model import Document
from annotator.store import Project, ProjectError

CODERS = ("mona", "omar", "lina", "sami")
SECONDS = 30.0
SAME_CODER_SECONDS = 10.0
# Up to 4 ms between edits: each process still makes about 200 edits a second (a coder makes one
# every few seconds), while leaving SQLite's lock free some of the time. Without any pause the
# lock is busy about 95% of the time and a writer's wait, polled in steps of up to 100 ms, has
# reached 2.3 s (of the 5 s timeout): docs/reliability.md.
PAUSE_S = 0.004

pytestmark = pytest.mark.sqlite_only  # processes sharing one project file (docs/reliability.md)


@pytest.mark.parametrize("call", ["update", "delete"])
def test_a_write_never_reports_a_change_that_did_not_happen(
        project: Project, call: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Another process changes the row between the store's read of it and its write: the store
    must then not log (and report) a change on a row that is no longer the one it read."""
    ann = project.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"), {"role": "target"})
    elsewhere = sqlite3.connect(str(project.path), timeout=0)
    read = Project.annotation
    changed_elsewhere = []

    def read_then_changed_elsewhere(self: Project, annotation_id: str):  # type: ignore[no-untyped-def]
        found = read(self, annotation_id)
        try:  # succeeds only if the caller does not hold the write lock while it reads
            elsewhere.execute("UPDATE annotations SET attrs = '{\"role\": \"mentioned\"}' WHERE id = ?", [annotation_id])
            elsewhere.commit()
            changed_elsewhere.append(annotation_id)
        except sqlite3.OperationalError:
            elsewhere.rollback()
        return found

    monkeypatch.setattr(Project, "annotation", read_then_changed_elsewhere)
    try:
        if call == "update":
            project.update_annotation("mona", ann.id, start=ann.start - 1)
        else:
            project.delete_annotation("mona", ann.id)
        reported = True
    except ProjectError:
        reported = False
    monkeypatch.undo()
    elsewhere.close()
    logged = [c.payload for c in project.changes(document_id="doc-1") if c.action == f"{call}_annotation"]
    rows = project.annotations("doc-1", "mona")
    held = {"role": "mentioned" if changed_elsewhere else "target"}  # the row just before the write
    assert reported and len(logged) == 1
    if call == "update":  # the log's "before" is what the row held; the row holds the log's "after"
        assert logged[0]["before"]["attrs"] == held
        assert (rows[0].start, rows[0].attrs) == (logged[0]["after"]["start"], logged[0]["after"]["attrs"])
    else:  # the log names what was deleted
        assert rows == [] and logged[0]["attrs"] == held


def _add_coders(project: Project) -> None:
    project.add_documents([Document(id="doc-3", title="ثالث", text=ARTICLE.replace("الحوامة", "الرستن") * 3)])
    for coder in CODERS:
        project.add_coder(coder)
        project.assign(["doc-1", "doc-2", "doc-3"], coder)


def _run(project: Project, tmp_path: Path, jobs: list[tuple[str, list[str], float, int]]) -> list[list[dict]]:
    """Run coder workers at once; each one's acknowledgements, the summary last."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["annotator.session"])
    workers, paths = [], []
    for i, (coder, documents, seconds, reopen_every) in enumerate(jobs):
        paths.append(str(tmp_path / f"worker-{i}.jsonl"))
        workers.append(context.Process(target=coder_worker, daemon=True,
                                       args=(str(project.path), coder, documents, paths[-1], seconds, i, reopen_every,
                                             PAUSE_S)))
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=max(s for _, _, s, _ in jobs) + 60)
        assert w.exitcode == 0
    return [read_acks(p) for p in paths]


def _check_log(project: Project, acks: list[dict[str, Any]]) -> None:
    """Every acknowledgement matches the log replayed up to it; the whole log matches the tables."""
    changes = project.changes()
    states: dict = {}
    position = 0
    for ack in sorted(acks, key=lambda a: a["seq"]):
        while position < len(changes) and changes[position].seq <= ack["seq"]:
            replay([changes[position]], states)
            position += 1
        assert same(states.get((ack["coder"], ack["document"]), empty_state()), ack["state"]), ack["seq"]
    replay(changes[position:], states)
    assert tables_agree_with_log(project, states) == []
    assert project.check() == []


def test_four_coder_processes_writing_for_30_s_lose_nothing(
        project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _add_coders(project)
    results = _run(project, tmp_path, [(c, ["doc-1", "doc-2", "doc-3"], SECONDS, 25) for c in CODERS])
    acks = []
    lines = []
    for coder, records in zip(CODERS, results):
        summary = records[-1]["summary"]
        assert summary["errors"] == [] and summary["not_saved"] == 0 and summary["refused"] == 0, summary
        assert summary["acknowledged"] == summary["edits"] > 100
        mine = [{**a, "coder": coder} for a in records[:-1]]
        last = {a["document"]: a["state"] for a in mine}
        for document_id, state in last.items():  # zero lost writes: the last acknowledged state is stored
            assert same(state, table_state(project, coder, document_id)), (coder, document_id)
        acks += mine
        lines.append(f"{coder} {summary['acknowledged']} edits ({summary['over_100ms']} over 100 ms, "
                     f"slowest {summary['max_edit_s'] * 1000:.0f} ms)")
    _check_log(project, acks)
    with capsys.disabled():
        print(f"\nconcurrency test: 4 processes for {SECONDS:.0f} s: {'; '.join(lines)}; "
              f"{sum(int(l.split()[1]) for l in lines)} edits, {len(project.changes())} changes, "
              "0 errors, 0 not saved, 0 lost")


def test_the_same_coder_in_two_processes_never_overwrites_what_it_did_not_see(
        project: Project, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """The rule: an edit applies to the version of the span its window showed. When the other
    process changed it first, the edit is refused and shown (the first write wins); so every
    acknowledged edit replaced exactly the version its window showed."""
    results = _run(project, tmp_path, [("mona", ["doc-1"], SAME_CODER_SECONDS, 6)] * 2)
    summaries = [r[-1]["summary"] for r in results]
    for s in summaries:
        assert s["errors"] == [] and s["not_saved"] == 0, s
    assert sum(s["refused"] for s in summaries) > 0  # the two did collide, and were told
    changes = {c.seq: c for c in project.changes()}
    checked = 0
    for ack in (a for r in results for a in r[:-1]):
        did = ack["did"]
        if did["kind"] in ("update", "delete"):
            change = changes[ack["seq"]]
            assert change.action == f"{did['kind']}_annotation" and change.payload["id"] == did["id"]
            replaced = change.payload["before"] if did["kind"] == "update" else change.payload
            assert [replaced[k] for k in ("start", "end", "quote", "attrs")] == did["seen"][1:], ack["seq"]
            checked += 1
    assert checked > 50
    _check_log(project, [])
    with capsys.disabled():
        print(f"\nsame coder, two processes, one document, {SAME_CODER_SECONDS:.0f} s: "
              f"{sum(s['acknowledged'] for s in summaries)} edits saved, {sum(s['refused'] for s in summaries)} "
              f"refused as conflicts and shown, {checked} saved edits of existing spans each replaced the "
              "version its window showed, 0 errors")
