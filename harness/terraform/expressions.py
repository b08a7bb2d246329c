"""tree-sitter HCL expression nodes -> ``Expr`` trees with spans and references.

The grammar puts a traversal's steps next to its root (``variable_expr get_attr index ...``)
rather than nesting them, and binary operands are bare term sequences, so the builder works on
*runs* of sibling nodes: a head followed by postfix steps.
"""

from __future__ import annotations

import re

from tree_sitter import Node

from harness.terraform.cst import Source
from harness.terraform.fast import leaf_expr, make_expr, make_reference
from harness.terraform.model import Expr, ExprKind
from harness.terraform.strings import number, unescape_quoted
from harness.terraform.templates import TemplateBuilder
from harness.vocabulary import Span

_BINARY_OPS = frozenset({"+", "-", "*", "/", "%", "==", "!=", "<", ">", "<=", ">=", "&&", "||"})
_POSTFIX = frozenset({"get_attr", "index", "splat"})
#: A traversal made only of attribute steps (``aws_iam_role.ec2.arn``): split, not walked.
# starts only where a name starts (a search would retry inside a long word: quadratic)
_DOTTED = re.compile(r"(?<![\w-])[A-Za-z_][\w-]*(?:\.[A-Za-z_][\w-]*)+")
_Bound = frozenset[str]
_NO_NAMES: _Bound = frozenset()


