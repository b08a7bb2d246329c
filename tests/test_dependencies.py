"""Every third-party import is a declared dependency, so a fresh install has what the code needs.

A missing declaration hides on any machine where the package happens to be installed (click
came in through an older typer, markupsafe through jinja2): these tests read the imports from
the source and the declarations from ``pyproject.toml``, and map one to the other through the
installed distributions' metadata.
"""

from __future__ import annotations

import ast
import re
import sys
import tomllib
from functools import cache
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT

#: Folders of our own code that may be imported by absolute name.
LOCAL_TOPS = {"harness", "tests", "benchmarks"}


def _normalise(name: str) -> str:
    """PEP 503 name: ``Markdown_It.py`` and ``markdown-it-py`` are the same distribution."""
    return re.sub(r"[-_.]+", "-", name).lower()


def _requirement_name(requirement: str) -> str:
    match = re.match(r"\s*([A-Za-z0-9][A-Za-z0-9._-]*)", requirement)
    assert match, f"pyproject.toml: cannot read requirement {requirement!r}"
    return _normalise(match.group(1))


@cache
def _declared() -> dict[str, set[str]]:
    """Distribution names per group: ``runtime`` and each optional extra."""
    project = tomllib.loads((REPO_ROOT / "pyproject.toml").read_text("utf-8"))["project"]
    groups = {"runtime": {_requirement_name(r) for r in project["dependencies"]}}
    for extra, requirements in project.get("optional-dependencies", {}).items():
        groups[extra] = {_requirement_name(r) for r in requirements}
    return groups


def third_party_imports(folder: Path) -> dict[str, str]:
    """Top-level third-party module -> the first ``file:line`` importing it, under ``folder``."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*.py")):
        if "data" in path.relative_to(REPO_ROOT).parts[:2]:
            continue  # harness/data: the bundled sample's own files, never imported
        tree = ast.parse(path.read_text("utf-8"), filename=str(path))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names = [alias.name for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                names = [node.module]
            else:
                continue
            for name in names:
                top = name.split(".")[0]
                if top in sys.stdlib_module_names or top in LOCAL_TOPS or top == "__future__":
                    continue
                if (path.parent / f"{top}.py").is_file():
                    continue  # a sibling script (benchmarks/batch.py imports synth.py)
                found.setdefault(top, f"{path.relative_to(REPO_ROOT)}:{node.lineno}")
    return found


def _distributions_of(module: str) -> set[str]:
    return {_normalise(d) for d in packages_distributions().get(module, [])}


@pytest.mark.parametrize(
    ("folder", "groups"),
    [
        # an optional extra (dask, parquet) is a feature of the package, imported where used
        ("harness", ("runtime", "dask", "parquet")),
        ("tests", ("runtime", "test")),
        ("benchmarks", ("runtime", "test")),
    ],
)
def test_every_import_is_declared(folder: str, groups: tuple[str, ...]) -> None:
    allowed = set().union(*(_declared()[group] for group in groups))
    undeclared = []
    for module, where in third_party_imports(REPO_ROOT / folder).items():
        distributions = _distributions_of(module)
        if not distributions & allowed:
            provider = ", ".join(sorted(distributions)) or "not installed"
            undeclared.append(f"{where}: import {module} ({provider}) not in {'/'.join(groups)}")
    assert not undeclared, "\n".join(undeclared)


def test_the_scan_sees_imports(tmp_path: Path) -> None:
    """The scanner itself: a third-party import is found, stdlib and local ones are not."""
    folder = REPO_ROOT / "tests"
    imports = third_party_imports(folder)
    assert "pytest" in imports and "yaml" in imports
    assert not {"os", "harness", "tests"} & set(imports)


def test_an_undeclared_import_is_reported() -> None:
    """``click`` is installed with the tools but declared nowhere: the rule must reject it."""
    allowed = set().union(*_declared().values())
    assert "click" not in allowed
    assert not _distributions_of("click") & allowed
