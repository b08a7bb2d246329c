"""Reading the CloudFormation model for checks: the model of a context, property lookups with
spans, tags, IAM policy statements and the value a setting resolves to."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.checks.common.policy import Statement
from harness.checks.types import CheckContext
from harness.cloudformation import (
    CloudFormationModel,
    Intrinsic,
    Mapping,
    Node,
    Resource,
    Scalar,
    Sequence,
    resolve,
    resolve_bool,
)
from harness.cloudformation.nodes import as_list
from harness.cloudformation.values import referenced_ids

LANGUAGE = "cloudformation"
#: ``languages=`` of every CloudFormation implementation.
CLOUDFORMATION = (LANGUAGE,)


def model_of(ctx: CheckContext) -> CloudFormationModel:
    """The response's CloudFormation model (an empty one when it holds no template)."""
    model = ctx.models.get(LANGUAGE)
    return model if isinstance(model, CloudFormationModel) else CloudFormationModel()


def setting(model: CloudFormationModel, resource: Resource, *path: str) -> str | None:
    """The literal a property resolves to (parameter defaults followed), None if unknown."""
    return resolve(model.template_of(resource), resource.get(*path))


def flag(model: CloudFormationModel, resource: Resource, *path: str) -> bool | None:
    """A boolean property's value where known statically."""
    return resolve_bool(model.template_of(resource), resource.get(*path))


def items(node: Node | None) -> tuple[Mapping, ...]:
    """The mappings of a list property (``Tags``, ``SecurityGroupIngress``, ...)."""
    return tuple(item for item in as_list(node) if isinstance(item, Mapping))


def shown(node: Node | None) -> str:
    """A short rendering of a value for a message."""
    if node is None:
        return "(not set)"
    if isinstance(node, Scalar):
        return repr(node.text) if isinstance(node.value, str) else node.text
    if isinstance(node, Intrinsic):
        names = sorted(referenced_ids(node))
        short = node.function.removeprefix("Fn::")
        return f"!{short} {', '.join(names)}" if names else f"!{short}"
    if isinstance(node, Sequence):
        return f"[{len(node.items)} items]"
    return "{...}"


@dataclass(frozen=True)
class TagSet:
    """The tag keys a resource sets (``Tags`` as a list of Key/Value or as a map)."""

    keys: tuple[str, ...]
    node: Node


#: Types whose tags live under another property than ``Tags``.
_TAG_PATHS: dict[str, tuple[str, ...]] = {
    "AWS::EC2::LaunchTemplate": ("LaunchTemplateData", "TagSpecifications"),
}


def tags_of(resource: Resource) -> TagSet | None:
    """The resource's tags, None when it sets none."""
    node = resource.get(*_TAG_PATHS.get(resource.type, ("Tags",)))
    if node is None:
        return None
    if resource.type in _TAG_PATHS:  # TagSpecifications: [{ResourceType, Tags: [...]}]
        keys = [
            key
            for spec in items(node)
            for tag in items(spec.get("Tags"))
            if (key := tag.text("Key"))
        ]
        return TagSet(tuple(keys), node)
    if isinstance(node, Mapping):
        return TagSet(tuple(node.entries), node)
    return TagSet(tuple(key for tag in items(node) if (key := tag.text("Key"))), node)


# --- IAM policy documents ------------------------------------------------------------------

#: Where each type holds identity policy documents: (list property or "", document property).
_POLICY_HOLDERS: dict[str, tuple[str, str]] = {
    "AWS::IAM::Policy": ("", "PolicyDocument"),
    "AWS::IAM::ManagedPolicy": ("", "PolicyDocument"),
    "AWS::IAM::Role": ("Policies", "PolicyDocument"),
    "AWS::IAM::User": ("Policies", "PolicyDocument"),
    "AWS::IAM::Group": ("Policies", "PolicyDocument"),
}


@dataclass(frozen=True)
class PolicyRef:
    owner: Resource
    where: str  # "" or "Policies[NAME]"
    statements: tuple[Statement, ...]


