"""Lifecycle checks against their pass_/fail_ fixtures (exact subject sets)."""

from __future__ import annotations

import pytest

from harness.checks.types import Status
from tests.checks.fixtures import run_fixture as run
from tests.checks.fixtures import subjects

CBD = "lifecycle.create_before_destroy"
SSM = "lifecycle.ssm_overwrite"


CASES = [
    (
        CBD,
        "pass_create_first.tf",
        {"aws_security_group.pass_sg", "aws_db_subnet_group.pass_subnets"},
        set(),
    ),
    (
        CBD,
        "fail_missing.tf",
        {"aws_security_group.pass_ok"},
        {
            "aws_security_group.fail_no_lifecycle",
            "aws_iam_role.fail_false",
            "aws_db_subnet_group.fail_other_lifecycle",
            "aws_security_group.fail_variable",
        },
    ),
    (
        SSM,
        "pass_overwrite.tf",
        {"aws_ssm_parameter.pass_literal", "aws_ssm_parameter.pass_variable"},
        set(),
    ),
    (
        SSM,
        "fail_overwrite.tf",
        {"aws_ssm_parameter.pass_string_true"},
        {"aws_ssm_parameter.fail_missing", "aws_ssm_parameter.fail_false"},
    ),
]


@pytest.mark.parametrize(("check_id", "fixture", "passing", "failing"), CASES)
def test_fixture_subjects(
    check_id: str, fixture: str, passing: set[str], failing: set[str]
) -> None:
    findings = run(check_id, fixture)
    assert subjects(findings, Status.PASS) == passing
    assert subjects(findings, Status.FAIL) == failing


@pytest.mark.parametrize(
    ("check_id", "fixture"), [(CBD, "na_no_types.tf"), (SSM, "na_no_parameters.tf")]
)
def test_nothing_to_judge_is_na(check_id: str, fixture: str) -> None:
    assert [f.status for f in run(check_id, fixture)] == [Status.NA]


def test_types_param() -> None:
    findings = run(CBD, "pass_create_first.tf", types=["aws_s3_bucket"])
    assert subjects(findings, Status.FAIL) == {"aws_s3_bucket.logs"}


def test_variable_in_lifecycle_is_explained() -> None:
    finding = next(f for f in run(CBD, "fail_missing.tf") if f.subject.endswith("fail_variable"))
    assert "requires a literal" in finding.message


def test_missing_overwrite_points_at_the_resource() -> None:
    finding = next(f for f in run(SSM, "fail_overwrite.tf") if f.subject.endswith("fail_missing"))
    assert finding.evidence[0].location() == "main.tf:1-5"
