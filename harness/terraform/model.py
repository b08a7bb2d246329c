"""The parsed Terraform model: blocks, expressions and references with source spans.

This module is the contract between the parser (``harness.terraform.build``) and everything
downstream (checks, comparison, derivation). It holds data and small pure helpers only; the
builder fills it from tree-sitter. Everything here is immutable and picklable.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from harness.vocabulary import Diagnostic, Span


class ExprKind(StrEnum):
    LITERAL = "literal"  # "x", 1, 2.5, true, null
    TEMPLATE = "template"  # "${var.a}-x": items are the parts (literals and interpolations)
    HEREDOC = "heredoc"  # <<EOT ... EOT: value is the body when it has no interpolation
    REFERENCE = "reference"  # var.x, local.y, module.m.out, aws_iam_role.r.arn, data.a.b.c
    CALL = "call"  # name is the function, items are the arguments
    OBJECT = "object"  # keys/items aligned
    TUPLE = "tuple"  # items
    CONDITIONAL = "conditional"  # items = (condition, if_true, if_false)
    FOR = "for"  # items = sub-expressions (collection, key, value, condition as present)
    OPERATION = "operation"  # name is the operator, items the operands
    INDEX = "index"  # items = (collection, key) when not a plain traversal
    UNKNOWN = "unknown"  # could not be classified (error recovery); text is kept


#: Roots of traversals that are not references to declared things.
BUILTIN_ROOTS = frozenset({"each", "count", "path", "self", "terraform"})


@dataclass(frozen=True, slots=True)
class Reference:
    """A traversal such as ``module.net.vpc_id``; ``parts`` drop index steps (``[0]``).

    ``scope`` tells ordinary references from names bound locally: ``"iterator"`` for a
    for-expression, template ``%{for}`` or ``dynamic`` block iterator (``s.id`` in
    ``[for s in var.subnets : s.id]``), ``"provider"`` for a provider configuration reference
    (``provider = aws.west``, ``providers = { aws = aws.west }``); ``""`` otherwise."""

    parts: tuple[str, ...]
    text: str
    span: Span
    scope: str = ""

    @property
    def root(self) -> str:
        return self.parts[0] if self.parts else ""

    @property
    def kind(self) -> str:
        """variable, local, module, data, resource, provider or builtin (iterator-bound names
        are builtin)."""
        if self.scope == "iterator":
            return "builtin"
        if self.scope == "provider":
            return "provider"
        root = self.root
        if root == "var":
            return "variable"
        if root == "local":
            return "local"
        if root == "module":
            return "module"
        if root == "data":
            return "data"
        if root in BUILTIN_ROOTS or len(self.parts) < 2:
            return "builtin"
        return "resource"

    @property
    def address(self) -> str:
        """The referenced object's address: ``var.x``, ``module.m``, ``data.t.n``, ``t.n``."""
        kind = self.kind
        if kind == "data":
            return ".".join(self.parts[:3])
        if kind in ("variable", "local", "module", "resource"):
            return ".".join(self.parts[:2])
        return ".".join(self.parts[:2]) if len(self.parts) > 1 else self.root

    @property
    def attribute_path(self) -> tuple[str, ...]:
        """The steps after the address: ``("hex",)`` for ``random_id.suffix.hex``."""
        n = len(self.address.split("."))
        return self.parts[n:]


