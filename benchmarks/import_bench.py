"""Import throughput and peak memory on a synthetic Arabic corpus (run by hand).

    .venv/bin/python benchmarks/import_bench.py            # 10,000 and 100,000 articles, 10,000 .txt files
    .venv/bin/python benchmarks/import_bench.py 2000 --txt 500   # other sizes

For each size it writes a JSONL corpus of ~3 KB articles drawn from a vocabulary of Arabic
words, then imports it into a fresh project with ``import_paths`` in a child Python process and
reads that child's peak RSS (ru_maxrss), so the figure is the import's own and not this script's.
Then the same for a folder of ``--txt`` .txt files in Windows-1256 (title line, CRLF), so the
detection of each file's encoding is in the time; one imported text is checked against the one
written. Prints the machine, its load and a reference loop (benchmarks/machine.py), and a markdown
table with each time also as a multiple of that loop. Target: 100,000 articles in < 60 s with
peak RSS < 300 MB.
"""

from __future__ import annotations

import argparse
import json
import random
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from machine import Conditions  # benchmarks/machine.py: run from the repository root
from annotator.store import Project

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


def synthetic(rng: random.Random) -> tuple[str, str]:
    """(title, text) of an article of ~3 KB of UTF-8 (about 270 words)."""
    paragraphs = [" ".join(rng.choices(WORDS, k=68)) + "." for _ in range(4)]
    return " ".join(rng.choices(WORDS, k=8)), "\n\n".join(paragraphs)


def write_txt_folder(folder: Path, articles: int, seed: int = 2) -> tuple[str, str]:
    """One .txt file per article in Windows-1256 (title on the first line, CRLF line ends, as
    Windows tools write them): the importer has to detect the encoding of each file. Returns the
    first article's (title, text)."""
    rng = random.Random(seed)
    folder.mkdir()
    for i in range(articles):
        title, text = synthetic(rng)
        (folder / f"article-{i:06d}.txt").write_bytes(f"{title}\r\n{text}".replace("\n\n", "\r\n\r\n")
                                                     .encode("cp1256"))
        if i == 0:
            first = (title, text)
    return first


def write_corpus(path: Path, articles: int, seed: int = 1) -> None:
    """JSONL articles of ~3 KB of UTF-8 (about 270 words), each text different."""
    rng = random.Random(seed)
    with path.open("w", encoding="utf-8") as handle:
        for i in range(articles):
            title, text = synthetic(rng)
            record = {
                "id": f"syn-{i:07d}",
                "title": title,
                "text": text,
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
    parser.add_argument("--txt", type=int, default=10_000, help="articles in the folder of Windows-1256 .txt files")
    parser.add_argument("--batch-size", type=int, default=500)
    args = parser.parse_args()

    conditions = Conditions()
    rows = []
    with tempfile.TemporaryDirectory(prefix="import-bench-") as tmp:
        base = run_child(BASELINE, str(Path(tmp) / "baseline.db"))
        runs = [(f"{size:,} JSONL records (UTF-8)", size, "jsonl") for size in args.sizes]
        if args.txt:
            runs.append((f"{args.txt:,} .txt files (Windows-1256)", args.txt, "txt"))
        for label, size, kind in runs:
            corpus = Path(tmp) / (f"corpus-{size}.jsonl" if kind == "jsonl" else f"txt-{size}")
            db = Path(tmp) / f"project-{kind}-{size}.db"
            started = time.perf_counter()
            if kind == "jsonl":
                write_corpus(corpus, size)
                mb = corpus.stat().st_size / 1e6
            else:
                first = write_txt_folder(corpus, size)
                mb = sum(f.stat().st_size for f in corpus.iterdir()) / 1e6
            print(f"wrote {label} ({mb:.0f} MB) in {time.perf_counter() - started:.1f} s; importing...", file=sys.stderr)
            result = run_child(CHILD, str(corpus), str(db), str(args.batch_size))
            assert result["imported"] == result["count"] == size, result
            assert result["rejected"] == 0, result
            if kind == "txt":
                with Project.open(db, backup=False) as project:
                    stored = project.document("article-000000")
                assert (stored.title, stored.text) == first, "the Windows-1256 text was not read back as written"
            rows.append((
                label,
                f"{mb:.0f}",
                f"{result['seconds']:.1f}",
                f"{size / result['seconds']:,.0f}",
                f"{mb / result['seconds']:.1f}",
                f"{result['maxrss_kb'] / 1024:.0f}",
                f"{db.stat().st_size / 1e6:.0f}",
                f"{conditions.ratio(result['seconds'] * 1000):,.0f}",
            ))
            shutil.rmtree(corpus) if corpus.is_dir() else corpus.unlink()
            db.unlink()
    conditions.close()
    print(conditions.header())
    print()
    print(f"batch size {args.batch_size}; baseline RSS (Python + store, no import): {base['maxrss_kb'] / 1024:.0f} MB")
    print()
    print("| corpus | MB | seconds | articles/s | MB/s | peak RSS MB | project MB | time / ref loop |")
    print("|---|---:|---:|---:|---:|---:|---:|---:|")
    for row in rows:
        print("| " + " | ".join(row) + " |")


if __name__ == "__main__":
    main()
