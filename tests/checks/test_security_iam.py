"""security.iam_least_privilege: per-statement findings from jsonencode, heredoc JSON, policy
files and aws_iam_policy_document, with each statement's own span."""

from __future__ import annotations

import fnmatch
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.checks.security import iam
from harness.checks.security.iam import NO_RESOURCE_ACTIONS, is_wildcard_resource, takes_arn
from harness.checks.types import Finding, Status
from tests.checks.fixtures import run_fixture, subjects

IAM = "security.iam_least_privilege"


def run(fixture: str, **params: Any) -> list[Finding]:
    return run_fixture(IAM, fixture, **params)


def test_scoped_policies_pass() -> None:
    findings = run("pass_scoped.tf")
    assert subjects(findings, Status.PASS) == {
        "aws_iam_policy.pass_jsonencode statement ReadWriteObjects",
        "aws_iam_policy.pass_jsonencode statement 2",
        "aws_iam_role_policy.pass_heredoc statement 1",
        "data.aws_iam_policy_document.pass_document statement 1",
        "aws_iam_role_policy_attachment.pass_ssm_core",
    }
    assert subjects(findings, Status.FAIL) == set()  # the Deny and the trust policy are not judged


def test_wildcards_fail() -> None:
    findings = run("fail_wildcards.tf")
    assert subjects(findings, Status.FAIL) == {
        "aws_iam_policy.fail_star_action statement 1",
        "aws_iam_policy.fail_s3_any_object statement 1",
        "aws_iam_role_policy.fail_iam_service statement 1",
        "aws_iam_policy.fail_heredoc statement 2",
        "data.aws_iam_policy_document.fail_document statement Uploads",
        "aws_iam_role_policy_attachment.fail_admin",
        "aws_iam_policy.fail_s3_service_wildcard statement 1",
    }
    assert subjects(findings, Status.PASS) == {"aws_iam_policy.fail_heredoc statement 1"}


def test_service_wildcard_on_scoped_resources() -> None:
    """``s3:*`` on one bucket still grants DeleteBucket/PutBucketPolicy: fail unless the
    rubric tolerates that service, and never tolerated on all resources."""
    subject = "aws_iam_policy.fail_s3_service_wildcard statement 1"
    strict = {f.subject: f for f in run("fail_wildcards.tf")}
    assert strict[subject].status is Status.FAIL
    assert strict[subject].message.startswith("s3:* grants every s3 action")
    tolerant = {f.subject: f for f in run("fail_wildcards.tf", service_wildcards_allowed=["s3"])}
    assert tolerant[subject].status is Status.PASS
    assert tolerant["aws_iam_role_policy.fail_iam_service statement 1"].status is Status.FAIL


def test_policy_file_statements() -> None:
    findings = run("fail_policy_file")
    assert subjects(findings, Status.PASS) == {"aws_iam_policy.fail_from_file statement Describe"}
    (failing,) = [f for f in findings if f.status is Status.FAIL]
    assert failing.subject == "aws_iam_policy.fail_from_file statement AllSecrets"
    assert failing.evidence[0].location() == "policies/app.json:10-15"


def test_each_statement_has_its_own_span() -> None:
    by_subject = {f.subject: f for f in run("fail_wildcards.tf")}
    first = by_subject["aws_iam_policy.fail_heredoc statement 1"].evidence[0]
    second = by_subject["aws_iam_policy.fail_heredoc statement 2"].evidence[0]
    assert (first.start_line, first.end_line) == (45, 49)
    assert (second.start_line, second.end_line) == (50, 54)
    assert '"arn:aws:dynamodb:*:*:table/*"' in second.snippet


def test_resource_star_depends_on_the_action() -> None:
    by_subject = {f.subject: f for f in run("fail_wildcards.tf")}
    s3 = by_subject["aws_iam_policy.fail_s3_any_object statement 1"]
    assert s3.message == 'Resource "*" for s3:GetObject, which can be scoped to ARNs'
    ec2 = by_subject["aws_iam_policy.fail_heredoc statement 1"]
    assert ec2.status is Status.PASS