@dataclass(frozen=True, slots=True)
class Expr:
    """One expression with its source ``text`` and ``span`` and a typed view by ``kind``.

    - LITERAL: ``value`` (str unescaped / int / float / bool / None).
    - TEMPLATE, HEREDOC: ``items`` are the parts (LITERAL pieces and interpolated
      expressions; ``%{if}``/``%{for}`` directives as CONDITIONAL/FOR with ``name="template"``);
      ``value`` is the string when there is no interpolation (heredoc indentation stripped for
      ``<<-``).
    - REFERENCE: ``reference``; ``keys`` are all traversal steps, index steps as their text in
      brackets (``("local", "m", '["k"]', "z")``); ``items`` are the index key expressions.
    - CALL: ``name`` the function, ``items`` the arguments.
    - OBJECT: ``keys``/``items`` aligned (bare and quoted keys as their string, computed keys as
      their source text, their expressions also in ``key_items``).
    - TUPLE: ``items``. CONDITIONAL: ``items = (condition, if_true, if_false)``.
    - FOR: ``name`` is ``"tuple"`` or ``"object"``, ``keys`` the iterator names, ``items`` =
      (collection, [key,] value, [condition]) - the key only for ``"object"``.
    - OPERATION: ``name`` the operator, ``items`` the operands (one for ``!`` and unary ``-``).
    - INDEX: ``items = (collection, *index keys)`` when the collection is not a traversal
      (``split(",", x)[0]``, ``(var.a)[0]``); ``keys`` are the steps as for REFERENCE.
    - UNKNOWN: error recovery or the depth limit; only ``text`` and ``span`` are meaningful.
    """

    kind: ExprKind
    text: str
    span: Span
    value: str | int | float | bool | None = None
    name: str = ""
    items: tuple[Expr, ...] = ()
    keys: tuple[str, ...] = ()
    reference: Reference | None = None
    #: OBJECT only: the expressions of computed keys (``(var.k) = 1``,
    #: ``"kubernetes.io/cluster/${var.name}" = "shared"``) so ``walk``/``references`` see them.
    key_items: tuple[Expr, ...] = ()

    def walk(self) -> Iterator[Expr]:
        """This expression and every sub-expression (computed object keys included), depth
        first."""
        stack = [self]  # explicit stack: deep trees, no generator chains
        pop, push = stack.pop, stack.extend
        while stack:
            expr = pop()
            yield expr
            if expr.items:
                push(reversed(expr.items))
            if expr.key_items:
                push(reversed(expr.key_items))

    def references(self) -> tuple[Reference, ...]:
        """Every traversal inside, however deep, in source order."""
        return tuple(e.reference for e in self.walk() if e.reference is not None)

    def calls(self, name: str | None = None) -> tuple[Expr, ...]:
        """Function calls inside (optionally only those of one function)."""
        return tuple(
            e for e in self.walk() if e.kind is ExprKind.CALL and (name is None or e.name == name)
        )

    @property
    def is_literal(self) -> bool:
        return self.kind is ExprKind.LITERAL

    def literal_string(self) -> str | None:
        """The string value when static: a string literal, or a template/heredoc with no
        interpolation. None otherwise."""
        if self.kind is ExprKind.LITERAL and isinstance(self.value, str):
            return self.value
        if self.kind in (ExprKind.TEMPLATE, ExprKind.HEREDOC) and isinstance(self.value, str):
            return self.value
        return None

    def as_bool(self) -> bool | None:
        """True/False for ``true``, ``false``, ``"true"``, ``"false"``; None when not static."""
        if self.kind is ExprKind.LITERAL:
            if isinstance(self.value, bool):
                return self.value
            if isinstance(self.value, str) and self.value.lower() in ("true", "false"):
                return self.value.lower() == "true"
        return None

    def as_number(self) -> int | float | None:
        if self.kind is ExprKind.LITERAL and not isinstance(self.value, bool):
            if isinstance(self.value, int | float):
                return self.value
            if isinstance(self.value, str):
                try:
                    return float(self.value) if "." in self.value else int(self.value)
                except ValueError:
                    return None
        return None

    def object(self) -> dict[str, Expr]:
        """Keys to values for an object expression; {} for anything else."""
        if self.kind is ExprKind.OBJECT:
            return dict(zip(self.keys, self.items, strict=False))
        return {}

    def static_value(self) -> Any:
        """Best-effort Python value of a static expression (literals, objects, tuples, and
        templates without interpolation). Non-static parts become ``None``. Used to read
        ``jsonencode({...})`` policies and literal lists."""
        if self.kind is ExprKind.LITERAL:
            return self.value
        if self.kind in (ExprKind.TEMPLATE, ExprKind.HEREDOC):
            return self.value
        if self.kind is ExprKind.OBJECT:
            return {k: v.static_value() for k, v in zip(self.keys, self.items, strict=False)}
        if self.kind is ExprKind.TUPLE:
            return [i.static_value() for i in self.items]
        if self.kind is ExprKind.CALL and self.name == "jsonencode" and self.items:
            return self.items[0].static_value()
        return None


@dataclass(frozen=True, slots=True)
class Attribute:
    name: str
    expr: Expr
    span: Span


