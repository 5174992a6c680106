"""An export's folder, written so that a half-written export never replaces a good one.

Every file of one export goes into a hidden sibling folder (``.NAME.partial-PID``). Only when all
of them are written, hashed into ``manifest.json`` and flushed to disk is that folder swapped in
for the target: the old export is renamed aside (``.NAME.previous-PID``), the new one renamed into
place, and the old one deleted. A process killed while writing leaves the old export untouched
(and a partial folder that the next export to the same target removes); one killed between the
two renames leaves the previous export aside, and the next export puts it back first.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
from pathlib import Path
from typing import Any

MANIFEST = "manifest.json"
_PARTIAL = ".partial-"
_PREVIOUS = ".previous-"


class ExportError(Exception):
    """An export that cannot be written, in words for the user."""


class StagedFolder:
    """Use as a context manager; write files under :meth:`file`, then :meth:`commit`.

    Leaving the block without committing (an exception, a failed format) deletes the partial folder
    and leaves the target as it was.
    """

    def __init__(self, target: Path):
        self.target = Path(target)
        self.folder = self.target.parent / f".{self.target.name}{_PARTIAL}{os.getpid()}"
        self._committed = False
        self._folders: set[Path] = set()  # made already
        self._written: dict[Path, dict[str, Any]] = {}  # by write(): the manifest entry, from the bytes

    def __enter__(self) -> "StagedFolder":
        _check_target(self.target)
        _recover_previous(self.target)
        for stale in _siblings(self.target, _PARTIAL):
            shutil.rmtree(stale, ignore_errors=True)
        try:
            self.folder.mkdir(parents=True)
        except OSError as exc:
            raise ExportError(f"{self.target.parent}: cannot write there: {exc.strerror or exc}") from None
        return self

    def __exit__(self, *exc: object) -> None:
        if not self._committed:
            shutil.rmtree(self.folder, ignore_errors=True)

    def file(self, name: str) -> Path:
        """Where to write ``name`` (a relative path with ``/``) inside the export."""
        path = self.folder / name
        if path.parent not in self._folders:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._folders.add(path.parent)
        self._written.pop(path, None)  # written by the caller: hashed at commit
        return path

    def write(self, name: str, text: str) -> None:
        """Write ``text`` to ``name`` as UTF-8, line ends as they are; its hash for the manifest is
        taken from the bytes written (an export of 20,000 small files then reads none back)."""
        path = self.file(name)
        data = text.encode("utf-8")
        with open(path, "wb") as handle:
            handle.write(data)
        self._written[path] = {"path": path.relative_to(self.folder).as_posix(), "bytes": len(data),
                               "sha256": hashlib.sha256(data).hexdigest()}

    def commit(self, manifest: dict[str, Any]) -> dict[str, Any]:
        """Hash every file into ``manifest["files"]``, write manifest.json and swap the export in."""
        files = sorted(p for p in self.folder.rglob("*") if p.is_file())
        manifest = {**manifest, "files": [self._written.get(p) or _file_entry(self.folder, p) for p in files]}
        (self.folder / MANIFEST).write_text(json.dumps(manifest, ensure_ascii=False, indent=2) + "\n",
                                            encoding="utf-8", newline="\n")
        _flush_to_disk(files + [self.folder / MANIFEST])
        try:
            _swap(self.folder, self.target)
        except OSError as exc:
            raise ExportError(f"{self.target}: cannot replace the previous export: {exc.strerror or exc}. "
                              "Close any program that has files in it open and export again.") from None
        self._committed = True
        return manifest


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _file_entry(root: Path, path: Path) -> dict[str, Any]:
    return {"path": path.relative_to(root).as_posix(), "bytes": path.stat().st_size, "sha256": file_sha256(path)}


def _check_target(target: Path) -> None:
    """Refuse to replace anything that is not an earlier export (a file, a folder of other things)."""
    if target.is_file():
        raise ExportError(f"{target}: is a file; an export is a folder (give a folder name with -o)")
    if target.is_dir() and any(target.iterdir()) and not (target / MANIFEST).is_file():
        raise ExportError(f"{target}: the folder is not empty and holds no earlier export ({MANIFEST}); "
                          "choose a new folder name so nothing of yours is replaced")


def _siblings(target: Path, marker: str) -> list[Path]:
    parent = target.parent
    if not parent.is_dir():
        return []
    prefix = f".{target.name}{marker}"
    return [p for p in parent.iterdir() if p.name.startswith(prefix) and p.is_dir()]


def _recover_previous(target: Path) -> None:
    """A swap killed between its two renames left the good export aside: put it back."""
    previous = sorted(_siblings(target, _PREVIOUS), key=lambda p: p.stat().st_mtime)
    if previous and not target.exists():
        os.replace(previous.pop(), target)
    for extra in previous:
        shutil.rmtree(extra, ignore_errors=True)


def _swap(folder: Path, target: Path) -> None:
    if not target.exists():
        os.replace(folder, target)
    else:
        aside = target.parent / f".{target.name}{_PREVIOUS}{os.getpid()}"
        os.replace(target, aside)
        os.replace(folder, target)
        shutil.rmtree(aside, ignore_errors=True)
    _fsync_dir(target.parent)


def _flush_to_disk(files: list[Path]) -> None:
    """The files are on disk before the rename makes them the export (a power cut keeps the old).

    One ``sync`` where the system has it: fsync per file costs ~0.5 ms, and brat writes two files
    per document.
    """
    if hasattr(os, "sync"):
        os.sync()
        return
    for path in files:
        with open(path, "rb+") as handle:
            os.fsync(handle.fileno())


def _fsync_dir(path: Path) -> None:
    if os.name != "posix":
        return
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)
