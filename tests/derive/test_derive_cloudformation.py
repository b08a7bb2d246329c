"""`derive` on a CloudFormation reference (the bundled CloudFormation sample's ideal): the draft
reads the template's types, names, tags, outputs, alarms and deletion policies, the ideal
scores 100 against it and the faulty responses rank below it."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from harness.derive.draft import ReferenceInput, derive, load_reference, verify, write
from harness.rubric import Rubric, load_rubric
from harness.run import grade
from tests.conftest import CFN_SAMPLE_TASK


@pytest.fixture(scope="module")
def reference() -> ReferenceInput:
    return load_reference(CFN_SAMPLE_TASK)


@pytest.fixture(scope="module")
def derived(reference: ReferenceInput, tmp_path_factory: pytest.TempPathFactory) -> Rubric:
    path = write(derive(reference), tmp_path_factory.mktemp("derived") / "orders-cfn.yaml")
    _, problems = verify(path, reference)
    assert problems == []
    return load_rubric(path)


def _params(rubric: Rubric, criterion_id: str) -> dict[str, Any]:
    criterion = next(c for c in rubric.criteria if c.id == criterion_id)
    return dict(criterion.raw_params)


def test_the_draft_reads_the_template(derived: Rubric) -> None:
    resources = _params(derived, "complete.required_resources")["resources"]
    assert resources["AWS::EC2::Subnet"] == 6 and resources["AWS::CloudWatch::Alarm"] == 4
    assert {"AWS::IAM::Role", "AWS::SNS::Topic", "AWS::SSM::Parameter"} <= set(
        _params(derived, "naming.suffix_applied")["types"]
    )
    assert _params(derived, "tagging.required_keys")["keys"] == [
        "CostCenter",
        "Environment",
        "ManagedBy",
        "Owner",
        "Project",
    ]
    assert _params(derived, "reliability.outputs")["min_outputs"] == 6
    assert "AWS/RDS:FreeStorageSpace" in _params(derived, "monitoring.alarms")["metrics"]
    assert _params(derived, "lifecycle.deletion_policy")["types"] == [
        "AWS::RDS::DBInstance",
        "AWS::S3::Bucket",
    ]


def test_the_ideal_scores_100_and_the_responses_less(derived: Rubric) -> None:
    ideal = CFN_SAMPLE_TASK / "IDEAL_RESPONSE.md"
    scores = {}
    for name in ("IDEAL_RESPONSE", "MODEL_RESPONSE", "MODEL_RESPONSE2", "MODEL_RESPONSE3"):
        result = grade(CFN_SAMPLE_TASK / f"{name}.md", derived, reference=ideal)
        scores[name] = result.overall
    assert scores["IDEAL_RESPONSE"] == 100.0
    assert scores["IDEAL_RESPONSE"] > scores["MODEL_RESPONSE"] > scores["MODEL_RESPONSE2"]
    assert scores["MODEL_RESPONSE2"] > scores["MODEL_RESPONSE3"]


def test_the_cli_derives_from_a_task_folder(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    out = tmp_path / "rubric.yaml"
    result = CliRunner().invoke(app, ["derive", str(CFN_SAMPLE_TASK), "--out", str(out)])
    assert result.exit_code == 0, result.output
    assert "lifecycle.deletion_policy" in out.read_text(encoding="utf-8")
    assert "CloudFormation templates" in out.read_text(encoding="utf-8")


def test_a_template_extends_the_rubric_written_for_templates(reference: ReferenceInput) -> None:
    assert derive(reference).base == "cloudformation-aws-production"
    assert derive(reference, base="terraform-aws-production").base == "terraform-aws-production"
