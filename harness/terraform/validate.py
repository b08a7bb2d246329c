"""Static validation: what ``terraform validate`` would reject (or ``init`` and ``plan``,
before anything is created), without a terraform binary.

Codes (stage ``validate``): ``undeclared_variable``, ``undeclared_local``, ``unknown_module``,
``unknown_module_output``, ``undefined_resource``, ``unknown_module_argument``,
``missing_module_argument``, ``missing_module_source``, ``invalid_provider_reference``,
``invalid_depends_on``, ``count_and_for_each``, ``undefined_provider_alias``,
``duplicate_backend``, ``duplicate_required_providers``, ``not_literal``,
``output_not_sensitive``, ``count_without_count``, ``each_without_for_each``,
``missing_instance_key``, ``for_each_list``, ``dependency_cycle``,
``module_with_providers``, ``quoted_type``, ``unsupported_argument``,
``missing_output_value`` (plus ``duplicate_address`` and
``malformed_block`` from module assembly). One diagnostic per module and missing name, at its
first use, with the number of uses. When a syntax error left lines of a module unread, the
declaration of a name written on those lines may sit there, so findings about that name are
warnings rather than errors; a name the unread lines never mention cannot be declared in
them, and stays an error.
"""

from __future__ import annotations

import posixpath
from collections.abc import Iterator, Sequence
from typing import NamedTuple

from harness.graph import cycles
from harness.terraform.model import (
    Block,
    Configuration,
    Expr,
    ExprKind,
    Module,
    Reference,
)
from harness.terraform.modules import is_local_source, resolve_source
from harness.terraform.trace import callers
from harness.vocabulary import Diagnostic, Severity, Span

_SKIP_KINDS = frozenset({"moved", "removed"})  # their addresses may name things now gone


def block_references(block: Block) -> Iterator[Reference]:
    """Every reference in a block and its nested blocks, except ``lifecycle.ignore_changes``
    (a list of the resource's own attribute paths, not references)."""
    for attribute in block.attributes:
        if block.kind == "lifecycle" and attribute.name == "ignore_changes":
            continue
        yield from attribute.expr.references()
    for child in block.blocks:
        yield from block_references(child)


def module_references(module: Module) -> Iterator[Reference]:
    """References in every top-level block of a module (locals included)."""
    blocks: list[Block] = [r.block for r in (*module.resources, *module.data)]
    blocks += [c.block for c in module.calls]
    blocks += [v.block for v in module.variables.values()]
    blocks += [o.block for o in module.outputs.values()]
    blocks += [p.block for p in module.providers]
    blocks += [*module.imports, *(b for b in module.checks if b.kind not in _SKIP_KINDS)]
    for block in blocks:
        yield from block_references(block)
    for attribute in module.locals.values():
        yield from attribute.expr.references()


class _Collector:
    def __init__(self) -> None:
        self.first: dict[tuple[str, str, str], tuple[Severity, str, Span | None]] = {}
        self.count: dict[tuple[str, str, str], int] = {}

    def add(
        self, module: str, code: str, name: str, severity: Severity, message: str, span: Span | None
    ) -> None:
        key = (module, code, name)
        if key not in self.first:
            self.first[key] = (severity, message, span)
        self.count[key] = self.count.get(key, 0) + 1

    def diagnostics(self) -> list[Diagnostic]:
        out = []
        for key, (severity, message, span) in self.first.items():
            n = self.count[key]
            suffix = f" ({n} uses)" if n > 1 else ""
            out.append(Diagnostic(key[1], severity, message + suffix, span=span, stage="validate"))
        return out


class _Unread:
    """What each module's files hold that the model lacks (lines lost to syntax errors), as
    the names on those lines: a declaration can only hide there under its own name."""

    def __init__(self, config: Configuration) -> None:
        names: dict[str, set[str] | None] = {}
        for source in config.files.values():  # a file over a limit is in no module's files
            if source.language != "hcl":
                continue
            held = names.setdefault(source.module, set())
            if held is not None:
                names[source.module] = (
                    None if source.unread_names is None else held | source.unread_names
                )
        self._names = {path: None if n is None else frozenset(n) for path, n in names.items()}

    def may_hide(self, module: str, name: str) -> bool:
        """Whether ``name`` may be declared (or set) in a part of ``module`` left unread."""
        names = self._names.get(module, frozenset())
        return names is None or name in names


