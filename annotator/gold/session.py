"""The adjudication session: everything the adjudication view calls (Qt-free, tested without a display).

::

    adj = Adjudication(project, "nour")        # nour has the role adjudicator (None: unnamed)
    adj.open("sample-01")                      # ProjectError unless two coders finished it
    adj.coders                                 # the document's source coders, in coder order
    adj.coder_annotations("demo-amal")         # a coder's spans / links / fields, to show side by side
    adj.items(); adj.disagreements()           # candidate items; the unresolved non-unanimous ones, in text order
    adj.accept(item_id, "demo-amal")           # take that coder's version (span, link targets or field)
    adj.reject(item_id)                        # rule the item out of gold
    adj.edit(gold_id, start=.., end=.., attrs={..})   # change a gold span: decision "edited"
    adj.new("actor", 10, 14, {...})            # a span no coder marked: decision "new"
    adj.retract(gold_id)                       # take a gold span (and its links) back: its item is open again
    adj.set_label("relevant", True)            # a document field's gold value (None: stays empty)
    adj.set_link_targets(gold_id, "perpetrator", [gold_id2])
    adj.accept_all_unanimous()                 # -> how many items were accepted
    adj.undo(); adj.redo()                     # any decision, across documents
    adj.mark_done()                            # NotReadyError listing what is left, unless force=True
    adj.progress(); adj.project_progress()

Items and their rules are in :mod:`annotator.gold.candidates`; the decision kinds recorded in
:mod:`annotator.gold.decisions`.  Every call that decides is one transaction with one row in the
``changes`` log (:meth:`Project.write_gold`), then the open document's items are rebuilt, so
``items()`` always reflects the store.  Item ids stay the same across decisions and reopening, so
the view can keep its selection.  Undo writes the inverse edit the store returned (another logged
transaction, action ``gold_undo``); undoing a decision of another document opens that document.
Coders' later edits are listed by :meth:`flags`, never merged.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, replace
from typing import Any, TypeVar

from annotator.gold.auto import MODES, AutoResult, auto_edit
from annotator.gold.candidates import (
    MIN_CODERS,
    Candidates,
    DocumentCandidates,
    DocumentGold,
    Item,
    LinkItem,
    SpanItem,
    build_candidates,
)
from annotator.gold.decisions import (
    DecisionError,
    accept_field,
    accept_span,
    label_row,
    link_rows,
    link_targets,
    reject_span,
)
from annotator.gold.flags import GoldFlag, gold_flags
from annotator.history import UndoHistory
from annotator.model import Annotation, Document, GoldAnnotation, GoldLabel, GoldLink, Link, Provenance
from annotator.store import (
    InvalidValueError,
    NotFoundError,
    NotReadyError,
    Project,
    ProjectError,
    _short,
    check_span,
)
from annotator.store.gold import GoldEdit, now


@dataclass(frozen=True)
class DocumentProgress:
    """Where the open document stands: its gold status and how many items are decided."""

    document_id: str
    status: str  # todo | in_progress | done
    items: int
    resolved: int
    disagreements: int  # unresolved items that are not unanimous
    unanimous_open: int  # unresolved unanimous items (accept_all_unanimous takes them)
    flags: int


@dataclass(frozen=True)
class ProjectProgress:
    """Gold status over the candidate documents (two or more coders finished them)."""

    documents: int
    todo: int
    in_progress: int
    done: int

    def moved(self, before: str, after: str) -> "ProjectProgress":
        """The same count after one document's status went from ``before`` to ``after``."""
        if before == after:
            return self
        counts = {"todo": self.todo, "in_progress": self.in_progress, "done": self.done}
        counts[before] -= 1
        counts[after] += 1
        return ProjectProgress(self.documents, **counts)


@dataclass(frozen=True)
class _Step:
    document_id: str
    description: str
    action: str
    edit: GoldEdit  # what reverses the step's last application


