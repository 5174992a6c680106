"""Coder processes for the fault and concurrency tests, and the check that the log agrees with the tables.

A worker drives the real :class:`CodingSession` with a stream of random edits (create, edit fields
and edges, delete, links, document fields, undo, redo). After each edit the session reports saved,
the worker appends an acknowledgement to a file with one ``os.write`` (the kernel keeps it even
when the process is killed the next instant): the seq of the last change it logged and the
document as its window shows it. The tests then replay the ``changes`` log and compare.

Kept free of pytest so that a multiprocessing forkserver can preload it once and fork workers in
milliseconds.
"""

from __future__ import annotations

import json
import os
import random
import time
from collections.abc import Iterable
from typing import Any

from annotator.model import Change
from annotator.session import CodingSession
from annotator.store import InvalidValueError, Project, SpanError

# (coder, document) -> {"annotations": {id: [layer, start, end, quote, attrs]},
#                       "links": {id: [from_id, to_id, kind]}, "labels": {field: value}}
State = dict[str, Any]


def empty_state() -> State:
    return {"annotations": {}, "links": {}, "labels": {}}


def session_state(session: CodingSession) -> State:
    """The open document as the coder's window shows it."""
    return {"annotations": {a.id: [a.layer, a.start, a.end, a.quote, a.attrs] for a in session.annotations},
            "links": {l.id: [l.from_id, l.to_id, l.kind] for l in session.links},
            "labels": session.labels}


def table_state(project: Project, coder: str, document_id: str) -> State:
    return {"annotations": {a.id: [a.layer, a.start, a.end, a.quote, a.attrs]
                            for a in project.annotations(document_id, coder)},
            "links": {l.id: [l.from_id, l.to_id, l.kind] for l in project.links(document_id, coder)},
            "labels": project.labels(document_id, coder)}


def replay(changes: Iterable[Change], states: dict[tuple[str, str], State]) -> None:
    """Apply logged coder edits to ``states`` (keyed by coder and document), in log order."""
    for c in changes:
        if c.coder is None or c.document_id is None:
            continue
        s = states.setdefault((c.coder, c.document_id), empty_state())
        p, anns, links = c.payload, s["annotations"], s["links"]
        if c.action == "create_annotation":
            anns[p["id"]] = [p["layer"], p["start"], p["end"], p["quote"], p["attrs"]]
        elif c.action == "update_annotation":
            after = p["after"]
            anns[p["id"]] = [anns[p["id"]][0], after["start"], after["end"], after["quote"], after["attrs"]]
        elif c.action == "delete_annotation":
            del anns[p["id"]]
            for link_id in [i for i, (f, t, _) in links.items() if p["id"] in (f, t)]:
                del links[link_id]
        elif c.action == "create_link":
            links[p["id"]] = [p["from_id"], p["to_id"], p["kind"]]
        elif c.action == "delete_link":
            del links[p["id"]]
        elif c.action == "set_link_targets":
            for link_id in [i for i, (f, t, k) in links.items()
                            if f == p["from_id"] and k == p["kind"] and t not in p["to_ids"]]:
                del links[link_id]
            links.update({l["id"]: [l["from_id"], l["to_id"], l["kind"]] for l in p["added"]})
        elif c.action == "set_label":
            if p["value"] is None:
                s["labels"].pop(p["field"], None)
            else:
                s["labels"][p["field"]] = p["value"]


def tables_agree_with_log(project: Project, states: dict[tuple[str, str], State]) -> list[str]:
    """Where the replayed log (``states``) and the tables differ, for every coder and document."""
    keys = set(states) | {(a.coder, a.document_id) for a in project.annotations()}
    return [f"{coder}/{doc}: log and tables differ" for coder, doc in sorted(keys)
            if _canonical(states.get((coder, doc), empty_state())) != _canonical(table_state(project, coder, doc))]


def _canonical(state: State) -> str:
    return json.dumps(state, sort_keys=True, ensure_ascii=False)


def same(a: State, b: State) -> bool:
    return _canonical(a) == _canonical(b)


# -- the stream of edits ---------------------------------------------------------------------------

