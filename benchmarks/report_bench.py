"""Time the full agreement report data on a large synthetic study (run by hand).

    .venv/bin/python benchmarks/report_bench.py                 # 3 coders x 10,000 documents x 30
    .venv/bin/python benchmarks/report_bench.py --documents 2000 --boot 200

Every coder marks 30 spans per document (900,000 annotations for 3 coders) across the default
codebook's four layers, with every attribute filled, and fills every document field.  The coding
is written into a project file (gold_bench.py's writer, with the links and every assignment done;
not timed), which is then read back as ``annotator agreement`` reads it
(:func:`annotator.agreement.reliability.load_coding`, timed) before
:func:`~annotator.agreement.reliability.summarize` computes everything the report shows: alpha_U
per layer, span P/R/F1 and alignments per pair, alpha with a bootstrap interval (1,000 resamples)
for every attribute per pair and over all coders, every document field, the actor sets,
confusion matrices, and the list of every disagreement.
Target: summarize under 10 s.  Prints the machine, its load and the reference loop, and the
figures; results are recorded in docs/benchmarks.md.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from machine import describe  # benchmarks/machine.py: run from the repository root
from annotator.agreement.reliability import summarize
from annotator.codebook import Codebook, Field
from annotator.model import Annotation

# An article names the two sides of one conflict and now and then a third party, as news does;
# the number of distinct actor sets stays in the hundreds (MASI alpha is quadratic in it).
CONFLICTS = [["قسد", "تنظيم الدولة"], ["الجيش السوري", "فصائل المعارضة"], ["الجيش الإسرائيلي", "حماس"],
             ["قوات الدعم السريع", "الجيش السوداني"], ["الحوثيون", "التحالف"], ["الحشد الشعبي", "مجهولون"]]
THIRD_PARTIES = ["الشرطة", "الأمم المتحدة", "حزب الله", "قوات حفتر", "مدنيون"]
LAYER_SHARE = {"actor": 10, "claim": 5, "casualty": 8, "source": 7}  # spans per layer, 30 in all
DOC_LENGTH = 3000
SLOT = DOC_LENGTH // 30  # one true span per slot, so spans of a coder never overlap


def _value(spec: Field, rng: random.Random, actors: list[str] | None = None) -> Any:
    if spec.type == "choice":
        return rng.choice(spec.values).id
    if spec.type == "multichoice":
        return sorted(rng.sample([v.id for v in spec.values], rng.randint(1, 2)))
    if spec.type == "boolean":
        return rng.random() < 0.3
    if spec.type == "text":
        return rng.choice(actors or THIRD_PARTIES)
    if spec.type == "date":
        return (dt.date(2024, 1, 1) + dt.timedelta(days=rng.randrange(365))).isoformat()
    return None


def _attrs(layer: Any, rng: random.Random, actors: list[str]) -> dict[str, Any]:
    attrs = {f.id: _value(f, rng, actors) for f in layer.fields if f.type != "number"}
    if layer.id == "casualty":
        best = rng.choice([1, 2, 3, 5, 7, 10, 12, 20, 30, 50, 100])
        attrs.update(low=max(0, best - rng.randint(0, 2)), best=best, high=best + rng.randint(0, 5))
    return {k: v for k, v in attrs.items() if v is not None}


def _perturb(attrs: dict[str, Any], layer: Any, rng: random.Random, actors: list[str]) -> dict[str, Any]:
    """A coder's version of the true attributes: each one differs with probability 0.1."""
    out = dict(attrs)
    for spec in layer.fields:
        if spec.id in out and rng.random() < 0.1:
            if spec.type == "number":
                out[spec.id] = out[spec.id] + rng.choice([-1, 1, 2])
            else:
                out[spec.id] = _value(spec, rng, actors)
    if "best" in out:  # keep low <= best <= high, as the store would insist
        out["low"], out["high"] = min(out["low"], out["best"]), max(out["high"], out["best"])
        out["low"] = max(out["low"], 0)
    return out


