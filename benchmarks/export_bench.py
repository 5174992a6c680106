"""Time every export format on 10,000 documents with gold made from 3 coders (run by hand).

    .venv/bin/python benchmarks/export_bench.py                    # build (or reuse) and time all formats
    .venv/bin/python benchmarks/export_bench.py --documents 2000 --rebuild
    .venv/bin/python benchmarks/export_bench.py --formats conll,spacy --runs 2   # some formats, twice

The project: 10,000 distinct Arabic articles of 3,000 characters (words of the sample corpus in a
random order, an emoji in each, so the UTF-16 offsets are computed for real), coded by 3 coders
with report_bench's synthetic study (~30 spans per document and coder, every attribute filled,
every document field), each claim linked to a source (claimant) and each casualty to an actor
(perpetrator), every assignment done; then gold by automatic acceptance of the majority
(:func:`annotator.gold.auto_accept`). Setup writes the coders' rows with executemany (not timed)
and is kept under /tmp for the next run.

Timed: ``annotator.export.exporter.export`` of the gold standard, one format per child process
(so each peak RSS is its own), reading the project file and writing a new folder with its manifest
and SHA-256 of every file. Target (issue 9): every format under 10 s. Prints the machine, its load
and the reference loop before and after (benchmarks/machine.py), since other processes share it,
and each format's fastest run as a multiple of the loop. ``--out /dev/shm`` separates brat's cost
from the disk's: its 20,002 files take 0.2-0.7 ms each to create on this machine's disk.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import time
from pathlib import Path

from machine import Conditions  # benchmarks/machine.py: run from the repository root

from annotator.codebook import Codebook
from annotator.export.exporter import FORMATS, ExportOptions, export
from annotator.export.sources import Selection
from annotator.model import Document
from annotator.paths import SAMPLE_CORPUS
from annotator.store import Project, _json, _now

CACHE = Path("/tmp/annotator-export-bench")
CODERS = ["coder-1", "coder-2", "coder-3"]
RUNS = [(fmt, {}) for fmt in FORMATS] + [("spacy", {"use_spacy": False})]
FALLBACK = "spacy-jsonl"  # the name of the last run for --formats


def _texts(n_docs: int, length: int, rng: random.Random) -> list[str]:
    words = " ".join(json.loads(line)["text"] for line in
                     (SAMPLE_CORPUS / "articles.jsonl").read_text(encoding="utf-8").splitlines()).split()
    texts = []
    for i in range(n_docs):
        body = f"{i:06d} 🔴 "
        while len(body) < length:
            body += " ".join(rng.sample(words, 40)) + ("\n" if rng.random() < 0.3 else " ")
        texts.append(body[:length])
    return texts


def build(path: Path, n_docs: int) -> None:
    # Only the parent builds: the timed children import no more than an export needs.
    from report_bench import DOC_LENGTH, make_study

    from annotator.gold import auto_accept

    codebook = Codebook.default()
    annotations, labels, lengths = make_study(codebook, n_docs, CODERS)
    texts = dict(zip(lengths, _texts(n_docs, DOC_LENGTH, random.Random(1))))
    path.unlink(missing_ok=True)
    project = Project.open(path, create=True)
    project.add_documents(Document(id=d, title=d, text=t) for d, t in texts.items())
    for coder in CODERS:
        project.add_coder(coder)
    ids = {c: project._coder_id(c) for c in CODERS}
    by_coding: dict[tuple[str, str], dict[str, list]] = {}
    for a in annotations:
        by_coding.setdefault((a.document_id, a.coder), {}).setdefault(a.layer, []).append(a)
    links = []
    for (doc, coder), layers in by_coding.items():
        for kind, source, targets in (("claimant", "claim", "source"), ("perpetrator", "casualty", "actor")):
            for a in layers.get(source, []):
                if layers.get(targets):
                    b = min(layers[targets], key=lambda t: abs(t.start - a.start))
                    links.append((f"{a.id}-{kind}", doc, ids[coder], a.id, b.id, kind))
    now = _now()
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO assignments (document_id, coder_id, status, started_at, finished_at) "
            "VALUES (?, ?, 'done', ?, ?)", [(d, ids[c], now, now) for d in lengths for c in CODERS])
        project.db.conn.executemany(
            'INSERT INTO annotations (id, document_id, coder_id, layer, start, "end", quote, attrs, created_at, '
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(a.id, a.document_id, ids[a.coder], a.layer, a.start, a.end, texts[a.document_id][a.start:a.end],
              _json(a.attrs), now, now) for a in annotations])
        project.db.conn.executemany(
            "INSERT INTO links (id, document_id, coder_id, from_id, to_id, kind, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [(*row, now) for row in links])
        project.db.conn.executemany(
            "INSERT INTO document_labels (document_id, coder_id, field, value, updated_at) VALUES (?, ?, ?, ?, ?)",
            [(d, ids[c], f, _json(v), now) for (d, c), values in labels.items() for f, v in values.items()
             if v not in (None, "", [])])
    started = time.perf_counter()
    auto_accept(project, "majority")
    seconds = time.perf_counter() - started
    chosen = _choose_the_rest(project, by_coding, links)
    print(f"built {path}: {n_docs:,} documents, {len(annotations):,} coder spans, {len(links):,} coder links; "
          f"gold: majority in {seconds:.1f} s, then {chosen:,} spans chosen from {CODERS[0]}", flush=True)
    project.close()


def _choose_the_rest(project: Project, by_coding: dict, links: list) -> int:
    """What the majority left open, decided as an adjudicator would: the first coder's span where no
    gold span of its layer overlaps it, with its links; every document marked done."""
    project.add_coder("lead", "adjudicator")
    lead, now = project._coder_id("lead"), _now()
    gold_rows, covered = [], set()
    for doc in project.document_ids():
        taken: dict[str, list[tuple[int, int]]] = {}
        for g in project.gold_annotations(doc):
            taken.setdefault(g.layer, []).append((g.start, g.end))
        for layer, spans in by_coding.get((doc, CODERS[0]), {}).items():
            for a in spans:
                if all(a.end <= s or a.start >= e for s, e in taken.get(layer, [])):
                    gold_rows.append((f"gold-{a.id}", doc, a.layer, a.start, a.end, a.attrs, a.id))
                    covered.add(a.id)
    texts = {d: project.document(d).text for d in project.document_ids()}
    with project.transaction():
        project.db.conn.executemany(
            'INSERT INTO gold_annotations (id, document_id, layer, start, "end", quote, attrs, decision, '
            "source_coders, covers, adjudicator_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, 'chosen', ?, ?, ?, ?)",
            [(gid, d, layer, s, e, texts[d][s:e], _json(attrs), _json([CODERS[0]]), _json([aid]), lead, now)
             for gid, d, layer, s, e, attrs, aid in gold_rows])
        project.db.conn.executemany(
            "INSERT INTO gold_links (id, document_id, from_id, to_id, kind, decision, source_coders, covers, "
            "adjudicator_id, decided_at) VALUES (?, ?, ?, ?, ?, 'chosen', ?, ?, ?, ?)",
            [(f"gold-{lid}", d, f"gold-{a}", f"gold-{b}", kind, _json([CODERS[0]]), _json([lid]), lead, now)
             for lid, d, _, a, b, kind in links if a in covered and b in covered])
        project.db.conn.executemany("INSERT OR IGNORE INTO gold_documents (document_id, adjudicator_id, done_at) "
                                    "VALUES (?, ?, ?)", [(d, lead, now) for d in texts])
    return len(gold_rows)


def one(path: Path, fmt: str, options: dict, target: Path) -> dict:
    """One timed export (in this process: the parent runs each in a child), into a new folder: the
    previous run's is deleted first, untimed (replacing it would add deleting its files, 20,002 for brat)."""
    shutil.rmtree(target, ignore_errors=True)
    project = Project.open(path, create=False)
    started = time.perf_counter()
    manifest = export(project, Selection(gold=True), fmt, target, ExportOptions(**options))
    seconds = time.perf_counter() - started
    project.close()
    size = sum(f["bytes"] for f in manifest["files"])
    return {"seconds": seconds, "mb": size / 1e6, "files": len(manifest["files"]), "counts": manifest["counts"],
            "peak_rss_mb": _peak_rss_mb()}


