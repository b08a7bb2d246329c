"""The bundled CloudFormation sample (responses/orders-cfn-stack): extraction, EXPECTED.yaml
statuses and ranking through `iac-harness score` with no arguments, the CloudFormation-only
lifecycle criterion, and mutations of the ideal caught by the right criterion."""

from __future__ import annotations

import itertools
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

import harness
from harness.cli import app
from harness.extract import extract
from harness.extract.types import Convention, FileTree
from harness.results import CriterionStatus, RunData
from harness.rubric import load_rubric
from tests.conftest import CFN_SAMPLE_TASK, REPO_ROOT

EXPECTED = CFN_SAMPLE_TASK / "EXPECTED.yaml"
IDEAL = CFN_SAMPLE_TASK / "IDEAL_RESPONSE.md"
SAMPLE_RUBRIC = REPO_ROOT / "rubrics" / "aws-prod-stack.yaml"

#: Each response's files: (path, language, kind, naming convention).
FILES: dict[str, list[tuple[str, str, str, Convention]]] = {
    "IDEAL_RESPONSE": [
        ("template.yaml", "yaml", "cloudformation", Convention.HEADING),
        ("tests/test_template_unit.py", "python", "", Convention.HEADING),
        ("tests/test_stack_integration.py", "python", "", Convention.HEADING),
    ],
    "MODEL_RESPONSE": [
        ("template.yaml", "yaml", "cloudformation", Convention.HEADING),
        ("tests/test_template_unit.py", "python", "", Convention.HEADING),
        ("tests/test_stack_integration.py", "python", "", Convention.HEADING),
    ],
    "MODEL_RESPONSE2": [("template.json", "json", "cloudformation", Convention.INFERRED)],
    "MODEL_RESPONSE3": [("template.yaml", "yaml", "cloudformation", Convention.HEADING)],
}


@pytest.fixture(scope="module")
def expected() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))
    return data


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    """Both samples, scored the way a user first meets them: `iac-harness score`."""
    out = tmp_path_factory.mktemp("samples") / "run"
    result = CliRunner().invoke(app, ["score", "--out", str(out), "--no-report", "-q"])
    assert result.exit_code == 0, result.output
    return harness.load_run(out)


@pytest.mark.parametrize("response_id", sorted(FILES))
def test_extraction(response_id: str) -> None:
    tree = extract(CFN_SAMPLE_TASK / f"{response_id}.md")
    got = [(f.path, f.language, f.kind, f.origin.naming.convention) for f in tree.files]
    assert got == FILES[response_id]


def test_expected_states_every_criterion_of_the_rubric(expected: dict[str, Any]) -> None:
    rubric = load_rubric(SAMPLE_RUBRIC)
    assert expected["rubric"] == rubric.id
    assert set(expected["responses"]) == set(FILES)
    for response_id, criteria in expected["responses"].items():
        assert set(criteria) == {c.id for c in rubric.criteria}, response_id
        for entry in criteria.values():
            assert set(entry) == {"status", "reason"} and entry["reason"].strip()


def test_statuses_match_expected(run: RunData, expected: dict[str, Any]) -> None:
    got = {
        (r.response_id, c.criterion_id): c
        for r in run.responses
        if r.task_id == "orders-cfn-stack"
        for c in r.criteria
    }
    wrong = []
    for response_id, criteria in expected["responses"].items():
        for criterion_id, want in criteria.items():
            result = got[(response_id, criterion_id)]
            status = "fail" if result.status is CriterionStatus.PARTIAL else result.status.value
            if status != want["status"]:
                wrong.append(f"{response_id} {criterion_id}: {status}, want {want['status']}")
    assert not wrong, "\n".join(wrong)


def test_criteria_without_a_cloudformation_meaning_say_so(run: RunData) -> None:
    ideal = next(r for r in run.responses if r.task_id == "orders-cfn-stack" and r.is_ideal)
    by_id = {c.criterion_id: c for c in ideal.criteria}
    for criterion_id in ("reliability.backend", "lifecycle.create_before_destroy"):
        assert by_id[criterion_id].status is CriterionStatus.NA
        assert "has no CloudFormation meaning" in by_id[criterion_id].message


def test_ranking_holds(run: RunData, expected: dict[str, Any]) -> None:
    overall = {r.response_id: r.overall for r in run.responses if r.task_id == "orders-cfn-stack"}
    scores = [(rid, overall[rid]) for rid in expected["ranking"]]
    for (_, a), (_, b) in itertools.pairwise(scores):
        assert a is not None and b is not None and a > b, scores


