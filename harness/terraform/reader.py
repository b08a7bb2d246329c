"""One HCL file -> top-level blocks and attributes, tolerant of syntax errors.

tree-sitter never raises; it marks broken regions with ERROR/MISSING nodes and often folds
everything after a break into one region (a missing ``}`` nests the following blocks inside the
open one). So the reader keeps every clean top-level item before the break, salvages the clean
parts of the broken block, and resynchronises: it re-parses from the next line that starts a
top-level block (``resource ... {`` at column 1), repeating after each break.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from tree_sitter import Node, Tree

from harness.terraform.cst import Source, file_tree, first_error, parse_bytes
from harness.terraform.expressions import ExprBuilder
from harness.terraform.fast import make_attribute, make_block, make_expr
from harness.terraform.model import Attribute, Block, ExprKind
from harness.vocabulary import Diagnostic, Severity, Span

_HEADER = re.compile(
    rb"^(?:resource|data|module|variable|output|locals|provider|terraform|moved|import|check|removed)"
    rb'(?:[ \t]+(?:"[^"\n]*"|[\w-]+))*[ \t]*\{',
    re.M,
)
_PROVIDER_ATTRS = {"resource": "provider", "data": "provider", "module": "providers"}


@dataclass(frozen=True, slots=True)
class FileRead:
    """What the reader recovered from one file."""

    blocks: tuple[Block, ...]
    attributes: tuple[Attribute, ...]  # top-level attributes (tfvars files)
    diagnostics: tuple[Diagnostic, ...]
    complete: bool  # nothing was skipped
    first_break: int | None  # file line of the first syntax break tree-sitter saw
    depth_limited: bool
    #: (first, last) file lines, 1-based and inclusive, of every stretch the model may lack:
    #: from the start of each broken item to where reading resumed (a superset: a partial
    #: block's recovered lines are in it too)
    unread_lines: tuple[tuple[int, int], ...] = ()
    #: the file ends inside a broken item (no block starts after the last break): it is cut
    #: off, and what it would have declared next is nowhere in it
    ends_broken: bool = False


class _Converter:
    """CST block/attribute nodes -> model objects for one source segment."""

    def __init__(self, src: Source, max_depth: int) -> None:
        self.src = src
        self.exprs = ExprBuilder(src, max_depth)
        self.max_depth = max_depth

    def attribute(self, node: Node, bound: frozenset[str], provider_attr: str = "") -> Attribute:
        children = node.children
        name = ""
        value: Node | None = None
        if len(children) == 3 and children[2].type == "expression":  # name = expression
            name, value = self.src.text_of(children[0]), children[2]
        else:
            for child in children:
                kind = child.type
                if kind == "identifier" and not name:
                    name = self.src.text_of(child)
                elif kind == "expression":
                    value = child
        span = self.src.span(node)
        if value is None:
            return make_attribute(name, make_expr(ExprKind.UNKNOWN, "", span), span)
        if provider_attr and name == provider_attr:
            self.exprs.ref_scope = "provider"
            try:
                return make_attribute(name, self.exprs.build(value, bound), span)
            finally:
                self.exprs.ref_scope = ""
        return make_attribute(name, self.exprs.build(value, bound), span)

    def loose_block(self, items: list[Node], start: int, cutoff: int) -> tuple[Block, int] | None:
        """A block whose pieces tree-sitter left loose inside an ERROR node (``identifier
        string_lit* block_start attribute...``): the header and the clean attributes and
        blocks after it. Returns the block and the index of the first item not taken."""
        kind = self.src.text_of(items[start])
        labels: list[str] = []
        i = start + 1
        while i < len(items) and items[i].type in ("string_lit", "identifier"):
            labels.append(self.exprs.label(items[i]))
            i += 1
        if i >= len(items) or items[i].type != "block_start":
            return None
        i += 1
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        last = items[i - 1]
        provider_attr = _PROVIDER_ATTRS.get(kind, "")
        while i < len(items) and not items[i].has_error and items[i].end_byte <= cutoff:
            item = items[i]
            if item.type == "attribute":
                attributes.append(self.attribute(item, frozenset(), provider_attr))
            elif item.type == "block":
                nested = self.block(item, frozenset(), 1)
                if nested is not None:
                    blocks.append(nested)
            elif item.type != "comment":
                break
            last = item
            i += 1
        span = self.src.span_between(items[start], last)
        return make_block(kind, tuple(labels), tuple(attributes), tuple(blocks), span), i

    def block(
        self,
        node: Node,
        bound: frozenset[str] = frozenset(),
        depth: int = 0,
        cutoff: int | None = None,
        avoid_row: int | None = None,
    ) -> Block | None:
        """Convert a block. With ``cutoff`` (a byte offset) only clean children that end before
        it, and do not cover ``avoid_row``, are kept: the salvage of a broken block."""
        kind = ""
        labels: list[str] = []
        body: Node | None = None
        opened = False
        for child in node.children:
            t = child.type
            if t == "identifier" and not kind:
                kind = self.src.text_of(child)
            elif t in ("string_lit", "identifier"):
                labels.append(self.exprs.label(child))
            elif t == "body":
                body = child
            elif t == "block_start":
                opened = not child.has_error
            elif cutoff is not None and not opened and (child.is_error or child.has_error):
                return None  # a salvage needs a clean header: `kind "label" {`
        if not kind or (cutoff is not None and not opened):
            return None
        attributes: list[Attribute] = []
        blocks: list[Block] = []
        last: Node | None = None
        provider_attr = _PROVIDER_ATTRS.get(kind, "") if depth == 0 else ""
        inner_bound = bound
        if kind == "dynamic" and labels:
            inner_bound = bound | {labels[0]}
        if body is not None and depth < self.max_depth:
            for child in body.children:
                t = child.type
                if t not in ("attribute", "block"):
                    continue
                if cutoff is not None and (
                    child.has_error
                    or child.end_byte > cutoff
                    or (
                        avoid_row is not None
                        and child.start_point[0] <= avoid_row <= child.end_point[0]
                    )
                ):
                    continue
                if t == "attribute":
                    attribute = self.attribute(child, bound, provider_attr)
                    attributes.append(attribute)
                    if kind == "dynamic" and attribute.name == "iterator":
                        iterator = attribute.expr.reference
                        if iterator is not None and iterator.parts:
                            inner_bound = bound | {iterator.parts[0]}
                else:
                    nested = self.block(child, inner_bound, depth + 1)
                    if nested is not None:
                        blocks.append(nested)
                last = child
        if cutoff is None:
            span = self.src.span(node)
        elif last is not None:
            span = self.src.span_between(node, last)
        else:
            first = self.src.span(node)
            span = Span(first.path, first.start_line, first.start_col, first.start_line, None)
        return make_block(kind, tuple(labels), tuple(attributes), tuple(blocks), span)


def _items(root: Node) -> list[Node]:
    items: list[Node] = []
    for child in root.children:
        if child.type == "body":
            items.extend(child.children)
        else:
            items.append(child)
    return items


_CLOSERS = {
    "}": "{",
    "]": "[",
    ")": "(",
    '"': '"',
    "block_end": "{",
    "tuple_end": "[",
    "object_end": "{",
}


def _locate(error: Node) -> tuple[int, int, str]:
    """Row, byte column and a short reason for a tree-sitter error node. A missing closer is
    reported where its construct opens (as HashiCorp's parser does), not at the end of file."""
    if error.is_missing and error.type in _CLOSERS:
        opener = _CLOSERS[error.type]
        construct = error.parent
        while construct is not None and construct.type in ("block_end", "tuple_end", "object_end"):
            construct = construct.parent
        if construct is not None:
            row, col = construct.start_point
            return row, col, f"'{opener}' opened here is never closed"
    if error.is_missing:
        row, col = error.start_point
        return row, col, f"missing {error.type.replace('_', ' ')}"
    row, col = error.start_point
    return row, col, "text the HCL grammar cannot read"


def _has_content(data: bytes, first_row: int, end_row: int) -> bool:
    """True when rows [first_row, end_row) hold anything but blanks and comments."""
    if end_row <= first_row:
        return False
    lines = data.split(b"\n")[first_row:end_row]
    return any(line.strip() and not line.lstrip().startswith((b"#", b"//")) for line in lines)


def read_hcl(
    path: str,
    data: bytes,
    *,
    max_depth: int,
    max_recoveries: int,
    hint_line: int | None = None,
) -> FileRead:
    """Read one file. ``hint_line`` is a 1-based line HashiCorp's parser rejected that
    tree-sitter may accept (multi-line quoted strings): the item covering it is treated as
    broken there."""
    with file_tree(data) as tree:
        return _read(path, data, tree, max_depth, max_recoveries, hint_line)


def _read(
    path: str,
    data: bytes,
    tree: Tree,
    max_depth: int,
    max_recoveries: int,
    hint_line: int | None,
) -> FileRead:
    """``read_hcl`` given the tree of the whole file (segments after a break are parsed)."""
    blocks: list[Block] = []
    attributes: list[Attribute] = []
    diagnostics: list[Diagnostic] = []
    complete = True
    first_break: int | None = None
    depth_limited = False
    unread: list[tuple[int, int]] = []
    ends_broken = False
    segment, line_offset = data, 0
    for _ in range(max_recoveries + 1):
        src = Source(path, segment, line_offset)
        root = (tree if segment is data else parse_bytes(segment)).root_node
        conv = _Converter(src, max_depth)
        hint_row = hint_line - 1 - line_offset if hint_line is not None else None
        broken: Node | None = None
        items = _items(root)
        index = 0
        for index, item in enumerate(items):  # noqa: B007 - index is used after the loop
            t = item.type
            if t == "comment":
                continue
            covers_hint = (
                hint_row is not None and item.start_point[0] <= hint_row <= item.end_point[0]
            )
            if not item.has_error and not covers_hint and t in ("block", "attribute"):
                if t == "block":
                    block = conv.block(item)
                    if block is not None:
                        blocks.append(block)
                else:
                    attributes.append(conv.attribute(item, frozenset()))
                continue
            broken = item
            break
        depth_limited = depth_limited or conv.exprs.depth_hit
        if broken is None:
            break
        complete = False
        next_line = segment.find(b"\n", broken.start_byte)
        match = _HEADER.search(segment, next_line + 1) if next_line >= 0 else None
        resync = match.start() if match else len(segment)
        if match:
            resync_row = segment.count(b"\n", 0, resync)
        else:
            resync_row = segment.count(b"\n") + (0 if segment.endswith(b"\n") else 1)
        loose = None
        if broken.type == "identifier":
            loose = conv.loose_block(items, index, resync)
        error = first_error(broken) or broken
        reason = ""
        if loose is not None:
            stop = loose[1]
            if stop < len(items) and items[stop].start_byte < resync:
                error = first_error(items[stop]) or items[stop]
            else:
                error, reason = items[stop - 1], "the block ends without its closing '}'"
        error_row, _, why = _locate(error)
        reason = reason or why
        if (
            hint_row is not None
            and broken.start_point[0] <= hint_row <= broken.end_point[0]
            and hint_row <= error_row
        ):
            error_row, reason = hint_row, "a quoted string is not closed on its line"
        line = error_row + line_offset + 1
        first_break = line if first_break is None else first_break
        partial: Block | None = None
        if broken.type == "block":
            partial = conv.block(broken, cutoff=min(resync, error.start_byte), avoid_row=hint_row)
        elif loose is not None:
            partial = loose[0]
        if partial is not None:
            blocks.append(partial)
            address = ".".join((partial.kind, *partial.labels))
            diagnostics.append(
                Diagnostic(
                    "incomplete_block",
                    Severity.WARNING,
                    f"{address} is cut short by a syntax error at line {line} ({reason}); "
                    f"read {len(partial.attributes)} attribute(s) and "
                    f"{len(partial.blocks)} nested block(s) of it",
                    span=partial.span,
                    stage="parse",
                )
            )
        unread.append((broken.start_point[0] + line_offset + 1, resync_row + line_offset))
        kept_until = partial.span.last_line if partial is not None else line - 1
        first_lost = max(line, kept_until + 1) - line_offset - 1  # segment row
        if _has_content(segment, first_lost, resync_row):
            last_line = resync_row + line_offset
            diagnostics.append(
                Diagnostic(
                    "unparsed_lines",
                    Severity.WARNING,
                    f"syntax error at line {line} ({reason}); lines {first_lost + line_offset + 1}"
                    f"-{last_line} are missing from the model",
                    span=Span(path, first_lost + line_offset + 1, 1, last_line, None),
                    stage="parse",
                )
            )
        if match is None:
            ends_broken = True
            break
        segment = segment[resync:]
        line_offset += resync_row
        hint_line = hint_line if hint_row is not None and hint_row >= resync_row else None
    else:  # every recovery used up: the rest of the file is not read
        unread.append((line_offset + 1, line_offset + segment.count(b"\n") + 1))
        diagnostics.append(
            Diagnostic(
                "limit_recoveries",
                Severity.WARNING,
                f"gave up after {max_recoveries} syntax errors; lines {line_offset + 1} to the "
                "end of the file are missing from the model",
                span=Span(path, line_offset + 1),
                stage="parse",
            )
        )
    return FileRead(
        tuple(blocks),
        tuple(attributes),
        tuple(diagnostics),
        complete,
        first_break,
        depth_limited,
        tuple(unread),
        ends_broken,
    )
