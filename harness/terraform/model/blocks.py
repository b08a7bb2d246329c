"""Terraform blocks: attributes, resources, module calls, variables, outputs, providers."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from harness.terraform.model.expr import Expr
from harness.vocabulary import Span


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
    #: every name (identifier or quoted label word) on the lines the model may lack: a
    #: declaration whose name is not among them cannot hide there (static validation); None
    #: when anything may: the file was not read (over a size or time limit) or is cut off
    unread_names: frozenset[str] | None = frozenset()
