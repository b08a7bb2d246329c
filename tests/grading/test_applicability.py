"""Applicability from the task: an na where the task's reference has something to judge is a
failure that names the reference's place; checks of the response's own text keep their na."""

from __future__ import annotations

from pathlib import Path

import harness
from harness.grading.applicability import applicable_from_task
from harness.results import CriterionResult, ResponseResult
from harness.run.pipeline import Clock, evaluate_reference, grade_tree, reference_from
from harness.vocabulary import CriterionStatus, Evidence, Finding, Status

REFERENCE = """\
# Stack

```hcl
# main.tf
resource "aws_db_instance" "db" {
  identifier        = "orders"
  storage_encrypted = true
  password          = random_password.db.result
}

resource "random_password" "db" {
  length = 24
}

resource "aws_cloudwatch_metric_alarm" "cpu" {
  alarm_name  = "db-cpu"
  metric_name = "CPUUtilization"
  namespace   = "AWS/RDS"
  dimensions  = { DBInstanceIdentifier = aws_db_instance.db.identifier }
}
```
"""

FRAGMENT = """\
# A fragment

```hcl
# main.tf
resource "aws_s3_bucket" "logs" {
  bucket_prefix = "logs"
}
```
"""


def _by_id(result: ResponseResult) -> dict[str, CriterionResult]:
    return {c.criterion_id: c for c in result.criteria}


def test_a_fragment_fails_what_the_task_calls_for_with_the_reference_place() -> None:
    reference = harness.extract(REFERENCE)
    graded = harness.grade(
        harness.extract(FRAGMENT), "terraform-aws-production", reference=reference
    )
    criteria = _by_id(graded)
    rds = criteria["security.rds_encrypted"]
    assert rds.status is CriterionStatus.FAIL
    assert (
        "the task calls for it" in rds.message and "aws_db_instance.db at main.tf:4" in rds.message
    )  # storage_encrypted
    (first, *_) = rds.findings
    assert first.status is Status.FAIL
    assert [e.source for e in first.evidence] == ["reference"]
    assert first.evidence[0].path == "main.tf" and first.evidence[0].start_line is not None
    assert criteria["monitoring.alarms"].status is CriterionStatus.FAIL


def test_without_a_reference_na_stays_na() -> None:
    criteria = _by_id(harness.grade(harness.extract(FRAGMENT), "terraform-aws-production"))
    assert criteria["security.rds_encrypted"].status is CriterionStatus.NA
    assert criteria["monitoring.alarms"].status is CriterionStatus.NA


def test_what_neither_the_response_nor_the_task_has_stays_na() -> None:
    reference = harness.extract(REFERENCE)
    criteria = _by_id(
        harness.grade(harness.extract(FRAGMENT), "terraform-aws-production", reference=reference)
    )
    assert criteria["lifecycle.ssm_overwrite"].status is CriterionStatus.NA  # no SSM anywhere


def test_the_response_s_own_text_keeps_its_na() -> None:
    """complete.promised_files judges the response's own drawing: the reference's drawing does
    not make a response without one fail."""
    ref = CriterionResult(
        "complete.promised_files", "complete.promised_files", "completeness",
        CriterionStatus.PASS, 1.0, 1.0, "ok",
        (Finding(Status.PASS, "ok", (Evidence("main.tf", 1, 1, 3, "x"),), "main.tf"),),
    )  # fmt: skip
    mine = CriterionResult(
        "complete.promised_files", "complete.promised_files", "completeness",
        CriterionStatus.NA, None, 1.0, "no directory drawing",
        (Finding(Status.NA, "no directory drawing", (), ""),),
    )  # fmt: skip
    assert applicable_from_task([mine], [ref]) == (mine,)
    alarms_ref = CriterionResult(
        "monitoring.alarms", "monitoring.alarms", "monitoring", CriterionStatus.PASS, 1.0, 1.0,
        "ok", (Finding(Status.PASS, "ok", (Evidence("m.tf", 4, 9, 12, "x"),), "alarm"),),
    )  # fmt: skip
    alarms = CriterionResult(
        "monitoring.alarms", "monitoring.alarms", "monitoring", CriterionStatus.NA, None, 1.0,
        "no CloudWatch alarm", (Finding(Status.NA, "no CloudWatch alarm", (), ""),),
    )  # fmt: skip
    (failed,) = applicable_from_task([alarms], [alarms_ref])
    assert failed.status is CriterionStatus.FAIL and failed.score == 0.0
    assert "alarm at m.tf:4-9" in failed.message and "no CloudWatch alarm" in failed.message


