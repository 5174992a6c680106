"""A team's project on a PostgreSQL server, measured (run by hand; figures in docs/benchmarks.md).

    .venv/bin/python benchmarks/server_bench.py action           # a coder's edits: server vs file, p50/p95
    .venv/bin/python benchmarks/server_bench.py load             # 20 coder processes for 60 s on one server
    .venv/bin/python benchmarks/server_bench.py large            # agreement and gold export, 100,000 documents

Each run starts its own server in a temporary folder (tests/postgres.py), with fsync and
synchronous commits on, as a real server has them; it listens on a Unix socket (a local server:
the network's round trips come on top). Needs PostgreSQL's programs (``apt-get install
postgresql``); as root the server runs as the ``postgres`` user.

* **action**: one coder's session (CodingSession, the window's model) on a 3,000-character article:
  create a span, change a field, set a document field, undo; each timed from the call to the
  commit, on a project file (WAL, synchronous=FULL) and on the server.
* **load**: ``--coders`` processes, each logged in as its own coder (row-level security on),
  editing for ``--seconds`` with tests/edit_stream.py's random edits (create, change fields and
  edges, delete, link, document fields, undo, redo; up to 4 ms between edits, reopening a document
  every 25 edits). Then every acknowledged edit is checked against the change log replayed up to
  it, and the whole log against the tables: lost writes are counted, and must be zero.
* **large**: ``--documents`` documents, of which ``--sample`` are coded by 3 coders (gold_bench's
  synthetic study: ~30 spans each, every attribute, links, every document field) and the rest by
  one coder (10 spans each), all done; built as a file, pushed to the server (timed), then the
  agreement summary (1,000 bootstrap resamples), automatic gold (unanimous) and the gold
  standard's JSONL export, on the file and on the server.
"""

from __future__ import annotations

import argparse
import multiprocessing
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(ROOT / "benchmarks")]

from machine import describe  # noqa: E402

from annotator.model import Document  # noqa: E402
from annotator.session import CodingSession  # noqa: E402
from annotator.store import Project, _json, _now  # noqa: E402
from annotator.store.pg_rights import add_login, set_up_rights  # noqa: E402
from annotator.store.transfer import copy_project  # noqa: E402
from tests.postgres import running_server, unavailable  # noqa: E402

ARTICLE = ("قالت مصادر محلية إن غارة جوية استهدفت بلدة الحوامة وأسفرت عن مقتل ١٢ مدنياً بينهم أطفال، "
           "فيما نفت قسد مسؤوليتها عن القصف. ") * 30


def _percentiles(times: list[float]) -> str:
    ms = sorted(t * 1000 for t in times)
    p95 = ms[min(len(ms) - 1, round(0.95 * (len(ms) - 1)))]
    return f"p50 {statistics.median(ms):6.2f} ms  p95 {p95:6.2f} ms  max {ms[-1]:6.2f} ms"


# -- action ----------------------------------------------------------------------------------------

def _fresh(location: object) -> Project:
    p = Project.open(location, create=True)
    p.add_documents([Document(id="doc", title="خبر", text=ARTICLE[:3000])])
    p.add_coder("mona")
    p.assign(["doc"], "mona")
    return p


def time_actions(project: Project, repeat: int) -> dict[str, list[float]]:
    session = CodingSession(project, "mona")
    session.open("doc")
    rng = random.Random(0)
    times: dict[str, list[float]] = {"create span": [], "change a field": [], "document field": [], "undo": []}

    def timed(name: str, call, *args, **kwargs):  # noqa: ANN001, ANN202
        began = time.perf_counter()
        out = call(*args, **kwargs)
        times[name].append(time.perf_counter() - began)
        assert session.saved, session.last_error
        return out

    for i in range(repeat):
        start = rng.randrange(2900)
        ann = timed("create span", session.create, "actor", start, start + rng.randint(3, 30))
        timed("change a field", session.update, ann.id, attrs={"role": rng.choice(["perpetrator", "target"])})
        timed("document field", session.set_label, "notes", f"ملاحظة {i}")
        timed("undo", session.undo)
    return times


