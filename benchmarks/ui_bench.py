"""Latency of the coder's and the adjudicator's actions in the real windows, offscreen, through
the input path a person takes.

    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_bench.py [--rounds 40] [--only NAME]
    QT_QPA_PLATFORM=offscreen .venv/bin/python benchmarks/ui_bench.py --adjudication [--repeat 60]
    .venv/bin/python benchmarks/ui_bench.py --startup

Coder's window: for each case (10, 300 and 3,000 annotations in articles of 20,000 characters;
articles of 2,000, 20,000 and 200,000 characters with 300 annotations) a project is built in a
temporary folder and the real ``MainWindow`` is driven with QTest events: a click on the document
in the list (open), a mouse drag over the article (select: Qt's UTF-16 positions are converted to
code points and snapped to words), a layer key (create), an arrow key in the form's choice box
(choice edit), digits typed into a number field and Return (typed edit), Ctrl+Z (undo), Delete, and
Ctrl+N (next document). Each action is timed from its first event until the event loop has
processed the work it queued (``processEvents``: the repaint), and every edit's write to SQLite
(WAL, synchronous=FULL) is inside its time. Each round checks in the project that the edit was
stored. Targets (quiet machine): create, edits and undo under 8 ms p95 at 300 annotations and under
16 ms at 3,000; open under 50 ms at 3,000 annotations and under 150 ms at 200,000 characters.

``--startup``: ``annotator --help``, ``annotator list`` and the window on screen, each in a fresh
process (median of 5). Targets: the commands under 300 ms, the window under 1.5 s.

``--adjudication``: the adjudication window on 20,000-character articles that three coders
coded with 300 spans each (the same spans, some with other edges, other values, or missing), all
marked done: opening a document, stepping to the next disagreement, accepting a coder's version,
editing the gold span's fields, rejecting, accepting all unanimous items, undo.

Every run prints the machine, its load and a reference loop (benchmarks/machine.py) before and
after, and each figure also as a multiple of that loop.
"""

from __future__ import annotations

import argparse
import os
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

os.environ.setdefault("QT_QPA_PLATFORM", "offscreen")

from PySide6.QtCore import QPoint, QSettings, Qt  # noqa: E402
from PySide6.QtGui import QTextCursor  # noqa: E402
from PySide6.QtTest import QTest  # noqa: E402

from machine import Conditions  # noqa: E402  (benchmarks/machine.py: run from the repository root)
from annotator.model import Document  # noqa: E402
from annotator.offsets import OffsetMap  # noqa: E402
from annotator.store import Project  # noqa: E402
from annotator.ui.app import application, settle_heap  # noqa: E402
from annotator.ui.adjudication_window import AdjudicationWindow  # noqa: E402
from annotator.ui.main_window import MainWindow  # noqa: E402

WORDS = ("قالت مصادر محلية إن غارة جوية استهدفت سوقاً شعبياً في بلدة الحوامة ما أسفر عن مقتل ١٢ مدنياً "
         "بينهم أطفال ونساء فيما نفت قوات التحالف الدولي مسؤوليتها عن القصف 🔴 وأكد المرصد").split()
LAYERS = ("actor", "claim", "casualty", "source")
# (name, characters per article, annotations per article)
CASES = (("10 annotations", 20_000, 10), ("300 annotations", 20_000, 300), ("3,000 annotations", 20_000, 3_000),
         ("2k characters", 2_000, 300), ("200k characters", 200_000, 300))
ACTIONS = ("open document (click in list)", "select text (mouse drag)", "create span (key 3)",
           "choice edit (arrow key)", "typed edit (digits, Return)", "undo (Ctrl+Z)", "delete span (Delete)",
           "next document (Ctrl+N)")
DOCUMENTS = 8  # per case; the rounds go round them


def article(rng: random.Random, length: int = 20_000) -> str:
    parts, size = [], 0
    while size < length:
        word = rng.choice(WORDS)
        parts.append(word)
        size += len(word) + 1
        if rng.random() < 0.02:
            parts.append("\n\n")
    return " ".join(parts)[:length]


def build(path: Path, n_docs: int, n_annotations: int, length: int = 20_000) -> Project:
    rng = random.Random(7)
    project = Project.open(path, create=True)
    project.add_documents(Document(id=f"doc-{i:03}", title=f"مقال رقم {i}", text=article(rng, length))
                          for i in range(n_docs))
    project.add_coder("bench")
    project.assign(project.document_ids(), "bench")
    for doc_id in project.document_ids():
        text = project.document(doc_id).text
        with project.transaction():  # setup only: one transaction per document keeps it quick
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
        with project.transaction():
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


def timed(app, action) -> float:
    t0 = time.perf_counter()
    action()
    app.processEvents()
    return (time.perf_counter() - t0) * 1000


def pct(values: list[float], q: int) -> float:
    return statistics.quantiles(values, n=100, method="inclusive")[q - 1] if len(values) > 1 else values[0]


