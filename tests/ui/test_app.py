"""Starting the window: consent before a new coder, the box for a file that is not a project, the
platform check before Qt, and ``annotator gui --create``."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from collections.abc import Callable
from datetime import timedelta
from pathlib import Path

import pytest
from click.testing import CliRunner
from PySide6.QtCore import QSettings, QTimer
from PySide6.QtWidgets import QApplication, QFileDialog, QInputDialog, QMessageBox

from annotator import cli as cli_module
from annotator.default_project import ensure_default_project
from annotator.qt_platform import DEBIAN, NO_DISPLAY, read_family
from annotator.store import Project
from annotator.store.backup import EVERY_MINUTES, backup_folder, backups
from annotator.ui import app
from annotator.ui.main_window import BACKUP_CHECK_MS, MainWindow

YES, NO = QMessageBox.StandardButton.Yes, QMessageBox.StandardButton.No


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def sample(tmp_path: Path) -> Project:
    """The default project (sample corpus, demo coders, new coders get every document)."""
    project = Project.open(ensure_default_project(tmp_path / "sample.annotator.db"))
    yield project
    project.close()


class Prompts:
    """Scripted answers to the name prompt and the new-coder question, with what was asked."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, names: list[str | None], answers: list[QMessageBox.StandardButton]):
        self.names, self.answers = names, answers
        self.questions: list[str] = []
        self.prompts = 0
        monkeypatch.setattr(QInputDialog, "getItem", self.get_item)
        monkeypatch.setattr(QMessageBox, "question", self.question)

    def get_item(self, _parent, _title, _label, items, *_args):
        self.prompts += 1
        assert items[0] == ""  # a newcomer types a name; nobody becomes the first coder by Enter
        name = self.names.pop(0)
        return (name or "", name is not None)

    def question(self, _parent, _title, text, *_args):
        self.questions.append(text)
        return self.answers.pop(0)


def test_a_known_name_is_used_without_a_question(monkeypatch, sample: Project, settings: QSettings) -> None:
    prompts = Prompts(monkeypatch, [], [])
    before = len(sample.assignments("demo-amal"))
    assert app.choose_coder(sample, settings, " demo-amal ") == "demo-amal"
    assert prompts.questions == [] and prompts.prompts == 0
    assert len(sample.assignments("demo-amal")) == before  # joining is for new coders only
    assert settings.value("coder") == "demo-amal"


def test_no_to_a_new_name_goes_back_to_the_prompt(monkeypatch, sample: Project, settings: QSettings) -> None:
    prompts = Prompts(monkeypatch, ["demo-bilal"], [NO])
    assert app.choose_coder(sample, settings, "demo-amall") == "demo-bilal"
    assert "demo-amall" not in sample.coders()
    question = prompts.questions[0]
    assert question.startswith("Create new coder 'demo-amall'?") and "«demo-amall»" in question
    assert "demo-amal, demo-bilal, demo-chadi" in question


def test_yes_creates_the_coder_and_gives_them_the_sample(monkeypatch, sample: Project, settings: QSettings) -> None:
    prompts = Prompts(monkeypatch, ["  mona "], [YES])
    assert app.choose_coder(sample, settings, None) == "mona"
    assert len(prompts.questions) == 1 and sample.coders()[-1] == "mona"
    assert len(sample.assignments("mona")) == sample.count_documents()


def test_create_vouches_for_the_given_name_only(monkeypatch, sample: Project, settings: QSettings) -> None:
    prompts = Prompts(monkeypatch, [], [])
    assert app.choose_coder(sample, settings, "mona", create=True) == "mona"
    assert prompts.questions == [] and "mona" in sample.coders()


def test_a_name_remembered_from_another_project_is_asked_about(monkeypatch, sample: Project,
                                                              settings: QSettings) -> None:
    settings.setValue("coder", "omar")
    prompts = Prompts(monkeypatch, [None], [NO])  # no, then cancel the prompt: quit, nothing created
    assert app.choose_coder(sample, settings, None) is None
    assert "Create new coder 'omar'?" in prompts.questions[0] and "omar" not in sample.coders()
    assert settings.value("coder") == "omar"


def test_the_real_question_defaults_to_no(qtbot, sample: Project) -> None:
    """Return on the real box answers No: a hurried Enter makes no phantom coder."""
    answered = []

    def press_return() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(10, press_return)
            return
        answered.append(box.text())
        box.defaultButton().click()

    QTimer.singleShot(0, press_return)
    assert app.confirm_new_coder("mnoa", sample.coders()) is False
    assert answered and "Create new coder 'mnoa'?" in answered[0]


# -- a file that is not a project --------------------------------------------------------------------


