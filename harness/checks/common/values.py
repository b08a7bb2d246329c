"""Static values and provenance of expressions: literals, locals, variables through the module
calls that set them, module outputs, conditionals; ``trace`` for where a value comes from."""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from harness.checks.common.resources import callers, short
from harness.checks.types import CheckContext
from harness.terraform import trace
from harness.terraform.model import Configuration, Expr, ExprKind, Module, Resource, TraceSource
from harness.vocabulary import Span

_MAX_DEPTH = 16
_MAX_VALUES = 64

# --------------------------------------------------------------------------- static values


@dataclass(frozen=True, slots=True)
class Value:
    """One possible value of an expression. ``known`` is False when it could not be computed
    statically (a resource attribute, a variable without default, a function we do not
    evaluate); ``expr`` is the expression it was read from, ``module`` where that lives and
    ``via`` the hops (local, variable, module argument) that led there."""

    value: Any
    known: bool
    expr: Expr
    module: str
    via: tuple[Span, ...] = ()


_PASS_THROUGH = frozenset({"tostring", "tolist", "toset", "tonumber", "tobool", "nonsensitive"})
_PASS_THROUGH |= frozenset({"sensitive", "lower", "upper", "trimspace"})


class _Evaluator:
    def __init__(self, config: Configuration) -> None:
        self.config = config

    def values(self, expr: Expr, module: str, via: tuple[Span, ...], depth: int) -> list[Value]:
        if depth > _MAX_DEPTH:
            return [Value(None, False, expr, module, via)]
        kind = expr.kind
        if kind is ExprKind.CONDITIONAL and len(expr.items) == 3:
            decided = self._condition(expr.items[0], module, depth)
            if decided is not None:
                branch = expr.items[1] if decided else expr.items[2]
                return self.values(branch, module, via, depth + 1)
            return self._many(expr.items[1:], module, via, depth)
        if kind is ExprKind.REFERENCE and expr.reference is not None:
            targets = self._targets(expr, module, depth)
            if not targets:
                return [Value(None, False, expr, module, via)]
            found: list[Value] = []
            for target, path, hop in targets:
                found += self.values(target, path, (*via, hop), depth + 1)
            return found[:_MAX_VALUES]
        if kind is ExprKind.CALL and expr.name in _PASS_THROUGH and len(expr.items) == 1:
            inner = self.values(expr.items[0], module, via, depth + 1)
            if expr.name in ("lower", "upper", "trimspace"):
                return [_apply_str(v, expr.name) for v in inner]
            return inner
        if kind is ExprKind.CALL and expr.name in ("coalesce", "try") and expr.items:
            return self._many(expr.items, module, via, depth)
        if kind in (ExprKind.TUPLE, ExprKind.OBJECT):
            items = [self.values(i, module, via, depth + 1) for i in expr.items]
            if all(len(i) == 1 and i[0].known for i in items):
                plain = [i[0].value for i in items]
                value: Any = (
                    dict(zip(expr.keys, plain, strict=False)) if kind is ExprKind.OBJECT else plain
                )
                return [Value(value, True, expr, module, via)]
            return [Value(expr.static_value(), False, expr, module, via)]
        static = expr.literal_string()
        if static is None and kind is ExprKind.TEMPLATE and expr.items:
            return [self._template(expr, module, via, depth)]
        if static is not None or kind is ExprKind.LITERAL:
            return [Value(static if static is not None else expr.value, True, expr, module, via)]
        return [Value(None, False, expr, module, via)]

    def _many(
        self, items: Iterable[Expr], module: str, via: tuple[Span, ...], depth: int
    ) -> list[Value]:
        found: list[Value] = []
        for item in items:
            found += self.values(item, module, via, depth + 1)
        return found[:_MAX_VALUES]

    def _condition(self, expr: Expr, module: str, depth: int) -> bool | None:
        """The value of a condition when it is static (``var.enabled``, ``var.env ==
        "prod"``, ``!var.x``); None when it depends on something unknown."""
        if expr.kind is ExprKind.OPERATION and expr.name in ("==", "!=") and len(expr.items) == 2:
            sides = [self.values(i, module, (), depth + 1) for i in expr.items]
            if all(len(v) == 1 and v[0].known for v in sides):
                same = _normal(sides[0][0].value) == _normal(sides[1][0].value)
                return same if expr.name == "==" else not same
            return None
        if expr.kind is ExprKind.OPERATION and expr.name == "!" and len(expr.items) == 1:
            inner = self._condition(expr.items[0], module, depth + 1)
            return None if inner is None else not inner
        found = self.values(expr, module, (), depth + 1)
        if len(found) == 1 and found[0].known:
            return _as_bool(found[0].value)
        return None

    def _template(self, expr: Expr, module: str, via: tuple[Span, ...], depth: int) -> Value:
        """``"${var.a}-x"`` when every part has exactly one static value."""
        parts: list[str] = []
        for item in expr.items:
            found = self.values(item, module, via, depth + 1)
            if len(found) != 1 or not found[0].known or isinstance(found[0].value, dict | list):
                return Value(None, False, expr, module, via)
            value = found[0].value
            parts.append("" if value is None else value if isinstance(value, str) else _hcl(value))
        return Value("".join(parts), True, expr, module, via)

    def _targets(self, expr: Expr, module_path: str, depth: int) -> list[tuple[Expr, str, Span]]:
        """What a ``local.``/``var.``/``module.`` reference stands for: (expr, module, hop)."""
        ref = expr.reference
        module = self.config.modules.get(module_path)
        if ref is None or module is None or len(ref.parts) < 2:
            return []
        base: list[tuple[Expr, str, Span]] = []
        steps = ref.attribute_path
        if ref.kind == "local":
            local = module.locals.get(ref.parts[1])
            if local is not None:
                base = [(local.expr, module_path, local.span)]
        elif ref.kind == "variable":
            base = self._variable(module, ref.parts[1])
        elif ref.kind == "module" and len(ref.parts) >= 3:
            call = module.call(ref.parts[1])
            child = self.config.modules.get(call.resolved or "") if call else None
            output = child.outputs.get(ref.parts[2]) if child else None
            if child is not None and output is not None and output.value is not None:
                base = [(output.value, child.path, output.block.span)]
            steps = ref.parts[3:]
        resolved: list[tuple[Expr, str, Span]] = []
        for target, path, hop in base:
            current: Expr | None = target
            for step in steps:
                current = current.object().get(step) if current is not None else None
            if current is not None:
                resolved.append((current, path, hop))
        return resolved

    def _variable(self, module: Module, name: str) -> list[tuple[Expr, str, Span]]:
        variable = module.variables.get(name)
        found: list[tuple[Expr, str, Span]] = []
        for parent, call in callers(self.config, module.path):
            argument = call.arguments.get(name)
            if argument is not None:
                found.append((argument.expr, parent.path, argument.span))
            elif variable is not None and variable.default is not None:
                found.append((variable.default, module.path, variable.block.span))
        if found:
            return found
        tfvars = module.tfvars.get(name)  # terraform.tfvars is loaded automatically
        if tfvars is not None:
            return [(tfvars.expr, module.path, tfvars.span)]
        if variable is not None and variable.default is not None:
            found.append((variable.default, module.path, variable.block.span))
        return found