def test_the_ideal_graded_as_itself_is_untouched() -> None:
    reference = harness.extract(REFERENCE)
    ideal = harness.grade(reference, "terraform-aws-production", reference=reference, is_ideal=True)
    assert all("the task calls for it" not in c.message for c in ideal.criteria)


SUPPLYING_PROMPT = (  # asks for no service the reader knows: the waiver alone
    "Create a single Terraform file named tap_stack.tf with all variables, locals, resources "
    "and outputs (no provider block, no module references).\n"
)
REFERENCE_WITH_SETUP = """\
# Stack

```hcl
# provider.tf
terraform {
  required_version = ">= 1.5"
  required_providers {
    aws = { source = "hashicorp/aws", version = "~> 5.0" }
  }
  backend "s3" {
    bucket       = "state"
    key          = "stack.tfstate"
    region       = "us-east-1"
    use_lockfile = true
  }
}
```

```hcl
# tap_stack.tf
resource "aws_s3_bucket" "logs" {
  bucket_prefix = "logs"
}
```
"""


def test_what_the_prompt_says_the_task_supplies_is_not_owed(tmp_path: Path) -> None:
    """Told to write no provider block, a response without backend or version pins is na on
    both, though the ideal shows the task's provider.tf, and so is one that shows the setup;
    a prompt that says nothing keeps the reference's rule (the response fails both)."""
    prompt = tmp_path / "PROMPT.md"
    prompt.write_text(SUPPLYING_PROMPT)
    reference = harness.extract(REFERENCE_WITH_SETUP)
    told = _by_id(
        harness.grade(
            harness.extract(FRAGMENT), "terraform-aws-production", reference=reference,
            prompt=prompt,
        )
    )  # fmt: skip
    for criterion in ("reliability.backend", "reliability.version_pins"):
        assert told[criterion].status is CriterionStatus.NA, told[criterion].message
        assert (
            "the task supplies the provider configuration (PROMPT.md:1" in told[criterion].message
        )
    # the same for a response that writes the setup anyway (the ideal showing the task's own
    # provider.tf): the task does not ask for it
    shown = _by_id(
        harness.grade(reference, "terraform-aws-production", reference=reference, prompt=prompt)
    )
    assert shown["reliability.backend"].status is CriterionStatus.NA
    assert shown["reliability.version_pins"].status is CriterionStatus.NA
    silent = tmp_path / "other" / "PROMPT.md"
    silent.parent.mkdir()
    silent.write_text("Create an S3 bucket for logs.\n")
    untold = _by_id(
        harness.grade(
            harness.extract(FRAGMENT), "terraform-aws-production", reference=reference,
            prompt=silent,
        )
    )  # fmt: skip
    assert untold["reliability.backend"].status is CriterionStatus.FAIL
    assert untold["reliability.version_pins"].status is CriterionStatus.FAIL


def test_the_ideal_takes_the_reference_s_own_results_where_no_check_reads_the_reference() -> None:
    """grade_tree reuses ``reference_criteria`` for the ideal graded on the reference's own
    tree (engine.evaluate's ``known``): the same results as running every check again."""
    rubric = harness.load_rubric("terraform-aws-production")
    reference = reference_from(harness.extract(REFERENCE))
    known = evaluate_reference(rubric, reference, "t")

    def graded(given: tuple[CriterionResult, ...] | None) -> ResponseResult:
        return grade_tree(
            reference.tree, rubric, Clock(), task_id="t", response_id="IDEAL_RESPONSE",
            source="", reference=reference, is_ideal=True, reference_criteria=given,
        )  # fmt: skip

    assert graded(known).criteria == graded(None).criteria


def test_no_administration_port_open_is_no_gap_whatever_the_reference_opens() -> None:
    """The reference reaches its instances over SSH from an office range; a response that
    opens no administration port (SSM) has nothing exposed: its na stands."""
    bastion = REFERENCE.replace(
        "```\n",
        'resource "aws_security_group" "bastion" {\n  name_prefix = "bastion-"\n'
        '  ingress {\n    from_port   = 22\n    to_port     = 22\n    protocol    = "tcp"\n'
        '    cidr_blocks = ["203.0.113.0/24"]\n  }\n}\n```\n',
        1,
    )
    reference = harness.extract(bastion)
    on_its_own = _by_id(harness.grade(reference, "terraform-aws-production"))
    assert on_its_own["security.admin_ingress_restricted"].status is CriterionStatus.PASS
    criteria = _by_id(
        harness.grade(harness.extract(FRAGMENT), "terraform-aws-production", reference=reference)
    )
    admin = criteria["security.admin_ingress_restricted"]
    assert admin.status is CriterionStatus.NA, admin.message
    assert criteria["security.rds_encrypted"].status is CriterionStatus.FAIL  # still a gap
