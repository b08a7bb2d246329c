"""Pure aggregation of criterion results into category scores and an overall score.

The formula (also in the README):

- criterion score ``s_i`` in [0, 1] = passing fraction of its pass/fail findings;
  ``na`` (nothing to judge) and ``error`` (the check could not judge) criteria have no score
  and are left out of every mean: an error is reported, never counted as a pass or a fail.
- category score ``C_k = sum(w_i * s_i) / sum(w_i)`` over the scored criteria of category k
  (``w_i`` = criterion weight); no score when none is scored (or all weights are 0).
- quality ``Q = sum(W_k * C_k) / sum(W_k)`` over the categories that have a score
  (``W_k`` = category weight): how much of the rubric the response meets.
- penalty ``P = prod over scored criteria i, prod over k = 1..n_i of (1 - d_i / k**2)``,
  where ``n_i`` is criterion i's number of failing findings and ``d_i`` its severity's cost
  (``SEVERITY_COST``: critical 0.20, high 0.10, medium 0.05, low 0.02): every failing finding
  costs a share of what is left, the first of a criterion its full cost, the k-th 1/k² of it.
  So a critical fault costs about ten times a missing tag; ten untagged resources cost more
  than one, but all the failures of one criterion together cost less than 1.65 times its
  first (a big configuration's many findings cannot outweigh the kinds of fault), and ``P``
  never reaches 0.
- ungated overall ``U = 100 * ((1 - PENALTY_SHARE) * Q + PENALTY_SHARE * P)``
  (``PENALTY_SHARE`` = 0.5); no overall when no criterion is scored.
- coverage: ``V = U * (1 - coverage_share * (1 - c))``, where ``c`` is the score of the
  rubric's ``coverage_criterion`` (default ``reference.resource_coverage``: the share of the
  reference's resources the response has; 1 when it is not scored) and ``coverage_share``
  defaults to 0.5. The checks judge what a response contains; a response that holds a third
  of the task is judged on a third of it, so without this a fragment with little in it
  scores like a complete answer. Half the score is earned only on the covered part.
- gates: when a gate criterion is ``fail`` or ``partial`` (a must-have is not fully met), the
  overall is ``(1 - GATE_SLOPE) * min(U, gate_cap) + GATE_SLOPE * U * gate_cap / 100``
  (``GATE_SLOPE`` = 0.25): at most ``gate_cap``, below ``U``, and still lower with every
  further fault (a plain ``min`` would make every fault above the cap free, so a gated
  response with one fault and one with ten would tie). A gate in ``error`` does not cap (the
  tool, not the response, failed) but is listed with the errors.
- code floor: a response with at least one extracted file scores
  ``CODE_FLOOR + (top - CODE_FLOOR) * overall / top``, where ``top`` is 100, or ``gate_cap``
  for a gated response (at least ``CODE_FLOOR`` = 1; 100 stays 100, and a gated response stays
  at or below the cap); a response from which no file was extracted (prose only, empty, or
  not text) scores
  ``NO_CODE_CEILING * overall / 100``, in [0, 0.99]: below every response with code, which
  therefore ranks strictly above any response without, yet still lower with every fault (a
  casual prose-only answer is worse than a professional one). When nothing at all was judged
  the overall stays None (unscored, ranked after every scored response) with or without code.

Strictly monotone: adding a failing finding to any scored criterion (or turning an ``na``
criterion into a failing one) lowers ``P`` and never raises ``Q``, and the gate's mapping is
strictly increasing and below the identity, so the overall always falls. Only the failing
findings a criterion kept count (the engine keeps up to ``MAX_FINDINGS``, failures first);
a criterion that is ``fail`` or ``partial`` with no failing finding kept counts as one.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from types import MappingProxyType

from harness.results import CategoryScore, CriterionResult, CriterionStatus
from harness.rubric.model import Rubric
from harness.vocabulary import Status

#: Gate statuses that cap the overall score.
GATE_TRIPPING = frozenset({CriterionStatus.FAIL, CriterionStatus.PARTIAL})
#: Highest overall score of a response with no extracted code (exclusive of CODE_FLOOR).
NO_CODE_CEILING = 0.99
#: Lowest overall score of a response with code (so it always beats one without).
CODE_FLOOR = 1.0
#: The share of what is left that a criterion's first failing finding costs, by severity.
SEVERITY_COST: Mapping[str, float] = MappingProxyType(
    {"critical": 0.20, "high": 0.10, "medium": 0.05, "low": 0.02}
)
#: The weight of the penalty ``P`` (against the quality ``Q``) in the overall.
PENALTY_SHARE = 0.5
#: The share of a gated overall that keeps following the ungated score below the cap.
GATE_SLOPE = 0.25


@dataclass(frozen=True)
class Score:
    overall: float | None
    categories: tuple[CategoryScore, ...]
    gates_failed: tuple[str, ...]
    errors: tuple[str, ...]
    no_code: bool = False  # nothing was extracted: the overall is below CODE_FLOOR (or None)
    quality: float | None = None  # Q in [0, 1]: the weighted mean of the criterion scores
    penalty: float = 1.0  # P in (0, 1]: what the failing findings left, by severity


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


def failing_count(criterion: CriterionResult) -> int:
    """The failing findings that count against a scored criterion (0 for na and error)."""
    if criterion.score is None or criterion.status is CriterionStatus.ERROR:
        return 0
    failing = sum(f.status is Status.FAIL for f in criterion.findings)
    if failing == 0 and criterion.status in GATE_TRIPPING:
        return 1
    return failing


def penalty(criteria: Sequence[CriterionResult]) -> float:
    """``P``: the product of ``1 - d / k**2`` over each criterion's k-th failing finding."""
    left = 1.0
    for criterion in criteria:
        cost = SEVERITY_COST.get(criterion.severity, SEVERITY_COST["medium"])
        for k in range(1, failing_count(criterion) + 1):
            left *= 1.0 - cost / (k * k)
    return left


