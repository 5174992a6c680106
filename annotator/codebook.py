"""The codebook: span layers, their fields, link kinds and document-level fields.

A codebook is a YAML file (the default is ``resources/codebook.yaml``). It is validated on load:
every problem is reported as ``file:line: problem`` so a lead researcher editing their own codebook
knows where to look. The UI builds its coding form from a :class:`Codebook`; the store validates
annotation attributes against it.
"""

from __future__ import annotations

import datetime as _dt
import functools
import hashlib
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from annotator import safe_yaml
from annotator.paths import DEFAULT_CODEBOOK

FIELD_TYPES = ("choice", "multichoice", "number", "boolean", "text", "date")
LEVELS = ("nominal", "ordinal", "interval", "ratio")
DEFAULT_LEVEL = {"choice": "nominal", "multichoice": "nominal", "number": "ratio",
                 "boolean": "nominal", "text": "nominal", "date": "interval"}
UNDERLINES = ("solid", "dash", "dot", "wave", "dashdot")

_TOP_KEYS = {"name": False, "version": False, "layers": True, "links": False, "document_fields": False}
_LAYER_KEYS = {"id": True, "label": True, "key": False, "color": False, "underline": False,
               "fields": False, "checks": False}
_FIELD_KEYS = {"id": True, "type": True, "label": True, "required": False, "values": False,
               "level": False, "min": False, "max": False, "autocomplete": False, "help": False}
_VALUE_KEYS = {"id": True, "label": True, "key": False}
_LINK_KEYS = {"id": True, "label": True, "from": True, "to": True, "required": False, "multiple": False}
_CHECK_KEYS = {"kind": True, "fields": True}
_LABEL_KEYS = {"ar": True, "en": True}
_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVER = yaml.resolver.Resolver()


class CodebookError(ValueError):
    """An invalid codebook; the message names the file, the line and the problem."""


@dataclass(frozen=True)
class Label:
    ar: str
    en: str

    def __str__(self) -> str:
        return f"{self.en} / {self.ar}"


@dataclass(frozen=True)
class Value:
    id: str
    label: Label
    key: str | None = None


@dataclass(frozen=True)
class Field:
    id: str
    type: str
    label: Label
    required: bool = False
    values: tuple[Value, ...] = ()
    level: str = "nominal"
    min: float | None = None
    max: float | None = None
    autocomplete: str | None = None
    help: str | None = None

    def value(self, value_id: str) -> Value | None:
        return next((v for v in self.values if v.id == value_id), None)

    def check(self, value: Any) -> str | None:
        """Why ``value`` is not acceptable for this field, or None. None always is (empty)."""
        if value is None:
            return None
        ids = {v.id for v in self.values}
        if self.type == "choice":
            if value not in ids:
                return f"{value!r} is not one of {sorted(ids)}"
        elif self.type == "multichoice":
            if not isinstance(value, (list, tuple)) or any(v not in ids for v in value):
                return f"{value!r} must be a list of values from {sorted(ids)}"
        elif self.type == "number":
            if isinstance(value, bool) or not isinstance(value, (int, float)):
                return f"{value!r} is not a number"
            if self.min is not None and value < self.min:
                return f"{value} is below the minimum {self.min:g}"
            if self.max is not None and value > self.max:
                return f"{value} is above the maximum {self.max:g}"
        elif self.type == "boolean":
            if not isinstance(value, bool):
                return f"{value!r} is not true or false"
        elif self.type == "text":
            if not isinstance(value, str):
                return f"{value!r} is not text"
        elif self.type == "date":
            try:
                _dt.date.fromisoformat(value)
            except (TypeError, ValueError):
                return f"{value!r} is not a date (YYYY-MM-DD)"
        return None


@dataclass(frozen=True)
class Check:
    """A rule across fields. ``ascending``: the given numbers never decrease (empties skipped)."""

    kind: str
    fields: tuple[str, ...]

    def problem(self, attrs: dict[str, Any]) -> str | None:
        present = [(f, attrs[f]) for f in self.fields if attrs.get(f) is not None]
        for (fa, a), (fb, b) in zip(present, present[1:]):
            if a > b:
                return f"{fa} ({a:g}) must not exceed {fb} ({b:g})"
        return None


@dataclass(frozen=True)
class Layer:
    id: str
    label: Label
    key: str | None
    color: str
    underline: str
    fields: tuple[Field, ...]
    checks: tuple[Check, ...] = ()

    def field(self, field_id: str) -> Field | None:
        return next((f for f in self.fields if f.id == field_id), None)

    @functools.cached_property
    def optional_booleans(self) -> frozenset[str]:
        """The optional yes/no fields: check boxes, where unchecked means no."""
        return frozenset(f.id for f in self.fields if f.type == "boolean" and not f.required)


