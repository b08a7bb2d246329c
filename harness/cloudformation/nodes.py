"""The value tree of a CloudFormation template: scalars, mappings, sequences and intrinsic
functions, each with the span (file:line) it was written at.

YAML and JSON templates are read by PyYAML's composer (JSON is YAML flow syntax), so both
keep line numbers; the short tags (``!Ref``, ``!GetAtt``, ``!Sub``, ...) that a plain safe
loader rejects and the long forms (``{"Ref": ...}``, ``{"Fn::Sub": ...}``) become the same
``Intrinsic`` node.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from harness.vocabulary import Span

ScalarValue = str | int | float | bool | None

#: Short tag -> the intrinsic function's long name.
SHORT_TAGS: dict[str, str] = {
    "!Ref": "Ref",
    "!Condition": "Condition",
    **{
        f"!{name}": f"Fn::{name}"
        for name in (
            "And",
            "Base64",
            "Cidr",
            "Equals",
            "FindInMap",
            "ForEach",
            "GetAtt",
            "GetAZs",
            "If",
            "ImportValue",
            "Join",
            "Length",
            "Not",
            "Or",
            "Select",
            "Split",
            "Sub",
            "ToJsonString",
            "Transform",
        )
    },
}
INTRINSIC_NAMES = frozenset(SHORT_TAGS.values()) - {"Condition"}


@dataclass(frozen=True, slots=True)
class Scalar:
    value: ScalarValue
    span: Span

    @property
    def text(self) -> str:
        """The value as CloudFormation reads it (``true`` and ``"true"`` alike)."""
        if isinstance(self.value, bool):
            return "true" if self.value else "false"
        return "" if self.value is None else str(self.value)


@dataclass(frozen=True, slots=True)
class Mapping:
    entries: dict[str, Node]
    span: Span
    key_spans: dict[str, Span] = field(default_factory=dict)

    def get(self, key: str) -> Node | None:
        return self.entries.get(key)

    def mapping(self, key: str) -> Mapping | None:
        found = self.entries.get(key)
        return found if isinstance(found, Mapping) else None

    def text(self, key: str) -> str | None:
        """The literal text at ``key`` (None when absent or not a literal)."""
        found = self.entries.get(key)
        return found.text if isinstance(found, Scalar) else None

    def key_span(self, key: str) -> Span:
        return self.key_spans.get(key, self.span)

    def items(self) -> Iterator[tuple[str, Node]]:
        return iter(self.entries.items())


@dataclass(frozen=True, slots=True)
class Sequence:
    items: tuple[Node, ...]
    span: Span


@dataclass(frozen=True, slots=True)
class Intrinsic:
    """``Ref``, ``Fn::GetAtt``, ``Fn::Sub``, ... (``function`` is the long name)."""

    function: str
    argument: Node
    span: Span


Node = Scalar | Mapping | Sequence | Intrinsic


def walk(node: Node) -> Iterator[Node]:
    """``node`` and every node inside it, depth first."""
    stack: list[Node] = [node]
    while stack:
        current = stack.pop()
        yield current
        if isinstance(current, Mapping):
            stack.extend(reversed(list(current.entries.values())))
        elif isinstance(current, Sequence):
            stack.extend(reversed(current.items))
        elif isinstance(current, Intrinsic):
            stack.append(current.argument)


def as_list(node: Node | None) -> tuple[Node, ...]:
    """A sequence's items, a single node as a one-item tuple, nothing for None."""
    if node is None:
        return ()
    return node.items if isinstance(node, Sequence) else (node,)


__all__ = [
    "INTRINSIC_NAMES",
    "SHORT_TAGS",
    "Intrinsic",
    "Mapping",
    "Node",
    "Scalar",
    "ScalarValue",
    "Sequence",
    "as_list",
    "walk",
]
