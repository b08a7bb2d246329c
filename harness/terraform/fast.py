"""Allocation fast paths for the hottest model objects.

A frozen dataclass ``__init__`` goes through ``object.__setattr__`` once per field, which is
most of the cost of building an expression tree. These constructors fill the slots directly
through their descriptors: same objects (equality, hashing, pickling unchanged), about twice
as fast to create. Each one checks at import that the class still has exactly the fields it
fills and otherwise falls back to the ordinary constructor, so a field added to the model
later cannot be left unset.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from typing import Any

from harness.diagnostics import Span
from harness.terraform.model import Expr, ExprKind, Reference

_new = object.__new__


def _setters(cls: type, names: tuple[str, ...]) -> tuple[Callable[[Any, Any], None], ...] | None:
    if tuple(f.name for f in dataclasses.fields(cls)) != names:
        return None
    return tuple(cls.__dict__[name].__set__ for name in names)


def _span_factory() -> Callable[[str, int, int, int | None, int | None], Span]:
    setters = _setters(Span, ("path", "start_line", "start_col", "end_line", "end_col"))
    if setters is None:
        return Span
    a, b, c, d, e = setters

    def make(
        path: str, start_line: int, start_col: int, end_line: int | None, end_col: int | None
    ) -> Span:
        span: Span = _new(Span)
        a(span, path)
        b(span, start_line)
        c(span, start_col)
        d(span, end_line)
        e(span, end_col)
        return span

    return make


def _expr_factory() -> Callable[..., Expr]:
    names = ("kind", "text", "span", "value", "name", "items", "keys", "reference", "key_items")
    setters = _setters(Expr, names)
    if setters is None:
        return lambda kind, text, span, value=None, keys=(), reference=None: Expr(
            kind, text, span, value=value, keys=keys, reference=reference
        )
    kind_, text_, span_, value_, name_, items_, keys_, reference_, key_items_ = setters

    def make(
        kind: ExprKind,
        text: str,
        span: Span,
        value: str | int | float | bool | None = None,
        keys: tuple[str, ...] = (),
        reference: Reference | None = None,
    ) -> Expr:
        """A leaf expression (literal or plain traversal): no items, name or key_items."""
        expr: Expr = _new(Expr)
        kind_(expr, kind)
        text_(expr, text)
        span_(expr, span)
        value_(expr, value)
        name_(expr, "")
        items_(expr, ())
        keys_(expr, keys)
        reference_(expr, reference)
        key_items_(expr, ())
        return expr

    return make


make_span = _span_factory()
leaf_expr = _expr_factory()
