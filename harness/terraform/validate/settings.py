"""What the language fixes before any value exists: one backend and one
``required_providers`` block per module, literal values where Terraform reads them first,
type constraints as keywords, and the arguments of variable and output blocks."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Iterator

from harness.terraform.model import Block, Expr, ExprKind, Module
from harness.terraform.validate.common import (
    Collector,
    Unread,
    brief,
    hedge,
    is_judged,
    severity_for,
)
from harness.vocabulary import Severity


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


def check_terraform_settings(module: Module, found: Collector) -> None:
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


def check_literal_values(module: Module, found: Collector) -> None:
    """Values Terraform reads before any variable or resource exists hold no reference and
    no function call ("Variables not allowed", "Function calls not allowed"). A backend
    that needs other values per environment takes them from ``terraform init
    -backend-config``."""
    for where, what, values in _early_values(module):
        uses = [
            (name, value, use)
            for name, value in values
            if is_judged(value) and (use := _computed(value)) is not None
        ]
        if not uses:
            continue
        shown = ", ".join(
            brief(use) + ("" if name == where else f" ({name})") for name, _, use in uses
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


#: What Terraform takes as the name of a resource, data source, module call, variable or
#: output (and as a resource type): a letter or underscore, then letters, digits, underscores
#: and dashes.
_NAME = re.compile(r"[A-Za-z_][A-Za-z0-9_-]*")


def check_names(module: Module, found: Collector) -> None:
    """Block labels that name something are identifiers: ``resource "aws_s3_bucket"
    "1-logs"`` or ``variable "db.name"`` stops terraform validate ("Invalid resource name",
    "Invalid variable name")."""
    labelled = [
        *(("resource", r.block, (r.type, r.name)) for r in module.resources),
        *(("data source", r.block, (r.type, r.name)) for r in module.data),
        *(("module", c.block, (c.name,)) for c in module.calls),
        *(("variable", v.block, (n,)) for n, v in module.variables.items()),
        *(("output", o.block, (n,)) for n, o in module.outputs.items()),
    ]
    for what, block, labels in labelled:
        for label in labels:
            if _NAME.fullmatch(label):
                continue
            found.add(
                module.path,
                "invalid_name",
                f"{what} {label}",
                Severity.ERROR,
                f'{what} name "{label}" is not a valid name: it starts with a letter or '
                "underscore and holds only letters, digits, underscores and dashes",
                block.span,
            )


def check_variable_types(module: Module, found: Collector) -> None:
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
            f'variable "{name}": type = {brief(typed.expr)} is a quoted type constraint, '
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


def check_block_arguments(module: Module, unread: Unread, found: Collector) -> None:
    """Variable and output blocks hold only what the language defines (a typo such as
    ``itype = string`` is an error, not an ignored line), and an output has a ``value``
    ("Missing required argument"; a warning when lines lost to a syntax error may hold it)."""
    declared = [(f"variable {n!r}", v.block) for n, v in module.variables.items()]
    declared += [(f"output {n!r}", o.block) for n, o in module.outputs.items()]
    for what, block in declared:
        arguments, blocks = _BLOCK_SCHEMAS[block.kind]
        unknown = [
            (f"sets {a.name}", a.name, a.span, arguments)
            for a in block.attributes
            if a.name not in arguments
        ]
        unknown += [
            (f"holds a {c.kind} block", c.kind, c.span, blocks)
            for c in block.blocks
            if c.kind not in blocks
        ]
        for said, name, span, allowed in unknown:
            found.add(
                module.path,
                "unsupported_argument",
                f"{what}.{name}",
                Severity.ERROR,
                f"{what} {said}, which a {block.kind} block does not take (it takes "
                f"{', '.join(sorted(allowed))})",
                span,
            )
        if block.kind == "output" and block.attr("value") is None:
            ok = not unread.may_hide(module.path, "value")
            found.add(
                module.path,
                "missing_output_value",
                what,
                severity_for(ok),
                f"{what} has no value = ...: every output needs one" + hedge(ok),
                block.span,
            )
