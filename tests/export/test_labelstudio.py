"""Label Studio: tasks validated against a JSON schema written from Label Studio's task-format
documentation (labelstud.io/guide/task_format, /guide/export), results checked against the
generated labeling config, and a Label Studio export (its own shape) imported back."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET
from collections.abc import Callable
from pathlib import Path

import pytest

from annotator.export.exporter import export
from annotator.export.sources import Selection
from annotator.imports import import_annotations
from annotator.store import Project
from tests.export.conftest import TEXT_CRLF, TEXT_NESTED

jsonschema = pytest.importorskip("jsonschema")

REGION = {"start": {"type": "integer", "minimum": 0}, "end": {"type": "integer", "minimum": 0}}
VALUE = {
    "labels": {"required": ["start", "end", "text", "labels"],
               "properties": {**REGION, "text": {"type": "string"},
                              "labels": {"type": "array", "items": {"type": "string"}, "minItems": 1}}},
    "choices": {"required": ["choices"], "properties": {**REGION, "choices": {"type": "array", "items": {"type": "string"}}}},
    "number": {"required": ["number"], "properties": {**REGION, "number": {"type": "number"}}},
    "textarea": {"required": ["text"], "properties": {**REGION, "text": {"type": "array", "items": {"type": "string"}}}},
    "datetime": {"required": ["datetime"], "properties": {**REGION, "datetime": {"type": "string"}}},
}
RESULT = {"oneOf": [
    {"type": "object", "required": ["id", "from_name", "to_name", "type", "value"],
     "properties": {"id": {"type": "string"}, "from_name": {"type": "string"}, "to_name": {"type": "string"},
                    "type": {"const": kind}, "origin": {"type": "string"}, "value": {"type": "object", **schema}}}
    for kind, schema in VALUE.items()
] + [{"type": "object", "required": ["type", "from_id", "to_id"],
      "properties": {"type": {"const": "relation"}, "from_id": {"type": "string"}, "to_id": {"type": "string"},
                     "direction": {"enum": ["left", "right", "bi"]},
                     "labels": {"type": "array", "items": {"type": "string"}}}}]}
TASKS_SCHEMA = {
    "type": "array",
    "items": {
        "type": "object", "required": ["data"],
        "properties": {
            "id": {"type": "integer"},
            "data": {"type": "object", "required": ["text"], "properties": {"text": {"type": "string"}}},
            "annotations": {"type": "array", "items": {
                "type": "object", "required": ["result"],
                "properties": {"id": {"type": "integer"}, "result": {"type": "array", "items": RESULT},
                               "was_cancelled": {"type": "boolean"}, "ground_truth": {"type": "boolean"},
                               "lead_time": {"type": ["number", "null"]}}}},
            "predictions": {"type": "array", "items": {
                "type": "object", "required": ["result"],
                "properties": {"model_version": {"type": "string"}, "score": {"type": "number"},
                               "result": {"type": "array", "items": RESULT}}}},
        },
    },
}
CONTROL_TAGS = {"labels": "Labels", "choices": "Choices", "number": "Number", "textarea": "TextArea",
                "datetime": "DateTime"}


def load(folder: Path) -> list[dict]:
    tasks = json.loads((folder / "tasks.json").read_text(encoding="utf-8"))
    jsonschema.validate(tasks, TASKS_SCHEMA)
    return tasks


def test_tasks_follow_the_task_format(run_export) -> None:
    folder, _ = run_export("labelstudio", gold=True, coders=("mona", "omar"))
    tasks = load(folder)
    assert [t["data"]["document_id"] for t in tasks] == ["crlf", "nested", "plain"]
    crlf = tasks[0]
    assert [(a["coder"], a["ground_truth"]) for a in crlf["annotations"]] == \
        [("gold", True), ("mona", False), ("omar", False)]


def test_offsets_are_code_points_with_an_emoji(run_export) -> None:
    folder, _ = run_export("labelstudio", coders=("mona",))
    result = load(folder)[0]["annotations"][0]["result"]
    regions = {r["value"]["text"]: r["value"] for r in result if r["type"] == "labels"}
    emoji = regions["🔴 إن غارة جوية"]
    assert (emoji["start"], emoji["end"]) == (17, 17 + len("🔴 إن غارة جوية"))
    actor = regions["قسد"]
    # Label Studio's Text tag stores code points (it converts the browser's UTF-16 positions).
    assert TEXT_CRLF[actor["start"]:actor["end"]] == "قسد"


def test_results_match_the_labeling_config(run_export) -> None:
    folder, _ = run_export("labelstudio", coders=("mona", "omar"))
    config = ET.fromstring((folder / "label_config.xml").read_text(encoding="utf-8"))
    controls = {el.get("name"): el for el in config.iter() if el.get("toName")}
    relations = {el.get("value") for el in config.iter("Relation")}
    layers = {el.get("value") for el in config.iter("Label")}
    assert {el.get("name") for el in config.iter("Text")} == {"text"}
    assert layers == {"actor", "claim", "casualty", "source"}
    for task in load(folder):
        for annotation in task["annotations"]:
            regions = {r["id"] for r in annotation["result"] if r["type"] == "labels"}
            for r in annotation["result"]:
                if r["type"] == "relation":
                    assert r["labels"][0] in relations and {r["from_id"], r["to_id"]} <= regions
                    continue
                control = controls[r["from_name"]]
                assert control.tag == CONTROL_TAGS[r["type"]] and r["to_name"] == control.get("toName")
                if r["type"] == "labels":
                    assert r["value"]["labels"][0] in layers
                    continue
                assert (control.get("perRegion") == "true") == (r["id"] in regions)
                if r["type"] == "choices":
                    allowed = {c.get("alias") for c in control.iter("Choice")}
                    assert set(r["value"]["choices"]) <= allowed, r


def test_coders_as_predictions(run_export) -> None:
    folder, _ = run_export("labelstudio", gold=True, coders=("mona",), labelstudio_coders_as="predictions")
    crlf = load(folder)[0]
    assert [a["coder"] for a in crlf["annotations"]] == ["gold"]
    assert [p["model_version"] for p in crlf["predictions"]] == ["mona"]


def test_round_trip_through_import(run_export, tmp_path: Path, new_location: Callable[..., Path | str]) -> None:
    first, _ = run_export("labelstudio", coders=("mona", "omar"), name="first")
    fresh = Project.open(new_location("fresh"), create=True)
    report = import_annotations(fresh, first, "labelstudio")
    assert report.rejections == [] and report.spans == 13 and report.links == 7 and report.fields == 15
    export(fresh, Selection(coders=("mona", "omar")), "labelstudio", tmp_path / "second")
    assert (tmp_path / "second" / "tasks.json").read_bytes() == (first / "tasks.json").read_bytes()
    fresh.close()


def labelstudio_export(text: str) -> list[dict]:
    """A task as Label Studio exports it: its region ids, its control names, user ids, its own keys."""
    def region(rid: str, start: int, end: int, quote: str, label: str) -> dict:
        return {"value": {"start": start, "end": end, "text": quote, "labels": [label]}, "id": rid,
                "from_name": "label", "to_name": "text", "type": "labels", "origin": "manual"}

    actor = text.index("قسد")
    source = text.index("مصادر محلية")
    across = text.index("استهدفت")
    result = [
        region("Ab3dE9", actor + 1, actor + 4, "قسد", "actor"),  # UTF-16 offsets (an emoji comes first)
        {"value": {"start": actor + 1, "end": actor + 4, "text": "قسد", "choices": ["rebel_group"]}, "id": "Ab3dE9",
         "from_name": "actor_type", "to_name": "text", "type": "choices", "origin": "manual"},
        region("Qw12Er", source, source + 11, "مصادر محلية", "source"),
        region("Zx9Yt7", across, across + 27, "استهدفت البلدة.\\nوأسفر القصف", "claim"),  # LS writes \n as \\n
        {"from_id": "Zx9Yt7", "to_id": "Qw12Er", "type": "relation", "direction": "right", "labels": ["claimant"]},
        region("Bad001", 5, 9, "قسد", "actor"),  # the text is elsewhere
        {"value": {"x": 1, "y": 2, "width": 3, "height": 4, "rectanglelabels": ["x"]}, "id": "Img001",
         "from_name": "box", "to_name": "image", "type": "rectanglelabels"},
        {"value": {"choices": ["true"]}, "id": "Doc001", "from_name": "relevant", "to_name": "text", "type": "choices"},
    ]
    task = {"id": 7, "annotations": [{"id": 3, "completed_by": 12, "result": result, "was_cancelled": False,
                                      "ground_truth": False, "created_at": "2024-05-01T10:00:00Z",
                                      "updated_at": "2024-05-01T10:05:00Z", "lead_time": 12.5, "prediction": {},
                                      "result_count": 0, "task": 7, "parent_prediction": None,
                                      "parent_annotation": None},
                                     {"id": 4, "completed_by": 13, "result": [], "was_cancelled": True}],
            "drafts": [], "predictions": [], "data": {"text": text}, "meta": {}, "created_at": "2024-05-01T09:00:00Z",
            "updated_at": "2024-05-01T10:05:00Z", "inner_id": 1, "total_annotations": 1, "cancelled_annotations": 1,
            "total_predictions": 0, "project": 2, "updated_by": 12, "file_upload": "a.json"}
    return [task]


def test_a_label_studio_export_moves_into_a_new_project(tmp_path: Path, new_location: Callable[..., Path | str]) -> None:
    path = tmp_path / "project-2-at-2024-05-01.json"
    path.write_text(json.dumps(labelstudio_export(TEXT_CRLF), ensure_ascii=False, indent=2), encoding="utf-8")
    fresh = Project.open(new_location("fresh"), create=True)
    report = import_annotations(fresh, path, "labelstudio")
    reasons = [str(r) for r in report.rejections]
    assert len(reasons) == 2 and all(r.startswith(f"{path}:2: task 7, labelstudio-user-12: ") for r in reasons)
    assert "region Bad001: offsets 5..9 do not give the region's text" in reasons[0]
    assert "rectanglelabels" in reasons[1]
    assert report.documents_added == 1 and report.spans == 3 and report.links == 1 and report.fields == 1
    (doc_id,) = fresh.document_ids()
    assert doc_id == "labelstudio-7" and fresh.document(doc_id).text == TEXT_CRLF
    spans = {a.quote: a for a in fresh.annotations(doc_id, "labelstudio-user-12")}
    assert spans["قسد"].start == TEXT_CRLF.index("قسد") and spans["قسد"].attrs == {"actor_type": "rebel_group"}
    assert "استهدفت البلدة.\nوأسفر القصف" in spans
    assert fresh.labels(doc_id, "labelstudio-user-12") == {"relevant": True}
    assert fresh.assignment("labelstudio-user-12", doc_id).status == "done"
    fresh.close()


def test_existing_document_is_found_by_its_text(scratch: Project, tmp_path: Path) -> None:
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(labelstudio_export(TEXT_CRLF), ensure_ascii=False), encoding="utf-8")
    report = import_annotations(scratch, path, "labelstudio", coder="lsuser")
    assert report.documents_added == 0 and report.spans == 3
    assert len(scratch.annotations("crlf", "lsuser")) == 3


def test_a_task_whose_text_differs_from_the_stored_document_is_rejected(scratch: Project, tmp_path: Path) -> None:
    tasks = labelstudio_export(TEXT_CRLF + "ملحق")
    tasks[0]["data"]["document_id"] = "crlf"
    path = tmp_path / "ls.json"
    path.write_text(json.dumps(tasks, ensure_ascii=False), encoding="utf-8")
    report = import_annotations(scratch, path, "labelstudio")
    assert [str(r) for r in report.rejections if "document crlf" in str(r)] == [
        f"{path}:1: document crlf: the file's text differs from the stored text, so its offsets would point "
        "elsewhere; nothing of it was imported"]
    assert report.spans == 0 and "labelstudio-user-12" not in scratch.coders()
