"""Pure aggregation of criterion results into category scores and an overall score.

The formula (also in the README):

- criterion score ``s_i`` in [0, 1] = passing fraction of its pass/fail findings;
  ``na`` (nothing to judge) and ``error`` (the check could not judge) criteria have no score
  and are left out of every mean: an error is reported, never counted as a pass or a fail.
- category score ``C_k = sum(w_i * s_i) / sum(w_i)`` over the scored criteria of category k
  (``w_i`` = criterion weight); no score when none is scored (or all weights are 0).
- overall ``= 100 * sum(W_k * C_k) / sum(W_k)`` over the categories that have a score
  (``W_k`` = category weight); no overall when no category has one.
- gates: when a gate criterion is ``fail`` or ``partial`` (a must-have is not fully met),
  overall ``= min(overall, gate_cap)``. A gate in ``error`` does not cap (the tool, not the
  response, failed) but is listed with the other errors.
- no code: a response from which no file was extracted (prose only, empty, or not text) has
  nothing to judge but its prose, so its overall is ``NO_CODE_OVERALL`` (0) whatever its
  category scores; a response with at least one extracted file scores at least
  ``CODE_FLOOR`` (1). Any response with code therefore ranks strictly above any response
  without. The category scores are kept as computed; when nothing at all was judged the
  overall stays None (unscored, ranked after every scored response) with or without code.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from harness.results import CategoryScore, CriterionResult, CriterionStatus
from harness.rubric.model import Rubric

#: Gate statuses that cap the overall score.
GATE_TRIPPING = frozenset({CriterionStatus.FAIL, CriterionStatus.PARTIAL})
#: Overall score of a response with no extracted code.
NO_CODE_OVERALL = 0.0
#: Lowest overall score of a response with code (so it always beats one without).
CODE_FLOOR = 1.0


@dataclass(frozen=True)
class Score:
    overall: float | None
    categories: tuple[CategoryScore, ...]
    gates_failed: tuple[str, ...]
    errors: tuple[str, ...]
    no_code: bool = False  # nothing was extracted: the overall is NO_CODE_OVERALL (or None)


def weighted_mean(pairs: Iterable[tuple[float, float]]) -> float | None:
    """Mean of ``(value, weight)`` pairs; None when the weights sum to zero."""
    total = 0.0
    weights = 0.0
    for value, weight in pairs:
        total += value * weight
        weights += weight
    return total / weights if weights > 0 else None


def category_scores(
    criteria: Sequence[CriterionResult], rubric: Rubric
) -> tuple[CategoryScore, ...]:
    """One ``CategoryScore`` per rubric category, in rubric order."""
    scores = []
    for category in rubric.categories:
        scored = [
            (c.score, c.weight)
            for c in criteria
            if c.category == category.id and c.score is not None
        ]
        scores.append(CategoryScore(category.id, weighted_mean(scored), category.weight))
    return tuple(scores)


def score(criteria: Sequence[CriterionResult], rubric: Rubric, *, has_code: bool = True) -> Score:
    """Aggregate a response's criterion results with the rubric's weights and gate cap.
    ``has_code``: at least one file was extracted from the response (see the module doc)."""
    categories = category_scores(criteria, rubric)
    mean = weighted_mean((c.score, c.weight) for c in categories if c.score is not None)
    overall = None if mean is None else 100.0 * mean
    gates_failed = tuple(c.criterion_id for c in criteria if c.gate and c.status in GATE_TRIPPING)
    if overall is not None and gates_failed:
        overall = min(overall, rubric.gate_cap)
    if overall is not None:
        overall = max(overall, CODE_FLOOR) if has_code else NO_CODE_OVERALL
    errors = tuple(c.criterion_id for c in criteria if c.status is CriterionStatus.ERROR)
    return Score(overall, categories, gates_failed, errors, no_code=not has_code)