def validate(config: Configuration, tree_paths: Sequence[str] = ()) -> list[Diagnostic]:
    """All validation diagnostics of a configuration, modules in path order."""
    found = _Collector()
    unread = _Unread(config)
    for path in sorted(config.modules):
        module = config.modules[path]
        if not module.files:
            continue
        _check_references(config, module, unread, found)
        _check_meta_arguments(module, found)
        _check_terraform_settings(module, found)
        _check_literal_values(module, found)
        _check_variable_types(module, found)
        _check_block_arguments(module, unread, found)
        uses = _owned_references(module)
        _check_instance_keys(module, uses, unread, found)
        _check_for_each_values(config, module, found)
        _check_cycles(module, uses, found)
        _check_legacy_modules(config, module, found)
        _check_provider_aliases(config, module, unread, found)
        _check_calls(config, module, unread, tree_paths, found)
    _check_sensitive_outputs(config, unread, found)
    return found.diagnostics()


def _severity(ok: bool) -> Severity:
    return Severity.ERROR if ok else Severity.WARNING


def _hedge(ok: bool) -> str:
    return "" if ok else "; the module has syntax errors, so it may be in the unread part"


def _check_references(
    config: Configuration, module: Module, unread: _Unread, found: _Collector
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
                _severity(ok),
                f'var.{parts[1]} is used but no variable "{parts[1]}" is declared in {where}'
                + _hedge(ok),
                ref.span,
            )
        elif kind == "local" and parts[1] not in module.locals:
            found.add(
                module.path,
                "undeclared_local",
                parts[1],
                _severity(ok),
                f"local.{parts[1]} is used but not defined in any locals block of {where}"
                + _hedge(ok),
                ref.span,
            )
        elif kind == "module":
            call = module.call(parts[1])
            if call is None:
                found.add(
                    module.path,
                    "unknown_module",
                    parts[1],
                    _severity(ok),
                    f'module.{parts[1]} is used but there is no module "{parts[1]}" block in '
                    f"{where}" + _hedge(ok),
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
                        _severity(callee_ok),
                        f"module.{parts[1]}.{parts[2]}: module {call.resolved!r} has no output "
                        f'"{parts[2]}"' + _hedge(callee_ok),
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
                    _severity(ok),
                    f"{address} is referenced but no such {noun} is defined in {where}"
                    + _hedge(ok),
                    ref.span,
                )


def _check_calls(
    config: Configuration,
    module: Module,
    unread: _Unread,
    tree_paths: Sequence[str],
    found: _Collector,
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
                    _severity(callee_ok),
                    f'module "{call.name}" passes {name} but {target!r} declares no variable '
                    f'"{name}"' + _hedge(callee_ok),
                    attribute.span,
                )
        for name, variable in callee.variables.items():
            if variable.required and name not in arguments:
                found.add(
                    module.path,
                    "missing_module_argument",
                    f"{call.name}.{name}",
                    _severity(ok := not unread.may_hide(module.path, name)),
                    f'module "{call.name}" does not set required variable "{name}" of '
                    f"{target!r} (declared at {variable.block.span})" + _hedge(ok),
                    span,
                )


def _configured_provider(config: Configuration, path: str) -> tuple[str, Block] | None:
    """The first module at or under ``path`` (following its local module calls) with a
    provider block that configures something, and that block: more than an ``alias`` (an
    empty or alias-only block is a proxy, which Terraform allows anywhere)."""
    seen: set[str] = set()
    pending = [path]
    while pending:
        current = pending.pop(0)
        module = config.modules.get(current)
        if module is None or current in seen:
            continue
        seen.add(current)
        for provider in module.providers:
            block = provider.block
            if block.blocks or any(a.name != "alias" for a in block.attributes):
                return current, block
        pending += [c.resolved for c in module.calls if c.resolved is not None]
    return None


def _check_legacy_modules(config: Configuration, module: Module, found: _Collector) -> None:
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


