"""Demo coding by three fictional coders, so the sample project's agreement report means something.

``resources/demo_coding.yaml`` holds how three careful but different coders coded several sample
articles with the default codebook. Spans are given by their quote, never by offsets: the loader
finds the quote in the stored text (``occurrence`` picks the n-th match, 1-based) and fails with a
:class:`DemoCodingError` naming the document, the coder and the quote when it is not there.

The file codes each span once, with what the coders share, and says per coder where they differ
(``by``: another quote, other attributes, or ``skip``; ``only``: a span some coders alone tagged).
That keeps the disagreements visible in the file instead of buried in three near-copies.

Everything is resolved and checked against the project's codebook before anything is written, and
the writing is one transaction through the :class:`~annotator.store.Project` API, so a bad file
leaves the project as it was. Loading again is a no-op once the demo coders have annotations.
"""

from __future__ import annotations

import datetime as _dt
import unicodedata
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator import safe_yaml
from annotator.paths import RESOURCES
from annotator.store import Project

DEMO_CODERS = ("demo-amal", "demo-bilal", "demo-chadi")
DEMO_CODING = RESOURCES / "demo_coding.yaml"

_DOCUMENT_KEYS = {"id", "coders", "minutes", "labels", "labels_by", "spans", "links"}
_SPAN_KEYS = {"key", "layer", "quote", "occurrence", "attrs", "only", "by"}
_OVERRIDE_KEYS = {"quote", "occurrence", "attrs"}
_LINK_KEYS = {"kind", "from", "to", "only"}


class DemoCodingError(ValueError):
    """The demo coding file does not fit the project (a quote not in the text, a bad value...)."""


@dataclass(frozen=True)
class DemoSpan:
    key: str
    layer: str
    start: int
    end: int
    quote: str
    attrs: dict[str, Any]


@dataclass(frozen=True)
class DemoLink:
    kind: str
    from_key: str
    to_key: str


@dataclass
class DemoCoding:
    """One coder's whole coding of one document, resolved to offsets."""

    document_id: str
    coder: str
    spans: list[DemoSpan] = field(default_factory=list)
    links: list[DemoLink] = field(default_factory=list)
    labels: dict[str, Any] = field(default_factory=dict)
    minutes: float | None = None


def has_demo_coding(project: Project) -> bool:
    """Whether any demo coder already has annotations in ``project``."""
    present = set(project.coders())
    return any(project.annotations(coder=c) for c in DEMO_CODERS if c in present)


def add_demo_coding(project: Project, path: str | Path | None = None) -> None:
    """Add the demo coders, assign each the documents they coded and write their coding, marked done.

    Only coded documents are assigned: the reliability sample (documents given to two or more
    coders) is then the demo's double-coded documents plus whatever a new coder shares with them,
    and the rest of the sample corpus shows a newcomer what suggestions look like.

    Skips (and changes nothing) when the demo coders already have annotations. Raises
    :class:`DemoCodingError` before writing anything when the file does not fit the project.
    """
    if has_demo_coding(project):
        return
    plan = plan_demo_coding(project, path)
    # Coders first and on their own: add_coder is idempotent, and a rollback below then never
    # removes a coder whose id the project has already looked up.
    for coder in DEMO_CODERS:
        project.add_coder(coder)
    with project.transaction():
        for coder in DEMO_CODERS:
            project.assign([c.document_id for c in plan if c.coder == coder], coder)
        for coding in plan:
            ids: dict[str, str] = {}
            for span in coding.spans:
                ann = project.create_annotation(coding.coder, coding.document_id, span.layer,
                                                span.start, span.end, span.attrs)
                ids[span.key] = ann.id
            for link in coding.links:
                project.create_link(coding.coder, ids[link.from_key], ids[link.to_key], link.kind)
            for field_id, value in coding.labels.items():
                project.set_label(coding.coder, coding.document_id, field_id, value)
            project.mark_done(coding.coder, coding.document_id)  # never forced: the data must be complete
            if coding.minutes:
                project.add_time(coding.coder, coding.document_id, coding.minutes * 60)


