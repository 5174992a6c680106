"""YAML that may come from anyone (a codebook mailed round, a coder's copy): plain data only.

PyYAML's safe loader already refuses object tags when it builds Python values, but that is not
enough for a file of unknown origin:

* aliases: ``&a [x, x]`` and ``&b [*a, *a]`` ten levels down ("billion laughs") is a few hundred
  bytes that every walk over the loaded data sees as 10^9 values;
* an alias can point into the node that holds it (a cycle), which a walk never leaves;
* nesting is parsed recursively: ten thousand ``[`` crash the composer with a RecursionError;
* a file of gigabytes is read whole, and parsed at about half a megabyte a second.

So files are read up to :data:`MAX_BYTES`, nesting stops at :data:`MAX_DEPTH`, the node graph
is checked before any value is built (no cycle, at most :data:`MAX_VALUES` values with aliases
expanded, only the standard tags), and every refusal is a :class:`YamlProblem` naming the file
and line.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from yaml.constructor import SafeConstructor

# 50 times the bundled codebook, 5 times the demo coding file; PyYAML parses this much in 1-3 s
# (a stored codebook is parsed each time its project opens).
MAX_BYTES = 512 << 10
# A codebook is six levels deep; nothing read here comes near this.
MAX_DEPTH = 64
# Values counted with every alias expanded: 20 times the largest bundled file (the demo coding).
MAX_VALUES = 200_000

_TAGS = frozenset(tag for tag in SafeConstructor.yaml_constructors if tag is not None)


class YamlProblem(ValueError):
    """A YAML file that is refused; ``str()`` is ``file:line: problem`` (no line if unknown)."""

    def __init__(self, origin: str, mark: Any, problem: str) -> None:
        self.line = mark.line + 1 if mark is not None else None
        self.problem = problem
        super().__init__(f"{origin}:{self.line}: {problem}" if self.line else f"{origin}: {problem}")


def read_text(path: str | Path, encoding: str = "utf-8") -> str:
    """A YAML file's text, refused when it is larger than :data:`MAX_BYTES`.

    Only that much is ever read. OSError and UnicodeDecodeError reach the caller, which knows
    what the file is for.
    """
    with open(path, "rb") as handle:
        data = handle.read(MAX_BYTES + 1)
    _check_size(len(data), str(path))
    return data.decode(encoding)


def compose(text: str, origin: str) -> yaml.Node | None:
    """The checked node graph of ``text`` (None for an empty document), with marks for lines."""
    _check_size(len(text), origin)
    loader = _Loader(text)
    try:
        root = loader.get_single_node()
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(origin, mark, f"not valid YAML: {problem}") from None
    finally:
        loader.dispose()
    if root is not None:
        _check_graph(root, origin)
    return root


def load(text: str, origin: str) -> Any:
    """``text`` as plain Python data (dicts, lists, strings, numbers, dates), or YamlProblem."""
    root = compose(text, origin)
    return None if root is None else construct(root, origin)


def construct(node: yaml.Node, origin: str) -> Any:
    """The value of a node from :func:`compose` (already checked: no cycle, standard tags)."""
    try:
        return SafeConstructor().construct_document(node)
    except yaml.YAMLError as exc:
        problem = getattr(exc, "problem", None) or str(exc)
        raise YamlProblem(origin, getattr(exc, "problem_mark", None), problem) from None
    except (ValueError, TypeError, AttributeError):
        # What the constructors raise for a value that does not fit its explicit tag
        # (``!!int abc``, ``!!timestamp soon``) or for an integer of thousands of digits.
        raise YamlProblem(origin, node.start_mark, f"{shown(node.value)} cannot be read as {_tag_name(node)}") from None


class _Loader(yaml.SafeLoader):
    """The safe loader, refusing nesting deeper than MAX_DEPTH before Python's stack runs out."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0

    def compose_node(self, parent: yaml.Node | None, index: Any) -> yaml.Node:
        self._depth += 1
        try:
            if self._depth > MAX_DEPTH:
                mark = self.peek_event().start_mark
                raise yaml.composer.ComposerError(
                    None, None, f"nested more than {MAX_DEPTH} levels deep", mark)
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


def _check_graph(root: yaml.Node, origin: str) -> None:
    """Refuse unknown tags, an alias inside the node it names, and more than MAX_VALUES values.

    Each distinct node is visited once (sizes are remembered), so a billion laughs is refused
    after a few dozen steps instead of being expanded.
    """
    sizes: dict[int, int] = {}
    open_nodes: set[int] = set()
    stack: list[tuple[yaml.Node, bool]] = [(root, False)]
    while stack:
        node, finished = stack.pop()
        key = id(node)
        if finished:
            open_nodes.discard(key)
            size = 1 + sum(sizes[id(child)] for child in _children(node))
            if size > MAX_VALUES:
                raise YamlProblem(origin, node.start_mark, f"more than {MAX_VALUES:,} values once its aliases "
                                  "(*name) are expanded; that is not a file this program writes or reads")
            sizes[key] = size
            continue
        if key in sizes:
            continue
        if key in open_nodes:
            raise YamlProblem(origin, node.start_mark, "an alias refers to the value that contains it")
        if node.tag not in _TAGS:
            raise YamlProblem(origin, node.start_mark, f"the tag {_tag_name(node)} is not allowed: only plain "
                              "data (text, numbers, lists, mappings) is read")
        open_nodes.add(key)
        stack.append((node, True))
        stack.extend((child, False) for child in _children(node))


def _children(node: yaml.Node) -> list[yaml.Node]:
    if isinstance(node, yaml.MappingNode):
        return [part for pair in node.value for part in pair]
    if isinstance(node, yaml.SequenceNode):
        return list(node.value)
    return []


def _check_size(size: int, origin: str) -> None:
    if size > MAX_BYTES:
        raise YamlProblem(origin, None, f"larger than {MAX_BYTES >> 10} KB; the YAML files read here "
                          "(codebooks, actor lists) are far smaller: check that this is the right file")


def _tag_name(node: yaml.Node) -> str:
    return node.tag.replace("tag:yaml.org,2002:", "!!")


def shown(text: str, limit: int = 40) -> str:
    """``text`` quoted for a message, cut to ``limit`` characters (a value may be megabytes)."""
    return repr(text if len(text) <= limit else text[:limit] + "…")
