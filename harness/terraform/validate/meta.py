"""Meta-arguments Terraform reads before it evaluates anything: provider references,
``depends_on`` (whole objects only), ``count`` beside ``for_each``, and module calls that take
``count``, ``for_each`` or ``depends_on`` while their module configures a provider."""

from __future__ import annotations

from collections import deque
from collections.abc import Iterator

from harness.terraform.model import Block, Configuration, Expr, ExprKind, Module
from harness.terraform.validate.common import (
    Collector,
    Unread,
    brief,
    hedge,
    is_judged,
    severity_for,
)
from harness.vocabulary import Severity


def is_provider_reference(expr: Expr) -> bool:
    """What Terraform takes after ``provider =`` (and as a value of a module's ``providers``):
    a provider name, optionally a period and a configuration alias (``aws``, ``aws.west``),
    never in quotes or computed; OpenTofu also takes an instance key on the alias
    (``aws.by_region[each.key]``)."""
    if expr.kind is not ExprKind.REFERENCE:
        return False
    steps = expr.keys
    if not 1 <= len(steps) <= 3 or any(step.startswith("[") for step in steps[:2]):
        return False
    return len(steps) < 3 or steps[2].startswith("[")


def _meta_argument_blocks(module: Module) -> Iterator[tuple[str, Block]]:
    """(address, block) of every block that takes ``provider``, ``depends_on``, ``count``
    or ``for_each``."""
    for item in (*module.resources, *module.data):
        yield item.address, item.block
    for call in module.calls:
        yield f"module.{call.name}", call.block


def check_meta_arguments(module: Module, found: Collector) -> None:
    """Meta-arguments Terraform reads before it evaluates anything, so they must be static:
    a provider reference that is computed or quoted, ``depends_on`` that is not a list of
    references, ``count`` beside ``for_each``. Syntax errors elsewhere in the module do not
    change these, so they are errors whatever the module's state (an expression the reader
    could not recover, ``unknown``, is left alone)."""
    for address, block in _meta_argument_blocks(module):
        provider = block.attr("provider")
        if (
            provider is not None
            and is_judged(provider.expr)
            and not is_provider_reference(provider.expr)
        ):
            found.add(
                module.path,
                "invalid_provider_reference",
                address,
                Severity.ERROR,
                f"{address}: provider = {brief(provider.expr)} is not a provider reference "
                "(a provider name, optionally .alias, unquoted and not computed)",
                provider.expr.span,
            )
        providers = block.attr("providers") if block.kind == "module" else None
        if providers is not None:
            values = providers.expr.items if providers.expr.kind is ExprKind.OBJECT else ()
            wrong = [v for v in values if is_judged(v) and not is_provider_reference(v)]
            if (providers.expr.kind is not ExprKind.OBJECT and is_judged(providers.expr)) or wrong:
                shown = brief(wrong[0] if wrong else providers.expr)
                found.add(
                    module.path,
                    "invalid_provider_reference",
                    address,
                    Severity.ERROR,
                    f"{address}: providers maps each name to a provider reference; "
                    f"{shown} is not one",
                    (wrong[0] if wrong else providers.expr).span,
                )
        depends_on = block.attr("depends_on")
        if depends_on is not None:
            expr = depends_on.expr
            items = expr.items if expr.kind is ExprKind.TUPLE else (expr,)
            for item in items:
                if not is_judged(item):
                    continue
                if item.kind is ExprKind.REFERENCE and expr.kind is ExprKind.TUPLE:
                    if not _names_an_attribute(item):
                        continue
                    why = f"whole objects ({_whole_object(item)}), not their attributes"
                else:
                    why = (
                        "a list of references, not a computed value"
                        if expr.kind is not ExprKind.TUPLE
                        else "references, never in quotes"
                        if item.kind in (ExprKind.LITERAL, ExprKind.TEMPLATE)
                        else "references, not computed values"
                    )
                found.add(
                    module.path,
                    "invalid_depends_on",
                    address,
                    Severity.ERROR,
                    f"{address}: depends_on takes {why} ({brief(item)})",
                    item.span,
                )
                break
        count, for_each = block.attr("count"), block.attr("for_each")
        if count is not None and for_each is not None:
            found.add(
                module.path,
                "count_and_for_each",
                address,
                Severity.ERROR,
                f"{address} sets both count and for_each; a block may use only one",
                count.span,
            )


def _names_an_attribute(expr: Expr) -> bool:
    """A ``depends_on`` entry that reads an attribute of a resource, data source or module
    call (``aws_iam_role.app.arn``, ``module.vpc.vpc_id``): Terraform takes whole objects
    only ("Invalid depends_on reference")."""
    ref = expr.reference
    if ref is None:
        return False
    if ref.kind in ("resource", "data"):
        return bool(ref.attribute_path)
    return ref.kind == "module" and len(ref.parts) > 2