def plan_demo_coding(project: Project, path: str | Path | None = None) -> list[DemoCoding]:
    """Read the demo file and resolve it against ``project`` without writing anything."""
    path = Path(path) if path is not None else DEMO_CODING
    try:
        data = safe_yaml.load(safe_yaml.read_text(path), str(path))
    except (OSError, UnicodeDecodeError, safe_yaml.YamlProblem) as exc:
        raise DemoCodingError(f"{path}: cannot read the demo coding: {exc}") from None
    if not isinstance(data, Mapping) or not isinstance(data.get("documents"), list):
        raise DemoCodingError(f"{path}: expected a mapping with a 'documents' list")
    known = set(project.document_ids())
    plan: list[DemoCoding] = []
    seen: set[str] = set()
    for entry in data["documents"]:
        doc_id = _mapping(entry, _DOCUMENT_KEYS, f"{path}: document entry").get("id")
        if doc_id not in known:
            raise DemoCodingError(f"{path}: document {doc_id!r} is not in the project")
        if doc_id in seen:
            raise DemoCodingError(f"{path}: document {doc_id!r} is coded twice")
        seen.add(doc_id)
        plan.extend(_plan_document(project, entry, project.document(doc_id).text, f"{path}: {doc_id}"))
    return plan


def _plan_document(project: Project, entry: Mapping[str, Any], text: str, where: str) -> list[DemoCoding]:
    doc_id = entry["id"]
    coders = entry.get("coders")
    if not isinstance(coders, list) or not coders or any(c not in DEMO_CODERS for c in coders):
        raise DemoCodingError(f"{where}: 'coders' must list some of {', '.join(DEMO_CODERS)}")
    minutes = entry.get("minutes") or {}
    labels_by = entry.get("labels_by") or {}
    for name, mapping in (("minutes", minutes), ("labels_by", labels_by)):
        if not isinstance(mapping, Mapping) or set(mapping) - set(coders):
            raise DemoCodingError(f"{where}: '{name}' must be keyed by this document's coders")
    spans = entry.get("spans") or []
    links = entry.get("links") or []
    keys = [s.get("key") for s in spans if isinstance(s, Mapping)]
    duplicated = sorted({k for k in keys if keys.count(k) > 1}, key=str)
    if duplicated:
        raise DemoCodingError(f"{where}: span keys used twice: {', '.join(map(str, duplicated))}")
    out = []
    for coder in coders:
        coding = DemoCoding(doc_id, coder, minutes=minutes.get(coder))
        for span in spans:
            resolved = _resolve_span(project, span, coder, coders, text, f"{where}, {coder}")
            if resolved is not None:
                coding.spans.append(resolved)
        layers = {s.key: s.layer for s in coding.spans}
        for link in links:
            resolved_link = _resolve_link(project, link, coder, coders, layers, keys, f"{where}, {coder}")
            if resolved_link is not None:
                single = not project.codebook.link_kind(resolved_link.kind).multiple
                if single and any(l.kind == resolved_link.kind and l.from_key == resolved_link.from_key
                                  for l in coding.links):
                    raise DemoCodingError(f"{where}, {coder}: {resolved_link.from_key} has two "
                                          f"{resolved_link.kind} links; it takes only one")
                coding.links.append(resolved_link)
        coding.labels = _labels(project, entry.get("labels") or {}, labels_by.get(coder) or {},
                                f"{where}, {coder}")
        out.append(coding)
    return out


