"""Reading a Label Studio JSON export (a list of tasks) back: our ``tasks.json``, or a project
being moved out of Label Studio.

Per task: the text is ``data.text`` (else the longest text value of ``data``); the document id is
``data.document_id`` (ours), else ``data.id`` or ``data.doc_id``, else ``labelstudio-TASK``. Each
annotation that was not cancelled is one coder's work: ``--coder NAME``, else our ``coder`` key,
else the Label Studio user (``completed_by`` e-mail or id, ``created_username``); predictions are
not imported. Results:

* ``labels`` regions become spans (layer = the first label). Offsets are code points, as Label
  Studio stores them; an export from a Label Studio older than its code-point fix (UTF-16
  offsets) is recognised when only the UTF-16 reading gives the region's ``text``, and
  converted. Label Studio writes line breaks in ``value.text`` as ``\\n``; both forms are accepted.
* ``choices``, ``number``, ``textarea``, ``datetime`` with a region's id are that span's fields,
  named ``LAYER.FIELD`` (ours) or ``FIELD``; without a region they are document fields
  (``document.FIELD`` or ``FIELD``).
* ``relation`` results are links (kind = the first label).

Problems name the file and the task's line (tasks are read one by one from the array).
"""

from __future__ import annotations

import json
import uuid
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from annotator.codebook import Codebook
from annotator.corpus import _LineCounter, _skip_space
from annotator.corpus import _title_from as title_from
from annotator.export.labelstudio import DOCUMENT, TASKS, VALUE_KEYS, from_ls
from annotator.export.records import ExportDocument, ExportLink, ExportSpan
from annotator.export.sources import GOLD
from annotator.imports import incoming
from annotator.imports.incoming import Incoming, TooLarge, derived_id
from annotator.model import Document, Rejection
from annotator.offsets import OffsetMap


class _Problem(ValueError):
    """A result that cannot be imported; the message says why."""


def read(path: Path, codebook: Codebook, *, coder: str | None = None) -> Iterator[Incoming | Rejection]:
    if path.is_dir():
        path = path / TASKS
    where = str(path)
    try:
        text = incoming.read_text(path, incoming.MAX_FILE_BYTES, encoding="utf-8-sig")
    except TooLarge as exc:
        yield Rejection(where, None, f"{exc}; split the export into smaller files")
        return
    except OSError as exc:
        yield Rejection(where, None, f"cannot read: {exc.strerror or exc}")
        return
    except UnicodeDecodeError as exc:
        yield Rejection(where, None, f"not UTF-8 text (byte {exc.start}); Label Studio exports are UTF-8")
        return
    for line, task in _tasks(text, where):
        if isinstance(task, Rejection):
            yield task
        else:
            yield from _task(task, codebook, coder, where, line)


def _tasks(text: str, where: str) -> Iterator[tuple[int, Any]]:
    """(line, task) for each element of the top-level array (or the one top-level object)."""
    decoder = json.JSONDecoder()
    lines = _LineCounter(text)
    pos = _skip_space(text, 0)
    try:
        if not text.startswith("[", pos):
            task, end = decoder.raw_decode(text, pos)
            if _skip_space(text, end) != len(text):
                raise json.JSONDecodeError("Extra data", text, end)
            yield lines.at(pos), task
            return
        pos = _skip_space(text, pos + 1)
        while not text.startswith("]", pos):
            task, end = decoder.raw_decode(text, pos)
            yield lines.at(pos), task
            pos = _skip_space(text, end)
            if text.startswith(",", pos):
                pos = _skip_space(text, pos + 1)
            elif not text.startswith("]", pos):
                raise json.JSONDecodeError("Expecting ',' delimiter", text, pos)
    except json.JSONDecodeError as exc:
        yield exc.lineno, Rejection(where, exc.lineno, f"invalid JSON: {exc.msg} (column {exc.colno}); "
                                                       "the rest of the file was skipped")
    except RecursionError:
        line = lines.at(pos)
        yield line, Rejection(where, line, "invalid JSON: nested too deeply; the rest of the file was skipped")


def _task(task: Any, codebook: Codebook, coder: str | None, where: str, line: int) -> Iterator[Incoming | Rejection]:
    data = task.get("data") if isinstance(task, dict) else None
    if not isinstance(data, dict):
        yield Rejection(where, line, "not a Label Studio task (no data object)")
        return
    text = data.get("text")
    if not isinstance(text, str):
        texts = [v for v in data.values() if isinstance(v, str)]
        text = max(texts, key=len) if texts else None
    if not text:
        yield Rejection(where, line, f"task {task.get('id')}: no text in data")
        return
    document_id = str(data.get("document_id") or data.get("id") or data.get("doc_id") or f"labelstudio-{task.get('id')}")
    meta = data.get("meta") if isinstance(data.get("meta"), dict) else {}
    document = Document(id=document_id, title=str(data.get("title") or title_from(text)), text=text,
                        outlet=data.get("outlet"), url=data.get("url"), published=data.get("published"),
                        meta=meta, origin=f"{where}:{line}")
    annotations = [a for a in task.get("annotations") or [] if isinstance(a, dict) and not a.get("was_cancelled")]
    if coder == GOLD and any(a.get("ground_truth") for a in annotations):
        annotations = [a for a in annotations if a.get("ground_truth")]
    if coder is not None and len(annotations) > 1:
        yield Rejection(where, line, f"task {task.get('id')} has {len(annotations)} annotations; import without "
                                     "--coder to keep each annotator's work apart")
        return
    offsets = OffsetMap(text)
    for annotation in annotations:
        source = annotation.get("coder") or coder or _user(annotation)
        record, problems = _annotation(annotation, document, source, codebook, offsets)
        yield from (Rejection(where, line, f"task {task.get('id')}, {source}: {p}") for p in problems)
        yield Incoming(record, where, line)