def test_no_policy_is_na() -> None:
    assert [f.status for f in run("na_no_policy.tf")] == [Status.NA]


def test_extra_no_resource_actions_param() -> None:
    findings = run("fail_policy_file", no_resource_actions=["secretsmanager:GetSecretValue"])
    assert subjects(findings, Status.FAIL) == set()


@pytest.mark.parametrize(
    ("resource", "wildcard"),
    [
        ("*", True),
        ("arn:aws:s3:::*", True),
        ("arn:aws:logs:*:*:*", True),
        ("arn:aws:dynamodb:*:*:table/*", True),
        ("arn:aws:s3:::my-bucket/*", False),
        ("arn:aws:dynamodb:us-east-1:123456789012:table/*", False),
        ("${aws_s3_bucket.data.arn}/*", False),
    ],
)
def test_is_wildcard_resource(resource: str, wildcard: bool) -> None:
    assert is_wildcard_resource(resource) is wildcard


@pytest.mark.parametrize(
    ("action", "scoped"),
    [
        ("ec2:DescribeInstances", False),
        ("ec2:Describe*", False),
        ("s3:ListAllMyBuckets", False),
        ("s3:ListBucket", True),
        ("s3:GetObject", True),
        ("kms:Decrypt", True),
        ("cloudwatch:PutMetricData", False),
        ("unknown:Action", True),
    ],
)
def test_takes_arn(action: str, scoped: bool) -> None:
    assert takes_arn(action, NO_RESOURCE_ACTIONS) is scoped


#: Action pieces: services, verbs and the shell-pattern characters fnmatch reads.
_ACTION_PIECES = (
    "ec2:",
    "s3:",
    "describe",
    "Describe",
    "get",
    "*",
    "?",
    "[",
    "]",
    "!",
    "x",
    ":",
    "-",
)


@settings(max_examples=500, deadline=None)
@given(
    st.lists(st.sampled_from(_ACTION_PIECES), max_size=6).map("".join),
    st.lists(st.lists(st.sampled_from(_ACTION_PIECES), max_size=4).map("".join), max_size=3),
)
def test_takes_arn_answers_as_fnmatch_does(action: str, extra: list[str]) -> None:
    """The joined pattern list matches an action exactly when one of its patterns does."""
    for patterns in ((*iam.NO_RESOURCE_ACTIONS, *extra), tuple(extra), ()):
        lowered = tuple(p.lower() for p in patterns)
        expected = not any(fnmatch.fnmatchcase(action.lower(), p) for p in lowered)
        assert iam.takes_arn(action, lowered) is expected


def test_a_condition_narrows_a_wildcard_resource_only_by_what_it_tests() -> None:
    """``s3:PutObject`` on ``*`` that must set ``s3:x-amz-acl`` still writes to every bucket;
    a tag condition (or one whose keys are not written out) may narrow it."""
    by_subject = {f.subject: f for f in run("fail_conditions.tf")}
    assert {s for s, f in by_subject.items() if f.status is Status.FAIL} == {
        "aws_iam_policy.fail_acl_condition statement 1",
        "aws_iam_role_policy.fail_transport_heredoc statement 1",
        "data.aws_iam_policy_document.fail_mfa_document statement 1",
    }
    acl = by_subject["aws_iam_policy.fail_acl_condition statement 1"]
    assert acl.message == 'Resource "*" for s3:PutObject, which can be scoped to ARNs'
    tagged = by_subject["aws_iam_policy.pass_tag_condition statement 1"]
    assert tagged.status is Status.PASS and tagged.message.endswith("(narrowed by a Condition)")
    assert by_subject["aws_iam_policy.pass_dynamic_condition statement 1"].status is Status.PASS
