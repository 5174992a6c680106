"""Label Studio: ``tasks.json`` (its JSON task format) and ``label_config.xml`` (the labeling
interface for the codebook), to move a project into Label Studio; :mod:`annotator.imports.labelstudio`
brings a Label Studio export back.

One task per document: ``data`` holds the text and the document's id, title and metadata; each source
is one entry of ``annotations`` (gold with ``ground_truth: true``), or of ``predictions`` for the
coders with ``coders_as="predictions"`` (``model_version`` = the coder's name). A result list holds:

* ``labels`` regions, one per span: ``value = {start, end, text, labels: [layer]}``, ``id`` = the
  span's id. Offsets are code points: Label Studio's Text tag converts the browser's UTF-16
  positions to code points before it stores them (``charsToCodePoints`` in its
  ``selection-tools.js``), so they are the stored offsets unchanged.
* per-region results for the span's fields, with the span's ``id``, named ``LAYER.FIELD``:
  ``choices`` (choice, multichoice, yes/no as ``true``/``false``), ``number``, ``textarea``,
  ``datetime``;
* ``relation`` results for links: ``from_id``, ``to_id``, ``labels: [kind]``;
* document fields as results named ``document.FIELD`` without a region.

Tasks are written one per line inside the JSON array, so that a problem found on reading a file
back names the task's line.
"""

from __future__ import annotations

import json
from collections.abc import Iterable, Iterator
from typing import Any
from xml.sax.saxutils import quoteattr

from annotator.codebook import Codebook, Field
from annotator.export.output import StagedFolder
from annotator.export.records import ExportDocument

TASKS, CONFIG = "tasks.json", "label_config.xml"
LABELS, TEXT = "label", "text"  # the Labels control and the Text object of the config
DOCUMENT = "document"
RESULT_TYPES = {"choice": "choices", "multichoice": "choices", "boolean": "choices", "number": "number",
                "text": "textarea", "date": "datetime"}
VALUE_KEYS = {"choices": "choices", "number": "number", "textarea": "text", "datetime": "datetime"}


def span_control(layer: str, field: str) -> str:
    return f"{layer}.{field}"


def document_control(field: str) -> str:
    return f"{DOCUMENT}.{field}"


def to_ls(spec: Field, value: Any) -> Any:
    """A stored value as Label Studio holds it for the field's control."""
    if spec.type == "choice":
        return [value]
    if spec.type == "boolean":
        return ["true" if value else "false"]
    if spec.type == "text":
        return [value]
    return value  # multichoice (a list already), number, date


def from_ls(spec: Field, value: Any) -> Any:
    """The inverse of :func:`to_ls`; raises ValueError for a shape the field cannot take."""
    if spec.type in ("choice", "text", "boolean"):
        if not isinstance(value, list) or len(value) != 1:
            raise ValueError(f"expected one value, found {value!r}")
        value = value[0]
        if spec.type == "boolean":
            if value not in ("true", "false"):
                raise ValueError(f"expected true or false, found {value!r}")
            return value == "true"
    return value


def write(docs: Iterable[ExportDocument], out: StagedFolder, codebook: Codebook, *,
          coders_as: str = "annotations") -> dict[str, Any]:
    out.file(CONFIG).write_text(label_config(codebook), encoding="utf-8", newline="\n")
    with open(out.file(TASKS), "w", encoding="utf-8", newline="\n") as handle:
        handle.write("[")
        annotation_id = 0
        for n, group in enumerate(_by_document(docs), 1):
            task: dict[str, Any] = {"id": n, "data": _data(group[0]), "annotations": [], "predictions": []}
            for record in group:
                result = results(record, codebook)
                if record.source != "gold" and coders_as == "predictions":
                    task["predictions"].append({"model_version": record.source, "result": result})
                else:
                    annotation_id += 1
                    task["annotations"].append({
                        "id": annotation_id, "result": result, "was_cancelled": False,
                        "ground_truth": record.source == "gold",
                        # Not a Label Studio field (it ignores it): who coded, and their status.
                        "coder": record.source, "status": record.status})
            handle.write(("\n" if n == 1 else ",\n") + json.dumps(task, ensure_ascii=False))
        handle.write("\n]\n")
    return {"files": {TASKS: "Label Studio JSON tasks", CONFIG: "Label Studio labeling config"},
            "offsets": "code points (Label Studio's Text tag stores code points)",
            "coders_as": coders_as}


def _by_document(docs: Iterable[ExportDocument]) -> Iterator[list[ExportDocument]]:
    group: list[ExportDocument] = []
    for record in docs:
        if group and group[0].document.id != record.document.id:
            yield group
            group = []
        group.append(record)
    if group:
        yield group


