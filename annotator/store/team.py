"""Team work in the project file: assignment, progress, coder copies and merging them back.

The rules live in :mod:`annotator.team`; this module holds what reads and writes the tables, as
:class:`TeamStore` (a mixin of :class:`annotator.store.Project`) and, for files opened without a
:class:`Project` (a coder's copy read for a merge), functions on a plain SQLite connection.

**Row versions.** A merge compares a coder's rows by *version*: a row's content (an annotation
with its outgoing links, a document field, an assignment's status) hashed with its timestamps, so
every edit makes a version no other edit makes. A deleted row's version names the change that
deleted it (``deleted:ORIGIN:SEQ``: the copy's pack id or ``project``, and the seq in that file).
Keys: an annotation's id; ``["doc", "coder", "field"]`` for a document field;
``["doc", "coder"]`` for an assignment (JSON text).
"""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from typing import Any

import annotator.store as _store  # the package: helpers and errors, resolved at call time

KINDS = ("annotation", "label", "assignment")
PROJECT_ORIGIN = "project"  # the origin of a change made in this file (not brought in by a merge)
# The order in which a conflict between assignment statuses is settled (no lead needed).
STATUS_RANK = {"todo": 0, "in_progress": 1, "skipped": 2, "done": 3}


def canonical(value: Any) -> str:
    """JSON with sorted keys and no spaces: equal values give equal text (hashes, the dump)."""
    return json.dumps(value, ensure_ascii=False, sort_keys=True, separators=(",", ":"))


@dataclass(frozen=True)
class RowVersion:
    """One version of a coder's row: ``content`` is None for a deleted row (or a cleared field)."""

    kind: str
    key: str
    version: str
    content: dict[str, Any] | None
    document_id: str

    @property
    def deleted(self) -> bool:
        return self.content is None


def version_of(kind: str, content: dict[str, Any]) -> str:
    """The version id of a row's content. An assignment's time spent is left out: it is summed, not versioned."""
    hashed = {k: v for k, v in content.items() if k != "seconds_spent"} if kind == "assignment" else content
    return "v:" + hashlib.sha256(canonical(hashed).encode("utf-8")).hexdigest()[:40]


def deletion_version(origin: str | None, seq: int) -> str:
    return f"deleted:{origin or PROJECT_ORIGIN}:{seq}"


def semantic(kind: str, content: dict[str, Any] | None) -> Any:
    """What a coder decided, without times and link ids: two versions that differ only there agree."""
    if content is None:
        return None
    if kind == "annotation":
        return {"layer": content["layer"], "start": content["start"], "end": content["end"],
                "attrs": content["attrs"], "links": sorted([l["kind"], l["to_id"]] for l in content["links"])}
    if kind == "label":
        return content["value"]
    return content["status"]


def label_key(document_id: str, coder: str, field: str) -> str:
    return canonical([document_id, coder, field])


def assignment_key(document_id: str, coder: str) -> str:
    return canonical([document_id, coder])