def click_through(*buttons: str) -> list[str]:
    """Click the named buttons of the modal boxes as they come up; returns the texts they showed."""
    pending, shown = list(buttons), []

    def click() -> None:
        box = QApplication.activeModalWidget()
        if isinstance(box, QMessageBox) and box.isVisible():
            shown.append(box.text())
            wanted = pending.pop(0)
            next(b for b in box.buttons() if b.text() == wanted).click()
        if pending:
            QTimer.singleShot(10, click)

    QTimer.singleShot(0, click)
    return shown


@pytest.fixture
def opened(monkeypatch: pytest.MonkeyPatch) -> list[tuple[str, str, int]]:
    """Instead of the event loop: note the window run() opened (project file, coder, documents listed)."""
    windows: list[tuple[str, str, int]] = []
    monkeypatch.setattr(sys, "excepthook", sys.excepthook)  # run() installs its own

    def exec_(*_args) -> int:
        for widget in QApplication.topLevelWidgets():
            if isinstance(widget, MainWindow) and widget.isVisible():
                windows.append((widget.project.path.name, widget.coder, widget.documents.model.rowCount()))
                widget.close()
                widget.deleteLater()
        return 0

    monkeypatch.setattr(QApplication, "exec", exec_)
    return windows


@pytest.fixture
def broken(tmp_path: Path) -> Path:
    path = tmp_path / "broken.annotator.db"
    path.write_bytes(b"not a database" * 100)
    return path


def file_dialog(monkeypatch: pytest.MonkeyPatch, method: str, *answers: Path | None) -> list[str]:
    asked: list[str] = []
    queue = list(answers)

    def answer(_parent, _caption, directory, _filter) -> tuple[str, str]:
        asked.append(directory)
        chosen = queue.pop(0)
        return (str(chosen) if chosen else "", "")

    monkeypatch.setattr(QFileDialog, method, answer)
    return asked


def test_open_another_file(qtbot, monkeypatch, broken: Path, sample: Project, settings: QSettings,
                           opened) -> None:
    asked = file_dialog(monkeypatch, "getOpenFileName", None, sample.path)  # cancel once, then choose
    shown = click_through("Open another file…", "Open another file…")
    assert app.run(broken, "demo-amal", settings=settings) == 0
    assert "not a usable annotator project" in shown[0] and len(shown) == 2
    assert asked == [str(broken.parent)] * 2
    assert opened == [(sample.path.name, "demo-amal", len(sample.assignments("demo-amal")))]


def test_create_a_new_project(qtbot, monkeypatch, broken: Path, settings: QSettings, opened) -> None:
    asked = file_dialog(monkeypatch, "getSaveFileName", broken.parent / "study")
    click_through("Create new project…")
    prompts = Prompts(monkeypatch, ["mona"], [YES])
    assert app.run(broken, None, settings=settings) == 0
    assert asked == [str(broken.parent / app.NEW_PROJECT_NAME)]
    created = broken.parent / "study.annotator.db"
    assert opened == [("study.annotator.db", "mona", 0)]
    assert "This project has no coders yet." in prompts.questions[0]
    with Project.open(created, create=False) as project:
        assert project.coders() == ["mona"] and project.count_documents() == 0
        assert project.codebook.name == "conflict-news"
    assert broken.read_bytes().startswith(b"not a database")  # the broken file is left for recovery


def test_a_new_project_never_overwrites(qtbot, monkeypatch, broken: Path, settings: QSettings, opened) -> None:
    file_dialog(monkeypatch, "getSaveFileName", broken)
    warned = []
    monkeypatch.setattr(QMessageBox, "warning", lambda _parent, _title, text: warned.append(text))
    click_through("Create new project…", "Quit")
    assert app.run(broken, None, settings=settings) == 1
    assert "already exists" in warned[0] and opened == []


def test_quit(qtbot, broken: Path, settings: QSettings, opened) -> None:
    shown = click_through("Quit")
    assert app.run(broken, "mona", settings=settings) == 1
    assert len(shown) == 1 and opened == []


def test_a_missing_project_is_created_only_when_the_coder_says_so(qtbot, monkeypatch, tmp_path: Path,
                                                                   settings: QSettings, opened) -> None:
    typo = tmp_path / "stduy.annotator.db"
    shown = click_through("Quit")
    assert app.run(typo, "mona", settings=settings) == 1
    assert shown[0].startswith(f"There is no project at {typo}.") and not typo.exists() and opened == []
    click_through("Create it here")
    Prompts(monkeypatch, ["mona"], [YES])
    assert app.run(typo, None, settings=settings) == 0
    assert opened == [(typo.name, "mona", 0)]
    with Project.open(typo) as project:
        assert project.coders() == ["mona"]


