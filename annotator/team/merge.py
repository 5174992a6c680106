"""Bringing coders' copies back: ``merge(project, [paths])``.

The promises (docs/reliability.md, "Coder copies and merge") and how they are kept:

* **Driven by ids and the change log.** Rows are matched by annotation id (a document field by
  document, coder and field; an assignment by document and coder). A row's *version* is its
  content hashed with its timestamps (:mod:`annotator.store.team`), a deletion's version names the
  logged change that deleted it. The copy's changes since the pack are appended to the project's
  log with their origin (pack id, seq in the copy).
* **Idempotent, order-independent.** For every row the project keeps the versions merges have
  seen (``merge_versions``): a copy adds its current version and marks the versions it replaced
  (the one packed, the one it brought last time) superseded. The versions shown are those no copy
  has superseded, so the result is a set union: the same whatever the order, and the same again
  when a copy is merged twice. A copy older than what was merged from it brings nothing.
* **No coder overwrites another.** A copy brings only its coder's rows; a row of the same id that
  belongs to someone else in the project refuses the copy.
* **Conflicts keep both versions.** When two copies of the same coder (or a copy and the project)
  changed a row differently, both versions stay live; the row shows the latest and the lead picks
  (:func:`resolve_conflict`, ``annotator merge --resolve``). Nothing is dropped: the version set
  aside stays in ``merge_versions`` and in the log. Assignment statuses settle themselves (the
  furthest status wins) and time spent adds up.
* **One transaction.** Every copy is read and checked before anything is written (a damaged or
  truncated file, another codebook without a mapping, text that differs, a span that does not fit
  refuse the whole merge), then all of it is written in one transaction with one ``merge`` change.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import sqlite3
import tempfile
from collections import Counter
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from annotator.codebook import Codebook, CodebookError
from annotator.store import STATUSES, NotFoundError, Project, ProjectError, SpanError, check_span
from annotator.store.team import (PROJECT_ORIGIN, STATUS_RANK, ImportedChange, MergeEntry, RowVersion, canonical,
                                  coder_versions, label_key, semantic, version_of)
from annotator.team.codebook_map import CodebookMap

RowKey = tuple[str, str]  # (kind, key)


class MergeError(ProjectError):
    """A copy that cannot be merged, or a conflict that cannot be resolved, in words for the user."""


@dataclass
class Copy:
    """A coder's copy, read whole before anything is written."""

    path: Path
    pack_id: str
    coder: str
    packed_at: str
    source_project: str | None
    codebook: Codebook
    documents: dict[str, str]  # id -> text hash
    base: dict[RowKey, RowVersion]  # as packed
    final: dict[RowKey, RowVersion]  # as the coder left it
    changes: list[ImportedChange]  # the coder's changes since the pack
    max_seq: int
    left_out: list[str] = field(default_factory=list)


@dataclass
class CopyReport:
    path: Path
    coder: str
    pack_id: str
    already: bool = False  # merged before; nothing new
    changes: int = 0  # log entries brought in
    documents: dict[str, Counter] = field(default_factory=dict)
    conflicts: list[tuple[str, str]] = field(default_factory=list)  # (document, what)
    notes: list[str] = field(default_factory=list)

    def count(self, document_id: str, what: str, n: float = 1) -> None:
        self.documents.setdefault(document_id, Counter())[what] += n

    def lines(self) -> list[str]:
        head = f"{self.path.name}: {self.coder} (pack {self.pack_id[:8]})"
        if self.already:
            return [f"{head}: merged before, nothing new"]
        if not self.changes and not self.documents and not self.conflicts:
            return [f"{head}: nothing changed since it was packed"] + [f"  note: {n}" for n in self.notes]
        out = [f"{head}: {self.changes} change{'' if self.changes == 1 else 's'} brought in"]
        for doc in sorted(self.documents):
            out.append(f"  {doc}: {_describe(self.documents[doc])}")
        out += [f"  conflict in {doc}: {what}" for doc, what in self.conflicts]
        out += [f"  note: {n}" for n in self.notes]
        return out