def coverage(criteria: Sequence[CriterionResult], rubric: Rubric) -> float:
    """``c``: the score of the rubric's coverage criterion, 1.0 when it is not scored (no
    reference, disabled, or an error)."""
    for criterion in criteria:
        if criterion.criterion_id == rubric.coverage_criterion:
            return 1.0 if criterion.score is None else criterion.score
    return 1.0


def gated(ungated: float, gate_cap: float) -> float:
    """The overall of a response that fails a gate: at most ``gate_cap``, strictly increasing
    in the ungated score ``U`` (so every fault still costs) and below it when ``U`` > 0."""
    capped = min(ungated, gate_cap)
    return (1.0 - GATE_SLOPE) * capped + GATE_SLOPE * ungated * gate_cap / 100.0


def with_code_floor(overall: float, top: float) -> float:
    """``overall`` in [0, ``top``] mapped onto [CODE_FLOOR, ``top``]: a response with code
    scores at least the floor, and a gated one (``top`` = gate_cap) still at most the cap."""
    if top <= CODE_FLOOR:
        return CODE_FLOOR
    return CODE_FLOOR + (top - CODE_FLOOR) * overall / top


def score(criteria: Sequence[CriterionResult], rubric: Rubric, *, has_code: bool = True) -> Score:
    """Aggregate a response's criterion results with the rubric's weights and gate cap.
    ``has_code``: at least one file was extracted from the response (see the module doc)."""
    categories = category_scores(criteria, rubric)
    quality = weighted_mean((c.score, c.weight) for c in categories if c.score is not None)
    left = penalty(criteria)
    covered = coverage(criteria, rubric)
    overall = (
        None
        if quality is None
        else 100.0
        * ((1.0 - PENALTY_SHARE) * quality + PENALTY_SHARE * left)
        * (1.0 - rubric.coverage_share * (1.0 - covered))
    )
    gates_failed = tuple(c.criterion_id for c in criteria if c.gate and c.status in GATE_TRIPPING)
    if overall is not None and gates_failed:
        overall = gated(overall, rubric.gate_cap)
    if overall is not None:
        overall = (
            with_code_floor(overall, rubric.gate_cap if gates_failed else 100.0)
            if has_code
            else NO_CODE_CEILING * overall / 100.0
        )
    errors = tuple(c.criterion_id for c in criteria if c.status is CriterionStatus.ERROR)
    return Score(
        overall,
        categories,
        gates_failed,
        errors,
        no_code=not has_code,
        quality=quality,
        penalty=left,
    )
