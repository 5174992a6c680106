"""Writing imported documents to the project, as a coder's work or as gold.

Each document is one transaction (the store's calls inside it are savepoints, each logged in
``changes``): a bad item is rolled back alone and reported, the rest of the document is kept.
Importing the same file again changes nothing: an item whose id is already stored with the same
content counts as *already there*; one stored with other content is reported, never overwritten.
"""

from __future__ import annotations

import reprlib
from collections.abc import Iterable
from datetime import datetime, timezone
from typing import Any

from annotator.codebook import Codebook
from annotator import corpus
from annotator.corpus import normalize_text
from annotator.export.records import ExportLink, ExportSpan
from annotator.export.sources import GOLD
from annotator.imports.incoming import ImportReport, Incoming
from annotator.model import GoldAnnotation, GoldLabel, GoldLink, Provenance, Rejection
from annotator.store import STATUSES, NotFoundError, Project, ProjectError, _short
from annotator.store.gold import GoldEdit

# Gold that arrives without a decision (from brat or Label Studio) is recorded as an adjudicator's
# own addition, made at import time.
IMPORTED_DECISION = "new"


def apply(project: Project, items: Iterable[Incoming | Rejection], report: ImportReport, *,
          coder: str | None = None, gold: bool = False) -> None:
    for item in items:
        if isinstance(item, Rejection):
            report.rejections.append(item)
            continue
        document_id = _document(project, item, report)
        if document_id is None:
            continue
        target = GOLD if gold else (coder or item.record.source)
        if target == GOLD:
            _apply_gold(project, item, document_id, report)
        else:
            _apply_coder(project, item.as_coder(target), document_id, target, report)


def _document(project: Project, item: Incoming, report: ImportReport) -> str | None:
    """The stored document the item belongs to, adding it from the file's text if it is new."""
    d = item.record.document
    try:
        stored = project.document(d.id)
    except NotFoundError:
        stored = None
    if stored is not None:
        if stored.text != d.text:
            report.reject(item.path, item.line, f"document {d.id}: the file's text differs from the stored text, "
                                                "so its offsets would point elsewhere; nothing of it was imported")
            return None
        return d.id
    same = project.document_with_hash(d.sha256)
    if same is not None:
        return same
    if not d.text.strip():
        report.reject(item.path, item.line, f"document {d.id}: the text is empty")
        return None
    if len(d.text) > corpus.MAX_ITEM_BYTES:  # the limit of `annotator import`, for the same reasons
        report.reject(item.path, item.line, f"document {d.id}: the text is longer than "
                                            f"{corpus.megabytes(corpus.MAX_ITEM_BYTES)}, far more than any article")
        return None
    if normalize_text(d.text) != d.text:
        report.reject(item.path, item.line,
                      f"document {d.id}: the text is not normalized (CR line ends, a BOM or characters not "
                      "in NFC), so its offsets would shift on import; import the articles first with "
                      "`annotator import`, then the annotations")
        return None
    project.add_documents([d])
    report.documents_added += 1
    return d.id


def span_problem(codebook: Codebook, text: str, span: ExportSpan) -> str | None:
    """Why a span cannot be stored on ``text``, or None."""
    if not codebook.has_layer(span.layer):
        return f"the codebook has no layer {reprlib.repr(span.layer)}"
    start, end = span.start, span.end
    if isinstance(start, bool) or isinstance(end, bool) or not isinstance(start, int) or not isinstance(end, int):
        return f"offsets must be whole numbers, not {reprlib.repr(start)}..{reprlib.repr(end)}"
    if not 0 <= start < end <= len(text):
        return f"offsets {start}..{end} do not fit the text of {len(text)} characters"
    if span.quote is not None and text[start:end] != span.quote:
        return f"the quote «{_short(span.quote)}» is not the text at {start}..{end} («{_short(text[start:end])}»)"
    problems = codebook.attr_problems(span.layer, span.attrs)
    return "; ".join(problems) if problems else None


