"""Markdown response -> file tree: the first stage of the harness.

from harness.extract import extract, overlay, write_tree
tree = extract(Path("MODEL_RESPONSE.md"))       # FileTree: files, diagnostics, promises
write_tree(tree, Path("out/"))                     # never writes outside out/
"""

from __future__ import annotations

from harness.extract.directory import tree_from_directory
from harness.extract.extractor import extract
from harness.extract.limits import DEFAULT_LIMITS, ExtractLimits
from harness.extract.overlay import overlay
from harness.extract.paths import UnsafePathError, normalise_path
from harness.extract.types import (
    Convention,
    ExtractedFile,
    FileTree,
    NameEvidence,
    Origin,
    TextSpan,
)
from harness.extract.writer import WriteError, write_tree

__all__ = [
    "DEFAULT_LIMITS",
    "Convention",
    "ExtractLimits",
    "ExtractedFile",
    "FileTree",
    "NameEvidence",
    "Origin",
    "TextSpan",
    "UnsafePathError",
    "WriteError",
    "extract",
    "normalise_path",
    "overlay",
    "tree_from_directory",
    "write_tree",
]
