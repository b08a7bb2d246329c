"""The rubric file format (one YAML document) and the resolved rubric a run uses.

A rubric file::

    id: terraform-aws-production        # required; lowercase letters, digits, '-', '_', '.'
    version: "1.0"                      # required unless inherited through `extends`
    title: Production-grade Terraform on AWS
    extends: terraform-aws-production   # optional: a rubric id, or a path relative to this file
    scoring:
      gate_cap: 40                      # overall score cap (0-100) when a gate criterion fails
      coverage_share: 0.5               # share of the score that scales with task coverage
      coverage_criterion: reference.resource_coverage  # whose score is the coverage
    categories:
      - {id: security, title: Security, weight: 3}
    criteria:
      - id: security.s3_encryption      # unique in the resolved rubric
        title: S3 buckets are encrypted at rest
        category: security              # one of the categories
        check: security.s3_encryption   # a registered check id; defaults to the criterion id
        params: {}                      # validated by the check's Params model
        weight: 2                       # relative weight inside its category (>= 0)
        severity: high                  # critical / high / medium / low
        gate: false                     # true: failing it caps the overall score at gate_cap
        why: Unencrypted buckets leak data at rest and fail most compliance audits.

In a rubric that ``extends`` another, a criterion entry whose id exists in the base overrides
only the fields it states (``params`` are merged key by key) or removes it with
``disabled: true``; an entry with a new id adds a criterion and must state title and category.
Categories merge the same way by id. An entry with an id the base lacks that only overrides
(no title/category, or ``disabled: true``) is reported as an unknown id in the base, with
the closest base ids suggested: it is almost always a typo.
"""

from __future__ import annotations

import re
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator

ID_PATTERN = re.compile(r"^[a-z0-9][a-z0-9_.\-]{0,99}$")
DEFAULT_GATE_CAP = 40.0
#: The share of the overall earned only on the covered part of the task (see grading.score).
DEFAULT_COVERAGE_SHARE = 0.5
DEFAULT_COVERAGE_CRITERION = "reference.resource_coverage"


class Severity(StrEnum):
    CRITICAL = "critical"
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"


def _one_line(value: str | None) -> str | None:
    if value is not None and ("\n" in value.strip() or "\r" in value.strip()):
        raise ValueError("must be a single line")
    return value.strip() if value is not None else None


def _valid_id(value: str) -> str:
    if not ID_PATTERN.match(value):
        raise ValueError(
            f"{value!r} is not a valid id (lowercase letters, digits, '.', '-', '_'; "
            "at most 100 characters)"
        )
    return value


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)


class ScoringSpec(_Strict):
    """``scoring:`` block. ``gate_cap``: the highest overall score (0-100) a response that
    fails a gate criterion can get. ``coverage_share``: the share of the overall that is earned
    only on the part of the task the response covers (0 turns it off); ``coverage_criterion``:
    the criterion whose score is that coverage (the share of the reference's resources)."""

    gate_cap: float | None = Field(default=None, ge=0, le=100)
    coverage_share: float | None = Field(default=None, ge=0, le=0.9)
    coverage_criterion: str | None = Field(default=None, min_length=1)


class CategorySpec(_Strict):
    """One category entry as written; ``title``/``weight`` may be omitted in an override."""

    id: str
    title: str | None = None
    weight: float | None = Field(default=None, ge=0, le=1000)

    _id = field_validator("id")(_valid_id)
    _title = field_validator("title")(_one_line)


class CriterionSpec(_Strict):
    """One criterion entry as written; every field but ``id`` may be omitted in an override."""

    id: str
    title: str | None = None
    category: str | None = None
    check: str | None = None
    params: dict[str, Any] | None = None
    weight: float | None = Field(default=None, ge=0, le=1000)
    severity: Severity | None = None
    gate: bool | None = None
    why: str | None = None
    disabled: bool | None = None

    _id = field_validator("id")(_valid_id)
    _title = field_validator("title", "why")(_one_line)


class RubricFile(_Strict):
    """A whole rubric document as written (before ``extends`` is resolved)."""

    id: str
    version: str | None = None
    title: str | None = None
    description: str | None = None
    extends: str | None = None
    scoring: ScoringSpec = ScoringSpec()
    categories: list[CategorySpec] = Field(default_factory=list, max_length=100)
    criteria: list[CriterionSpec] = Field(default_factory=list, max_length=1000)

    _id = field_validator("id")(_valid_id)

    @field_validator("version", mode="before")
    @classmethod
    def _version_text(cls, value: Any) -> Any:
        """``version: 1.0`` is a float in YAML; accept it as the string it was meant to be."""
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        return value