def _check_meta_arguments(module: Module, found: _Collector) -> None:
    """Meta-arguments Terraform reads before it evaluates anything, so they must be static:
    a provider reference that is computed or quoted, ``depends_on`` that is not a list of
    references, ``count`` beside ``for_each``. Syntax errors elsewhere in the module do not
    change these, so they are errors whatever the module's state (an expression the reader
    could not recover, ``unknown``, is left alone)."""
    for address, block in _meta_argument_blocks(module):
        provider = block.attr("provider")
        if (
            provider is not None
            and _judged(provider.expr)
            and not is_provider_reference(provider.expr)
        ):
            found.add(
                module.path,
                "invalid_provider_reference",
                address,
                Severity.ERROR,
                f"{address}: provider = {_shown(provider.expr)} is not a provider reference "
                "(a provider name, optionally .alias, unquoted and not computed)",
                provider.expr.span,
            )
        providers = block.attr("providers") if block.kind == "module" else None
        if providers is not None:
            values = providers.expr.items if providers.expr.kind is ExprKind.OBJECT else ()
            wrong = [v for v in values if _judged(v) and not is_provider_reference(v)]
            if (providers.expr.kind is not ExprKind.OBJECT and _judged(providers.expr)) or wrong:
                shown = _shown(wrong[0] if wrong else providers.expr)
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
                if not _judged(item):
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
                    f"{address}: depends_on takes {why} ({_shown(item)})",
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


def is_override_file(path: str) -> bool:
    """``override.tf`` and ``*_override.tf`` (and their ``.tf.json`` forms): Terraform merges
    their blocks into the ones they override instead of adding them."""
    name = posixpath.basename(path).removesuffix(".json").removesuffix(".tf")
    return name == "override" or name.endswith("_override")


def _computed(expr: Expr) -> Expr | None:
    """The first reference or function call in ``expr``: what a setting Terraform reads
    before it evaluates anything may not hold ("Variables not allowed", "Function calls not
    allowed")."""
    return next((s for s in expr.walk() if s.kind in (ExprKind.REFERENCE, ExprKind.CALL)), None)


def _check_terraform_settings(module: Module, found: _Collector) -> None:
    """One backend (or ``cloud``) block and one ``required_providers`` block per module,
    outside override files: terraform init rejects a second."""
    first: dict[str, Block] = {}
    for block in module.terraform:
        if is_override_file(block.span.path):
            continue
        for child in block.blocks:
            kind = "backend" if child.kind in ("backend", "cloud") else child.kind
            if kind not in ("backend", "required_providers"):
                continue
            earlier = first.setdefault(kind, child)
            if earlier is not child:
                what = (
                    "backend (or cloud) block" if kind == "backend" else "required_providers block"
                )
                found.add(
                    module.path,
                    f"duplicate_{kind}",
                    f"{child.span.path}:{child.span.start_line}",
                    Severity.ERROR,
                    f"a module may have only one {what} (terraform init rejects this one; "
                    f"the first is at {earlier.span.path}:{earlier.span.start_line})",
                    child.span,
                )


def _early_values(module: Module) -> Iterator[tuple[str, str, list[tuple[str, Expr]]]]:
    """(where, what Terraform reads there, its (name, value) pairs) of every value Terraform
    reads before it evaluates anything: the ``terraform`` block's backend,
    ``required_version`` and ``required_providers`` (a provider's ``configuration_aliases``
    aside: those are provider references by design), variable defaults and the lifecycle
    flags of resources."""
    for block in module.terraform:
        version = [(a.name, a.expr) for a in block.attributes if a.name == "required_version"]
        if version:
            yield "required_version", "required_version", version
        for child in block.blocks:
            if child.kind in ("backend", "cloud"):
                where = f'backend "{child.labels[0]}"' if child.labels else child.kind
                settings = [(a.name, a.expr) for nested in child.walk() for a in nested.attributes]
                yield where, "the backend", settings
            elif child.kind == "required_providers":
                yield (
                    "required_providers",
                    "required_providers",
                    [
                        (a.name, value)
                        for a in child.attributes
                        for key, value in _requirement_values(a.expr)
                        if key != "configuration_aliases"
                    ],
                )
    for name, variable in module.variables.items():
        default = variable.block.attr("default")
        if default is not None:
            yield f'variable "{name}"', "a variable's default", [("default", default.expr)]
    for resource in (*module.resources, *module.data):
        for lifecycle in resource.block.children("lifecycle"):
            flags = [
                (a.name, a.expr)
                for a in lifecycle.attributes
                if a.name in ("prevent_destroy", "create_before_destroy")
            ]
            if flags:
                yield f"{resource.address} lifecycle", "lifecycle flags", flags


