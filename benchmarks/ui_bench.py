"""Latency of the coder's and the adjudicator's actions in the real windows, offscreen.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_bench.py [--repeat 60] [--adjudication]

A project with articles of 20,000 characters, each with 300 annotations by the coder, is built
in a temporary folder. Each action is timed from the call to its return plus the event-loop work it
queued (``processEvents``), i.e. until the window has redrawn: opening an article, creating a span,
changing a form field, undo, next document. Targets: every action < 16 ms p95 (one frame at 60 Hz),
opening a document < 50 ms.

``--adjudication``: the adjudication window on 20,000-character articles that three coders
coded with 300 spans each (the same spans, some with other edges, other values, or missing), all
marked done: opening a document, stepping to the next disagreement, accepting a coder's version,
editing the gold span's fields, rejecting, accepting all unanimous items, undo.
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
from annotator.ui.adjudication_window import AdjudicationWindow  # noqa: E402
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


CODERS = ("amal", "bilal", "chadi")
CHOICES = {"actor": ("role", ("perpetrator", "target", "other_party", "mentioned")),
           "claim": ("stance", ("asserted", "denied", "hedged")),
           "casualty": ("outcome", ("killed", "injured", "missing")),
           "source": ("named", (True, False))}


def build_double_coded(path: Path, n_docs: int, n_annotations: int) -> Project:
    """Three coders, ``n_annotations`` spans each per document: mostly shared, some disagreeing."""
    rng = random.Random(11)
    project = Project.open(path, create=True)
    project.add_documents(Document(id=f"doc-{i:03}", title=f"مقال رقم {i}", text=article(rng)) for i in range(n_docs))
    for coder in CODERS:
        project.add_coder(coder)
        project.assign(project.document_ids(), coder)
    project.add_coder("lead", "adjudicator")
    for doc_id in project.document_ids():
        text = project.document(doc_id).text
        spans = sorted((rng.randrange(0, len(text) - 60), rng.choice(LAYERS)) for _ in range(n_annotations))
        with project.db.atomic():
            for start, layer in spans:
                field, values = CHOICES[layer]
                value = rng.choice(values)
                for coder in CODERS:
                    roll = rng.random()
                    if roll < 0.05:
                        continue  # this coder missed it
                    shift = rng.randrange(1, 4) if roll > 0.9 else 0  # other edges
                    chosen = rng.choice(values) if 0.8 < roll <= 0.9 else value  # another value
                    project.create_annotation(coder, doc_id, layer, start + shift, start + shift + 12, {field: chosen})
        for coder in CODERS:
            project.mark_done(coder, doc_id, force=True)
    return project


def adjudication(app, repeat: int) -> dict[str, list[float]]:
    results: dict[str, list[float]] = {k: [] for k in (
        "open document", "next disagreement", "accept coder's version", "edit gold field", "reject",
        "accept all unanimous", "undo")}
    with tempfile.TemporaryDirectory() as tmp:
        project = build_double_coded(Path(tmp) / "adj.db", n_docs=repeat + 1, n_annotations=300)
        settings = QSettings(str(Path(tmp) / "s.ini"), QSettings.Format.IniFormat)
        window = AdjudicationWindow(project, "lead", settings=settings)
        window.resize(1500, 900)
        window.show()
        app.processEvents()
        ids = project.document_ids()
        for i in range(repeat):
            results["open document"].append(timed(app, lambda: window.open_document(ids[i + 1])))
            results["next disagreement"].append(timed(app, lambda: window.step(1)))
            spans = [x for x in window.adjudication.disagreements() if hasattr(x, "versions")
                     and hasattr(x, "layer") and x.versions.get("amal") is not None]
            window.select_item(spans[0].id)
            app.processEvents()
            results["accept coder's version"].append(timed(app, lambda: window.accept_coder(1)))
            window.select_item(spans[0].id)
            gold = window._gold
            layer = project.gold_annotation(gold).layer
            field, values = CHOICES[layer]
            results["edit gold field"].append(timed(app, lambda: window.form.attrsEdited.emit(gold, {field: values[-1]})))
            window.select_item(spans[1].id)
            results["reject"].append(timed(app, window.reject))
            results["accept all unanimous"].append(timed(app, window.accept_unanimous))
            results["undo"].append(timed(app, window.undo))
        window.close()
        project.close()
    return results


def table(results: dict[str, list[float]]) -> None:
    print("| action | p50 ms | p95 ms | max ms |\n|---|---:|---:|---:|")
    for name, values in results.items():
        print(f"| {name} | {statistics.median(values):.1f} | {pct(values, 95):.1f} | {max(values):.1f} |")


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
    parser.add_argument("--adjudication", action="store_true", help="time the adjudication window instead")
    args = parser.parse_args()
    app = application()
    if args.adjudication:
        results = adjudication(app, args.repeat)
        print(f"{describe()}, Qt platform {os.environ['QT_QPA_PLATFORM']}; {args.repeat} rounds, "
              "20,000-character articles, 3 coders x 300 spans, all done\n")
        table(results)
        return
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
    table(results)


if __name__ == "__main__":
    sys.exit(main())
