"""Names resolve: every variable, local, module output, resource and provider alias a module
uses is declared, and every local module call is wired (its directory exists, its arguments
are declared, its required inputs set)."""

from __future__ import annotations

from collections.abc import Sequence

from harness.terraform.model import Configuration, Module
from harness.terraform.modules import is_local_source, resolve_source
from harness.terraform.validate.common import (
    Collector,
    Unread,
    hedge,
    module_references,
    severity_for,
)
from harness.vocabulary import Severity


def check_references(
    config: Configuration, module: Module, unread: Unread, found: Collector
) -> None:
    where = f"module {module.path!r}" if module.path else "the top-level module"
    defined = {r.address for r in (*module.resources, *module.data)}
    for block in module.checks:  # data sources scoped inside check blocks
        for child in block.children("data"):
            if len(child.labels) == 2:
                defined.add(f"data.{child.labels[0]}.{child.labels[1]}")
    for ref in module_references(module):
        kind, parts = ref.kind, ref.parts
        if len(parts) < 2:
            continue
        name = parts[2] if kind == "data" and len(parts) >= 3 else parts[1]
        ok = not unread.may_hide(module.path, name)
        if kind == "variable" and parts[1] not in module.variables:
            found.add(
                module.path,
                "undeclared_variable",
                parts[1],
                severity_for(ok),
                f'var.{parts[1]} is used but no variable "{parts[1]}" is declared in {where}'
                + hedge(ok),
                ref.span,
            )
        elif kind == "local" and parts[1] not in module.locals:
            found.add(
                module.path,
                "undeclared_local",
                parts[1],
                severity_for(ok),
                f"local.{parts[1]} is used but not defined in any locals block of {where}"
                + hedge(ok),
                ref.span,
            )
        elif kind == "module":
            call = module.call(parts[1])
            if call is None:
                found.add(
                    module.path,
                    "unknown_module",
                    parts[1],
                    severity_for(ok),
                    f'module.{parts[1]} is used but there is no module "{parts[1]}" block in '
                    f"{where}" + hedge(ok),
                    ref.span,
                )
            elif call.resolved is not None and len(parts) > 2:
                callee = config.modules[call.resolved]
                if parts[2] not in callee.outputs:
                    callee_ok = not unread.may_hide(call.resolved, parts[2])
                    found.add(
                        module.path,
                        "unknown_module_output",
                        f"{parts[1]}.{parts[2]}",
                        severity_for(callee_ok),
                        f"module.{parts[1]}.{parts[2]}: module {call.resolved!r} has no output "
                        f'"{parts[2]}"' + hedge(callee_ok),
                        ref.span,
                    )
        elif kind in ("resource", "data"):
            address = ref.address
            if address not in defined and (kind == "resource" or len(parts) >= 3):
                noun = "data source" if kind == "data" else "resource"
                found.add(
                    module.path,
                    "undefined_resource",
                    address,
                    severity_for(ok),
                    f"{address} is referenced but no such {noun} is defined in {where}" + hedge(ok),
                    ref.span,
                )


def check_calls(
    config: Configuration,
    module: Module,
    unread: Unread,
    tree_paths: Sequence[str],
    found: Collector,
) -> None:
    for call in module.calls:
        source = call.source
        if not is_local_source(source) or source is None:
            continue
        span = call.block.span
        source_attr = call.block.attr("source")
        source_span = source_attr.span if source_attr is not None else span
        target = resolve_source(module.path, source)
        if target is None:
            found.add(
                module.path,
                "missing_module_source",
                call.name,
                Severity.ERROR,
                f'module "{call.name}" source {source!r} points outside the files of this response',
                source_span,
            )
            continue
        callee = config.modules.get(target)
        if callee is None or not callee.files:
            prefix = f"{target}/" if target else ""
            others = [p for p in tree_paths if p.startswith(prefix)] if target else []
            what = "has no .tf files" if others else "is not in the response"
            found.add(
                module.path,
                "missing_module_source",
                call.name,
                Severity.ERROR,
                f'module "{call.name}" source {source!r}: directory {target or "."!r} {what}',
                source_span,
            )
            continue
        arguments = call.arguments
        for name, attribute in arguments.items():
            if name not in callee.variables:
                callee_ok = not unread.may_hide(target, name)
                found.add(
                    module.path,
                    "unknown_module_argument",
                    f"{call.name}.{name}",
                    severity_for(callee_ok),
                    f'module "{call.name}" passes {name} but {target!r} declares no variable '
                    f'"{name}"' + hedge(callee_ok),
                    attribute.span,
                )
        for name, variable in callee.variables.items():
            if variable.required and name not in arguments:
                found.add(
                    module.path,
                    "missing_module_argument",
                    f"{call.name}.{name}",
                    severity_for(ok := not unread.may_hide(module.path, name)),
                    f'module "{call.name}" does not set required variable "{name}" of '
                    f"{target!r} (declared at {variable.block.span})" + hedge(ok),
                    span,
                )
