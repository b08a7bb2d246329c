"""Put the ideal's evidence next to the response's: "the ideal does it here: main.tf:14".

For every criterion a response fails (or passes only in part) that the reference passes, the
failing findings get the reference's passing evidence for the same criterion, preferring the
place the comparison matched to the failing resource. Reports show it side by side.
"""

from __future__ import annotations

from dataclasses import replace

from harness.compare import Comparison
from harness.results import CriterionResult
from harness.vocabulary import CriterionStatus, Evidence, Finding, Span, Status

#: Failing findings of one criterion that get reference evidence (the rest stay as they are).
MAX_ANNOTATED = 5


def _as_reference(evidence: Evidence) -> Evidence:
    return replace(
        evidence, source="reference", note=f"the ideal does it here: {evidence.location()}"
    )


def _passing_evidence(result: CriterionResult) -> list[tuple[str, Evidence]]:
    """(subject, evidence) of the reference's passing findings that point into a file (as
    the reference's findings hold it: only the evidence chosen is turned ``_as_reference``,
    which keeps its place, so choosing among the originals chooses the same)."""
    return [
        (f.subject, f.evidence[0])
        for f in result.findings
        if f.status is Status.PASS and f.evidence and f.evidence[0].path is not None
    ]


def _resource_type(subject: str) -> str:
    """``aws_iam_role`` of ``module.compute.aws_iam_role.app`` (or of a bare type)."""
    parts = [p for p in subject.split(" ")[0].split(".") if p]
    types = [p for p in parts if "_" in p and p != "module"]
    return types[-2] if len(types) >= 2 else (types[0] if types else "")


def _counterpart_span(comparison: Comparison | None, evidence: tuple[Evidence, ...]) -> Span | None:
    """The reference span of the resource the comparison matched to the finding's place."""
    first = next((e for e in evidence if e.path and e.start_line), None)
    if comparison is None or first is None or first.path is None or first.start_line is None:
        return None
    pair = comparison.counterpart(Span(first.path, first.start_line))
    return pair.reference.span if pair is not None else None


def _best(
    candidates: list[tuple[str, Evidence]], finding: Finding, target: Span | None
) -> Evidence:
    """The reference evidence most like the failing finding: the same subject, else inside
    the resource the comparison matched, else the same resource type, else the first."""
    for subject, evidence in candidates:
        if finding.subject and subject == finding.subject:
            return evidence
    if target is not None:
        for _, evidence in candidates:
            line = evidence.start_line or 0
            if evidence.path == target.path and target.start_line <= line <= target.last_line:
                return evidence
    wanted = _resource_type(finding.subject)
    for subject, evidence in candidates:
        if wanted and _resource_type(subject) == wanted:
            return evidence
    return candidates[0][1]


def _annotate(
    result: CriterionResult, candidates: list[tuple[str, Evidence]], comparison: Comparison | None
) -> CriterionResult:
    findings: list[Finding] = []
    budget = MAX_ANNOTATED
    for finding in result.findings:
        has_reference = any(e.source == "reference" for e in finding.evidence)
        if finding.status is Status.FAIL and budget > 0 and not has_reference:
            target = _counterpart_span(comparison, finding.evidence)
            chosen = _as_reference(_best(candidates, finding, target))
            finding = replace(finding, evidence=(*finding.evidence, chosen))
            budget -= 1
        findings.append(finding)
    return replace(result, findings=tuple(findings))


def with_reference_evidence(
    criteria: tuple[CriterionResult, ...],
    reference_criteria: tuple[CriterionResult, ...],
    comparison: Comparison | None = None,
) -> tuple[CriterionResult, ...]:
    """``criteria`` with the ideal's evidence added to failing findings of criteria the
    ideal passes (wholly or in part). ``reference_criteria`` are the same rubric's results on
    the reference itself; ``comparison`` (a ``Comparison``) picks the matching place."""
    by_id = {c.criterion_id: c for c in reference_criteria}
    out = []
    for result in criteria:
        reference = by_id.get(result.criterion_id)
        if (
            result.status in (CriterionStatus.FAIL, CriterionStatus.PARTIAL)
            and reference is not None
            and reference.status in (CriterionStatus.PASS, CriterionStatus.PARTIAL)
        ):
            candidates = _passing_evidence(reference)
            if candidates:
                result = _annotate(result, candidates, comparison)
        out.append(result)
    return tuple(out)
