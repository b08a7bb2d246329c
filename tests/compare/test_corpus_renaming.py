"""A metamorphic check over the corpus: renaming things an ideal response declares (resources,
data sources, locals, variables: each declaration and every reference to it) changes nothing
in its comparison with the original. Things pair by what they hold, and references compare by
what they refer to, not by the names a writer picked."""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Callable
from pathlib import Path

import pytest

from harness.compare import compare
from harness.extract.types import FileTree
from harness.run.pipeline import extract_response
from harness.terraform import build
from harness.terraform.model import Configuration

pytestmark = pytest.mark.corpus

_RESOURCE = re.compile(r'^\s*resource\s+"([\w-]+)"\s+"([\w-]+)"', re.M)
_DATA = re.compile(r'^\s*data\s+"([\w-]+)"\s+"([\w-]+)"', re.M)
_VARIABLE = re.compile(r'^\s*variable\s+"([\w-]+)"', re.M)
_LOCALS = re.compile(r"^locals\s*\{.*?^\}", re.M | re.S)
_LOCAL_NAME = re.compile(r"^  ([\w-]+)\s*=", re.M)
_MODULE = re.compile(r'^\s*module\s+"', re.M)


def _resources(text: str) -> str:
    for kind, name in {m.groups() for m in _RESOURCE.finditer(text)}:
        text = re.sub(rf'(resource\s+"{kind}"\s+"){name}(")', rf"\g<1>{name}_x\g<2>", text)
        text = re.sub(rf"(?<![\w.-]){kind}\.{name}(?![\w-])", f"{kind}.{name}_x", text)
    return text


def _data_sources(text: str) -> str:
    for kind, name in {m.groups() for m in _DATA.finditer(text)}:
        text = re.sub(rf'(data\s+"{kind}"\s+"){name}(")', rf"\g<1>{name}_x\g<2>", text)
        text = re.sub(rf"\bdata\.{kind}\.{name}(?![\w-])", f"data.{kind}.{name}_x", text)
    return text


def _locals(text: str) -> str:
    names = {n for block in _LOCALS.findall(text) for n in _LOCAL_NAME.findall(block)}

    def declarations(block: re.Match[str]) -> str:
        return _LOCAL_NAME.sub(
            lambda m: (
                m.group(0).replace(m.group(1), m.group(1) + "_x", 1)
                if m.group(1) in names
                else m.group(0)
            ),
            block.group(0),
        )

    text = _LOCALS.sub(declarations, text)
    for name in names:
        text = re.sub(rf"\blocal\.{name}(?![\w-])", f"local.{name}_x", text)
    return text


def _variables(text: str) -> str:
    """Root variables only: a module's variables are named by its callers' arguments too."""
    if _MODULE.search(text):
        return text
    for name in set(_VARIABLE.findall(text)):
        text = re.sub(rf'(variable\s+"){name}(")', rf"\g<1>{name}_x\g<2>", text)
        text = re.sub(rf"\bvar\.{name}(?![\w-])", f"var.{name}_x", text)
    return text


_RENAMERS: dict[str, Callable[[str], str]] = {
    "resources": _resources,
    "data sources": _data_sources,
    "locals": _locals,
    "variables": _variables,
}


def _renamed(tree: FileTree, rename: Callable[[str], str]) -> FileTree:
    """``rename`` applied to the tree's Terraform files as one text (a name declared in one
    file is referred to in others), each file then cut back out."""
    terraform = [f for f in tree.files if f.path.endswith(".tf")]
    separator = "\n#@@file@@\n"
    texts = iter(rename(separator.join(f.content for f in terraform)).split(separator))
    return dataclasses.replace(
        tree,
        files=tuple(
            dataclasses.replace(f, content=next(texts)) if f.path.endswith(".tf") else f
            for f in tree.files
        ),
    )


@pytest.fixture(scope="module")
def ideals(corpus: Path) -> list[tuple[str, FileTree, Configuration]]:
    """(task, tree, model) of every Terraform ideal, built once for every kind of renaming."""
    found = []
    for ideal in sorted((corpus / "terraform").glob("*/IDEAL_RESPONSE.md")):
        tree = extract_response(ideal, "IDEAL_RESPONSE")
        found.append((ideal.parent.name, tree, build(tree)))
    return found


@pytest.mark.parametrize("what", sorted(_RENAMERS))
def test_renaming_what_an_ideal_declares_changes_no_comparison(
    ideals: list[tuple[str, FileTree, Configuration]], what: str
) -> None:
    moved = []
    compared = 0
    for task, tree, config in ideals:
        renamed = _renamed(tree, _RENAMERS[what])
        if renamed == tree:
            continue  # nothing of the kind to rename
        comparison = compare(renamed, build(renamed), tree, config)
        compared += 1
        figures = comparison.kind("resources").figures
        agreement = comparison.attribute_agreement()
        if figures.missing or figures.extra or (agreement is not None and agreement < 1.0):
            moved.append(f"{task}: agreement {agreement}, {figures}")
    assert compared >= 20
    assert not moved, "\n".join(moved)
