"""The project store: schema, transactions, the change log, span checks and per-coder isolation."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import ARTICLE, span_of

from annotator.model import Document
from annotator.store import (InvalidValueError, NotOwnerError, NotReadyError, Project, ProjectError,
                             SpanError)


@pytest.mark.sqlite_only
def test_new_project_uses_wal_foreign_keys_and_stores_the_codebook(project: Project) -> None:
    assert project.db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
    assert project.db.execute("PRAGMA foreign_keys").fetchone()[0] == 1
    stored = project.db.execute("SELECT yaml FROM codebooks WHERE sha256 = ?",
                                [project.setting("codebook_sha256")]).fetchone()[0]
    assert stored == project.codebook.source


def test_reopening_keeps_the_stored_codebook_and_data(project: Project, tmp_path: Path) -> None:
    start, end = span_of(ARTICLE, "قسد")
    project.create_annotation("mona", "doc-1", "actor", start, end, {"role": "perpetrator"})
    path = project.path
    project.close()
    with Project.open(path) as again:
        assert [a.quote for a in again.annotations("doc-1")] == ["قسد"]
        assert again.codebook.sha256 == again.setting("codebook_sha256")


def test_a_changed_codebook_is_stored_beside_the_old_one(project: Project, tmp_path: Path) -> None:
    custom = tmp_path / "mine.yaml"
    custom.write_text(project.codebook.source.replace("name: conflict-news", "name: my-study"), encoding="utf-8")
    path = project.path
    project.close()
    with Project.open(path, codebook=custom) as again:
        assert again.codebook.name == "my-study"
        assert again.db.execute("SELECT count(*) FROM codebooks").fetchone()[0] == 2


def test_span_offsets_are_code_points_past_an_emoji(project: Project) -> None:
    start, end = span_of(ARTICLE, "١٢ مدنياً")
    ann = project.create_annotation("mona", "doc-1", "casualty", start, end, {"low": 12, "best": 12, "high": 12})
    assert ann.quote == "١٢ مدنياً"
    assert ARTICLE[ann.start:ann.end] == ann.quote
    assert project.check() == []


@pytest.mark.parametrize("start,end", [(-1, 3), (5, 5), (9, 4), (0, len(ARTICLE) + 1)])
def test_spans_outside_the_text_are_refused(project: Project, start: int, end: int) -> None:
    with pytest.raises(SpanError, match="does not fit"):
        project.create_annotation("mona", "doc-1", "actor", start, end)


def test_non_integer_offsets_are_refused(project: Project) -> None:
    with pytest.raises(SpanError, match="whole numbers"):
        project.create_annotation("mona", "doc-1", "actor", 1.5, 4)  # type: ignore[arg-type]


def test_check_finds_a_quote_that_no_longer_matches(project: Project) -> None:
    start, end = span_of(ARTICLE, "قسد")
    ann = project.create_annotation("mona", "doc-1", "actor", start, end)
    project.db.execute("UPDATE annotations SET quote = 'داعش' WHERE id = ?", [ann.id])
    assert any(ann.id in problem for problem in project.check())


def test_document_text_cannot_change_after_import(project: Project) -> None:
    with pytest.raises(Exception, match="immutable") as refused:  # the engine's own error
        project.db.execute("UPDATE documents SET text = 'x' WHERE id = 'doc-1'")
    assert project.db.error_kind(refused.value) == "conflict"


def test_attributes_are_checked_against_the_codebook(project: Project) -> None:
    start, end = span_of(ARTICLE, "١٢ مدنياً")
    with pytest.raises(InvalidValueError, match="outcome"):
        project.create_annotation("mona", "doc-1", "casualty", start, end, {"outcome": "exploded"})
    with pytest.raises(InvalidValueError, match="low .* must not exceed best"):
        project.create_annotation("mona", "doc-1", "casualty", start, end, {"low": 20, "best": 12})
    with pytest.raises(InvalidValueError, match="no layer"):
        project.create_annotation("mona", "doc-1", "weather", start, end)
    # An empty high means unbounded, so a lower bound alone is fine.
    project.create_annotation("mona", "doc-1", "casualty", start, end, {"low": 13, "quantifier": "lower_bound"})


def test_a_coder_cannot_change_another_coders_rows(project: Project) -> None:
    start, end = span_of(ARTICLE, "قسد")
    ann = project.create_annotation("mona", "doc-1", "actor", start, end)
    with pytest.raises(NotOwnerError):
        project.update_annotation("omar", ann.id, attrs={"role": "target"})
    with pytest.raises(NotOwnerError):
        project.delete_annotation("omar", ann.id)
    theirs = project.create_annotation("omar", "doc-1", "actor", start, end)
    with pytest.raises(NotOwnerError):
        project.create_link("mona", theirs.id, ann.id, "affiliated")
    assert [a.coder for a in project.annotations("doc-1", "omar")] == ["omar"]
    assert [a.id for a in project.annotations("doc-1", "mona")] == [ann.id]


def test_labels_are_per_coder(project: Project) -> None:
    project.set_label("mona", "doc-1", "relevant", True)
    project.set_label("omar", "doc-1", "relevant", False)
    assert project.labels("doc-1", "mona") == {"relevant": True}
    assert project.labels("doc-1", "omar") == {"relevant": False}
    assert project.set_label("mona", "doc-1", "relevant", None) is True
    assert project.labels("doc-1", "mona") == {}
    with pytest.raises(InvalidValueError, match="date"):
        project.set_label("mona", "doc-1", "event_date", "yesterday")


def test_every_change_is_logged_in_the_same_transaction(project: Project) -> None:
    before = project.changes()[-1].seq
    start, end = span_of(ARTICLE, "قسد")
    ann = project.create_annotation("mona", "doc-1", "actor", start, end)
    project.update_annotation("mona", ann.id, attrs={"role": "perpetrator"})
    project.set_label("mona", "doc-1", "relevant", True)
    project.delete_annotation("mona", ann.id)
    log = project.changes(since=before)
    assert [c.action for c in log] == ["create_annotation", "update_annotation", "set_label", "delete_annotation"]
    assert all(c.coder == "mona" and c.document_id == "doc-1" for c in log)
    assert log[1].payload["before"]["attrs"] == {} and log[1].payload["after"]["attrs"] == {"role": "perpetrator"}


def test_a_failed_call_leaves_neither_data_nor_log(project: Project) -> None:
    count = len(project.changes())
    start, end = span_of(ARTICLE, "قسد")
    ann = project.create_annotation("mona", "doc-1", "actor", start, end)
    if project.db.name == "sqlite":
        project.db.execute("CREATE TRIGGER fail BEFORE DELETE ON annotations BEGIN SELECT RAISE(ABORT, 'disk says no'); END")
    else:
        project.db.execute("CREATE FUNCTION fail() RETURNS trigger LANGUAGE plpgsql AS $$ "
                           "BEGIN RAISE EXCEPTION 'disk says no'; END $$")
        project.db.execute("CREATE TRIGGER fail BEFORE DELETE ON annotations FOR EACH ROW EXECUTE FUNCTION fail()")
    with pytest.raises(ProjectError, match="disk says no"):
        project.delete_annotation("mona", ann.id)
    assert project.annotation(ann.id).quote == "قسد"
    assert len(project.changes()) == count + 1


def test_deleting_a_span_removes_its_links_and_returns_them_for_undo(project: Project) -> None:
    actor = project.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"))
    casualty = project.create_annotation("mona", "doc-1", "casualty", *span_of(ARTICLE, "١٢ مدنياً"))
    link = project.create_link("mona", casualty.id, actor.id, "perpetrator")
    deleted, links = project.delete_annotation("mona", actor.id)
    assert links == [link] and project.links("doc-1") == []
    project.create_annotation("mona", "doc-1", deleted.layer, deleted.start, deleted.end, deleted.attrs, id=deleted.id)
    project.create_link("mona", link.from_id, link.to_id, link.kind, id=link.id)
    assert project.links("doc-1") == [link]


def test_links_follow_the_codebook(project: Project) -> None:
    actor = project.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"))
    source = project.create_annotation("mona", "doc-1", "source", *span_of(ARTICLE, "مصادر"))
    claim = project.create_annotation("mona", "doc-1", "claim", *span_of(ARTICLE, "نفت قسد مسؤوليتها"))
    with pytest.raises(InvalidValueError, match="goes from claim"):
        project.create_link("mona", actor.id, source.id, "claimant")
    project.create_link("mona", claim.id, source.id, "claimant")
    with pytest.raises(InvalidValueError, match="only one"):
        project.create_link("mona", claim.id, actor.id, "claimant")
    assert project.set_link_targets("mona", claim.id, "claimant", [actor.id]) == [source.id]
    assert [l.to_id for l in project.links("doc-1", "mona")] == [actor.id]


def test_mark_done_lists_what_is_missing(project: Project) -> None:
    claim = project.create_annotation("mona", "doc-2", "claim", 0, 5, {"claim_type": "operation_announcement"})
    with pytest.raises(NotReadyError) as info:
        project.mark_done("mona", "doc-2")
    text = " | ".join(info.value.problems)
    assert "Relevant" in text and "Stance" in text and "Claimant" in text
    project.set_label("mona", "doc-2", "relevant", True)
    project.update_annotation("mona", claim.id, attrs={"claim_type": "operation_announcement", "stance": "asserted"})
    actor = project.create_annotation("mona", "doc-2", "actor", *span_of(project.document("doc-2").text, "قسد"),
                                      {"name": "SDF", "actor_type": "rebel_group", "role": "perpetrator"})
    project.create_link("mona", claim.id, actor.id, "claimant")
    project.mark_done("mona", "doc-2")
    assert project.assignment("mona", "doc-2").status == "done"


def test_the_first_edit_starts_the_document_and_time_adds_up(project: Project) -> None:
    assert project.assignment("mona", "doc-1").status == "todo"
    project.create_annotation("mona", "doc-1", "actor", *span_of(ARTICLE, "قسد"))
    assert project.assignment("mona", "doc-1").status == "in_progress"
    project.add_time("mona", "doc-1", 12.5)
    project.add_time("mona", "doc-1", 2.5)
    assert project.assignment("mona", "doc-1").seconds_spent == 15.0


def test_duplicates_by_id_or_content_are_skipped(project: Project) -> None:
    inserted, skipped = project.add_documents([
        Document(id="doc-1", title="again", text="different text"),
        Document(id="doc-9", title="copy", text=ARTICLE),
        Document(id="doc-10", title="new", text="نص جديد"),
        Document(id="doc-10", title="new twice", text="نص جديد آخر"),
    ])
    assert (inserted, skipped) == (1, 3)


def test_a_corrupt_file_gets_a_plain_message(tmp_path: Path) -> None:
    bad = tmp_path / "broken.annotator.db"
    bad.write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(ProjectError, match="not a usable annotator project"):
        Project.open(bad)


def test_a_missing_project_is_not_created_when_asked_not_to(tmp_path: Path) -> None:
    with pytest.raises(ProjectError, match="no such project"):
        Project.open(tmp_path / "nope.db", create=False)
