"""Naming checks against their pass_/fail_ fixtures: exact sets of passing and failing
subjects (checkov style), plus the evidence a reviewer reads."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.types import Status
from tests.checks.fixtures import run_fixture as run
from tests.checks.fixtures import subjects

RANDOM = "naming.random_suffix_resource"
APPLIED = "naming.suffix_applied"

CASES = [
    (
        RANDOM,
        "pass_suffixes.tf",
        {
            "random_id.pass_hex",
            "random_id.pass_from_variable",
            "random_string.pass_lowercase",
            "random_pet.pass_pet",
        },
        set(),
    ),
    (
        RANDOM,
        "fail_weak_suffixes.tf",
        {"random_id.pass_wide"},
        {
            "random_id.fail_two_bytes",
            "random_string.fail_special_default",
            "random_string.fail_too_short",
        },
    ),
    (RANDOM, "fail_no_suffix.tf", set(), {"random suffix"}),
    (
        APPLIED,
        "pass_suffix_forms.tf",
        {
            "aws_iam_role.pass_direct",
            "aws_ssm_parameter.pass_format",
            "aws_cloudwatch_metric_alarm.pass_local_template",
            "aws_sns_topic.pass_prefix",
            "aws_db_subnet_group.pass_generated",
        },
        set(),
    ),
    (
        APPLIED,
        "fail_fixed_names.tf",
        {"aws_sns_topic.pass_suffixed"},
        {
            "aws_iam_role.fail_fixed",
            "aws_ssm_parameter.fail_environment_only",
            "aws_cloudwatch_metric_alarm.fail_alarm",
        },
    ),
    (APPLIED, "pass_environment_suffix.tf", {"aws_iam_role.pass_deploy_suffix"}, set()),
    (APPLIED, "pass_module_two_levels", {"module.app.module.iam.aws_iam_role.pass_role"}, set()),
    (APPLIED, "fail_module_not_passed", set(), {"module.iam.aws_iam_role.fail_role"}),
]


@pytest.mark.parametrize(("check_id", "fixture", "passing", "failing"), CASES)
def test_fixture_subjects(
    check_id: str, fixture: str, passing: set[str], failing: set[str]
) -> None:
    findings = run(check_id, fixture)
    assert subjects(findings, Status.PASS) == passing
    assert subjects(findings, Status.FAIL) == failing


def test_two_byte_random_id_message_counts_values() -> None:
    finding = next(
        f for f in run(RANDOM, "fail_weak_suffixes.tf") if f.subject == "random_id.fail_two_bytes"
    )
    assert "65,536" in finding.message
    assert finding.evidence[0].snippet.strip() == "byte_length = 2"


def test_no_resources_is_na() -> None:
    findings = run(RANDOM, "na_no_resources.tf")
    assert [f.status for f in findings] == [Status.NA]


def test_suffix_through_two_module_levels_names_the_hops() -> None:
    (finding,) = run(APPLIED, "pass_module_two_levels")
    assert finding.message == (
        "name includes random_id.suffix.hex (passed as var.suffix from modules/app/main.tf:7, "
        "as var.name_suffix from main.tf:7)"
    )
    locations = [e.location() for e in finding.evidence]
    # the name attribute, the two module arguments that carried it, the random_id itself
    assert locations == [
        "modules/iam/main.tf:6",
        "modules/app/main.tf:7",
        "main.tf:7",
        "main.tf:1-3",
    ]


def test_suffix_via_local_template_names_the_locals() -> None:
    findings = run(APPLIED, "pass_suffix_forms.tf")
    alarm = next(f for f in findings if f.subject.endswith("pass_local_template"))
    assert "via local.alarm_name (main.tf:12), via local.suffix (main.tf:11)" in alarm.message


def test_suffix_variables_param_can_demand_random() -> None:
    findings = run(APPLIED, "pass_environment_suffix.tf", suffix_variables=[])
    assert subjects(findings, Status.FAIL) == {"aws_iam_role.pass_deploy_suffix"}


def test_types_param_widens_the_subjects() -> None:
    findings = run(APPLIED, "fail_fixed_names.tf", types=["aws_security_group"])
    assert subjects(findings, Status.FAIL) == {"aws_security_group.web"}


def test_min_bytes_param() -> None:
    findings = run(RANDOM, "pass_suffixes.tf", min_bytes=5)
    assert "random_id.pass_hex" in subjects(findings, Status.FAIL)


@pytest.mark.parametrize(
    ("kind", "attribute"),
    [
        ("aws_rds_cluster_instance", "identifier"),
        ("aws_docdb_cluster", "cluster_identifier"),
        ("aws_docdb_cluster_instance", "identifier"),
        ("aws_neptune_cluster", "cluster_identifier"),
        ("aws_neptune_cluster_instance", "identifier"),
    ],
)
def test_cluster_and_instance_identifiers_are_account_unique(kind: str, attribute: str) -> None:
    """A database cluster's or instance's identifier is unique in the account and region, so
    a fixed one collides on a second deploy; left out, the provider generates a unique one."""
    from harness.checks.registry import get_check
    from harness.checks.types import CheckContext
    from harness.terraform import build
    from tests.terraform.helpers import tree_of

    def findings(check_id: str, body: str) -> list[Status]:
        tree = tree_of({"main.tf": f'resource "{kind}" "db" {{\n{body}}}\n'})
        spec = get_check(check_id)
        ctx = CheckContext("t", "r", tree, build(tree))
        return [f.status for f in spec.func(ctx, spec.parse_params({}))]

    assert findings(RANDOM, f'  {attribute} = "orders-db"\n') == [Status.FAIL]
    assert findings(APPLIED, f'  {attribute} = "orders-db"\n') == [Status.FAIL]
    assert findings(APPLIED, '  engine = "aurora"\n') == [Status.PASS]  # generated name


def test_a_prompt_that_asks_for_fixed_names_waives_both_checks(tmp_path: Path) -> None:
    from harness.checks.registry import get_check
    from harness.checks.types import CheckContext
    from harness.prompt import read_prompts
    from harness.terraform import build
    from tests.terraform.helpers import tree_of

    prompt = tmp_path / "PROMPT.md"
    prompt.write_text("Create an IAM role. Dont use random id's, use prefix 4711 for names.\n")
    tree = tree_of({"main.tf": 'resource "aws_iam_role" "app" {\n  name = "4711-app"\n}\n'})
    for check_id in (RANDOM, APPLIED):
        spec = get_check(check_id)
        waived = CheckContext("t", "r", tree, build(tree), prompt=read_prompts([prompt]))
        (finding,) = spec.func(waived, spec.parse_params({}))
        assert finding.status is Status.NA
        assert "names without random suffixes (PROMPT.md:1" in finding.message
        plain = CheckContext("t", "r", tree, build(tree))
        assert [f.status for f in spec.func(plain, spec.parse_params({}))] == [Status.FAIL]
