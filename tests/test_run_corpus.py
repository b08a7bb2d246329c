"""Scoring the whole corpus never crashes: every response, overlay and ideal yields exactly one
result, with no response-level error and no check error, and every ideal agrees with itself."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from harness.run import discover, score_paths

pytestmark = pytest.mark.corpus


def test_whole_corpus_scores(corpus: Path, tmp_path: Path) -> None:
    paths = [corpus / "terraform", corpus / "other"]
    plans = discover(paths)
    run = score_paths(paths, "terraform-aws-production", tmp_path / "run")
    assert len(run.responses) == sum(len(plan.units()) for plan in plans)
    keys = Counter(r.key for r in run.responses)
    assert not [k for k, n in keys.items() if n > 1], "a response was scored twice"
    assert run.info.counts["ideal"] == sum(1 for plan in plans if plan.ideal is not None)
    errors = {r.key: r.error for r in run.responses if r.error}
    assert not errors, f"{len(errors)} responses could not be scored: {errors}"
    check_errors = [
        f"{r.key} {c.criterion_id}: {c.message}"
        for r in run.responses
        for c in r.criteria
        if c.status.value == "error"
    ]
    assert not check_errors, f"{len(check_errors)} check errors:\n" + "\n".join(check_errors[:20])
    # every response has an overall score, except code that is detected but not graded
    # (CDK, CDKTF, Pulumi): every criterion of those is na and says why
    unscored = [r for r in run.responses if r.overall is None]
    for result in unscored:
        assert all("detected, not graded" in c.message for c in result.criteria), result.key
    terraform_tasks = {task.name for task in (corpus / "terraform").iterdir()}
    assert not {r.task_id for r in unscored} & terraform_tasks
    lines = (tmp_path / "run" / "responses.jsonl").read_text().splitlines()
    assert len(lines) == len(run.responses)
    # an ideal compared with itself reproduces every resource and setting it has, whatever it
    # elides or leaves undeclared
    self_comparisons = [
        f"{r.key} {c.criterion_id}: {c.status.value} {c.message}"
        for r in run.responses
        if r.is_ideal
        for c in r.criteria
        if c.criterion_id.startswith("reference.") and c.status.value not in ("pass", "na")
    ]
    assert not self_comparisons, "\n".join(self_comparisons)
