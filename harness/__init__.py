"""iac-harness: grade model-generated Infrastructure-as-Code responses.

Library API (the CLI is a thin layer over these)::

    import harness
    tree = harness.extract("MODEL_RESPONSE.md")          # markdown -> FileTree
    config = harness.parse(tree)                           # FileTree -> Configuration
    rubric = harness.load_rubric("terraform-aws-production")
    result = harness.grade(tree, rubric)                   # -> ResponseResult
    run = harness.load_run("reports/run-20260101-120000")  # a run folder -> RunData

These five names are functions defined here, and they stay functions whatever is imported
later: ``import harness.extract`` (the subpackage) would otherwise rebind ``harness.extract``
to the module, because Python sets every imported submodule as an attribute of its parent.
Their bodies import the stages on first call, so ``import harness`` stays cheap for the CLI.
"""

from __future__ import annotations

import sys
from pathlib import Path
from types import ModuleType
from typing import TYPE_CHECKING

from harness.version import __version__

if TYPE_CHECKING:
    from collections.abc import Sequence

    from harness.checks.types import ReferenceContext
    from harness.extract import ExtractLimits, FileTree
    from harness.prompt import PromptRequirements
    from harness.results import ResponseResult, RunData
    from harness.rubric import Rubric
    from harness.terraform import BuildLimits, Configuration


def extract(
    source: str | Path, *, response_id: str = "", limits: ExtractLimits | None = None
) -> FileTree:
    """The file tree a markdown response describes (a ``Path`` is read, a ``str`` is the text)."""
    from harness.extract.extractor import extract as _extract
    from harness.extract.limits import DEFAULT_LIMITS

    return _extract(source, response_id=response_id, limits=limits or DEFAULT_LIMITS)


def parse(tree: FileTree, *, limits: BuildLimits | None = None) -> Configuration:
    """The Terraform model of a file tree: modules, blocks, references, diagnostics."""
    from harness.terraform.build import build

    return build(tree, limits=limits)


def load_rubric(path_or_id: str | Path) -> Rubric:
    """A rubric file, or a shipped rubric id, loaded, merged with what it extends, validated."""
    from harness.rubric.loader import load_rubric as _load_rubric

    return _load_rubric(path_or_id)


def grade(
    tree_or_path: FileTree | Path | str,
    rubric: Rubric | Path | str,
    *,
    task_id: str = "",
    response_id: str = "",
    reference: ReferenceContext | FileTree | Path | str | None = None,
    is_ideal: bool = False,
    prompt: PromptRequirements | Path | str | Sequence[Path | str] | None = None,
) -> ResponseResult:
    """Grade one response (a tree, a markdown file or markdown text) against a rubric.
    ``prompt``: the prompt file(s) it answers, in turn order, or their requirements."""
    from harness.run.pipeline import grade as _grade

    return _grade(
        tree_or_path,
        rubric,
        task_id=task_id,
        response_id=response_id,
        reference=reference,
        is_ideal=is_ideal,
        prompt=prompt,
    )


def load_run(run_dir: str | Path) -> RunData:
    """Read a run folder written by ``iac-harness score`` (results, responses, run facts)."""
    from harness.store import load_run as _load_run

    return _load_run(Path(run_dir))


__all__ = ["__version__", "extract", "grade", "load_rubric", "load_run", "parse"]
_API = frozenset(__all__) - {"__version__"}


class _Package(ModuleType):
    """The ``harness`` module, keeping its API functions when a same-named submodule loads.

    The import system's ``setattr(harness, "extract", <module harness.extract>)`` is kept out
    of the attribute (the submodule is still in ``sys.modules``, where imports find it).
    """

    def __setattr__(self, name: str, value: object) -> None:
        if name in _API and isinstance(value, ModuleType):
            return
        super().__setattr__(name, value)


sys.modules[__name__].__class__ = _Package