@dataclass
class MergeReport:
    project: Path
    copies: list[CopyReport]

    @property
    def conflicts(self) -> int:
        return sum(len(c.conflicts) for c in self.copies)

    def text(self) -> str:
        lines = [line for c in self.copies for line in c.lines()]
        changed = sum(1 for c in self.copies if c.changes or c.documents)
        lines.append(f"{self.project}: {changed} of {len(self.copies)} copies brought something in"
                     + (f"; {self.conflicts} new conflicts to resolve (annotator merge --conflicts)"
                        if self.conflicts else ""))
        return "\n".join(lines)

    def payload(self) -> dict[str, Any]:
        """What the ``merge`` change logs."""
        return {"copies": [{"file": c.path.name, "pack_id": c.pack_id, "coder": c.coder, "already": c.already,
                            "changes": c.changes, "documents": {d: dict(n) for d, n in sorted(c.documents.items())},
                            "conflicts": [list(x) for x in c.conflicts], "notes": c.notes} for c in self.copies]}


_WORDS = {"span added": "spans added", "span changed": "spans changed", "span deleted": "spans deleted",
          "field set": "fields set", "field cleared": "fields cleared"}


def _describe(counts: Counter) -> str:
    parts = []
    for what, n in sorted(counts.items()):
        if what == "seconds":
            parts.append(f"{_duration(n)} more time spent")
        elif what.startswith("status "):
            parts.append(what)
        else:
            parts.append(f"{int(n)} {what if n == 1 else _WORDS.get(what, what)}")
    return ", ".join(parts)


