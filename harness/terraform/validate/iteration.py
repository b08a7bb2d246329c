"""What ``count`` and ``for_each`` change: ``count.index`` and ``each.*`` only where they are
set, an instance key on every attribute read from a repeated resource, and ``for_each`` over a
map or a set, never a list."""

from __future__ import annotations

from collections.abc import Sequence

from harness.terraform.model import Configuration, Expr, ExprKind, Module
from harness.terraform.trace import callers
from harness.terraform.validate.common import (
    MAX_LOCAL_HOPS,
    Collector,
    Unread,
    Use,
    brief,
    hedge,
    is_judged,
    repeatable_blocks,
    severity_for,
)
from harness.vocabulary import Severity

#: The meta-argument each iteration symbol belongs to.
_ITERATION_META = {"count": "count", "each": "for_each"}


def check_instance_keys(
    module: Module, uses: Sequence[Use], unread: Unread, found: Collector
) -> None:
    """What ``count`` and ``for_each`` change: ``count.index`` and ``each.key`` /
    ``each.value`` exist only in a block that sets them ("Reference to "count" in
    non-counted context"), and a resource or data source that sets one is a list or map of
    instances, whose attributes are read from one instance or all of them ("Missing resource
    instance key")."""
    repeated = {
        address: meta
        for address, block in repeatable_blocks(module)
        for meta in ("count", "for_each")
        if block.attr(meta) is not None and not address.startswith("module.")
    }
    for owner, top, sub, ref, kind, bound in uses:
        if ref.root in bound:
            continue
        meta = _ITERATION_META.get(ref.root)
        if meta is not None and (top is None or top.attr(meta) is None):
            ok = not unread.may_hide(module.path, meta)
            found.add(
                module.path,
                f"{ref.root}_without_{meta}",
                f"{owner}:{ref.text}",
                severity_for(ok),
                f"{owner} uses {ref.text} but sets no {meta}: {ref.root}.* exists only "
                f"in a block with {meta}" + hedge(ok),
                sub.span,
            )
        elif kind in ("resource", "data"):
            address, path = ref.address_and_path()
            meta = repeated.get(address)
            step = address.count(".") + 1  # the step after the address, in ``keys``
            if meta is None or not path or len(sub.keys) <= step:
                continue
            if sub.keys[step].startswith("["):
                continue  # an instance key or a splat
            one = f"{address}[0]" if meta == "count" else f'{address}["key"]'
            every = f"{address}[*]" if meta == "count" else f"values({address})[*]"
            found.add(
                module.path,
                "missing_instance_key",
                f"{owner}:{ref.text}",
                Severity.ERROR,
                f"{owner} uses {ref.text}, but {address} sets {meta}: read {path[0]} from "
                f"one instance ({one}.{path[0]}) or all of them ({every}.{path[0]})",
                sub.span,
            )


def _list_kind(
    module: Module, expr: Expr, set_by_callers: frozenset[str], hops: int = 0
) -> str | None:
    """Why ``expr`` is certainly a list or tuple: a tuple literal, a ``[for ...]``
    expression, a variable typed ``list(...)`` / ``tuple(...)`` (or untyped, set by no
    caller, with a tuple in a ``.tfvars`` file or as its default), or a local that is one of
    these; None when it may be a map or a set."""
    if expr.kind is ExprKind.TUPLE:
        return "a tuple literal"
    if expr.kind is ExprKind.FOR and expr.name == "tuple":
        return "a [for ...] expression builds a tuple"
    ref = expr.reference
    if expr.kind is not ExprKind.REFERENCE or ref is None or len(ref.parts) != 2:
        return None
    if ref.kind == "variable":
        variable = module.variables.get(ref.parts[1])
        if variable is None:
            return None
        typed = variable.block.attr("type")
        if typed is not None:
            constraint = typed.expr
            listed = constraint.kind is ExprKind.CALL and constraint.name in ("list", "tuple")
            return f"{ref.text} is typed {brief(constraint)}" if listed else None
        # untyped: its value's own type; a caller's argument is not judged here
        if ref.parts[1] in set_by_callers:
            return None
        given = module.tfvars.get(ref.parts[1]) or variable.block.attr("default")
        untyped_tuple = given is not None and given.expr.kind is ExprKind.TUPLE
        return f"{ref.text} is untyped and given a list" if untyped_tuple else None
    if ref.kind == "local" and hops < MAX_LOCAL_HOPS:
        local = module.locals.get(ref.parts[1])
        inner = (
            _list_kind(module, local.expr, set_by_callers, hops + 1) if local is not None else None
        )
        return f"{ref.text} is {inner}" if inner is not None else None
    return None


def check_for_each_values(config: Configuration, module: Module, found: Collector) -> None:
    """``for_each`` on a resource, data source or module call takes a map or a set of
    strings; a list stops terraform plan ("The given "for_each" argument value is
    unsuitable"). A ``dynamic`` block's ``for_each`` takes lists and is not judged."""
    set_by_callers = frozenset(
        name for _, call in callers(config, module.path) for name in call.arguments
    )
    for owner, block in repeatable_blocks(module):
        for_each = block.attr("for_each")
        if for_each is None or not is_judged(for_each.expr):
            continue
        why = _list_kind(module, for_each.expr, set_by_callers)
        if why is not None:
            found.add(
                module.path,
                "for_each_list",
                owner,
                Severity.ERROR,
                f"{owner}: for_each = {brief(for_each.expr)} is a list ({why}); for_each "
                "takes a map or a set of strings (toset(...) makes one)",
                for_each.expr.span,
            )
