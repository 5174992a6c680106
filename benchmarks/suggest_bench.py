"""Suggestions: quality against the demo coders, and speed on 10,000 articles.

    .venv/bin/python benchmarks/suggest_bench.py

Quality: on the sample articles the demo coders coded, suggestions of each layer (actor, casualty,
source) are matched one-to-one to each coder's spans of that layer (exact edges, and any overlap);
precision, recall and F1 are pooled over coders and documents. Speed: suggestions for 10,000
articles of ~3 KB (the sample articles, each made unique so no cache helps), one process.
"""

from __future__ import annotations

import tempfile
import time
from pathlib import Path

from machine import describe  # benchmarks/machine.py: run from the repository root
from annotator.agreement import span_prf
from annotator.demo import DEMO_CODERS, add_demo_coding
from annotator.importer import import_paths
from annotator.paths import SAMPLE_CORPUS
from annotator.store import Project
from annotator.suggest import Suggester

LAYERS = ("actor", "casualty", "source")


def quality(suggester: Suggester) -> list[tuple[str, str, float, float, float, int, int]]:
    with tempfile.TemporaryDirectory() as tmp, Project.open(Path(tmp) / "p.db", create=True) as project:
        import_paths(project, [SAMPLE_CORPUS])
        add_demo_coding(project)
        rows = []
        for match in ("overlap", "exact"):
            for layer in LAYERS:
                tp = n_ref = n_pred = 0
                for coder in DEMO_CODERS:
                    coded = {a.document_id for a in project.annotations(coder=coder)}
                    for doc_id in sorted(coded):
                        text = project.document(doc_id).text
                        ref = [(a.start, a.end, None) for a in project.annotations(doc_id, coder, layer)]
                        pred = [(s.start, s.end, None) for s in suggester.suggest(text) if s.layer == layer]
                        prf = span_prf(ref, pred, match=match)
                        tp += prf.true_positives
                        n_ref += len(ref)
                        n_pred += len(pred)
                p = tp / n_pred if n_pred else float("nan")
                r = tp / n_ref if n_ref else float("nan")
                f = 2 * p * r / (p + r) if p + r else 0.0
                rows.append((match, layer, p, r, f, n_ref, n_pred))
        return rows


def speed(suggester: Suggester, n: int = 10_000, size_bytes: int = 3072) -> tuple[float, float]:
    """Suggestions for ``n`` distinct articles of ``size_bytes`` of UTF-8 (Arabic: ~1,700 characters)."""
    import json

    articles = [json.loads(line)["text"] for line in (SAMPLE_CORPUS / "articles.jsonl").open(encoding="utf-8")]
    base = "\n\n".join(articles)
    chars = len(base) * size_bytes // len(base.encode("utf-8"))
    texts = []
    while len(texts) < n:
        for k in range(0, len(base) - chars, chars // 2):
            texts.append(f"{base[k:k + chars]} ({len(texts)})")
    texts = texts[:n]
    t0 = time.perf_counter()
    found = sum(len(suggester.suggest(t)) for t in texts)
    seconds = time.perf_counter() - t0
    return seconds, found / n


def main() -> None:
    suggester = Suggester()
    print(f"{describe()}\n")
    print("| match | layer | precision | recall | F1 | coder spans | suggestions |\n|---|---|---:|---:|---:|---:|---:|")
    for match, layer, p, r, f, n_ref, n_pred in quality(suggester):
        print(f"| {match} | {layer} | {p:.3f} | {r:.3f} | {f:.3f} | {n_ref} | {n_pred} |")
    seconds, per_article = speed(suggester)
    print(f"\n10,000 articles of 3 KB (UTF-8): {seconds:.2f} s ({10_000 / seconds:,.0f} articles/s), "
          f"{per_article:.1f} suggestions per article")


if __name__ == "__main__":
    main()
