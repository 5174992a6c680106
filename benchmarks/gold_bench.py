"""Candidate gold and automatic acceptance on a large project (run by hand).

    .venv/bin/python benchmarks/gold_bench.py                  # 10,000 documents x 3 coders
    .venv/bin/python benchmarks/gold_bench.py --documents 2000

The coding is report_bench's synthetic study (every coder marks ~30 spans per document across the
four layers with every attribute filled, misses or shifts some, adds a few of their own, and
fills every document field) plus links (each claim to its claimant, each casualty to its
perpetrator and source: the nearest span of that layer before it), written into a fresh project
file with every assignment done.
Setup writes rows directly with executemany (not timed; the store API would log each one).

Timed, each in a fresh process state after setup:

1. candidate building (:func:`annotator.gold.build_candidates`): read the finished coding from
   the project file, align every span of every document with the agreement engine, classify
   every span, link and document-field item (unanimous / majority / disagreement, and its
   kinds) and count them per layer.  Building one document's item objects (what the view shows)
   reads its annotations then; that is timed separately, for every document;
2. automatic acceptance of the unanimous items (:func:`annotator.gold.auto_accept`), written to the
   project file in one transaction (one ``changes`` row per document).

Target (issue 9): candidate building under 5 s.  Prints the machine and its load first, since
other processes share it.
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

from machine import describe  # benchmarks/machine.py: run from the repository root
from report_bench import DOC_LENGTH, make_study

from annotator.codebook import Codebook
from annotator.gold import auto_accept, build_candidates
from annotator.model import Annotation, Document
from annotator.store import Project, _json, _now

FILLER = "قالت مصادر محلية إن قصفا استهدف البلدة وأسفر عن سقوط ضحايا بين المدنيين، فيما نفت الجهة المسؤولة. "


def synthetic_links(annotations: list[Annotation]) -> list[tuple[str, str, str, str, str]]:
    """Links as a coder draws them: a claim's claimant, a casualty's perpetrator and source, each
    the nearest span of that layer before it.  Rows (id, document, coder, from id, to id)."""
    by_coder: dict[tuple[str, str], list[Annotation]] = {}
    for a in annotations:
        by_coder.setdefault((a.document_id, a.coder), []).append(a)
    rows = []
    for spans in by_coder.values():
        last: dict[str, Annotation] = {}
        for a in sorted(spans, key=lambda x: x.start):
            wanted = {"claim": [("claimant", last.get("source") or last.get("actor"))],
                      "casualty": [("perpetrator", last.get("actor")), ("reported_by", last.get("source"))]}
            for kind, target in wanted.get(a.layer, []):
                if target is not None:
                    rows.append((f"{a.id}-{kind}", a.document_id, a.coder, a.id, target.id, kind))
            last[a.layer] = a
    return rows


def build_project(path: Path, n_docs: int, coders: list[str]) -> tuple[int, int, int]:
    """A project with the synthetic study and its links, every coder done on every document."""
    codebook = Codebook.default()
    annotations, labels, lengths = make_study(codebook, n_docs, coders)
    body = FILLER * (DOC_LENGTH // len(FILLER) + 1)
    texts = {d: (f"{i:06d} " + body)[:DOC_LENGTH] for i, d in enumerate(lengths)}
    project = Project.open(path, create=True)
    project.add_documents(Document(id=d, title=d, text=t) for d, t in texts.items())
    for coder in coders:
        project.add_coder(coder)
    ids = {c: project._coder_id(c) for c in coders}
    now = _now()
    with project.transaction():
        project.db.conn.executemany(
            "INSERT INTO assignments (document_id, coder_id, status, started_at, finished_at) "
            "VALUES (?, ?, 'done', ?, ?)", [(d, ids[c], now, now) for d in lengths for c in coders])
        project.db.conn.executemany(
            'INSERT INTO annotations (id, document_id, coder_id, layer, start, "end", quote, attrs, created_at, '
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
            [(a.id, a.document_id, ids[a.coder], a.layer, a.start, a.end, texts[a.document_id][a.start:a.end],
              _json(a.attrs), now, now) for a in annotations])
        links = synthetic_links(annotations)
        project.db.conn.executemany(
            "INSERT INTO links (id, document_id, coder_id, from_id, to_id, kind, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)", [(i, d, ids[c], f, t, k, now) for i, d, c, f, t, k in links])
        project.db.conn.executemany(
            "INSERT INTO document_labels (document_id, coder_id, field, value, updated_at) VALUES (?, ?, ?, ?, ?)",
            [(d, ids[c], f, _json(v), now) for (d, c), values in labels.items() for f, v in values.items()
             if v not in (None, "", [])])
    project.close()
    return len(lengths), len(annotations), len(links)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--coders", type=int, default=3)
    args = parser.parse_args()
    coders = [f"coder-{i + 1}" for i in range(args.coders)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "gold-bench.annotator.db"
        t0 = time.perf_counter()
        n_docs, n_annotations, n_links = build_project(path, args.documents, coders)
        setup = time.perf_counter() - t0
        print(describe())
        print(f"load average before the run: {' '.join(f'{x:.2f}' for x in os.getloadavg())} "
              f"(1, 5, 15 min; {os.cpu_count()} CPUs)")
        print(f"project: {n_docs:,} documents x {len(coders)} coders, {n_annotations:,} annotations, "
              f"{n_links:,} links (written in {setup:.1f} s, not timed)")

        project = Project.open(path, create=False)
        t0, cpu = time.perf_counter(), time.process_time()
        candidates = build_candidates(project)
        counts = candidates.counts()
        built = time.perf_counter() - t0
        print(f"candidate building: {built:.2f} s ({time.process_time() - cpu:.2f} s of CPU); "
              f"target < 5 s: {'met' if built < 5 else 'NOT met'}")
        for layer, c in counts.items():
            print(f"  {layer:9s} {c.items:8,} items: {c.unanimous:7,} unanimous, {c.majority:7,} majority, "
                  f"{c.disagreement:7,} disagreement")

        t0 = time.perf_counter()
        n_items = sum(len(doc.items()) for doc in candidates.all_documents())
        print(f"item objects of every document ({n_items:,}): {time.perf_counter() - t0:.2f} s")

        t0 = time.perf_counter()
        result = auto_accept(project, "unanimous", candidates=candidates)
        accepted = time.perf_counter() - t0
        print(f"automatic acceptance (unanimous), {result.changed:,} documents written: {accepted:.2f} s; "
              f"{sum(result.accepted.values()):,} items accepted, "
              f"{sum(result.disagreements.values()):,} disagreements left")
        print(f"load average after: {' '.join(f'{x:.2f}' for x in os.getloadavg())}")
        project.close()
    sys.exit(0 if built < 5 else 1)


if __name__ == "__main__":
    main()
