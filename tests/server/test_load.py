"""Coders writing at once to one server project, each logged in as themselves (row-level security
on): nothing lost, nothing refused, the log equal to the tables. A small run of
``benchmarks/server_bench.py load`` (20 processes for 60 s, docs/benchmarks.md)."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest
from edit_stream import coder_worker, empty_state, read_acks, replay, same, tables_agree_with_log

from annotator.model import Document
from annotator.store import Project
from annotator.store.pg_rights import add_login, set_up_rights
from tests.conftest import ARTICLE
from tests.server.conftest import as_login

CODERS = ("sara", "rami", "huda", "badr")
SECONDS = 5.0


def test_four_coders_writing_at_once_lose_nothing(new_database, tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    url = new_database()
    with Project.open(url) as p:
        set_up_rights(p)
        p.add_documents([Document(id=f"d{i}", title=f"خبر {i}", text=f"{i} {ARTICLE}") for i in range(2 * len(CODERS))])
        for i, coder in enumerate(CODERS):
            p.add_coder(coder)
            add_login(p, coder, "coder", coder)
            p.assign([f"d{2 * i}", f"d{2 * i + 1}"], coder)
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["annotator.session"])
    paths = {coder: str(tmp_path / f"{coder}.jsonl") for coder in CODERS}
    workers = [context.Process(target=coder_worker, daemon=True, args=(
        as_login(url, coder), coder, [f"d{2 * i}", f"d{2 * i + 1}"], paths[coder], SECONDS, i, 25, 0.004))
        for i, coder in enumerate(CODERS)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=SECONDS + 60)
        assert w.exitcode == 0
    acks = []
    for coder, path in paths.items():
        records = read_acks(path)
        summary = records[-1]["summary"]
        assert summary["errors"] == [] and summary["not_saved"] == 0 and summary["refused"] == 0, summary
        assert summary["acknowledged"] == summary["edits"] > 50
        acks += [{**a, "coder": coder} for a in records[:-1]]
    with Project.open(url) as p:
        changes = p.changes()
        states: dict = {}
        position = 0
        for ack in sorted(acks, key=lambda a: a["seq"]):
            while position < len(changes) and changes[position].seq <= ack["seq"]:
                replay([changes[position]], states)
                position += 1
            assert same(states.get((ack["coder"], ack["document"]), empty_state()), ack["state"]), ack["seq"]
        replay(changes[position:], states)
        assert tables_agree_with_log(p, states) == [] and p.check() == []
    with capsys.disabled():
        print(f"\nserver load test: {len(CODERS)} processes for {SECONDS:.0f} s: {len(acks)} acknowledged edits, "
              f"{len(changes)} changes, 0 errors, 0 lost")