def coder_versions(conn: Any, coder_id: int, coder: str, document_ids: set[str], *,
                   origin: str | None = None) -> dict[tuple[str, str], RowVersion]:
    """Every row of one coder on some documents, as versions, with a deletion version for each
    annotation or field that the file's change log shows deleted (and that is not there now).

    ``conn``: a copy's SQLite connection, or a project's engine (:meth:`TeamStore.coder_versions`).
    ``origin``: the origin of changes made in this file (a copy's pack id; None in the project).
    """
    out: dict[tuple[str, str], RowVersion] = {}
    links: dict[str, list[dict[str, Any]]] = {}
    for link_id, from_id, to_id, kind, created in conn.execute(
            "SELECT id, from_id, to_id, kind, created_at FROM links WHERE coder_id = ?", [coder_id]):
        links.setdefault(from_id, []).append({"id": link_id, "kind": kind, "to_id": to_id, "created_at": created})
    for row in conn.execute('SELECT id, document_id, layer, start, "end", quote, attrs, created_at, updated_at '
                            "FROM annotations WHERE coder_id = ?", [coder_id]):
        if row[1] not in document_ids:
            continue
        content = {"document_id": row[1], "layer": row[2], "start": row[3], "end": row[4], "quote": row[5],
                   "attrs": json.loads(row[6]), "created_at": row[7], "updated_at": row[8],
                   "links": sorted(links.get(row[0], []), key=lambda l: (l["kind"], l["to_id"], l["id"]))}
        out["annotation", row[0]] = RowVersion("annotation", row[0], version_of("annotation", content), content, row[1])
    for document_id, field, value, updated in conn.execute(
            "SELECT document_id, field, value, updated_at FROM document_labels WHERE coder_id = ?", [coder_id]):
        if document_id in document_ids:
            content = {"document_id": document_id, "field": field, "value": json.loads(value), "updated_at": updated}
            key = label_key(document_id, coder, field)
            out["label", key] = RowVersion("label", key, version_of("label", content), content, document_id)
    for document_id, status, seconds, started, finished in conn.execute(
            "SELECT document_id, status, seconds_spent, started_at, finished_at FROM assignments WHERE coder_id = ?",
            [coder_id]):
        if document_id in document_ids:
            content = {"document_id": document_id, "status": status, "started_at": started,
                       "finished_at": finished, "seconds_spent": seconds}
            key = assignment_key(document_id, coder)
            out["assignment", key] = RowVersion("assignment", key, version_of("assignment", content), content,
                                                document_id)
    # Deletions, newest last: the latest deletion of a row that is not there now is its version.
    for seq, row_origin, origin_seq, document_id, action, payload in conn.execute(
            "SELECT seq, origin, origin_seq, document_id, action, payload FROM changes WHERE coder_id = ? "
            "AND action IN ('delete_annotation', 'set_label') ORDER BY seq", [coder_id]):
        if document_id not in document_ids:
            continue
        data = json.loads(payload)
        if action == "delete_annotation":
            kind, key = "annotation", data.get("id")
        elif data.get("value") is None:
            kind, key = "label", label_key(document_id, coder, data.get("field"))
        else:
            continue
        if key is None or (kind, key) in out and not out[kind, key].deleted:
            continue
        version = deletion_version(row_origin, origin_seq) if row_origin else deletion_version(origin, seq)
        out[kind, key] = RowVersion(kind, key, version, None, document_id)
    return out


@dataclass(frozen=True)
class CoderProgress:
    """One coder's work: documents per status, time spent, annotations, last logged change."""

    coder: str
    role: str
    todo: int
    in_progress: int
    done: int
    skipped: int
    seconds: float
    annotations: int
    last_change: str | None

    @property
    def assigned(self) -> int:
        return self.todo + self.in_progress + self.done + self.skipped


@dataclass(frozen=True)
class AssignmentRow:
    document_id: str
    coder: str
    status: str
    started: bool  # the coder touched it: any status but todo, time spent, rows, or it went out in a copy


@dataclass(frozen=True)
class MergeEntry:
    """A version of a row as the merge tables hold it."""

    version: str
    live: bool
    content: dict[str, Any] | None
    source: str | None
    document_id: str
    coder_id: int


@dataclass(frozen=True)
class ImportedChange:
    """A change from a copy's log, as the project's log keeps it (``origin_seq``: its seq there)."""

    origin_seq: int
    at: str
    document_id: str | None
    action: str
    payload: str  # the JSON text as logged


