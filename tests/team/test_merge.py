"""Merging coders' copies: disjoint coders, one coder in two copies with a conflicting edit, repeated
merges, every order of three copies, another codebook, a truncated copy, and what a merge must
never do (overwrite another coder, drop a version, take an old or forked copy for new work)."""

from __future__ import annotations

import difflib
import itertools
import json
import shutil
import sqlite3
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.codebook import Codebook
from annotator.store import ConflictError, Project
from annotator.team.codebook_map import CodebookMap, MappingError
from annotator.team.merge import MergeError, open_conflicts, resolve_conflict

from .conftest import ARMY, CASUALTY, Team, code, dump, ids_of, span


def rows(path: Path | str, coder: str) -> dict[str, tuple]:
    """A coder's annotations (id -> layer, start, end, attrs), links and fields, as the project (or copy) holds them."""
    with Project.open(path) as p:
        spans = {a.id: (a.layer, a.start, a.end, a.attrs) for a in p.annotations(coder=coder)}
        links = sorted((l.from_id, l.to_id, l.kind) for d in p.document_ids() for l in p.links(d, coder))
        labels = {d: p.labels(d, coder) for d in p.document_ids() if p.labels(d, coder)}
    return {"spans": spans, "links": links, "labels": labels}


# -- disjoint coders -----------------------------------------------------------------------------------

def test_disjoint_coders_all_arrive_and_each_keeps_only_their_own(team: Team, lead: Path | str) -> None:
    mona, omar, lina = (team.copy(c, f"{c}.db") for c in ("mona", "omar", "lina"))
    omar_actor = ids_of(lead, "omar", "d1")["الجيش"]
    code(mona, lambda p: (p.create_annotation("mona", "d2", "actor", *span("الجيش"), ARMY),
                          p.set_label("mona", "d3", "relevant", False)))
    code(omar, lambda p: (p.update_annotation("omar", omar_actor, attrs={**ARMY, "role": "target"}),
                          p.create_annotation("omar", "d4", "casualty", *span("خمسة مدنيين"), CASUALTY),
                          p.mark_done("omar", "d4", force=True)))
    code(lina, lambda p: p.create_annotation("lina", "d2", "source", *span("وزارة الصحة"), {"source_type": "official"}))

    report = team.merge(mona, omar, lina)

    for coder, copy in (("mona", mona), ("omar", omar), ("lina", lina)):
        assert rows(lead, coder) == rows(copy, coder)
    text = report.text()
    assert "omar (pack" in text and "d4: 1 span added, status done" in text
    assert "d1: 1 span changed" in text and "d3: 1 field set" in text
    assert report.conflicts == 0 and open_conflicts_of(lead) == []


def open_conflicts_of(path: Path | str) -> list:
    with Project.open(path) as p:
        return open_conflicts(p)


# -- the same coder in two copies --------------------------------------------------------------------------

def two_mona_copies(team: Team) -> tuple[Path, Path, str]:
    first, second = team.copy("mona", "mona-laptop.db"), team.copy("mona", "mona-home.db")
    army = ids_of(team.lead, "mona", "d1")["الجيش"]
    code(first, lambda p: (p.update_annotation("mona", army, attrs={**ARMY, "role": "target"}),
                           p.create_annotation("mona", "d2", "actor", *span("الجيش"), ARMY)))
    code(second, lambda p: (p.update_annotation("mona", army, attrs={**ARMY, "role": "other_party"}),
                            p.set_label("mona", "d3", "event_type", ["battles"])))
    return first, second, army


def test_same_coder_in_two_copies_keeps_both_versions_and_the_lead_chooses(team: Team, lead: Path | str) -> None:
    first, second, army = two_mona_copies(team)
    team.merge(first)
    report = team.merge(second)

    assert report.conflicts == 1
    assert "conflict in d1: span edited in two places" in report.text()
    assert "role=other_party" in report.text() and "role=target" in report.text()
    [conflict] = open_conflicts_of(lead)
    assert conflict.key == army and conflict.coder == "mona" and conflict.document_id == "d1"
    roles = [v.content["attrs"]["role"] for v in conflict.versions]
    assert sorted(roles) == ["other_party", "target"]
    # What did not conflict came in from both copies.
    with Project.open(lead) as p:
        assert [a.quote for a in p.annotations("d2", "mona")] == ["الجيش"]
        assert p.labels("d3", "mona") == {"event_type": ["battles"]}
        assert p.annotation(army).attrs["role"] in ("other_party", "target")

    with Project.open(lead) as p:
        take = roles.index("target") + 1
        resolve_conflict(p, conflict.id, take)
        assert p.annotation(army).attrs["role"] == "target"
        assert open_conflicts(p) == []
        last = p.changes()[-1]
        assert last.action == "update_annotation" and last.payload["id"] == army
        set_aside = last.payload["resolved_conflict"]["set_aside"]
        assert [v["content"]["attrs"]["role"] for v in set_aside] == ["other_party"]  # kept in the log
    # The version set aside does not come back when its copy is merged again.
    before = dump(lead)
    assert team.merge(second, first).text().count("merged before, nothing new") == 2
    assert dump(lead) == before
    assert open_conflicts_of(lead) == []


