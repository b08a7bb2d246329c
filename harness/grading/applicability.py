"""Applicability from the task: ``na`` means the task does not call for it.

A check says ``na`` when the response has nothing to judge (no alarm, no database, no tag).
That is right when the task has nothing of the kind, and wrong when the response merely left
it out: a fragment with little in it would otherwise collect na where a reviewer writes fail,
and, na being left out of every mean, outscore a complete answer. The task is known from its
reference: when the reference has something to judge for a criterion (at least one passing
finding), the task calls for it, and a response with nothing to judge there fails, with the
reference's place (file:line) as evidence. Checks of the response's own text (truncation,
syntax, promised files, tone) and checks whose nothing-to-judge is the safe state (no
administration port open) keep their na (``judges_task=False`` in the registry).

Without a reference, the prompt decides (``applicable_from_prompt``): a requirement the
prompt states gives the criteria of its lexicon entry's ``calls_for`` something to judge (an
RDS database: ``security.rds_encrypted``, ...; tests: ``testing.unit_tests``), and a response
with nothing to judge there fails, citing the prompt line. Where neither a reference nor the
prompt says, na stays na.

Where the task's first prompt waives what a check judges ("no provider block", "provider.tf
already exists", "don't use random ids": ``PromptRequirements.waives``, the check's
``waivable``), the check's na stands either way: the reference may have it (the task's
provider.tf), but the response was told not to write it.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from harness.checks.registry import get_check
from harness.prompt import PromptRequirements
from harness.results import CriterionResult
from harness.vocabulary import CriterionStatus, Evidence, Finding, Status, failed

#: Places of the reference listed in the message (all of them go in the evidence, up to this).
_SHOWN = 3


def _reference_places(reference: CriterionResult) -> list[tuple[Finding, Evidence]]:
    """The reference's passing findings with a place in a file, as reference evidence."""
    places = []
    for finding in reference.findings:
        if finding.status is not Status.PASS:
            continue
        where = next((e for e in finding.evidence if e.path is not None or e.response_line), None)
        if where is not None:
            note = f"the task calls for it: the reference does it here: {where.location()}"
            places.append((finding, replace(where, source="reference", note=note)))
    return places


def called_for(result: CriterionResult, reference: CriterionResult) -> CriterionResult:
    """``result`` (na on the response) as the failure it is when the reference has it."""
    places = _reference_places(reference)[:_SHOWN]
    if places:
        shown = ", ".join(
            f"{f.subject or 'it'} at {e.location()}" for f, e in places if e.location()
        )
        where = f"the reference has {shown}"
    else:
        where = f"the reference has it ({reference.message})"
    return _failed_for_task(result, where, [e for _, e in places])


def _failed_for_task(
    result: CriterionResult, where: str, evidence: Sequence[Evidence]
) -> CriterionResult:
    """``result`` (na) as a failure: the task calls for it (``where`` says how we know)."""
    missing = result.message or "nothing to judge"
    message = f"the task calls for it but the response has none ({missing}); {where}"
    finding = failed(message, *evidence, subject="the task's " + result.check_id)
    return replace(
        result,
        status=CriterionStatus.FAIL,
        score=0.0,
        message=message,
        findings=(finding, *result.findings),
    )


def _can_be_called_for(result: CriterionResult, prompt: PromptRequirements | None) -> bool:
    """An na the task may turn into a failure: of a task-judging check, and not of one that
    judges what the prompt waives."""
    spec = get_check(result.check_id)
    if not spec.judges_task:
        return False
    # not ``prompt and``: a prompt that asks for nothing the reader knows may still waive
    return not (spec.waivable and prompt is not None and prompt.waives(spec.waivable))


def applicable_from_task(
    criteria: Sequence[CriterionResult],
    reference_criteria: Sequence[CriterionResult],
    prompt: PromptRequirements | None = None,
) -> tuple[CriterionResult, ...]:
    """``criteria`` with every ``na`` of a task-judging check failed where the reference
    (``reference_criteria``: the same rubric on the reference) passes at least one finding;
    ``prompt``: what the response's prompts say (a check of what they waive keeps its na)."""
    by_id = {c.criterion_id: c for c in reference_criteria}
    out = []
    for result in criteria:
        reference = by_id.get(result.criterion_id)
        if (
            result.status is CriterionStatus.NA
            and reference is not None
            and any(f.status is Status.PASS for f in reference.findings)
            and _can_be_called_for(result, prompt)
        ):
            result = called_for(result, reference)
        out.append(result)
    return tuple(out)


def called_for_by_prompt(result: CriterionResult, prompt: PromptRequirements) -> CriterionResult:
    """``result`` (na on the response) as the failure it is when the prompt asks for what the
    criterion judges; the prompt lines are the evidence."""
    asked = prompt.calling_for(result.check_id)
    shown = ", ".join(f"{r.title} at {r.place}" for r in asked[:_SHOWN])
    evidence = [
        Evidence.from_prompt(
            r.place.path, r.place.line, r.place.text, note=f"the prompt asks for {r.title}"
        )
        for r in asked[:_SHOWN]
    ]
    return _failed_for_task(result, f"the prompt asks for {shown}", evidence)


def applicable_from_prompt(
    criteria: Sequence[CriterionResult], prompt: PromptRequirements
) -> tuple[CriterionResult, ...]:
    """``criteria`` with every ``na`` of a task-judging check failed where the prompt asks
    for something the check judges (used when the task has no reference)."""
    out = []
    for result in criteria:
        if (
            result.status is CriterionStatus.NA
            and prompt.calling_for(result.check_id)
            and _can_be_called_for(result, prompt)
        ):
            result = called_for_by_prompt(result, prompt)
        out.append(result)
    return tuple(out)
