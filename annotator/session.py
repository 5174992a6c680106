"""One coder's editing session: the open document, undo/redo, and writes that are never lost.

The window is a thin face over this class (Qt-free, so it is tested without a display):

* every edit is validated first (span, codebook), then applied to an in-memory mirror of the open
  document and written through the store at once, one transaction per edit;
* if SQLite cannot take the write (locked, read-only, disk full), the edit stays in the mirror,
  is kept in ``pending`` in order, and :meth:`flush` retries it; :attr:`saved` is False until then;
* an edit whose rows changed since this session read them (the same coder in another window or
  process) is refused by the store (ConflictError, or the row is gone): it is dropped from the
  queue with the later edits built on it, the edits behind it are still written, the mirror shows
  the stored rows again, and :attr:`refused` says which edit and why. The rule, for two windows
  of one coder: an edit applies only to the version of a row its window showed; the first write
  wins and the later, stale one is refused and shown, never silently written over
  (docs/reliability.md);
* each edit (one user action, possibly several store calls) is one transaction;
* undo/redo covers every kind of edit and survives switching documents: each history entry knows
  its document, and undoing an edit of another document opens that document first.
"""

from __future__ import annotations

import time
import uuid
from bisect import bisect_left, insort
from dataclasses import dataclass, field, replace
from itertools import count
from typing import Any

from annotator.history import UndoHistory
from annotator.model import Annotation, Document, Link
from annotator.store import (DatabaseWriteError, InvalidValueError, NotFoundError, NotReadyError, Project,
                             ProjectError, check_span)


@dataclass(frozen=True)
class Op:
    """One store call, replayable: ``name`` is a Project method, ``args`` its keyword arguments."""

    name: str
    args: dict[str, Any]


@dataclass
class Edit:
    document_id: str
    description: str
    forward: list[Op]
    backward: list[Op]


@dataclass(frozen=True)
class Refusal:
    """An edit the store refused for good: ``edit`` describes it, ``reason`` says why."""

    document_id: str
    edit: str
    reason: str

    def __str__(self) -> str:
        return f"“{self.edit}” was not saved: {self.reason}"


@dataclass
class _Queued:
    """An op waiting to be written; the ops of one edit (or one undo/redo) share ``batch`` and are
    written in one transaction."""

    op: Op
    edit: Edit
    batch: int


_span_versions = count(1)  # numbers for _Mirror.spans, unique across documents


@dataclass
class _Mirror:
    """The open document's rows as this session shows them. Annotations change only through
    :meth:`put` and :meth:`pop`, which keep ``ordered`` (text order) up to date, so an edit costs
    a bisection, not a sort of every span of the document."""

    document: Document
    annotations: dict[str, Annotation] = field(default_factory=dict)
    links: list[Link] = field(default_factory=list)
    labels: dict[str, Any] = field(default_factory=dict)
    ordered: list[Annotation] = field(init=False)
    spans: int = field(init=False)  # a new number whenever a span is added, removed or moved

    def __post_init__(self) -> None:
        self.spans = next(_span_versions)
        # Ties keep the order the rows were read or created in (``_arrival``), as a stable sort would.
        self._arrival: dict[str, int] = {}
        self._next = count()
        for ann in self.annotations.values():
            self._arrival[ann.id] = next(self._next)
        self.ordered = sorted(self.annotations.values(), key=self._key)

    def _key(self, a: Annotation) -> tuple[int, int, str, int]:
        return a.start, -a.end, a.created_at or "", self._arrival[a.id]

    def put(self, ann: Annotation) -> None:
        """Add an annotation, or replace the one with its id."""
        old = self.annotations.get(ann.id)
        if old is not None:
            self._unorder(old)
        else:
            self._arrival[ann.id] = next(self._next)
        if old is None or (old.start, old.end, old.layer) != (ann.start, ann.end, ann.layer):
            self.spans = next(_span_versions)
        self.annotations[ann.id] = ann
        insort(self.ordered, ann, key=self._key)

    def pop(self, annotation_id: str) -> Annotation:
        ann = self.annotations.pop(annotation_id)
        self._unorder(ann)
        del self._arrival[annotation_id]
        self.spans = next(_span_versions)
        return ann

    def _unorder(self, ann: Annotation) -> None:
        del self.ordered[bisect_left(self.ordered, self._key(ann), key=self._key)]