class TeamStore:
    """The team part of :class:`annotator.store.Project` (a mixin using its connection,
    transactions and change log)."""

    # -- identity --------------------------------------------------------------------------------

    def project_id(self) -> str:
        """A random id given to the project the first time one is asked for (copies name it)."""
        value = self.setting("project_id")
        if value is None:
            value = str(uuid.uuid4())
            self.set_setting("project_id", value)
        return value

    def coder_versions(self, coder_id: int, coder: str, document_ids: set[str]) -> dict[tuple[str, str], RowVersion]:
        """:func:`coder_versions` of this project."""
        return coder_versions(self.db, coder_id, coder, document_ids)

    # -- assignment ------------------------------------------------------------------------------

    def assignment_rows(self) -> list[AssignmentRow]:
        """Every assignment, in project order, with whether the coder has started it."""
        touched = {(d, c) for d, c in self.db.execute(
            "SELECT DISTINCT document_id, coder_id FROM annotations UNION "
            "SELECT DISTINCT document_id, coder_id FROM document_labels UNION "
            f"SELECT DISTINCT j.value, c.coder_id FROM changes c, {self.db.json_items('c.payload', 'document_ids', 'j')} "
            "WHERE c.action = 'pack'")}
        rows = self.db.execute(
            "SELECT a.document_id, k.id, k.name, a.status, a.seconds_spent FROM assignments a "
            "JOIN coders k ON k.id = a.coder_id JOIN documents d ON d.id = a.document_id ORDER BY d.rowid, k.id")
        return [AssignmentRow(doc, name, status, status != "todo" or seconds > 0 or (doc, coder_id) in touched)
                for doc, coder_id, name, status, seconds in rows]

    def apply_assignment(self, added: list[tuple[str, str]], removed: list[tuple[str, str]],
                         settings: dict[str, Any]) -> None:
        """Assign ``added`` (document, coder) pairs and take back ``removed`` ones, in one
        transaction logged as one ``assign_plan`` change. A pair to take back that its coder has
        started in the meantime refuses the whole plan (ConflictError)."""
        with self._write():
            if removed:
                started = {(r.document_id, r.coder) for r in self.assignment_rows() if r.started}
                late = [pair for pair in removed if pair in started]
                if late:
                    doc, coder = late[0]
                    raise _store.ConflictError(f"{coder} started {doc} while the assignment was planned; "
                                               "nothing was changed, plan again")
            ids = {name: self._coder_id(name) for name in {c for _, c in added + removed}}
            self.db.executemany("INSERT INTO assignments (document_id, coder_id) VALUES (?, ?) ON CONFLICT DO NOTHING",
                                [(d, ids[c]) for d, c in added])
            self.db.executemany("DELETE FROM assignments WHERE document_id = ? AND coder_id = ? AND status = 'todo'",
                                [(d, ids[c]) for d, c in removed])
            self._log(None, None, "assign_plan", {**settings, "added": [list(p) for p in added],
                                                  "removed": [list(p) for p in removed]})

    def coder_progress(self) -> list[CoderProgress]:
        """Per coder, in the order they were added: documents per status, time, annotations, last change."""
        counts: dict[int, dict[str, Any]] = {}
        for coder_id, status, n, seconds in self.db.execute(
                "SELECT coder_id, status, count(*), sum(seconds_spent) FROM assignments GROUP BY 1, 2"):
            entry = counts.setdefault(coder_id, {"seconds": 0.0})
            entry[status] = n
            entry["seconds"] += seconds or 0.0
        spans = dict(self.db.execute("SELECT coder_id, count(*) FROM annotations GROUP BY 1").fetchall())
        last = dict(self.db.execute("SELECT coder_id, max(at) FROM changes WHERE coder_id IS NOT NULL "
                                    "GROUP BY 1").fetchall())
        out = []
        for coder_id, name, role in self.db.execute("SELECT id, name, role FROM coders ORDER BY id"):
            entry = counts.get(coder_id, {"seconds": 0.0})
            out.append(CoderProgress(name, role, entry.get("todo", 0), entry.get("in_progress", 0),
                                     entry.get("done", 0), entry.get("skipped", 0), entry["seconds"],
                                     spans.get(coder_id, 0), last.get(coder_id)))
        return out

    def sample_progress(self) -> tuple[int, int]:
        """The reliability sample: documents assigned to two or more coders, and how many of them
        two or more coders have marked done."""
        row = self.db.execute(
            "SELECT count(*), coalesce(sum(CASE WHEN finished >= 2 THEN 1 ELSE 0 END), 0) FROM (SELECT document_id, "
            "count(*) AS n, sum(CASE WHEN status = 'done' THEN 1 ELSE 0 END) AS finished FROM assignments "
            "GROUP BY document_id) AS shared WHERE n >= 2").fetchone()
        return row[0], row[1]

    # -- coder copies --------------------------------------------------------------------------------

    def pack_rows(self, coder: str) -> dict[str, list[tuple]]:
        """What a copy for ``coder`` holds, as rows of each table (column order of the schema):
        the documents assigned to them and their own assignments, annotations, links and fields."""
        coder_id = self._coder_id(coder)
        joined = "document_id IN (SELECT document_id FROM assignments WHERE coder_id = ?)"
        return {
            "documents": self.db.execute(
                "SELECT id, title, text, outlet, url, published, sha256, meta, origin, imported_at FROM documents "
                "WHERE id IN (SELECT document_id FROM assignments WHERE coder_id = ?) ORDER BY rowid",
                [coder_id]).fetchall(),
            "assignments": self.db.execute(
                "SELECT document_id, status, seconds_spent, started_at, finished_at FROM assignments "
                "WHERE coder_id = ?", [coder_id]).fetchall(),
            "annotations": self.db.execute(
                'SELECT id, document_id, layer, start, "end", quote, attrs, created_at, updated_at FROM annotations '
                f"WHERE coder_id = ? AND {joined} ORDER BY rowid", [coder_id, coder_id]).fetchall(),
            "links": self.db.execute(
                "SELECT id, document_id, from_id, to_id, kind, created_at FROM links "
                f"WHERE coder_id = ? AND {joined} ORDER BY rowid", [coder_id, coder_id]).fetchall(),
            "labels": self.db.execute(
                "SELECT document_id, field, value, updated_at FROM document_labels "
                f"WHERE coder_id = ? AND {joined}", [coder_id, coder_id]).fetchall(),
        }

    def receive_pack(self, rows: dict[str, list[tuple]], coder: str, role: str, pack: dict[str, Any]) -> None:
        """Fill a new, empty copy: the rows of :meth:`pack_rows`, the coder, the pack's settings and
        the versions as packed (``pack_base``), in one transaction logged as ``pack_received``."""
        with self._write():
            coder_id = self.db.insert("INSERT INTO coders (name, role, created_at) VALUES (?, ?, ?)",
                                      [coder, role, _store._now()], "id")
            conn = self.db
            conn.executemany("INSERT INTO documents (id, title, text, outlet, url, published, sha256, meta, origin, "
                             "imported_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows["documents"])
            conn.executemany("INSERT INTO assignments (document_id, coder_id, status, seconds_spent, started_at, "
                             "finished_at) VALUES (?, ?, ?, ?, ?, ?)",
                             [(r[0], coder_id, *r[1:]) for r in rows["assignments"]])
            conn.executemany('INSERT INTO annotations (id, document_id, coder_id, layer, start, "end", quote, attrs, '
                             "created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                             [(r[0], r[1], coder_id, *r[2:]) for r in rows["annotations"]])
            conn.executemany("INSERT INTO links (id, document_id, coder_id, from_id, to_id, kind, created_at) "
                             "VALUES (?, ?, ?, ?, ?, ?, ?)", [(r[0], r[1], coder_id, *r[2:]) for r in rows["links"]])
            conn.executemany("INSERT INTO document_labels (document_id, coder_id, field, value, updated_at) "
                             "VALUES (?, ?, ?, ?, ?)", [(r[0], coder_id, *r[1:]) for r in rows["labels"]])
            documents = {r[0] for r in rows["documents"]}
            base = coder_versions(conn, coder_id, coder, documents)
            conn.executemany("INSERT INTO pack_base (kind, key, version, content) VALUES (?, ?, ?, ?)",
                             [(v.kind, v.key, v.version, canonical(v.content)) for v in base.values()])
            for key, value in pack.items():
                self._set_setting(f"pack_{key}", str(value))
            self._log(coder_id, None, "pack_received", {**pack, "documents": len(documents)})
            self._set_setting("pack_seq", str(self.last_change))

    def record_pack(self, coder: str, pack_id: str, document_ids: list[str], file_name: str) -> None:
        """Log that a copy went out: its documents count as started (assignment leaves them alone)."""
        coder_id = self._coder_id(coder)
        with self._write():
            self._log(coder_id, None, "pack", {"pack_id": pack_id, "file": file_name, "document_ids": document_ids,
                                               "codebook": self.codebook.sha256})

    # -- merging ---------------------------------------------------------------------------------

    def merged_seq(self, pack_id: str) -> int | None:
        """The last change of a copy that a merge took (None: never merged)."""
        row = self.db.execute("SELECT merged_seq FROM merge_packs WHERE pack_id = ?", [pack_id]).fetchone()
        return row[0] if row else None

    def imported_changes(self, pack_id: str) -> dict[int, ImportedChange]:
        return {r[0]: ImportedChange(*r) for r in self.db.execute(
            "SELECT origin_seq, at, document_id, action, payload FROM changes WHERE origin = ?", [pack_id])}

    def merge_entries(self, keys: Iterable[tuple[str, str]]) -> dict[tuple[str, str], dict[str, MergeEntry]]:
        wanted = set(keys)
        out: dict[tuple[str, str], dict[str, MergeEntry]] = {}
        for kind, key, version, live, content, source, doc, coder_id in self.db.execute(
                "SELECT kind, key, version, live, content, source, document_id, coder_id FROM merge_versions"):
            if (kind, key) in wanted:
                out.setdefault((kind, key), {})[version] = MergeEntry(
                    version, bool(live), json.loads(content) if content is not None else None, source, doc, coder_id)
        return out

    def contributions(self, pack_id: str) -> dict[tuple[str, str], tuple[str, float]]:
        return {(k, key): (v, s) for k, key, v, s in self.db.execute(
            "SELECT kind, key, version, seconds FROM merge_contributions WHERE pack_id = ?", [pack_id])}

    def annotation_owners(self, ids: Iterable[str]) -> dict[str, str]:
        """Annotation id -> owner's name, for the ids that exist."""
        ids = list(ids)
        out: dict[str, str] = {}
        for i in range(0, len(ids), 500):
            chunk = ids[i:i + 500]
            out.update(self.db.execute(
                f"SELECT a.id, k.name FROM annotations a JOIN coders k ON k.id = a.coder_id "
                f"WHERE a.id IN ({','.join('?' * len(chunk))})", chunk).fetchall())
        return out

    def document_hashes(self) -> dict[str, str]:
        return dict(self.db.execute("SELECT id, sha256 FROM documents").fetchall())

    def write_entries(self, kind: str, key: str, entries: dict[str, MergeEntry]) -> None:
        """Store the versions of one row (inside the merge's transaction)."""
        self.db.executemany(
            "INSERT INTO merge_versions (kind, key, version, live, content, source, document_id, coder_id) "
            "VALUES (?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(kind, key, version) DO UPDATE SET live = excluded.live, "
            "source = excluded.source",
            [(kind, key, e.version, int(e.live), None if e.content is None else canonical(e.content), e.source,
              e.document_id, e.coder_id) for e in entries.values()])

    def write_contribution(self, pack_id: str, kind: str, key: str, version: str, seconds: float) -> None:
        self.db.execute("INSERT INTO merge_contributions (pack_id, kind, key, version, seconds) VALUES (?, ?, ?, ?, ?) "
                        "ON CONFLICT(pack_id, kind, key) DO UPDATE SET version = excluded.version, "
                        "seconds = excluded.seconds", [pack_id, kind, key, version, seconds])

    def put_annotation(self, coder_id: int, annotation_id: str, content: dict[str, Any] | None) -> None:
        """Make an annotation row what ``content`` says (None: delete it and the links that touch it).
        Its outgoing links are written by :meth:`put_links` once every annotation is in place."""
        if content is None:
            self.db.execute("DELETE FROM annotations WHERE id = ?", [annotation_id])
            return
        self.db.execute(
            'INSERT INTO annotations (id, document_id, coder_id, layer, start, "end", quote, attrs, created_at, '
            "updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET layer = excluded.layer, "
            'start = excluded.start, "end" = excluded."end", quote = excluded.quote, attrs = excluded.attrs, '
            "created_at = excluded.created_at, updated_at = excluded.updated_at",
            [annotation_id, content["document_id"], coder_id, content["layer"], content["start"], content["end"],
             content["quote"], _store._json(content["attrs"]), content["created_at"], content["updated_at"]])

    def put_links(self, coder_id: int, annotation_id: str, links: list[dict[str, Any]], document_id: str) -> None:
        """Replace an annotation's outgoing links with ``links`` whose target is one of the same
        coder's annotations in the document (a link to a span that is gone is left out)."""
        self.db.execute("DELETE FROM links WHERE from_id = ?", [annotation_id])
        present = {r[0] for r in self.db.execute(
            "SELECT id FROM annotations WHERE document_id = ? AND coder_id = ?", [document_id, coder_id])}
        self.db.executemany(
            "INSERT INTO links (id, document_id, coder_id, from_id, to_id, kind, created_at) "
            "VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING",
            [(l["id"], document_id, coder_id, annotation_id, l["to_id"], l["kind"], l["created_at"])
             for l in links if l["to_id"] in present])

    def put_label(self, coder_id: int, content: dict[str, Any] | None, document_id: str, field: str) -> None:
        if content is None:
            self.db.execute("DELETE FROM document_labels WHERE document_id = ? AND coder_id = ? AND field = ?",
                            [document_id, coder_id, field])
            return
        self.db.execute("INSERT INTO document_labels (document_id, coder_id, field, value, updated_at) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(document_id, coder_id, field) DO UPDATE SET "
                        "value = excluded.value, updated_at = excluded.updated_at",
                        [document_id, coder_id, field, _store._json(content["value"]), content["updated_at"]])

    def put_assignment(self, coder_id: int, content: dict[str, Any], extra_seconds: float) -> None:
        """Set an assignment's status and times; ``extra_seconds`` is added to the time spent."""
        self.db.execute(
            "INSERT INTO assignments (document_id, coder_id, status, seconds_spent, started_at, finished_at) "
            "VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT(document_id, coder_id) DO UPDATE SET status = excluded.status, "
            "started_at = excluded.started_at, finished_at = excluded.finished_at, "
            "seconds_spent = assignments.seconds_spent + ?",
            [content["document_id"], coder_id, content["status"], extra_seconds, content["started_at"],
             content["finished_at"], extra_seconds])

    def import_changes(self, pack_id: str, coder_id: int, changes: list[ImportedChange]) -> None:
        """Append a copy's changes to the log, in their order, keeping where they came from."""
        self.db.executemany(
            "INSERT INTO changes (at, coder_id, document_id, action, payload, origin, origin_seq) "
            "VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(c.at, coder_id, c.document_id, c.action, c.payload, pack_id, c.origin_seq) for c in changes])

    def record_merged(self, pack_id: str, coder_id: int, packed_at: str, source_project: str | None,
                      merged_seq: int) -> None:
        self.db.execute("INSERT INTO merge_packs (pack_id, coder_id, packed_at, source_project, merged_seq) "
                        "VALUES (?, ?, ?, ?, ?) ON CONFLICT(pack_id) DO UPDATE SET "
                        "merged_seq = CASE WHEN excluded.merged_seq > merge_packs.merged_seq "
                        "THEN excluded.merged_seq ELSE merge_packs.merged_seq END",
                        [pack_id, coder_id, packed_at, source_project, merged_seq])

    def live_conflicts(self) -> Iterator[tuple[str, str, list[MergeEntry]]]:
        """Rows with two or more live versions (kind, key, versions); the caller decides which of
        them really disagree."""
        grouped: dict[tuple[str, str], list[MergeEntry]] = {}
        for kind, key, version, content, source, doc, coder_id in self.db.execute(
                "SELECT kind, key, version, content, source, document_id, coder_id FROM merge_versions "
                "WHERE live = 1 ORDER BY kind, key, version"):
            grouped.setdefault((kind, key), []).append(
                MergeEntry(version, True, json.loads(content) if content is not None else None, source, doc, coder_id))
        for (kind, key), entries in grouped.items():
            if len(entries) > 1:
                yield kind, key, entries

    def coder_name(self, coder_id: int) -> str:
        row = self.db.execute("SELECT name FROM coders WHERE id = ?", [coder_id]).fetchone()
        if row is None:
            raise _store.NotFoundError(f"no coder with id {coder_id}")
        return row[0]

    def merge_packs(self) -> list[tuple[str, str, str, int]]:
        """Copies merged so far: pack id, coder, packed at, last change taken."""
        return self.db.execute("SELECT m.pack_id, k.name, m.packed_at, m.merged_seq FROM merge_packs m "
                               "JOIN coders k ON k.id = m.coder_id ORDER BY m.packed_at, m.pack_id").fetchall()

    def pack_log(self) -> list[tuple[str, str, str, str]]:
        """Copies packed from this project: pack id, coder, file name, when."""
        return self.db.execute(
            f"SELECT {self.db.json_field('c.payload', 'pack_id')}, k.name, {self.db.json_field('c.payload', 'file')}, "
            "c.at FROM changes c JOIN coders k ON k.id = c.coder_id WHERE c.action = 'pack' ORDER BY c.seq").fetchall()

    def packs_out(self) -> list[tuple[str, str, str, str]]:
        """Copies packed from this project and not merged yet: pack id, coder, file name, when."""
        merged = {r[0] for r in self.db.execute("SELECT pack_id FROM merge_packs")}
        return [p for p in self.pack_log() if p[0] not in merged]

    def add_merged_time(self, coder_id: int, document_id: str, seconds: float) -> None:
        """Time spent in a copy, added to the assignment (inside the merge's transaction)."""
        self.db.execute("UPDATE assignments SET seconds_spent = seconds_spent + ? WHERE coder_id = ? "
                        "AND document_id = ?", [seconds, coder_id, document_id])
