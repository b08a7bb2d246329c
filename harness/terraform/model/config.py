"""Modules, traces and the whole Configuration of a file tree."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field

from harness.terraform.model.blocks import (
    Attribute,
    Block,
    ModuleCall,
    Output,
    Provider,
    Resource,
    SourceFile,
    Variable,
)
from harness.terraform.model.expr import Expr
from harness.vocabulary import Diagnostic, Span


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
