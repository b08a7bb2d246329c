"""The AWS catalog (harness/checks/common/catalog.py) drives the coverage checks' defaults, and
a rubric overrides it per criterion."""

from __future__ import annotations

from harness.checks.common.catalog import DATA_STORE_PORTS, REPLACE_PRONE_TYPES, UNIQUE_NAME_TYPES
from harness.checks.lifecycle.checks import CreateBeforeDestroyParams
from harness.checks.naming.checks import SuffixAppliedParams
from harness.checks.registry import get_check, run_check
from harness.checks.security.db_ingress import DbIngressParams
from harness.checks.types import CheckContext
from harness.extract import extract
from harness.terraform import build
from harness.vocabulary import Status


def _run(check_id: str, hcl: str, params: dict[str, object] | None = None) -> list[Status]:
    tree = extract(f"```hcl\n# main.tf\n{hcl}\n```\n")
    spec = get_check(check_id)
    ctx = CheckContext("t", "r", tree, build(tree))
    return [f.status for f in run_check(spec, ctx, spec.parse_params(params))]


def test_the_tables_name_the_classes_the_issue_lists() -> None:
    for resource_type in (
        "aws_kms_alias", "aws_cloudwatch_log_group", "aws_secretsmanager_secret",
        "aws_dynamodb_table", "aws_eks_cluster", "aws_iam_policy", "aws_route53_record",
    ):  # fmt: skip
        assert resource_type in UNIQUE_NAME_TYPES
        assert UNIQUE_NAME_TYPES[resource_type][0]  # the full-name argument comes first
    assert "aws_launch_template" in REPLACE_PRONE_TYPES
    assert {6379, 11211, 3306, 5432} <= set(DATA_STORE_PORTS)


def test_check_defaults_come_from_the_tables() -> None:
    assert SuffixAppliedParams().types == list(UNIQUE_NAME_TYPES)
    assert CreateBeforeDestroyParams().types == list(REPLACE_PRONE_TYPES)
    assert DbIngressParams().ports == list(DATA_STORE_PORTS)


def test_a_fixed_key_alias_fails_naming() -> None:
    hcl = 'resource "aws_kms_alias" "a" {\n  name = "alias/app"\n  target_key_id = "k"\n}'
    assert _run("naming.suffix_applied", hcl) == [Status.FAIL]
    assert _run("naming.suffix_applied", hcl, {"types": ["aws_iam_role"]}) == [Status.NA]


def test_redis_open_to_the_world_fails_and_a_rubric_can_narrow_the_ports() -> None:
    hcl = (
        'resource "aws_security_group" "cache" {\n  ingress {\n    from_port = 6379\n'
        '    to_port = 6379\n    protocol = "tcp"\n    cidr_blocks = ["0.0.0.0/0"]\n  }\n}'
    )
    assert _run("security.db_ingress_restricted", hcl) == [Status.FAIL]
    assert _run("security.db_ingress_restricted", hcl, {"ports": [5432]}) == [Status.NA]


def test_a_launch_template_without_create_before_destroy_fails() -> None:
    hcl = 'resource "aws_launch_template" "app" {\n  name_prefix = "app-"\n}'
    assert _run("lifecycle.create_before_destroy", hcl) == [Status.FAIL]