def test_resolving_takes_a_number_that_exists(team: Team, lead: Path | str) -> None:
    first, second, _army = two_mona_copies(team)
    team.merge(first, second)
    [conflict] = open_conflicts_of(lead)
    with Project.open(lead) as p:
        with pytest.raises(MergeError, match="versions 1 to 2, not 3"):
            resolve_conflict(p, conflict.id, 3)
        with pytest.raises(MergeError, match="no open conflict 'nothing'"):
            resolve_conflict(p, "nothing", 1)


def test_a_deletion_against_an_edit_keeps_the_span(team: Team, lead: Path | str) -> None:
    first, second = team.copy("mona", "a.db"), team.copy("mona", "b.db")
    dead = ids_of(lead, "mona", "d1")["خمسة مدنيين"]
    code(first, lambda p: p.delete_annotation("mona", dead))
    code(second, lambda p: p.update_annotation("mona", dead, attrs={**CASUALTY, "best": 6}))
    targets = []
    for order in ((first, second), (second, first)):
        target = team.lead_copy(f"lead-{order[0].stem}")
        targets.append(target)
        for copy in order:
            team.merge(copy, into=target)
        with Project.open(target) as p:
            assert p.annotation(dead).attrs["best"] == 6  # nothing disappears while in doubt
            [conflict] = open_conflicts(p)
            assert sorted(v.content is None for v in conflict.versions) == [False, True]
    assert dump(targets[0]) == dump(targets[1])


def test_an_edit_in_the_project_and_one_in_a_copy_conflict(team: Team, lead: Path | str) -> None:
    copy = team.copy("mona", "mona.db")
    army = ids_of(lead, "mona", "d1")["الجيش"]
    code(copy, lambda p: p.update_annotation("mona", army, attrs={**ARMY, "role": "target"}))
    code(lead, lambda p: p.update_annotation("mona", army, attrs={**ARMY, "role": "mentioned"}))
    report = team.merge(copy)
    assert report.conflicts == 1
    [conflict] = open_conflicts_of(lead)
    assert {v.source for v in conflict.versions} == {"project", conflict.versions[1].source}
    assert sorted(v.content["attrs"]["role"] for v in conflict.versions) == ["mentioned", "target"]


def test_a_copy_used_again_after_a_merge_brings_its_new_work_without_conflict(team: Team, lead: Path | str) -> None:
    copy = team.copy("mona", "mona.db")
    army = ids_of(lead, "mona", "d1")["الجيش"]
    code(copy, lambda p: p.update_annotation("mona", army, attrs={**ARMY, "role": "target"}))
    team.merge(copy)
    code(copy, lambda p: p.update_annotation("mona", army, attrs={**ARMY, "role": "other_party"}))
    report = team.merge(copy)
    assert report.conflicts == 0 and "d1: 1 span changed" in report.text()
    with Project.open(lead) as p:
        assert p.annotation(army).attrs["role"] == "other_party"


def test_an_older_snapshot_of_a_copy_brings_nothing_and_a_forked_one_is_refused(team: Team, lead: Path | str) -> None:
    copy = team.copy("mona", "mona.db")
    army = ids_of(lead, "mona", "d1")["الجيش"]
    code(copy, lambda p: p.update_annotation("mona", army, attrs={**ARMY, "role": "target"}))
    old = team.folder / "mona-old.db"
    shutil.copyfile(copy, old)
    fork = team.folder / "mona-fork.db"
    shutil.copyfile(copy, fork)
    code(copy, lambda p: p.update_annotation("mona", army, attrs={**ARMY, "role": "other_party"}))
    code(fork, lambda p: p.set_label("mona", "d2", "relevant", True))

    team.merge(copy)
    after = dump(lead)
    assert "merged before, nothing new" in team.merge(old).text()
    assert dump(lead) == after
    with pytest.raises(MergeError, match="copied and edited in two places"):
        team.merge(fork)
    assert dump(lead) == after


