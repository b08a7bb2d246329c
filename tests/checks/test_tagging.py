"""tagging.* checks on their fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks.common.aws import TAGGABLE_AWS_TYPES
from harness.checks.registry import get_check
from harness.checks.types import Finding, Status
from tests.checks.fixtures import FIXTURES, context_for, subjects


def run(check_id: str, fixture: str, **params: Any) -> list[Finding]:
    spec = get_check(check_id)
    findings = list(
        spec.func(context_for(FIXTURES / check_id / fixture), spec.parse_params(params))
    )
    assert all(f.status is not Status.ERROR for f in findings)
    return findings


@pytest.mark.parametrize(
    ("fixture", "status", "words"),
    [
        ("pass_provider_default_tags.tf", Status.PASS, "Environment, ManagedBy, Project"),
        ("pass_every_resource_tagged.tf", Status.PASS, "3 of 3 taggable"),
        ("fail_mostly_untagged.tf", Status.FAIL, "aws_subnet.a, aws_security_group.web"),
        ("fail_empty_default_tags.tf", Status.FAIL, "default_tags map is empty"),
        ("na_nothing_taggable.tf", Status.NA, "no taggable"),
    ],
)
def test_default_tags(fixture: str, status: Status, words: str) -> None:
    findings = run("tagging.default_tags", fixture)
    assert {f.status for f in findings} == {status}
    assert words in findings[0].message
    if status is Status.PASS or status is Status.NA:
        assert len(findings) == 1


def test_default_tags_fails_once_more_per_untagged_resource() -> None:
    summary, *per_resource = run("tagging.default_tags", "fail_mostly_untagged.tf")
    assert summary.subject == "provider.aws"
    named = {f.subject for f in per_resource}
    assert {"aws_subnet.a", "aws_security_group.web"} <= named
    assert all(f.status is Status.FAIL and f.evidence for f in per_resource)


def test_default_tags_threshold_is_a_param() -> None:
    findings = run("tagging.default_tags", "fail_mostly_untagged.tf", min_tagged_fraction=0.3)
    assert [f.status for f in findings] == [Status.PASS]


def test_default_tags_evidence_points_at_the_block() -> None:
    (finding,) = run("tagging.default_tags", "pass_provider_default_tags.tf")
    assert finding.evidence[0].start_line == 10
    assert "default_tags" in finding.evidence[0].snippet


@pytest.mark.parametrize(
    ("fixture", "passing", "failing"),
    [
        ("pass_default_tags.tf", {"Environment", "Project", "Owner"}, set()),
        ("fail_missing_owner.tf", {"Environment", "Project"}, {"Owner"}),
        ("pass_module_tags", {"Environment", "Project", "Owner"}, set()),
        ("fail_module_tags", set(), {"Environment", "Project", "Owner"}),
    ],
)
def test_required_keys(fixture: str, passing: set[str], failing: set[str]) -> None:
    findings = run("tagging.required_keys", fixture)
    assert subjects(findings, Status.PASS) == passing
    assert subjects(findings, Status.FAIL) == failing


def test_required_keys_names_the_untagged_resources() -> None:
    findings = run("tagging.required_keys", "fail_missing_owner.tf")
    owner = next(f for f in findings if f.subject == "Owner")
    assert "1 of 2" in owner.message and "aws_sns_topic.alerts" in owner.message
    assert owner.evidence[0].start_line == 14
    module = run("tagging.required_keys", "fail_module_tags")
    assert "module.network.aws_vpc.main" in module[0].message


def test_required_keys_param_and_aliases() -> None:
    findings = run(
        "tagging.required_keys",
        "pass_default_tags.tf",
        keys=["CostCenter", "owner"],
        aliases={"CostCenter": ["Project"]},
    )
    assert subjects(findings, Status.PASS) == {"CostCenter", "owner"}
    findings = run("tagging.required_keys", "pass_module_tags", keys=["Environment"], aliases={})
    assert subjects(findings, Status.FAIL) == {"Environment"}


def test_required_keys_na() -> None:
    findings = run("tagging.required_keys", "../tagging.default_tags/na_nothing_taggable.tf")
    assert [f.status for f in findings] == [Status.NA]


def test_taggable_list_is_sane() -> None:
    assert {"aws_instance", "aws_s3_bucket", "aws_vpc", "aws_db_instance"} <= TAGGABLE_AWS_TYPES
    not_taggable = {
        "aws_route_table_association",
        "aws_iam_role_policy_attachment",
        "aws_s3_bucket_policy",
        "aws_sns_topic_subscription",
        "aws_security_group_rule",
        "aws_s3_bucket_versioning",
    }
    assert not (not_taggable & TAGGABLE_AWS_TYPES)
    assert all(t.startswith("aws_") for t in TAGGABLE_AWS_TYPES)
