"""The derived rubric as YAML, written by hand (ruamel is not a dependency and PyYAML drops
comments): deterministic, ordered like the base rubric, every entry preceded by a comment that
says what the reference does or why the criterion is disabled."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import yaml

if TYPE_CHECKING:
    from harness.derive.types import DerivedRubric

REFERENCE_CATEGORY = {"id": "reference", "title": "Agreement with the reference", "weight": 2.0}
_COMMENT_WIDTH = 96


def _comment(text: str, indent: str) -> list[str]:
    words = text.split()
    lines: list[str] = []
    line = ""
    for word in words:
        if line and len(indent) + 2 + len(line) + 1 + len(word) > _COMMENT_WIDTH:
            lines.append(line)
            line = word
        else:
            line = f"{line} {word}" if line else word
    if line:
        lines.append(line)
    return [f"{indent}# {item}" for item in lines]


def _scalar(value: Any) -> str:
    """One YAML scalar, quoted only when YAML needs it (``'aws:kms'``, ``'1.0'``)."""
    text = yaml.safe_dump([value], default_flow_style=True, width=1_000_000, allow_unicode=True)
    return text.strip()[1:-1]


def _emit(key: str, value: Any, indent: int) -> list[str]:
    """Block style for mappings; lists of scalars in flow style (one line when it fits);
    lists of small mappings one flow mapping per line."""
    pad = " " * indent
    head = f"{pad}{_scalar(key)}:"
    if isinstance(value, dict):
        if not value:
            return [f"{head} {{}}"]
        return [head] + [line for k, v in value.items() for line in _emit(k, v, indent + 2)]
    if isinstance(value, list):
        if all(not isinstance(v, dict | list) for v in value):
            flow = "[" + ", ".join(_scalar(v) for v in value) + "]"
            if len(head) + 1 + len(flow) <= _COMMENT_WIDTH:
                return [f"{head} {flow}"]
            return [head] + [f"{pad}  - {_scalar(v)}" for v in value]
        lines = [head]
        for item in value:
            if isinstance(item, dict):
                inner = ", ".join(f"{_scalar(k)}: {_scalar(v)}" for k, v in item.items())
                lines.append(f"{pad}  - {{{inner}}}")
            else:
                lines.append(f"{pad}  - {_scalar(item)}")
        return lines
    return [f"{head} {_scalar(value)}"]


def render(rubric: DerivedRubric) -> str:
    lines: list[str] = []
    for paragraph in rubric.facts:
        lines += _comment(paragraph, "")
    top = {
        "id": rubric.id,
        "version": "1.0",
        "title": f"{rubric.task_id} (derived from its reference)",
        "extends": rubric.base,
    }
    for key, value in top.items():
        lines += _emit(key, value, 0)
    if rubric.add_reference_category:
        lines.append("categories:")
        lines.append(
            f"  - {{id: {REFERENCE_CATEGORY['id']}, title: {REFERENCE_CATEGORY['title']}, "
            f"weight: {REFERENCE_CATEGORY['weight']:g}}}"
        )
    lines.append("criteria:")
    for decision in rubric.decisions:
        lines.append("")
        for text in decision.comment:
            lines += _comment(text, "  ")
        entry: dict[str, Any] = {"id": decision.id}
        if decision.disabled:
            entry["disabled"] = True
        else:
            if decision.new is not None:
                new = decision.new
                entry.update(
                    title=new.title,
                    category=new.category,
                    check=new.check,
                    weight=new.weight,
                    severity=new.severity,
                    why=new.why,
                )
                if entry["check"] == decision.id:
                    del entry["check"]
            if decision.params:
                entry["params"] = decision.params
        dumped = [line for key, value in entry.items() for line in _emit(key, value, 4)]
        dumped[0] = "  - " + dumped[0][4:]
        lines += dumped
    return "\n".join(lines) + "\n"
