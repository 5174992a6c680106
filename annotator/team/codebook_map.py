"""A codebook mapping: how a copy coded under another codebook is read into the project's.

A merge refuses a copy whose codebook differs from the project's unless a mapping names both
(``from``: the copy's codebook, ``to``: the project's; SHA-256, or at least its first 12 digits).
Everything the mapping does not rename stays as it is; after the mapping, every incoming row is
checked against the project's codebook, so a mapping with only ``from`` and ``to`` says "these
codebooks differ only in what the coding does not use (labels, help texts, new values)"::

    from: 1f3a9c0d4e2b
    to: 77b2e0a91c5d
    layers: {event: casualty}                          # layer ids
    attributes: {casualty: {victims: victim_group}}    # per layer (the copy's id): attribute ids
    values: {casualty: {outcome: {dead: killed}}}      # per layer and attribute: value ids
    links: {perpetrated_by: perpetrator}               # link kinds
    fields: {type: event_type}                         # document field ids
    field_values: {event_type: {battle: battles}}      # per document field (the copy's id): values
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator import safe_yaml
from annotator.store import ProjectError

MIN_PREFIX = 12
_SECTIONS = {"layers": 1, "attributes": 2, "values": 3, "links": 1, "fields": 1, "field_values": 2}


class MappingError(ProjectError):
    """A mapping file that cannot be used, with its name."""


@dataclass(frozen=True)
class CodebookMap:
    origin: str
    source: str  # the copy's codebook hash (or prefix)
    target: str  # the project's
    layers: dict[str, str]
    attributes: dict[str, dict[str, str]]
    values: dict[str, dict[str, dict[str, str]]]
    links: dict[str, str]
    fields: dict[str, str]
    field_values: dict[str, dict[str, str]]

    @classmethod
    def load(cls, path: Path) -> "CodebookMap":
        origin = str(path)
        try:
            data = safe_yaml.load(safe_yaml.read_text(path), origin)
        except safe_yaml.YamlProblem as exc:
            raise MappingError(str(exc)) from None
        except OSError as exc:
            raise MappingError(f"{path}: cannot read the mapping: {exc.strerror or exc}") from None
        if not isinstance(data, dict):
            raise MappingError(f"{path}: a mapping is a YAML mapping with 'from' and 'to' (see docs/reliability.md)")
        unknown = sorted(set(data) - set(_SECTIONS) - {"from", "to"})
        if unknown:
            raise MappingError(f"{path}: unknown key {unknown[0]!r} (allowed: from, to, {', '.join(_SECTIONS)})")
        ends = {}
        for end in ("from", "to"):
            value = str(data.get(end) or "").strip().lower()
            if len(value) < MIN_PREFIX or any(ch not in "0123456789abcdef" for ch in value):
                raise MappingError(f"{path}: '{end}' must be a codebook's SHA-256 (at least its first {MIN_PREFIX} "
                                   "hex digits; `annotator init` and `annotator merge` print them)")
            ends[end] = value
        sections = {name: _nested(data.get(name) or {}, depth, f"{path}: {name}") for name, depth in _SECTIONS.items()}
        return cls(origin, ends["from"], ends["to"], **sections)

    def fits(self, copy_codebook: str, project_codebook: str) -> bool:
        return copy_codebook.startswith(self.source) and project_codebook.startswith(self.target)

    def annotation(self, content: dict[str, Any]) -> dict[str, Any]:
        """An annotation's content (with its links) in the project's codebook."""
        layer = content["layer"]
        renamed = self.attributes.get(layer, {})
        values = self.values.get(layer, {})
        attrs = {renamed.get(name, name): _value(value, values.get(name, {})) for name, value in content["attrs"].items()}
        links = [{**l, "kind": self.links.get(l["kind"], l["kind"])} for l in content["links"]]
        return {**content, "layer": self.layers.get(layer, layer), "attrs": attrs, "links": links}

    def label(self, content: dict[str, Any]) -> dict[str, Any]:
        field = content["field"]
        return {**content, "field": self.fields.get(field, field),
                "value": _value(content["value"], self.field_values.get(field, {}))}

    def field(self, field: str) -> str:
        return self.fields.get(field, field)


def _value(value: Any, mapping: dict[str, str]) -> Any:
    if isinstance(value, list):
        return [mapping.get(v, v) if isinstance(v, str) else v for v in value]
    return mapping.get(value, value) if isinstance(value, str) else value


def _nested(value: Any, depth: int, where: str) -> dict:
    """A mapping ``depth`` levels deep whose leaves are ids (text)."""
    if not isinstance(value, dict):
        raise MappingError(f"{where}: expected a mapping of ids")
    out = {}
    for key, inner in value.items():
        if depth == 1:
            if not isinstance(inner, (str, int)) or isinstance(inner, bool):
                raise MappingError(f"{where}: {key!r} must map to an id, not {inner!r}")
            out[str(key)] = str(inner)
        else:
            out[str(key)] = _nested(inner, depth - 1, f"{where}.{key}")
    return out
