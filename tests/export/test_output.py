"""A half-written export never replaces a good one; the manifest lists every file with its SHA-256."""

from __future__ import annotations

import hashlib
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from annotator.export import jsonl
from annotator.export.output import MANIFEST, ExportError, StagedFolder

ROOT = Path(__file__).resolve().parents[2]


def snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def test_manifest_lists_every_file_with_its_hash(run_export) -> None:
    folder, manifest = run_export("brat", coders=("mona", "omar"))
    on_disk = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    assert on_disk == manifest
    listed = {f["path"]: f for f in manifest["files"]}
    files = {p.relative_to(folder).as_posix() for p in folder.rglob("*") if p.is_file()} - {MANIFEST}
    assert set(listed) == files
    for name, entry in listed.items():
        data = (folder / name).read_bytes()
        assert entry["sha256"] == hashlib.sha256(data).hexdigest() and entry["bytes"] == len(data)
    assert manifest["tool"] == {"name": "annotator", "version": "0.1.0"}
    assert manifest["codebook"]["name"] == "conflict-news" and len(manifest["codebook"]["sha256"]) == 64
    assert manifest["counts"]["documents"] == 3 and manifest["counts"]["spans"] == 13
    assert manifest["coders"] == ["mona", "omar"] and manifest["adjudicators"] == []
    assert manifest["vague_count_policy"]["name"] == "none"


def test_a_failing_format_leaves_the_previous_export(run_export, monkeypatch: pytest.MonkeyPatch) -> None:
    folder, _ = run_export("jsonl", coders=("mona",))
    before = snapshot(folder)
    calls = []

    def failing(record: dict) -> str:
        calls.append(record["id"])
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return json.dumps(record)

    monkeypatch.setattr(jsonl, "dumps", failing)
    with pytest.raises(OSError):
        run_export("jsonl", coders=("mona",))
    assert snapshot(folder) == before
    assert [p.name for p in folder.parent.iterdir() if ".partial-" in p.name] == []


def test_a_killed_export_leaves_the_previous_export(run_export, coded_location: Path | str, tmp_path: Path) -> None:
    if not hasattr(signal, "SIGKILL"):
        pytest.skip("needs POSIX signals")
    folder, _ = run_export("jsonl", coders=("mona",), name="good")
    before = snapshot(folder)
    started = tmp_path / "started"
    # The child exports to the same folder and stops (forever) after writing its first document.
    child = f"""
import json, sys, time
from pathlib import Path
from annotator.export import jsonl
from annotator.export.exporter import export
from annotator.export.sources import Selection
from annotator.store import Project
real = jsonl.dumps
def slow(record):
    Path({str(started)!r}).touch()
    time.sleep(600)
    return real(record)
jsonl.dumps = slow
export(Project.open({str(coded_location)!r}, create=False), Selection(coders=("mona",)), "jsonl", Path({str(folder)!r}))
"""
    proc = subprocess.Popen([sys.executable, "-c", child], cwd=ROOT)
    try:
        deadline = time.monotonic() + 60
        while not started.exists():
            assert proc.poll() is None, "the exporting child ended early"
            assert time.monotonic() < deadline, "the exporting child never started writing"
            time.sleep(0.05)
        partial = [p for p in folder.parent.iterdir() if p.name.startswith(".good.partial-")]
        assert len(partial) == 1 and (partial[0] / "documents.jsonl").exists()
    finally:
        os.kill(proc.pid, signal.SIGKILL)
        proc.wait()
    assert snapshot(folder) == before
    # The next export clears the leftover and replaces the good export whole.
    _, manifest = run_export("jsonl", coders=("mona", "omar"), name="good")
    assert [p.name for p in folder.parent.iterdir() if p.name.startswith(".good.")] == []
    assert manifest["counts"]["records"] == 4


def test_a_swap_killed_halfway_is_recovered(run_export) -> None:
    folder, _ = run_export("csv", coders=("mona",), name="tables")
    before = snapshot(folder)
    aside = folder.parent / ".tables.previous-12345"
    folder.rename(aside)  # as if killed between the two renames of the swap
    with StagedFolder(folder) as out:
        assert snapshot(folder) == before  # put back before anything is written
        out.file("x.txt").write_text("new", encoding="utf-8")
        out.commit({})
    assert not aside.exists() and (folder / "x.txt").read_text(encoding="utf-8") == "new"


def test_a_folder_that_is_not_an_export_is_never_replaced(run_export, tmp_path: Path) -> None:
    mine = tmp_path / "thesis"
    mine.mkdir()
    (mine / "chapter1.docx").write_bytes(b"precious")
    with pytest.raises(ExportError, match="not empty and holds no earlier export"):
        run_export("jsonl", coders=("mona",), name="thesis")
    assert (mine / "chapter1.docx").read_bytes() == b"precious"
    (tmp_path / "afile").write_text("x", encoding="utf-8")
    with pytest.raises(ExportError, match="is a file"):
        run_export("jsonl", coders=("mona",), name="afile")
