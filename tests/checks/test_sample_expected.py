"""The bundled sample: scores reproduce responses/aws-prod-stack/EXPECTED.yaml exactly
(``partial`` counts as ``fail``) and the ranking there holds."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
import yaml

from harness.results import RunData
from harness.run import score_paths
from tests.conftest import REPO_ROOT, SAMPLE_REFERENCE, SAMPLE_TASK

EXPECTED = SAMPLE_TASK / "EXPECTED.yaml"
RUBRIC = REPO_ROOT / "rubrics" / "aws-prod-stack.yaml"


@pytest.fixture(scope="module")
def expected() -> dict:  # type: ignore[type-arg]
    if not EXPECTED.is_file():
        pytest.fail(f"{EXPECTED} missing")
    data: dict = yaml.safe_load(EXPECTED.read_text(encoding="utf-8"))  # type: ignore[type-arg]
    return data


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    out = tmp_path_factory.mktemp("sample-run")
    return score_paths([SAMPLE_TASK], RUBRIC, out, reference_dir=SAMPLE_REFERENCE)


def _verdicts(run: RunData) -> dict[str, dict[str, str]]:
    return {
        r.response_id: {
            c.criterion_id: "fail" if c.status.value == "partial" else c.status.value
            for c in r.criteria
        }
        for r in run.responses
    }


def test_every_expected_response_is_scored(run: RunData, expected: dict) -> None:  # type: ignore[type-arg]
    scored = {r.response_id: r for r in run.responses}
    assert set(expected["responses"]) <= set(scored)
    assert not [r.key for r in run.responses if r.error], [r.error for r in run.responses]
    assert scored["IDEAL_RESPONSE"].is_ideal


def test_statuses_match_expected(run: RunData, expected: dict) -> None:  # type: ignore[type-arg]
    verdicts = _verdicts(run)
    messages = {
        (r.response_id, c.criterion_id): c.message for r in run.responses for c in r.criteria
    }
    wrong = []
    for response_id, criteria in expected["responses"].items():
        for criterion_id, want in criteria.items():
            got = verdicts[response_id].get(criterion_id, "missing")
            if got != want["status"]:
                wrong.append(
                    f"{response_id} {criterion_id}: expected {want['status']}, got {got}: "
                    f"{messages.get((response_id, criterion_id), '')[:160]} "
                    f"| expected because: {want.get('reason', '')[:120]}"
                )
    assert not wrong, f"{len(wrong)} mismatches:\n" + "\n".join(wrong)


def test_ranking_holds(run: RunData, expected: dict) -> None:  # type: ignore[type-arg]
    overall = {r.response_id: r.overall for r in run.responses}
    ranking: list[str] = expected["ranking"]
    scores = [(rid, overall[rid]) for rid in ranking]
    assert all(s is not None for _, s in scores), scores
    for (better, a), (worse, b) in itertools.pairwise(scores):
        assert a > b, f"{better} ({a:.1f}) should rank above {worse} ({b:.1f}): {scores}"


def test_default_cli_run_uses_the_sample(tmp_path: Path) -> None:
    from typer.testing import CliRunner

    from harness.cli import app

    result = CliRunner().invoke(app, ["score", "--out", str(tmp_path / "r"), "--no-report", "-q"])
    assert result.exit_code == 0, result.output
    lines = (tmp_path / "r" / "scores.csv").read_text().splitlines()
    # header + the Terraform sample (4 responses, one overlay, the ideal) + the CloudFormation
    # sample (3 responses, its ideal)
    assert len(lines) == 1 + 6 + 4
    assert sum("orders-cfn-stack" in line for line in lines) == 4
