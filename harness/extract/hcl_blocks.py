"""Top-level Terraform blocks of an HCL file by address, for merging a follow-up's changed
blocks into the earlier file (:mod:`harness.extract.overlay`).

Extraction sits before the Terraform model, so this reads only what a merge needs: each
top-level block's address (``resource.aws_s3_bucket.logs``, ``variable.region``, ``locals``)
and the whole lines it spans, from tree-sitter's HCL grammar. A file that does not split
cleanly (syntax errors at the top level, two blocks on one line, one address twice) gives
None, and the overlay falls back to replacing the whole file.

Every file this splits was parsed by the Terraform model a moment earlier (a follow-up's
overlay merges files of turns whose own responses were just scored), so the two share trees
(:func:`take_tree`, :func:`offer_tree`) instead of parsing the same bytes twice.
"""

from __future__ import annotations

import re
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from functools import lru_cache

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser, Tree

_local = threading.local()
#: Distinct file contents whose split is kept (a task's follow-up chain holds a few dozen).
KEPT_FILES = 256
_ALIAS = re.compile(r'^[ \t]*alias[ \t]*=[ \t]*"([^"\n]*)"', re.MULTILINE)
#: block types whose address is the type and every label (``resource.type.name``)
_LABELLED = frozenset({"resource", "data", "module", "variable", "output", "ephemeral", "check"})


@dataclass(frozen=True, slots=True)
class TopBlock:
    """One top-level block: its address and the 0-based lines it spans (inclusive)."""

    kind: str  # the block type: resource, variable, locals, ...
    address: str
    first_row: int
    last_row: int


def _parser() -> Parser:
    cached: Parser | None = getattr(_local, "parser", None)
    if cached is None:
        cached = Parser(Language(tree_sitter_hcl.language()))
        _local.parser = cached
    return cached


class _HandOff:
    """Recently parsed trees, keyed by the exact bytes parsed, each held by one user at a time.

    Why: in a corpus run every file the overlay splits was parsed by the model a few files
    earlier, from the same bytes. Why it is safe: tree-sitter's parse is a pure function of the
    bytes (one grammar, no timeout, no old tree, no included ranges) and nothing edits these
    trees, so a stored tree is the tree a new parse would give. A user takes a tree out
    (``take`` removes it) and offers it back when done, so no two threads ever read one tree at
    once. Bounded: the oldest trees go beyond ``max_entries`` files or ``max_bytes`` of source
    (a corpus run splits a file at most 42 parses and 100 KB after the model read it; a tree
    takes about 65 times its source in memory, so 256 KB of source is ~17 MB)."""

    def __init__(self, max_entries: int, max_bytes: int) -> None:
        self.max_entries = max_entries
        self.max_bytes = max_bytes
        self._held = 0
        self._trees: OrderedDict[bytes, Tree] = OrderedDict()
        self._lock = threading.Lock()

    def put(self, data: bytes, tree: Tree) -> None:
        if len(data) > self.max_bytes:
            return
        with self._lock:
            if data in self._trees:
                return
            self._trees[data] = tree
            self._held += len(data)
            while len(self._trees) > self.max_entries or self._held > self.max_bytes:
                old, _ = self._trees.popitem(last=False)
                self._held -= len(old)

    def take(self, data: bytes) -> Tree | None:
        with self._lock:
            tree = self._trees.pop(data, None)
            if tree is not None:
                self._held -= len(data)
            return tree


_HANDED = _HandOff(max_entries=48, max_bytes=256_000)


def take_tree(data: bytes) -> Tree | None:
    """The tree of exactly ``data`` if one was offered and is still held (it is removed: give
    it back with :func:`offer_tree` when done), else None: the caller parses."""
    return _HANDED.take(data)


def offer_tree(data: bytes, tree: Tree) -> None:
    """Keep ``tree`` (the parse of exactly ``data``, no longer in use) for the next parse of
    the same bytes."""
    _HANDED.put(data, tree)


@contextmanager
def shared_tree(data: bytes, parse: Callable[[bytes], Tree]) -> Iterator[Tree]:
    """The tree of exactly ``data``: one held (taken out while in use), else ``parse(data)``;
    offered back afterwards for the next reader of the same bytes (the model and the overlay
    split each read through this)."""
    tree = take_tree(data)
    if tree is None:
        tree = parse(data)
    try:
        yield tree
    finally:
        offer_tree(data, tree)


def _labels(block: Node) -> list[str]:
    labels = []
    for child in block.children:
        if child.type in ("string_lit", "identifier") and child != block.children[0]:
            text = (child.text or b"").decode("utf-8", errors="replace")
            labels.append(text.strip('"'))
        elif child.type == "block_start":
            break
    return labels


def _kind(block: Node) -> str:
    return (block.children[0].text or b"").decode("utf-8", errors="replace")


def _address(block: Node, seen: dict[str, int]) -> str:
    kind = _kind(block)
    labels = _labels(block)
    if kind in _LABELLED or (kind == "provider" and labels):
        address = ".".join((kind, *labels))
        if kind == "provider":
            alias = _ALIAS.search((block.text or b"").decode("utf-8", errors="replace"))
            address += f".{alias.group(1)}" if alias else ""
        return address
    # terraform, locals, moved, import, ...: the n-th block of its kind in the file
    seen[kind] = seen.get(kind, 0) + 1
    return kind if seen[kind] == 1 else f"{kind}#{seen[kind]}"


@lru_cache(maxsize=KEPT_FILES)
def top_level_blocks(content: str) -> tuple[TopBlock, ...] | None:
    """The file's top-level blocks in order, or None when it does not split cleanly.

    Kept for the last ``KEPT_FILES`` contents: the overlay of turn N merges the files of
    turns 1..N again for every N, so the same earlier file is split once per later turn."""
    data = content.encode("utf-8", errors="replace")
    with shared_tree(data, _parser().parse) as tree:
        return _split(tree)


def _split(tree: Tree) -> tuple[TopBlock, ...] | None:
    root = tree.root_node
    body = next((c for c in root.children if c.type == "body"), None)
    if body is None:
        return () if not root.has_error else None
    if root.has_error:
        return None
    blocks: list[TopBlock] = []
    seen: dict[str, int] = {}
    addresses: set[str] = set()
    for node in body.children:
        if node.type != "block":
            continue
        address = _address(node, seen)
        if address in addresses:
            return None
        if blocks and node.start_point.row <= blocks[-1].last_row:
            return None
        addresses.add(address)
        blocks.append(TopBlock(_kind(node), address, node.start_point.row, node.end_point.row))
    return tuple(blocks)