def _user(annotation: dict[str, Any]) -> str:
    """Who made a Label Studio annotation, as a coder name."""
    who = annotation.get("completed_by")
    if isinstance(who, dict):
        who = who.get("email") or who.get("username") or who.get("id")
    if isinstance(who, str) and who:
        return who
    username = annotation.get("created_username")
    if isinstance(username, str) and username.strip():
        return username.split(",")[0].strip()
    return f"labelstudio-user-{who}" if who is not None else "labelstudio"


def _annotation(annotation: dict[str, Any], document: Document, source: str, codebook: Codebook,
                offsets: OffsetMap) -> tuple[ExportDocument, list[str]]:
    results = [r for r in annotation.get("result") or [] if isinstance(r, dict)]
    problems: list[str] = []
    spans: dict[str, ExportSpan] = {}
    region_ids: dict[str, str] = {}  # Label Studio region id -> span id

    def span_id(region: str) -> str:
        try:
            return str(uuid.UUID(region))  # our own export's ids come back unchanged
        except ValueError:
            return derived_id("labelstudio", source, document.id, region)

    for r in results:
        if r.get("type") != "labels":
            continue
        try:
            layer, start, end = _region(r, document.text, offsets)
        except _Problem as exc:
            problems.append(f"region {r.get('id')}: {exc}")
            continue
        region_ids[str(r.get("id"))] = sid = span_id(str(r.get("id")))
        spans[sid] = ExportSpan(sid, layer, start, end, document.text[start:end], {}, coder=source)
    labels: dict[str, Any] = {}
    links: list[ExportLink] = []
    for r in results:
        kind = r.get("type")
        try:
            if kind == "labels":
                continue
            if kind == "relation":
                links.append(_relation(r, region_ids, source, document.id))
            elif kind in VALUE_KEYS:
                region = region_ids.get(str(r.get("id")))
                if region is not None:
                    span = spans[region]
                    field, value = _field_value(r, codebook, span.layer)
                    span.attrs[field] = value
                else:
                    field, value = _field_value(r, codebook, None)
                    labels[field] = value
            else:
                raise _Problem(f"result type {kind!r} is not part of text span coding; skipped")
        except _Problem as exc:
            problems.append(f"result {r.get('id') or r.get('from_name')}: {exc}")
    status = annotation.get("status") if isinstance(annotation.get("status"), str) else "done"
    record = ExportDocument(document=document, source=source, spans=tuple(spans.values()), links=tuple(links),
                            labels=labels, status=status)
    return record, problems


def _region(result: dict[str, Any], text: str, offsets: OffsetMap) -> tuple[str, int, int]:
    value = result.get("value") or {}
    names = value.get("labels") or []
    if not names:
        raise _Problem("a region without a label")
    start, end = value.get("start"), value.get("end")
    if not all(isinstance(x, int) and not isinstance(x, bool) for x in (start, end)):
        raise _Problem(f"offsets {start!r}..{end!r} are not those of a Text region")
    quote = value.get("text")

    def fits(a: int, b: int) -> bool:
        if not 0 <= a < b <= len(text):
            return False
        return quote is None or text[a:b] == quote or text[a:b].replace("\n", "\\n") == quote

    if fits(start, end):
        return str(names[0]), start, end
    cp_start, cp_end = offsets.from_qt(start), offsets.from_qt(end)
    if fits(cp_start, cp_end):  # UTF-16 offsets of a Label Studio before its code-point fix
        return str(names[0]), cp_start, cp_end
    raise _Problem(f"offsets {start}..{end} do not give the region's text «{str(quote)[:30]}» in the task's text "
                   f"of {len(text)} characters")


def _relation(result: dict[str, Any], region_ids: dict[str, str], source: str, document_id: str) -> ExportLink:
    names = result.get("labels") or []
    a, b = region_ids.get(str(result.get("from_id"))), region_ids.get(str(result.get("to_id")))
    if not names:
        raise _Problem("a relation without a label: which link kind is it?")
    if a is None or b is None:
        raise _Problem(f"relation {names[0]}: a region it joins was not imported")
    link_id = derived_id("labelstudio", source, document_id, a, b, names[0])
    return ExportLink(link_id, a, b, str(names[0]), coder=source)


def _field_value(result: dict[str, Any], codebook: Codebook, layer: str | None) -> tuple[str, Any]:
    """The codebook field and stored value of a per-region (``layer``) or document-level result."""
    name = str(result.get("from_name"))
    prefix = f"{layer}." if layer else f"{DOCUMENT}."
    field = name[len(prefix):] if name.startswith(prefix) else name
    if layer:
        spec = codebook.layer(layer).field(field) if codebook.has_layer(layer) else None
    else:
        spec = next((f for f in codebook.document_fields if f.id == field), None)
    if spec is None:
        raise _Problem(f"the codebook has no {'field ' + repr(field) + ' on ' + layer if layer else 'document field ' + repr(field)}")
    key = VALUE_KEYS[result["type"]]
    value = (result.get("value") or {}).get(key)
    try:
        return field, from_ls(spec, value)
    except ValueError as exc:
        raise _Problem(f"{name}: {exc}") from None