def random_edit(session: CodingSession, rng: random.Random, *, max_spans: int = 40) -> dict[str, Any] | None:
    """One random edit as a coder makes it; None when the session refused it as invalid (nothing
    changed). Returns what was done and, for an edit of an existing span, the span as shown."""
    book, text, anns = session.codebook, session.document.text, session.annotations
    roll = rng.random()
    try:
        if roll < 0.25 and len(anns) < max_spans or not anns:
            start = rng.randrange(len(text) - 1)
            end = min(len(text), start + rng.randint(1, 12))
            layer = rng.choice(book.layers).id
            return {"kind": "create", "id": session.create(layer, start, end).id}
        ann = rng.choice(anns)
        seen = [ann.layer, ann.start, ann.end, ann.quote, ann.attrs]
        if roll < 0.45:
            choices = [f for f in book.layer(ann.layer).fields if f.type == "choice"]
            field = rng.choice(choices)
            value = rng.choice([None, *[v.id for v in field.values]])
            attrs = {k: v for k, v in {**ann.attrs, field.id: value}.items() if v is not None}
            session.update(ann.id, attrs=attrs)
            return {"kind": "update", "id": ann.id, "seen": seen}
        if roll < 0.55:
            start = max(0, min(ann.start + rng.randint(-2, 2), len(text) - 1))
            session.update(ann.id, start=start, end=max(start + 1, min(len(text), ann.end + rng.randint(-2, 2))))
            return {"kind": "update", "id": ann.id, "seen": seen}
        if roll < 0.65:
            session.delete(ann.id)
            return {"kind": "delete", "id": ann.id, "seen": seen}
        if roll < 0.75:
            kinds = book.links_from(ann.layer)
            if not kinds:
                return None
            kind = rng.choice(kinds)
            targets = [a.id for a in anns if a.layer in kind.to_layers]
            chosen = rng.sample(targets, min(len(targets), rng.randint(0, 2 if kind.multiple else 1)))
            session.set_links(ann.id, kind.id, chosen)
            return {"kind": "links", "id": ann.id}
        if roll < 0.85:
            field = rng.choice([f for f in book.document_fields if f.type in ("boolean", "choice", "text")])
            value = {"boolean": lambda: rng.choice([True, False, None]),
                     "choice": lambda: rng.choice([None, *[v.id for v in field.values]]),
                     "text": lambda: rng.choice([None, "ملاحظة", f"note {rng.randrange(1000)}"])}[field.type]()
            session.set_label(field.id, value)
            return {"kind": "label"}
        if roll < 0.93:
            return {"kind": "undo"} if session.undo() else None
        return {"kind": "redo"} if session.redo() else None
    except (InvalidValueError, SpanError):
        return None


class Acks:
    """Acknowledgements, one JSON line each, appended with a single write."""

    def __init__(self, path: str):
        self.fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o644)

    def write(self, record: dict[str, Any]) -> None:
        os.write(self.fd, (json.dumps(record, ensure_ascii=False) + "\n").encode("utf-8"))


def read_acks(path: str) -> list[dict[str, Any]]:
    """Complete lines only: a kill (or a writer still writing) can cut the last one short, even
    inside a multi-byte character, so lines are split as bytes before decoding."""
    try:
        with open(path, "rb") as f:
            data = f.read()
    except FileNotFoundError:
        return []
    return [json.loads(line.decode("utf-8")) for line in data.split(b"\n")[:-1]]


def fault_worker(path: str, coder: str, document_id: str, acks_path: str, seed: int) -> None:
    """Edit until killed; acknowledge each saved edit with the log position and the window's state."""
    project = Project.open(path)
    session = CodingSession(project, coder)
    session.open(document_id)
    acks, rng = Acks(acks_path), random.Random(seed)
    acks.write({"started": True})
    while True:
        if random_edit(session, rng) is not None and session.saved:
            acks.write({"seq": project.last_change or 0, "document": session.document.id,
                        "state": session_state(session)})


def coder_worker(path: str, coder: str, documents: list[str], acks_path: str, seconds: float, seed: int,
                 reopen_every: int, pause_s: float = 0.0) -> None:
    """Edit for ``seconds``, switching documents (or re-reading the open one) every ``reopen_every``
    edits, pausing up to ``pause_s`` between edits; acknowledge each saved edit; the last line sums
    up edits, waits and every problem met."""
    project = Project.open(path)
    session = CodingSession(project, coder)
    acks, rng = Acks(acks_path), random.Random(seed)
    counts = {"edits": 0, "acknowledged": 0, "refused": 0, "not_saved": 0, "errors": [], "max_edit_s": 0.0,
              "over_100ms": 0}
    session.open(documents[0])
    stop = time.monotonic() + seconds
    try:
        while time.monotonic() < stop:
            time.sleep(rng.uniform(0, pause_s))
            if counts["edits"] % reopen_every == reopen_every - 1:
                session.open(rng.choice(documents))
            began = time.monotonic()
            done = random_edit(session, rng, max_spans=8)
            took = time.monotonic() - began
            counts["max_edit_s"] = max(counts["max_edit_s"], took)
            counts["over_100ms"] += took > 0.1
            if done is None:
                continue
            counts["edits"] += 1
            refused = session.take_refused()
            if refused:
                counts["refused"] += len(refused)
            elif not session.saved:
                counts["not_saved"] += 1
                counts["errors"].append(session.last_error)
            else:
                counts["acknowledged"] += 1
                acks.write({"seq": project.last_change or 0, "document": session.document.id,
                            "state": session_state(session), "did": done})
        if not session.flush():
            counts["errors"].append(f"unsaved at the end: {session.last_error}")
    except Exception as exc:  # noqa: BLE001 - every problem is reported to the test, which fails on it
        counts["errors"].append(f"{type(exc).__name__}: {exc}")
    acks.write({"summary": counts})