@dataclass(frozen=True)
class LinkKind:
    id: str
    label: Label
    from_layer: str
    to_layers: tuple[str, ...]
    required: bool = False
    multiple: bool = False


@dataclass(frozen=True)
class Codebook:
    name: str
    version: int
    layers: tuple[Layer, ...]
    links: tuple[LinkKind, ...]
    document_fields: tuple[Field, ...]
    source: str  # the YAML text as loaded: stored in the project with its hash

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.source.encode("utf-8")).hexdigest()

    def layer(self, layer_id: str) -> Layer:
        for layer in self.layers:
            if layer.id == layer_id:
                return layer
        raise KeyError(f"no layer {layer_id!r} in codebook {self.name!r}")

    def has_layer(self, layer_id: str) -> bool:
        return any(layer.id == layer_id for layer in self.layers)

    def link_kind(self, kind: str) -> LinkKind:
        for link in self.links:
            if link.id == kind:
                return link
        raise KeyError(f"no link kind {kind!r} in codebook {self.name!r}")

    def links_from(self, layer_id: str) -> tuple[LinkKind, ...]:
        return tuple(k for k in self.links if k.from_layer == layer_id)

    def document_field(self, field_id: str) -> Field:
        for f in self.document_fields:
            if f.id == field_id:
                return f
        raise KeyError(f"no document field {field_id!r} in codebook {self.name!r}")

    def attr_problems(self, layer_id: str, attrs: dict[str, Any]) -> list[str]:
        """Everything wrong with a span's attributes (unknown fields, bad values, failed checks)."""
        layer = self.layer(layer_id)
        problems = []
        for key, value in attrs.items():
            spec = layer.field(key)
            if spec is None:
                problems.append(f"layer {layer_id!r} has no field {key!r}")
            elif (why := spec.check(value)) is not None:
                problems.append(f"{layer_id}.{key}: {why}")
        for check in layer.checks:
            numeric = {k: v for k, v in attrs.items() if isinstance(v, (int, float))}
            if (why := check.problem(numeric)) is not None:
                problems.append(f"{layer_id}: {why}")
        return problems

    def missing_fields(self, layer_id: str, attrs: dict[str, Any]) -> list[Field]:
        return [f for f in self.layer(layer_id).fields
                if f.required and attrs.get(f.id) in (None, "", [])]

    @classmethod
    def load(cls, path: str | Path | None = None) -> "Codebook":
        path = Path(path) if path is not None else DEFAULT_CODEBOOK
        try:
            text = safe_yaml.read_text(path, encoding="utf-8-sig")
        except safe_yaml.YamlProblem as exc:
            raise CodebookError(str(exc)) from None
        except OSError as exc:
            raise CodebookError(f"{path}: cannot read the codebook: {exc.strerror or exc}") from None
        except UnicodeDecodeError:
            raise CodebookError(f"{path}: the codebook is not UTF-8 text; save it as UTF-8") from None
        return cls.from_yaml(text, origin=str(path))

    @classmethod
    def default(cls) -> "Codebook":
        return cls.load(DEFAULT_CODEBOOK)

    @classmethod
    def from_yaml(cls, text: str, origin: str = "<codebook>") -> "Codebook":
        return _Parser(origin).parse(text)


