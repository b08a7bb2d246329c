"""Comparison of a response's CloudFormation templates with the reference's: resources paired
by logical id and type (then by type and name similarity), outputs by name, and matched
resources compared property by property, in the shapes the Terraform comparison uses
(``KindComparison`` of ``Pair`` with ``AttributeComparison``), so the reference checks read
both alike.

Values are compared after normalisation: literals as CloudFormation reads them (``"true"`` =
``true``), parameters by their defaults, and references by what they point at (``!Ref
DataBucket`` agrees with ``!Ref AppBucket`` once the two buckets are paired).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.cloudformation import CloudFormationModel, Resource, Template
from harness.cloudformation.nodes import Intrinsic, Mapping, Node, Scalar, Sequence
from harness.cloudformation.values import referenced_ids, resolve
from harness.compare.types import (
    AttributeComparison,
    AttrStatus,
    Item,
    KindComparison,
    MatchHow,
    Pair,
)
from harness.vocabulary import Span

#: Words of a property path that make it security-relevant (compared case-insensitively).
SECURITY_WORDS: tuple[str, ...] = (
    "encrypt",
    "kms",
    "sse",
    "publicaccessblock",
    "publiclyaccessible",
    "blockpublic",
    "ignorepublic",
    "restrictpublic",
    "versioning",
    "deletionprotection",
    "password",
    "secret",
    "securitygroupingress",
    "cidrip",
    "policydocument",
    "httptokens",
    "managemasteruserpassword",
    "deletionpolicy",
    "updatereplacepolicy",
)
_WORDS = re.compile(r"[A-Za-z0-9]+")


def is_security(path: str) -> bool:
    lowered = path.lower()
    return any(word in lowered for word in SECURITY_WORDS)


@dataclass(frozen=True)
class CloudFormationComparison:
    """Resources and outputs of the response's templates against the reference's."""

    resources: KindComparison
    outputs: KindComparison

    def pair_for_reference(self, logical_id: str) -> Pair | None:
        return self.resources.pair_for_reference("", logical_id)


def _item(kind: str, key: str, span: Span) -> Item:
    return Item(kind, key, "", span)


def _tokens(name: str) -> frozenset[str]:
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1 \2", name)
    return frozenset(w.lower() for w in _WORDS.findall(spaced))


def _similarity(a: str, b: str) -> float:
    left, right = _tokens(a), _tokens(b)
    return len(left & right) / len(left | right) if left | right else 0.0


def _match(
    reference: list[Resource], response: list[Resource]
) -> tuple[list[tuple[Resource, Resource, MatchHow, float]], list[Resource], list[Resource]]:
    """Pairs (reference, response, how, similarity), unmatched reference, unmatched response."""
    by_key = {(r.type, r.logical_id): r for r in response}
    pairs: list[tuple[Resource, Resource, MatchHow, float]] = []
    taken: set[int] = set()
    left: list[Resource] = []
    for ref in reference:
        found = by_key.get((ref.type, ref.logical_id))
        if found is not None and id(found) not in taken:
            pairs.append((ref, found, MatchHow.NAME, 1.0))
            taken.add(id(found))
        else:
            left.append(ref)
    missing: list[Resource] = []
    for ref in left:
        candidates = [r for r in response if r.type == ref.type and id(r) not in taken]
        if not candidates:
            missing.append(ref)
            continue
        best = max(candidates, key=lambda r: _similarity(ref.logical_id, r.logical_id))
        pairs.append((ref, best, MatchHow.SIMILARITY, _similarity(ref.logical_id, best.logical_id)))
        taken.add(id(best))
    extra = [r for r in response if id(r) not in taken]
    return pairs, missing, extra


def _leaves(node: Node | None, prefix: str) -> Iterator[tuple[str, Node]]:
    """(dotted path, value) of every leaf under ``node``; tag lists are keyed by their Key,
    other lists by position; an intrinsic function is a leaf."""
    if node is None:
        return
    if isinstance(node, Mapping):
        for key, value in node.items():
            yield from _leaves(value, f"{prefix}.{key}" if prefix else key)
        return
    if isinstance(node, Sequence):
        for index, item in enumerate(node.items):
            tag = item.text("Key") if isinstance(item, Mapping) else None
            if (
                isinstance(item, Mapping)
                and tag is not None
                and set(item.entries) <= {"Key", "Value"}
            ):
                yield from _leaves(item.get("Value"), f"{prefix}[{tag}]")
            else:
                yield from _leaves(item, f"{prefix}[{index}]")
        return
    yield prefix, node


class _Canon:
    """Normalised text of a value on one side, references mapped to reference logical ids."""

    def __init__(self, template: Template | None, renames: dict[str, str]) -> None:
        self.template = template
        self.renames = renames

    def __call__(self, node: Node) -> str:
        if self.template is not None:
            literal = resolve(self.template, node)
            if literal is not None:
                return literal.strip().lower() if literal.lower() in ("true", "false") else literal
        if isinstance(node, Intrinsic):
            targets = sorted(self.renames.get(t, t) for t in referenced_ids(node))
            return f"{node.function}({','.join(targets)})"
        return node.text if isinstance(node, Scalar) else ""


def _attributes(
    reference: CloudFormationModel,
    response: CloudFormationModel,
    ref: Resource,
    resp: Resource,
    renames: dict[str, str],
) -> tuple[tuple[AttributeComparison, ...], tuple[str, ...]]:
    ref_canon = _Canon(reference.template_of(ref), {})
    resp_canon = _Canon(response.template_of(resp), renames)
    ref_leaves = dict(_leaves(ref.properties, ""))
    resp_leaves = dict(_leaves(resp.properties, ""))
    for name, value in (
        ("DeletionPolicy", ref.deletion_policy),
        ("UpdateReplacePolicy", ref.update_replace_policy),
    ):
        if value is not None:
            ref_leaves[name] = Scalar(value, ref.span)
    for name, value in (
        ("DeletionPolicy", resp.deletion_policy),
        ("UpdateReplacePolicy", resp.update_replace_policy),
    ):
        if value is not None:
            resp_leaves[name] = Scalar(value, resp.span)
    found = []
    for path, ref_value in ref_leaves.items():
        resp_value = resp_leaves.get(path)
        ref_text = ref_canon(ref_value)
        if resp_value is None:
            status, resp_text, resp_span = AttrStatus.MISSING, "", None
        else:
            resp_text = resp_canon(resp_value)
            status = AttrStatus.AGREE if resp_text == ref_text else AttrStatus.DIFFER
            resp_span = resp_value.span
        found.append(
            AttributeComparison(
                path=path,
                status=status,
                security=is_security(path),
                block=False,
                reference_span=ref_value.span,
                response_span=resp_span,
                reference_text=ref_text,
                response_text=resp_text,
            )
        )
    extra = tuple(path for path in resp_leaves if path not in ref_leaves)
    return tuple(found), extra


def compare_templates(
    response: CloudFormationModel, reference: CloudFormationModel
) -> CloudFormationComparison:
    """Pair the response's resources and outputs with the reference's and compare them."""
    matched, missing, extra = _match(list(reference.resources()), list(response.resources()))
    renames = {resp.logical_id: ref.logical_id for ref, resp, _, _ in matched}
    pairs = []
    for ref, resp, how, similarity in matched:
        attributes, added = _attributes(reference, response, ref, resp, renames)
        pairs.append(
            Pair(
                _item("resource", ref.logical_id, ref.span),
                _item("resource", resp.logical_id, resp.span),
                how,
                similarity,
                attributes,
                added,
            )
        )
    resources = KindComparison(
        "resources",
        tuple(pairs),
        tuple(_item("resource", r.logical_id, r.span) for r in missing),
        tuple(_item("resource", r.logical_id, r.span) for r in extra),
    )
    ref_outputs = {o.name: o for o in reference.outputs()}
    resp_outputs = {o.name: o for o in response.outputs()}
    outputs = KindComparison(
        "outputs",
        tuple(
            Pair(
                _item("output", name, ref_outputs[name].span),
                _item("output", name, resp_outputs[name].span),
                MatchHow.NAME,
            )
            for name in ref_outputs
            if name in resp_outputs
        ),
        tuple(_item("output", n, o.span) for n, o in ref_outputs.items() if n not in resp_outputs),
        tuple(_item("output", n, o.span) for n, o in resp_outputs.items() if n not in ref_outputs),
    )
    return CloudFormationComparison(resources, outputs)


__all__ = ["SECURITY_WORDS", "CloudFormationComparison", "compare_templates", "is_security"]