def link_problem(codebook: Codebook, link: ExportLink, spans: dict[str, ExportSpan]) -> str | None:
    source, target = spans.get(link.from_id), spans.get(link.to_id)
    if source is None or target is None:
        missing = link.from_id if source is None else link.to_id
        return f"its span {missing} is not in the import (rejected or absent)"
    try:
        spec = codebook.link_kind(link.kind)
    except KeyError:
        return f"the codebook has no link kind {reprlib.repr(link.kind)}"
    if source.layer != spec.from_layer or target.layer not in spec.to_layers:
        return (f"a {link.kind} link goes from {spec.from_layer} to {' or '.join(spec.to_layers)}, "
                f"not from {source.layer} to {target.layer}")
    return None


def _apply_coder(project: Project, item: Incoming, document_id: str, coder: str, report: ImportReport) -> None:
    record = item.record
    text = project.document(document_id).text
    with project.transaction():
        try:
            project.add_coder(coder)
            project.assign([document_id], coder)
        except ProjectError as exc:
            report.reject(item.path, item.line, f"coder {coder!r}: {exc}")
            return
        accepted: dict[str, ExportSpan] = {}
        for s in record.spans:
            why = span_problem(project.codebook, text, s)
            if why is None:
                why = _stored_span(project, s, document_id, coder)
                if why is None:
                    report.unchanged += 1
                    accepted[s.id] = s
                    continue
                if why == "":
                    why = _try(lambda: project.create_annotation(coder, document_id, s.layer, s.start, s.end,
                                                                 s.attrs, id=s.id))
                    if why is None:
                        report.spans += 1
                        accepted[s.id] = s
                        continue
            report.reject(*item.where(s.id), f"span {s.id}: {why}")
        stored_links = {(l.from_id, l.to_id, l.kind): l.id for l in project.links(document_id, coder)}
        for l in record.links:
            why = link_problem(project.codebook, l, accepted)
            if why is None:
                if stored_links.get((l.from_id, l.to_id, l.kind)) == l.id:
                    report.unchanged += 1
                    continue
                why = _try(lambda: project.create_link(coder, l.from_id, l.to_id, l.kind, id=l.id))
                if why is None:
                    report.links += 1
                    continue
            report.reject(*item.where(l.id), f"link {l.id} ({l.kind}): {why}")
        labels = project.labels(document_id, coder)
        for field, value in record.labels.items():
            if labels.get(field) == value:
                report.unchanged += 1
                continue
            why = _try(lambda: project.set_label(coder, document_id, field, value))
            if why is None:
                report.fields += 1
            else:
                report.reject(item.path, item.line, f"document field {field}: {why}")
        if record.status in STATUSES and project.assignment(coder, document_id).status != record.status:
            project.set_status(coder, document_id, record.status)


def _stored_span(project: Project, s: ExportSpan, document_id: str, coder: str) -> str | None:
    """None: stored already as it is; "": not stored; otherwise why the id cannot be used."""
    try:
        old = project.annotation(s.id)
    except NotFoundError:
        return ""
    if (old.document_id, old.coder, old.layer, old.start, old.end, old.attrs) == \
            (document_id, coder, s.layer, s.start, s.end, s.attrs):
        return None
    return (f"the id is already used by {old.coder}'s {old.layer} span in {old.document_id} with other "
            "content; it was not overwritten")


def _try(write: Any) -> str | None:
    try:
        write()
    except ProjectError as exc:
        return str(exc)
    return None


