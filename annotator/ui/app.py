"""Starting the window: the platform check, the project, the coder's name, the QApplication, and the
last guard against tracebacks."""

from __future__ import annotations

import gc
import sys
import traceback
from collections.abc import Callable
from pathlib import Path
from types import TracebackType

from PySide6.QtCore import QSettings
from PySide6.QtGui import QFont
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMainWindow, QMessageBox

from annotator.default_project import join_project
from annotator.paths import APP_NAME, data_dir
from annotator.qt_platform import startup_problem
from annotator.store import Project, ProjectError, UnusableProjectError
from annotator.store.backup import Backup, restore
from annotator.ui.fonts import arabic_families


def application() -> QApplication:
    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setOrganizationName(APP_NAME)
    app.setApplicationName(APP_NAME)
    font = QFont(app.font())
    font.setFamilies([font.family()] + arabic_families())  # Arabic titles in lists and forms
    app.setFont(font)
    return app  # type: ignore[return-value]


def settle_heap() -> None:
    """Exempt what is alive once the window is up from Python's cyclic garbage collector.

    A full collection scans every object the collector tracks: some 130,000 once the window is
    up (modules, Qt wrappers, the codebook, the gazetteer), all of which live as long as the
    process. Frozen after one last collection, they are skipped, and the full collections that
    coding triggers every few documents take ~4 ms instead of ~80 (a visible stall on whatever
    edit or document they fell on). What is created later is collected as before.
    """
    gc.collect()
    gc.freeze()


def _excepthook(kind: type[BaseException], exc: BaseException, tb: TracebackType | None) -> None:
    """Errors inside Qt slots: a sentence for the coder, the traceback for the log file."""
    log = data_dir() / "crash.log"
    with log.open("a", encoding="utf-8") as fh:
        traceback.print_exception(kind, exc, tb, file=fh)
    QMessageBox.critical(None, "annotator",
                         f"Something went wrong: {exc}\n\nYour saved work is safe. Details were written to {log}.")


def choose_coder(project: Project, settings: QSettings, wanted: str | None, *, create: bool = False) -> str | None:
    """The coder to work as: --coder, else the last one used here, else ask (and remember).

    A name the project does not know becomes a coder only when the coder says yes (or ``create``
    vouches for ``wanted``): a typo would otherwise make a phantom coder, who spoils every agreement
    run. No sends the coder back to the name prompt; cancelling the prompt returns None.
    """
    known = project.coders()
    remembered = settings.value("coder")
    name = (wanted or (remembered if isinstance(remembered, str) else "")).strip()
    vouched = name if create and wanted else None
    while True:
        if not name:
            name = _ask_name(known)
            if name is None:
                return None
        if name in known or name == vouched or confirm_new_coder(name, known):
            break
        name = ""
    if name not in known:
        join_project(project, name)
    settings.setValue("coder", name)
    return name


def _ask_name(known: list[str]) -> str | None:
    # An empty first entry: a newcomer types their name instead of becoming someone else.
    name, ok = QInputDialog.getItem(None, "annotator", "Your name (pick or type a new one) · اسمك:",
                                    [""] + known, 0, True)
    name = name.strip()
    return name if ok and name else None


def confirm_new_coder(name: str, known: list[str]) -> bool:
    """Ask before a name the project does not know becomes a new coder."""
    others = f"This project's coders: {', '.join(known)}." if known else "This project has no coders yet."
    answer = QMessageBox.question(
        None, "annotator",
        f"Create new coder '{name}'?\nإنشاء مرمِّز جديد باسم «{name}»؟\n\n{others}\n"
        "Choose No to pick or type another name · اختر «لا» لكتابة اسم آخر.",
        QMessageBox.StandardButton.Yes | QMessageBox.StandardButton.No, QMessageBox.StandardButton.No)
    return answer == QMessageBox.StandardButton.Yes


PROJECT_FILTER = "annotator projects (*.annotator.db *.db);;All files (*)"
NEW_PROJECT_NAME = "new.annotator.db"


def open_project(path: Path) -> Project | None:
    """Open the project; when there is none at ``path`` or it does not open, ask what to do (restore
    its newest good backup, open another file, create a new project) until one opens (None: quit)."""
    create = False
    while True:
        try:
            if not Project.exists(path) and not create:
                chosen = _other_project(f"There is no project at {path}.\nلا يوجد مشروع في هذا المسار.", path,
                                        create_here=True)
            else:
                project = Project.open(path, create=create)
                if project.read_only:
                    QMessageBox.warning(None, "annotator", f"{path} is open read-only: {project.read_only}.\n"
                                        "Nothing you change in it can be saved.")
                return project
        except UnusableProjectError as exc:
            chosen = _other_project(str(exc), path, backup=exc.backup)
        except ProjectError as exc:
            chosen = _other_project(str(exc), path)
        if chosen is None:
            return None
        path, create = chosen


