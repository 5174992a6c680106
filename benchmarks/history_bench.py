"""A long history: the coder's window and the change log in a project of 100,000 documents and
1,000,000 change rows, next to a small project with the same documents to code.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/history_bench.py [--documents 100000]
        [--changes 1000000] [--rounds 30] [--keep FOLDER]

Both projects hold the same 8 articles of 20,000 characters with 300 spans of the coder "bench"
each (as ui_bench.py's 300-annotation case). The large one also holds articles of 1,500
characters up to ``--documents``, all assigned to bench and to two other coders, whose edits
(spans created, changed and deleted, document fields set and cleared: ten logged changes per
article) fill the log to ``--changes`` rows; it is written through the store, a transaction per
2,000 articles. Then, in each project: the window driven as in ui_bench.py (its start, and each
action's p50/p95/max over ``--rounds`` rounds), and the log read by the store: its newest page,
a page from its middle, one document's log, and the whole log streamed (``Project.iter_changes``,
in a child process, with how much that grew its peak memory). Target: no action slower in the large project than in the small one.
``--keep FOLDER`` keeps (and reuses) the built projects there. Opening the large project reads
all of it once (SQLite's quick_check), which no window action repeats.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from machine import Conditions  # noqa: E402  (benchmarks/machine.py: run from the repository root)
from ui_bench import LAYERS, article, drive, pct  # noqa: E402
from annotator.model import Document  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.ui.app import application  # noqa: E402

CODED = 8  # articles the window opens, the same in both projects
SPANS = 300
BATCH = 2_000  # articles per transaction while building


def build(path: Path, n_documents: int, n_changes: int) -> Project:
    rng = random.Random(5)
    project = Project.open(path, create=True, backup=False)
    coded = [Document(id=f"coded-{i}", title=f"مقال مرمّز {i}", text=article(rng)) for i in range(CODED)]
    project.add_documents(coded)
    for coder in ("bench", "amal", "bilal"):
        project.add_coder(coder)
    project.assign([d.id for d in coded], "bench")
    for doc in coded:
        with project.transaction():
            for _ in range(SPANS):
                start = rng.randrange(0, len(doc.text) - 40)
                project.create_annotation("bench", doc.id, rng.choice(LAYERS), start, start + rng.randrange(3, 40))
    logged = len(project.changes())
    for first in range(0, max(0, n_documents - CODED), BATCH):
        docs = [Document(id=f"doc-{i:06}", title=f"مقال رقم {i}", text=article(rng, 1_500))
                for i in range(first, min(first + BATCH, n_documents - CODED))]
        project.add_documents(docs)
        ids = [d.id for d in docs]
        for coder in ("bench", "amal", "bilal"):
            project.assign(ids, coder)
        logged += 4
        with project.transaction():
            for doc in docs:
                if logged >= n_changes:
                    break
                logged += history(project, doc, rng)
        print(f"\r{first + len(docs):,} documents, {logged:,} changes", end="", file=sys.stderr)
    print(file=sys.stderr)
    return project


def history(project: Project, doc: Document, rng: random.Random) -> int:
    """Ten logged edits of two coders on one article; returns how many."""
    spans = [rng.randrange(0, len(doc.text) - 30) for _ in range(4)]
    a = project.create_annotation("amal", doc.id, "casualty", spans[0], spans[0] + 12, {"outcome": "killed"})
    project.update_annotation("amal", a.id, attrs={"outcome": "killed", "best": 3})
    b = project.create_annotation("amal", doc.id, "actor", spans[1], spans[1] + 8)
    project.update_annotation("amal", b.id, attrs={"role": "perpetrator"})
    c = project.create_annotation("bilal", doc.id, "casualty", spans[2], spans[2] + 12)
    project.update_annotation("bilal", c.id, attrs={"outcome": "injured"})
    d = project.create_annotation("bilal", doc.id, "source", spans[3], spans[3] + 10)
    project.delete_annotation("bilal", d.id)
    project.set_label("bilal", doc.id, "relevant", True)
    project.set_label("bilal", doc.id, "relevant", None)
    return 10


def timed_ms(action) -> tuple[float, object]:
    started = time.perf_counter()
    result = action()
    return (time.perf_counter() - started) * 1000, result


# Peak memory from /proc (VmHWM): ru_maxrss of a child started by a large parent keeps the
# parent's peak across exec.
STREAM = """
import json, sys, time
from annotator.store import Project