def _duration(seconds: float) -> str:
    if seconds < 60:
        return f"{seconds:.0f} s"
    minutes = int(seconds // 60)
    return f"{minutes} min" if minutes < 60 else f"{minutes // 60} h {minutes % 60:02d} min"


# -- reading a copy ----------------------------------------------------------------------------------

def read_copy(path: Path) -> Copy:
    """Read a coder's copy (it is not changed: a snapshot of it, with its WAL, is read)."""
    path = Path(path)
    if not path.is_file():
        raise MergeError(f"{path}: no such file")
    if path.stat().st_size == 0:
        raise MergeError(_damaged(path, "the file is empty (0 bytes)"))
    with tempfile.TemporaryDirectory(prefix="annotator-merge-") as folder:
        snapshot = Path(folder) / "copy.db"
        try:
            shutil.copyfile(path, snapshot)
            wal = path.with_name(path.name + "-wal")
            if wal.exists():
                shutil.copyfile(wal, snapshot.with_name("copy.db-wal"))
        except OSError as exc:
            raise MergeError(f"{path}: cannot read the copy: {exc.strerror or exc}") from None
        conn = sqlite3.connect(str(snapshot))
        try:
            return _read(conn, path)
        except sqlite3.DatabaseError as exc:
            raise MergeError(_damaged(path, str(exc))) from None
        except (KeyError, TypeError, ValueError) as exc:  # JSON or settings that a pack never writes
            raise MergeError(_damaged(path, f"unexpected content ({exc})")) from None
        finally:
            conn.close()


def _damaged(path: Path, why: str) -> str:
    return (f"{path}: this copy is damaged or incomplete (a file cut short in transfer?): {why}. "
            "Nothing was merged; ask the coder to send the file again.")


def _read(conn: sqlite3.Connection, path: Path) -> Copy:
    problems = [r[0] for r in conn.execute("PRAGMA quick_check")]
    if problems != ["ok"]:
        raise MergeError(_damaged(path, "; ".join(problems[:3])))
    tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    settings = dict(conn.execute("SELECT key, value FROM project").fetchall()) if "project" in tables else {}
    if "pack_base" not in tables or "pack_id" not in settings:
        raise MergeError(f"{path}: not a coder's copy (copies are made with `annotator pack`); nothing was merged")
    pack_id, coder, pack_seq = settings["pack_id"], settings["pack_coder"], int(settings["pack_seq"])
    row = conn.execute("SELECT yaml FROM codebooks WHERE sha256 = ?", [settings["codebook_sha256"]]).fetchone()
    try:
        codebook = Codebook.from_yaml(row[0], origin=f"{path} (its codebook)")
    except CodebookError as exc:
        raise MergeError(str(exc)) from None
    ids = dict(conn.execute("SELECT name, id FROM coders").fetchall())
    coder_id = ids[coder]
    documents = dict(conn.execute("SELECT id, sha256 FROM documents").fetchall())
    base = {}
    for kind, key, version, content in conn.execute("SELECT kind, key, version, content FROM pack_base"):
        data = json.loads(content)
        base[kind, key] = RowVersion(kind, key, version, data, data["document_id"])
    final = coder_versions(conn, coder_id, coder, set(documents), origin=pack_id)
    changes, left_out = [], Counter()
    for seq, at, who, doc, action, payload in conn.execute(
            "SELECT seq, at, coder_id, document_id, action, payload FROM changes WHERE seq > ? ORDER BY seq", [pack_seq]):
        if who == coder_id:
            changes.append(ImportedChange(seq, at, doc, action, payload))
        else:
            left_out[action] += 1
    max_seq = conn.execute("SELECT coalesce(max(seq), 0) FROM changes").fetchone()[0]
    notes = [f"{n} {action} changes not by {coder} were left out (a copy brings back only its coder's work)"
             for action, n in sorted(left_out.items())]
    others = conn.execute("SELECT count(*) FROM annotations WHERE coder_id != ?", [coder_id]).fetchone()[0]
    if others:
        notes.append(f"{others} annotations of other coders in the copy were left out")
    return Copy(path, pack_id, coder, settings.get("pack_packed_at", ""), settings.get("pack_source_project"),
                codebook, documents, base, final, changes, max_seq, notes)


# -- checking it ----------------------------------------------------------------------------------

def _translate(copy: Copy, mapping: CodebookMap) -> None:
    """Read the copy's rows in the project's codebook: content and keys renamed, versions of
    changed content recomputed (the versions as packed stay: the project's rows were not renamed)."""

    def row(v: RowVersion, keep_version: bool) -> RowVersion:
        if v.kind == "assignment":
            return v
        key = v.key
        if v.kind == "label":
            doc, coder, field_id = json.loads(v.key)
            key = label_key(doc, coder, mapping.field(field_id))
        if v.content is None:
            return replace(v, key=key)
        content = mapping.annotation(v.content) if v.kind == "annotation" else mapping.label(v.content)
        version = v.version if keep_version or content == v.content else version_of(v.kind, content)
        return RowVersion(v.kind, key, version, content, v.document_id)

    copy.base = {(v.kind, v.key): v for v in (row(b, True) for b in copy.base.values())}
    copy.final = {(v.kind, v.key): v for v in (row(f, False) for f in copy.final.values())}


def _check(project: Project, copy: Copy) -> None:
    """Refuse a copy whose documents or changed rows do not fit the project (every problem listed)."""
    hashes = project.document_hashes()
    problems = [f"document {doc!r} is not in this project" if doc not in hashes else
                f"document {doc!r} has a different text in this project"
                for doc, digest in copy.documents.items() if hashes.get(doc) != digest]
    if problems:
        raise MergeError(f"{copy.path}: does not come from this project: {'; '.join(problems[:3])}. Nothing was merged.")
    book = project.codebook
    kinds = {k.id: k for k in book.links}
    texts: dict[str, str] = {}
    for (kind, key), v in sorted(copy.final.items()):
        base = copy.base.get((kind, key))
        if v.content is None or (base is not None and base.version == v.version):
            continue
        c = v.content
        if kind == "annotation":
            where = f"annotation {key} in {v.document_id}"
            if not book.has_layer(c["layer"]):
                problems.append(f"{where}: the codebook has no layer {c['layer']!r}")
                continue
            problems += [f"{where}: {p}" for p in book.attr_problems(c["layer"], c["attrs"])]
            text = texts.setdefault(v.document_id, project.document(v.document_id).text)
            try:
                if check_span(text, c["start"], c["end"]) != c["quote"]:
                    problems.append(f"{where}: its quote is not the text at {c['start']}..{c['end']}")
            except SpanError as exc:
                problems.append(f"{where}: {exc}")
            for link in c["links"]:
                target = copy.final.get(("annotation", link["to_id"]))
                spec = kinds.get(link["kind"])
                if spec is None:
                    problems.append(f"{where}: the codebook has no link kind {link['kind']!r}")
                elif target is not None and target.content is not None and (
                        c["layer"] != spec.from_layer or target.content["layer"] not in spec.to_layers):
                    problems.append(f"{where}: a {spec.id} link cannot join {c['layer']} to {target.content['layer']}")
        elif kind == "label":
            try:
                why = book.document_field(c["field"]).check(c["value"])
            except KeyError:
                why = "the codebook has no such document field"
            if why is not None:
                problems.append(f"document field {c['field']!r} of {v.document_id}: {why}")
        elif c["status"] not in STATUSES:
            problems.append(f"assignment of {v.document_id}: unknown status {c['status']!r}")
    if problems:
        shown = "\n  ".join(problems[:10]) + (f"\n  ... and {len(problems) - 10} more" if len(problems) > 10 else "")
        raise MergeError(f"{copy.path}: rows that do not fit the project's codebook or texts; nothing was merged:\n  {shown}")


def _codebook_problem(copy: Copy, project: Project) -> str:
    mine, theirs = copy.codebook, project.codebook
    return (f"{copy.path}: coded under codebook {mine.name!r} ({mine.sha256[:12]}), but the project uses "
            f"{theirs.name!r} ({theirs.sha256[:12]}); nothing was merged. If the coding carries over, give "
            f"--codebook-map FILE with 'from: {mine.sha256[:12]}' and 'to: {theirs.sha256[:12]}' and the ids "
            "that were renamed (docs/reliability.md)")


# -- merging -----------------------------------------------------------------------------------------

def merge(project: Project, paths: list[Path], *, mapping: CodebookMap | None = None) -> MergeReport:
    """Merge coders' copies into the project: all of them in one transaction, or none."""
    copies = [read_copy(Path(p)) for p in paths]
    for copy in copies:
        if copy.codebook.sha256 != project.codebook.sha256:
            if mapping is None:
                raise MergeError(_codebook_problem(copy, project))
            if not mapping.fits(copy.codebook.sha256, project.codebook.sha256):
                raise MergeError(f"{mapping.origin}: maps codebook {mapping.source[:12]} to {mapping.target[:12]}, but "
                                 f"{copy.path} is under {copy.codebook.sha256[:12]} and the project under "
                                 f"{project.codebook.sha256[:12]}; nothing was merged")
            _translate(copy, mapping)
        _check(project, copy)
    reports = []
    with project.transaction():
        # The order of the copies does not change the result; a fixed one makes the report stable.
        for copy in sorted(copies, key=lambda c: (c.pack_id, c.max_seq)):
            reports.append(_merge_copy(project, copy))
        report = MergeReport(project.path, reports)
        if any(not r.already for r in reports):
            project._log(None, None, "merge", report.payload())
    return report


def _merge_copy(project: Project, copy: Copy) -> CopyReport:
    report = CopyReport(copy.path, copy.coder, copy.pack_id, notes=list(copy.left_out))
    try:
        coder_id = project._coder_id(copy.coder)
    except ProjectError:
        raise MergeError(f"{copy.path}: its coder {copy.coder!r} is not in this project; nothing was merged") from None
    merged = project.merged_seq(copy.pack_id)
    imported = project.imported_changes(copy.pack_id)
    _check_not_forked(copy, merged, imported)
    if merged is not None and copy.max_seq < merged:
        report.already = True  # an older file of a copy merged since: everything in it came in then
        return report

    foreign = {i: owner for i, owner in project.annotation_owners(
        key for kind, key in set(copy.final) | set(copy.base) if kind == "annotation").items() if owner != copy.coder}
    if foreign:
        first = sorted(foreign)[0]
        raise MergeError(f"{copy.path}: annotation {first} belongs to {foreign[first]!r} in this project, so "
                         f"{copy.coder!r}'s copy may not change it; nothing was merged")

    lead = project.coder_versions(coder_id, copy.coder, set(copy.documents))
    present = {key for (kind, key), v in lead.items() if kind == "annotation" and not v.deleted}
    contributed = project.contributions(copy.pack_id)
    todo: dict[RowKey, tuple[RowVersion, set[str]]] = {}
    for row_key in sorted(set(copy.base) | set(copy.final)):
        base, final, prev = copy.base.get(row_key), copy.final.get(row_key), contributed.get(row_key)
        if final is None or (base is not None and final.version == base.version) or (
                prev is not None and prev[0] == final.version) or (base is None and prev is None and final.deleted):
            continue  # unchanged in the copy, brought before, or never seen outside it
        todo[row_key] = (final, {v for v in (base and base.version, prev and prev[0]) if v} - {final.version})
    entries_of = project.merge_entries(todo)
    outcome: dict[RowKey, tuple[RowVersion | None, dict[str, Any] | None]] = {}
    for row_key, (final, replaced) in todo.items():
        kind, key = row_key
        entries = dict(entries_of.get(row_key, {}))
        current = lead.get(row_key)
        if not entries:
            if current is not None:
                entries[current.version] = _entry(current, True, PROJECT_ORIGIN, coder_id)
        elif not _shows(kind, _pick(kind, [e for e in entries.values() if e.live]), current, present):
            # Changed in the project since the last merge: that edit replaced what was shown.
            entries = {v: replace(e, live=False) for v, e in entries.items()}
            if current is not None:
                entries[current.version] = _entry(current, True, PROJECT_ORIGIN, coder_id)
        for version in replaced:
            base = copy.base.get(row_key)
            entries[version] = (replace(entries[version], live=False) if version in entries else
                                _entry(base, False, None, coder_id) if base and base.version == version else
                                MergeEntry(version, False, None, None, final.document_id, coder_id))
        old = entries.get(final.version)
        entries[final.version] = replace(_entry(final, True, copy.pack_id, coder_id), live=old.live if old else True)
        project.write_entries(kind, key, entries)
        project.write_contribution(copy.pack_id, kind, key, final.version,
                                   _seconds(copy, row_key, contributed) if kind == "assignment" else 0.0)
        live = [e for e in entries.values() if e.live]
        if kind != "assignment" and len({canonical(semantic(kind, e.content)) for e in live}) > 1:
            report.conflicts.append((final.document_id, _conflict_words(kind, live)))
        outcome[row_key] = (current, _pick(kind, live).content if live else _content(current))

    _write_rows(project, coder_id, outcome, report)
    _add_time(project, copy, coder_id, contributed, todo, report)
    new = [c for c in copy.changes if c.origin_seq not in imported]
    project.import_changes(copy.pack_id, coder_id, new)
    report.changes = len(new)
    project.record_merged(copy.pack_id, coder_id, copy.packed_at, copy.source_project,
                          max(copy.max_seq, merged or 0))
    # Time spent is not logged, so a copy with no new change may still bring time.
    report.already = merged is not None and not (new or todo or report.documents)
    return report


def _check_not_forked(copy: Copy, merged: int | None, imported: dict[int, ImportedChange]) -> None:
    """A copy merged before must still hold what was taken from it: otherwise the file was copied
    and the two went different ways, and merging this one could undo the other's work."""
    mine = {c.origin_seq: c for c in copy.changes}
    for seq, old in imported.items():
        if seq <= copy.max_seq and mine.get(seq) != old:
            raise MergeError(f"{copy.path}: this copy of {copy.coder}'s pack {copy.pack_id[:8]} is not the one merged "
                             "before (the file was copied and edited in two places); nothing was merged. Ask the "
                             f"coder which file is current, or pack a new copy for {copy.coder}")
    if merged is not None and any(c.origin_seq <= merged and c.origin_seq not in imported for c in copy.changes):
        raise MergeError(f"{copy.path}: holds changes the earlier merge of pack {copy.pack_id[:8]} did not see "
                         "(the file was copied and edited in two places); nothing was merged")


def _entry(row: RowVersion, live: bool, source: str | None, coder_id: int) -> MergeEntry:
    # Time spent is summed, not versioned: kept out of the version's content.
    content = _comparable(row.kind, row.content, set()) if row.kind == "assignment" else row.content
    return MergeEntry(row.version, live, content, source, row.document_id, coder_id)


def _content(row: RowVersion | None) -> dict[str, Any] | None:
    return row.content if row is not None else None


def _stamp(kind: str, content: dict[str, Any]) -> str:
    if kind == "annotation":
        return max([content["updated_at"]] + [l["created_at"] for l in content["links"]])
    return content.get("updated_at") or ""


def _pick(kind: str, live: list[MergeEntry]) -> MergeEntry | None:
    """The version a row shows while versions are live: for annotations and fields, a version that
    exists before a deletion (nothing disappears while in doubt), then the latest; for an
    assignment, the furthest status. Ties go to the version id, so the choice never depends on order."""
    if not live:
        return None
    if kind == "assignment":
        return max(live, key=lambda e: (STATUS_RANK.get(e.content["status"], -1) if e.content else -1,
                                        (e.content or {}).get("finished_at") or "", e.version))
    return max(live, key=lambda e: (e.content is not None, _stamp(kind, e.content) if e.content else "", e.version))


def _comparable(kind: str, content: dict[str, Any] | None, present: set[str]) -> Any:
    """A row as written: an annotation's links to spans that are gone are not there."""
    if content is None:
        return None
    if kind == "annotation":
        return {**content, "links": [l for l in content["links"] if l["to_id"] in present]}
    if kind == "assignment":
        return {k: v for k, v in content.items() if k != "seconds_spent"}
    return content


def _shows(kind: str, shown: MergeEntry | None, current: RowVersion | None, present: set[str]) -> bool:
    """Whether the project's row is what the merges left there (else it was edited since)."""
    if shown is None:
        return True
    now = None if current is None else current.content
    return _comparable(kind, shown.content, present) == _comparable(kind, now, present)


def _conflict_words(kind: str, live: list[MergeEntry]) -> str:
    versions = "; ".join(_summary(kind, e.content) for e in sorted(live, key=lambda e: e.version))
    return f"{'span' if kind == 'annotation' else 'field'} edited in two places: {versions}"


def _summary(kind: str, content: dict[str, Any] | None) -> str:
    if content is None:
        return "deleted"
    if kind == "annotation":
        quote = content["quote"] if len(content["quote"]) <= 30 else content["quote"][:30] + "…"
        attrs = ", ".join(f"{k}={v}" for k, v in sorted(content["attrs"].items()))
        links = ", ".join(f"{l['kind']}→{l['to_id'][:8]}" for l in content["links"])
        return f"{content['layer']} «{quote}» {content['start']}..{content['end']}" + (
            f" [{attrs}]" if attrs else "") + (f" links {links}" if links else "")
    if kind == "label":
        return f"{content['field']} = {json.dumps(content['value'], ensure_ascii=False)}"
    return content["status"]


def _write_rows(project: Project, coder_id: int, outcome: dict, report: CopyReport) -> None:
    """Write what each row now shows: annotations first, then their links (a link's target may be
    an annotation this merge brings), document fields, assignment statuses."""
    written = []
    for (kind, key), (current, content) in sorted(outcome.items()):
        before = _content(current)
        if kind == "annotation":
            if content == before:
                continue
            project.put_annotation(coder_id, key, content)
            doc = (content or before or {}).get("document_id")
            if content is not None:
                written.append((key, content))
            if doc is not None and (before is None) != (content is None):
                report.count(doc, "span added" if content is not None else "span deleted")
            elif doc is not None and semantic(kind, before) != semantic(kind, content):
                report.count(doc, "span changed")
        elif kind == "label":
            if content == before:
                continue
            doc, _coder, field_id = json.loads(key)
            project.put_label(coder_id, content, doc, field_id)
            if semantic(kind, before) != semantic(kind, content):
                report.count(doc, "field cleared" if content is None else "field set")
        elif content is not None and _comparable(kind, content, set()) != _comparable(kind, before, set()):
            project.put_assignment(coder_id, content, 0.0)
            if before is None or before["status"] != content["status"]:
                report.count(content["document_id"], f"status {content['status']}")
    for key, content in written:
        project.put_links(coder_id, key, content["links"], content["document_id"])


def _seconds(copy: Copy, row_key: RowKey, contributed: dict[RowKey, tuple[str, float]]) -> float:
    """Time spent counted from this copy so far (the packed time is the project's own)."""
    final, base, prev = copy.final.get(row_key), copy.base.get(row_key), contributed.get(row_key)
    seen = [(final.content or {}).get("seconds_spent", 0.0) if final else 0.0,
            (base.content or {}).get("seconds_spent", 0.0) if base else 0.0, prev[1] if prev else 0.0]
    return max(seen)


def _add_time(project: Project, copy: Copy, coder_id: int, contributed: dict, todo: dict, report: CopyReport) -> None:
    """Time spent in the copy since the pack (or the last merge of it) is added to the project's."""
    for row_key, final in sorted(copy.final.items()):
        if row_key[0] != "assignment" or final.content is None:
            continue
        base, prev = copy.base.get(row_key), contributed.get(row_key)
        counted = max((base.content or {}).get("seconds_spent", 0.0) if base else 0.0, prev[1] if prev else 0.0)
        extra = final.content["seconds_spent"] - counted
        if extra <= 0:
            continue
        project.add_merged_time(coder_id, final.document_id, extra)
        if row_key not in todo:
            version = prev[0] if prev else (base.version if base else final.version)
            project.write_contribution(copy.pack_id, row_key[0], row_key[1], version, final.content["seconds_spent"])
        report.count(final.document_id, "seconds", extra)


# -- conflicts -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Conflict:
    """A row with two or more live versions that disagree; ``versions`` in a fixed order (numbered from 1)."""

    id: str  # short and stable: names the conflict in ``annotator merge --resolve``
    kind: str
    key: str
    document_id: str
    coder: str
    versions: tuple[MergeEntry, ...]

    def describe(self, origins: dict[str, str]) -> list[str]:
        what = "span" if self.kind == "annotation" else "document field"
        lines = [f"{self.id}  {self.coder} · {self.document_id} · {what} {self._name()}"]
        for n, e in enumerate(self.versions, start=1):
            source = "the project" if e.source == PROJECT_ORIGIN else origins.get(e.source or "", "a copy")
            lines.append(f"  {n}. {_summary(self.kind, e.content)}  (from {source})")
        return lines

    def _name(self) -> str:
        return self.key if self.kind == "annotation" else json.loads(self.key)[2]


def open_conflicts(project: Project) -> list[Conflict]:
    """Every row whose live versions disagree, in a fixed order."""
    out = []
    for kind, key, live in project.live_conflicts():
        if kind == "assignment" or len({canonical(semantic(kind, e.content)) for e in live}) < 2:
            continue
        conflict_id = hashlib.sha256(f"{kind}\x1f{key}".encode()).hexdigest()[:8]
        versions = tuple(sorted(live, key=lambda e: (e.source != PROJECT_ORIGIN, e.source or "", e.version)))
        out.append(Conflict(conflict_id, kind, key, live[0].document_id, project.coder_name(live[0].coder_id), versions))
    return sorted(out, key=lambda c: (c.document_id, c.coder, c.kind, c.key))


def copy_names(project: Project) -> dict[str, str]:
    """Pack id -> how to name the copy to the lead (its file name when it was packed here)."""
    names = {pack_id: f"{coder}'s copy {pack_id[:8]}" for pack_id, coder, _at, _seq in project.merge_packs()}
    names.update({pack_id: f"{file} ({coder})" for pack_id, coder, file, _at in project.pack_log()})
    return names


def resolve_conflict(project: Project, conflict_id: str, take: int) -> Conflict:
    """Keep version ``take`` (numbered from 1 as :func:`open_conflicts` lists them) of a conflict.

    The other versions are set aside, not dropped: they stay in ``merge_versions`` and the change
    logged (an ordinary ``update_annotation``, ``create_annotation``, ``delete_annotation`` or
    ``set_label``) names them, with their content, under ``resolved_conflict``.
    """
    found = [c for c in open_conflicts(project) if c.id == conflict_id]
    if not found:
        raise MergeError(f"no open conflict {conflict_id!r} (annotator merge --conflicts lists them)")
    conflict = found[0]
    if not 1 <= take <= len(conflict.versions):
        raise MergeError(f"conflict {conflict_id} has versions 1 to {len(conflict.versions)}, not {take}")
    chosen = conflict.versions[take - 1]
    coder_id = chosen.coder_id
    with project.transaction():
        entries = project.merge_entries([(conflict.kind, conflict.key)])[conflict.kind, conflict.key]
        set_aside = [e for e in conflict.versions if e.version != chosen.version]
        project.write_entries(conflict.kind, conflict.key,
                              {e.version: replace(e, live=e.version == chosen.version) for e in entries.values()})
        resolved = {"conflict": conflict_id, "kept": chosen.version,
                    "set_aside": [{"version": e.version, "content": e.content, "source": e.source} for e in set_aside]}
        if conflict.kind == "annotation":
            _resolve_annotation(project, coder_id, conflict, chosen, resolved)
        else:
            doc, _coder, field_id = json.loads(conflict.key)
            before = project.labels(doc, conflict.coder).get(field_id)
            project.put_label(coder_id, chosen.content, doc, field_id)
            project._log(coder_id, doc, "set_label", {"field": field_id, "value": (chosen.content or {}).get("value"),
                                                      "previous": before, "resolved_conflict": resolved})
    return conflict


def _resolve_annotation(project: Project, coder_id: int, conflict: Conflict, chosen: MergeEntry,
                        resolved: dict[str, Any]) -> None:
    try:
        before = project.annotation(conflict.key)
    except NotFoundError:
        before = None
    project.put_annotation(coder_id, conflict.key, chosen.content)
    content = chosen.content
    if content is not None:
        project.put_links(coder_id, conflict.key, content["links"], content["document_id"])
    payload_of = lambda c: {"start": c["start"], "end": c["end"], "quote": c["quote"], "attrs": c["attrs"]}  # noqa: E731
    if content is None:
        action, payload = "delete_annotation", {"id": conflict.key, "links": [], "resolved_conflict": resolved}
    elif before is None:
        action, payload = "create_annotation", {"id": conflict.key, "layer": content["layer"], **payload_of(content),
                                                "resolved_conflict": resolved}
    else:
        action = "update_annotation"
        payload = {"id": conflict.key, "before": {"layer": before.layer, "start": before.start, "end": before.end,
                                                  "quote": before.quote, "attrs": before.attrs},
                   "after": payload_of(content), "resolved_conflict": resolved}
    project._log(coder_id, conflict.document_id, action, payload)
