"""A coder's process killed (SIGKILL) at random moments in a stream of edits loses nothing it acknowledged.

Each round forks a worker (tests/edit_stream.py) that opens the project and edits one document
through the real CodingSession, acknowledging every saved edit; the test kills it after a random
delay, then checks the project as the next start would find it: its integrity check, every
acknowledged edit in the log at the position acknowledged (the replayed log equals what the
coder's window showed), and the replayed log equal to the tables. The same on a server project
(a killed process's connection drops, and the server rolls back what it had not committed). The
counts are printed and quoted in docs/reliability.md and docs/team-server.md.
"""

from __future__ import annotations

import multiprocessing
import random
import signal
import time
from pathlib import Path

import pytest
from edit_stream import empty_state, fault_worker, read_acks, replay, same, tables_agree_with_log

from annotator.store import Project

KILLS = {"sqlite": 200, "postgresql": 100}  # a server round opens a connection: slower, so fewer
MAX_DELAY_S = 0.12  # after the worker's first edit: the stream runs a few to a few dozen edits



def test_a_coder_killed_at_random_moments_loses_no_acknowledged_edit(
        project: Project, store_engine: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    kills = KILLS[store_engine]
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["annotator.session"])  # workers start by fork, imports done
    rng = random.Random(10)
    states: dict = {}
    replayed = 0
    totals = {"kills": 0, "acknowledged": 0, "changes": 0, "unacknowledged commits": 0, "integrity checks": 0}
    began = time.monotonic()
    for round_ in range(kills):
        acks_path = tmp_path / f"acks-{round_}.jsonl"
        worker = context.Process(target=fault_worker, daemon=True,
                                 args=(str(project.path), "mona", "doc-1", str(acks_path), round_))
        worker.start()
        deadline = time.monotonic() + 30
        while not read_acks(str(acks_path)) and worker.is_alive() and time.monotonic() < deadline:
            time.sleep(0.002)
        time.sleep(rng.uniform(0, MAX_DELAY_S))
        worker.kill()
        worker.join()
        assert worker.exitcode == -signal.SIGKILL, f"round {round_}: the worker stopped by itself"
        totals["kills"] += 1

        assert project.check() == [], f"round {round_}: integrity"
        totals["integrity checks"] += 1
        acks = [a for a in read_acks(str(acks_path)) if "seq" in a]
        changes = project.changes(since=replayed)
        position = 0
        for ack in acks:  # the log up to each acknowledged position is what the window showed
            while position < len(changes) and changes[position].seq <= ack["seq"]:
                replay([changes[position]], states)
                position += 1
            assert same(states.get(("mona", ack["document"]), empty_state()), ack["state"]), \
                f"round {round_}: acknowledged edit up to change {ack['seq']} missing"
        totals["unacknowledged commits"] += position < len(changes)
        replay(changes[position:], states)
        assert tables_agree_with_log(project, states) == [], f"round {round_}"
        totals["acknowledged"] += len(acks)
        totals["changes"] += len(changes)
        replayed = changes[-1].seq if changes else replayed
    with capsys.disabled():
        print(f"\nfault test ({store_engine}): {', '.join(f'{v} {k}' for k, v in totals.items())} "
              f"in {time.monotonic() - began:.0f} s")
    assert totals["acknowledged"] > kills  # the kills landed inside streams of edits
