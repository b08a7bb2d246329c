"""What a value means statically: references it makes (``Ref``, ``Fn::GetAtt``, ``${X}`` in
``Fn::Sub``, ``Fn::ImportValue``) and its literal value where one can be known (a literal, a
parameter's default, a mapping lookup, ``Fn::Sub`` / ``Fn::Join`` of known parts).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from harness.cloudformation.model import Template
from harness.cloudformation.nodes import Intrinsic, Mapping, Node, Scalar, Sequence, walk

#: Pseudo parameters (``Ref: AWS::StackName``): known only at deploy time.
PSEUDO_PARAMETERS = frozenset(
    {
        "AWS::AccountId",
        "AWS::NotificationARNs",
        "AWS::NoValue",
        "AWS::Partition",
        "AWS::Region",
        "AWS::StackId",
        "AWS::StackName",
        "AWS::URLSuffix",
    }
)
#: ``${Name}`` in an ``Fn::Sub`` string (``${!Literal}`` is not a variable). A name holds no
#: ``$``, ``{`` or ``}``: a run of unclosed ``${`` is then read once, not from every start.
_SUB_VARIABLE = re.compile(r"\$\{(?!!)([^${}]+)\}")


@dataclass(frozen=True)
class Reference:
    """One reference: ``target`` is a logical id, parameter or pseudo parameter name;
    ``attribute`` the ``Fn::GetAtt`` attribute ("" for ``Ref``); ``via`` the function."""

    target: str
    attribute: str = ""
    via: str = "Ref"


def _sub_parts(argument: Node) -> tuple[str, dict[str, Node]]:
    """(template string, explicit variables) of an ``Fn::Sub`` argument."""
    if isinstance(argument, Scalar):
        return argument.text, {}
    if isinstance(argument, Sequence) and argument.items:
        first = argument.items[0]
        text = first.text if isinstance(first, Scalar) else ""
        variables = argument.items[1] if len(argument.items) > 1 else None
        return text, dict(variables.entries) if isinstance(variables, Mapping) else {}
    return "", {}


def references(node: Node | None) -> tuple[Reference, ...]:
    """Every reference made anywhere inside ``node``, in order."""
    if node is None:
        return ()
    found: list[Reference] = []
    for item in walk(node):
        if not isinstance(item, Intrinsic):
            continue
        argument = item.argument
        if item.function == "Ref" and isinstance(argument, Scalar):
            found.append(Reference(argument.text))
        elif item.function == "Fn::GetAtt" and isinstance(argument, Sequence) and argument.items:
            resource = argument.items[0]
            name = argument.items[1] if len(argument.items) > 1 else None
            if isinstance(resource, Scalar):
                found.append(
                    Reference(
                        resource.text,
                        name.text if isinstance(name, Scalar) else "",
                        "Fn::GetAtt",
                    )
                )
        elif item.function == "Fn::Sub":
            text, variables = _sub_parts(argument)
            for written in _SUB_VARIABLE.findall(text):
                variable = written.strip()
                if variable in variables:
                    continue
                target, _, attribute = variable.partition(".")
                if "::" in variable:  # ${AWS::StackName}
                    target, attribute = variable, ""
                found.append(Reference(target, attribute, "Fn::Sub"))
    return tuple(found)


def referenced_ids(node: Node | None) -> frozenset[str]:
    """The names ``node`` refers to (logical ids, parameters, pseudo parameters)."""
    return frozenset(ref.target for ref in references(node))


def imports(node: Node | None) -> tuple[Node, ...]:
    """The arguments of every ``Fn::ImportValue`` inside ``node``."""
    if node is None:
        return ()
    return tuple(
        item.argument
        for item in walk(node)
        if isinstance(item, Intrinsic) and item.function == "Fn::ImportValue"
    )


def resolve(template: Template, node: Node | None, _depth: int = 0) -> str | None:
    """The literal text ``node`` stands for, where it is known without deploying: a literal,
    a parameter's default, a mapping lookup with known keys, ``Fn::Sub`` and ``Fn::Join`` of
    known parts. None when it depends on something only a deploy knows (or on a condition)."""
    if node is None or _depth > 20:
        return None
    if isinstance(node, Scalar):
        return node.text
    if not isinstance(node, Intrinsic):
        return None
    argument = node.argument
    if node.function == "Ref" and isinstance(argument, Scalar):
        parameter = template.parameters.get(argument.text)
        if parameter is not None and parameter.default is not None:
            return resolve(template, parameter.default, _depth + 1)
        return None
    if node.function == "Fn::Sub":
        text, variables = _sub_parts(argument)
        failed = False

        def substitute(match: re.Match[str]) -> str:
            nonlocal failed
            name = match.group(1).strip()
            value = (
                resolve(template, variables[name], _depth + 1)
                if name in variables
                else resolve(
                    template, Intrinsic("Ref", Scalar(name, node.span), node.span), _depth + 1
                )
            )
            if value is None:
                failed = True
                return ""
            return value

        result = _SUB_VARIABLE.sub(substitute, text)
        return None if failed else result.replace("${!", "${")
    if node.function == "Fn::Join" and isinstance(argument, Sequence) and len(argument.items) == 2:
        delimiter = resolve(template, argument.items[0], _depth + 1)
        parts = argument.items[1]
        if delimiter is None or not isinstance(parts, Sequence):
            return None
        resolved = [resolve(template, part, _depth + 1) for part in parts.items]
        return (
            None
            if any(p is None for p in resolved)
            else delimiter.join(p for p in resolved if p is not None)
        )
    if node.function == "Fn::FindInMap" and isinstance(argument, Sequence):
        keys = [resolve(template, item, _depth + 1) for item in argument.items]
        if len(keys) != 3 or any(k is None for k in keys):
            return None
        table = template.mappings.get(keys[0] or "")
        row = table.mapping(keys[1] or "") if table is not None else None
        return resolve(template, row.get(keys[2] or ""), _depth + 1) if row is not None else None
    return None


def resolve_bool(template: Template, node: Node | None) -> bool | None:
    """``true``/``false`` (any case, quoted or not) where known, else None."""
    text = resolve(template, node)
    if text is None:
        return None
    lowered = text.strip().lower()
    return True if lowered == "true" else False if lowered == "false" else None


def uses_pseudo(node: Node | None, name: str) -> bool:
    """Whether ``node`` refers to the pseudo parameter ``name`` (e.g. ``AWS::StackName``)."""
    return name in referenced_ids(node)


__all__ = [
    "PSEUDO_PARAMETERS",
    "Reference",
    "imports",
    "referenced_ids",
    "references",
    "resolve",
    "resolve_bool",
    "uses_pseudo",
]