class CodingSession(UndoHistory):
    """Edits by one coder on one project. See the module docstring for the guarantees."""

    def __init__(self, project: Project, coder: str):
        self.project = project
        self.coder = coder
        self.codebook = project.codebook
        self._mirror: _Mirror | None = None
        self._undo: list[Edit] = []
        self._redo: list[Edit] = []
        self.pending: list[_Queued] = []
        self.last_error: str | None = None
        # Edits refused since the window last looked (take_refused); it shows them to the coder.
        self.refused: list[Refusal] = []
        self._batches = 0
        # Annotation id -> the revision this session last read or wrote (Project.annotation_revisions).
        self._revisions: dict[str, int] = {}
        self._opened_at: float | None = None
        # Values proposed from a span's text (annotation id -> field -> value): shown, not stored,
        # until the coder accepts them; they count as missing at mark-done until then.
        self._proposals: dict[str, dict[str, Any]] = {}

    # -- the open document -------------------------------------------------------------------------

    def open(self, document_id: str) -> Document:
        """Open a document (recording the time spent on the previous one).

        Raises DatabaseWriteError while earlier edits cannot be saved: they live only in the open
        document's mirror, so the coder stays on it until the database takes them.
        """
        if not self.flush():
            raise DatabaseWriteError(f"edits are not saved yet ({self.last_error}); "
                                     "the document stays open until they are")
        self.record_time()
        self._mirror = self._read(self.project.document(document_id), set())
        self._opened_at = time.monotonic()
        return self._mirror.document

    def _read(self, document: Document, keep: set[str]) -> _Mirror:
        """The document's rows as stored, with their revisions; rows in ``keep`` have queued
        edits, whose revision stays the one those edits were made on."""
        with self.project.reading():
            revisions = self.project.annotation_revisions(document.id, self.coder)
            mirror = _Mirror(document,
                             annotations={a.id: a for a in self.project.annotations(document.id, self.coder)},
                             links=self.project.links(document.id, self.coder),
                             labels=self.project.labels(document.id, self.coder))
        self._revisions.update({k: v for k, v in revisions.items() if k not in keep})
        return mirror

    @property
    def document(self) -> Document | None:
        return self._mirror.document if self._mirror else None

    @property
    def annotations(self) -> list[Annotation]:
        """The open document's annotations by this coder, in text order (outer span first)."""
        return list(self._mirror.ordered) if self._mirror else []

    @property
    def span_version(self) -> int:
        """A number that changes whenever the open document's spans change (one created, deleted
        or given new edges; another document opened), and not when only fields do: what a window
        derives from the spans alone can wait for it to change."""
        return self._mirror.spans if self._mirror else 0

    def annotation(self, annotation_id: str) -> Annotation:
        try:
            return self._need_mirror().annotations[annotation_id]
        except KeyError:
            raise NotFoundError(f"no annotation {annotation_id!r} in the open document") from None

    @property
    def links(self) -> list[Link]:
        return list(self._mirror.links) if self._mirror else []

    @property
    def labels(self) -> dict[str, Any]:
        return dict(self._mirror.labels) if self._mirror else {}

    def record_time(self) -> None:
        """Add the time since the document was opened to its assignment (if it is assigned)."""
        if self._mirror is None or self._opened_at is None:
            return
        elapsed = time.monotonic() - self._opened_at
        self._opened_at = time.monotonic()
        try:
            self.project.add_time(self.coder, self._mirror.document.id, elapsed)
        except DatabaseWriteError:
            pass  # bookkeeping only; the next record adds the time up again from here

    def _need_mirror(self) -> _Mirror:
        if self._mirror is None:
            raise InvalidValueError("no document is open")
        return self._mirror

    # -- edits -------------------------------------------------------------------------------------

    def create(self, layer: str, start: int, end: int, attrs: dict[str, Any] | None = None, *,
               suggested_by: str | None = None) -> Annotation:
        """Create a span; ``suggested_by`` names the accepted suggestion (logged with the edit)."""
        mirror = self._need_mirror()
        quote = check_span(mirror.document.text, start, end)
        if not self.codebook.has_layer(layer):
            raise InvalidValueError(f"the codebook has no layer {layer!r}")
        attrs = dict(attrs or {})
        self._check(layer, attrs)
        ann = Annotation(id=str(uuid.uuid4()), document_id=mirror.document.id, coder=self.coder, layer=layer,
                         start=start, end=end, quote=quote, attrs=attrs, created_at=_stamp(), updated_at=_stamp())
        create = _create_op(ann)
        if suggested_by:
            create = Op(create.name, {**create.args, "suggested_by": suggested_by})
        self._do(Edit(mirror.document.id, f"create {layer} «{_short(quote)}»",
                      [create], [Op("delete_annotation", {"annotation_id": ann.id})]))
        return ann

    def update(self, annotation_id: str, *, start: int | None = None, end: int | None = None,
               attrs: dict[str, Any] | None = None) -> Annotation | None:
        """Change a span's edges and/or fields; returns it as now shown (None: the span was
        deleted in another window, so the edit was refused; see :attr:`refused`)."""
        mirror = self._need_mirror()
        before = self.annotation(annotation_id)
        new_start = before.start if start is None else start
        new_end = before.end if end is None else end
        check_span(mirror.document.text, new_start, new_end)
        new_attrs = dict(before.attrs if attrs is None else attrs)
        self._check(before.layer, new_attrs)
        what = "edges" if attrs is None else "fields"
        self._do(Edit(mirror.document.id, f"edit {what} of {before.layer} «{_short(before.quote)}»",
                      [_update_op(annotation_id, new_start, new_end, new_attrs)],
                      [_update_op(annotation_id, before.start, before.end, before.attrs)]))
        return self._need_mirror().annotations.get(annotation_id)  # a refusal re-reads the mirror

    def delete(self, annotation_id: str) -> None:
        mirror = self._need_mirror()
        ann = self.annotation(annotation_id)
        touching = [l for l in mirror.links if annotation_id in (l.from_id, l.to_id)]
        restore = [_create_op(ann)] + [Op("create_link", {"from_id": l.from_id, "to_id": l.to_id,
                                                          "kind": l.kind, "id": l.id}) for l in touching]
        self._do(Edit(mirror.document.id, f"delete {ann.layer} «{_short(ann.quote)}»",
                      [Op("delete_annotation", {"annotation_id": annotation_id})], restore))

    def set_links(self, from_id: str, kind: str, to_ids: list[str]) -> None:
        mirror = self._need_mirror()
        source = self.annotation(from_id)
        spec = self.codebook.link_kind(kind)
        targets = list(dict.fromkeys(to_ids))
        for to_id in targets:
            target = self.annotation(to_id)
            if source.layer != spec.from_layer or target.layer not in spec.to_layers or to_id == from_id:
                raise InvalidValueError(f"a {kind} link goes from {spec.from_layer} to {' or '.join(spec.to_layers)}")
        if not spec.multiple and len(targets) > 1:
            raise InvalidValueError(f"a {kind} link takes only one target")
        previous = [l.to_id for l in mirror.links if l.from_id == from_id and l.kind == kind]
        if previous == targets:
            return
        self._do(Edit(mirror.document.id, f"link {kind} of {source.layer} «{_short(source.quote)}»",
                      [_links_op(from_id, kind, targets, previous)], [_links_op(from_id, kind, previous, targets)]))

    def set_label(self, field_id: str, value: Any) -> None:
        mirror = self._need_mirror()
        spec = self.codebook.document_field(field_id)
        if value in ("", []):
            value = None
        if (why := spec.check(value)) is not None:
            raise InvalidValueError(f"{field_id}: {why}")
        previous = mirror.labels.get(field_id)
        if previous == value:
            return
        self._do(Edit(mirror.document.id, f"set {spec.label.en}",
                      [_label_op(mirror.document.id, field_id, value, previous)],
                      [_label_op(mirror.document.id, field_id, previous, value)]))

    # -- proposed values -------------------------------------------------------------------------------

    def propose(self, annotation_id: str, values: dict[str, Any]) -> dict[str, Any]:
        """Offer ``values`` for an annotation's empty fields; returns what is now proposed."""
        ann = self.annotation(annotation_id)
        offered = {k: v for k, v in values.items() if ann.attrs.get(k) in (None, "", [])}
        if offered:
            self._proposals[annotation_id] = {**self._proposals.get(annotation_id, {}), **offered}
        return self.proposals(annotation_id)

    def proposals(self, annotation_id: str) -> dict[str, Any]:
        """Proposed values still waiting for the coder: fields the coder has not filled since."""
        ann = self._mirror.annotations.get(annotation_id) if self._mirror else None
        if ann is None:
            return {}
        return {k: v for k, v in self._proposals.get(annotation_id, {}).items() if ann.attrs.get(k) in (None, "", [])}

    def accept_proposals(self, annotation_id: str) -> Annotation | None:
        """Store every waiting proposal of an annotation as one (undoable) edit; None if none wait."""
        waiting = self.proposals(annotation_id)
        if not waiting:
            return None
        ann = self.annotation(annotation_id)
        updated = self.update(annotation_id, attrs={**ann.attrs, **waiting})
        self._proposals.pop(annotation_id, None)
        return updated

    def discard_proposal(self, annotation_id: str, field_id: str) -> None:
        """The coder chose a value (or emptiness) for a proposed field: forget the proposal."""
        self._proposals.get(annotation_id, {}).pop(field_id, None)

    def missing(self) -> list[str]:
        """What keeps the open document from being done: the store's list plus spans whose proposed
        values are not confirmed yet."""
        mirror = self._need_mirror()
        problems = self.project.missing(self.coder, mirror.document.id)
        for ann in self.annotations:
            if waiting := self.proposals(ann.id):
                problems.append(f"{ann.layer} «{_short(ann.quote, 30)}»: proposed "
                                f"{', '.join(waiting)} not confirmed (press P to accept)")
        return problems

    def mark_done(self) -> str:
        """Mark the open document done (edits must be saved); NotReadyError lists what is missing."""
        problems = self.missing()
        if problems:
            raise NotReadyError(problems)
        return self.project.mark_done(self.coder, self._need_mirror().document.id)

    def _check(self, layer: str, attrs: dict[str, Any]) -> None:
        problems = self.codebook.attr_problems(layer, attrs)
        if problems:
            raise InvalidValueError("; ".join(problems))

    # -- history -------------------------------------------------------------------------------------

    def undo(self) -> str | None:
        """Undo the last edit (opening its document if another is open); returns its document id."""
        if not self._undo:
            return None
        edit = self._undo.pop()
        self._ensure_open(edit.document_id)
        self._redo.append(edit)
        self._apply(edit, edit.backward)
        return edit.document_id

    def redo(self) -> str | None:
        if not self._redo:
            return None
        edit = self._redo.pop()
        self._ensure_open(edit.document_id)
        self._undo.append(edit)
        self._apply(edit, edit.forward)
        return edit.document_id

    def _do(self, edit: Edit) -> None:
        self._undo.append(edit)
        self._redo.clear()
        self._apply(edit, edit.forward)

    def _ensure_open(self, document_id: str) -> None:
        if self.document is None or self.document.id != document_id:
            self.open(document_id)

    # -- applying and saving -------------------------------------------------------------------------

    def _apply(self, edit: Edit, ops: list[Op]) -> None:
        for op in ops:
            self._mirror_op(op)
        self._batches += 1
        self.pending.extend(_Queued(op, edit, self._batches) for op in ops)
        self.flush()

    def flush(self) -> bool:
        """Write pending edits in order, each edit in one transaction; True when everything is
        saved (or refused: see :attr:`refused`).

        A write SQLite cannot take now stays first in line; the caller retries later (the window
        on a timer). A write the store refuses for good is dropped, with the edits built on it.
        """
        while self.pending:
            batch = [q for q in self.pending if q.batch == self.pending[0].batch]
            written: dict[str, int] = {}
            try:
                with self.project.transaction():
                    for queued in batch:
                        self._store_op(queued.op, written)
            except DatabaseWriteError as exc:
                self.last_error = str(exc)
                return False
            except ProjectError as exc:
                self._refuse(batch, exc)
                continue
            del self.pending[:len(batch)]
            self._revisions.update(written)
            for queued in batch:
                if queued.op.name == "set_link_targets":
                    self._reload_links(queued.op.args["from_id"])
        self.last_error = None
        return True

    @property
    def saved(self) -> bool:
        return not self.pending

    def take_refused(self) -> list[Refusal]:
        """The edits refused since the last call (the window shows them once)."""
        refused, self.refused = self.refused, []
        return refused

    def _store_op(self, op: Op, written: dict[str, int]) -> None:
        """One store call; ``written`` collects the new revision of each annotation it wrote."""
        args = dict(op.args)
        if op.name == "create_annotation":
            self.project.create_annotation(self.coder, **args)
        elif op.name == "update_annotation":
            self.project.update_annotation(self.coder, **args, expect=self._expected(args["annotation_id"], written))
        elif op.name == "delete_annotation":
            self.project.delete_annotation(self.coder, **args, expect=self._expected(args["annotation_id"], written))
        elif op.name == "create_link":
            self.project.create_link(self.coder, **args)
        elif op.name == "set_link_targets":
            self.project.set_link_targets(self.coder, **args)
        elif op.name == "set_label":
            self.project.set_label(self.coder, **args)
        else:
            raise ValueError(f"unknown edit {op.name!r}")
        if op.name.endswith("_annotation"):
            written[args.get("id") or args["annotation_id"]] = self.project.last_change

    def _expected(self, annotation_id: str, written: dict[str, int]) -> int:
        return written.get(annotation_id, self._revisions.get(annotation_id, 0))

    def _refuse(self, batch: list[_Queued], exc: ProjectError) -> None:
        """Drop a refused edit and every queued edit built on the rows it touches; tell why; show
        the stored rows (with the edits still queued on top)."""
        reason = str(exc)
        if isinstance(exc, NotFoundError):
            reason = "a span it changes was deleted in another window or program"
        self.refused.append(Refusal(batch[0].edit.document_id, batch[0].edit.description, reason))
        dropped = {q.batch for q in batch}
        rows = set().union(*(_rows(q.op) for q in batch))
        for queued in self.pending:
            if queued.batch not in dropped and _rows(queued.op) & rows:
                dropped.add(queued.batch)
                self.refused.append(Refusal(queued.edit.document_id, queued.edit.description,
                                            "it changes a span or field of the refused edit “"
                                            f"{batch[0].edit.description}”"))
            if queued.batch in dropped:
                rows |= _rows(queued.op)
        for edit in {id(q.edit): q.edit for q in self.pending if q.batch in dropped}.values():
            # It never happened: undoing or redoing it would act on rows this window did not write.
            self._undo = [e for e in self._undo if e is not edit]
            self._redo = [e for e in self._redo if e is not edit]
        self.pending = [q for q in self.pending if q.batch not in dropped]
        self._resync()

    def _resync(self) -> None:
        if self._mirror is None:
            return
        try:
            mirror = self._read(self._mirror.document, set().union(*(_rows(q.op) for q in self.pending)))
        except ProjectError:
            return  # unreadable now: the screen keeps what it shows until the next look
        self._mirror = mirror
        for queued in self.pending:
            self._mirror_op(queued.op)

    def _reload_links(self, from_id: str) -> None:
        """Adopt the store's link ids, so a later delete/undo restores exactly those rows."""
        if self._mirror is None or from_id not in self._mirror.annotations:
            return
        stored = {(l.from_id, l.to_id, l.kind): l for l in self.project.links(self._mirror.document.id, self.coder)}
        self._mirror.links = [stored.get((l.from_id, l.to_id, l.kind), l) for l in self._mirror.links]

    def _mirror_op(self, op: Op) -> None:
        mirror = self._need_mirror()
        a = op.args
        if op.name != "set_label" and not all(r in mirror.annotations or r == a.get("id") for r in _rows(op)):
            return  # replayed after a resync on a span that is gone: that edit will be refused too
        if op.name == "create_annotation":
            mirror.put(Annotation(
                id=a["id"], document_id=a["document_id"], coder=self.coder, layer=a["layer"], start=a["start"],
                end=a["end"], quote=mirror.document.text[a["start"]:a["end"]], attrs=dict(a["attrs"]),
                created_at=_stamp(), updated_at=_stamp()))
        elif op.name == "update_annotation":
            old = mirror.annotations[a["annotation_id"]]
            mirror.put(replace(old, start=a["start"], end=a["end"], attrs=dict(a["attrs"]),
                               quote=mirror.document.text[a["start"]:a["end"]], updated_at=_stamp()))
        elif op.name == "delete_annotation":
            gone = a["annotation_id"]
            mirror.pop(gone)
            mirror.links = [l for l in mirror.links if gone not in (l.from_id, l.to_id)]
        elif op.name == "create_link":
            mirror.links.append(Link(a["id"], mirror.document.id, self.coder, a["from_id"], a["to_id"], a["kind"]))
        elif op.name == "set_link_targets":
            kept = [l for l in mirror.links if not (l.from_id == a["from_id"] and l.kind == a["kind"])]
            mirror.links = kept + [Link(str(uuid.uuid4()), mirror.document.id, self.coder, a["from_id"], t, a["kind"])
                                   for t in a["to_ids"]]
        elif op.name == "set_label":
            if a["value"] is None:
                mirror.labels.pop(a["field"], None)
            else:
                mirror.labels[a["field"]] = a["value"]