def test_time_spent_in_a_copy_is_added_once(team: Team, lead: Path | str) -> None:
    copy = team.copy("omar", "omar.db")
    code(lead, lambda p: p.add_time("omar", "d4", 100))
    code(copy, lambda p: p.add_time("omar", "d4", 30))
    team.merge(copy)
    team.merge(copy)
    with Project.open(lead) as p:
        assert p.assignment("omar", "d4").seconds_spent == pytest.approx(130)
    code(copy, lambda p: p.add_time("omar", "d4", 10))
    assert "10 s more time spent" in team.merge(copy).text()
    with Project.open(lead) as p:
        assert p.assignment("omar", "d4").seconds_spent == pytest.approx(140)


def test_links_between_new_spans_arrive(team: Team, lead: Path | str) -> None:
    copy = team.copy("lina", "lina.db")

    def work(p: Project) -> None:
        source = p.create_annotation("lina", "d2", "source", *span("وزارة الصحة"), {"source_type": "official"})
        dead = p.create_annotation("lina", "d2", "casualty", *span("خمسة مدنيين"), CASUALTY)
        p.create_link("lina", dead.id, source.id, "reported_by")

    code(copy, work)
    team.merge(copy)
    assert rows(lead, "lina")["links"] == rows(copy, "lina")["links"] != []


def test_changes_come_in_with_their_origin_and_make_stale_edits_fail(team: Team, lead: Path | str) -> None:
    copy = team.copy("mona", "mona.db")
    army = ids_of(lead, "mona", "d1")["الجيش"]
    with Project.open(lead) as p:
        seen = p.annotation_revisions("d1", "mona")[army]
    code(copy, lambda p: p.update_annotation("mona", army, attrs={**ARMY, "role": "target"}))
    team.merge(copy)
    with Project.open(lead) as p:
        pack_id = p.merge_packs()[0][0]
        brought = p.db.execute("SELECT action, origin, origin_seq FROM changes WHERE origin IS NOT NULL").fetchall()
        assert [(a, o) for a, o, _ in brought] == [("update_annotation", pack_id)]
        with sqlite3.connect(copy) as c:
            assert brought[0][2] == c.execute("SELECT max(seq) FROM changes").fetchone()[0]
        # A window that read the span before the merge cannot overwrite the merged version.
        with pytest.raises(ConflictError):
            p.update_annotation("mona", army, attrs=ARMY, expect=seen)


def test_a_copy_never_changes_another_coders_annotation(team: Team, lead: Path | str) -> None:
    copy = team.copy("mona", "mona.db")
    omar_actor = ids_of(lead, "omar", "d1")["الجيش"]
    code(copy, lambda p: p.create_annotation("mona", "d1", "actor", *span("وزارة الصحة"), ARMY, id=omar_actor))
    before = dump(lead)
    with pytest.raises(MergeError, match=f"annotation {omar_actor} belongs to 'omar'"):
        team.merge(copy)
    assert dump(lead) == before


def test_other_coders_work_in_a_copy_is_left_out_with_a_note(team: Team, lead: Path | str) -> None:
    copy = team.copy("mona", "mona.db")

    def work(p: Project) -> None:
        p.add_coder("zed")
        p.assign(["d1"], "zed")
        p.create_annotation("zed", "d1", "actor", *span("الجيش"), ARMY)

    code(copy, work)
    report = team.merge(copy).text()
    assert "1 annotations of other coders in the copy were left out" in report
    with Project.open(lead) as p:
        assert "zed" not in p.coders()


# -- repeated merges and order ------------------------------------------------------------------------------

def three_copies(team: Team) -> list[Path]:
    """mona twice (a conflict on the army, a deletion, fields) and omar."""
    first, second = team.copy("mona", "mona-1.db"), team.copy("mona", "mona-2.db")
    omar = team.copy("omar", "omar.db")
    mona_ids = ids_of(team.lead, "mona", "d1")
    army, dead = mona_ids["الجيش"], mona_ids["خمسة مدنيين"]
    omar_actor = ids_of(team.lead, "omar", "d1")["الجيش"]

    def laptop(p: Project) -> None:
        p.update_annotation("mona", army, attrs={**ARMY, "role": "target"})
        p.delete_annotation("mona", dead)
        p.set_label("mona", "d1", "relevant", False)
        p.add_time("mona", "d2", 40)

    def home(p: Project) -> None:
        p.update_annotation("mona", army, attrs={**ARMY, "role": "other_party"})
        claim = p.create_annotation("mona", "d2", "claim", *span("اتهمت"), {"claim_type": "allegation",
                                                                             "stance": "asserted"})
        source = p.create_annotation("mona", "d2", "source", *span("وزارة الصحة"), {"source_type": "official"})
        p.create_link("mona", claim.id, source.id, "claimant")
        p.set_label("mona", "d1", "relevant", None)
        p.add_time("mona", "d2", 15)

    def omar_work(p: Project) -> None:
        p.delete_annotation("omar", omar_actor)
        p.create_annotation("omar", "d4", "actor", *span("الجيش"), ARMY)
        p.mark_done("omar", "d4", force=True)

    code(first, laptop)
    code(second, home)
    code(omar, omar_work)
    return [first, second, omar]


