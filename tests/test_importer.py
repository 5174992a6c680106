"""Importing files into a project: counts, rejections, duplicates, batches and progress."""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from pathlib import Path

import pytest

from annotator.importer import ImportReport, import_paths
from annotator.model import Document, Rejection
from annotator.store import Project


@pytest.fixture
def project(tmp_path: Path) -> Iterator[Project]:
    with Project.open(tmp_path / "p.db", create=True) as p:
        yield p


def write_jsonl(path: Path, records: list[object]) -> Path:
    path.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    return path


def articles(n: int) -> list[dict[str, str]]:
    return [
        {"id": f"a{i}", "title": f"خبر {i}", "text": f"قال مسؤولون إن {i} أشخاص قتلوا في غارة."}
        for i in range(n)
    ]


@pytest.fixture
def corpus(tmp_path: Path) -> Path:
    """A folder with good items in every format and one bad item of several kinds."""
    folder = tmp_path / "corpus"
    (folder / "txt").mkdir(parents=True)
    gaza = "غارة على غزة\r\n\r\nقال مسؤولون إن 12 شخصا قتلوا.\r\n"
    (folder / "txt" / "gaza.txt").write_bytes(gaza.encode("cp1256"))
    (folder / "txt" / "empty.txt").write_bytes(b"")
    lines = [json.dumps(r, ensure_ascii=False) for r in articles(3)]
    lines.insert(1, '{"id": "broken", "text" "x"}')
    (folder / "news.jsonl").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "more.csv").write_text("id,title,text\nc1,عنوان,نص من ملف CSV\nc2,بلا نص,\n", encoding="utf-8-sig")
    (folder / "one.json").write_bytes(json.dumps({"id": "j1", "text": "e\u0301 \u0627\u0654"}).encode("utf-16"))
    return folder


def test_import_folder_counts_documents_and_rejections(project: Project, corpus: Path) -> None:
    report = import_paths(project, [corpus])
    assert (report.imported, report.duplicates, report.rejected) == (6, 0, 3)
    assert report.summary() == "imported 6, skipped 0 duplicates, rejected 3"
    assert report.exit_code == 1
    assert [str(r) for r in report.rejections] == [
        f"{corpus / 'more.csv'}:3: empty text",
        f"{corpus / 'news.jsonl'}:2: invalid JSON: Expecting ':' delimiter (column 25)",
        f"{corpus / 'txt' / 'empty.txt'}: empty file",
    ]
    assert sorted(project.document_ids()) == ["a0", "a1", "a2", "c1", "j1", "txt/gaza"]
    gaza = project.document("txt/gaza")
    assert (gaza.title, gaza.text) == ("غارة على غزة", "قال مسؤولون إن 12 شخصا قتلوا.\n")
    assert project.document("j1").text == "\u00e9 \u0623"
    assert project.document("a2").origin == f"{corpus / 'news.jsonl'}:4"


def test_reimport_adds_nothing(project: Project, corpus: Path) -> None:
    first = import_paths(project, [corpus])
    second = import_paths(project, [corpus])
    assert (second.imported, second.duplicates) == (0, first.imported)
    assert second.rejections == first.rejections
    assert project.count_documents() == first.imported


def test_duplicates_by_id_or_text_within_one_import(project: Project, tmp_path: Path) -> None:
    same_text = write_jsonl(tmp_path / "a.jsonl", [{"id": "x", "text": "نص واحد"}, {"id": "y", "text": "نص واحد"}])
    same_id = write_jsonl(tmp_path / "b.jsonl", [{"id": "x", "text": "نص آخر"}])
    report = import_paths(project, [same_text, same_id])
    assert (report.imported, report.duplicates, report.rejected) == (1, 2, 0)
    assert report.summary() == "imported 1, skipped 2 duplicates, rejected 0"
    assert report.exit_code == 0


def test_batches_and_progress(project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", articles(23))
    with path.open("a", encoding="utf-8") as handle:
        handle.write("not json\n")
    batches: list[int] = []
    add_documents = project.add_documents

    def recording(docs: Iterable[Document]) -> tuple[int, int]:
        docs = list(docs)
        batches.append(len(docs))
        return add_documents(docs)

    monkeypatch.setattr(project, "add_documents", recording)
    seen: list[int] = []
    report = import_paths(project, [path], progress=seen.append, batch_size=5)
    assert batches == [5, 5, 5, 5, 3]
    assert seen == [5, 10, 15, 20, 24]
    assert (report.imported, report.rejected) == (23, 1)


def test_interrupted_import_keeps_committed_batches(project: Project, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", articles(12))

    def stop_after_first_batch(done: int) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        import_paths(project, [path], progress=stop_after_first_batch, batch_size=5)
    assert project.count_documents() == 5
    report = import_paths(project, [path])
    assert (report.imported, report.duplicates) == (7, 5)


def test_encoding_override(project: Project, tmp_path: Path) -> None:
    path = tmp_path / "a.csv"
    path.write_bytes("id,text\n1,غزة\n".encode("utf-16-le"))  # no BOM: only readable when told
    assert import_paths(project, [path]).rejected == 1
    report = import_paths(project, [path], encoding="utf-16-le")
    assert (report.imported, report.rejected) == (1, 0)
    assert project.document("1").text == "غزة"


def test_bad_arguments_raise_before_anything_is_imported(project: Project, tmp_path: Path) -> None:
    path = write_jsonl(tmp_path / "a.jsonl", articles(2))
    with pytest.raises(LookupError):
        import_paths(project, [path], encoding="no-such-codec")
    with pytest.raises(ValueError, match="batch_size"):
        import_paths(project, [path], batch_size=0)
    assert project.count_documents() == 0


def test_report_of_nothing() -> None:
    report = ImportReport()
    assert report.summary() == "imported 0, skipped 0 duplicates, rejected 0"
    assert report.exit_code == 0
    one = ImportReport(imported=1, duplicates=1, rejections=[Rejection("a.txt", None, "empty file")])
    assert one.summary() == "imported 1, skipped 1 duplicate, rejected 1"
    assert one.exit_code == 1
