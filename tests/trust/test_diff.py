"""``harness.trust.diff``: two runs of the bundled sample differing in one disabled criterion
and one weight; a run against itself and against a rerun; a response edited between runs."""

from __future__ import annotations

import dataclasses
import json
import shutil
from pathlib import Path

import jsonschema
import pytest

from harness.results import RunData
from harness.store import RESPONSES_JSONL, load_run
from harness.trust.diff import FieldChange, diff_runs, diff_to_json
from tests.conftest import SAMPLE_TASK
from tests.trust.sample import DISABLED, REWEIGHTED, SAMPLE_RUBRIC, score

SCHEMA = json.loads(
    (Path(__file__).resolve().parents[2] / "harness" / "trust" / "diff.schema.json").read_text()
)


def test_rubric_change_names_exactly_the_disabled_criterion_and_the_weight(
    run_a: Path, run_b: Path
) -> None:
    diff = diff_runs(load_run(run_a), load_run(run_b))
    assert diff.rubric.criteria_removed == (DISABLED,)
    assert diff.rubric.criteria_added == ()
    assert diff.rubric.changes == (FieldChange(REWEIGHTED, "weight", "2.0", "5.0"),)
    assert diff.rubric.before_sha256 != diff.rubric.after_sha256
    # the grader's verdicts on the criteria both runs have are the same
    assert diff.criterion_changes == 0
    assert all(r.input == "same" for r in diff.responses)
    assert not diff.only_in_a and not diff.only_in_b
    assert not diff.empty
    # a weight change moves the security category of a response failing that criterion
    moved = {
        r.response_id
        for r in diff.responses
        for c in r.categories
        if c.id == "security" and abs(c.delta or 0) > 0.01
    }
    assert moved


def test_run_against_itself_and_a_rerun_is_empty(run_a: Path, tmp_path: Path) -> None:
    run = load_run(run_a)
    assert diff_runs(run, run).empty
    rerun = load_run(score(SAMPLE_TASK, SAMPLE_RUBRIC, tmp_path / "rerun"))
    diff = diff_runs(run, rerun)
    assert diff.empty, diff.summary()
    assert diff.counts["unchanged"] == len(run.responses)


def test_edited_response_is_changed_input(run_a: Path, tmp_path: Path) -> None:
    task = tmp_path / "aws-prod-stack"
    shutil.copytree(SAMPLE_TASK, task)
    before = load_run(score(task, SAMPLE_RUBRIC, tmp_path / "before"))
    edited = task / "MODEL_RESPONSE.md"
    text = edited.read_text(encoding="utf-8")
    assert 'resource "aws_db_instance"' in text
    edited.write_text(text.replace('resource "aws_db_instance"', 'resource "aws_rds_gone"'))
    after = load_run(score(task, SAMPLE_RUBRIC, tmp_path / "after"))
    diff = diff_runs(before, after)
    by_id = {r.response_id: r for r in diff.responses}
    assert by_id["MODEL_RESPONSE"].verdict == "changed input"
    assert by_id["MODEL_RESPONSE"].input == "changed"
    assert {c.criterion_id for c in by_id["MODEL_RESPONSE"].changes} >= {"security.rds_encrypted"}
    # the other responses kept their input: none is reported as changed input
    changed = {r.response_id for r in diff.responses if r.input == "changed"}
    assert changed <= {"MODEL_RESPONSE", "MODEL_RESPONSE2+overlay"}
    # an edited response is not a regression of the grader
    assert not any(
        reason.startswith(f"{task.name}/MODEL_RESPONSE:") for reason in diff.regressions(0.0)
    )


def test_input_hash_is_stored_and_older_runs_still_load(run_a: Path, tmp_path: Path) -> None:
    run = load_run(run_a)
    assert all(len(r.input_sha256) == 64 for r in run.responses if not r.is_ideal)
    old = tmp_path / "old"
    shutil.copytree(run_a, old)
    lines = (old / RESPONSES_JSONL).read_text(encoding="utf-8").splitlines()
    stripped = []
    for line in lines:
        data = json.loads(line)
        data.pop("input_sha256")
        stripped.append(json.dumps(data))
    (old / RESPONSES_JSONL).write_text("\n".join(stripped) + "\n", encoding="utf-8")
    older = load_run(old)
    assert all(r.input_sha256 == "" for r in older.responses)
    diff = diff_runs(older, run)
    assert diff.responses == ()  # nothing else moved: unknown input alone is not a change
    assert diff.counts["unchanged"] == len(run.responses)


def _with_overall(run: RunData, response_id: str, overall: float) -> RunData:
    responses = tuple(
        dataclasses.replace(r, overall=overall) if r.response_id == response_id else r
        for r in run.responses
    )
    return dataclasses.replace(run, responses=responses)


def test_regressions_respect_the_threshold(run_a: Path) -> None:
    run = load_run(run_a)
    target = next(r for r in run.responses if r.response_id == "MODEL_RESPONSE4")
    assert target.overall is not None
    worse = _with_overall(run, "MODEL_RESPONSE4", target.overall - 3)
    diff = diff_runs(run, worse)
    assert [r.response_id for r in diff.responses] == ["MODEL_RESPONSE4"]
    assert diff.responses[0].verdict == "regressed"
    assert len(diff.regressions(2.0)) == 1
    assert diff.regressions(5.0) == []
    assert diff_runs(worse, run).responses[0].verdict == "improved"


def test_json_matches_the_documented_schema(run_a: Path, run_b: Path, tmp_path: Path) -> None:
    for a, b in ((run_a, run_b), (run_a, run_a)):
        document = diff_to_json(diff_runs(load_run(a), load_run(b), a_name=str(a), b_name=str(b)))
        jsonschema.validate(document, SCHEMA)


@pytest.mark.parametrize("status", ["fail", "error"])
def test_pass_to_fail_and_new_error_are_regressions(run_a: Path, status: str) -> None:
    from harness.vocabulary import CriterionStatus

    run = load_run(run_a)
    target = next(r for r in run.responses if r.response_id == "MODEL_RESPONSE4")
    passing = next(c for c in target.criteria if c.status.value == "pass")
    changed = dataclasses.replace(
        passing, status=CriterionStatus(status), score=0.0 if status == "fail" else None
    )
    new = dataclasses.replace(
        target,
        criteria=tuple(changed if c is passing else c for c in target.criteria),
    )
    after = dataclasses.replace(
        run, responses=tuple(new if r is target else r for r in run.responses)
    )
    diff = diff_runs(run, after)
    (change,) = diff.responses[0].changes
    assert change.criterion_id == passing.criterion_id
    assert change.kind == f"pass -> {status}"
    assert change.regression
    reasons = diff.regressions(100.0)
    assert (status == "fail") == any(passing.criterion_id in r for r in reasons)