def _normal(value: Any) -> Any:
    """Compare like Terraform: ``"5432" == 5432`` is false, but 1 == 1.0 is true."""
    return float(value) if isinstance(value, int) and not isinstance(value, bool) else value


def _hcl(value: Any) -> str:
    """How Terraform renders a scalar inside a template."""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def _apply_str(value: Value, function: str) -> Value:
    if not isinstance(value.value, str):
        return value
    text = value.value
    text = text.lower() if function == "lower" else text.upper() if function == "upper" else text
    text = text.strip() if function == "trimspace" else text
    return Value(text, value.known, value.expr, value.module, value.via)


def values_of(config: Configuration, expr: Expr, module: str) -> list[Value]:
    """The possible static values of ``expr`` in ``module``: literals as they are, references
    followed through locals, module inputs (the caller's argument, else the default), variable
    defaults and module outputs; both branches of a conditional. Unresolvable parts come back
    with ``known=False`` rather than being guessed."""
    return _Evaluator(config).values(expr, module, (), 0)


def definitions(config: Configuration, expr: Expr, module: str) -> list[tuple[Expr, str]]:
    """The expressions a reference chain ends in (``local.policy`` -> its ``jsonencode(...)``),
    with the module each lives in; a non-reference comes back as itself."""
    evaluator = _Evaluator(config)
    pending, found, seen = [(expr, module, 0)], [], 0
    while pending and seen < _MAX_VALUES:
        current, path, depth = pending.pop()
        seen += 1
        if current.kind is ExprKind.REFERENCE and depth <= _MAX_DEPTH:
            targets = evaluator._targets(current, path, depth)
            if targets:
                pending += [(t, p, depth + 1) for t, p, _ in reversed(targets)]
                continue
        found.append((current, path))
    return found