def _requirement_values(expr: Expr) -> list[tuple[str, Expr]]:
    """(key, value) of a ``required_providers`` entry: each field of its object (source,
    version, configuration_aliases), or ("", the legacy version string)."""
    if expr.kind is ExprKind.OBJECT:
        return [*zip(expr.keys, expr.items, strict=False), *(("", k) for k in expr.key_items)]
    return [("", expr)]


def _check_literal_values(module: Module, found: _Collector) -> None:
    """Values Terraform reads before any variable or resource exists hold no reference and
    no function call ("Variables not allowed", "Function calls not allowed"). A backend
    that needs other values per environment takes them from ``terraform init
    -backend-config``."""
    for where, what, values in _early_values(module):
        uses = [
            (name, value, use)
            for name, value in values
            if _judged(value) and (use := _computed(value)) is not None
        ]
        if not uses:
            continue
        shown = ", ".join(
            _shown(use) + ("" if name == where else f" ({name})") for name, _, use in uses
        )
        found.add(
            module.path,
            "not_literal",
            where,
            Severity.ERROR,
            f"{where} uses {shown}: Terraform reads {what} before any variable or resource "
            "exists, so its values must be literal"
            + (
                " (pass others with terraform init -backend-config)"
                if where.startswith("backend ")
                else ""
            ),
            uses[0][1].span,
        )


def _check_variable_types(module: Module, found: _Collector) -> None:
    """A variable's ``type`` is a type constraint (``string``, ``list(string)``), never a
    quoted string: Terraform 0.11's ``type = "string"`` stops terraform validate since
    0.15 ("Invalid quoted type constraints")."""
    for name, variable in module.variables.items():
        typed = variable.block.attr("type")
        if typed is None or typed.expr.kind not in (ExprKind.LITERAL, ExprKind.TEMPLATE):
            continue
        if not typed.expr.text.startswith('"'):
            continue
        written = typed.expr.text.strip('"')
        hint = {"list": "list(string)", "map": "map(string)"}.get(written, written)
        found.add(
            module.path,
            "quoted_type",
            name,
            Severity.ERROR,
            f'variable "{name}": type = {_shown(typed.expr)} is a quoted type constraint, '
            f"which Terraform no longer accepts: write type = {hint}",
            typed.expr.span,
        )


#: The arguments and nested blocks Terraform's language takes in a variable and an output
#: block (``ephemeral`` since 1.10, ``deprecated`` in OpenTofu 1.10 and Terraform 1.13);
#: anything else stops terraform validate ("Unsupported argument", "Unsupported block
#: type"). Resources and module calls take their provider's or module's arguments, judged
#: elsewhere or not at all.
_BLOCK_SCHEMAS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "variable": (
        frozenset(
            ("description", "default", "type", "sensitive", "nullable", "ephemeral", "deprecated")
        ),
        frozenset(("validation",)),
    ),
    "output": (
        frozenset(("value", "description", "sensitive", "depends_on", "ephemeral", "deprecated")),
        frozenset(("precondition",)),
    ),
}


def _check_block_arguments(module: Module, unread: _Unread, found: _Collector) -> None:
    """Variable and output blocks hold only what the language defines (a typo such as
    ``itype = string`` is an error, not an ignored line), and an output has a ``value``
    ("Missing required argument"; a warning when lines lost to a syntax error may hold it)."""
    declared = [(f"variable {n!r}", v.block) for n, v in module.variables.items()]
    declared += [(f"output {n!r}", o.block) for n, o in module.outputs.items()]
    for what, block in declared:
        arguments, blocks = _BLOCK_SCHEMAS[block.kind]
        for attribute in block.attributes:
            if attribute.name not in arguments:
                found.add(
                    module.path,
                    "unsupported_argument",
                    f"{what}.{attribute.name}",
                    Severity.ERROR,
                    f"{what} sets {attribute.name}, which a {block.kind} block does not take "
                    f"(it takes {', '.join(sorted(arguments))})",
                    attribute.span,
                )
        for child in block.blocks:
            if child.kind not in blocks:
                found.add(
                    module.path,
                    "unsupported_argument",
                    f"{what}.{child.kind}",
                    Severity.ERROR,
                    f"{what} holds a {child.kind} block, which a {block.kind} block does not "
                    f"take (only {', '.join(sorted(blocks))})",
                    child.span,
                )
        if block.kind == "output" and block.attr("value") is None:
            ok = not unread.may_hide(module.path, "value")
            found.add(
                module.path,
                "missing_output_value",
                what,
                _severity(ok),
                f"{what} has no value = ...: every output needs one" + _hedge(ok),
                block.span,
            )