def table(results: dict[str, list[float]], conditions: Conditions) -> None:
    print("| action | p50 ms | p95 ms | max ms | p50 / ref | p95 / ref |\n|---|---:|---:|---:|---:|---:|")
    for name, values in results.items():
        p50, p95 = statistics.median(values), pct(values, 95)
        print(f"| {name} | {p50:.1f} | {p95:.1f} | {max(values):.1f} | {conditions.ratio(p50):.2f} "
              f"| {conditions.ratio(p95):.2f} |")


# -- the coder's window, through QTest events -----------------------------------------------------


def char_point(window: MainWindow, offsets: OffsetMap, cp: int) -> QPoint:
    """Viewport point in the middle of the glyph of code point ``cp`` (as a pointer would aim)."""
    view = window.article
    a, b = QTextCursor(view.document()), QTextCursor(view.document())
    a.setPosition(offsets.to_qt(cp))
    b.setPosition(offsets.to_qt(cp + 1))
    left, right = view.cursorRect(a), view.cursorRect(b)
    return QPoint((left.center().x() + right.center().x()) // 2, left.center().y())


def show_position(window: MainWindow, offsets: OffsetMap, cp: int) -> None:
    """Scroll the article so that ``cp`` is on screen (the coder scrolled there: not timed)."""
    view = window.article
    cursor = QTextCursor(view.document())
    cursor.setPosition(offsets.to_qt(cp))
    view.setTextCursor(cursor)
    view.ensureCursorVisible()


def drag_select(window: MainWindow, start: QPoint, end: QPoint) -> None:
    viewport = window.article.viewport()
    QTest.mousePress(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, start)
    QTest.mouseMove(viewport, end)
    QTest.mouseRelease(viewport, Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, end)


def click_document(window: MainWindow, document_id: str):
    lst = window.documents
    index = lst.proxy.mapFromSource(lst.model.index(lst.model.row_of(document_id), 1))
    lst.view.scrollTo(index)
    point = lst.view.visualRect(index).center()

    def click() -> None:
        QTest.mouseClick(lst.view.viewport(), Qt.MouseButton.LeftButton, Qt.KeyboardModifier.NoModifier, point)
    return click


def coder_case(app, name: str, length: int, n_annotations: int, rounds: int, tmp: Path) -> dict[str, list[float]]:
    project = build(tmp / f"{length}-{n_annotations}.db", DOCUMENTS, n_annotations, length)
    try:
        return drive(app, project, project.document_ids(), rounds, tmp / f"{length}-{n_annotations}.ini")
    finally:
        project.close()


def drive(app, project: Project, ids: list[str], rounds: int, settings_file: Path) -> dict[str, list[float]]:
    """The coder "bench" in the real window, ``rounds`` times over the documents ``ids`` (each
    assigned to bench, with spans to edit): the timings of ACTIONS, and how long the window took
    to show its first document ("window start")."""
    settings = QSettings(str(settings_file), QSettings.Format.IniFormat)
    started = time.perf_counter()
    window = MainWindow(project, "bench", settings=settings)
    window.resize(1500, 900)
    window.show()
    app.processEvents()
    opened = (time.perf_counter() - started) * 1000
    settle_heap()  # as `annotator gui` does once its window is shown
    rng = random.Random(3)
    results: dict[str, list[float]] = {k: [] for k in ACTIONS}
    best = window.form.editor("best", "casualty").edit
    outcome = window.form.editor("outcome", "casualty").combo
    for i in range(rounds):
        document_id = ids[(2 * i) % len(ids)]
        if window.session.document and window.session.document.id == document_id:
            document_id = ids[(2 * i + 1) % len(ids)]
        results[ACTIONS[0]].append(timed(app, click_document(window, document_id)))
        assert window.session.document.id == document_id
        text = window.session.document.text
        offsets = OffsetMap(text)
        count = len(window.session.annotations)
        # A word somewhere in the article, dragged over from its middle to the middle of the next
        # word but one (snapping widens it to whole words).
        start = rng.randrange(0, len(text) - 60)
        start = text.index(" ", start) + 3
        end = text.index(" ", text.index(" ", start) + 1) + 2
        show_position(window, offsets, end)
        show_position(window, offsets, start)
        app.processEvents()
        a, b = char_point(window, offsets, start), char_point(window, offsets, end)
        window.article.setFocus()
        results[ACTIONS[1]].append(timed(app, lambda: drag_select(window, a, b)))
        assert window.article.selected_span() is not None, "the drag selected nothing"
        results[ACTIONS[2]].append(timed(app, lambda: QTest.keyClick(window.article, Qt.Key.Key_3)))
        created = window._current
        assert created is not None and len(window.session.annotations) == count + 1, "no span was created"
        outcome.setFocus()
        outcome.setCurrentIndex(0)  # a proposed outcome is shown, not stored: start from empty
        results[ACTIONS[3]].append(timed(app, lambda: QTest.keyClick(outcome, Qt.Key.Key_Down)))
        assert project.annotation(created).attrs.get("outcome") == "killed"
        value = str(10 + i % 80)
        best.setFocus()
        best.selectAll()

        def type_best() -> None:
            QTest.keyClicks(best, value)
            QTest.keyClick(best, Qt.Key.Key_Return)
        results[ACTIONS[4]].append(timed(app, type_best))
        assert project.annotation(created).attrs.get("best") == int(value), "the typed value was not stored"
        results[ACTIONS[5]].append(timed(app, lambda: QTest.keyClick(window.article, Qt.Key.Key_Z,
                                                                     Qt.KeyboardModifier.ControlModifier)))
        assert "best" not in project.annotation(created).attrs, "undo did not undo"
        results[ACTIONS[6]].append(timed(app, lambda: QTest.keyClick(window.article, Qt.Key.Key_Delete)))
        assert len(window.session.annotations) == count, "the span was not deleted"
        results[ACTIONS[7]].append(timed(app, lambda: QTest.keyClick(window.article, Qt.Key.Key_N,
                                                                     Qt.KeyboardModifier.ControlModifier)))
        assert window.session.document.id != document_id
    window.close()
    results["window start"] = [opened]
    return results


def coder(app, rounds: int, only: str | None) -> None:
    conditions = Conditions()
    print(conditions.header() + f"\nQt platform {os.environ['QT_QPA_PLATFORM']}; {rounds} rounds per case, "
          f"{DOCUMENTS} articles per case\n")
    with tempfile.TemporaryDirectory() as folder:
        for name, length, n_annotations in CASES:
            if only and only not in name:
                continue
            case = Conditions()
            results = coder_case(app, name, length, n_annotations, rounds, Path(folder))
            results.pop("window start")
            case.close()
            print(f"### {name}: {length:,} characters, {n_annotations:,} annotations per article\n")
            print(case.header().split("\n", 1)[1] + "\n")
            table(results, case)
            print()
    conditions.close()
    print(conditions.header())


# -- start-up ---------------------------------------------------------------------------------------

WINDOW_SHOWN = """
import sys, time
started = float(sys.argv[2])
from PySide6.QtCore import QTimer
from annotator.ui import app as ui_app

def shown():
    print(f"{(time.time() - started) * 1000:.0f}")
    ui_app.QApplication.instance().quit()

real_show = ui_app.QMainWindow.show
def show(self):
    real_show(self)
    QTimer.singleShot(0, shown)  # the first turn of the event loop after show: the window is painted
ui_app.QMainWindow.show = show
sys.exit(ui_app.run(__import__("pathlib").Path(sys.argv[1]), "bench"))
"""


def startup() -> None:
    conditions = Conditions()
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "start.annotator.db"
        build(path, 20, 300).close()
        env = {**os.environ, "XDG_CONFIG_HOME": folder, "XDG_DATA_HOME": folder}
        script = Path(sys.executable).parent / "annotator"

        def command(args: list[str]) -> float:
            run = [str(script), *args]
            t0 = time.perf_counter()
            subprocess.run(run, check=True, capture_output=True, env=env)
            return (time.perf_counter() - t0) * 1000

        def window() -> float:
            out = subprocess.run([sys.executable, "-c", WINDOW_SHOWN, str(path), repr(time.time())],
                                 check=True, capture_output=True, text=True, env=env)
            return float(out.stdout.split()[-1])

        listing = ["list", "--project", str(path)]
        rows = {"annotator --help": lambda: command(["--help"]),
                "annotator list (20 documents)": lambda: command(listing),
                "window on screen (300 annotations)": window}
        conditions_line = conditions.header()
        print(conditions_line + "\n\n| start-up | median ms | min ms | max ms | median / ref |\n|---|---:|---:|---:|---:|")
        for name, run in rows.items():
            run()  # a first run fills the disk cache
            values = [run() for _ in range(5)]
            print(f"| {name} | {statistics.median(values):.0f} | {min(values):.0f} | {max(values):.0f} "
                  f"| {conditions.ratio(statistics.median(values)):.1f} |")
    conditions.close()
    print("\n" + conditions.header())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=40, help="rounds per case of the coder's window")
    parser.add_argument("--only", help="run only the cases whose name contains this (e.g. 3,000)")
    parser.add_argument("--repeat", type=int, default=60, help="rounds of the adjudication window")
    parser.add_argument("--adjudication", action="store_true", help="time the adjudication window instead")
    parser.add_argument("--startup", action="store_true", help="time the commands and the window starting")
    args = parser.parse_args()
    if args.startup:
        startup()
        return
    app = application()
    if args.adjudication:
        conditions = Conditions()
        results = adjudication(app, args.repeat)
        conditions.close()
        print(f"{conditions.header()}\nQt platform {os.environ['QT_QPA_PLATFORM']}; {args.repeat} rounds, "
              "20,000-character articles, 3 coders x 300 spans, all done\n")
        table(results, conditions)
        return
    coder(app, args.rounds, args.only)


if __name__ == "__main__":
    sys.exit(main())