def flat_values(config: Configuration, expr: Expr, module: str) -> list[Value]:
    """Like ``values_of`` but a list becomes its items (``cidr_blocks = [var.a, "10.0.0.0/8"]``
    or ``var.cidrs`` whose default is a list), each traced on its own."""
    out: list[Value] = []
    for value in values_of(config, expr, module):
        if value.expr.kind is ExprKind.TUPLE:
            for item in value.expr.items:
                out += [
                    Value(v.value, v.known, v.expr, v.module, (*value.via, *v.via))
                    for v in values_of(config, item, value.module)
                ]
        elif value.known and isinstance(value.value, list):
            out += [Value(i, True, value.expr, value.module, value.via) for i in value.value]
        else:
            out.append(value)
    return out[:_MAX_VALUES]


def bool_of(config: Configuration, expr: Expr | None, module: str) -> bool | None:
    """True/False when every possible value is that boolean; None when unknown or mixed."""
    if expr is None:
        return None
    seen: set[bool] = set()
    for value in values_of(config, expr, module):
        parsed = _as_bool(value.value) if value.known else None
        if parsed is None:
            return None
        seen.add(parsed)
    return seen.pop() if len(seen) == 1 else None


def number_of(config: Configuration, expr: Expr | None, module: str) -> float | None:
    """The number when every possible value is that same number, else None."""
    if expr is None:
        return None
    seen: set[float] = set()
    for value in values_of(config, expr, module):
        parsed = _as_number(value.value) if value.known else None
        if parsed is None:
            return None
        seen.add(parsed)
    return seen.pop() if len(seen) == 1 else None


def strings_of(config: Configuration, expr: Expr | None, module: str) -> list[str] | None:
    """Every possible string value, or None if any possible value is not a static string."""
    if expr is None:
        return None
    found: list[str] = []
    for value in values_of(config, expr, module):
        if not value.known or not isinstance(value.value, str | int | float | bool):
            return None
        found.append(value.value if isinstance(value.value, str) else _hcl(value.value))
    return found


def _as_bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().lower() in ("true", "false"):
        return value.strip().lower() == "true"
    return None


def _as_number(value: Any) -> float | None:
    if isinstance(value, bool):
        return None
    if isinstance(value, int | float):
        return float(value)
    if isinstance(value, str):
        try:
            return float(value.strip())
        except ValueError:
            return None
    return None


# --------------------------------------------------------------------------- provenance


def origins(ctx: CheckContext, expr: Expr, module: str) -> tuple[TraceSource, ...]:
    """Where a value comes from, through locals, module inputs and outputs (``trace``)."""
    return trace(ctx.config, expr, module).sources


def _first_line(ctx: CheckContext, span: Span) -> str:
    file = ctx.tree.get(span.path)
    if file is None:
        return ""
    lines = file.content.splitlines()
    return lines[span.start_line - 1].strip() if 0 < span.start_line <= len(lines) else ""