def _other_project(message: str, path: Path, *, backup: Backup | None = None,
                   create_here: bool = False) -> tuple[Path, bool] | None:
    """The box for a project that did not open: restore its newest good backup, open another file,
    create a new project (``create_here``: at ``path``), or quit. Returns the path to open and
    whether to create it."""
    box = QMessageBox(QMessageBox.Icon.Critical, "annotator", message)
    restore_button = (box.addButton(f"Restore the backup of {backup.taken_at.astimezone():%Y-%m-%d %H:%M}",
                                    QMessageBox.ButtonRole.AcceptRole) if backup is not None else None)
    here_button = box.addButton("Create it here", QMessageBox.ButtonRole.ActionRole) if create_here else None
    open_button = box.addButton("Open another file…", QMessageBox.ButtonRole.AcceptRole)
    new_button = box.addButton("Create new project…", QMessageBox.ButtonRole.ActionRole)
    box.setEscapeButton(box.addButton("Quit", QMessageBox.ButtonRole.RejectRole))
    box.setDefaultButton(restore_button or here_button or open_button)
    folder = path.parent if path.parent.is_dir() else Path.home()
    while True:
        box.exec()
        clicked = box.clickedButton()
        if clicked is restore_button and backup is not None:
            try:
                done = restore(path, backup.path)
            except ProjectError as exc:
                QMessageBox.critical(None, "annotator", str(exc))
                continue
            kept = f"\nThe file it replaced is kept as {done.kept_as}." if done.kept_as else ""
            QMessageBox.information(None, "annotator", f"Restored {path} from {done.source.name}.{kept}")
            return path, False
        if here_button is not None and clicked is here_button:
            return path, True
        if clicked is open_button:
            name, _ = QFileDialog.getOpenFileName(None, "Open a project", str(folder), PROJECT_FILTER)
            if name:
                return Path(name), False
        elif clicked is new_button:
            new = _new_project_path(folder)
            if new is not None:
                return new, True
        else:
            return None


def _new_project_path(folder: Path) -> Path | None:
    """Where to create a new project (the default codebook comes with it); never an existing file."""
    name, _ = QFileDialog.getSaveFileName(None, "Create a new project", str(folder / NEW_PROJECT_NAME),
                                          PROJECT_FILTER)
    if not name:
        return None
    path = Path(name)
    if not path.suffix:
        path = path.with_name(path.name + ".annotator.db")
    if path.exists():  # the save dialog may have offered to replace it: a new project never overwrites
        QMessageBox.warning(None, "annotator", f"{path} already exists; choose a new name for the new project.")
        return None
    return path


def run(project_path: Path, coder: str | None = None, *, create: bool = False,
        settings: QSettings | None = None) -> int:
    """Open the coder's window on a project; returns the exit status.

    ``create``: a ``coder`` the project does not know is created without asking (``--create``).
    """
    def make(project: Project) -> QMainWindow | None:
        from annotator.ui.main_window import MainWindow

        chosen_settings = settings or QSettings()  # after the QApplication: it names the settings
        name = choose_coder(project, chosen_settings, coder, create=create)
        return None if name is None else MainWindow(project, name, settings=chosen_settings)

    return _run_window(project_path, make)


def run_adjudication(project_path: Path, adjudicator: str, document_id: str | None = None) -> int:
    """Open the adjudication window (the CLI has checked the adjudicator); returns the exit status."""
    def make(project: Project) -> QMainWindow:
        from annotator.ui.adjudication_window import AdjudicationWindow

        window = AdjudicationWindow(project, adjudicator)
        if document_id is not None:
            window.open_document(document_id)
        return window

    return _run_window(project_path, make)


def _run_window(project_path: Path, make: Callable[[Project], QMainWindow | None]) -> int:
    """Start Qt, open the project, show the window ``make`` builds (None: quit quietly)."""
    if QApplication.instance() is None and (problem := startup_problem()):
        # Qt aborts the process when its platform plugin cannot load: find out first, and say why.
        print(problem, file=sys.stderr)
        return 1
    app = application()
    sys.excepthook = _excepthook
    project = open_project(project_path)
    if project is None:
        return 1
    try:
        window = make(project)
        if window is None:
            return 0
        window.show()
        settle_heap()
        return app.exec()
    except ProjectError as exc:
        QMessageBox.critical(None, "annotator", str(exc))
        return 1
    finally:
        project.close()
