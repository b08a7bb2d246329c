"""Rubrics: YAML files whose criteria name registered checks, with weights, severities and
gates. ``load_rubric`` reads one safely, resolves ``extends`` and validates every criterion
against its check; errors are ``RubricError`` with one line starting ``file:line``.

The file format is documented in ``harness.rubric.schema``.
"""

from __future__ import annotations

from harness.rubric.errors import RubricError
from harness.rubric.loader import load_rubric
from harness.rubric.model import Category, Criterion, Rubric
from harness.rubric.reading import SEARCH_DIRS, available_rubrics, find_rubric

__all__ = [
    "SEARCH_DIRS",
    "Category",
    "Criterion",
    "Rubric",
    "RubricError",
    "available_rubrics",
    "find_rubric",
    "load_rubric",
]
