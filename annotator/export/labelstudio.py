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
back names the task's line. Each line is what ``json.dumps(task, ensure_ascii=False)`` writes, put
together from pieces: a span's id and quote are encoded once for all its results, and a control's
name and values once for the export (json.dumps of the whole task encoded each quote once per
field, two fifths of the export's time).
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
    controls = _Controls(codebook)
    with open(out.file(TASKS), "w", encoding="utf-8", newline="\n") as handle:
        handle.write("[")
        annotation_id = 0
        for n, group in enumerate(_by_document(docs), 1):
            annotations, predictions = [], []
            for record in group:
                result = results_json(record, controls)
                if record.source != "gold" and coders_as == "predictions":
                    predictions.append(f'{{"model_version": {_string(record.source)}, "result": {result}}}')
                else:
                    annotation_id += 1
                    # "coder" and "status" are not Label Studio's (it ignores them): who coded, and their status.
                    annotations.append(
                        f'{{"id": {annotation_id}, "result": {result}, "was_cancelled": false, '
                        f'"ground_truth": {_dumps(record.source == "gold")}, "coder": {_string(record.source)}, '
                        f'"status": {_dumps(record.status)}}}')
            task = (f'{{"id": {n}, "data": {_dumps(_data(group[0]))}, "annotations": [{", ".join(annotations)}], '
                    f'"predictions": [{", ".join(predictions)}]}}')
            handle.write(("\n" if n == 1 else ",\n") + task)
        handle.write("\n]\n")
    return {"files": {TASKS: "Label Studio JSON tasks", CONFIG: "Label Studio labeling config"},
            "offsets": "code points (Label Studio's Text tag stores code points)",
            "coders_as": coders_as}


_string = json.encoder.encode_basestring  # a str as json.dumps(..., ensure_ascii=False) writes it


def _dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False)


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


class _Control:
    """A field's control in results: the JSON from ``"from_name"`` to the opening of ``"value"``,
    the value's key, and the JSON of each value, made once."""

    def __init__(self, name: str, spec: Field):
        self.name, self.spec, self.kind = _string(name), spec, RESULT_TYPES[spec.type]
        self.head = (f'"from_name": {self.name}, "to_name": {_string(TEXT)}, "type": {_string(self.kind)}, '
                     '"origin": "manual", "value": {')
        self.key = _string(VALUE_KEYS[self.kind])
        self._values: dict[tuple[type, Any], str] = {}

    def value(self, value: Any) -> str:
        """The stored ``value`` as Label Studio holds it (:func:`to_ls`), as JSON."""
        if isinstance(value, (list, dict)):
            return _dumps(to_ls(self.spec, value))
        key = (type(value), value)  # True and 1 are equal keys, and differ in JSON
        text = self._values.get(key)
        if text is None:
            text = self._values[key] = _dumps(to_ls(self.spec, value))
        return text


class _Controls:
    """The codebook's fields as Label Studio controls, looked up once per export: (layer, field)
    or a document field -> its :class:`_Control`."""

    def __init__(self, codebook: Codebook):
        self.spans = {(layer.id, f.id): _Control(span_control(layer.id, f.id), f)
                      for layer in codebook.layers for f in layer.fields}
        self.documents = {f.id: _Control(document_control(f.id), f) for f in codebook.document_fields}


def results_json(record: ExportDocument, controls: _Controls) -> str:
    """The JSON list of a record's results: a region per span, a result per filled field of a span
    (with the span's id and region), a relation per link, a result per document field."""
    out: list[str] = []
    labels = f'"from_name": {_string(LABELS)}, "to_name": {_string(TEXT)}, "type": "labels", "origin": "manual"'
    for s in record.spans:
        span_id, quote = _string(s.id), _string(s.quote)
        region = f'"start": {s.start}, "end": {s.end}, "text": '
        out.append(f'{{"id": {span_id}, {labels}, "value": {{{region}{quote}, "labels": [{_string(s.layer)}]}}}}')
        for field, value in s.attrs.items():
            control = controls.spans.get((s.layer, field))
            if control is None or value is None:
                continue
            # A textarea's value.text is the typed text, not the quote.
            text = (control.value(value) if control.kind == "textarea" else
                    f"{quote}, {control.key}: {control.value(value)}")
            out.append(f'{{"id": {span_id}, {control.head}{region}{text}}}}}')
    for l in record.links:
        out.append(f'{{"type": "relation", "from_id": {_string(l.from_id)}, "to_id": {_string(l.to_id)}, '
                   f'"direction": "right", "labels": [{_string(l.kind)}]}}')
    for field, value in record.labels.items():
        control = controls.documents.get(field)
        if control is not None:
            out.append(f'{{"id": {control.name}, {control.head}{control.key}: {control.value(value)}}}}}')
    return f"[{', '.join(out)}]"


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