def test_merging_twice_changes_nothing(team: Team, lead: Path | str) -> None:
    copies = three_copies(team)
    team.merge(*copies)
    once = dump(lead)
    with Project.open(lead) as p:
        log = len(p.changes())
    report = team.merge(*copies)
    assert report.text().count("merged before, nothing new") == 3
    for copy in copies:
        team.merge(copy)
    assert dump(lead) == once
    with Project.open(lead) as p:
        assert len(p.changes()) == log


def test_every_order_of_three_copies_gives_the_same_project(team: Team) -> None:
    copies = three_copies(team)
    dumps, targets = {}, []
    for n, order in enumerate(itertools.permutations(copies)):
        target = team.lead_copy(f"order-{n}")
        targets.append(target)
        for copy in order:
            team.merge(copy, into=target)
        dumps[tuple(c.stem for c in order)] = dump(target)
    first = next(iter(dumps.values()))
    for order, text in dumps.items():
        assert text == first, f"merging in the order {order} changed the project:\n" + "\n".join(
            difflib.unified_diff(first.splitlines(), text.splitlines(), lineterm="", n=0))
    # And the project is the merged one: both conflicting versions, the deletions, the new spans.
    target = targets[0]
    [conflict] = [c for c in open_conflicts_of(target) if c.kind == "annotation"]
    assert sorted(v.content["attrs"]["role"] for v in conflict.versions) == ["other_party", "target"]
    with Project.open(target) as p:
        assert sorted(a.layer for a in p.annotations("d2", "mona")) == ["claim", "source"]
        assert p.annotations("d1", "omar") == [] and len(p.annotations("d4", "omar")) == 1
        assert p.assignment("omar", "d4").status == "done"
        assert p.assignment("mona", "d2").seconds_spent == pytest.approx(55)
        assert "خمسة مدنيين" not in [a.quote for a in p.annotations("d1", "mona")]
        brought = p.db.execute("SELECT count(*) FROM changes WHERE origin IS NOT NULL").fetchone()[0]
    assert brought == 3 + 5 + 3  # the logged edits of the three copies (time spent is not logged)
    # One command with the copies in any order gives the same project too.
    one_run = set()
    for n, order in enumerate(itertools.permutations(copies)):
        target = team.lead_copy(f"one-run-{n}")
        team.merge(*order, into=target)
        one_run.add(dump(target))
    assert len(one_run) == 1


def test_the_canonical_dump_leaves_out_only_the_merge_runs_own_traces(team: Team, lead: Path | str) -> None:
    copies = three_copies(team)
    team.merge(*copies)
    text = dump(lead)
    assert '"seq"' not in text.split("## changes ")[1].split("\n")[0]
    with Project.open(lead) as p:  # the project's tables, without the engine's own (migrations, counters)
        tables = [name for name, _columns, _order in p.db.tables()]
        rows_in_db = sum(p.db.execute(f'SELECT count(*) FROM "{t}"').fetchone()[0] for t in tables)
    assert {"documents", "annotations", "changes", "merge_versions", "merge_contributions"} <= set(tables)
    assert sorted(line[3:].split(" ")[0] for line in text.splitlines() if line.startswith("## ")) == sorted(tables)
    assert sum(1 for line in text.splitlines() if not line.startswith("## ")) == rows_in_db
    merge_row = [json.loads(line) for line in text.splitlines() if '"action":"merge"' in line]
    assert merge_row and merge_row[0]["at"] is None and merge_row[0]["payload"] is None


# -- refusals ----------------------------------------------------------------------------------------------------

def other_codebook() -> Codebook:
    text = Codebook.default().source
    changed = text.replace("- {id: killed, label: {ar: قتلى, en: Killed}}", "- {id: dead, label: {ar: قتلى, en: Killed}}")
    assert changed != text
    return Codebook.from_yaml(changed.replace("version: 1", "version: 2", 1))


