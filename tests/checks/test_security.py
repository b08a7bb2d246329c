"""S3, RDS, EBS and network checks against their pass_/fail_ fixtures (exact subject sets)."""

from __future__ import annotations

import pytest

from harness.checks.registry import get_check
from harness.checks.types import Status
from tests.checks.fixtures import FIXTURES, context_for, subjects
from tests.checks.fixtures import run_fixture as run

S3_SSE = "security.s3_encryption"
S3_PAB = "security.s3_public_access_block"
S3_VER = "security.s3_versioning"
RDS_ENC = "security.rds_encrypted"
RDS_PUB = "security.rds_not_public"
EBS = "security.ebs_encrypted"
INGRESS = "security.db_ingress_restricted"
ADMIN = "security.admin_ingress_restricted"

CASES = [
    (
        S3_SSE,
        "pass_encrypted.tf",
        {
            "aws_s3_bucket.pass_modern",
            "aws_s3_bucket.pass_legacy_inline",
            "aws_s3_bucket.pass_by_name",
        },
        set(),
    ),
    (
        S3_SSE,
        "fail_unencrypted.tf",
        {"aws_s3_bucket.pass_target"},
        {"aws_s3_bucket.fail_other_bucket", "aws_s3_bucket.fail_no_algorithm"},
    ),
    (S3_SSE, "pass_through_module", {"module.storage.aws_s3_bucket.pass_bucket"}, set()),
    (
        S3_PAB,
        "pass_blocked.tf",
        {"aws_s3_bucket.pass_literal_flags", "aws_s3_bucket.pass_variable_flags"},
        set(),
    ),
    (S3_PAB, "pass_account_level.tf", {"aws_s3_bucket.pass_covered_by_account"}, set()),
    (
        S3_PAB,
        "fail_open.tf",
        set(),
        {"aws_s3_bucket.fail_partial", "aws_s3_bucket.fail_one_false", "aws_s3_bucket.fail_none"},
    ),
    (
        S3_VER,
        "pass_versioned.tf",
        {"aws_s3_bucket.pass_enabled", "aws_s3_bucket.pass_legacy"},
        set(),
    ),
    (
        S3_VER,
        "fail_unversioned.tf",
        set(),
        {
            "aws_s3_bucket.fail_suspended",
            "aws_s3_bucket.fail_none",
            "aws_s3_bucket.fail_legacy_disabled",
        },
    ),
    (
        RDS_ENC,
        "pass_encrypted.tf",
        {
            "aws_db_instance.pass_literal",
            "aws_db_instance.pass_variable",
            "aws_rds_cluster.pass_cluster",
            "aws_db_instance.pass_replica",
        },
        set(),
    ),
    (
        RDS_ENC,
        "fail_unencrypted.tf",
        set(),
        {
            "aws_db_instance.fail_missing",
            "aws_db_instance.fail_false",
            "aws_rds_cluster.fail_variable_false",
        },
    ),
    (RDS_ENC, "fail_module_input", set(), {"module.db.aws_db_instance.fail_this"}),
    (
        RDS_PUB,
        "pass_private.tf",
        {
            "aws_db_instance.pass_default",
            "aws_db_instance.pass_false",
            "aws_rds_cluster_instance.pass_cluster_member",
        },
        set(),
    ),
    (
        RDS_PUB,
        "fail_public.tf",
        set(),
        {
            "aws_db_instance.fail_true",
            "aws_db_instance.fail_variable",
            "aws_db_instance.fail_sometimes",
        },
    ),
    (
        EBS,
        "pass_encrypted.tf",
        {
            "aws_instance.pass_root_and_data",
            "aws_ebs_volume.pass_volume",
            "aws_launch_template.pass_template",
        },
        set(),
    ),
    (EBS, "pass_account_default.tf", {"aws_instance.pass_plain"}, set()),
    (
        EBS,
        "fail_unencrypted.tf",
        set(),
        {
            "aws_instance.fail_no_root_block",
            "aws_instance.fail_data_volume",
            "aws_ebs_volume.fail_volume",
            "aws_launch_template.fail_no_mappings",
        },
    ),
    (
        INGRESS,
        "pass_restricted.tf",
        {
            "aws_security_group.pass_from_group",
            "aws_security_group.pass_vpc_cidr",
            "aws_security_group.pass_inside_vpc",
            "aws_security_group_rule.pass_rule_from_group",
            "aws_vpc_security_group_ingress_rule.pass_vpc_rule",
        },
        set(),
    ),
    (
        INGRESS,
        "fail_open.tf",
        {"aws_security_group.pass_private"},
        {
            "aws_security_group.fail_open_literal",
            "aws_security_group.fail_variable_default",
            "aws_security_group.fail_ipv6",
            "aws_security_group.fail_public_range",
            "aws_security_group.fail_all_traffic",
            "aws_security_group_rule.fail_port_range",
            "aws_vpc_security_group_ingress_rule.fail_vpc_rule",
        },
    ),
    (INGRESS, "fail_module_argument", set(), {"module.db.aws_security_group.fail_db"}),
    (
        ADMIN,
        "pass_restricted.tf",
        {
            "aws_security_group.pass_bastion_office",
            "aws_security_group.pass_from_bastion",
            "aws_security_group_rule.pass_rdp_inside_vpc",
        },
        set(),
    ),
    (
        ADMIN,
        "fail_open.tf",
        set(),
        {
            "aws_security_group.fail_ssh_world",
            "aws_security_group_rule.fail_rdp_variable",
            "aws_vpc_security_group_ingress_rule.fail_all_traffic_ipv6",
        },
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
    ("check_id", "fixture"),
    [(S3_SSE, "na_no_bucket.tf"), (S3_PAB, "na_no_bucket.tf"), (S3_VER, "na_no_bucket.tf")],
)
def test_no_bucket_is_na_not_pass(check_id: str, fixture: str) -> None:
    path = FIXTURES / S3_SSE / fixture  # one bucket-less tree serves the three S3 checks
    spec = get_check(check_id)
    findings = list(spec.func(context_for(path), spec.parse_params({})))
    assert [f.status for f in findings] == [Status.NA]


def test_sse_for_another_bucket_is_not_credited() -> None:
    findings = run(S3_SSE, "fail_unencrypted.tf")
    other = next(f for f in findings if f.subject == "aws_s3_bucket.fail_other_bucket")
    assert other.message == "no server-side encryption configuration linked to this bucket"


def test_public_access_block_names_missing_flags() -> None:
    findings = run(S3_PAB, "fail_open.tf")
    partial = next(f for f in findings if f.subject == "aws_s3_bucket.fail_partial")
    assert "ignore_public_acls, restrict_public_buckets" in partial.message


def test_module_input_overrides_the_default() -> None:
    (finding,) = run(RDS_ENC, "fail_module_input")
    assert finding.message == "storage_encrypted = var.encrypt (resolves to false)"


def test_ingress_from_variable_default_shows_the_variable() -> None:
    findings = run(INGRESS, "fail_open.tf")
    finding = next(f for f in findings if f.subject == "aws_security_group.fail_variable_default")
    assert "0.0.0.0/0" in finding.message
    locations = [e.location() for e in finding.evidence]
    assert locations == ["main.tf:26", "main.tf:1-5"]  # the cidr_blocks line, then the variable


def test_ingress_open_through_a_module_argument() -> None:
    (finding,) = run(INGRESS, "fail_module_argument")
    assert "via main.tf:3" in finding.message


def test_unresolvable_ingress_is_na() -> None:
    findings = run(INGRESS, "na_unresolved.tf")
    assert [(f.status, f.subject) for f in findings] == [(Status.NA, "aws_security_group.db")]


def test_private_ranges_can_be_refused() -> None:
    findings = run(INGRESS, "fail_open.tf", allow_private_ranges=False)
    assert "aws_security_group.pass_private" in subjects(findings, Status.FAIL)


def test_ports_param() -> None:
    findings = run(INGRESS, "pass_restricted.tf", ports=[443])
    assert subjects(findings, Status.FAIL) == {"aws_security_group.app"}


def test_an_administration_port_from_a_named_public_range_passes_unless_refused() -> None:
    """An office's public range may reach SSH (it names who connects); a rubric can refuse
    it. Other ports are not this check's."""
    office = "aws_security_group.pass_bastion_office"
    assert office in subjects(run(ADMIN, "pass_restricted.tf"), Status.PASS)
    refused = run(ADMIN, "pass_restricted.tf", allow_public_ranges=False)
    assert subjects(refused, Status.FAIL) == {office}
    (closed,) = run(ADMIN, "pass_restricted.tf", ports=[5432])
    assert closed.status is Status.PASS and "no ingress rule" in closed.message
    assert [e.location() for e in closed.evidence][:1] == ["main.tf:11-21"]  # the groups


def test_no_security_group_at_all_is_na_for_administration_ports() -> None:
    """Nothing to judge: a response with no security group keeps its na (and the task's
    reference never turns it into a failure: nothing open is no gap)."""
    spec = get_check(ADMIN)
    ctx = context_for(FIXTURES / "security.s3_encryption" / "pass_encrypted.tf")
    (finding,) = spec.func(ctx, spec.parse_params({}))
    assert finding.status is Status.NA