_SUB = re.compile(r"\$\{[^${}]*\}")  # linear on runs of unclosed "${" (see values.py)


def pattern_text(model: CloudFormationModel, resource: Resource, node: Node | None) -> str | None:
    """The text of a value with what only a deploy knows left as ``ref``: a ``Fn::Sub`` ARN
    keeps its literal shape (``arn:aws:logs:ref:ref:*`` is still every log group), a bare
    reference to a resource is ``ref:<id>`` (one resource, never a wildcard)."""
    template = model.template_of(resource)
    text = resolve(template, node)
    if text is not None or not isinstance(node, Intrinsic):
        return text
    if node.function == "Fn::Sub":
        argument = node.argument
        first = argument.items[0] if isinstance(argument, Sequence) and argument.items else argument
        return _SUB.sub("ref", first.text) if isinstance(first, Scalar) else None
    if node.function == "Fn::Join" and isinstance(node.argument, Sequence):
        parts = node.argument.items
        if len(parts) == 2 and isinstance(parts[1], Sequence):
            delimiter = resolve(template, parts[0]) or ""
            texts = [pattern_text(model, resource, part) or "ref" for part in parts[1].items]
            return delimiter.join(texts)
    names = sorted(referenced_ids(node))
    return f"ref:{'/'.join(names)}" if names else None


def _strings(model: CloudFormationModel, resource: Resource, node: Node | None) -> tuple[str, ...]:
    found = (pattern_text(model, resource, item) for item in as_list(node))
    return tuple(text for text in found if text is not None)


def _statement(
    model: CloudFormationModel, resource: Resource, node: Mapping, index: int
) -> Statement:
    return Statement(
        index=index,
        sid=node.text("Sid") or "",
        effect=node.text("Effect") or "",
        actions=_strings(model, resource, node.get("Action")),
        not_actions=_strings(model, resource, node.get("NotAction")),
        resources=_strings(model, resource, node.get("Resource")),
        not_resources=_strings(model, resource, node.get("NotResource")),
        has_principal=node.get("Principal") is not None or node.get("NotPrincipal") is not None,
        has_condition=node.get("Condition") is not None,
        span=node.span,
        condition_keys=_condition_keys(node.get("Condition")),
    )


def _condition_keys(condition: Node | None) -> tuple[str, ...]:
    """The keys of ``Condition: {Operator: {key: value}}``; ``?`` for anything else."""
    if condition is None:
        return ()
    if not isinstance(condition, Mapping):
        return ("?",)
    keys: list[str] = []
    for _, tests in condition.items():
        keys += [k for k, _ in tests.items()] if isinstance(tests, Mapping) else ["?"]
    return tuple(keys) if keys else ("?",)


def identity_policies(model: CloudFormationModel) -> Iterator[PolicyRef]:
    """Every identity policy document of IAM policies, managed policies and the inline
    ``Policies`` of roles, users and groups, statement by statement."""
    for resource in model.resources():
        holder = _POLICY_HOLDERS.get(resource.type)
        if holder is None:
            continue
        listing, document_key = holder
        documents: list[tuple[str, Node | None]] = []
        if listing:
            for policy in items(resource.get(listing)):
                documents.append(
                    (f"Policies[{policy.text('PolicyName') or '?'}]", policy.get(document_key))
                )
        else:
            documents.append(("", resource.get(document_key)))
        for where, document in documents:
            if not isinstance(document, Mapping):
                continue
            statements = tuple(
                _statement(model, resource, node, index)
                for index, node in enumerate(items(document.get("Statement")), start=1)
            )
            yield PolicyRef(resource, where, statements)


__all__ = [
    "CLOUDFORMATION",
    "LANGUAGE",
    "PolicyRef",
    "TagSet",
    "flag",
    "identity_policies",
    "items",
    "model_of",
    "pattern_text",
    "setting",
    "shown",
    "tags_of",
]