def test_a_copy_from_another_codebook_version_needs_a_mapping(team: Team, lead: Path | str, tmp_path: Path) -> None:
    copy = team.copy("lina", "lina.db")
    code(copy, lambda p: p.create_annotation("lina", "d2", "casualty", *span("خمسة مدنيين"), CASUALTY))
    new_book = other_codebook()
    with Project.open(lead, codebook=new_book):
        pass
    old_sha = Codebook.default().sha256
    before = dump(lead)
    with pytest.raises(MergeError, match=f"codebook 'conflict-news' \\({old_sha[:12]}\\).*--codebook-map"):
        team.merge(copy)
    assert dump(lead) == before

    unmapped = tmp_path / "same.yaml"
    unmapped.write_text(f"from: {old_sha[:12]}\nto: {new_book.sha256}\n", encoding="utf-8")
    with pytest.raises(MergeError, match="outcome"):  # 'killed' is not a value of the new codebook
        team.merge(copy, mapping=CodebookMap.load(unmapped))
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text(f"from: {new_book.sha256[:12]}\nto: {old_sha[:12]}\n", encoding="utf-8")
    with pytest.raises(MergeError, match="maps codebook"):
        team.merge(copy, mapping=CodebookMap.load(wrong))
    assert dump(lead) == before

    mapping = tmp_path / "map.yaml"
    mapping.write_text(f"from: {old_sha}\nto: {new_book.sha256[:16]}\nvalues:\n  casualty:\n    outcome: {{killed: dead}}\n",
                       encoding="utf-8")
    team.merge(copy, mapping=CodebookMap.load(mapping))
    with Project.open(lead) as p:
        [dead] = p.annotations("d2", "lina")
        assert dead.attrs["outcome"] == "dead"


@pytest.mark.parametrize("content, message", [
    ("from: abc\nto: def\n", "at least its first 12"),
    ("- a\n- b\n", "a YAML mapping"),
    ("from: 0123456789ab\nto: 0123456789ab\nlayers: [a]\n", "layers: expected a mapping"),
    ("from: 0123456789ab\nto: 0123456789ab\ncolours: {}\n", "unknown key 'colours'"),
])
def test_a_bad_mapping_file_is_named(tmp_path: Path, content: str, message: str) -> None:
    path = tmp_path / "map.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(MappingError, match=message) as info:
        CodebookMap.load(path)
    assert str(path) in str(info.value)


def test_a_truncated_copy_merges_nothing(team: Team, lead: Path | str) -> None:
    good, cut = team.copy("omar", "omar.db"), team.copy("lina", "lina.db")
    code(good, lambda p: p.create_annotation("omar", "d4", "actor", *span("الجيش"), ARMY))
    code(cut, lambda p: p.create_annotation("lina", "d4", "actor", *span("الجيش"), ARMY))
    data = cut.read_bytes()
    before = dump(lead)
    for size in (len(data) // 2, len(data) - 4096, 100):
        cut.write_bytes(data[:size])
        with pytest.raises(MergeError, match="lina.db: this copy is damaged or incomplete.*Nothing was merged"):
            team.merge(good, cut)
        assert dump(lead) == before
    cut.write_bytes(b"")
    with pytest.raises(MergeError, match="Nothing was merged"):
        team.merge(good, cut)
    assert dump(lead) == before


def test_a_project_file_that_is_not_a_copy_is_refused(team: Team, tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    with Project.open(other, create=True):
        pass
    with pytest.raises(MergeError, match="not a coder's copy"):
        team.merge(other)
    with pytest.raises(MergeError, match="no such file"):
        team.merge(tmp_path / "missing.db")


def test_a_copy_of_another_project_is_refused(team: Team, new_location: Callable[..., Path | str]) -> None:
    copy = team.copy("lina", "lina.db")
    elsewhere = new_location("elsewhere")
    with Project.open(elsewhere, create=True) as p:
        p.add_coder("lina")
    with pytest.raises(MergeError, match="does not come from this project: document 'd2' is not in this project"):
        team.merge(copy, into=elsewhere)


def test_a_damaged_change_inside_a_copy_is_refused(team: Team) -> None:
    copy = team.copy("lina", "lina.db")
    code(copy, lambda p: p.create_annotation("lina", "d2", "actor", *span("الجيش"), ARMY))
    with sqlite3.connect(copy) as c:  # a span whose quote no longer matches the text
        c.execute('UPDATE annotations SET "end" = "end" + 1')
    with pytest.raises(MergeError, match="its quote is not the text"):
        team.merge(copy)
