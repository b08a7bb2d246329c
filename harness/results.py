"""Results of a scoring run, as data: what the score stage produces and every report reads.

These types cross the boundary between scoring and reporting (and are stored in the run folder
by ``harness.store``), so a report can be rebuilt, or a run rescored, without re-extracting.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, ClassVar

from harness.extract.types import FileTree
from harness.vocabulary import CriterionStatus, Diagnostic, Finding


@dataclass(frozen=True)
class CategoryInfo:
    id: str
    title: str
    weight: float


@dataclass(frozen=True)
class CriterionInfo:
    id: str
    title: str
    category: str
    check: str
    severity: str  # critical / high / medium / low
    weight: float
    gate: bool
    why: str
    params: dict[str, Any] = field(default_factory=dict)


@dataclass(frozen=True)
class RubricInfo:
    """The resolved rubric as the run used it (after ``extends`` merging)."""

    id: str
    version: str
    title: str
    sha256: str
    source: str
    gate_cap: float  # overall score cap (0-100) when a gate criterion fails
    categories: tuple[CategoryInfo, ...]
    criteria: tuple[CriterionInfo, ...]
    coverage_share: float = 0.0  # share of the overall earned on the covered part of the task
    coverage_criterion: str = ""  # the criterion whose score is that coverage


@dataclass(frozen=True)
class CriterionResult:
    criterion_id: str
    check_id: str
    category: str
    status: CriterionStatus
    score: float | None  # fraction of passing findings in [0, 1]; None for na and error
    weight: float
    message: str
    findings: tuple[Finding, ...] = ()
    severity: str = "medium"
    gate: bool = False


@dataclass(frozen=True)
class CategoryScore:
    id: str
    score: float | None  # weighted mean of non-na criteria in [0, 1]; None when all na
    weight: float


@dataclass(frozen=True)
class ResponseResult:
    """One graded response. ``overall`` is 0-100 (None when nothing could be judged or the
    response could not be processed, in which case ``error`` says why)."""

    #: read by pydantic when the run folder stores a result as JSON: a NaN or infinite number
    #: is written as ``NaN`` / ``Infinity`` (as Python's json module does), not as ``null``,
    #: which a float field could not read back
    __pydantic_config__: ClassVar[dict[str, str]] = {"ser_json_inf_nan": "constants"}

    task_id: str
    response_id: str  # file stem, "+overlay" suffix for the overlaid multi-turn tree
    source: str  # path of the markdown response
    overall: float | None
    categories: tuple[CategoryScore, ...] = ()
    criteria: tuple[CriterionResult, ...] = ()
    gates_failed: tuple[str, ...] = ()
    diagnostics: tuple[Diagnostic, ...] = ()
    tree: FileTree | None = None
    is_ideal: bool = False
    error: str | None = None
    timings: dict[str, float] = field(default_factory=dict)
    comparison: dict[str, Any] | None = None  # summary of the reference comparison, if any
    #: sha256 of the markdown file the response was read from, so a later run can tell a
    #: changed response from a changed grader; "" when unknown (text input, a folder, or a
    #: run folder written before the hash was stored)
    input_sha256: str = ""

    @property
    def key(self) -> str:
        return f"{self.task_id}/{self.response_id}"


@dataclass(frozen=True)
class RunInfo:
    harness_version: str
    started: str  # ISO 8601 UTC
    finished: str
    duration_s: float
    inputs: tuple[str, ...]
    rubric: RubricInfo
    timings: dict[str, float] = field(default_factory=dict)  # seconds per stage, summed
    counts: dict[str, int] = field(default_factory=dict)
    #: ids of the tasks whose reference (ideal response) extracted to no files: their
    #: reference comparison, and their ideal's score, say nothing
    tasks_without_reference: tuple[str, ...] = ()
    #: the reference folder given for every task (``--reference``), if any: rescore reuses it
    reference: str | None = None
    #: the ideal response given to the tasks that have none of their own (the bundled
    #: samples), if any: rescore reuses it
    ideal: str | None = None


@dataclass(frozen=True)
class RunData:
    """Everything a report needs: the run's metadata and every response's result."""

    info: RunInfo
    responses: tuple[ResponseResult, ...]


__all__ = [
    "CategoryInfo",
    "CategoryScore",
    "CriterionInfo",
    "CriterionResult",
    "CriterionStatus",
    "ResponseResult",
    "RubricInfo",
    "RunData",
    "RunInfo",
]