class Adjudication(UndoHistory):
    """One adjudicator's session on a project (module docstring)."""

    def __init__(self, project: Project, adjudicator: str | None = None, *, min_coders: int = MIN_CODERS):
        if adjudicator is not None and project.coder_role(adjudicator) != "adjudicator":
            raise InvalidValueError(f"{adjudicator!r} is a coder, not an adjudicator; add an adjudicator with "
                                    "`annotator add-coder NAME --role adjudicator`")
        self.project = project
        self.adjudicator = adjudicator
        self.min_coders = min_coders
        self._document: Document | None = None
        self._candidates: DocumentCandidates | None = None
        self._built: Candidates | None = None
        self._undo: list[_Step] = []
        self._redo: list[_Step] = []
        # The project's progress, counted once (a query over every document) and then moved along
        # as the open document's status changes: (progress, the open document's status then).
        self._whole: tuple[ProjectProgress, str | None] | None = None

    # -- the open document -------------------------------------------------------------------------

    def open(self, document_id: str) -> Document:
        """Open a document for adjudication; ProjectError when fewer than two coders finished it."""
        document = self.project.document(document_id)
        built = build_candidates(self.project, [document_id], min_coders=self.min_coders)
        if document_id not in built.documents:
            reason = dict(built.excluded)[document_id]
            raise ProjectError(f"{document_id}: {reason} (coders mark documents done in their window)")
        self._document, self._built, self._candidates = document, built, built.document(document_id)
        if self._whole is not None:
            self._whole = (self._whole[0], self.status)
        return document

    def refresh(self) -> None:
        """Rebuild the open document's items from the store (after changes made elsewhere)."""
        self._whole = None
        if self._document is not None:
            self.open(self._document.id)

    def _regold(self) -> None:
        """After this session's own decision: only gold changed, so the alignment is kept."""
        self._built.regold(self.project, [self._document.id])
        self._candidates = self._built.document(self._document.id)

    @property
    def document(self) -> Document | None:
        return self._document

    @property
    def candidates(self) -> DocumentCandidates:
        if self._candidates is None:
            raise InvalidValueError("no document is open")
        return self._candidates

    @property
    def coders(self) -> tuple[str, ...]:
        return self.candidates.coders

    def coder_annotations(self, coder: str) -> list[Annotation]:
        return self.project.annotations(self._doc_id(), coder)

    def coder_links(self, coder: str) -> list[Link]:
        return self.project.links(self._doc_id(), coder)

    def coder_labels(self, coder: str) -> dict[str, Any]:
        return self.project.labels(self._doc_id(), coder)

    def items(self) -> list[Item]:
        """Span items (text order), then link items, then document-field items."""
        return self.candidates.items()

    def item(self, item_id: str) -> Item:
        try:
            return self.candidates.item(item_id)
        except KeyError:
            raise NotFoundError(f"no candidate item {item_id!r} in {self._doc_id()}") from None

    def disagreements(self, *, include_resolved: bool = False) -> list[Item]:
        """Items that are not unanimous, unresolved unless asked: fields first, then text order."""
        return self.candidates.disagreements(include_resolved=include_resolved)

    def pending(self) -> list[Item]:
        """Every unresolved item, unanimous ones included."""
        return self.candidates.pending()

    # The open document's gold as read after the last decision (every decision goes through
    # _decide, which reads it again once); refresh() reads what others wrote.

    def gold_annotations(self, *, include_rejected: bool = False) -> list[GoldAnnotation]:
        return _decided(self._gold().annotation_rows, include_rejected)

    def gold_links(self, *, include_rejected: bool = False) -> list[GoldLink]:
        return _decided(self._gold().link_rows, include_rejected)

    def gold_labels(self, *, include_rejected: bool = False) -> dict[str, GoldLabel]:
        return {f: g for f, g in self._gold().labels.items()
                if include_rejected or g.provenance.decision != "rejected"}

    def _gold(self) -> DocumentGold:
        return self._built.gold(self._doc_id())

    def flags(self) -> list[GoldFlag]:
        """Coders' edits made after the gold decisions that cover them (never merged)."""
        return gold_flags(self.project, self._doc_id())

    @property
    def status(self) -> str:
        return self.project.gold_status(self._doc_id())

    def _doc_id(self) -> str:
        if self._document is None:
            raise InvalidValueError("no document is open")
        return self._document.id

    # -- decisions -----------------------------------------------------------------------------------

    def accept(self, item_id: str, coder: str) -> GoldAnnotation | list[GoldLink] | GoldLabel:
        """Make ``coder``'s version of an item gold: a span, the targets of a link item, a field."""
        item, doc, at = self.item(item_id), self.candidates, now()
        try:
            if isinstance(item, SpanItem):
                row = accept_span(doc, item, coder, self.adjudicator, at, min_coders=self.min_coders)
                self._decide("gold_accept", f"accept {coder}'s {item.layer} «{_short(row.quote)}»",
                             GoldEdit(doc.document_id, annotations=(row,)), item)
                return row
            if isinstance(item, LinkItem):
                if item.versions.get(coder) is None:
                    raise DecisionError(f"{coder!r} has no span where this link starts")
                source, targets = link_targets(doc, item, item.versions[coder])
                return self._set_links(source, item.kind, targets, f"accept {coder}'s {item.kind} links", item)
            row = accept_field(doc, item, coder, self.adjudicator, at, min_coders=self.min_coders)
            self._decide("gold_label", f"accept {coder}'s {item.field}", GoldEdit(doc.document_id, labels=(row,)),
                         item)
            return row
        except DecisionError as exc:
            raise InvalidValueError(str(exc)) from None

    def reject(self, item_id: str) -> GoldAnnotation | list[GoldLink] | GoldLabel:
        """Rule an item out of gold: a span (and any gold links to it), every link target, a field."""
        item, doc = self.item(item_id), self.candidates
        try:
            if isinstance(item, SpanItem):
                row = reject_span(doc, item, self._document.text, self.adjudicator, now())
                touching = tuple(l.id for l in self.gold_links(include_rejected=True)
                                 if item.resolution is not None and item.resolution.id in (l.from_id, l.to_id))
                self._decide("gold_reject", f"reject {item.layer} «{_short(row.quote)}»",
                             GoldEdit(doc.document_id, annotations=(row,), drop_links=touching), item)
                return row
            if isinstance(item, LinkItem):
                source, _ = link_targets(doc, item, ())
                return self._set_links(source, item.kind, [], f"reject the {item.kind} links", item)
            return self.set_label(item.field, None)
        except DecisionError as exc:
            raise InvalidValueError(str(exc)) from None

    def edit(self, gold_id: str, *, start: int | None = None, end: int | None = None,
             attrs: dict[str, Any] | None = None) -> GoldAnnotation:
        """Change a gold span's edges and/or attributes; the decision becomes ``edited``."""
        before = self._gold_span(gold_id)
        if before.provenance.decision == "rejected":
            raise InvalidValueError("a rejected span is not gold; accept a version or add a new span instead")
        new_start = before.start if start is None else start
        new_end = before.end if end is None else end
        quote = check_span(self._document.text, new_start, new_end)
        row = replace(before, start=new_start, end=new_end, quote=quote,
                      attrs=dict(before.attrs if attrs is None else attrs),
                      provenance=replace(before.provenance, decision="edited", adjudicator=self.adjudicator,
                                         decided_at=now()))
        what = "edges" if attrs is None else "fields" if start is None and end is None else "span"
        self._decide("gold_edit", f"edit {what} of gold {before.layer} «{_short(before.quote)}»",
                     GoldEdit(before.document_id, annotations=(row,)), None, {"gold_id": gold_id})
        return row

    def new(self, layer: str, start: int, end: int, attrs: dict[str, Any] | None = None) -> GoldAnnotation:
        """A gold span no coder marked (decision ``new``)."""
        doc_id = self._doc_id()
        quote = check_span(self._document.text, start, end)
        row = GoldAnnotation(str(uuid.uuid4()), doc_id, layer, start, end, quote, dict(attrs or {}),
                             Provenance("new", (), self.adjudicator, now()))
        self._decide("gold_new", f"new gold {layer} «{_short(quote)}»", GoldEdit(row.document_id, annotations=(row,)))
        return row

    def retract(self, gold_id: str) -> GoldAnnotation:
        """Take a gold span decision back (its gold links go with it): its item is open again."""
        row = self._gold_span(gold_id)
        self._decide("gold_retract", f"retract gold {row.layer} «{_short(row.quote)}»",
                     GoldEdit(row.document_id, drop_annotations=(gold_id,)), None, {"gold_id": gold_id})
        return row

    def set_label(self, field_id: str, value: Any) -> GoldLabel | None:
        """A document field's gold value; None leaves it empty (a ``rejected`` row when some coder
        filled it; otherwise any gold value is simply removed)."""
        doc = self.candidates
        row = label_row(doc, field_id, value, self.adjudicator, now(), min_coders=self.min_coders)
        item = next((f for f in doc.fields if f.field == field_id), None)
        if row.value is None and item is None:
            if field_id not in self.gold_labels(include_rejected=True):
                return None
            edit = GoldEdit(doc.document_id, drop_labels=(field_id,))
        else:
            edit = GoldEdit(doc.document_id, labels=(row,))
        self._decide("gold_label", f"set gold {field_id}", edit, item)
        return row if edit.labels else None

    def set_link_targets(self, from_gold_id: str, kind: str, to_gold_ids: list[str]) -> list[GoldLink]:
        """Make ``to_gold_ids`` the whole set of gold ``kind`` links from a gold span; targets some
        coder proposed and that are left out are recorded as rejected."""
        source = self._gold_span(from_gold_id)
        if source.provenance.decision == "rejected":
            raise InvalidValueError("a rejected span cannot be linked")
        decided = {s.id: s.resolution.id for s in self.candidates.spans if s.resolution is not None}
        item = next((l for l in self.candidates.links if l.kind == kind and decided.get(l.from_item) == from_gold_id),
                    None)
        return self._set_links(source, kind, to_gold_ids, f"set gold {kind} links", item)

    def _set_links(self, source: GoldAnnotation, kind: str, targets: list[str], description: str,
                   item: Item | None) -> list[GoldLink]:
        doc = self.candidates
        gold = {g.id: g for g in self.gold_annotations(include_rejected=True)}
        rows, drop = link_rows(doc, source, kind, targets, gold, self.gold_links(include_rejected=True),
                               self.adjudicator, now(), min_coders=self.min_coders)
        self._decide("gold_links", description, GoldEdit(doc.document_id, links=tuple(rows), drop_links=tuple(drop)),
                     item, {"from_id": source.id, "kind": kind})
        return [r for r in rows if r.provenance.decision != "rejected"]

    def accept_all(self, mode: str = "unanimous") -> int:
        """Accept every unresolved item ``mode`` allows (auto acceptance, :mod:`annotator.gold.auto`)
        in the open document, as one undoable decision; returns how many items were decided."""
        if mode not in MODES:
            raise InvalidValueError(f"mode {mode!r} is not one of {', '.join(MODES)}")
        result = AutoResult(mode)
        edit = auto_edit(self.candidates, self._document.text, mode, self.adjudicator, now(),
                         min_coders=self.min_coders, result=result)
        decided = sum(result.accepted.values()) + sum(result.rejected.values())
        if edit:
            self._decide("gold_auto", f"accept all {mode} items ({decided})", edit, None, {"mode": mode})
        return decided

    def accept_all_unanimous(self) -> int:
        return self.accept_all("unanimous")

    def mark_done(self, *, force: bool = False) -> None:
        """Mark the document's gold done; NotReadyError lists the undecided items unless ``force``."""
        left = self.pending()
        if left and not force:
            raise NotReadyError([describe(item) for item in left])
        self._decide("gold_done", "mark gold done", GoldEdit(self._doc_id(), done=True))

    def reopen(self) -> None:
        self._decide("gold_reopen", "reopen gold", GoldEdit(self._doc_id(), done=False))

    def _gold_span(self, gold_id: str) -> GoldAnnotation:
        row = self.project.gold_annotation(gold_id)
        if row.document_id != self._doc_id():
            raise NotFoundError(f"gold annotation {gold_id!r} is not in the open document")
        return row

    def _decide(self, action: str, description: str, edit: GoldEdit, item: Item | None = None,
                note: dict[str, Any] | None = None) -> None:
        note = {**(note or {}), **({"item": item.id} if item is not None else {})}
        inverse = self.project.write_gold(self.adjudicator, edit, action=action, note=note)
        self._undo.append(_Step(edit.document_id, description, action, inverse))
        self._redo.clear()
        self._regold()

    # -- history -------------------------------------------------------------------------------------

    def undo(self) -> str | None:
        """Undo the last decision (opening its document if needed); returns its document id."""
        return self._replay(self._undo, self._redo, "gold_undo")

    def redo(self) -> str | None:
        return self._replay(self._redo, self._undo, "gold_redo")

    def _replay(self, source: list[_Step], target: list[_Step], action: str) -> str | None:
        if not source:
            return None
        step = source[-1]
        if self._document is None or self._document.id != step.document_id:
            self.open(step.document_id)
        reverse = self.project.write_gold(self.adjudicator, step.edit, action=action, note={"of": step.action})
        source.pop()
        target.append(replace(step, edit=reverse))
        self._regold()
        return step.document_id

    # -- progress ------------------------------------------------------------------------------------

    def progress(self) -> DocumentProgress:
        doc = self.candidates
        items = doc.items()
        return DocumentProgress(doc.document_id, self.status, len(items), sum(i.resolved for i in items),
                                sum(not i.resolved and i.status != "unanimous" for i in items),
                                sum(not i.resolved and i.status == "unanimous" for i in items), len(self.flags()))

    def project_progress(self) -> ProjectProgress:
        status = self.status if self._document is not None else None
        if self._whole is None:
            self._whole = (project_progress(self.project), status)
        elif status != self._whole[1]:
            self._whole = (self._whole[0].moved(self._whole[1], status), status)
        return self._whole[0]


def project_progress(project: Project) -> ProjectProgress:
    """Gold status of every candidate document of a project."""
    candidates = project.documents_finished_by(2)
    done = set(project.gold_document_ids(done_only=True))
    started = set(project.gold_document_ids())
    n_done = sum(d in done for d in candidates)
    n_started = sum(d in started and d not in done for d in candidates)
    return ProjectProgress(len(candidates), len(candidates) - n_done - n_started, n_started, n_done)


_Row = TypeVar("_Row", GoldAnnotation, GoldLink)


def _decided(rows: list[_Row], include_rejected: bool) -> list[_Row]:
    return list(rows) if include_rejected else [r for r in rows if r.provenance.decision != "rejected"]


def describe(item: Item) -> str:
    """One line naming an item, for lists of what is left."""
    if isinstance(item, SpanItem):
        what = ", ".join(item.kinds) or item.status
        return f"{item.layer} {item.start}–{item.end} ({what})"
    if isinstance(item, LinkItem):
        return f"{item.kind} links ({'waiting for their spans' if not item.ready else item.status})"
    return f"document field {item.field} ({item.status})"
