"""Shared bits for extraction tests."""

from __future__ import annotations

from pathlib import Path

from harness.extract import FileTree

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "extract"


def codes(tree: FileTree) -> list[str]:
    return [d.code for d in tree.diagnostics]


def naming(tree: FileTree) -> dict[str, str]:
    """path -> convention that named it."""
    return {f.path: str(f.origin.naming.convention) for f in tree.files}