@dataclass(frozen=True, slots=True)
class Block:
    """Any HCL block: ``resource "aws_s3_bucket" "this" {...}``, ``lifecycle {...}``."""

    kind: str
    labels: tuple[str, ...]
    attributes: tuple[Attribute, ...]
    blocks: tuple[Block, ...]
    span: Span

    def attr(self, name: str) -> Attribute | None:
        for attribute in self.attributes:
            if attribute.name == name:
                return attribute
        return None

    def children(self, kind: str) -> tuple[Block, ...]:
        return tuple(b for b in self.blocks if b.kind == kind)

    def get(self, path: str) -> Expr | None:
        """Follow a dotted path through nested blocks and object attributes:
        ``get("lifecycle.create_before_destroy")``, ``get("tags.Name")``. The first matching
        nested block is used at each step."""
        head, _, rest = path.partition(".")
        attribute = self.attr(head)
        if attribute is not None:
            expr: Expr | None = attribute.expr
            for step in rest.split(".") if rest else ():
                expr = expr.object().get(step) if expr is not None else None
            return expr
        for child in self.children(head):
            if not rest:
                return None
            found = child.get(rest)
            if found is not None:
                return found
        return None

    def has(self, path: str) -> bool:
        """True when the dotted path names an attribute or a nested block."""
        head, _, rest = path.partition(".")
        if not rest:
            return self.attr(head) is not None or bool(self.children(head))
        return any(child.has(rest) for child in self.children(head)) or self.get(path) is not None

    def walk(self) -> Iterator[Block]:
        yield self
        for child in self.blocks:
            yield from child.walk()


@dataclass(frozen=True, slots=True)
class Resource:
    """A ``resource`` (mode managed) or ``data`` (mode data) block in one module."""

    mode: str  # "managed" or "data"
    type: str
    name: str
    block: Block
    module: str  # the Module.path it is declared in

    @property
    def address(self) -> str:
        base = f"{self.type}.{self.name}"
        return f"data.{base}" if self.mode == "data" else base

    @property
    def span(self) -> Span:
        return self.block.span

    def get(self, path: str) -> Expr | None:
        return self.block.get(path)


@dataclass(frozen=True, slots=True)
class ModuleCall:
    name: str
    source: str | None  # the literal source string
    block: Block
    resolved: str | None = None  # Module.path of a local source that exists in the tree

    @property
    def arguments(self) -> dict[str, Attribute]:
        meta = {"source", "version", "providers", "count", "for_each", "depends_on"}
        return {a.name: a for a in self.block.attributes if a.name not in meta}


@dataclass(frozen=True, slots=True)
class Variable:
    name: str
    block: Block

    @property
    def default(self) -> Expr | None:
        return self.block.get("default")

    @property
    def required(self) -> bool:
        return self.block.attr("default") is None

    @property
    def type_text(self) -> str | None:
        expr = self.block.get("type")
        return expr.text if expr is not None else None

    @property
    def sensitive(self) -> bool:
        expr = self.block.get("sensitive")
        return bool(expr is not None and expr.as_bool())

    @property
    def has_validation(self) -> bool:
        return bool(self.block.children("validation"))


@dataclass(frozen=True, slots=True)
class Output:
    name: str
    block: Block

    @property
    def value(self) -> Expr | None:
        return self.block.get("value")


@dataclass(frozen=True, slots=True)
class Provider:
    name: str
    block: Block

    @property
    def alias(self) -> str | None:
        expr = self.block.get("alias")
        return expr.literal_string() if expr is not None else None


@dataclass(frozen=True, slots=True)
class SourceFile:
    """One HCL file of the tree with its syntax verdict."""

    path: str
    module: str
    valid: bool  # HashiCorp's parser (pygohcl) accepted it
    error: str | None = None  # the parser's message when not valid
    error_line: int | None = None
    error_col: int | None = None
    complete: bool = True  # False when tree-sitter had to skip lines (content missing)
    language: str = "hcl"  # "hcl" for .tf files, "tfvars" for variable value files


