"""monitoring.* checks on their fixtures: exact sets of passing, failing and na subjects."""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks.registry import get_check
from harness.checks.types import Finding, Status
from tests.checks.fixtures import FIXTURES, context_for, subjects


def run(check_id: str, fixture: str, **params: Any) -> list[Finding]:
    spec = get_check(check_id)
    findings = list(
        spec.func(context_for(FIXTURES / check_id / fixture), spec.parse_params(params))
    )
    assert all(f.status is not Status.ERROR for f in findings)
    for finding in findings:
        assert finding.message
        if finding.status in (Status.PASS, Status.FAIL):
            assert finding.subject
    return findings


def verdicts(findings: list[Finding]) -> dict[str, set[str]]:
    return {s.value: subjects(findings, s) for s in (Status.PASS, Status.FAIL, Status.NA)}


# --------------------------------------------------------------------------- alarms


@pytest.mark.parametrize(
    ("fixture", "status"),
    [("pass_any_alarm.tf", Status.PASS), ("fail_no_alarm.tf", Status.FAIL)],
)
def test_alarms_without_params(fixture: str, status: Status) -> None:
    findings = run("monitoring.alarms", fixture)
    assert [(f.subject, f.status) for f in findings] == [("alarms", status)]
    assert findings[0].evidence


def test_alarms_message_names_what_is_unwatched() -> None:
    (finding,) = run("monitoring.alarms", "fail_no_alarm.tf")
    assert "aws_instance.web" in finding.message and "aws_db_instance.main" in finding.message
    assert finding.evidence[0].path == "main.tf" and finding.evidence[0].start_line == 1


def test_alarms_na_when_nothing_to_monitor() -> None:
    findings = run("monitoring.alarms", "na_nothing_to_monitor.tf")
    assert [f.status for f in findings] == [Status.NA]


def test_alarms_expected_metrics_through_literals_variables_and_for_each() -> None:
    metrics = ["CPUUtilization", "StatusCheckFailed", "AWS/RDS:FreeStorageSpace", "NetworkIn"]
    findings = run("monitoring.alarms", "pass_metrics.tf", metrics=metrics)
    assert verdicts(findings) == {
        "pass": {"CPUUtilization", "StatusCheckFailed", "AWS/RDS:FreeStorageSpace"},
        "fail": {"NetworkIn"},
        "na": set(),
    }
    failing = next(f for f in findings if f.subject == "NetworkIn")
    assert "CPUUtilization" in failing.message  # says what the alarms watch instead


def test_alarms_metric_namespace_must_match_when_given() -> None:
    findings = run("monitoring.alarms", "pass_metrics.tf", metrics=["AWS/EC2:FreeStorageSpace"])
    assert verdicts(findings)["fail"] == {"AWS/EC2:FreeStorageSpace"}


def test_alarms_expected_metrics_fail_without_any_alarm() -> None:
    findings = run("monitoring.alarms", "fail_no_alarm.tf", metrics=["CPUUtilization"])
    assert verdicts(findings)["fail"] == {"CPUUtilization"}
    assert "no CloudWatch alarm" in findings[0].message


# --------------------------------------------------------------------------- alarm actions


def test_alarm_actions_passing_routes() -> None:
    findings = run("monitoring.alarm_actions", "pass_topics.tf")
    assert verdicts(findings) == {
        "pass": {
            "aws_cloudwatch_metric_alarm.pass_direct",
            "aws_cloudwatch_metric_alarm.pass_local",
            "aws_cloudwatch_metric_alarm.pass_data_source",
            "aws_cloudwatch_metric_alarm.pass_input",
            "aws_cloudwatch_metric_alarm.pass_literal_arn",
            "aws_cloudwatch_composite_alarm.pass_composite",
            "aws_cloudwatch_metric_alarm.pass_registry_module",
            "aws_cloudwatch_metric_alarm.pass_default_arn",
        },
        "fail": set(),
        "na": {"aws_cloudwatch_metric_alarm.na_scaling"},
    }