def _repeatable_blocks(module: Module) -> list[tuple[str, Block]]:
    """(address, block) of the blocks that may set ``count`` or ``for_each``: resources,
    data sources and module calls (``module.vpc``)."""
    blocks = [(r.address, r.block) for r in (*module.resources, *module.data)]
    return blocks + [(f"module.{c.name}", c.block) for c in module.calls]


def _owned_expressions(module: Module) -> Iterator[tuple[str, Block | None, Expr]]:
    """(owner, its top-level block, expression) of every attribute value in the module's
    top-level blocks and locals, lifecycle blocks aside (``ignore_changes`` and
    ``replace_triggered_by`` name the resource's own attributes and whole resources). The
    owner is how messages name the block (``aws_eip.nat``, ``module.vpc``, ``output.ip``,
    ``local.ids``); a local has no block."""
    owners = _repeatable_blocks(module)
    owners += [(f"output.{name}", o.block) for name, o in module.outputs.items()]
    owners += [(f"provider.{p.name}", p.block) for p in module.providers]
    for owner, top in owners:
        for block in top.walk():
            if block.kind == "lifecycle":
                continue
            for attribute in block.attributes:
                yield owner, top, attribute.expr
    for name, attribute in module.locals.items():
        yield f"local.{name}", None, attribute.expr


class _Use(NamedTuple):
    """One reference (of two parts or more) in a module's owned expressions."""

    owner: str
    top: Block | None
    expr: Expr  # the reference expression itself
    ref: Reference
    kind: str  # ``ref.kind``, worked out once
    bound: frozenset[str]  # the for-iterator names of the attribute value it is in


def _owned_references(module: Module) -> list[_Use]:
    """Every reference of ``_owned_expressions``, in source order, each expression walked
    once for all the rules that read them (validation runs inside every model build)."""
    uses = []
    for owner, top, expr in _owned_expressions(module):
        subs = list(expr.walk())
        # a for expression may name its iterator ``each``: such names are its own
        bound = frozenset(name for sub in subs if sub.kind is ExprKind.FOR for name in sub.keys)
        for sub in subs:
            ref = sub.reference
            if ref is not None and len(ref.parts) >= 2:
                uses.append(_Use(owner, top, sub, ref, ref.kind, bound))
    return uses


#: The meta-argument each iteration symbol belongs to.
_ITERATION_META = {"count": "count", "each": "for_each"}


