"""StagedFolder.write hashes the bytes it writes; a file written again through StagedFolder.file is
hashed from the disk at commit, so the manifest always matches the files."""

from __future__ import annotations

import hashlib
from pathlib import Path

from annotator.export.output import StagedFolder


def entries(target: Path, write) -> dict[str, dict]:
    with StagedFolder(target) as out:
        write(out)
        return {f["path"]: f for f in out.commit({})["files"]}


def test_written_text_is_listed_with_the_hash_of_its_utf8_bytes(tmp_path: Path) -> None:
    text = "سطر\r\nثانٍ 🔴\n"
    listed = entries(tmp_path / "out", lambda out: out.write("a/b.txt", text))
    data = (tmp_path / "out" / "a" / "b.txt").read_bytes()
    assert data == text.encode("utf-8")  # no line-end translation
    assert listed == {"a/b.txt": {"path": "a/b.txt", "bytes": len(data), "sha256": hashlib.sha256(data).hexdigest()}}


def test_a_file_written_again_by_path_is_hashed_from_the_disk(tmp_path: Path) -> None:
    def write(out: StagedFolder) -> None:
        out.write("x.txt", "first")
        out.file("x.txt").write_text("second, longer", encoding="utf-8")

    listed = entries(tmp_path / "out", write)
    assert listed["x.txt"]["sha256"] == hashlib.sha256(b"second, longer").hexdigest()
