"""Allocation fast paths for the hottest model objects.

A frozen dataclass ``__init__`` goes through ``object.__setattr__`` once per field: about 1 us
for a ``Span`` and 1.8 us for an ``Expr``, which is a large part of building ~180k expressions.
These constructors build the object as an instance of a plain *shadow* class with the same
``__slots__`` (ordinary attribute stores), then switch its ``__class__`` to the model class:
the result is an ordinary model object (type, equality, hashing, pickling unchanged), made two
to three times faster. Python allows the switch only between classes with identical slot
layouts; each shadow is checked at import against the model class's fields (names and
order) and by a trial switch, and any mismatch - a field added to the model later - falls
back to the model's own constructor, so no field can be left unset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from harness.terraform.model import Attribute, Block, Expr, ExprKind, Reference
from harness.vocabulary import Span


def _compatible(shadow: type, cls: type) -> bool:
    """True when instances of ``shadow`` may become ``cls``: the same slot names as ``cls``'s
    fields (CPython lays slots out in sorted name order, so declaration order is free) and a
    trial ``__class__`` switch that CPython accepts."""
    names = sorted(f.name for f in dataclasses.fields(cls))
    declared = getattr(cls, "__slots__", ())
    if sorted(declared) != names or sorted(shadow.__slots__) != names:  # type: ignore[attr-defined]
        return False
    probe: Any = object.__new__(shadow)
    try:
        probe.__class__ = cls
    except TypeError:
        return False
    return True


class _Span:
    __slots__ = ("end_col", "end_line", "path", "start_col", "start_line")

    def __init__(
        self, path: str, start_line: int, start_col: int, end_line: int | None, end_col: int | None
    ) -> None:
        self.path = path
        self.start_line = start_line
        self.start_col = start_col
        self.end_line = end_line
        self.end_col = end_col


class _Expr:
    __slots__ = ("items", "key_items", "keys", "kind", "name", "reference", "span", "text", "value")

    def __init__(
        self,
        kind: ExprKind,
        text: str,
        span: Span,
        value: str | int | float | bool | None,
        name: str,
        items: tuple[Expr, ...],
        keys: tuple[str, ...],
        reference: Reference | None,
        key_items: tuple[Expr, ...],
    ) -> None:
        self.kind = kind
        self.text = text
        self.span = span
        self.value = value
        self.name = name
        self.items = items
        self.keys = keys
        self.reference = reference
        self.key_items = key_items


class _Reference:
    __slots__ = ("parts", "scope", "span", "text")

    def __init__(self, parts: tuple[str, ...], text: str, span: Span, scope: str) -> None:
        self.parts = parts
        self.text = text
        self.span = span
        self.scope = scope


class _Attribute:
    __slots__ = ("expr", "name", "span")

    def __init__(self, name: str, expr: Expr, span: Span) -> None:
        self.name = name
        self.expr = expr
        self.span = span


class _Block:
    __slots__ = ("attributes", "blocks", "kind", "labels", "span")

    def __init__(
        self,
        kind: str,
        labels: tuple[str, ...],
        attributes: tuple[Attribute, ...],
        blocks: tuple[Block, ...],
        span: Span,
    ) -> None:
        self.kind = kind
        self.labels = labels
        self.attributes = attributes
        self.blocks = blocks
        self.span = span


def _span_factory() -> Callable[[str, int, int, int | None, int | None], Span]:
    if not _compatible(_Span, Span):
        return Span

    def make(
        path: str, start_line: int, start_col: int, end_line: int | None, end_col: int | None
    ) -> Span:
        span: Any = _Span(path, start_line, start_col, end_line, end_col)
        span.__class__ = Span
        return span  # type: ignore[no-any-return]

    return make


def _expr_factory() -> Callable[..., Expr]:
    if not _compatible(_Expr, Expr):
        return Expr

    def make(
        kind: ExprKind,
        text: str,
        span: Span,
        value: str | int | float | bool | None = None,
        name: str = "",
        items: tuple[Expr, ...] = (),
        keys: tuple[str, ...] = (),
        reference: Reference | None = None,
        key_items: tuple[Expr, ...] = (),
    ) -> Expr:
        """``Expr(...)``, same parameters and defaults."""
        expr: Any = _Expr(kind, text, span, value, name, items, keys, reference, key_items)
        expr.__class__ = Expr
        return expr  # type: ignore[no-any-return]

    return make


def _leaf_factory() -> Callable[..., Expr]:
    if not _compatible(_Expr, Expr):
        return lambda kind, text, span, value=None, keys=(), reference=None: Expr(
            kind, text, span, value=value, keys=keys, reference=reference
        )

    def make(
        kind: ExprKind,
        text: str,
        span: Span,
        value: str | int | float | bool | None = None,
        keys: tuple[str, ...] = (),
        reference: Reference | None = None,
    ) -> Expr:
        """A leaf expression (literal or plain traversal): no items, name or key_items."""
        expr: Any = _Expr(kind, text, span, value, "", (), keys, reference, ())
        expr.__class__ = Expr
        return expr  # type: ignore[no-any-return]

    return make


def _reference_factory() -> Callable[[tuple[str, ...], str, Span, str], Reference]:
    if not _compatible(_Reference, Reference):
        return Reference

    def make(parts: tuple[str, ...], text: str, span: Span, scope: str) -> Reference:
        reference: Any = _Reference(parts, text, span, scope)
        reference.__class__ = Reference
        return reference  # type: ignore[no-any-return]

    return make


def _attribute_factory() -> Callable[[str, Expr, Span], Attribute]:
    if not _compatible(_Attribute, Attribute):
        return Attribute

    def make(name: str, expr: Expr, span: Span) -> Attribute:
        attribute: Any = _Attribute(name, expr, span)
        attribute.__class__ = Attribute
        return attribute  # type: ignore[no-any-return]

    return make


def _block_factory() -> Callable[
    [str, tuple[str, ...], tuple[Attribute, ...], tuple[Block, ...], Span], Block
]:
    if not _compatible(_Block, Block):
        return Block

    def make(
        kind: str,
        labels: tuple[str, ...],
        attributes: tuple[Attribute, ...],
        blocks: tuple[Block, ...],
        span: Span,
    ) -> Block:
        block: Any = _Block(kind, labels, attributes, blocks, span)
        block.__class__ = Block
        return block  # type: ignore[no-any-return]

    return make


make_span = _span_factory()
make_expr = _expr_factory()
leaf_expr = _leaf_factory()
make_reference = _reference_factory()
make_attribute = _attribute_factory()
make_block = _block_factory()
