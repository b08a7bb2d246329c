"""Top-level Terraform blocks of an HCL file by address, for merging a follow-up's changed
blocks into the earlier file (:mod:`harness.extract.overlay`).

Extraction sits before the Terraform model, so this reads only what a merge needs: each
top-level block's address (``resource.aws_s3_bucket.logs``, ``variable.region``, ``locals``)
and the whole lines it spans, from tree-sitter's HCL grammar. A file that does not split
cleanly (syntax errors at the top level, two blocks on one line, one address twice) gives
None, and the overlay falls back to replacing the whole file.
"""

from __future__ import annotations

import re
import threading
from dataclasses import dataclass
from functools import lru_cache

import tree_sitter_hcl
from tree_sitter import Language, Node, Parser

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
    tree = _parser().parse(content.encode("utf-8", errors="replace"))
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