def hop_text(ctx: CheckContext, span: Span) -> str:
    """``main.tf:44 (name_suffix = random_id.suffix.hex)``: a hop for a message."""
    line = short(_first_line(ctx, span), 70)
    return f"{span.path}:{span.start_line}" + (f" ({line})" if line else "")


_DECLARATION = re.compile(r'^(variable|output)\s+"?([\w-]+)"?')
_ASSIGNMENT = re.compile(r"^\"?([\w-]+)\"?\s*=")


def route(ctx: CheckContext, via: tuple[Span, ...]) -> list[tuple[str, Span]]:
    """The hops of a trace in words, nearest first: ``("as var.suffix from
    modules/app/main.tf:7", span)`` for a module argument, ``("via local.name", span)``,
    ``("via output bucket_arn", span)``, ``("from var.environment_suffix", span)`` for an
    input variable nobody passes. Variable declarations are folded into the argument."""
    steps: list[tuple[str, Span]] = []
    pending: tuple[str, Span] | None = None
    for span in via:
        line = _first_line(ctx, span)
        declared = _DECLARATION.match(line)
        if declared and declared.group(1) == "variable":
            if pending is not None:
                steps.append((f"from var.{pending[0]}", pending[1]))
            pending = (declared.group(2), span)
            continue
        where = f"{span.path}:{span.start_line}"
        if declared:
            steps.append((f"via output {declared.group(2)} ({where})", span))
        elif pending is not None:
            steps.append((f"as var.{pending[0]} from {where}", span))
            pending = None
        else:
            assigned = _ASSIGNMENT.match(line)
            name = assigned.group(1) if assigned else "a local"
            steps.append((f"via local.{name} ({where})", span))
    if pending is not None:
        where = f"{pending[1].path}:{pending[1].start_line}"
        steps.append((f"from var.{pending[0]} ({where})", pending[1]))
    return steps


def describe_route(ctx: CheckContext, source: TraceSource) -> str:
    """How a traced source reaches the expression: ``passed as var.suffix from main.tf:44``."""
    steps = route(ctx, source.via)
    if not steps:
        return "referenced directly"
    text = ", ".join(step for step, _ in steps[:4])
    return ("passed " if text.startswith("as ") else "") + text


def linked_targets(
    ctx: CheckContext, expr: Expr | None, module: str, targets: Iterable[Resource]
) -> list[Resource]:
    """The targets ``expr`` refers to: directly (``aws_s3_bucket.logs.id``), traced through
    variables, locals, module inputs and outputs, or by a target's static name
    (``bucket = "my-logs"`` where the bucket's ``bucket`` is ``"my-logs"``)."""
    if expr is None:
        return []
    direct = {ref.address for ref in expr.references() if ref.kind == "resource"}
    traced = {(s.module, s.address) for s in origins(ctx, expr, module) if s.kind == "resource"}
    literal = set(strings_of(ctx.config, expr, module) or ())
    found: list[Resource] = []
    for target in targets:
        if (
            (target.module == module and target.address in direct)
            or ((target.module, target.address) in traced)
            or (
                literal
                and literal & set(static_names(ctx.config, target, "bucket", "name", "identifier"))
            )
        ):
            found.append(target)
    return found


def linked(ctx: CheckContext, expr: Expr | None, module: str, target: Resource) -> bool:
    """True when ``expr`` refers to ``target`` (see ``linked_targets``)."""
    return bool(linked_targets(ctx, expr, module, (target,)))


def static_names(config: Configuration, resource: Resource, *attributes: str) -> tuple[str, ...]:
    """Static string values of a resource's naming attributes (for name-based links)."""
    found: list[str] = []
    for name in attributes:
        expr = resource.get(name)
        strings = strings_of(config, expr, resource.module) if expr is not None else None
        found += [s for s in strings or () if s]
    return tuple(found)