def _apply_gold(project: Project, item: Incoming, document_id: str, report: ImportReport) -> None:
    record = item.record
    text = project.document(document_id).text
    now = datetime.now(timezone.utc).isoformat(timespec="milliseconds")
    imported = Provenance(IMPORTED_DECISION, (), None, now)
    stored = {g.id: g for g in project.gold_annotations(document_id, include_rejected=True)}
    accepted: dict[str, ExportSpan] = {}
    new_spans: list[GoldAnnotation] = []
    for s in record.spans:
        why = span_problem(project.codebook, text, s)
        gold = GoldAnnotation(s.id, document_id, s.layer, s.start, s.end, text[s.start:s.end] if why is None else "",
                              s.attrs, s.provenance or imported, s.covers)
        if why is None and s.id in stored:
            if _same_gold(stored[s.id], gold):
                report.unchanged += 1
                accepted[s.id] = s
                continue
            why = "a gold span with this id is stored with other content; it was not overwritten"
        if why is None and _gold_id_elsewhere(project, s.id):
            why = "the id is already used by a gold span of another document"
        if why is None:
            new_spans.append(gold)
            accepted[s.id] = s
        else:
            report.reject(*item.where(s.id), f"gold span {s.id}: {why}")
    stored_links = {l.id: l for l in project.gold_links(document_id, include_rejected=True)}
    single = {(l.from_id, l.kind) for l in stored_links.values()}
    new_links: list[GoldLink] = []
    for l in record.links:
        why = link_problem(project.codebook, l, accepted)
        link = GoldLink(l.id, document_id, l.from_id, l.to_id, l.kind, l.provenance or imported, l.covers)
        if why is None and l.id in stored_links:
            if _same_link(stored_links[l.id], link):
                report.unchanged += 1
                continue
            why = "a gold link with this id is stored with other content; it was not overwritten"
        if why is None and not project.codebook.link_kind(l.kind).multiple and (l.from_id, l.kind) in single:
            why = f"a {l.kind} link takes only one target, and this span has one already"
        if why is None:
            single.add((l.from_id, l.kind))
            new_links.append(link)
        else:
            report.reject(*item.where(l.id), f"gold link {l.id} ({l.kind}): {why}")
    stored_labels = project.gold_labels(document_id, include_rejected=True)
    new_labels: list[GoldLabel] = []
    for field, value in record.labels.items():
        label = GoldLabel(document_id, field, value, record.label_provenance.get(field) or imported)
        why = _gold_label_problem(project.codebook, label)
        if why is None and field in stored_labels:
            if stored_labels[field].value == value:
                report.unchanged += 1
                continue
            why = f"a gold value is stored already ({stored_labels[field].value!r}); it was not overwritten"
        if why is None:
            new_labels.append(label)
        else:
            report.reject(item.path, item.line, f"gold document field {field}: {why}")
    done = True if record.status == "done" and project.gold_status(document_id) != "done" else None
    edit = GoldEdit(document_id, tuple(new_spans), tuple(new_links), tuple(new_labels), done=done)
    if not edit:
        return
    provenances = [g.provenance for g in new_spans] + [l.provenance for l in new_links]
    provenances += [label.provenance for label in new_labels]
    try:
        with project.transaction():
            known = set(project.coders())
            for name in sorted({p.adjudicator for p in provenances if p.adjudicator} - known):
                project.add_coder(name, "adjudicator")
            project.write_gold(None, edit, action="import_gold", note={"file": item.path})
    except ProjectError as exc:
        report.reject(item.path, item.line, f"document {document_id}: the gold could not be written: {exc}")
        return
    report.spans += len(new_spans)
    report.links += len(new_links)
    report.fields += len(new_labels)


def _same_gold(a: GoldAnnotation, b: GoldAnnotation) -> bool:
    return (a.layer, a.start, a.end, a.attrs, a.provenance.decision) == \
        (b.layer, b.start, b.end, b.attrs, b.provenance.decision)


def _same_link(a: GoldLink, b: GoldLink) -> bool:
    return (a.from_id, a.to_id, a.kind, a.provenance.decision) == (b.from_id, b.to_id, b.kind, b.provenance.decision)


def _gold_id_elsewhere(project: Project, gold_id: str) -> bool:
    try:
        project.gold_annotation(gold_id)
    except NotFoundError:
        return False
    return True


def _gold_label_problem(codebook: Codebook, label: GoldLabel) -> str | None:
    try:
        spec = codebook.document_field(label.field)
    except KeyError as exc:
        return str(exc.args[0])
    if label.value in (None, "", []):
        return "a gold value cannot be empty"
    return spec.check(label.value)

