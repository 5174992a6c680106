"""Label Studio tasks are written from pieces: each line must be exactly what json.dumps writes for it
(spacing, escapes, numbers, true/false/null), so reading a line and dumping it again gives it back."""

from __future__ import annotations

import json

from annotator.codebook import Codebook
from annotator.export.labelstudio import _Controls, results_json
from annotator.export.records import ExportDocument, ExportLink, ExportSpan
from annotator.model import Document

HOSTILE = 'a "quoted" \\ back\tslash\n\u2028\x00 🔴 ش'


def canonical(text: str) -> bool:
    return json.dumps(json.loads(text), ensure_ascii=False) == text


def test_every_task_line_is_what_json_dumps_writes(run_export) -> None:
    for options in ({"gold": True}, {"coders": ("mona", "omar")},
                    {"coders": ("mona", "omar"), "labelstudio_coders_as": "predictions"}):
        folder, _ = run_export("labelstudio", **options)
        lines = (folder / "tasks.json").read_text(encoding="utf-8").split("\n")
        assert lines[0] == "[" and lines[-2:] == ["]", ""]
        tasks = [line.rstrip(",") for line in lines[1:-2]]
        assert tasks and all(canonical(task) for task in tasks)


def test_results_of_every_field_type_and_hostile_strings() -> None:
    text = HOSTILE * 3
    spans = (ExportSpan(HOSTILE, "casualty", 0, 5, HOSTILE[:5],
                        {"best": 2.5, "low": 2, "women": True, "children": False, "high": None,
                         "outcome": "killed", "unknown": "x"}),
             ExportSpan("a2", "actor", 6, 9, text[6:9], {"name": HOSTILE, "role": "target"}),
             ExportSpan("a3", "no_such_layer", 1, 2, text[1:2], {"name": "x"}))
    record = ExportDocument(Document(id="d", title="t", text=text), "mona", spans,
                            (ExportLink("l", HOSTILE, "a2", "perpetrator"),),
                            {"relevant": True, "event_type": ["a", HOSTILE], "event_date": "2024-05-01",
                             "notes": HOSTILE, "confidence": None, "no_such_field": 1})
    out = results_json(record, _Controls(Codebook.default()))
    assert canonical(out)
    results = json.loads(out)
    values = {(r.get("id"), r.get("from_name")): r.get("value") for r in results}
    assert values[(HOSTILE, "casualty.best")] == {"start": 0, "end": 5, "text": HOSTILE[:5], "number": 2.5}
    assert values[(HOSTILE, "casualty.low")]["number"] == 2 and ", \"number\": 2}" in out
    assert values[(HOSTILE, "casualty.women")]["choices"] == ["true"]
    assert values[(HOSTILE, "casualty.children")]["choices"] == ["false"]
    assert (HOSTILE, "casualty.high") not in values and (HOSTILE, "casualty.unknown") not in values
    assert values[("a2", "actor.name")] == {"start": 6, "end": 9, "text": [HOSTILE]}  # a textarea: typed text
    assert [r["from_name"] for r in results if r.get("id") == "a3"] == ["label"]
    assert values[("document.event_type", "document.event_type")] == {"choices": ["a", HOSTILE]}
    assert values[("document.notes", "document.notes")] == {"text": [HOSTILE]}
    assert values[("document.confidence", "document.confidence")] == {"choices": [None]}
    assert ("no_such_field", "no_such_field") not in values
    assert {"type": "relation", "from_id": HOSTILE, "to_id": "a2", "direction": "right",
            "labels": ["perpetrator"]} in results