def _check_instance_keys(
    module: Module, uses: Sequence[_Use], unread: _Unread, found: _Collector
) -> None:
    """What ``count`` and ``for_each`` change: ``count.index`` and ``each.key`` /
    ``each.value`` exist only in a block that sets them ("Reference to "count" in
    non-counted context"), and a resource or data source that sets one is a list or map of
    instances, whose attributes are read from one instance or all of them ("Missing resource
    instance key")."""
    repeated = {
        address: meta
        for address, block in _repeatable_blocks(module)
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
                _severity(ok),
                f"{owner} uses {ref.text} but sets no {meta}: {ref.root}.* exists only "
                f"in a block with {meta}" + _hedge(ok),
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


#: How many locals deep a value is followed (a list for ``for_each``, a sensitive value), as
#: ``trace``'s hops.
_MAX_LOCAL_HOPS = 32


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
            return f"{ref.text} is typed {_shown(constraint)}" if listed else None
        # untyped: its value's own type; a caller's argument is not judged here
        if ref.parts[1] in set_by_callers:
            return None
        given = module.tfvars.get(ref.parts[1]) or variable.block.attr("default")
        untyped_tuple = given is not None and given.expr.kind is ExprKind.TUPLE
        return f"{ref.text} is untyped and given a list" if untyped_tuple else None
    if ref.kind == "local" and hops < _MAX_LOCAL_HOPS:
        local = module.locals.get(ref.parts[1])
        inner = (
            _list_kind(module, local.expr, set_by_callers, hops + 1) if local is not None else None
        )
        return f"{ref.text} is {inner}" if inner is not None else None
    return None


def _check_for_each_values(config: Configuration, module: Module, found: _Collector) -> None:
    """``for_each`` on a resource, data source or module call takes a map or a set of
    strings; a list stops terraform plan ("The given "for_each" argument value is
    unsuitable"). A ``dynamic`` block's ``for_each`` takes lists and is not judged."""
    set_by_callers = frozenset(
        name for _, call in callers(config, module.path) for name in call.arguments
    )
    for owner, block in _repeatable_blocks(module):
        for_each = block.attr("for_each")
        if for_each is None or not _judged(for_each.expr):
            continue
        why = _list_kind(module, for_each.expr, set_by_callers)
        if why is not None:
            found.add(
                module.path,
                "for_each_list",
                owner,
                Severity.ERROR,
                f"{owner}: for_each = {_shown(for_each.expr)} is a list ({why}); for_each "
                "takes a map or a set of strings (toset(...) makes one)",
                for_each.expr.span,
            )


def dependency_graph(
    module: Module, uses: Sequence[_Use] | None = None
) -> dict[str, dict[str, Span | None]]:
    """What each resource, data source and local of ``module`` refers to among those (with
    the first reference's span): the graph Terraform orders them by. Module calls are left
    out: Terraform links a caller to each of a module's inputs and outputs, not to the call
    as a whole, so a reference through one is no edge here. ``uses``: the module's
    ``_owned_references`` when the caller has them."""
    edges: dict[str, dict[str, Span | None]] = {
        node: {}
        for node in (
            *(r.address for r in (*module.resources, *module.data)),
            *(f"local.{name}" for name in module.locals),
        )
    }
    for use in _owned_references(module) if uses is None else uses:
        targets = edges.get(use.owner)
        if targets is None or use.kind not in ("resource", "data", "local"):
            continue
        address = ".".join(use.ref.parts[: 3 if use.kind == "data" else 2])  # ``ref.address``
        if address in edges:
            targets.setdefault(address, use.ref.span)
    return edges


#: The longest cycle a message spells out in full (a longer one: its start, its end, its size).
_CYCLE_STEPS_SHOWN = 10


def _check_cycles(module: Module, uses: Sequence[_Use], found: _Collector) -> None:
    """Resources, data sources and locals that refer to each other in a circle ("Error:
    Cycle") or a block that refers to itself by its own address ("Self-referential block";
    a provisioner says ``self``): terraform plan cannot order them. Two security groups
    whose inline rules name each other are the usual case."""
    edges = dependency_graph(module, uses)
    for path in cycles(edges):
        start = path[0]
        if len(path) == 2:
            message = f"{start} refers to itself: Terraform rejects a self-referential " + (
                "value"
                if start.startswith("local.")
                else "block (a provisioner or connection block names its own resource as self)"
            )
        else:
            steps = path if len(path) <= _CYCLE_STEPS_SHOWN else [*path[:6], "...", *path[-2:]]
            size = "" if len(path) <= _CYCLE_STEPS_SHOWN else f" ({len(path) - 1} blocks)"
            groups = all(step.startswith("aws_security_group.") for step in path)
            message = (
                f"dependency cycle {' -> '.join(steps)}{size}: terraform plan stops "
                "(Error: Cycle); "
                + (
                    "move the rules of one side into aws_security_group_rule resources"
                    if groups
                    else "one of them must stop reading the other"
                )
            )
        found.add(
            module.path,
            "dependency_cycle",
            " ".join(path[:-1]),
            Severity.ERROR,
            message,
            edges[start][path[1]],
        )


#: Attributes the providers' schemas mark sensitive, of the resource and data source types
#: answers use most. Terraform carries the mark through every value built from them.
SENSITIVE_ATTRIBUTES: dict[str, frozenset[str]] = {
    "random_password": frozenset({"result", "bcrypt_hash"}),
    "tls_private_key": frozenset(
        {"private_key_pem", "private_key_openssh", "private_key_pem_pkcs8"}
    ),
    "aws_iam_access_key": frozenset({"secret", "ses_smtp_password_v4"}),
    "aws_db_instance": frozenset({"password"}),
    "aws_rds_cluster": frozenset({"master_password"}),
    "aws_secretsmanager_secret_version": frozenset({"secret_string", "secret_binary"}),
    "aws_ssm_parameter": frozenset({"value"}),
    "aws_elasticache_replication_group": frozenset({"auth_token"}),
}


#: Types whose sensitive attribute is always set (the provider computes it): the whole object
#: of one holds a sensitive value even where the configuration writes none.
_ALWAYS_SENSITIVE = frozenset({"random_password", "tls_private_key", "aws_iam_access_key"})
#: Data sources that read a sensitive attribute (``SENSITIVE_ATTRIBUTES``): the whole object of
#: one always holds it. Other data sources of those types (``aws_db_instance``) have no such
#: attribute.
_SENSITIVE_DATA = frozenset({"aws_ssm_parameter", "aws_secretsmanager_secret_version"})


class _SensitiveValues:
    """What values of one module are built from: the first sensitive value, a variable
    declared ``sensitive = true``, an attribute in ``SENSITIVE_ATTRIBUTES`` (or a whole
    object that holds one) or a called module's output built from one, with the locals and
    module outputs it passed through; what ``nonsensitive()`` wraps is not. Each local and
    each module's output is judged once (a cycle, or a chain deeper than
    ``_MAX_LOCAL_HOPS``, counts as not sensitive), so values that share their parts cost no
    more than their number."""

    def __init__(
        self,
        config: Configuration,
        module: Module,
        modules: dict[str, _SensitiveValues] | None = None,
    ) -> None:
        self.config = config
        self.module = module
        self._modules = {} if modules is None else modules  # by path, shared with callees
        self._modules[module.path] = self
        # by (name, whether a whole object in it would count: see ``first_use``)
        self._locals: dict[tuple[str, bool], tuple[str, tuple[str, ...]] | None] = {}
        self._outputs: dict[tuple[str, bool], tuple[str, tuple[str, ...]] | None] = {}

    def described(self, expr: Expr) -> str | None:
        """``first_use`` as words: ``random_password.db.result (through local.url)``."""
        found = self.first_use(expr)
        if found is None:
            return None
        source, through = found
        if not through:
            return source
        noun = "locals" if all(step.startswith("local.") for step in through) else "steps"
        more = f" and {len(through) - 1} more {noun}" if len(through) > 1 else ""
        return f"{source} (through {through[0]}{more})"

    def first_use(
        self, expr: Expr, hops: int = 0, whole: bool = True
    ) -> tuple[str, tuple[str, ...]] | None:
        """(the sensitive value as written, the locals and module outputs between it and
        ``expr``), or None. An object whose attribute is sensitive counts when it reaches
        the value whole (``whole``): not as what a ``for`` expression iterates over, whose
        body reads single attributes (``[for p in aws_ssm_parameter.all : p.name]``)."""
        stack = [(expr, whole)]
        while stack:
            sub, flows = stack.pop()
            if sub.kind is ExprKind.CALL and sub.name == "nonsensitive":
                continue
            items = [(item, flows) for item in sub.items]
            if sub.kind is ExprKind.FOR and items:
                items[0] = (sub.items[0], False)  # the collection iterated over
            stack.extend(reversed(items))
            ref = sub.reference
            if ref is None or len(ref.parts) < 2:
                continue
            found = self._sensitive(ref, hops, flows)
            if found is not None:
                return found
        return None

    def output(self, name: str, hops: int, whole: bool) -> tuple[str, tuple[str, ...]] | None:
        """Whether this module's output ``name`` holds a sensitive value: built from one
        (as ``first_use`` says), or marked ``sensitive = true`` (an empty source: the
        reference to the output is the value to name)."""
        key = (name, whole)
        if key not in self._outputs:
            output = self.module.outputs.get(name)
            self._outputs[key] = None  # while it is judged: a cycle ends here
            if output is not None and hops < _MAX_LOCAL_HOPS:
                marked = output.block.attr("sensitive")
                value = output.block.attr("value")
                if marked is not None and marked.expr.as_bool():
                    self._outputs[key] = ("", ())  # the output itself: its caller names it
                elif value is not None and _judged(value.expr):
                    self._outputs[key] = self.first_use(value.expr, hops + 1, whole)
        return self._outputs[key]

    def _sensitive(
        self, ref: Reference, hops: int, whole: bool
    ) -> tuple[str, tuple[str, ...]] | None:
        kind, name = ref.kind, ref.parts[1]
        if kind == "variable":
            variable = self.module.variables.get(name)
            marked = variable.block.attr("sensitive") if variable is not None else None
            return (ref.text, ()) if marked is not None and marked.expr.as_bool() else None
        if kind == "local":
            key = (name, whole)
            if key not in self._locals:
                local = self.module.locals.get(name)
                self._locals[key] = None  # while it is judged: a cycle ends here
                if local is not None and hops < _MAX_LOCAL_HOPS:
                    self._locals[key] = self.first_use(local.expr, hops + 1, whole)
            inner = self._locals[key]
            return None if inner is None else (inner[0], (ref.text, *inner[1]))
        if kind == "module":
            return self._module_output(ref, hops, whole)
        if kind in ("resource", "data"):
            address, path = ref.address_and_path()
            resource_type = address.split(".")[-2]
            sensitive = SENSITIVE_ATTRIBUTES.get(resource_type, frozenset())
            if path and path[0] in sensitive:
                return ref.text, ()
            if whole and not path and sensitive and self._holds_sensitive(kind, address, sensitive):
                return f"{ref.text} (the whole object, with its {min(sensitive)})", ()
        return None

    def _holds_sensitive(self, kind: str, address: str, sensitive: frozenset[str]) -> bool:
        """Whether the whole object at ``address`` holds a sensitive attribute's value."""
        resource = self.module.resource(address)
        if resource is None:
            return False
        if kind == "data":
            return resource.type in _SENSITIVE_DATA
        if resource.type in _ALWAYS_SENSITIVE:
            return True
        return any(resource.block.attr(name) is not None for name in sensitive)

    def _module_output(
        self, ref: Reference, hops: int, whole: bool
    ) -> tuple[str, tuple[str, ...]] | None:
        """``module.NAME.OUTPUT`` of a module in the response: its output's verdict (what a
        module's variable is given by its callers is not followed)."""
        call = self.module.call(ref.parts[1])
        if call is None or call.resolved is None or len(ref.parts) < 3:
            return None
        callee = self.config.modules.get(call.resolved)
        if callee is None:
            return None
        values = self._modules.get(callee.path) or _SensitiveValues(
            self.config, callee, self._modules
        )
        inner = values.output(ref.parts[2], hops + 1, whole)
        shown = f"module.{ref.parts[1]}.{ref.parts[2]}"
        if inner is None:
            return None
        return (shown, ()) if not inner[0] else (inner[0], (shown, *inner[1]))


def _check_sensitive_outputs(config: Configuration, unread: _Unread, found: _Collector) -> None:
    """A root module output built from a sensitive value and not marked ``sensitive = true``:
    terraform plan stops ("Output refers to sensitive values"). Outputs of called modules
    may pass such values on unmarked (only the root's must say so), and a root output that
    reads one is built from a sensitive value. Where lines the reader
    lost mention ``sensitive``, the mark may be there: a warning."""
    if not config.modules:
        return
    root = config.root_module
    values = _SensitiveValues(config, root)
    for name, output in root.outputs.items():
        marked = output.block.attr("sensitive")
        value = output.block.attr("value")
        if value is None or (marked is not None and marked.expr.as_bool()):
            continue
        use = values.described(value.expr) if _judged(value.expr) else None
        if use is not None:
            ok = not unread.may_hide(root.path, "sensitive")
            found.add(
                root.path,
                "output_not_sensitive",
                f"output.{name}",
                _severity(ok),
                f'output "{name}" is built from {use}, a sensitive value, and is not '
                "marked sensitive = true: terraform plan stops on it"
                + ("" if ok else "; lines the reader lost to syntax errors may mark it"),
                value.span,
            )


def _judged(expr: Expr) -> bool:
    """Not an expression the reader gave up on (error recovery, the depth limit)."""
    return expr.kind is not ExprKind.UNKNOWN


def _shown(expr: Expr, limit: int = 60) -> str:
    text = " ".join(expr.text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"


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


def _check_provider_aliases(
    config: Configuration, module: Module, unread: _Unread, found: _Collector
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
                    _severity(ok),
                    f"{address}: provider {alias} is not configured in {where} (no provider "
                    f'"{name}" block with alias = "{short}"'
                    + (", no configuration_aliases entry" if module.path else "")
                    + ")"
                    + _hedge(ok),
                    expr.span,
                )