@dataclass(frozen=True)
class Module:
    """All blocks of one directory. ``path`` is the directory relative to the tree root
    (``""`` for the top level, ``"modules/networking"``)."""

    path: str
    files: tuple[str, ...] = ()
    resources: tuple[Resource, ...] = ()
    data: tuple[Resource, ...] = ()
    calls: tuple[ModuleCall, ...] = ()
    variables: dict[str, Variable] = field(default_factory=dict)
    outputs: dict[str, Output] = field(default_factory=dict)
    locals: dict[str, Attribute] = field(default_factory=dict)
    providers: tuple[Provider, ...] = ()
    terraform: tuple[Block, ...] = ()  # terraform {} blocks
    moved: tuple[Block, ...] = ()
    imports: tuple[Block, ...] = ()
    checks: tuple[Block, ...] = ()  # any other top-level blocks (check, removed, ...)
    tfvars: dict[str, Attribute] = field(default_factory=dict)  # *.tfvars values in this dir

    def resource(self, address: str) -> Resource | None:
        for r in (*self.resources, *self.data):
            if r.address == address:
                return r
        return None

    def of_type(self, resource_type: str) -> tuple[Resource, ...]:
        return tuple(r for r in (*self.resources, *self.data) if r.type == resource_type)

    def call(self, name: str) -> ModuleCall | None:
        for c in self.calls:
            if c.name == name:
                return c
        return None

    @property
    def required_version(self) -> Expr | None:
        for block in self.terraform:
            expr = block.get("required_version")
            if expr is not None:
                return expr
        return None

    @property
    def backend(self) -> Block | None:
        for block in self.terraform:
            for child in block.children("backend"):
                return child
            for child in block.children("cloud"):
                return child
        return None

    @property
    def required_providers(self) -> dict[str, Expr]:
        """Provider local name -> its requirement (object with source/version, or a string)."""
        found: dict[str, Expr] = {}
        for block in self.terraform:
            for rp in block.children("required_providers"):
                found.update({a.name: a.expr for a in rp.attributes})
        return found


@dataclass(frozen=True)
class TraceSource:
    """One origin of a value: a resource attribute, a literal, or a variable default.

    ``via`` lists the hops from the traced expression to here (local definitions, module
    arguments, variable declarations, outputs), so evidence can say "passed as var.suffix from
    main.tf:44"."""

    kind: str  # "resource", "data", "literal", "variable_default", "unresolved"
    address: str  # "random_id.suffix" / the literal text / "var.x" when unresolved
    module: str
    span: Span
    attribute_path: tuple[str, ...] = ()
    via: tuple[Span, ...] = ()
    #: Functions the value passed through on its way (``("format", "lower")``).
    functions: tuple[str, ...] = ()


@dataclass(frozen=True)
class Trace:
    sources: tuple[TraceSource, ...]

    def resource_types(self) -> frozenset[str]:
        return frozenset(
            s.address.split(".")[0] for s in self.sources if s.kind in ("resource", "data")
        )

    def reaches_type(self, *resource_types: str) -> TraceSource | None:
        """The first source that is a resource of one of the given types, else None."""
        for s in self.sources:
            if s.kind == "resource" and s.address.split(".")[0] in resource_types:
                return s
        return None


@dataclass(frozen=True)
class Configuration:
    """A whole response's Terraform: every module directory, the detected root, the call
    graph, per-file syntax verdicts and all parse/validation diagnostics."""

    modules: dict[str, Module]
    root: str
    files: dict[str, SourceFile] = field(default_factory=dict)
    diagnostics: tuple[Diagnostic, ...] = ()
    call_graph: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def root_module(self) -> Module:
        return self.modules.get(self.root) or Module(path=self.root)

    def resources(self, resource_type: str | None = None) -> Iterator[Resource]:
        """Managed resources of every module (optionally of one type), modules in path order."""
        for path in sorted(self.modules):
            for r in self.modules[path].resources:
                if resource_type is None or r.type == resource_type:
                    yield r

    def data_sources(self, resource_type: str | None = None) -> Iterator[Resource]:
        for path in sorted(self.modules):
            for r in self.modules[path].data:
                if resource_type is None or r.type == resource_type:
                    yield r

    def blocks(self) -> Iterator[tuple[Module, Block]]:
        """Every top-level block of every module (resources, variables, outputs, ...)."""
        for path in sorted(self.modules):
            module = self.modules[path]
            seen: list[Block] = [r.block for r in (*module.resources, *module.data)]
            seen += [c.block for c in module.calls]
            seen += [v.block for v in module.variables.values()]
            seen += [o.block for o in module.outputs.values()]
            seen += [p.block for p in module.providers]
            seen += [*module.terraform, *module.moved, *module.imports, *module.checks]
            for block in seen:
                yield module, block

    @property
    def is_empty(self) -> bool:
        return not self.files
