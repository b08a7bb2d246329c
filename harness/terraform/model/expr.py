"""Terraform expressions and the references inside them (with spans)."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from typing import Any

from harness.vocabulary import Span


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
        return self.address_and_path()[1]

    def address_and_path(self) -> tuple[str, tuple[str, ...]]:
        """``(address, attribute_path)``, the address worked out once for both."""
        address = self.address
        return address, self.parts[address.count(".") + 1 :]


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
