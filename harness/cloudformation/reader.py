"""Read one template's text (YAML or JSON) into the value tree of ``nodes``, never raising on
bad input except as ``TemplateSyntaxError`` with the line it was found at.

PyYAML's composer (libyaml's C parser when present) gives nodes with marks (line numbers)
and leaves tags alone; this module turns short tags into ``Intrinsic`` nodes itself, so
nothing but plain data is ever constructed (no Python objects from tags: the input is
untrusted). JSON templates are read the same way (JSON is YAML flow syntax), so they keep
their lines too. Plain scalars are typed as YAML 1.2 does (``yes`` and ``1:20`` stay strings),
and aliases are expanded with a budget so an alias bomb is an error, not a hang.

The composer was chosen over ruamel.yaml's pure-Python one by measurement
(``benchmarks/cloudformation.py``): about nine times faster on the corpus's templates.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import yaml
from yaml.nodes import MappingNode, ScalarNode, SequenceNode
from yaml.nodes import Node as YamlNode

from harness.cloudformation.nodes import (
    INTRINSIC_NAMES,
    SHORT_TAGS,
    Intrinsic,
    Mapping,
    Node,
    Scalar,
    ScalarValue,
    Sequence,
)
from harness.vocabulary import Span

#: Nodes one template may expand to (aliases included) and how deep it may nest.
MAX_NODES = 500_000
MAX_DEPTH = 200

_YAML_TAG = "tag:yaml.org,2002:"
_LOADER: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)
# YAML 1.2 core schema for plain scalars (PyYAML resolves YAML 1.1: yes/no, 1:20, 1_000)
_BOOL = re.compile(r"true|True|TRUE|false|False|FALSE")
_INT = re.compile(r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+")
_FLOAT = re.compile(
    r"[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?|[-+]?\.(inf|Inf|INF)|\.(nan|NaN|NAN)"
)
_NULL = re.compile(r"~|null|Null|NULL|")


class TemplateSyntaxError(ValueError):
    """The text is not a YAML/JSON document; ``line`` is 1-based in the file (0: unknown)."""

    def __init__(self, message: str, line: int = 0) -> None:
        super().__init__(message)
        self.line = line


@dataclass
class _Budget:
    nodes: int = 0


def read_template(text: str, path: str) -> Node | None:
    """The document in ``text`` (None for an empty one); ``path`` names the file in spans."""
    try:
        root = yaml.compose(text, Loader=_LOADER)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        line = mark.line + 1 if mark is not None else 0
        problem = error.problem or error.context or "not valid YAML"
        raise TemplateSyntaxError(f"{problem} (line {line})", line) from None
    except yaml.YAMLError as error:
        raise TemplateSyntaxError(str(error).splitlines()[0] if str(error) else "invalid") from None
    except (RecursionError, ValueError) as error:
        raise TemplateSyntaxError(f"cannot be read: {type(error).__name__}") from None
    if root is None:
        return None
    return _convert(root, path, _Budget(), 0)


def _span(node: YamlNode, path: str) -> Span:
    start, end = node.start_mark, node.end_mark
    last = end.line + 1 if end is not None else None
    # a block collection ends where the next token starts (a later line, at or left of the
    # collection's own column): that line is not part of it
    if (
        end is not None
        and last is not None
        and end.line > start.line
        and end.column <= start.column
    ):
        last -= 1
    return Span(path, start.line + 1, start.column + 1, last)


def _scalar(node: ScalarNode) -> ScalarValue:
    """The value of a scalar as YAML 1.2 types it (quoted scalars are strings)."""
    tag, text = str(node.tag), str(node.value)
    if tag == _YAML_TAG + "bool" and _BOOL.fullmatch(text):
        return text.lower() == "true"
    if tag in (_YAML_TAG + "int", _YAML_TAG + "float", _YAML_TAG + "bool", _YAML_TAG + "null"):
        if _INT.fullmatch(text):
            return int(text, 0) if text.startswith(("0o", "0x")) else int(text)
        if _FLOAT.fullmatch(text):
            return float(text.lower().replace(".inf", "inf").replace(".nan", "nan"))
        if _NULL.fullmatch(text):
            return None
    return text


def _convert(node: YamlNode, path: str, budget: _Budget, depth: int) -> Node:
    budget.nodes += 1
    if budget.nodes > MAX_NODES:
        raise TemplateSyntaxError(f"more than {MAX_NODES} values (an alias bomb?)")
    if depth > MAX_DEPTH:
        raise TemplateSyntaxError(f"nested more than {MAX_DEPTH} levels deep")
    span = _span(node, path)
    tag = node.tag or ""
    if tag in SHORT_TAGS:
        untagged: YamlNode
        if isinstance(node, ScalarNode):
            untagged = ScalarNode(_YAML_TAG + "str", node.value, node.start_mark, node.end_mark)
        elif isinstance(node, SequenceNode):
            untagged = SequenceNode(_YAML_TAG + "seq", node.value, node.start_mark, node.end_mark)
        else:
            untagged = MappingNode(_YAML_TAG + "map", node.value, node.start_mark, node.end_mark)
        argument = _convert(untagged, path, budget, depth + 1)
        function = SHORT_TAGS[tag]
        if function == "Fn::GetAtt" and isinstance(argument, Scalar):
            # !GetAtt Resource.Attribute.Path -> [Resource, "Attribute.Path"]
            resource, _, attribute = argument.text.partition(".")
            argument = Sequence((Scalar(resource, span), Scalar(attribute, span)), span)
        return Intrinsic(function, argument, span)
    if isinstance(node, ScalarNode):
        return Scalar(_scalar(node), span)
    if isinstance(node, SequenceNode):
        return Sequence(tuple(_convert(item, path, budget, depth + 1) for item in node.value), span)
    if isinstance(node, MappingNode):
        entries: dict[str, Node] = {}
        key_spans: dict[str, Span] = {}
        for key_node, value_node in node.value:
            key = str(key_node.value) if isinstance(key_node, ScalarNode) else "?"
            if key == "<<" and isinstance(value_node, MappingNode):  # YAML merge key
                merged = _convert(value_node, path, budget, depth + 1)
                if isinstance(merged, Mapping):
                    for merged_key, merged_value in merged.entries.items():
                        entries.setdefault(merged_key, merged_value)
                        key_spans.setdefault(merged_key, merged.key_span(merged_key))
                continue
            entries[key] = _convert(value_node, path, budget, depth + 1)
            key_spans[key] = _span(key_node, path)
        if len(entries) == 1:
            (only,) = entries
            if only in INTRINSIC_NAMES:
                argument = entries[only]
                if only == "Fn::GetAtt" and isinstance(argument, Scalar):
                    resource, _, attribute = argument.text.partition(".")
                    argument = Sequence((Scalar(resource, span), Scalar(attribute, span)), span)
                return Intrinsic(only, argument, span)
        return Mapping(entries, span, key_spans)
    return Scalar(None, span)


__all__ = ["MAX_DEPTH", "MAX_NODES", "TemplateSyntaxError", "read_template"]