class ExprBuilder(TemplateBuilder):
    """Builds expressions of one source segment. ``ref_scope`` marks every reference built
    (``"provider"`` for provider-configuration attributes); ``depth_hit`` records that
    ``max_depth`` cut an expression short."""

    __slots__ = ("depth_hit", "max_depth", "ref_scope", "src")

    def __init__(self, src: Source, max_depth: int) -> None:
        self.src = src
        self.max_depth = max_depth
        self.ref_scope = ""
        self.depth_hit = False

    # -- entry points -------------------------------------------------------------------
    def build(self, node: Node, bound: _Bound = _NO_NAMES, depth: int = 0) -> Expr:
        """``node`` is an ``expression`` node or any expression term node."""
        if node.type != "expression":
            return self._term([node], bound, depth)
        children = node.children
        if len(children) == 1:  # fast paths for the commonest shapes
            head = children[0]
            kind = head.type
            if kind == "literal_value":
                return self._literal(head)
            if kind == "variable_expr":
                return self._dotted(node, self.src.text_of(node), bound)
        elif children and children[0].type == "variable_expr":
            text = self.src.text_of(node)
            if _DOTTED.fullmatch(text):
                return self._dotted(node, text, bound)
        named = [c for c in children if c.is_named and c.type != "comment"]
        if not named:
            return self._unknown([node])
        return self._term(named, bound, depth)

    def _dotted(self, node: Node, text: str, bound: _Bound) -> Expr:
        parts = tuple(text.split("."))
        span = self.src.span(node)
        scope = "iterator" if parts[0] in bound else self.ref_scope
        reference = make_reference(parts, text, span, scope)
        return leaf_expr(ExprKind.REFERENCE, text, span, keys=parts, reference=reference)

    def label(self, node: Node) -> str:
        """A block label: ``"quoted"`` (unescaped) or a bare identifier."""
        if node.type == "string_lit":
            return self._string_value(node)
        return self.src.text_of(node)

    # -- helpers --------------------------------------------------------------------------
    def _text(self, nodes: list[Node]) -> str:
        return self.src.slice(nodes[0].start_byte, nodes[-1].end_byte)

    def _span(self, nodes: list[Node]) -> Span:
        if len(nodes) == 1:
            return self.src.span(nodes[0])
        return self.src.span_between(nodes[0], nodes[-1])

    def _too_deep(self, nodes: list[Node]) -> Expr:
        """The depth limit: record it and keep the text as UNKNOWN."""
        self.depth_hit = True
        return self._unknown(nodes)

    def _unknown(self, nodes: list[Node]) -> Expr:
        return make_expr(ExprKind.UNKNOWN, self._text(nodes), self._span(nodes))

    def _string_value(self, node: Node) -> str:
        return _quoted_value(self.src.text_of(node))

    # -- terms ------------------------------------------------------------------------------
    def _term(self, nodes: list[Node], bound: _Bound, depth: int) -> Expr:
        if depth > self.max_depth:
            return self._too_deep(nodes)
        head = nodes[0]
        if head.type == "variable_expr":
            return self._traversal(nodes, bound, depth)
        base = self._primary(head, bound, depth + 1)
        if len(nodes) == 1:
            return base
        steps: list[str] = []
        keys: list[Expr] = []
        self._postfix(nodes[1:], steps, keys, bound, depth)
        return make_expr(
            ExprKind.INDEX,
            self._text(nodes),
            self._span(nodes),
            items=(base, *keys),
            keys=tuple(steps),
        )

    def _traversal(self, nodes: list[Node], bound: _Bound, depth: int) -> Expr:
        root = self.src.text_of(nodes[0])
        steps = [root]
        keys: list[Expr] = []
        if len(nodes) > 1:
            self._postfix(nodes[1:], steps, keys, bound, depth)
        text, span = self._text(nodes), self._span(nodes)
        scope = "iterator" if root in bound else self.ref_scope
        parts = tuple(s for s in steps if not s.startswith("["))
        reference = make_reference(parts, text, span, scope)
        return make_expr(
            ExprKind.REFERENCE,
            text,
            span,
            items=tuple(keys),
            keys=tuple(steps),
            reference=reference,
        )

    def _postfix(
        self, nodes: list[Node], steps: list[str], keys: list[Expr], bound: _Bound, depth: int
    ) -> None:
        for node in nodes:
            kind = node.type
            if kind == "get_attr":
                for child in node.children:
                    if child.type == "identifier":
                        steps.append(self.src.text_of(child))
            elif kind == "index":
                for inner in node.children:
                    for child in inner.children:
                        if child.type == "expression":
                            keys.append(self.build(child, bound, depth + 1))
                    steps.append("[" + self.src.text_of(inner).strip("[].") + "]")
            elif kind == "splat":
                self._postfix([c for c in node.children if c.is_named], steps, keys, bound, depth)
            elif kind in ("attr_splat", "full_splat"):
                steps.append("[*]")
                self._postfix([c for c in node.children if c.is_named], steps, keys, bound, depth)

    def _primary(self, node: Node, bound: _Bound, depth: int) -> Expr:
        kind = node.type
        if kind == "literal_value":
            return self._literal(node)
        if kind == "collection_value":
            inner = node.children[0] if node.child_count else node
            if inner.type == "tuple":
                return self._tuple(inner, bound, depth)
            if inner.type == "object":
                return self._object(inner, bound, depth)
            return self._unknown([node])
        if kind == "template_expr":
            inner = node.children[0] if node.child_count else node
            if inner.type == "heredoc_template":
                return self._heredoc(inner, bound, depth)
            return self._quoted(inner, bound, depth)
        if kind == "function_call":
            return self._call(node, bound, depth)
        if kind == "conditional":
            items = tuple(
                self.build(c, bound, depth) for c in node.children if c.type == "expression"
            )
            return make_expr(
                ExprKind.CONDITIONAL, self.src.text_of(node), self.src.span(node), items=items
            )
        if kind == "operation":
            inner = node.children[0] if node.child_count else node
            return self._operation(inner, bound, depth)
        if kind in ("binary_operation", "unary_operation"):
            return self._operation(node, bound, depth)
        if kind == "for_expr":
            inner = node.children[0] if node.child_count else node
            return self._for(inner, bound, depth)
        if kind == "expression":
            return self.build(node, bound, depth)
        if kind in ("tuple", "object"):
            return (
                self._tuple(node, bound, depth)
                if kind == "tuple"
                else self._object(node, bound, depth)
            )
        if kind == "string_lit":
            return make_expr(
                ExprKind.LITERAL,
                self.src.text_of(node),
                self.src.span(node),
                value=self._string_value(node),
            )
        return self._unknown([node])

    def _literal(self, node: Node) -> Expr:
        """Literal values are read from their text (no descent into the CST)."""
        text, span = self.src.text_of(node), self.src.span(node)
        value: str | int | float | bool | None
        first = text[:1]
        if first == '"':
            value = _quoted_value(text)
        elif text == "true" or text == "false":
            value = text == "true"
        elif text == "null":
            value = None
        elif first.isdigit() or first == ".":
            value = number(text)
        else:
            return make_expr(ExprKind.UNKNOWN, text, span)
        return leaf_expr(ExprKind.LITERAL, text, span, value)

    def _tuple(self, node: Node, bound: _Bound, depth: int) -> Expr:
        items = tuple(self.build(c, bound, depth) for c in node.children if c.type == "expression")
        return make_expr(ExprKind.TUPLE, self.src.text_of(node), self.src.span(node), items=items)

    def _object(self, node: Node, bound: _Bound, depth: int) -> Expr:
        keys: list[str] = []
        values: list[Expr] = []
        computed: list[Expr] = []
        for elem in node.children:
            if elem.type != "object_elem":
                continue
            parts = elem.children
            if len(parts) == 3 and parts[0].type == "expression" and parts[2].type == "expression":
                key_node, value_node = parts[0], parts[2]
            else:
                exprs = [c for c in parts if c.type == "expression"]
                if len(exprs) < 2:
                    continue
                key_node, value_node = exprs[0], exprs[1]
            key = self._object_key(key_node)
            if key is None:
                key = self.src.text_of(key_node)
                computed.append(self.build(key_node, bound, depth))
            keys.append(key)
            values.append(self.build(value_node, bound, depth))
        return make_expr(
            ExprKind.OBJECT,
            self.src.text_of(node),
            self.src.span(node),
            items=tuple(values),
            keys=tuple(keys),
            key_items=tuple(computed),
        )

    def _object_key(self, key_node: Node) -> str | None:
        """A bare or quoted static key; None for computed keys."""
        named = key_node.children
        if len(named) != 1:
            return None
        head = named[0]
        kind = head.type
        if kind == "variable_expr":
            return self.src.text_of(head)
        if kind == "literal_value":
            text = self.src.text_of(head)
            return _quoted_value(text) if text.startswith('"') else text
        return None

    def _call(self, node: Node, bound: _Bound, depth: int) -> Expr:
        name = ""
        items: list[Expr] = []
        for child in node.children:
            kind = child.type
            if kind == "identifier" and not name:
                name = self.src.text_of(child)
            elif kind == "function_arguments":
                items.extend(
                    self.build(c, bound, depth) for c in child.children if c.type == "expression"
                )
        return make_expr(
            ExprKind.CALL,
            self.src.text_of(node),
            self.src.span(node),
            name=name,
            items=tuple(items),
        )

    def _operation(self, node: Node, bound: _Bound, depth: int) -> Expr:
        text, span = self.src.text_of(node), self.src.span(node)
        children = [c for c in node.children if c.type != "comment"]
        if node.type == "unary_operation" and children:
            operator = children[0].type
            operand = [c for c in children[1:] if c.is_named]
            items = (self._term(operand, bound, depth + 1),) if operand else ()
            return make_expr(ExprKind.OPERATION, text, span, name=operator, items=items)
        for i, child in enumerate(children):
            if not child.is_named and child.type in _BINARY_OPS and i > 0:
                left = [c for c in children[:i] if c.is_named]
                right = [c for c in children[i + 1 :] if c.is_named]
                operands = tuple(
                    self._term(side, bound, depth + 1) for side in (left, right) if side
                )
                return make_expr(ExprKind.OPERATION, text, span, name=child.type, items=operands)
        return make_expr(ExprKind.UNKNOWN, text, span)

    def _for(self, node: Node, bound: _Bound, depth: int) -> Expr:
        names: list[str] = []
        collection: Expr | None = None
        body: list[Expr] = []
        condition: Expr | None = None
        inner_bound = bound
        for child in node.children:
            kind = child.type
            if kind == "for_intro":
                for part in child.children:
                    if part.type == "identifier":
                        names.append(self.src.text_of(part))
                    elif part.type == "expression":
                        collection = self.build(part, bound, depth + 1)
                inner_bound = bound | frozenset(names)
            elif kind == "expression":
                body.append(self.build(child, inner_bound, depth + 1))
            elif kind == "for_cond":
                for part in child.children:
                    if part.type == "expression":
                        condition = self.build(part, inner_bound, depth + 1)
        items = [collection] if collection is not None else []
        items += body
        if condition is not None:
            items.append(condition)
        result = "object" if node.type == "for_object_expr" else "tuple"
        return make_expr(
            ExprKind.FOR,
            self.src.text_of(node),
            self.src.span(node),
            name=result,
            items=tuple(items),
            keys=tuple(names),
        )


def _quoted_value(text: str) -> str:
    """The value of a static quoted string from its source text (quotes included)."""
    end = len(text) - 1 if len(text) > 1 and text.endswith('"') else len(text)
    return unescape_quoted(text[1 if text.startswith('"') else 0 : end])