def test_a_damaged_project_offers_its_newest_backup(qtbot, tmp_path: Path, settings: QSettings, opened) -> None:
    path = ensure_default_project(tmp_path / "study.annotator.db")
    Project.open(path).close()  # opening backs it up
    (newest,) = backups(path)
    damaged = path.read_bytes()[:8192]  # truncated
    path.write_bytes(damaged)
    shown = click_through(f"Restore the backup of {newest.taken_at.astimezone():%Y-%m-%d %H:%M}", "OK")
    assert app.run(path, "demo-amal", settings=settings) == 0
    assert "not a usable annotator project" in shown[0] and f"The newest good backup is {newest.path.name}" in shown[0]
    assert shown[1].startswith(f"Restored {path} from {newest.path.name}.")
    assert opened and opened[0][:2] == (path.name, "demo-amal")
    (kept,) = tmp_path.glob("study.annotator.db.before-restore-*")
    assert kept.read_bytes() == damaged  # the damaged file is kept, never overwritten


def test_the_window_backs_up_while_in_use(qtbot, tmp_path: Path, settings: QSettings) -> None:
    path = ensure_default_project(tmp_path / "study.annotator.db")
    project = Project.open(path)
    window = MainWindow(project, "demo-amal", settings=settings)
    qtbot.add_widget(window)
    assert window._backup.isActive() and window._backup.interval() == BACKUP_CHECK_MS
    (first,) = backups(path)
    project.add_coder("late")
    older = first.taken_at - timedelta(minutes=EVERY_MINUTES + 1)
    first.path.rename(first.path.with_name(f"{older:%Y%m%dT%H%M%S.%f}Z-seq{first.seq}.annotator.db"))
    window._backup.timeout.emit()
    window.backups.wait()
    newest = backups(path)[0]
    assert newest.seq > first.seq and len(backups(path)) == 2
    shutil.rmtree(backup_folder(path))  # a folder that cannot be made: a message, no exception
    backup_folder(path).write_text("not a folder", encoding="utf-8")
    project.add_coder("later")
    window._backup.timeout.emit()
    window.backups.wait()
    window._backup.timeout.emit()  # the next tick shows what the copy met
    assert "no backup could be made" in window.statusBar().currentMessage()
    window.close()
    project.close()


# -- before Qt starts ------------------------------------------------------------------------------------


def run_gui(tmp_path: Path, **environ: str) -> subprocess.CompletedProcess:
    """``annotator gui`` in a fresh process (no QApplication yet), with only the given display variables."""
    env = {k: v for k, v in os.environ.items()
           if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM", "XDG_SESSION_TYPE")}
    env.update(environ)
    project = tmp_path / "p.annotator.db"
    Project.open(project, create=True).close()
    return subprocess.run([sys.executable, "-m", "annotator", "gui", "--project", str(project)],
                          capture_output=True, text=True, timeout=120, env=env)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux")
def test_no_display_exits_with_a_sentence_instead_of_a_qt_abort(tmp_path: Path) -> None:
    result = run_gui(tmp_path)
    assert result.returncode == 1 and result.stderr.strip() == NO_DISPLAY


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the check is for Linux")
def test_missing_xcb_libraries_are_named_with_their_install_command(tmp_path: Path) -> None:
    """An ldd that reports two libraries missing, as on the Debian 12 of the issue: the process says
    which and how to install them, and exits 1 before Qt could abort it."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    ldd = bin_dir / "ldd"
    ldd.write_text("#!/bin/sh\nprintf '\\tlibxcb-icccm.so.4 => not found\\n\\tlibxcb-keysyms.so.1 => not found\\n'\n",
                   encoding="utf-8")
    ldd.chmod(0o755)
    result = run_gui(tmp_path, DISPLAY=":99", PATH=f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '')}")
    assert result.returncode == 1, result.stderr
    assert "libxcb-icccm.so.4, libxcb-keysyms.so.1" in result.stderr
    assert result.stderr.strip().endswith("install libxcb-icccm4 libxcb-keysyms1" if read_family() == DEBIAN
                                          else "install xcb-util-wm xcb-util-keysyms")


# -- annotator gui --create ----------------------------------------------------------------------------


def test_gui_passes_create_to_the_window(monkeypatch, sample: Project) -> None:
    calls: list[tuple[Path, str | None, bool]] = []
    fake: Callable[..., int] = lambda path, coder, create=False: calls.append((path, coder, create)) or 0
    monkeypatch.setattr(app, "run", fake)
    runner = CliRunner()
    assert runner.invoke(cli_module.cli, ["gui", "-p", str(sample.path), "--coder", "mona", "--create"]).exit_code == 0
    assert runner.invoke(cli_module.cli, ["gui", "-p", str(sample.path), "--coder", "demo-amal"]).exit_code == 0
    refused = runner.invoke(cli_module.cli, ["gui", "-p", str(sample.path), "--coder", "mona"])
    assert refused.exit_code == 1 and "add --create" in refused.output
    assert calls == [(sample.path, "mona", True), (sample.path, "demo-amal", False)]