def _resolve_span(project: Project, span: Any, coder: str, coders: list[str], text: str,
                  where: str) -> DemoSpan | None:
    span = _mapping(span, _SPAN_KEYS, f"{where}: span")
    key = span.get("key")
    if not isinstance(key, str) or not key:
        raise DemoCodingError(f"{where}: every span needs a 'key'")
    only = span.get("only")
    if only is not None and (not isinstance(only, list) or set(only) - set(coders)):
        raise DemoCodingError(f"{where}: span {key}: 'only' must list this document's coders")
    by = span.get("by") or {}
    if not isinstance(by, Mapping) or set(by) - set(coders):
        raise DemoCodingError(f"{where}: span {key}: 'by' must be keyed by this document's coders")
    if only is not None and coder not in only:
        return None
    override = by.get(coder) or {}
    if override == "skip":
        return None
    override = _mapping(override, _OVERRIDE_KEYS, f"{where}: span {key}: override")
    layer = span.get("layer")
    if not project.codebook.has_layer(layer):
        raise DemoCodingError(f"{where}: span {key}: no layer {layer!r} in the codebook")
    quote = override.get("quote", span.get("quote"))
    occurrence = override.get("occurrence", span.get("occurrence", 1))
    if not isinstance(quote, str) or not quote:
        raise DemoCodingError(f"{where}: span {key}: 'quote' must be text")
    quote = unicodedata.normalize("NFC", quote)  # the stored text is NFC (annotator.corpus)
    start = find_quote(text, quote, occurrence)
    if start is None:
        raise DemoCodingError(f"{where}: span {key}: quote «{quote}» (occurrence {occurrence}) "
                              "is not in the text")
    attrs = dict(span.get("attrs") or {})
    for name, value in (override.get("attrs") or {}).items():
        if value is None:
            attrs.pop(name, None)
        else:
            attrs[name] = value
    problems = project.codebook.attr_problems(layer, attrs)
    problems += [f"“{f.id}” is required" for f in project.codebook.missing_fields(layer, attrs)]
    if problems:
        raise DemoCodingError(f"{where}: span {key} «{quote}»: {'; '.join(problems)}")
    return DemoSpan(key, layer, start, start + len(quote), quote, attrs)


def find_quote(text: str, quote: str, occurrence: int = 1) -> int | None:
    """Start (code points) of the ``occurrence``-th match of ``quote`` in ``text``, or None."""
    if isinstance(occurrence, bool) or not isinstance(occurrence, int) or occurrence < 1:
        return None
    start = -1
    for _ in range(occurrence):
        start = text.find(quote, start + 1)
        if start < 0:
            return None
    return start


def _resolve_link(project: Project, link: Any, coder: str, coders: list[str], layers: dict[str, str],
                  keys: list[str], where: str) -> DemoLink | None:
    link = _mapping(link, _LINK_KEYS, f"{where}: link")
    kind, from_key, to_key, only = link.get("kind"), link.get("from"), link.get("to"), link.get("only")
    what = f"{where}: link {kind} {from_key} -> {to_key}"
    if from_key not in keys or to_key not in keys:
        raise DemoCodingError(f"{what}: no span with that key")
    if only is not None and (not isinstance(only, list) or set(only) - set(coders)):
        raise DemoCodingError(f"{what}: 'only' must list this document's coders")
    if only is not None and coder not in only:
        return None
    if from_key not in layers or to_key not in layers:
        if only is not None:
            raise DemoCodingError(f"{what}: this coder did not tag both ends")
        return None  # the coder did not tag one end, so cannot have drawn the link
    try:
        spec = project.codebook.link_kind(kind)
    except KeyError:
        raise DemoCodingError(f"{what}: no link kind {kind!r} in the codebook") from None
    if layers[from_key] != spec.from_layer or layers[to_key] not in spec.to_layers:
        raise DemoCodingError(f"{what}: a {kind} link goes from {spec.from_layer} to "
                              f"{' or '.join(spec.to_layers)}")
    return DemoLink(kind, from_key, to_key)


def _labels(project: Project, shared: Mapping[str, Any], own: Mapping[str, Any], where: str) -> dict[str, Any]:
    labels: dict[str, Any] = {}
    for name, value in {**shared, **own}.items():
        if isinstance(value, _dt.date):  # YAML reads an unquoted 2024-03-16 as a date
            value = value.isoformat()
        if value is None:
            continue
        try:
            spec = project.codebook.document_field(name)
        except KeyError:
            raise DemoCodingError(f"{where}: no document field {name!r} in the codebook") from None
        if (why := spec.check(value)) is not None:
            raise DemoCodingError(f"{where}: document field {name}: {why}")
        labels[name] = value
    return labels


def _mapping(value: Any, allowed: set[str], what: str) -> Mapping[str, Any]:
    if not isinstance(value, Mapping):
        raise DemoCodingError(f"{what}: expected a mapping, not {value!r}")
    unknown = set(value) - allowed
    if unknown:
        raise DemoCodingError(f"{what}: unknown keys {', '.join(sorted(map(str, unknown)))} "
                              f"(allowed: {', '.join(sorted(allowed))})")
    return value