def _create_op(ann: Annotation) -> Op:
    return Op("create_annotation", {"document_id": ann.document_id, "layer": ann.layer, "start": ann.start,
                                    "end": ann.end, "attrs": dict(ann.attrs), "id": ann.id})


def _update_op(annotation_id: str, start: int, end: int, attrs: dict[str, Any]) -> Op:
    return Op("update_annotation", {"annotation_id": annotation_id, "start": start, "end": end, "attrs": dict(attrs)})


def _links_op(from_id: str, kind: str, to_ids: list[str], expect: list[str]) -> Op:
    return Op("set_link_targets", {"from_id": from_id, "kind": kind, "to_ids": list(to_ids), "expect": list(expect)})


def _label_op(document_id: str, field_id: str, value: Any, expect: Any) -> Op:
    return Op("set_label", {"document_id": document_id, "field": field_id, "value": value, "expect": expect})


def _rows(op: Op) -> set[str]:
    """The annotations an op depends on (for labels, the field): a refused op drops the queued
    ops that share one."""
    a = op.args
    if op.name == "set_label":
        return {"field:" + a["field"]}
    ids = {a.get("id") if op.name == "create_annotation" else None, a.get("annotation_id"), a.get("from_id"),
           a.get("to_id"), *a.get("to_ids", []), *(a["expect"] if op.name == "set_link_targets" else [])}
    return ids - {None}


def _stamp() -> str:
    return time.strftime("%Y-%m-%dT%H:%M:%S", time.gmtime())


def _short(text: str, limit: int = 24) -> str:
    return text if len(text) <= limit else text[:limit] + "…"
