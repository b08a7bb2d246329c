"""A metamorphic check over the corpus: renaming every resource of an ideal response (its
blocks and every reference to them) changes nothing in its comparison with the original.
Resources pair by what they hold, and references compare by what they refer to."""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path

import pytest

from harness.compare import compare
from harness.extract.types import FileTree
from harness.run.pipeline import extract_response
from harness.terraform import build

pytestmark = pytest.mark.corpus

_RESOURCE = re.compile(r'^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"', re.M)


def _renamed(tree: FileTree) -> FileTree:
    """Every managed resource ``t.n`` of the tree's Terraform files renamed ``t.n_renamed``."""
    terraform = [f for f in tree.files if f.path.endswith(".tf")]
    names = {m.groups() for f in terraform for m in _RESOURCE.finditer(f.content)}

    def rename(text: str) -> str:
        for kind, name in names:
            text = re.sub(
                rf'(resource\s+"{kind}"\s+"){name}(")', rf"\g<1>{name}_renamed\g<2>", text
            )
            text = re.sub(rf"(?<![\w.-]){kind}\.{name}(?![\w-])", f"{kind}.{name}_renamed", text)
        return text

    return FileTree(
        tuple(
            dataclasses.replace(f, content=rename(f.content)) if f.path.endswith(".tf") else f
            for f in tree.files
        )
    )


def test_renaming_every_resource_of_an_ideal_changes_no_comparison(corpus: Path) -> None:
    moved = []
    compared = 0
    for ideal in sorted((corpus / "terraform").glob("*/IDEAL_RESPONSE.md")):
        tree = extract_response(ideal, "IDEAL_RESPONSE")
        renamed = _renamed(tree)
        if renamed == tree:
            continue  # no resources
        comparison = compare(renamed, build(renamed), tree, build(tree))
        compared += 1
        figures = comparison.kind("resources").figures
        agreement = comparison.attribute_agreement()
        if figures.missing or figures.extra or (agreement is not None and agreement < 1.0):
            moved.append(f"{ideal.parent.name}: agreement {agreement}, {figures}")
    assert compared >= 40
    assert not moved, "\n".join(moved)
