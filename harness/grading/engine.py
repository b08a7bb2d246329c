"""Run a rubric's checks on one response and turn findings into criterion results.

A criterion's score is the passing fraction of its pass and fail findings (partial credit:
3 of 4 buckets encrypted scores 0.75). Status: ``error`` when any finding is an error (the
check raised or could not judge; never counted as pass), ``na`` when there is no pass or fail
finding (nothing to judge), else ``pass`` (1.0), ``fail`` (0.0) or ``partial``.
"""

from __future__ import annotations

from collections.abc import Sequence

from harness.checks.registry import implementations, run_criterion_checks
from harness.checks.types import CheckContext, Finding, Status
from harness.results import CriterionResult, CriterionStatus
from harness.rubric.model import Criterion, Rubric

#: Findings kept per criterion (the score always counts all of them): a hostile response with
#: thousands of resources must not blow up the run folder.
MAX_FINDINGS = 200
_LIST_SUBJECTS = 5


def _label(finding: Finding) -> str:
    return finding.subject or finding.message


def _listing(findings: Sequence[Finding]) -> str:
    """The findings' subjects, each once (a subject with two faults is listed once)."""
    labels = list(dict.fromkeys(_label(f) for f in findings))
    shown = labels[:_LIST_SUBJECTS]
    more = len(labels) - len(shown)
    return ", ".join(shown) + (f" (+{more} more)" if more > 0 else "")


def summarise(findings: Sequence[Finding]) -> str:
    """One line for a criterion: the single finding's message, or counts plus the failures."""
    errors: list[Finding] = []
    passes: list[Finding] = []
    fails: list[Finding] = []
    for finding in findings:
        verdict = finding.status
        if verdict is Status.PASS:
            passes.append(finding)
        elif verdict is Status.FAIL:
            fails.append(finding)
        elif verdict is Status.ERROR:
            errors.append(finding)
    if errors:
        if len(errors) == 1:
            return errors[0].message
        return f"{len(errors)} errors: {_listing(errors)}"
    judged = len(passes) + len(fails)
    if judged == 0:
        nas = [f for f in findings if f.status is Status.NA]
        return nas[0].message if nas else "nothing to judge"
    if judged == 1:
        return (passes or fails)[0].message
    if not fails:
        return f"all {judged} pass: {_listing(passes)}"
    if not passes:
        first = fails[0]
        detail = f" ({first.message})" if first.subject and first.message != first.subject else ""
        return f"all {judged} fail: {_listing(fails)}{detail}"
    first = fails[0]
    detail = f" ({first.message})" if first.subject and first.message != first.subject else ""
    return f"{len(passes)} of {judged} pass; failing: {_listing(fails)}{detail}"


def _kept(findings: Sequence[Finding]) -> tuple[Finding, ...]:
    """Errors and failures first, so the evidence a reviewer needs survives the cap."""
    if len(findings) <= MAX_FINDINGS:
        return tuple(findings)
    order = {Status.ERROR: 0, Status.FAIL: 1, Status.PASS: 2, Status.NA: 3}
    return tuple(sorted(findings, key=lambda f: order[f.status])[:MAX_FINDINGS])


def aggregate(criterion: Criterion, findings: Sequence[Finding]) -> CriterionResult:
    """Fold one criterion's findings into its status, score and message."""
    n_pass = n_fail = 0
    has_error = False
    for finding in findings:  # one pass: the engine folds every criterion of every response
        verdict = finding.status
        if verdict is Status.PASS:
            n_pass += 1
        elif verdict is Status.FAIL:
            n_fail += 1
        elif verdict is Status.ERROR:
            has_error = True
    score: float | None
    if has_error:
        status, score = CriterionStatus.ERROR, None
    elif n_pass + n_fail == 0:
        status, score = CriterionStatus.NA, None
    else:
        score = n_pass / (n_pass + n_fail)
        if n_fail == 0:
            status = CriterionStatus.PASS
        elif n_pass == 0:
            status = CriterionStatus.FAIL
        else:
            status = CriterionStatus.PARTIAL
    message = summarise(findings)
    if len(findings) > MAX_FINDINGS:
        message += f" [{MAX_FINDINGS} of {len(findings)} findings kept]"
    return CriterionResult(
        criterion_id=criterion.id,
        check_id=criterion.check,
        category=criterion.category,
        status=status,
        score=score,
        weight=criterion.weight,
        message=message,
        findings=_kept(findings),
        severity=criterion.severity,
        gate=criterion.gate,
    )


def evaluate_criterion(criterion: Criterion, ctx: CheckContext) -> CriterionResult:
    """One criterion: the joined findings of its check's implementations for the languages
    the response or its reference holds, or ``na`` when none reads them (never an error)."""
    return aggregate(criterion, run_criterion_checks(criterion.check, ctx, criterion.params))


def evaluate(
    rubric: Rubric,
    ctx: CheckContext,
    known: Sequence[CriterionResult] | None = None,
) -> tuple[CriterionResult, ...]:
    """Every enabled criterion of ``rubric`` on ``ctx``, in rubric order. ``known``: the
    rubric's results on the same tree without a reference (the ideal's, made once per task
    by ``evaluate_reference``): a criterion whose check does not read the reference
    (``reads_reference``) takes its known result instead of running again."""
    if not known:
        return tuple(evaluate_criterion(criterion, ctx) for criterion in rubric.criteria)
    by_id = {result.criterion_id: result for result in known}
    return tuple(
        found
        if (found := by_id.get(criterion.id)) is not None
        and not any(spec.reads_reference for spec in implementations(criterion.check))
        else evaluate_criterion(criterion, ctx)
        for criterion in rubric.criteria
    )
