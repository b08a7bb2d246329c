"""iac-harness: grade model-generated Infrastructure-as-Code responses.

Library API (the CLI is a thin layer over these)::

    import harness
    tree = harness.extract("MODEL_RESPONSE.md")          # markdown -> FileTree
    config = harness.parse(tree)                           # FileTree -> Configuration
    rubric = harness.load_rubric("rubrics/terraform-aws-production.yaml")
    result = harness.grade(tree, rubric)                   # -> ResponseResult
"""

from __future__ import annotations

from importlib import import_module
from typing import Any

__version__ = "0.1.0"

_API = {
    "extract": ("harness.extract", "extract"),
    "parse": ("harness.terraform", "build"),
    "load_rubric": ("harness.rubric", "load_rubric"),
    "grade": ("harness.run", "grade"),
}


def __getattr__(name: str) -> Any:
    """Import the public API lazily so ``import harness`` stays cheap for the CLI."""
    if name in _API:
        module, attribute = _API[name]
        return getattr(import_module(module), attribute)
    raise AttributeError(f"module 'harness' has no attribute {name!r}")


__all__ = ["__version__", "extract", "grade", "load_rubric", "parse"]