def _whole_object(expr: Expr) -> str:
    """What a ``depends_on`` entry should have named: ``aws_iam_role.app``."""
    ref = expr.reference
    return ref.address if ref is not None else expr.text


def _configured_provider(config: Configuration, path: str) -> tuple[str, Block] | None:
    """The first module at or under ``path`` (following its local module calls) with a
    provider block that configures something, and that block: more than an ``alias`` (an
    empty or alias-only block is a proxy, which Terraform allows anywhere)."""
    seen: set[str] = set()
    pending = deque([path])  # breadth first: the nearest such module is named
    while pending:
        current = pending.popleft()
        module = config.modules.get(current)
        if module is None or current in seen:
            continue
        seen.add(current)
        for provider in module.providers:
            block = provider.block
            if block.blocks or any(a.name != "alias" for a in block.attributes):
                return current, block
        pending.extend(c.resolved for c in module.calls if c.resolved is not None)
    return None


def check_legacy_modules(config: Configuration, module: Module, found: Collector) -> None:
    """A module call with ``count``, ``for_each`` or ``depends_on`` whose module (or a
    module it calls) configures its own provider: terraform init stops ("Module is
    incompatible with count, for_each, and depends_on"); the caller passes providers in."""
    for call in module.calls:
        if call.resolved is None:
            continue
        meta = next(
            (a for name in ("count", "for_each", "depends_on") if (a := call.block.attr(name))),
            None,
        )
        if meta is None:
            continue
        configured = _configured_provider(config, call.resolved)
        if configured is None:
            continue
        where, block = configured
        name = block.labels[0] if block.labels else "?"
        found.add(
            module.path,
            "module_with_providers",
            call.name,
            Severity.ERROR,
            f'module "{call.name}" sets {meta.name}, but module {where!r} configures provider '
            f'"{name}" itself ({block.span}): a module with its own provider configuration '
            "takes no count, for_each or depends_on; configure the provider in the caller "
            "and pass it in (providers = { ... })",
            meta.span,
        )


def declared_aliases(config: Configuration, module: Module) -> set[str]:
    """The aliased provider configurations (``aws.west``) a module's blocks may name: its own
    ``provider`` blocks with an ``alias``, its ``configuration_aliases``, and the keys of the
    ``providers`` map of every module call that calls it."""
    found = {f"{p.name}.{p.alias}" for p in module.providers if p.alias}
    for requirement in module.required_providers.values():
        if requirement.kind is ExprKind.OBJECT:
            for key, item in zip(requirement.keys, requirement.items, strict=False):
                if key == "configuration_aliases" and item.kind is ExprKind.TUPLE:
                    found |= {".".join(alias.keys[:2]) for alias in item.items if alias.keys}
    for caller in config.modules.values():
        for call in caller.calls:
            providers = call.block.attr("providers")
            if call.resolved == module.path and providers is not None:
                found |= set(providers.expr.keys)
    return found


def check_provider_aliases(
    config: Configuration, module: Module, unread: Unread, found: Collector
) -> None:
    """A block that names an aliased provider configuration (``provider = aws.west``, a
    module's ``providers = { aws = aws.west }``) needs it declared where Terraform looks:
    ``terraform validate`` stops with "Provider configuration not present" otherwise.

    Only for a provider the module configures itself (a ``provider`` block or
    ``configuration_aliases`` of that name): many tasks supply the provider configuration in a
    file the response must not write ("no provider block; providers are handled
    elsewhere"), and a response that configures none cannot be judged on its aliases."""
    where = f"module {module.path!r}" if module.path else "the top-level module"
    declared: set[str] | None = None
    configured: set[str] | None = None
    for address, block in _meta_argument_blocks(module):
        provider = block.attr("provider")
        exprs = [provider.expr] if provider is not None else []
        providers = block.attr("providers") if block.kind == "module" else None
        if providers is not None and providers.expr.kind is ExprKind.OBJECT:
            exprs += providers.expr.items
        for expr in exprs:
            if not is_provider_reference(expr) or len(expr.keys) < 2:
                continue  # a default configuration is implied; a bad reference is reported
            alias = ".".join(expr.keys[:2])
            declared = declared_aliases(config, module) if declared is None else declared
            if configured is None:
                configured = {p.name for p in module.providers}
                configured |= {name.partition(".")[0] for name in declared}
            if expr.keys[0] in configured and alias not in declared:
                name, _, short = alias.partition(".")
                ok = not unread.may_hide(module.path, short)
                found.add(
                    module.path,
                    "undefined_provider_alias",
                    alias,
                    severity_for(ok),
                    f"{address}: provider {alias} is not configured in {where} (no provider "
                    f'"{name}" block with alias = "{short}"'
                    + (", no configuration_aliases entry" if module.path else "")
                    + ")"
                    + hedge(ok),
                    expr.span,
                )
