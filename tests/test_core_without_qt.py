"""The core imports and works with PySide6 unavailable: only annotator/ui may import Qt."""

from __future__ import annotations

import pkgutil
import subprocess
import sys
from pathlib import Path

import annotator

BLOCK_QT = """
import importlib.abc, sys
class NoQt(importlib.abc.MetaPathFinder):
    def find_spec(self, name, path, target=None):
        if name.split('.')[0] in ('PySide6', 'shiboken6', 'PyQt5', 'PyQt6'):
            raise ImportError('Qt is blocked for this test: ' + name)
sys.meta_path.insert(0, NoQt())
"""


def core_modules() -> list[str]:
    names = [m.name for m in pkgutil.walk_packages(annotator.__path__, prefix="annotator.")
             if not m.name.startswith("annotator.ui")]
    return sorted(set(names) | {"annotator"})


def test_every_core_module_imports_without_qt(tmp_path: Path) -> None:
    modules = core_modules()
    assert "annotator.store" in modules and "annotator.codebook" in modules
    code = BLOCK_QT + "".join(f"import {m}\n" for m in modules) + (
        "from annotator.store import Project\n"
        f"p = Project.open({str(tmp_path / 'p.db')!r}, create=True)\n"
        "print(sorted(m for m in sys.modules if m.startswith(('PySide6', 'shiboken6'))))\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == "[]"


def test_the_command_line_runs_without_qt(tmp_path: Path) -> None:
    code = BLOCK_QT + ("import sys\nfrom annotator.cli import main\n"
                       f"sys.argv = ['annotator', 'init', '--project', {str(tmp_path / 'p.db')!r}]\nmain()\n")
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert result.returncode == 0, result.stderr
    assert "codebook 'conflict-news'" in result.stdout
