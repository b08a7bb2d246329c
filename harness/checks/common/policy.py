"""Read IAM policy documents, statement by statement, with a span for each statement.

Policies reach Terraform in four shapes and all are read: ``jsonencode({...})`` (an HCL object,
walked directly so every statement keeps its own span), heredoc or quoted JSON (interpolations
replaced by a placeholder, statements located by decoding the ``Statement`` array in place),
``file()``/``templatefile()`` of a JSON file that is in the response, and
``data "aws_iam_policy_document"`` statement blocks. A ``policy`` that points at a policy
document data source is left to that data source, so each statement is judged once.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass
from typing import Any

from harness.checks.common.resources import iter_blocks, resources_of
from harness.checks.common.values import definitions, flat_values, strings_of
from harness.checks.types import CheckContext
from harness.terraform.model import Block, Expr, ExprKind, Resource
from harness.vocabulary import Span

#: Resource types whose ``policy`` is an identity policy (what the principal may do).
IDENTITY_POLICY_TYPES: tuple[str, ...] = (
    "aws_iam_policy",
    "aws_iam_role_policy",
    "aws_iam_user_policy",
    "aws_iam_group_policy",
    "aws_iam_role",  # inline_policy { policy = ... }
)
POLICY_DOCUMENT_DATA = "aws_iam_policy_document"

_INTERPOLATION = re.compile(r"\$\{[^{}]*\}")
_PLACEHOLDER = "__TF_EXPR__"
_MAX_POLICY_CHARS = 200_000


@dataclass(frozen=True, slots=True)
class Statement:
    """One policy statement. Action and resource entries are the static strings when known,
    else the source text of the expression (``var.bucket_arn``, ``${var.arn}/*``), which is
    never mistaken for a wildcard."""

    index: int  # 1-based position in its document
    sid: str
    effect: str  # "Allow", "Deny" or "" when not static
    actions: tuple[str, ...]
    not_actions: tuple[str, ...]
    resources: tuple[str, ...]
    not_resources: tuple[str, ...]
    has_principal: bool  # a Principal/NotPrincipal: a trust or resource policy statement
    has_condition: bool
    span: Span
    #: the keys the Condition tests (``s3:x-amz-acl``, ``aws:ResourceTag/env``); ``?`` for a
    #: key not known statically, none when the Condition could not be read at all
    condition_keys: tuple[str, ...] = ()

    @property
    def label(self) -> str:
        return f"statement {self.sid}" if self.sid else f"statement {self.index}"


@dataclass(frozen=True, slots=True)
class PolicyDocument:
    """The statements of one policy and the resource (or data source) that declares it."""

    owner: Resource
    attribute: str  # "policy", "inline_policy.policy"; "" for a policy document data source
    form: str  # "jsonencode", "json", "file", "policy_document"
    statements: tuple[Statement, ...]
    span: Span


def identity_policies(
    ctx: CheckContext, types: tuple[str, ...] = IDENTITY_POLICY_TYPES
) -> list[PolicyDocument]:
    """Every readable identity policy in the configuration: the ``policy`` of the given
    resource types (and ``inline_policy`` blocks of roles) and every
    ``aws_iam_policy_document`` data source."""
    found: list[PolicyDocument] = []
    for resource in resources_of(ctx.config, types):
        attribute = resource.block.attr("policy")
        if attribute is not None and resource.type != "aws_iam_role":
            found += _documents(ctx, resource, "policy", attribute.expr)
        for inline in iter_blocks(resource.block, "inline_policy"):
            nested = inline.attr("policy")
            if nested is not None:
                found += _documents(ctx, resource, "inline_policy.policy", nested.expr)
    for data in ctx.config.data_sources(POLICY_DOCUMENT_DATA):
        statements = tuple(
            _block_statement(ctx, data, block, n)
            for n, block in enumerate(iter_blocks(data.block, "statement"), start=1)
        )
        found.append(PolicyDocument(data, "", "policy_document", statements, data.span))
    return found


def _documents(
    ctx: CheckContext, owner: Resource, attribute: str, expr: Expr
) -> list[PolicyDocument]:
    docs: list[PolicyDocument] = []
    for target, module in definitions(ctx.config, expr, owner.module):
        if target.kind is ExprKind.REFERENCE:
            continue  # a policy document data source (judged there) or not readable
        read = read_policy(ctx, target, module)
        if read is not None:
            form, statements = read
            docs.append(PolicyDocument(owner, attribute, form, statements, target.span))
    return docs


def read_policy(
    ctx: CheckContext, expr: Expr, module: str
) -> tuple[str, tuple[Statement, ...]] | None:
    """The statements of a policy expression (see module docstring); None when it is not a
    policy this reader can see (a resource attribute, an unknown function, broken JSON)."""
    if expr.kind is ExprKind.CALL and expr.name == "jsonencode" and expr.items:
        for target, path in definitions(ctx.config, expr.items[0], module):
            if target.kind is ExprKind.OBJECT:
                return "jsonencode", _object_statements(ctx, target, path)
        return None
    if expr.kind is ExprKind.CALL and expr.name in ("file", "templatefile") and expr.items:
        return _file_policy(ctx, expr, module)
    if expr.kind is ExprKind.HEREDOC:
        body, first_line = _heredoc_body(expr.text), expr.span.start_line + 1
        return _json_policy(body, Span(expr.span.path, first_line), expr.span, "json")
    if expr.kind in (ExprKind.TEMPLATE, ExprKind.LITERAL):
        text = expr.literal_string()
        if text is None and expr.kind is ExprKind.TEMPLATE:
            text = _unquote(expr.text)
        if text is not None and text.lstrip().startswith("{"):
            return _json_policy(text, None, expr.span, "json")
    return None


# --------------------------------------------------------------------------- jsonencode


def _key(key: str) -> str:
    key = key.strip()
    return key[1:-1] if len(key) >= 2 and key[0] == key[-1] == '"' else key


def _object_statements(ctx: CheckContext, document: Expr, module: str) -> tuple[Statement, ...]:
    fields = {_key(k): v for k, v in document.object().items()}
    value = fields.get("Statement")
    if value is None:
        return ()
    items: list[Expr] = []
    for target, _ in definitions(ctx.config, value, module):
        if target.kind is ExprKind.TUPLE:
            items += list(target.items)
        elif target.kind is ExprKind.OBJECT:
            items.append(target)
    return tuple(
        _hcl_statement(ctx, item, module, n)
        for n, item in enumerate(items, start=1)
        if item.kind is ExprKind.OBJECT
    )


def _entries(ctx: CheckContext, expr: Expr | None, module: str) -> tuple[str, ...]:
    """Static strings of an Action/Resource value, or source text for dynamic entries."""
    if expr is None:
        return ()
    out: list[str] = []
    for value in flat_values(ctx.config, expr, module):
        if value.known and isinstance(value.value, str):
            out.append(value.value)
        elif value.known and isinstance(value.value, list):
            out += [str(v) for v in value.value]
        else:
            out.append(_unquote(value.expr.text))
    return tuple(out)


def _hcl_statement(ctx: CheckContext, item: Expr, module: str, index: int) -> Statement:
    fields = {_key(k): v for k, v in item.object().items()}
    effect = strings_of(ctx.config, fields.get("Effect"), module)
    sid = strings_of(ctx.config, fields.get("Sid"), module)
    return Statement(
        index=index,
        sid=sid[0] if sid and len(sid) == 1 else "",
        effect=effect[0] if effect and len(effect) == 1 else "",
        actions=_entries(ctx, fields.get("Action"), module),
        not_actions=_entries(ctx, fields.get("NotAction"), module),
        resources=_entries(ctx, fields.get("Resource"), module),
        not_resources=_entries(ctx, fields.get("NotResource"), module),
        has_principal="Principal" in fields or "NotPrincipal" in fields,
        has_condition="Condition" in fields,
        span=item.span,
        condition_keys=_object_condition_keys(fields.get("Condition")),
    )


def _object_condition_keys(condition: Expr | None) -> tuple[str, ...]:
    """The keys of ``{ Operator = { key = value } }`` in HCL; ``?`` for an operator whose
    keys are not written out (a variable, a call)."""
    if condition is None:
        return ()
    keys: list[str] = []
    for tests in condition.object().values():
        keys += [_key(k) for k in tests.object()] if tests.kind is ExprKind.OBJECT else ["?"]
    return tuple(keys) if keys else ("?",)


# --------------------------------------------------------------------------- policy documents


def _block_statement(ctx: CheckContext, data: Resource, block: Block, index: int) -> Statement:
    def entries(name: str) -> tuple[str, ...]:
        attribute = block.attr(name)
        return _entries(ctx, attribute.expr, data.module) if attribute is not None else ()

    effect_attr = block.attr("effect")
    effect = strings_of(ctx.config, effect_attr.expr, data.module) if effect_attr else ["Allow"]
    sid_attr = block.attr("sid")
    sid = strings_of(ctx.config, sid_attr.expr, data.module) if sid_attr else None
    principals = any(True for _ in iter_blocks(block, "principals"))
    principals = principals or any(True for _ in iter_blocks(block, "not_principals"))
    return Statement(
        index=index,
        sid=sid[0] if sid and len(sid) == 1 else "",
        effect=effect[0] if effect and len(effect) == 1 else "",
        actions=entries("actions"),
        not_actions=entries("not_actions"),
        resources=entries("resources"),
        not_resources=entries("not_resources"),
        has_principal=principals,
        has_condition=any(True for _ in iter_blocks(block, "condition")),
        span=block.span,
        condition_keys=tuple(
            _block_condition_key(ctx, data, condition)
            for condition in iter_blocks(block, "condition")
        ),
    )


def _block_condition_key(ctx: CheckContext, data: Resource, condition: Block) -> str:
    """The ``variable`` a ``condition`` block of a policy document tests (``?`` if dynamic)."""
    variable = condition.attr("variable")
    names = strings_of(ctx.config, variable.expr, data.module) if variable is not None else None
    return names[0] if names and len(names) == 1 else "?"


# --------------------------------------------------------------------------- JSON text


def _unquote(text: str) -> str:
    text = text.strip()
    return text[1:-1] if len(text) >= 2 and text[0] == text[-1] == '"' else text


def _heredoc_body(text: str) -> str:
    lines = text.split("\n")
    return "\n".join(lines[1:-1]) if len(lines) >= 2 else ""


def _file_policy(
    ctx: CheckContext, expr: Expr, module: str
) -> tuple[str, tuple[Statement, ...]] | None:
    raw = _unquote(expr.items[0].text)
    root = ctx.config.root
    raw = raw.replace("${path.module}", module).replace("${path.root}", root)
    raw = raw.replace("${path.cwd}", root)
    parts: list[str] = []
    for part in raw.split("/"):
        if part in ("", "."):
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    candidate = "/".join(parts)
    file = ctx.tree.get(candidate) or ctx.tree.get(f"{module}/{candidate}".lstrip("/"))
    if file is None:
        return None
    read = _json_policy(file.content, Span(file.path, 1), Span(file.path, 1), "file")
    return read


def _json_policy(
    text: str, first_line: Span | None, whole: Span, form: str
) -> tuple[str, tuple[Statement, ...]] | None:
    """Parse policy JSON; statement spans come from their offsets when ``first_line`` is
    given (heredoc, file), else every statement gets the ``whole`` expression span."""
    if len(text) > _MAX_POLICY_CHARS:
        return None
    body = _INTERPOLATION.sub(_PLACEHOLDER, text)
    try:
        document = json.loads(body)
    except ValueError:
        return None
    if not isinstance(document, dict):
        return None
    raw = document.get("Statement")
    items = raw if isinstance(raw, list) else [raw] if isinstance(raw, dict) else []
    offsets = _statement_offsets(body) if first_line is not None else []
    statements: list[Statement] = []
    for n, item in enumerate(items, start=1):
        if not isinstance(item, dict):
            continue
        span = whole
        if first_line is not None and n - 1 < len(offsets):
            start, end = offsets[n - 1]
            span = Span(
                first_line.path,
                first_line.start_line + body.count("\n", 0, start),
                end_line=first_line.start_line + body.count("\n", 0, end),
            )
        statements.append(_json_statement(item, n, span))
    return form, tuple(statements)


def _as_list(value: Any) -> tuple[str, ...]:
    if isinstance(value, str):
        return (value,)
    if isinstance(value, list):
        return tuple(str(v) for v in value)
    return ()


def _json_statement(item: dict[str, Any], index: int, span: Span) -> Statement:
    sid = item.get("Sid")
    effect = item.get("Effect")
    return Statement(
        index=index,
        sid=sid if isinstance(sid, str) else "",
        effect=effect if isinstance(effect, str) and _PLACEHOLDER not in effect else "",
        actions=_as_list(item.get("Action")),
        not_actions=_as_list(item.get("NotAction")),
        resources=_as_list(item.get("Resource")),
        not_resources=_as_list(item.get("NotResource")),
        has_principal="Principal" in item or "NotPrincipal" in item,
        has_condition="Condition" in item,
        span=span,
        condition_keys=_json_condition_keys(item.get("Condition")),
    )


def _json_condition_keys(condition: object) -> tuple[str, ...]:
    """The keys of ``{"Operator": {"key": value}}`` in JSON; ``?`` for anything else."""
    if condition is None:
        return ()
    if not isinstance(condition, dict):
        return ("?",)
    keys: list[str] = []
    for tests in condition.values():
        keys += [str(k) for k in tests] if isinstance(tests, dict) else ["?"]
    return tuple(keys) if keys else ("?",)


def _statement_offsets(body: str) -> list[tuple[int, int]]:
    """(start, end) character offsets of each element of the top-level ``Statement``."""
    decoder = json.JSONDecoder()
    match = re.search(r'"Statement"\s*:\s*', body)
    if match is None:
        return []
    position = match.end()
    try:
        if body[position] == "{":
            _, end = decoder.raw_decode(body, position)
            return [(position, end)]
        if body[position] != "[":
            return []
        position += 1
        found: list[tuple[int, int]] = []
        while position < len(body):
            while position < len(body) and body[position] in " \t\r\n,":
                position += 1
            if position >= len(body) or body[position] == "]":
                break
            _, end = decoder.raw_decode(body, position)
            found.append((position, end))
            position = end
        return found
    except (ValueError, IndexError):
        return []