def _data(record: ExportDocument) -> dict[str, Any]:
    d = record.document
    return {TEXT: d.text, "document_id": d.id, "title": d.title, "outlet": d.outlet, "url": d.url,
            "published": d.published, "meta": d.meta}


def results(record: ExportDocument, codebook: Codebook) -> list[dict[str, Any]]:
    out: list[dict[str, Any]] = []
    for s in record.spans:
        region = {"start": s.start, "end": s.end}
        out.append({"id": s.id, "from_name": LABELS, "to_name": TEXT, "type": "labels", "origin": "manual",
                    "value": {**region, "text": s.quote, "labels": [s.layer]}})
        layer = codebook.layer(s.layer) if codebook.has_layer(s.layer) else None
        for field, value in s.attrs.items():
            spec = layer.field(field) if layer else None
            if spec is None or value is None:
                continue
            kind = RESULT_TYPES[spec.type]
            value_part = {VALUE_KEYS[kind]: to_ls(spec, value)}
            if kind != "textarea":  # a textarea's value.text is the typed text, not the quote
                value_part = {"text": s.quote, **value_part}
            out.append({"id": s.id, "from_name": span_control(s.layer, field), "to_name": TEXT, "type": kind,
                        "origin": "manual", "value": {**region, **value_part}})
    for l in record.links:
        out.append({"type": "relation", "from_id": l.from_id, "to_id": l.to_id, "direction": "right",
                    "labels": [l.kind]})
    for field, value in record.labels.items():
        try:
            spec = codebook.document_field(field)
        except KeyError:
            continue
        kind = RESULT_TYPES[spec.type]
        out.append({"id": document_control(field), "from_name": document_control(field), "to_name": TEXT,
                    "type": kind, "origin": "manual", "value": {VALUE_KEYS[kind]: to_ls(spec, value)}})
    return out


def label_config(codebook: Codebook) -> str:
    """The labeling interface: layers as Labels, fields as per-region controls, links as Relations."""
    lines = ["<View>", f'  <Labels name="{LABELS}" toName="{TEXT}">']
    lines += [f"    <Label value={quoteattr(layer.id)} background={quoteattr(layer.color)}/>"
              for layer in codebook.layers]
    lines += ["  </Labels>", '  <View style="direction: rtl; text-align: right">',
              f'    <Text name="{TEXT}" value="${TEXT}" granularity="symbol"/>', "  </View>", "  <Relations>"]
    lines += [f"    <Relation value={quoteattr(k.id)}/>" for k in codebook.links]
    lines.append("  </Relations>")
    for layer in codebook.layers:
        lines.append(f'  <View visibleWhen="region-selected" whenTagName="{LABELS}" '
                     f"whenLabelValue={quoteattr(layer.id)}>")
        lines.append(f"    <Header value={quoteattr(layer.label.en)}/>")
        lines += [f"    {_control(span_control(layer.id, f.id), f, per_region=True)}" for f in layer.fields]
        lines.append("  </View>")
    lines += ["  <View>", f"    <Header value={quoteattr('Document')}/>"]
    lines += [f"    {_control(document_control(f.id), f, per_region=False)}" for f in codebook.document_fields]
    lines += ["  </View>", "</View>"]
    return "\n".join(lines) + "\n"


def _control(name: str, spec: Field, *, per_region: bool) -> str:
    common = f"name={quoteattr(name)} toName={quoteattr(TEXT)}" + (' perRegion="true"' if per_region else "")
    kind = RESULT_TYPES[spec.type]
    if kind == "choices":
        if spec.type == "boolean":
            options = [("yes", "true"), ("no", "false")]
        else:
            labels = [v.label.en for v in spec.values]
            unique = len(set(labels)) == len(labels)
            options = [(v.label.en if unique else v.id, v.id) for v in spec.values]
        choice = "multiple" if spec.type == "multichoice" else "single"
        inner = "".join(f"<Choice value={quoteattr(shown)} alias={quoteattr(alias)}/>" for shown, alias in options)
        return f'<Choices {common} choice="{choice}">{inner}</Choices>'
    if kind == "number":
        bounds = "".join(f' {k}="{v:g}"' for k, v in (("min", spec.min), ("max", spec.max)) if v is not None)
        return f"<Number {common}{bounds}/>"
    if kind == "datetime":
        return f'<DateTime {common} only="date"/>'
    return f'<TextArea {common} maxSubmissions="1" editable="true" rows="1"/>'