def test_the_terraform_sample_is_scored_alongside(run: RunData) -> None:
    tasks = {r.task_id for r in run.responses}
    assert tasks == {"aws-prod-stack", "orders-cfn-stack"}
    ideal = next(r for r in run.responses if r.task_id == "aws-prod-stack" and r.is_ideal)
    assert ideal.overall == 100.0


def test_deletion_policy_with_the_cloudformation_rubric() -> None:
    rubric = load_rubric("cloudformation-aws-production")
    verdicts = {}
    for response_id in ("IDEAL_RESPONSE", "MODEL_RESPONSE2"):
        result = harness.grade(CFN_SAMPLE_TASK / f"{response_id}.md", rubric)
        verdicts[response_id] = {c.criterion_id: c for c in result.criteria}
    assert verdicts["IDEAL_RESPONSE"]["lifecycle.deletion_policy"].status is CriterionStatus.PASS
    removed = verdicts["MODEL_RESPONSE2"]["lifecycle.deletion_policy"]
    assert removed.status is CriterionStatus.FAIL
    assert {f.subject for f in removed.findings} == {"DataBucket", "Database"}


# -- mutations of the ideal ---------------------------------------------------------------


def _ideal_text() -> str:
    return IDEAL.read_text(encoding="utf-8")


def _mutated(old: str, new: str) -> FileTree:
    text = _ideal_text()
    assert text.count(old) == 1, old
    return extract(text.replace(old, new))


def _failing(tree: FileTree) -> dict[str, str]:
    result = harness.grade(tree, SAMPLE_RUBRIC, reference=extract(_ideal_text()))
    return {
        c.criterion_id: c.message
        for c in result.criteria
        if c.status in (CriterionStatus.FAIL, CriterionStatus.PARTIAL)
    }


def test_the_unmutated_ideal_fails_nothing() -> None:
    assert _failing(extract(_ideal_text())) == {}


@pytest.mark.parametrize(
    ("old", "new", "caught_by"),
    [
        pytest.param(
            "      BucketEncryption:\n"
            "        ServerSideEncryptionConfiguration:\n"
            "          - ServerSideEncryptionByDefault:\n"
            "              SSEAlgorithm: aws:kms\n"
            "            BucketKeyEnabled: true\n",
            "",
            "security.s3_encryption",
            id="bucket-encryption-removed",
        ),
        pytest.param(
            "      StorageEncrypted: true\n",
            "",
            "security.rds_encrypted",
            id="database-encryption-removed",
        ),
        pytest.param(
            "                Action: [s3:GetObject, s3:PutObject]\n",
            '                Action: "*"\n',
            "security.iam_least_privilege",
            id="wildcard-action",
        ),
        pytest.param(
            "          SourceSecurityGroupId: !Ref AppSecurityGroup\n",
            "          CidrIp: 0.0.0.0/0\n",
            "security.db_ingress_restricted",
            id="open-db-port",
        ),
    ],
)
def test_a_mutation_is_caught_by_the_right_criterion(old: str, new: str, caught_by: str) -> None:
    failing = _failing(_mutated(old, new))
    assert caught_by in failing
    # only the criterion that judges the fault, and the comparison with the ideal, notice it
    assert set(failing) <= {caught_by, "reference.attribute_agreement"}, failing


def test_rescoring_the_samples_keeps_the_terraform_sample_ideal(tmp_path: Path) -> None:
    """The Terraform sample's ideal is given to the run (not found in its task folder): the
    run records it and `rescore` grades with it again, without the cache."""
    first, again = tmp_path / "first", tmp_path / "again"
    runner = CliRunner()
    scored = runner.invoke(app, ["score", "-o", str(first), "--no-reports", "-q", "--no-cache"])
    assert scored.exit_code == 0, scored.output
    assert harness.load_run(first).info.ideal is not None
    rescored = runner.invoke(
        app, ["rescore", str(first), "-o", str(again), "--no-reports", "-q", "--no-cache"]
    )
    assert rescored.exit_code == 0, rescored.output
    before = {(r.task_id, r.response_id): r.overall for r in harness.load_run(first).responses}
    after = {(r.task_id, r.response_id): r.overall for r in harness.load_run(again).responses}
    assert before == after
    assert after[("aws-prod-stack", "IDEAL_RESPONSE")] == 100.0
