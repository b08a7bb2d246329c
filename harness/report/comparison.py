"""The reference comparison of one response, for its page: figures per kind (files, modules,
resources, ...), what the reference has that the response lacks, what the response adds, and
the attributes of matched blocks whose values differ, side by side.

Reads ``ResponseResult.comparison`` (the dict ``harness.compare.summarise()`` produces): per kind
``{"matched": [...], "missing": [...], "extra": [...]}``, plus ``figures`` and
``attribute_agreement``. Anything absent or oddly shaped is skipped, never an error; a summary
of another shape still shows its top-level ``missing*`` / ``extra*`` lists.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

_MAX_ITEMS = 300
_KIND_LABELS = {
    "files": "file",
    "modules": "module",
    "resources": "resource",
    "data_sources": "data source",
    "variables": "variable",
    "outputs": "output",
    "providers": "provider",
    "backend": "backend",
}


#: per-page views (see ``harness.report.views``: slotted, not frozen, to build fast)
@dataclass(slots=True)
class Place:
    """A block in the reference or in this response's extracted files."""

    path: str | None
    line: int | None
    response_line: int | None

    @property
    def label(self) -> str:
        if self.path is None:
            return ""
        return f"{self.path}:{self.line}" if self.line else self.path


@dataclass(slots=True)
class CompareItem:
    kind: str
    key: str
    module: str
    place: Place | None


@dataclass(slots=True)
class AttributeDiff:
    kind: str
    reference_key: str
    response_key: str
    path: str
    reference: str  # the reference's value, or "" when the response lacks the attribute
    response: str
    security: bool
    reference_place: Place | None
    response_place: Place | None


@dataclass(frozen=True)
class Figures:
    kind: str
    matched: int | None
    missing: int | None
    extra: int | None
    precision: float | None
    recall: float | None
    f1: float | None


@dataclass(frozen=True)
class ComparisonView:
    figures: tuple[Figures, ...]
    agreement: tuple[tuple[str, str], ...]
    missing: tuple[CompareItem, ...]
    extra: tuple[CompareItem, ...]
    differing: tuple[AttributeDiff, ...]

    @property
    def empty(self) -> bool:
        return not (self.figures or self.agreement or self.missing or self.extra)


def kind_label(kind: str) -> str:
    return _KIND_LABELS.get(kind, kind)


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False, default=str)


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _num(value: Any) -> float | None:
    if isinstance(value, int | float) and not isinstance(value, bool):
        return float(value)
    return None


def _place(span: Any) -> Place | None:
    if not isinstance(span, Mapping):
        return None
    path = span.get("path")
    return Place(
        path if isinstance(path, str) else None,
        _int(span.get("start_line")),
        _int(span.get("response_line")),
    )


def _item(kind: str, raw: Any) -> CompareItem:
    if isinstance(raw, Mapping):
        key = raw.get("key", raw.get("address", raw.get("name", "")))
        module = raw.get("module", "")
        return CompareItem(
            kind,
            _text(key) or _text(raw),
            module if isinstance(module, str) else "",
            _place(raw.get("span")),
        )
    if isinstance(raw, list | tuple) and raw:
        return CompareItem(kind, " ↔ ".join(_text(x) for x in raw), "", None)
    return CompareItem(kind, _text(raw), "", None)


def _list(value: Any) -> list[Any]:
    return list(value[:_MAX_ITEMS]) if isinstance(value, list | tuple) else []


def _differing(kind: str, pairs: list[Any]) -> list[AttributeDiff]:
    out = []
    for pair in pairs:
        if not isinstance(pair, Mapping):
            continue
        ref_key, resp_key = _text(pair.get("reference", "")), _text(pair.get("response", ""))
        for attr in _list(pair.get("differing_attributes")):
            if isinstance(attr, Mapping):
                out.append(
                    AttributeDiff(
                        kind,
                        ref_key,
                        resp_key,
                        _text(attr.get("path", "")),
                        _text(attr.get("reference", "")),
                        _text(attr.get("response", "")),
                        bool(attr.get("security")),
                        _place(attr.get("reference_span")),
                        _place(attr.get("response_span")),
                    )
                )
        for attr in _list(pair.get("missing_attributes")):
            if isinstance(attr, Mapping):
                out.append(
                    AttributeDiff(
                        kind,
                        ref_key,
                        resp_key,
                        _text(attr.get("path", "")),
                        "(set)",
                        "",
                        bool(attr.get("security")),
                        _place(attr.get("reference_span")),
                        None,
                    )
                )
    return out


def comparison_view(summary: Mapping[str, Any] | None) -> ComparisonView | None:
    if not isinstance(summary, Mapping) or not summary:
        return None
    figures: list[Figures] = []
    raw_figures = summary.get("figures")
    if isinstance(raw_figures, Mapping):
        for kind, f in raw_figures.items():
            if isinstance(f, Mapping):
                figures.append(
                    Figures(
                        str(kind),
                        _int(f.get("matched")),
                        _int(f.get("missing")),
                        _int(f.get("extra")),
                        _num(f.get("precision")),
                        _num(f.get("recall")),
                        _num(f.get("f1")),
                    )
                )
    agreement: list[tuple[str, str]] = []
    raw_agreement = summary.get("attribute_agreement")
    if isinstance(raw_agreement, Mapping):
        agreement = [(str(k), _text(v)) for k, v in raw_agreement.items() if v is not None]
    missing: list[CompareItem] = []
    extra: list[CompareItem] = []
    differing: list[AttributeDiff] = []
    for key, value in summary.items():
        name = str(key)
        if isinstance(value, Mapping) and ("missing" in value or "extra" in value):
            missing += [_item(name, m) for m in _list(value.get("missing"))]
            extra += [_item(name, e) for e in _list(value.get("extra"))]
            differing += _differing(name, _list(value.get("matched")))
        elif "missing" in name.lower():  # a flat summary of another shape
            missing += [_item("", m) for m in _list(value)]
        elif "extra" in name.lower():
            extra += [_item("", e) for e in _list(value)]
    differing.sort(key=lambda d: (not d.security, d.kind, d.reference_key, d.path))
    return ComparisonView(
        tuple(figures),
        tuple(agreement),
        tuple(missing),
        tuple(extra),
        tuple(differing[:_MAX_ITEMS]),
    )
