"""python-hcl2 as a test oracle: its reading of a file reduced to block kinds, labels and
attribute names, comparable with the model's. Test-only: hcl2 never enters ``harness``."""

from __future__ import annotations

from typing import Any

from harness.terraform import Block

Shape = tuple[str, tuple[str, ...], tuple[str, ...], tuple[Any, ...]]
_META = {"__is_block__", "__start_line__", "__end_line__", "__comments__", "__inline_comments__"}


def _unquote(label: str) -> str:
    if len(label) >= 2 and label[0] == label[-1] == '"':
        return label[1:-1].replace('\\"', '"').replace("\\\\", "\\")
    return label


def _is_block_entry(value: Any) -> bool:
    if not isinstance(value, dict):
        return False
    if value.get("__is_block__"):
        return True
    return len(value) == 1 and _is_block_entry(next(iter(value.values())))


def _blocks_of(kind: str, entry: dict[str, Any], labels: tuple[str, ...] = ()) -> list[Shape]:
    if entry.get("__is_block__"):
        return [_shape(kind, labels, entry)]
    out: list[Shape] = []
    for label, inner in entry.items():
        out.extend(_blocks_of(kind, inner, (*labels, _unquote(label))))
    return out


def _shape(kind: str, labels: tuple[str, ...], body: dict[str, Any]) -> Shape:
    attributes: list[str] = []
    children: list[Shape] = []
    for key, value in body.items():
        if key in _META:
            continue
        if isinstance(value, list) and value and all(_is_block_entry(v) for v in value):
            for entry in value:
                children.extend(_blocks_of(key, entry))
        else:
            attributes.append(key)
    return (kind, labels, tuple(sorted(attributes)), tuple(sorted(children)))


def hcl2_shapes(document: dict[str, Any]) -> list[Shape]:
    """Top-level blocks of ``hcl2.loads(text)`` as sorted shapes."""
    return sorted(_shape("", (), document)[3])


def model_shape(block: Block) -> Shape:
    return (
        block.kind,
        block.labels,
        tuple(sorted(a.name for a in block.attributes)),
        tuple(sorted(model_shape(b) for b in block.blocks)),
    )
