"""A tree's digest is computed once per tree object held, and equals the plain digest."""

from __future__ import annotations

import dataclasses

import pytest

from harness.extract.types import FileTree
from harness.run import units


def _tree(text: str) -> FileTree:
    return FileTree(files=(), source=text)


def test_the_same_tree_object_is_digested_once(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[FileTree] = []
    plain = units.tree_digest

    def counting(tree: FileTree) -> str:
        calls.append(tree)
        return plain(tree)

    monkeypatch.setattr(units, "tree_digest", counting)
    digests = units._TreeDigests(size=2)
    tree = _tree("a")
    assert digests(tree) == digests(tree) == plain(tree)
    assert calls == [tree]
    twin = dataclasses.replace(tree)  # equal value, another object: computed, same digest
    assert digests(twin) == plain(tree) and len(calls) == 2
    other = _tree("b")
    assert digests(other) == plain(other) != plain(tree)
    digests(tree)  # evicted by the size bound (2): computed again
    assert len(calls) == 4