def make_study(codebook: Codebook, n_docs: int, coders: list[str], seed: int = 0):
    """Annotations, labels and lengths of a synthetic study (see the module docstring)."""
    rng = random.Random(seed)
    layers = {layer.id: layer for layer in codebook.layers}
    plan = [name for name, n in LAYER_SHARE.items() for _ in range(n)]
    annotations: list[Annotation] = []
    labels: dict[tuple[str, str], dict[str, Any]] = {}
    lengths: dict[str, int] = {}
    for d in range(n_docs):
        doc_id = f"doc-{d:05d}"
        lengths[doc_id] = DOC_LENGTH
        rng.shuffle(plan)
        actors = list(rng.choice(CONFLICTS)) + ([rng.choice(THIRD_PARTIES)] if rng.random() < 0.3 else [])
        truth = []
        for slot, name in enumerate(plan):
            start = slot * SLOT + rng.randrange(10, 40)
            truth.append((name, start, start + rng.randrange(5, 40), _attrs(layers[name], rng, actors)))
        true_labels = {f.id: _value(f, rng) for f in codebook.document_fields}
        true_labels["relevant"] = rng.random() < 0.8
        true_labels["notes"] = "ملاحظة"
        for coder in coders:
            for k, (name, start, end, attrs) in enumerate(truth):
                if rng.random() < 0.08:  # missed, or tagged with a shifted edge
                    continue
                s = start + rng.choice((0, 0, 0, 0, -2, 3))
                e = max(end + rng.choice((0, 0, 0, 0, 2, -3)), s + 1)
                annotations.append(Annotation(f"{doc_id}-{coder}-{k}", doc_id, coder, name, s, e, "…",
                                              _perturb(attrs, layers[name], rng, actors)))
            while rng.random() < 0.7:  # a span nobody else marked, in the slot's free tail
                slot = rng.randrange(30)
                name = plan[slot]
                start = slot * SLOT + 85
                annotations.append(Annotation(f"{doc_id}-{coder}-x{len(annotations)}", doc_id, coder, name,
                                              start, start + 10, "…", _attrs(layers[name], rng, actors)))
            labels[(doc_id, coder)] = {k: (_value(f, rng) if rng.random() < 0.1 else true_labels[k])
                                       for f in codebook.document_fields if (k := f.id) in true_labels}
    return annotations, labels, lengths


def main() -> None:
    from gold_bench import build_project  # it builds on make_study above

    from annotator.agreement.reliability import load_coding
    from annotator.store import Project

    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--documents", type=int, default=10_000)
    parser.add_argument("--coders", type=int, default=3)
    parser.add_argument("--boot", type=int, default=1000)
    args = parser.parse_args()
    coders = [f"coder-{i + 1}" for i in range(args.coders)]
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "report-bench.annotator.db"
        t0 = time.perf_counter()
        n_docs, n_annotations, _links = build_project(path, args.documents, coders)
        built = time.perf_counter() - t0
        print(describe())
        with Project.open(path, backup=False) as project:
            t0 = time.perf_counter()
            data = load_coding(project, coders=coders)
            loaded = time.perf_counter() - t0
        t0 = time.perf_counter()
        summary = summarize(data.annotations, data.labels, data.codebook, lengths=data.lengths, coders=data.coders,
                            coded=data.coded, titles=data.titles, n_boot=args.boot, seed=0)
        elapsed = time.perf_counter() - t0
        size = path.stat().st_size / 2**20
    n_alphas = sum(1 + len(v.pairs) for v in summary.variables())
    n_unmatched = sum(len(p.unmatched) for layer in summary.layers for p in layer.pairs)
    print(f"study: {len(coders)} coders x {n_docs:,} documents, {n_annotations:,} annotations in a project file "
          f"of {size:.0f} MB (written in {built:.1f} s, not timed)")
    print(f"report data: {len(summary.layers)} alpha_U, {n_alphas} alphas with {args.boot:,} bootstrap "
          f"resamples each, {n_unmatched:,} unmatched spans, "
          f"{len(summary.attribute_disagreements) + len(summary.field_disagreements):,} disagreements listed")
    for layer in summary.layers:
        print(f"  {layer.layer:9s} alpha_U {layer.unitizing.value:.3f}  "
              + "  ".join(f"{a.field} {a.overall.value:.3f}" for a in layer.attributes))
    print(f"read from the project file (load_coding): {loaded:.2f} s")
    print(f"summarize: {elapsed:.2f} s (target < 10 s: {'met' if elapsed < 10 else 'NOT met'}); "
          f"both: {loaded + elapsed:.2f} s")
    sys.exit(0 if elapsed < 10 else 1)


if __name__ == "__main__":
    main()
