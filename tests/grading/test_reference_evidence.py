"""The ideal's evidence next to a failing response: same subject first, else same type."""

from __future__ import annotations

from harness.checks.types import Evidence, Finding, Status
from harness.grading.reference_evidence import MAX_ANNOTATED, with_reference_evidence
from harness.results import CriterionResult, CriterionStatus
from harness.run import grade
from tests.conftest import SAMPLE_REFERENCE, SAMPLE_TASK


def _evidence(path: str, line: int) -> Evidence:
    return Evidence(path, line, line, line + 3, f"line {line}")


def _criterion(status: CriterionStatus, *findings: Finding) -> CriterionResult:
    return CriterionResult("lifecycle.ssm_overwrite", "lifecycle.ssm_overwrite", "lifecycle",
                           status, None, 1.0, "", findings)  # fmt: skip


REFERENCE = _criterion(
    CriterionStatus.PASS,
    Finding(Status.PASS, "ok", (_evidence("modules/db/main.tf", 10),), "aws_ssm_parameter.db"),
    Finding(Status.PASS, "ok", (_evidence("modules/app/main.tf", 20),), "aws_ssm_parameter.app"),
)


def test_failing_findings_get_the_ideal_evidence_for_the_same_subject() -> None:
    response = _criterion(
        CriterionStatus.PARTIAL,
        Finding(Status.FAIL, "no overwrite", (_evidence("main.tf", 3),), "aws_ssm_parameter.app"),
        Finding(Status.PASS, "ok", (_evidence("main.tf", 9),), "aws_ssm_parameter.db"),
    )
    (annotated,) = with_reference_evidence((response,), (REFERENCE,))
    failing, passing = annotated.findings
    assert [e.source for e in failing.evidence] == ["response", "reference"]
    assert failing.evidence[1].note == "the ideal does it here: modules/app/main.tf:20"
    assert passing.evidence == response.findings[1].evidence


def test_same_type_when_no_subject_matches_and_nothing_when_the_ideal_fails_too() -> None:
    response = _criterion(
        CriterionStatus.FAIL,
        *(
            Finding(Status.FAIL, "x", (_evidence("main.tf", n),), f"aws_ssm_parameter.p{n}")
            for n in range(MAX_ANNOTATED + 2)
        ),
    )
    (annotated,) = with_reference_evidence((response,), (REFERENCE,))
    counts = [sum(e.source == "reference" for e in f.evidence) for f in annotated.findings]
    assert counts == [1] * MAX_ANNOTATED + [0, 0]
    ideal_fails = _criterion(CriterionStatus.FAIL, *REFERENCE.findings)
    assert with_reference_evidence((response,), (ideal_fails,)) == (response,)


def test_sample_response_shows_where_the_ideal_sets_overwrite() -> None:
    result = grade(SAMPLE_TASK / "MODEL_RESPONSE3.md", "aws-prod-stack", reference=SAMPLE_REFERENCE)
    overwrite = next(c for c in result.criteria if c.criterion_id == "lifecycle.ssm_overwrite")
    notes = [e.note for f in overwrite.findings for e in f.evidence if e.source == "reference"]
    assert notes and all(n.startswith("the ideal does it here: modules/") for n in notes)