def peak_kb():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1])

with Project.open(sys.argv[1], backup=False) as project:
    before = peak_kb()
    started, rows, newest = time.perf_counter(), 0, 0
    for change in project.iter_changes():
        rows, newest = rows + 1, change.seq
    seconds = time.perf_counter() - started
print(json.dumps({"rows": rows, "newest": newest, "seconds": seconds, "before_kb": before, "peak_kb": peak_kb()}))
"""


def log_reads(path: Path, project: Project) -> dict[str, float]:
    """The whole log streamed in a child process (its time, and its peak memory before and after),
    then pages of it and one document's log read here, in milliseconds."""
    done = subprocess.run([sys.executable, "-c", STREAM, str(path)], capture_output=True, text=True, check=True)
    stream = json.loads(done.stdout)
    oldest = project.changes(limit=1)[0].seq
    middle = (oldest + stream["newest"]) // 2
    return {
        "rows": stream["rows"],
        "stream the whole log (iter_changes), ms": stream["seconds"] * 1000,
        "streaming process: peak memory with the project open, before streaming, MB": stream["before_kb"] / 1024,
        "streaming process: peak memory after streaming, MB": stream["peak_kb"] / 1024,
        "newest page of 1,000 (changes(since=, limit=)), ms": timed_ms(
            lambda: project.changes(since=stream["newest"] - 1_000, limit=1_000))[0],
        "a page of 1,000 from the middle, ms": timed_ms(lambda: project.changes(since=middle, limit=1_000))[0],
        "one document's log (changes(document_id=)), ms": timed_ms(lambda: project.changes(document_id="coded-3"))[0],
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--documents", type=int, default=100_000)
    parser.add_argument("--changes", type=int, default=1_000_000)
    parser.add_argument("--rounds", type=int, default=30)
    parser.add_argument("--keep", type=Path, help="build the projects here (and reuse them when present)")
    args = parser.parse_args()
    app = application()
    conditions = Conditions()
    print(conditions.header() + f"\nQt platform {os.environ['QT_QPA_PLATFORM']}; {args.rounds} rounds per project\n")
    with tempfile.TemporaryDirectory() as tmp:
        folder = args.keep or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        results, reads, sizes = {}, {}, {}
        for name, n_documents, n_changes in (("small", CODED, 0), ("large", args.documents, args.changes)):
            path = folder / f"history-{name}-{n_documents}-{n_changes}.annotator.db"
            if path.exists():
                project = Project.open(path, backup=False)
            else:
                started = time.perf_counter()
                project = build(path, n_documents, n_changes)
                print(f"built {name}: {time.perf_counter() - started:.0f} s", file=sys.stderr)
            project.close()
            sizes[name] = path.stat().st_size / 2**20
            open_ms, project = timed_ms(lambda: Project.open(path, backup=False))
            try:
                reads[name] = {"open the project (Project.open, no backup), ms": open_ms, **log_reads(path, project)}
                coded = [f"coded-{i}" for i in range(CODED)]
                results[name] = drive(app, project, coded, args.rounds, folder / f"{name}.ini")
            finally:
                project.close()
    conditions.close()
    print(f"small: {CODED} documents, {reads['small']['rows']:,.0f} change rows, {sizes['small']:.0f} MB; "
          f"large: {args.documents:,} documents, {reads['large']['rows']:,.0f} change rows, {sizes['large']:.0f} MB\n")
    print("| action | small p50 ms | small p95 ms | large p50 ms | large p95 ms | large max ms | large p95 / ref |\n"
          "|---|---:|---:|---:|---:|---:|---:|")
    for action, small in results["small"].items():
        large = results["large"][action]
        print(f"| {action} | {statistics.median(small):.1f} | {pct(small, 95):.1f} | {statistics.median(large):.1f} "
              f"| {pct(large, 95):.1f} | {max(large):.1f} | {conditions.ratio(pct(large, 95)):.2f} |")
    print("\n| the log | small | large |\n|---|---:|---:|")
    for key in reads["large"]:
        if key != "rows":
            print(f"| {key} | {reads['small'][key]:.1f} | {reads['large'][key]:.1f} |")
    print(f"\npeak RSS of this process: {resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024:.0f} MB")
    print(conditions.header())


if __name__ == "__main__":
    sys.exit(main())