class _Parser:
    """Builds a Codebook from YAML nodes, so that every problem can name its line."""

    def __init__(self, origin: str):
        self.origin = origin

    def fail(self, node: yaml.Node, problem: str) -> CodebookError:
        return CodebookError(f"{self.origin}:{node.start_mark.line + 1}: {problem}")

    def parse(self, text: str) -> Codebook:
        try:
            root = safe_yaml.compose(text, self.origin)
        except safe_yaml.YamlProblem as exc:
            raise CodebookError(str(exc)) from None
        if root is None:
            raise CodebookError(f"{self.origin}:1: the codebook is empty")
        top = self.mapping(root, _TOP_KEYS, "the codebook")
        layers = tuple(self.layer(n) for n in self.sequence(top["layers"], "layers", nonempty=True))
        self.unique(top["layers"], [layer.id for layer in layers], "layer id")
        links = tuple(self.link(n, layers) for n in self.sequence(top.get("links"), "links"))
        if "links" in top:
            self.unique(top["links"], [k.id for k in links], "link id")
        doc_fields = tuple(self.field(n) for n in self.sequence(top.get("document_fields"), "document_fields"))
        if "document_fields" in top:
            self.unique(top["document_fields"], [f.id for f in doc_fields], "document field id")
        keys = [layer.key for layer in layers if layer.key]
        self.unique(top["layers"], keys, "layer key")
        version = self.scalar(top["version"], int, "version") if "version" in top else 1
        name = self.scalar(top["name"], str, "name") if "name" in top else "codebook"
        return Codebook(name=name, version=version, layers=layers, links=links,
                        document_fields=doc_fields, source=text)

    # -- structure helpers -------------------------------------------------------------------

    def mapping(self, node: yaml.Node, allowed: dict[str, bool], what: str) -> dict[str, yaml.Node]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys to values")
        out: dict[str, yaml.Node] = {}
        for key_node, value_node in node.value:
            key = key_node.value
            if key not in allowed:
                raise self.fail(key_node, f"unknown key {key!r} in {what} (allowed: {', '.join(allowed)})")
            if key in out:
                raise self.fail(key_node, f"key {key!r} appears twice in {what}")
            out[key] = value_node
        for key, required in allowed.items():
            if required and key not in out:
                raise self.fail(node, f"{what} lacks the required key {key!r}")
        return out

    def sequence(self, node: yaml.Node | None, what: str, nonempty: bool = False) -> list[yaml.Node]:
        if node is None:
            return []
        if not isinstance(node, yaml.SequenceNode):
            raise self.fail(node, f"{what} must be a list")
        if nonempty and not node.value:
            raise self.fail(node, f"{what} must not be empty")
        return node.value

    def scalar(self, node: yaml.Node, kind: type, what: str) -> Any:
        if not isinstance(node, yaml.ScalarNode):
            raise self.fail(node, f"{what} must be a single value")
        value = node.value if kind is str else self.plain_value(node, what)
        if kind is bool and isinstance(value, bool):
            return value
        if kind is int and isinstance(value, int) and not isinstance(value, bool):
            return value
        if kind is float and isinstance(value, (int, float)) and not isinstance(value, bool):
            return float(value)
        if kind is str and value.strip():
            return value
        expected = "non-empty text" if kind is str else kind.__name__
        raise self.fail(node, f"{what} must be {expected}, not {safe_yaml.shown(node.value)}")

    def plain_value(self, node: yaml.ScalarNode, what: str) -> Any:
        """The scalar's value; a quoted one is read as if unquoted (``"3"`` is 3), never parsed as
        YAML again."""
        if node.style and node.tag == _STR_TAG:
            tag = _RESOLVER.resolve(yaml.ScalarNode, node.value, (True, False))
            node = yaml.ScalarNode(tag, node.value, node.start_mark, node.end_mark)
        try:
            return safe_yaml.construct(node, self.origin)
        except safe_yaml.YamlProblem as exc:
            raise self.fail(node, f"{what}: {exc.problem}") from None

    def ident(self, node: yaml.Node, what: str) -> str:
        value = self.scalar(node, str, what)
        if not value.replace("_", "").replace("-", "").isalnum() or not value.isascii():
            raise self.fail(node, f"{what} {value!r} must be ASCII letters, digits, '_' or '-'")
        return value

    def unique(self, node: yaml.Node, ids: list[str], what: str, where: str = "") -> None:
        seen: set[str] = set()
        for i, ident in enumerate(ids):
            if ident in seen:
                raise self.fail(node.value[i] if isinstance(node, yaml.SequenceNode) and i < len(node.value)
                                else node, f"duplicate {what} {ident!r}{where}")
            seen.add(ident)

    def label(self, node: yaml.Node, what: str) -> Label:
        parts = self.mapping(node, _LABEL_KEYS, f"the label of {what}")
        return Label(ar=self.scalar(parts["ar"], str, f"the Arabic label of {what}"),
                     en=self.scalar(parts["en"], str, f"the English label of {what}"))

    # -- codebook parts ------------------------------------------------------------------------

    def layer(self, node: yaml.Node) -> Layer:
        parts = self.mapping(node, _LAYER_KEYS, "a layer")
        layer_id = self.ident(parts["id"], "layer id")
        what = f"layer {layer_id!r}"
        fields = tuple(self.field(n) for n in self.sequence(parts.get("fields"), f"the fields of {what}"))
        if "fields" in parts:
            self.unique(parts["fields"], [f.id for f in fields], "field id", f" in {what}")
        checks = []
        for check_node in self.sequence(parts.get("checks"), f"the checks of {what}"):
            check_parts = self.mapping(check_node, _CHECK_KEYS, f"a check of {what}")
            kind = self.scalar(check_parts["kind"], str, "check kind")
            if kind != "ascending":
                raise self.fail(check_parts["kind"], f"unknown check kind {kind!r} (known: ascending)")
            names = [self.scalar(n, str, "check field") for n in self.sequence(check_parts["fields"], "check fields", nonempty=True)]
            for n, name in zip(check_parts["fields"].value, names):
                spec = next((f for f in fields if f.id == name), None)
                if spec is None or spec.type != "number":
                    raise self.fail(n, f"check in {what} names {name!r}, which is not a number field of the layer")
            checks.append(Check(kind=kind, fields=tuple(names)))
        underline = self.scalar(parts["underline"], str, "underline") if "underline" in parts else "solid"
        if underline not in UNDERLINES:
            raise self.fail(parts["underline"], f"underline {underline!r} is not one of {', '.join(UNDERLINES)}")
        color = self.scalar(parts["color"], str, "color") if "color" in parts else "#888888"
        if not (color.startswith("#") and len(color) == 7 and all(c in "0123456789abcdefABCDEF" for c in color[1:])):
            raise self.fail(parts["color"], f"color {color!r} must look like #RRGGBB")
        key = self.scalar(parts["key"], str, "key") if "key" in parts else None
        if key is not None and len(key) != 1:
            raise self.fail(parts["key"], f"key {key!r} must be a single character")
        return Layer(id=layer_id, label=self.label(parts["label"], what), key=key, color=color,
                     underline=underline, fields=fields, checks=tuple(checks))

    def field(self, node: yaml.Node) -> Field:
        parts = self.mapping(node, _FIELD_KEYS, "a field")
        field_id = self.ident(parts["id"], "field id")
        what = f"field {field_id!r}"
        ftype = self.scalar(parts["type"], str, f"the type of {what}")
        if ftype not in FIELD_TYPES:
            raise self.fail(parts["type"], f"{what} has unknown type {ftype!r} (known: {', '.join(FIELD_TYPES)})")
        values: list[Value] = []
        if ftype in ("choice", "multichoice"):
            if "values" not in parts:
                raise self.fail(node, f"{what} is a {ftype} and needs a list of values")
            for value_node in self.sequence(parts["values"], f"the values of {what}", nonempty=True):
                vparts = self.mapping(value_node, _VALUE_KEYS, f"a value of {what}")
                vid = self.scalar(vparts["id"], str, f"a value id of {what}")
                values.append(Value(id=vid, label=self.label(vparts["label"], f"value {vid!r}"),
                                    key=self.scalar(vparts["key"], str, "key") if "key" in vparts else None))
            self.unique(parts["values"], [v.id for v in values], "value id", f" in {what}")
        elif "values" in parts:
            raise self.fail(parts["values"], f"{what} is a {ftype}; only choice fields take values")
        level = self.scalar(parts["level"], str, "level") if "level" in parts else DEFAULT_LEVEL[ftype]
        if level not in LEVELS:
            raise self.fail(parts["level"], f"level {level!r} is not one of {', '.join(LEVELS)}")
        bounds = {k: self.scalar(parts[k], float, f"{k} of {what}") if k in parts else None for k in ("min", "max")}
        if ftype != "number" and any(v is not None for v in bounds.values()):
            raise self.fail(node, f"{what}: min and max apply to number fields only")
        return Field(id=field_id, type=ftype, label=self.label(parts["label"], what),
                     required=self.scalar(parts["required"], bool, "required") if "required" in parts else False,
                     values=tuple(values), level=level, min=bounds["min"], max=bounds["max"],
                     autocomplete=self.scalar(parts["autocomplete"], str, "autocomplete") if "autocomplete" in parts else None,
                     help=self.scalar(parts["help"], str, "help") if "help" in parts else None)

    def link(self, node: yaml.Node, layers: tuple[Layer, ...]) -> LinkKind:
        parts = self.mapping(node, _LINK_KEYS, "a link")
        link_id = self.ident(parts["id"], "link id")
        known = {layer.id for layer in layers}
        from_layer = self.scalar(parts["from"], str, "from")
        if from_layer not in known:
            raise self.fail(parts["from"], f"link {link_id!r} starts at unknown layer {from_layer!r} (layers: {', '.join(sorted(known))})")
        to_nodes = self.sequence(parts["to"], f"the targets of link {link_id!r}", nonempty=True)
        targets = []
        for to_node in to_nodes:
            target = self.scalar(to_node, str, "link target")
            if target not in known:
                raise self.fail(to_node, f"link {link_id!r} points to unknown layer {target!r} (layers: {', '.join(sorted(known))})")
            targets.append(target)
        return LinkKind(id=link_id, label=self.label(parts["label"], f"link {link_id!r}"), from_layer=from_layer,
                        to_layers=tuple(targets),
                        required=self.scalar(parts["required"], bool, "required") if "required" in parts else False,
                        multiple=self.scalar(parts["multiple"], bool, "multiple") if "multiple" in parts else False)
