"""Latency of the coder's actions in the real window, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_bench.py [--repeat 60]

A project with articles of 20,000 characters, each with 300 annotations by the coder, is built
in a temporary folder. Each action is timed from the call to its return plus the event-loop work it
queued (``processEvents``), i.e. until the window has redrawn: opening an article, creating a span,
changing a form field, undo, next document. Targets: every action < 16 ms p95 (one frame at 60 Hz),
opening a document < 50 ms.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QSettings  # noqa: E402

from machine import describe  # benchmarks/machine.py: run from the repository root
from annotator.model import Document  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.ui.app import application  # noqa: E402
from annotator.ui.main_window import MainWindow  # noqa: E402

WORDS = ("قالت مصادر محلية إن غارة جوية استهدفت سوقاً شعبياً في بلدة الحوامة ما أسفر عن مقتل ١٢ مدنياً "
         "بينهم أطفال ونساء فيما نفت قوات التحالف الدولي مسؤوليتها عن القصف 🔴 وأكد المرصد").split()
LAYERS = ("actor", "claim", "casualty", "source")


def article(rng: random.Random, length: int = 20_000) -> str:
    parts, size = [], 0
    while size < length:
        word = rng.choice(WORDS)
        parts.append(word)
        size += len(word) + 1
        if rng.random() < 0.02:
            parts.append("\n\n")
    return " ".join(parts)[:length]


def build(path: Path, n_docs: int, n_annotations: int) -> Project:
    rng = random.Random(7)
    project = Project.open(path, create=True)
    project.add_documents(Document(id=f"doc-{i:03}", title=f"مقال رقم {i}", text=article(rng)) for i in range(n_docs))
    project.add_coder("bench")
    project.assign(project.document_ids(), "bench")
    for doc_id in project.document_ids():
        text = project.document(doc_id).text
        with project.db.atomic():  # setup only: one transaction per document keeps it quick
            for _ in range(n_annotations):
                start = rng.randrange(0, len(text) - 40)
                project.create_annotation("bench", doc_id, rng.choice(LAYERS), start, start + rng.randrange(3, 40))
    return project


def timed(app, action) -> float:
    t0 = time.perf_counter()
    action()
    app.processEvents()
    return (time.perf_counter() - t0) * 1000


def pct(values: list[float], q: float) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=60)
    args = parser.parse_args()
    app = application()
    with tempfile.TemporaryDirectory() as tmp:
        project = build(Path(tmp) / "bench.db", n_docs=args.repeat + 2, n_annotations=300)
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        window = MainWindow(project, "bench", settings=settings)
        window.resize(1500, 900)
        window.show()
        app.processEvents()
        ids = project.document_ids()
        rng = random.Random(3)
        results: dict[str, list[float]] = {k: [] for k in
                                           ("open document", "create span", "change form field", "undo", "next document")}
        for i in range(args.repeat):
            results["open document"].append(timed(app, lambda: window.open_document(ids[i])))
            text = window.session.document.text
            start = rng.randrange(0, len(text) - 30)
            window._selection = (start, start + 12)
            results["create span"].append(timed(app, lambda: window.tag_selection("casualty")))
            ann_id = window._current
            results["change form field"].append(timed(app, lambda: window.form.attrsEdited.emit(
                ann_id, {"outcome": "killed", "low": 3, "best": 3, "high": 3})))
            results["undo"].append(timed(app, window.undo))
            results["next document"].append(timed(app, window.next_unfinished))
        window.close()
        project.close()
    print(f"{describe()}, Qt platform {os.environ['QT_QPA_PLATFORM']}; {args.repeat} rounds, "
          "20,000-character articles with 300 annotations\n")
    print("| action | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|")
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.1f} | {pct(values, 95):.1f} | {max(values):.1f} |")


if __name__ == "__main__":
    sys.exit(main())
