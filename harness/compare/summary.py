"""``summarise(comparison)``: the JSON-able form stored in ``ResponseResult.comparison`` and
read by the reports (side-by-side spans, missing and extra items, the figures)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from harness.compare.types import KINDS, AttrStatus, Item, KindComparison, Pair
from harness.extract.types import FileTree
from harness.vocabulary import Span

if TYPE_CHECKING:
    from harness.compare.types import Comparison

TEXT_MAX = 200


def summarise(comparison: Comparison) -> dict[str, Any]:
    ref_tree, resp_tree = comparison.reference_tree, comparison.response_tree
    attributes = [a for p in comparison.attribute_pairs() for a in p.attributes]
    security = [a for a in attributes if a.security]
    return {
        "reference_root": comparison.reference_root,
        "response_root": comparison.response_root,
        "module_map": [
            {
                "reference": m.reference,
                "response": m.response,
                "how": m.how.value,
                "similarity": m.similarity,
            }
            for m in comparison.module_map
        ],
        "figures": {kind: comparison.kind(kind).figures.as_dict() for kind in KINDS},
        "attribute_agreement": {
            "weighted": _round(comparison.attribute_agreement()),
            "security": _round(comparison.attribute_agreement(security_only=True)),
            "attributes": len(attributes),
            "security_attributes": len(security),
            **{s.value: sum(1 for a in attributes if a.status is s) for s in AttrStatus},
        },
        **{
            kind: _kind(comparison.kind(kind), ref_tree, resp_tree)
            for kind in KINDS
            if kind != "files"
        },
        "files": {
            "matched": [[p.reference.key, p.response.key] for p in comparison.files.pairs],
            "missing": [i.key for i in comparison.files.missing],
            "extra": [i.key for i in comparison.files.extra],
        },
    }


def _kind(kind: KindComparison, ref_tree: FileTree | None, resp_tree: FileTree | None) -> Any:
    return {
        "matched": [_pair(p, ref_tree, resp_tree) for p in kind.pairs],
        "missing": [_item(i, ref_tree) for i in kind.missing],
        "extra": [_item(i, resp_tree) for i in kind.extra],
    }


def _pair(pair: Pair, ref_tree: FileTree | None, resp_tree: FileTree | None) -> dict[str, Any]:
    out: dict[str, Any] = {
        "reference": pair.reference.key,
        "response": pair.response.key,
        "reference_module": pair.reference.module,
        "response_module": pair.response.module,
        "how": pair.how.value,
        "similarity": pair.similarity,
        "reference_span": span_dict(pair.reference.span, ref_tree),
        "response_span": span_dict(pair.response.span, resp_tree),
    }
    if pair.attributes:
        out["agreement"] = _round(pair.agreement())
        out["missing_attributes"] = [
            {
                "path": a.path,
                "security": a.security,
                "reference_span": span_dict(a.reference_span, ref_tree),
            }
            for a in pair.attributes
            if a.status is AttrStatus.MISSING
        ]
        out["differing_attributes"] = [
            {
                "path": a.path,
                "security": a.security,
                "reference": a.reference_text[:TEXT_MAX],
                "response": a.response_text[:TEXT_MAX],
                "reference_span": span_dict(a.reference_span, ref_tree),
                "response_span": span_dict(a.response_span, resp_tree),
            }
            for a in pair.attributes
            if a.status is AttrStatus.DIFFER
        ]
        out["extra_attributes"] = list(pair.extra_attributes)
    return out


def _item(item: Item, tree: FileTree | None) -> dict[str, Any]:
    return {"key": item.key, "module": item.module, "span": span_dict(item.span, tree)}


def span_dict(span: Span | None, tree: FileTree | None) -> dict[str, Any] | None:
    """A span as JSON, with the line in the markdown response when the file came from one."""
    if span is None:
        return None
    response_line = None
    if tree is not None:
        file = tree.get(span.path)
        if file is not None:
            response_line = file.origin.response_line(span.start_line)
    return {
        "path": span.path,
        "start_line": span.start_line,
        "end_line": span.last_line,
        "response_line": response_line,
    }


def _round(value: float | None) -> float | None:
    return None if value is None else round(value, 4)