def _peak_rss_mb() -> float:
    """This process's own peak (VmHWM; ru_maxrss would carry the parent's peak across fork and exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--rebuild", action="store_true", help="build the project again even if cached")
    parser.add_argument("--formats", help=f"comma-separated, of {', '.join(FORMATS)}, {FALLBACK} (default: all)")
    parser.add_argument("--out", type=Path, default=CACHE, help="where the exports go (e.g. /dev/shm, to time "
                                                                  "brat's 20,002 files without the disk)")
    parser.add_argument("--runs", type=int, default=1, help="time each format this many times (a shared machine "
                                                            "is noisy)")
    parser.add_argument("--child", nargs=2, metavar=("FORMAT", "OPTIONS"), help=argparse.SUPPRESS)
    args = parser.parse_args()
    path = CACHE / f"export-bench-{args.documents}.annotator.db"
    if args.child:
        fmt, options = args.child[0], json.loads(args.child[1])
        print(json.dumps(one(path, fmt, options, args.out / f"out-{fmt}")))
        return
    runs = RUNS
    if args.formats:
        wanted = args.formats.split(",")
        unknown = set(wanted) - set(FORMATS) - {FALLBACK}
        if unknown:
            parser.error(f"unknown format {', '.join(sorted(unknown))}")
        runs = [(fmt, options) for fmt, options in RUNS if (FALLBACK if options else fmt) in wanted]
    conditions = Conditions()
    print(conditions.header())
    print(f"exports to {args.out}; {args.runs} run(s) of each format", flush=True)
    CACHE.mkdir(parents=True, exist_ok=True)
    if args.rebuild or not path.exists():
        build(path, args.documents)
    rows, counts = [], None
    for fmt, options in runs:
        results = []
        for _ in range(args.runs):
            out = subprocess.run([sys.executable, __file__, "--documents", str(args.documents), "--out", str(args.out),
                                  "--child", fmt, json.dumps(options)], capture_output=True, text=True)
            if out.returncode:
                sys.exit(f"{fmt} failed:\n{out.stderr}")
            results.append(json.loads(out.stdout.strip().splitlines()[-1]))
            print(f"{fmt}: {results[-1]['seconds']:.2f} s", file=sys.stderr, flush=True)
        r = results[-1]
        counts = r["counts"]
        name = fmt + (" (JSONL fallback)" if options.get("use_spacy") is False else " (DocBin)" if fmt == "spacy" else "")
        rows.append((name, results))
    conditions.close()
    print(f"after:  {conditions.load_after}; reference loop {conditions.reference_after:.1f} ms\n")
    print("| format | seconds | output MB | files | peak RSS MB | fastest / ref loop |\n|---|---:|---:|---:|---:|---:|")
    for name, results in rows:
        r, fastest = results[-1], min(x["seconds"] for x in results)
        seconds = " / ".join(f"{x['seconds']:.2f}" for x in results)
        print(f"| {name} | {seconds} | {r['mb']:.1f} | {r['files']:,} | {max(x['peak_rss_mb'] for x in results):.0f} "
              f"| {conditions.ratio(fastest * 1000):.0f} |")
    print(f"gold exported: {counts['documents']:,} documents, {counts['spans']:,} spans, {counts['links']:,} links, "
          f"{counts['document_fields']:,} document fields")


if __name__ == "__main__":
    main()
