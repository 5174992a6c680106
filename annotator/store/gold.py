"""Gold-standard persistence: the ``gold_*`` tables, read and written by :class:`Project`.

Reading (what the exports and the adjudication view use)::

    p.gold_annotations("sample-01")           # adjudicated spans, text order (rejected left out)
    p.gold_links("sample-01")                 # links between gold spans
    p.gold_labels("sample-01")                # {field: GoldLabel}
    p.gold_records(ids)                       # the three above for many documents, streamed
    p.gold_status("sample-01")                # 'todo' | 'in_progress' | 'done'
    p.gold_document_ids(done_only=True)       # documents with gold, project order

Writing goes through one method, :meth:`GoldStore.write_gold`: a :class:`GoldEdit` (rows to
insert or replace, rows to delete, the done flag) is applied in one transaction with one row in
the ``changes`` log, and the method returns the inverse edit, computed from the rows as they
were.  Writing the inverse undoes the edit exactly (provenance and times included) and returns
the edit again, so undo and redo are the same call (:mod:`annotator.gold.session` keeps the
history).  Every decision kind -- accepting a coder's version, editing, rejecting, a new span, a
document field, link targets, automatic acceptance of a whole document, marking it done -- is one
such edit; the rules that decide *which* rows to write live in :mod:`annotator.gold`.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import annotator.store as _store  # the package: helpers and errors, resolved at call time
from annotator.model import GOLD_DECISIONS, Annotation, GoldAnnotation, GoldLabel, GoldLink, Provenance

if TYPE_CHECKING:  # numpy loads when gold columns are read, not with every command that imports the store
    import numpy as np

    from annotator.store import DocumentRows


def now() -> str:
    """A decision time, in the format of every time in the project (so that times compare as text)."""
    return _store._now()


@dataclass(frozen=True)
class FinishedCoding:
    """What gold is built from (:meth:`GoldStore.finished_coding`): the finished work of the
    coders (role ``coder``) on some documents, as columns -- a large project has a million spans.

    Documents are named by rowid in the columns (``documents`` maps rowid to id, in project order)
    and coders by id (``coder_names``); ``coders`` lists who finished each document.
    """

    documents: dict[int, str]
    coder_names: dict[int, str]
    coders: dict[str, tuple[str, ...]]  # document id -> coders who finished it, in coder order
    spans: SpanColumns
    links: LinkColumns
    labels: LabelColumns


@dataclass(frozen=True)
class SpanColumns:
    """Spans: annotation rowid, document rowid, coder id, layer, start, end, and the attributes'
    JSON as stored -- canonical (sorted keys), so it is compared as text."""

    rowid: np.ndarray
    document: np.ndarray
    coder: np.ndarray
    layer: list[str]
    start: np.ndarray
    end: np.ndarray
    attrs: list[str]


@dataclass(frozen=True)
class LinkColumns:
    """Links: rowids of the source and target annotations, kind, coder id."""

    source: np.ndarray
    target: np.ndarray
    kind: list[str]
    coder: np.ndarray


@dataclass(frozen=True)
class LabelColumns:
    """Document fields: document rowid, coder id, field id, value as stored JSON."""

    document: np.ndarray
    coder: np.ndarray
    field: list[str]
    value: list[str]


@dataclass(frozen=True)
class GoldEdit:
    """Gold rows of one document to write together (see :meth:`GoldStore.write_gold`).

    ``annotations``/``links`` are inserted, or replace the row with the same id; ``labels`` set
    their field (a ``rejected`` label records that the field stays empty).  The ``drop_*``
    entries delete by id (annotations take their gold links with them) or by field.  ``done``:
    True marks the document's gold done, False reopens it, None leaves it.
    """

    document_id: str
    annotations: tuple[GoldAnnotation, ...] = ()
    links: tuple[GoldLink, ...] = ()
    labels: tuple[GoldLabel, ...] = ()
    drop_annotations: tuple[str, ...] = ()
    drop_links: tuple[str, ...] = ()
    drop_labels: tuple[str, ...] = ()
    done: bool | None = None

    def __bool__(self) -> bool:
        return bool(self.annotations or self.links or self.labels or self.drop_annotations
                    or self.drop_links or self.drop_labels or self.done is not None)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready form, as logged in ``changes``."""
        out: dict[str, Any] = {}
        if self.annotations:
            out["annotations"] = [_annotation_payload(a) for a in self.annotations]
        if self.links:
            out["links"] = [_link_payload(l) for l in self.links]
        if self.labels:
            out["labels"] = [{"field": l.field, "value": l.value, **_provenance_payload(l.provenance)}
                             for l in self.labels]
        for name in ("drop_annotations", "drop_links", "drop_labels"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        if self.done is not None:
            out["done"] = self.done
        return out


_ANNOTATION_COLUMNS = ('g.id, g.document_id, g.layer, g.start, g."end", g.quote, g.attrs, g.decision, '
                       "g.source_coders, k.name, g.decided_at, g.covers")
_LINK_COLUMNS = ("g.id, g.document_id, g.from_id, g.to_id, g.kind, g.decision, g.source_coders, k.name, "
                 "g.decided_at, g.covers")


class GoldStore:
    """The gold-standard part of :class:`annotator.store.Project` (a mixin: it uses the project's
    connection, transactions, change log and codebook)."""

    # -- reading ---------------------------------------------------------------------------------

    def gold_annotations(self, document_id: str | None = None, *,
                         include_rejected: bool = False) -> list[GoldAnnotation]:
        """Gold spans in text order (all documents in project order when ``document_id`` is None).

        Rejected candidates (decision ``rejected``: "this span is not gold") only on request.
        """
        where, args = ["1 = 1"], []
        if document_id is not None:
            where.append("g.document_id = ?")
            args.append(document_id)
        if not include_rejected:
            where.append("g.decision != 'rejected'")
        return self._gold_annotations(" AND ".join(where), args)

    def gold_annotation(self, gold_id: str) -> GoldAnnotation:
        rows = self._gold_annotations("g.id = ?", [gold_id])
        if not rows:
            raise _store.NotFoundError(f"no gold annotation {gold_id!r}")
        return rows[0]

    def _gold_annotations(self, where: str, args: list[Any]) -> list[GoldAnnotation]:
        rows = self.db.execute(
            f"SELECT {_ANNOTATION_COLUMNS} FROM gold_annotations g JOIN documents d ON d.id = g.document_id "
            f"LEFT JOIN coders k ON k.id = g.adjudicator_id WHERE {where} "
            'ORDER BY d.rowid, g.start, g."end" DESC, g.decided_at, g.id', args)
        loads, provenance = _store._loads, _Provenances()
        return [GoldAnnotation(i, d, layer, s, e, q, loads(attrs), provenance[decision, sources, who, at],
                               tuple(loads(covers)))
                for i, d, layer, s, e, q, attrs, decision, sources, who, at, covers in rows]

    def gold_extents(self, document_ids: Sequence[str]) -> Iterator[list[tuple[str, str, int, int]]]:
        """(layer, id, start, end) of the gold spans (rejected ones left out) of each of
        ``document_ids``, in that order, without their fields: a cheap first look."""
        return _store._extents(self.db, "gold_annotations", "decision != 'rejected'", [], document_ids)

    def gold_links(self, document_id: str, *, include_rejected: bool = False) -> list[GoldLink]:
        """Links between gold spans of a document (rejected candidate links only on request)."""
        where = "g.document_id = ?" + ("" if include_rejected else " AND g.decision != 'rejected'")
        return self._gold_links(where, [document_id])

    def _gold_links(self, where: str, args: list[Any]) -> list[GoldLink]:
        rows = self.db.execute(f"SELECT {_LINK_COLUMNS} FROM gold_links g LEFT JOIN coders k "
                               f"ON k.id = g.adjudicator_id WHERE {where} ORDER BY g.decided_at, g.rowid", args)
        loads, provenance = _store._loads, _Provenances()
        return [GoldLink(i, d, f, t, kind, provenance[decision, sources, who, at], tuple(loads(covers)))
                for i, d, f, t, kind, decision, sources, who, at, covers in rows]

    def gold_labels(self, document_id: str, *, include_rejected: bool = False) -> dict[str, GoldLabel]:
        """Adjudicated document fields by field id, in codebook order where known.

        A ``rejected`` label (the field stays empty although some coder filled it) has the value
        None and is left out unless ``include_rejected``.
        """
        where = "g.document_id = ?" + ("" if include_rejected else " AND g.decision != 'rejected'")
        return self._gold_labels(where, [document_id]).get(document_id, {})

    def _gold_labels(self, where: str, args: list[Any]) -> dict[str, dict[str, GoldLabel]]:
        """Document id -> its labels by field, each document's in codebook order where known."""
        rows = self.db.execute(
            "SELECT g.document_id, g.field, g.value, g.decision, g.source_coders, k.name, g.decided_at "
            f"FROM gold_labels g LEFT JOIN coders k ON k.id = g.adjudicator_id WHERE {where}", args)
        loads, provenance = _store._loads, _Provenances()
        labels: dict[str, dict[str, GoldLabel]] = {}
        for d, f, v, decision, sources, who, at in rows:
            labels.setdefault(d, {})[f] = GoldLabel(d, f, loads(v), provenance[decision, sources, who, at])
        order = {spec.id: i for i, spec in enumerate(self.codebook.document_fields)}
        return {d: dict(sorted(fields.items(), key=lambda item: (order.get(item[0], len(order)), item[0])))
                for d, fields in labels.items()}

    def gold_records(self, document_ids: Sequence[str], *, chunk: int = 500) -> Iterator[DocumentRows]:
        """Each of ``document_ids``, in that order, with its gold spans, links and fields (rejected
        ones left out): what :meth:`gold_annotations`, :meth:`gold_links` and :meth:`gold_labels`
        give per document, read with three queries per ``chunk`` documents (so an export of
        100,000 documents streams)."""
        for marks, part in _store._in_chunks(document_ids, chunk):
            where = f"g.document_id IN ({marks}) AND g.decision != 'rejected'"
            spans = _store._by_document(self._gold_annotations(where, part))
            links = _store._by_document(self._gold_links(where, part))
            labels = self._gold_labels(where, part)
            for document_id in part:
                yield _store.DocumentRows(document_id, spans.get(document_id, []), links.get(document_id, []),
                                          labels.get(document_id, {}))

    def gold_status(self, document_id: str) -> str:
        """'done' once the adjudicator marked it so; 'in_progress' with any gold decision; else 'todo'."""
        if self.db.execute("SELECT 1 FROM gold_documents WHERE document_id = ?", [document_id]).fetchone():
            return "done"
        for table in ("gold_annotations", "gold_labels"):
            if self.db.execute(f"SELECT 1 FROM {table} WHERE document_id = ? LIMIT 1", [document_id]).fetchone():
                return "in_progress"
        self.document(document_id)  # an unknown id is an error, not 'todo'
        return "todo"

    def gold_document_ids(self, *, done_only: bool = False) -> list[str]:
        """Documents with any gold decision (or only those marked done), in project order."""
        source = ("SELECT document_id FROM gold_documents" if done_only else
                  "SELECT document_id FROM gold_annotations UNION SELECT document_id FROM gold_labels "
                  "UNION SELECT document_id FROM gold_documents")
        return [r[0] for r in self.db.execute(f"SELECT id FROM documents WHERE id IN ({source}) ORDER BY rowid")]

    def gold_done_at(self, document_id: str) -> str | None:
        row = self.db.execute("SELECT done_at FROM gold_documents WHERE document_id = ?", [document_id]).fetchone()
        return row[0] if row else None

    def finished_coding(self, document_ids: Sequence[str] | None = None) -> FinishedCoding:
        """The coders' finished work (assignment *done*, role *coder*) on the given documents
        (default: every document).

        Spans, links and fields are read as columns, each one string built by the database
        (``group_concat``, ``string_agg``) and split or parsed by numpy: a million rows cost a second instead of
        three as row tuples.  The separator, U+001E, cannot occur in stored JSON, layer, field
        or link ids.
        """
        chunks: list[tuple[str, list[str]]]
        if document_ids is None:
            chunks = [("", [])]
        else:
            ids = list(dict.fromkeys(document_ids))
            for doc_id in ids:
                self.document(doc_id)  # an unknown id is an error, named
            chunks = [(f"AND {{t}}.document_id IN ({marks})", part) for marks, part in _store._in_chunks(ids)]
        done = ("JOIN assignments s ON s.document_id = {t}.document_id AND s.coder_id = {t}.coder_id "
                "AND s.status = 'done' JOIN coders k ON k.id = {t}.coder_id AND k.role = 'coder' "
                "JOIN documents d ON d.id = {t}.document_id WHERE 1 = 1 ")
        ints, texts = self.db.text_agg, (lambda expr: self.db.text_agg(expr, "\x1e"))
        documents: dict[int, str] = {}
        coders: dict[str, list[str]] = {}
        parts: dict[str, list[tuple]] = {"spans": [], "links": [], "labels": []}
        for where, args in chunks:
            doc_filter = where.replace("{t}.document_id", "d.id")
            for rowid, doc_id in self.db.execute(f"SELECT rowid, id FROM documents d WHERE 1 = 1 {doc_filter} "
                                                 "ORDER BY rowid", args):
                documents[rowid] = doc_id
                coders[doc_id] = []
            for doc_id, name in self.db.execute(
                    "SELECT s.document_id, k.name FROM assignments s JOIN coders k ON k.id = s.coder_id "
                    f"AND k.role = 'coder' WHERE s.status = 'done' {where.format(t='s')} ORDER BY k.id", args):
                coders[doc_id].append(name)
            parts["spans"].append(self.db.execute(
                f"SELECT {ints('a.rowid')}, {ints('d.rowid')}, {ints('a.coder_id')}, {texts('a.layer')}, "
                f"""{ints('a.start')}, {ints('a."end"')}, {texts('a.attrs')} FROM annotations a """
                f"{done.format(t='a')} {where.format(t='a')}", args).fetchone())
            parts["links"].append(self.db.execute(
                f"SELECT {ints('f.rowid')}, {ints('t.rowid')}, {texts('l.kind')}, {ints('l.coder_id')} FROM links l "
                "JOIN annotations f ON f.id = l.from_id JOIN annotations t ON t.id = l.to_id "
                f"{done.format(t='l')} {where.format(t='l')}", args).fetchone())
            parts["labels"].append(self.db.execute(
                f"SELECT {ints('d.rowid')}, {ints('b.coder_id')}, {texts('b.field')}, {texts('b.value')} "
                f"FROM document_labels b {done.format(t='b')} {where.format(t='b')}", args).fetchone())
        return FinishedCoding(documents, dict(self.db.execute("SELECT id, name FROM coders").fetchall()),
                              {d: tuple(c) for d, c in coders.items()},
                              SpanColumns(*_join_columns(parts["spans"], "iiisiis")),
                              LinkColumns(*_join_columns(parts["links"], "iisi")),
                              LabelColumns(*_join_columns(parts["labels"], "iiss")))

    def annotations_by_rowid(self, document_id: str) -> dict[int, Annotation]:
        """A document's annotations (every coder) keyed by rowid, as :meth:`finished_coding` names them."""
        rowids = dict(self.db.execute("SELECT id, rowid FROM annotations WHERE document_id = ?", [document_id]))
        return {rowids[a.id]: a for a in self.annotations(document_id)}

    def documents_finished_by(self, at_least: int = 2) -> list[str]:
        """Documents that at least ``at_least`` coders (role coder) marked done, in project order:
        the candidates for gold."""
        return [r[0] for r in self.db.execute(
            "SELECT d.id FROM documents d JOIN assignments s ON s.document_id = d.id AND s.status = 'done' "
            "JOIN coders k ON k.id = s.coder_id AND k.role = 'coder' GROUP BY d.id HAVING count(*) >= ? "
            "ORDER BY d.rowid", [at_least])]

    # -- writing ---------------------------------------------------------------------------------

    def gold_batch(self) -> AbstractContextManager[None]:
        """One transaction around several :meth:`write_gold` calls (an automatic run over many
        documents): each call keeps its own ``changes`` row, and nothing is written unless all are."""
        return self._write()

    def write_gold(self, adjudicator: str | None, edit: GoldEdit, *, action: str,
                   note: dict[str, Any] | None = None) -> GoldEdit:
        """Apply ``edit`` in one transaction, logged as ``action``; returns its inverse.

        ``adjudicator`` is who acts (logged as the change's coder; None for an automatic run) and
        must have the role ``adjudicator``.  Spans are checked against the text (their quote must
        be ``text[start:end]``) and, unless rejected, their attributes against the codebook; links
        must join non-rejected gold spans of the document as the codebook allows.  ``note`` is
        added to the log payload (e.g. which candidate item was decided).
        """
        actor_id = None if adjudicator is None else self._adjudicator_id(adjudicator)
        text = self.document(edit.document_id).text
        self._check_gold_rows(edit, text)
        with self._write():
            inverse = self._apply_gold(edit, actor_id)
            self._check_gold_links(edit)
            self._log(actor_id, edit.document_id, action,
                      {**(note or {}), "after": edit.to_dict(), "before": inverse.to_dict()})
        return inverse

    def _adjudicator_id(self, name: str) -> int:
        coder_id = self._coder_id(name)
        if self.coder_role(name) != "adjudicator":
            raise _store.InvalidValueError(
                f"{name!r} is a coder, not an adjudicator; add an adjudicator with "
                "`annotator add-coder NAME --role adjudicator`")
        return coder_id

    def _check_gold_rows(self, edit: GoldEdit, text: str) -> None:
        doc = edit.document_id
        for g in edit.annotations:
            if g.document_id != doc:
                raise _store.InvalidValueError(f"gold annotation {g.id} belongs to {g.document_id}, not {doc}")
            quote = _store.check_span(text, g.start, g.end)
            if quote != g.quote:
                raise _store.SpanError(f"gold annotation {g.id}: quote «{_store._short(g.quote)}» is not the "
                                       f"text at {g.start}..{g.end} («{_store._short(quote)}»)")
            if not self.codebook.has_layer(g.layer):
                raise _store.InvalidValueError(f"the codebook has no layer {g.layer!r}")
            if g.provenance.decision != "rejected":
                self._check_attrs(g.layer, g.attrs)
        if edit.links:
            spans = {r[0] for r in self.db.execute("SELECT id FROM gold_annotations WHERE document_id = ?", [doc])}
            spans = (spans - set(edit.drop_annotations)) | {g.id for g in edit.annotations}
        for l in edit.links:
            if l.document_id != doc:
                raise _store.InvalidValueError(f"gold link {l.id} belongs to {l.document_id}, not {doc}")
            if l.from_id not in spans or l.to_id not in spans:
                raise _store.InvalidValueError(f"gold link {l.kind}: both ends must be gold spans of {doc}")
        for label in edit.labels:
            if label.document_id != doc:
                raise _store.InvalidValueError(f"gold label {label.field} belongs to {label.document_id}, not {doc}")
            try:
                spec = self.codebook.document_field(label.field)
            except KeyError as exc:
                raise _store.InvalidValueError(str(exc.args[0])) from None
            if label.provenance.decision == "rejected":
                if label.value is not None:
                    raise _store.InvalidValueError(f"{label.field}: a rejected gold label has no value")
            elif label.value in (None, "", []):
                raise _store.InvalidValueError(f"{label.field}: a gold value cannot be empty "
                                               "(reject the coders' values to leave it empty)")
            elif (why := spec.check(label.value)) is not None:
                raise _store.InvalidValueError(f"{label.field}: {why}")
        for p in [g.provenance for g in edit.annotations] + [l.provenance for l in edit.links] + \
                [label.provenance for label in edit.labels]:
            if p.decision not in GOLD_DECISIONS:
                raise _store.InvalidValueError(f"decision {p.decision!r} is not one of {', '.join(GOLD_DECISIONS)}")
            if not p.decided_at:
                raise _store.InvalidValueError("a gold decision needs the time it was made")

    def _apply_gold(self, edit: GoldEdit, actor_id: int | None) -> GoldEdit:
        """Write ``edit`` (inside the caller's transaction); returns the rows as they were."""
        doc = edit.document_id
        restore_annotations: list[GoldAnnotation] = []
        restore_links: dict[str, GoldLink] = {}
        restore_labels: list[GoldLabel] = []
        drop_annotations: list[str] = []
        drop_links: list[str] = []
        drop_labels: list[str] = []

        for link_id in edit.drop_links:
            restore_links[link_id] = self._one_gold_link(link_id, doc)
            self.db.execute("DELETE FROM gold_links WHERE id = ?", [link_id])
        for gold_id in edit.drop_annotations:
            old = self._one_gold_annotation(gold_id, doc)
            restore_annotations.append(old)
            for l in self._gold_links("g.from_id = ? OR g.to_id = ?", [gold_id, gold_id]):
                restore_links.setdefault(l.id, l)  # deleted with it (ON DELETE CASCADE)
            self.db.execute("DELETE FROM gold_annotations WHERE id = ?", [gold_id])
        old_labels = self.gold_labels(doc, include_rejected=True)
        for field_id in edit.drop_labels:
            if field_id not in old_labels:
                raise _store.NotFoundError(f"no gold value of {field_id!r} in {doc}")
            restore_labels.append(old_labels[field_id])
            self.db.execute("DELETE FROM gold_labels WHERE document_id = ? AND field = ?", [doc, field_id])

        existing = {g.id: g for g in self._gold_by_ids("gold_annotations", [g.id for g in edit.annotations])}
        for g in edit.annotations:
            if g.id in existing:
                restore_annotations.append(existing[g.id])
            else:
                drop_annotations.append(g.id)
            p = g.provenance
            self.db.execute(
                'INSERT INTO gold_annotations (id, document_id, layer, start, "end", quote, attrs, decision, '
                "source_coders, covers, adjudicator_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) "
                'ON CONFLICT(id) DO UPDATE SET layer = excluded.layer, start = excluded.start, "end" = excluded."end", '
                "quote = excluded.quote, attrs = excluded.attrs, decision = excluded.decision, "
                "source_coders = excluded.source_coders, covers = excluded.covers, "
                "adjudicator_id = excluded.adjudicator_id, decided_at = excluded.decided_at",
                [g.id, doc, g.layer, g.start, g.end, g.quote, _store._json(g.attrs), p.decision,
                 _store._json(list(p.source_coders)), _store._json(list(g.covers)),
                 self._optional_coder(p.adjudicator), p.decided_at])
        existing_links = {l.id: l for l in self._gold_by_ids("gold_links", [l.id for l in edit.links])}
        for l in edit.links:
            if l.id in existing_links:
                restore_links.setdefault(l.id, existing_links[l.id])
            else:
                drop_links.append(l.id)
            p = l.provenance
            self.db.execute(
                "INSERT INTO gold_links (id, document_id, from_id, to_id, kind, decision, source_coders, covers, "
                "adjudicator_id, decided_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET "
                "from_id = excluded.from_id, to_id = excluded.to_id, kind = excluded.kind, "
                "decision = excluded.decision, source_coders = excluded.source_coders, covers = excluded.covers, "
                "adjudicator_id = excluded.adjudicator_id, decided_at = excluded.decided_at",
                [l.id, doc, l.from_id, l.to_id, l.kind, p.decision, _store._json(list(p.source_coders)),
                 _store._json(list(l.covers)), self._optional_coder(p.adjudicator), p.decided_at])
        for label in edit.labels:
            if label.field in old_labels and label.field not in edit.drop_labels:
                restore_labels.append(old_labels[label.field])
            elif label.field not in edit.drop_labels:
                drop_labels.append(label.field)
            p = label.provenance
            self.db.execute(
                "INSERT INTO gold_labels (document_id, field, value, decision, source_coders, adjudicator_id, "
                "decided_at) VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT(document_id, field) DO UPDATE SET "
                "value = excluded.value, decision = excluded.decision, source_coders = excluded.source_coders, "
                "adjudicator_id = excluded.adjudicator_id, decided_at = excluded.decided_at",
                [doc, label.field, _store._json(label.value), p.decision, _store._json(list(p.source_coders)),
                 self._optional_coder(p.adjudicator), p.decided_at])

        was_done = self.gold_done_at(doc) is not None
        if edit.done is True and not was_done:
            self.db.execute("INSERT INTO gold_documents (document_id, adjudicator_id, done_at) VALUES (?, ?, ?)",
                            [doc, actor_id, _store._now()])
        elif edit.done is False and was_done:
            self.db.execute("DELETE FROM gold_documents WHERE document_id = ?", [doc])
        return GoldEdit(doc, tuple(restore_annotations), tuple(restore_links.values()), tuple(restore_labels),
                        tuple(drop_annotations), tuple(drop_links), tuple(drop_labels),
                        None if edit.done is None else was_done)

    def _one_gold_annotation(self, gold_id: str, document_id: str) -> GoldAnnotation:
        rows = self._gold_annotations("g.id = ? AND g.document_id = ?", [gold_id, document_id])
        if not rows:
            raise _store.NotFoundError(f"no gold annotation {gold_id!r} in {document_id}")
        return rows[0]

    def _one_gold_link(self, link_id: str, document_id: str) -> GoldLink:
        rows = self._gold_links("g.id = ? AND g.document_id = ?", [link_id, document_id])
        if not rows:
            raise _store.NotFoundError(f"no gold link {link_id!r} in {document_id}")
        return rows[0]

    def _gold_by_ids(self, table: str, ids: list[str]) -> list[Any]:
        read = self._gold_annotations if table == "gold_annotations" else self._gold_links
        found: list[Any] = []
        for marks, part in _store._in_chunks(ids):
            found += read(f"g.id IN ({marks})", part)
        return found

    def _optional_coder(self, name: str | None) -> int | None:
        return None if name is None else self._coder_id(name)

    def _check_gold_links(self, edit: GoldEdit) -> None:
        """Links written by ``edit`` join accepted gold spans as the codebook allows (checked on the
        rows as written, so a span and its links can arrive in the same edit)."""
        if not edit.links:
            return
        spans = {g.id: g for g in self.gold_annotations(edit.document_id, include_rejected=True)}
        current = self.gold_links(edit.document_id)
        for l in edit.links:
            source, target = spans[l.from_id], spans[l.to_id]  # present: _check_gold_rows
            if "rejected" in (source.provenance.decision, target.provenance.decision) and \
                    l.provenance.decision != "rejected":
                raise _store.InvalidValueError(f"gold link {l.kind}: a rejected span cannot be linked")
            self._check_link(source, target, l.kind)
            if not self.codebook.link_kind(l.kind).multiple and l.provenance.decision != "rejected" and sum(
                    1 for c in current if c.from_id == l.from_id and c.kind == l.kind) > 1:
                raise _store.InvalidValueError(f"{source.layer} «{_store._short(source.quote)}» has two gold "
                                               f"{l.kind} links; it takes only one")


class _Provenances(dict):
    """Provenance by (decision, source coders as stored, adjudicator, time), each built once: the
    rows one decision wrote (a whole automatic acceptance) share theirs."""

    def __missing__(self, key: tuple[str, str, str | None, str]) -> Provenance:
        decision, sources, who, at = key
        value = self[key] = Provenance(decision, tuple(_store._loads(sources)), who, at)
        return value


def _join_columns(parts: list[tuple], kinds: str) -> list[Any]:
    """Columns from text-aggregate results (one tuple per chunk): ``kinds`` has a letter per
    column, ``i`` for an int64 array, ``s`` for a list of strings."""
    import numpy as np

    columns: list[Any] = []
    for i, kind in enumerate(kinds):
        texts = [part[i] for part in parts if part[i] is not None]
        if kind == "i":
            columns.append(np.concatenate([np.fromstring(t, dtype=np.int64, sep=",") for t in texts])
                           if texts else np.zeros(0, dtype=np.int64))
        else:
            strings: list[str] = []
            for t in texts:
                strings += t.split("\x1e")
            columns.append(strings)
    return columns


def _provenance_payload(p: Provenance) -> dict[str, Any]:
    return {"decision": p.decision, "source_coders": list(p.source_coders), "adjudicator": p.adjudicator,
            "decided_at": p.decided_at}


def _annotation_payload(g: GoldAnnotation) -> dict[str, Any]:
    return {"id": g.id, "layer": g.layer, "start": g.start, "end": g.end, "quote": g.quote, "attrs": g.attrs,
            "covers": list(g.covers), **_provenance_payload(g.provenance)}


def _link_payload(l: GoldLink) -> dict[str, Any]:
    return {"id": l.id, "from_id": l.from_id, "to_id": l.to_id, "kind": l.kind, "covers": list(l.covers),
            **_provenance_payload(l.provenance)}
