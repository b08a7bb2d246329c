"""Audit the ideals: where a task's ideal response does worse than one of its responses.

The ideal is the reference every response is compared with, and pairwise training data puts
it first. Real ideals are not flawless (a literal password, unencrypted storage, no tags), and
where an ideal fails a criterion that a response meets, "ideal first" is not the truth for
that criterion. ``ideal_shortfalls`` lists those places from a run's results, so the console
summary and the report can say so. Pure: it reads results only.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from harness.results import CriterionResult, ResponseResult
from harness.tasks import IDEAL_ID


@dataclass(frozen=True)
class IdealShortfall:
    """One criterion of one task where the ideal scores below at least one response."""

    task_id: str
    criterion_id: str
    ideal_status: str
    ideal_score: float
    ideal_message: str
    better: tuple[tuple[str, float], ...]  # (response id, its score on the criterion), best first


def is_ideal(result: ResponseResult) -> bool:
    """The task's ideal response (also in run folders written before ``is_ideal`` was
    stored, by its id)."""
    return result.is_ideal or result.response_id == IDEAL_ID


def _scored(result: ResponseResult) -> dict[str, CriterionResult]:
    return {c.criterion_id: c for c in result.criteria if c.score is not None}


def ideal_shortfalls(results: Iterable[ResponseResult]) -> tuple[IdealShortfall, ...]:
    """Every (task, criterion) where the ideal's score is below a response's, in task then
    rubric order. Criteria the ideal has no score for (na, error) are not compared."""
    by_task: dict[str, list[ResponseResult]] = defaultdict(list)
    for result in results:
        by_task[result.task_id].append(result)
    found = []
    for task_id in sorted(by_task):
        task = by_task[task_id]
        ideal = next((r for r in task if is_ideal(r) and r.error is None), None)
        if ideal is None:
            continue
        others = [(r.response_id, _scored(r)) for r in task if not is_ideal(r) and r.error is None]
        for criterion in ideal.criteria:
            if criterion.score is None:
                continue
            better = sorted(
                (
                    (response_id, scored[criterion.criterion_id].score or 0.0)
                    for response_id, scored in others
                    if criterion.criterion_id in scored
                    and (scored[criterion.criterion_id].score or 0.0) > criterion.score
                ),
                key=lambda pair: (-pair[1], pair[0]),
            )
            if better:
                found.append(
                    IdealShortfall(
                        task_id,
                        criterion.criterion_id,
                        criterion.status.value,
                        criterion.score,
                        criterion.message,
                        tuple(better),
                    )
                )
    return tuple(found)


def audit_line(shortfalls: tuple[IdealShortfall, ...], shown: int = 3) -> str:
    """One plain line for a run summary ("" when every ideal is at least as good)."""
    if not shortfalls:
        return ""
    tasks = sorted({s.task_id for s in shortfalls})
    examples = ", ".join(f"{s.task_id} {s.criterion_id}" for s in shortfalls[:shown])
    more = f" (+{len(shortfalls) - shown} more)" if len(shortfalls) > shown else ""
    return (
        f"ideal audit: in {len(tasks)} task(s) the ideal scores below a response on "
        f"{len(shortfalls)} criterion result(s): {examples}{more}; 'ideal first' is not the "
        "truth there (see the report's Ideal audit)"
    )