def test_alarm_actions_scaling_alarms_fail_when_not_exempt() -> None:
    findings = run("monitoring.alarm_actions", "pass_topics.tf", exempt_scaling_alarms=False)
    assert verdicts(findings)["fail"] == {"aws_cloudwatch_metric_alarm.na_scaling"}


def test_alarm_actions_failing_routes() -> None:
    findings = run("monitoring.alarm_actions", "fail_actions.tf")
    assert verdicts(findings) == {
        "pass": {"aws_cloudwatch_metric_alarm.pass_topic"},
        "fail": {
            "aws_cloudwatch_metric_alarm.fail_missing",
            "aws_cloudwatch_metric_alarm.fail_empty",
            "aws_cloudwatch_metric_alarm.fail_not_a_topic",
            "aws_cloudwatch_metric_alarm.fail_anonymous_input",
            "aws_cloudwatch_metric_alarm.fail_hidden_output",
        },
        "na": set(),
    }
    by_subject = {f.subject: f for f in findings}
    assert "aws_iam_role.ops" in by_subject["aws_cloudwatch_metric_alarm.fail_not_a_topic"].message
    assert "no alarm_actions" in by_subject["aws_cloudwatch_metric_alarm.fail_missing"].message
    hidden = by_subject["aws_cloudwatch_metric_alarm.fail_hidden_output"].message
    assert "module.runner.lambda_function_arn (cannot be resolved)" in hidden


def test_alarm_actions_through_module_input() -> None:
    findings = run("monitoring.alarm_actions", "pass_module")
    assert verdicts(findings) == {
        "pass": {"module.monitoring.aws_cloudwatch_metric_alarm.pass_cpu"},
        "fail": set(),
        "na": set(),
    }
    assert "aws_sns_topic.alerts" in findings[0].message
    evidence = findings[0].evidence[0]
    assert evidence.path == "modules/monitoring/main.tf" and evidence.start_line == 8


def test_alarm_actions_module_input_set_to_empty_string() -> None:
    findings = run("monitoring.alarm_actions", "fail_module")
    assert verdicts(findings)["fail"] == {"module.monitoring.aws_cloudwatch_metric_alarm.fail_cpu"}


def test_alarm_actions_na_without_alarms() -> None:
    findings = run("monitoring.alarm_actions", "../monitoring.alarms/na_nothing_to_monitor.tf")
    assert [f.status for f in findings] == [Status.NA]


# --------------------------------------------------------------------------- subscriptions


@pytest.mark.parametrize(
    ("fixture", "passing", "failing"),
    [
        ("pass_subscribed.tf", {"aws_sns_topic.pass_alerts"}, set()),
        ("fail_unsubscribed.tf", {"aws_sns_topic.pass_ops"}, {"aws_sns_topic.fail_alerts"}),
        ("fail_orphan_topic.tf", set(), {"aws_sns_topic.fail_orphan"}),
        ("pass_module", {"module.alerts.aws_sns_topic.pass_topic"}, set()),
    ],
)
def test_sns_subscription(fixture: str, passing: set[str], failing: set[str]) -> None:
    findings = run("monitoring.sns_subscription", fixture)
    assert verdicts(findings) == {"pass": passing, "fail": failing, "na": set()}


def test_sns_subscription_na_without_topics() -> None:
    findings = run("monitoring.sns_subscription", "na_no_topic.tf")
    assert [f.status for f in findings] == [Status.NA]


def test_a_database_cluster_instance_alone_needs_an_alarm() -> None:
    from harness.checks.registry import get_check
    from harness.checks.types import CheckContext
    from harness.terraform import build
    from tests.terraform.helpers import tree_of

    tree = tree_of(
        {"main.tf": 'resource "aws_rds_cluster_instance" "db" {\n  engine = "aurora"\n}\n'}
    )
    spec = get_check("monitoring.alarms")
    (finding,) = spec.func(CheckContext("t", "r", tree, build(tree)), spec.parse_params({}))
    assert finding.status is Status.FAIL
    assert "aws_rds_cluster_instance.db" in finding.message