def action(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory() as folder, _server() as server:
        for name, location in (("project file", Path(folder) / "a.annotator.db"), ("server", server.new_database(empty=True))):
            with _fresh(location) as project:
                time_actions(project, 20)  # warm up
                for step, times in time_actions(project, args.repeat).items():
                    print(f"{name:12s} {step:15s} {_percentiles(times)}  (n={len(times)})")


# -- load ------------------------------------------------------------------------------------------

def load(args: argparse.Namespace) -> None:
    from edit_stream import coder_worker, empty_state, read_acks, replay, same, tables_agree_with_log

    coders = [f"coder{i:02d}" for i in range(1, args.coders + 1)]
    with tempfile.TemporaryDirectory() as folder, _server() as server:
        url = server.new_database(empty=True)
        with Project.open(url, create=True) as p:
            set_up_rights(p)
            p.add_documents([Document(id=f"d{i:03d}", title=f"خبر {i}", text=f"{i} " + ARTICLE[:3000])
                             for i in range(3 * len(coders))])
            for i, coder in enumerate(coders):
                p.add_coder(coder)
                add_login(p, coder, "coder", coder)
                p.assign([f"d{3 * i + k:03d}" for k in range(3)], coder)
        context = multiprocessing.get_context("forkserver")
        context.set_forkserver_preload(["annotator.session"])
        workers, paths = [], []
        for i, coder in enumerate(coders):
            paths.append(str(Path(folder) / f"{coder}.jsonl"))
            documents = [f"d{3 * i + k:03d}" for k in range(3)]
            workers.append(context.Process(target=coder_worker, args=(
                url.replace("user=postgres", f"user={coder}"), coder, documents, paths[-1], args.seconds, i, 25, 0.004)))
        began = time.monotonic()
        for w in workers:
            w.start()
        for w in workers:
            w.join()
        took = time.monotonic() - began
        records = {coder: read_acks(p) for coder, p in zip(coders, paths)}
        summaries = [a["summary"] for r in records.values() for a in r if "summary" in a]
        acks = [{**a, "coder": coder} for coder, r in records.items() for a in r if "seq" in a]
        totals = {k: sum(s[k] for s in summaries) for k in ("edits", "acknowledged", "refused", "not_saved",
                                                           "over_100ms")}
        errors = [e for s in summaries for e in s["errors"]]
        with Project.open(url) as p:
            changes = p.changes()
            states: dict = {}
            position, lost = 0, 0
            for ack in sorted(acks, key=lambda a: a["seq"]):
                while position < len(changes) and changes[position].seq <= ack["seq"]:
                    replay([changes[position]], states)
                    position += 1
                lost += not same(states.get((ack["coder"], ack["document"]), empty_state()), ack["state"])
            replay(changes[position:], states)
            disagree = tables_agree_with_log(p, states)
            problems = p.check()
        print(f"{len(coders)} coder processes x {args.seconds:.0f} s on one server ({took:.0f} s in all): "
              f"{totals['edits']:,} edits, {totals['acknowledged']:,} acknowledged, {len(changes):,} changes logged, "
              f"{totals['refused']} refused, {totals['not_saved']} not saved at once, {len(errors)} errors, "
              f"{lost} lost writes, {len(disagree)} rows where the tables differ from the log, "
              f"{len(problems)} integrity problems; edits over 100 ms: {totals['over_100ms']:,}; "
              f"slowest edit {max(s['max_edit_s'] for s in summaries) * 1000:.0f} ms; "
              f"{totals['edits'] / took:,.0f} edits/s")
        for e in errors[:5]:
            print("  error:", e)
        sys.exit(1 if errors or lost or disagree or problems or len(summaries) != len(coders) else 0)


# -- large -----------------------------------------------------------------------------------------

def _build_large(path: Path, n_docs: int, n_sample: int) -> None:
    from gold_bench import FILLER, build_project
    from report_bench import DOC_LENGTH

    build_project(path, n_sample, ["coder-1", "coder-2", "coder-3"])
    rng = random.Random(1)
    body = FILLER * (DOC_LENGTH // len(FILLER) + 1)
    with Project.open(path, backup=False) as project:
        singles = [f"solo-{i:06d}" for i in range(n_docs - n_sample)]
        project.add_documents(Document(id=d, title=d, text=(f"{d} " + body)[:DOC_LENGTH]) for d in singles)
        names = [f"solo-coder-{i}" for i in range(20)]
        for name in names:
            project.add_coder(name)
        ids = {n: project._coder_id(n) for n in names}
        now = _now()
        with project.transaction():
            project.db.executemany("INSERT INTO assignments (document_id, coder_id, status, started_at, finished_at) "
                                   "VALUES (?, ?, 'done', ?, ?)",
                                   [(d, ids[names[i % 20]], now, now) for i, d in enumerate(singles)])
            rows = []
            for i, d in enumerate(singles):
                text = (f"{d} " + body)[:DOC_LENGTH]
                for k in range(10):
                    start = k * 300 + rng.randrange(20, 100)
                    end = start + rng.randrange(5, 40)
                    rows.append((f"{d}-{k}", d, ids[names[i % 20]], "actor", start, end, text[start:end],
                                 _json({"role": "target"}), now, now))
            project.db.executemany('INSERT INTO annotations (id, document_id, coder_id, layer, start, "end", quote, '
                                   "attrs, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)


def large(args: argparse.Namespace) -> None:
    from annotator.agreement.reliability import agreement_summary
    from annotator.export.exporter import ExportOptions, export
    from annotator.export.sources import Selection
    from annotator.gold import auto_accept

    with tempfile.TemporaryDirectory() as folder, _server() as server:
        path = Path(folder) / "large.annotator.db"
        t0 = time.perf_counter()
        _build_large(path, args.documents, args.sample)
        print(f"built the file: {args.documents:,} documents ({args.sample:,} coded by 3 coders) in "
              f"{time.perf_counter() - t0:.0f} s (not a figure); {path.stat().st_size / 1e6:,.0f} MB")
        url = server.new_database(empty=True)
        with Project.open(path, backup=False) as source, Project.open(url, create=True) as target:
            t0 = time.perf_counter()
            pushed = copy_project(source, target)
            print(f"server push: {time.perf_counter() - t0:.1f} s, {pushed.summary()}")
            print(f"annotations: {source.count_annotations():,}")
        for name, location in (("project file", path), ("server", url)):
            with Project.open(location, backup=False) if name == "project file" else Project.open(location) as p:
                t0 = time.perf_counter()
                summary = agreement_summary(p, n_boot=1000, seed=0)
                agreed = time.perf_counter() - t0
                t0 = time.perf_counter()
                result = auto_accept(p, "unanimous")
                gold = time.perf_counter() - t0
                t0 = time.perf_counter()
                manifest = export(p, Selection(gold=True), "jsonl", Path(folder) / f"gold-{name}", ExportOptions())
                exported = time.perf_counter() - t0
                print(f"{name:12s} agreement {agreed:6.1f} s ({len(summary.coders)} coders); automatic gold "
                      f"{gold:6.1f} s ({sum(result.accepted.values()):,} items); gold JSONL export {exported:6.1f} s "
                      f"({manifest['counts']})")


# -- the server --------------------------------------------------------------------------------------

class _server:
    def __enter__(self):  # noqa: ANN204
        if (why := unavailable()) is not None:
            sys.exit(why)
        self._gen = running_server(durable=True)
        return next(self._gen)

    def __exit__(self, *exc: object) -> None:
        self._gen.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="what", required=True)
    a = sub.add_parser("action")
    a.add_argument("--repeat", type=int, default=300)
    b = sub.add_parser("load")
    b.add_argument("--coders", type=int, default=20)
    b.add_argument("--seconds", type=float, default=60.0)
    c = sub.add_parser("large")
    c.add_argument("--documents", type=int, default=100_000)
    c.add_argument("--sample", type=int, default=10_000)
    args = parser.parse_args()
    print(describe())
    print(f"load average before: {' '.join(f'{x:.2f}' for x in os.getloadavg())} ({os.cpu_count()} CPUs)")
    {"action": action, "load": load, "large": large}[args.what](args)
    print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")


if __name__ == "__main__":
    main()
