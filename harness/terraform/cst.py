"""tree-sitter access: the cached HCL parser and positions of CST nodes.

Thread-safety: a tree-sitter ``Parser`` must not be shared between threads, so the parser is
cached per thread (``threading.local``); the ``Language`` object is immutable and shared. This
is the only module-level state of the package.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager
from functools import cache

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser, Tree

from harness.extract.hcl_blocks import shared_tree
from harness.terraform.fast import make_span
from harness.vocabulary import Span

_local = threading.local()


@cache
def hcl_language() -> Language:
    return Language(tree_sitter_hcl.language())


def parser() -> Parser:
    """This thread's HCL parser (created on first use)."""
    cached: Parser | None = getattr(_local, "parser", None)
    if cached is None:
        cached = Parser(hcl_language())
        _local.parser = cached
    return cached


def parse_bytes(data: bytes) -> Tree:
    """A fresh parse (the benchmarks' floor: never reuses a tree)."""
    return parser().parse(data)


@contextmanager
def file_tree(data: bytes) -> Iterator[Tree]:
    """The tree of a whole file, shared with extraction's overlay split: a tree it (or an
    earlier read) parsed from exactly these bytes when one is held, else a fresh parse; offered
    back afterwards (see :func:`harness.extract.hcl_blocks.take_tree` for why that is safe)."""
    with shared_tree(data, parse_bytes) as tree:
        yield tree


class Source:
    """One parsed segment of a file: its bytes and how to turn CST positions into spans.

    ``line_offset`` is the number of file lines before the segment (segments start at a line
    start after syntax-error recovery). Columns are converted from bytes to characters only
    for files that are not pure ASCII.
    """

    __slots__ = ("_lines", "ascii", "data", "line_offset", "path", "text")

    def __init__(self, path: str, data: bytes, line_offset: int = 0) -> None:
        self.path = path
        self.data = data
        self.line_offset = line_offset
        self.ascii = data.isascii()
        self.text = data.decode("ascii") if self.ascii else ""
        self._lines: list[bytes] | None = None

    def slice(self, start: int, end: int) -> str:
        if self.ascii:
            return self.text[start:end]
        return self.data[start:end].decode("utf-8", "replace")

    def text_of(self, node: Node) -> str:
        if self.ascii:
            return self.text[node.start_byte : node.end_byte]
        return self.data[node.start_byte : node.end_byte].decode("utf-8", "replace")

    def _col(self, row: int, col: int) -> int:
        if self.ascii or col == 0:
            return col
        if self._lines is None:
            self._lines = self.data.split(b"\n")
        line = self._lines[row] if row < len(self._lines) else b""
        return len(line[:col].decode("utf-8", "replace"))

    def span(self, node: Node) -> Span:
        (srow, scol), (erow, ecol) = node.start_point, node.end_point
        off = self.line_offset + 1
        if self.ascii:
            return make_span(self.path, srow + off, scol + 1, erow + off, ecol)
        return make_span(
            self.path, srow + off, self._col(srow, scol) + 1, erow + off, self._col(erow, ecol)
        )

    def span_between(self, start: Node, end: Node) -> Span:
        """From the start of ``start`` to the end of ``end``."""
        first, last = self.span(start), self.span(end)
        return make_span(self.path, first.start_line, first.start_col, last.end_line, last.end_col)

    def line_span(self, row: int, col: int = 0) -> Span:
        """A span for one position (0-based row/byte column of this segment)."""
        line = row + self.line_offset + 1
        c = self._col(row, col) + 1
        return Span(self.path, line, c, line, c)


def first_error(node: Node) -> Node | None:
    """The first ERROR or MISSING node under ``node`` in document order (None if clean)."""
    if not node.has_error:
        return None
    if node.is_error or node.is_missing:
        return node
    for child in node.children:
        if child.has_error or child.is_missing:
            found = first_error(child)
            if found is not None:
                return found
    return node
