"""A tolerant reading of ``ResponseResult.comparison`` (the reference comparison's
``summary()`` dict): lists under keys naming missing / extra resources, plus the other
scalar facts. Absent or oddly shaped summaries render as nothing rather than failing."""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_MAX_ITEMS = 500


@dataclass(frozen=True)
class ComparisonView:
    missing: tuple[str, ...]
    extra: tuple[str, ...]
    facts: tuple[tuple[str, str], ...]

    @property
    def empty(self) -> bool:
        return not (self.missing or self.extra or self.facts)


def _label(item: Any) -> str:
    if isinstance(item, str):
        return item
    if isinstance(item, Mapping):
        for key in ("address", "name", "id", "type"):
            if isinstance(item.get(key), str):
                rest = {k: v for k, v in item.items() if k != key}
                return f"{item[key]} {json.dumps(rest, ensure_ascii=False)}" if rest else item[key]
    return json.dumps(item, ensure_ascii=False, default=str)


def _items(value: Any) -> tuple[str, ...]:
    if isinstance(value, Mapping):
        return tuple(f"{k}: {_label(v)}" for k, v in list(value.items())[:_MAX_ITEMS])
    if isinstance(value, list | tuple):
        return tuple(_label(v) for v in value[:_MAX_ITEMS])
    return (_label(value),) if value not in (None, "") else ()


def comparison_view(summary: Mapping[str, Any] | None) -> ComparisonView | None:
    if not isinstance(summary, Mapping) or not summary:
        return None
    missing: list[str] = []
    extra: list[str] = []
    facts: list[tuple[str, str]] = []
    for key, value in summary.items():
        name = str(key)
        lowered = name.lower()
        if "missing" in lowered:
            missing.extend(_items(value))
        elif "extra" in lowered:
            extra.extend(_items(value))
        elif isinstance(value, str | int | float | bool) or value is None:
            facts.append((name, "" if value is None else str(value)))
        else:
            text = json.dumps(value, ensure_ascii=False, default=str)
            facts.append((name, text if len(text) <= 400 else text[:400] + "…"))
    return ComparisonView(tuple(missing), tuple(extra), tuple(facts))
