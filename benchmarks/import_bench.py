"""Import throughput and peak memory on a synthetic Arabic corpus (run by hand).

    .venv/bin/python benchmarks/import_bench.py            # 10,000 and 100,000 articles
    .venv/bin/python benchmarks/import_bench.py 2000       # other sizes

For each size it writes a JSONL corpus of ~3 KB articles drawn from a vocabulary of Arabic
words, then imports it into a fresh project with ``import_paths`` in a child Python process and
reads that child's peak RSS (ru_maxrss), so the figure is the import's own and not this script's.
Prints a markdown table. Target: 100,000 articles in < 60 s with peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import describe  # benchmarks/machine.py: run from the repository root

WORDS = (
    "قال أعلن أكد نفى مسؤول مسؤولون وزير الوزارة الجيش القوات الشرطة مصدر مصادر عسكري أمني "
    "غارة قصف هجوم انفجار اشتباكات معارك صاروخ قذائف طائرة مسيرة دبابة حاجز معبر "
    "قتلى قتيلا جرحى مصابين شهداء ضحايا مدنيين أطفال نساء عائلات نازحين لاجئين "
    "غزة رفح خان يونس بيروت دمشق حلب إدلب الموصل بغداد صنعاء عدن طرابلس بنغازي الخرطوم "
    "الأحد الاثنين الثلاثاء الأربعاء الخميس الجمعة السبت صباح مساء ليلة أمس اليوم "
    "في على من إلى عن مع بعد قبل خلال حيث التي الذي الذين إن أن لكن كما أيضا "
    "المتحدث باسم وكالة الأنباء مراسل شهود عيان بيان رسمي تقرير منظمة الأمم المتحدة "
    "الهلال الأحمر الصليب مستشفى المستشفى الإسعاف فرق الإنقاذ الأنقاض المنازل مبنى حي "
    "ارتفعت الحصيلة إلى ثلاثة خمسة عشرة عشرين مئة آلاف العشرات المئات "
    "وأضاف وأشار وأوضح وتابع مؤكدا مشيرا بحسب وفق نقلا عن"
).split()

CHILD = """
import json, resource, sys, time
from annotator.importer import import_paths
from annotator.store import Project

corpus, db, batch_size = sys.argv[1], sys.argv[2], int(sys.argv[3])
with Project.open(db, create=True) as project:
    started = time.perf_counter()
    report = import_paths(project, [corpus], batch_size=batch_size)
    seconds = time.perf_counter() - started
    count = project.count_documents()
print(json.dumps({
    "seconds": seconds,
    "imported": report.imported,
    "rejected": report.rejected,
    "count": count,
    "maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,  # KiB on Linux
}))
"""

# The same child without the import: what Python, sqlite and the store cost before any article.
BASELINE = """
import json, resource, sys
from annotator.importer import import_paths  # noqa: F401 - imported for its memory, not used
from annotator.store import Project
with Project.open(sys.argv[1], create=True):
    pass
print(json.dumps({"maxrss_kb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}))
"""


def write_corpus(path: Path, articles: int, seed: int = 1) -> None:
    """JSONL articles of ~3 KB of UTF-8 (about 270 words), each text different."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(articles):
            paragraphs = [" ".join(rng.choices(WORDS, k=68)) + "." for _ in range(4)]
            record = {
                "id": f"syn-{i:07d}",
                "title": " ".join(rng.choices(WORDS, k=8)),
                "text": "\n\n".join(paragraphs),
                "outlet": rng.choice(("الجزيرة", "العربية", "بي بي سي عربي", "سكاي نيوز عربية")),
                "published": f"2024-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}",
                "url": f"https://news.example/{i}",
            }
            handle.write(json.dumps(record, ensure_ascii=False) + "\n")


def run_child(code: str, *args: str) -> dict[str, float]:
    done = subprocess.run([sys.executable, "-c", code, *args], capture_output=True, text=True, check=True)
    return json.loads(done.stdout)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("sizes", nargs="*", type=int, default=[10_000, 100_000], help="articles per run")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()

    print(describe())
    rows = []
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        base = run_child(BASELINE, str(Path(tmp) / "baseline.db"))
        for size in args.sizes:
            corpus = Path(tmp) / f"corpus-{size}.jsonl"
            db = Path(tmp) / f"project-{size}.db"
            started = time.perf_counter()
            write_corpus(corpus, size)
            print(f"wrote {size:,} articles ({corpus.stat().st_size / 1e6:.0f} MB) "
                  f"in {time.perf_counter() - started:.1f} s; importing...", file=sys.stderr)
            result = run_child(CHILD, str(corpus), str(db), str(args.batch_size))
            assert result["imported"] == result["count"] == size, result
            assert result["rejected"] == 0, result
            mb = corpus.stat().st_size / 1e6
            rows.append((
                f"{size:,}",
                f"{mb:.0f}",
                f"{result['seconds']:.1f}",
                f"{size / result['seconds']:,.0f}",
                f"{mb / result['seconds']:.1f}",
                f"{result['maxrss_kb'] / 1024:.0f}",
                f"{db.stat().st_size / 1e6:.0f}",
            ))
            corpus.unlink()
            db.unlink()
    print()
    print(f"batch size {args.batch_size}; baseline RSS (Python + store, no import): {base['maxrss_kb'] / 1024:.0f} MB")
    print()
    print("| articles | corpus MB | seconds | articles/s | MB/s | peak RSS MB | project MB |")
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
