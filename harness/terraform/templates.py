"""Quoted templates, heredocs and ``%{}`` directives -> TEMPLATE/HEREDOC expressions.

A mixin of ``ExprBuilder``: literal pieces are read from the source between interpolations
(the grammar's ``template_literal`` nodes drop the blanks around them), heredoc bodies are
taken from the line after the opening marker to the line of the closing one, and ``<<-``
indentation is stripped as Terraform does.
"""

from __future__ import annotations

from tree_sitter import Node

from harness.terraform.cst import Source
from harness.terraform.fast import make_expr
from harness.terraform.model import Expr, ExprKind
from harness.terraform.strings import dedent, heredoc_indent, unescape_heredoc, unescape_quoted
from harness.vocabulary import Span

_Bound = frozenset[str]


class TemplateBuilder:
    """Template methods of ``ExprBuilder``; ``build`` and ``_span`` come from it."""

    __slots__ = ()
    src: Source
    max_depth: int

    def build(self, node: Node, bound: _Bound = frozenset(), depth: int = 0) -> Expr:
        raise NotImplementedError

    def _span(self, nodes: list[Node]) -> Span:
        raise NotImplementedError

    def _too_deep(self, nodes: list[Node]) -> Expr:
        raise NotImplementedError

    def _quoted(self, node: Node, bound: _Bound, depth: int) -> Expr:
        children = node.children
        start = children[0].end_byte if children else node.start_byte
        end = node.end_byte
        if len(children) > 1 and children[-1].type == "quoted_template_end":
            end = children[-1].start_byte
        parts = self._parts(children, start, end, bound, depth, node, heredoc=False, indent=0)
        return self._template(ExprKind.TEMPLATE, node, parts)

    def _heredoc(self, node: Node, bound: _Bound, depth: int) -> Expr:
        children = node.children
        idents = [c for c in children if c.type == "heredoc_identifier"]
        indented = any(c.type == "heredoc_start" and self.src.text_of(c) == "<<-" for c in children)
        data = self.src.data
        start = idents[0].end_byte if idents else node.start_byte
        newline = data.find(b"\n", start, node.end_byte)
        start = newline + 1 if newline >= 0 else node.end_byte
        end = node.end_byte
        if len(idents) > 1 and not idents[-1].is_missing:
            close = idents[-1]
            end = close.start_byte - close.start_point[1]
        end = max(start, end)
        indent = heredoc_indent(self.src.slice(start, end)) if indented else 0
        parts = self._parts(children, start, end, bound, depth, node, heredoc=True, indent=indent)
        return self._template(ExprKind.HEREDOC, node, parts)

    def _template(self, kind: ExprKind, node: Node, parts: list[Expr]) -> Expr:
        static = all(p.kind is ExprKind.LITERAL for p in parts)
        value = "".join(str(p.value) for p in parts) if static else None
        return make_expr(
            kind, self.src.text_of(node), self.src.span(node), value=value, items=tuple(parts)
        )

    def _parts(
        self,
        children: list[Node],
        start: int,
        end: int,
        bound: _Bound,
        depth: int,
        whole: Node,
        *,
        heredoc: bool,
        indent: int,
    ) -> list[Expr]:
        """Literal pieces (from the source between interpolations: the grammar's
        ``template_literal`` nodes drop surrounding blanks) and interpolated expressions."""
        parts: list[Expr] = []
        cursor = start
        pending: list[Node] = []  # template_literal nodes of the current piece

        def flush(upto: int) -> None:
            if upto > cursor:
                raw = self.src.slice(cursor, upto)
                if heredoc:
                    at_start = cursor == start or self.src.data[cursor - 1 : cursor] == b"\n"
                    value = unescape_heredoc(dedent(raw, indent, at_start))
                else:
                    value = unescape_quoted(raw)
                span = self._span(pending) if pending else self.src.span(whole)
                parts.append(make_expr(ExprKind.LITERAL, raw, span, value=value))
            pending.clear()

        for child in children:
            kind = child.type
            if child.start_byte < start or child.end_byte > end:
                continue
            if kind == "template_literal":
                pending.append(child)
            elif kind == "template_interpolation":
                flush(child.start_byte)
                inner = [c for c in child.children if c.type == "expression"]
                if inner:
                    parts.append(self.build(inner[0], bound, depth + 1))
                cursor = child.end_byte
            elif kind == "template_directive":
                flush(child.start_byte)
                parts.append(self._directive(child, bound, depth + 1, heredoc, indent))
                cursor = child.end_byte
        flush(end)
        return parts

    def _directive(self, node: Node, bound: _Bound, depth: int, heredoc: bool, indent: int) -> Expr:
        inner = node.children[0] if node.child_count else node
        children = inner.children
        text, span = self.src.text_of(node), self.src.span(node)
        if depth > self.max_depth:
            return self._too_deep([node])
        if len(children) < 2:
            return make_expr(ExprKind.UNKNOWN, text, span)
        opener, closer = children[0], children[-1]

        def expr_in(n: Node, names: _Bound) -> Expr | None:
            for c in n.children:
                if c.type == "expression":
                    return self.build(c, names, depth + 1)
            return None

        def body(a: int, b: int, names: _Bound) -> Expr:
            parts = self._parts(children, a, b, names, depth, node, heredoc=heredoc, indent=indent)
            raw = self.src.slice(a, b)
            static = all(p.kind is ExprKind.LITERAL for p in parts)
            value = "".join(str(p.value) for p in parts) if static else None
            return make_expr(ExprKind.TEMPLATE, raw, span, value=value, items=tuple(parts))

        if inner.type == "template_for":
            names = frozenset(
                self.src.text_of(c) for c in opener.children if c.type == "identifier"
            )
            collection = expr_in(opener, bound)
            loop = body(opener.end_byte, closer.start_byte, bound | names)
            items = (collection, loop) if collection is not None else (loop,)
            ordered = tuple(self.src.text_of(c) for c in opener.children if c.type == "identifier")
            return make_expr(ExprKind.FOR, text, span, name="template", items=items, keys=ordered)
        if inner.type == "template_if":
            condition = expr_in(opener, bound)
            middle = [c for c in children if c.type == "template_else_intro"]
            then_end = middle[0].start_byte if middle else closer.start_byte
            branches = [body(opener.end_byte, then_end, bound)]
            if middle:
                branches.append(body(middle[0].end_byte, closer.start_byte, bound))
            head = (condition,) if condition is not None else ()
            return make_expr(
                ExprKind.CONDITIONAL, text, span, name="template", items=(*head, *branches)
            )
        return make_expr(ExprKind.UNKNOWN, text, span)
