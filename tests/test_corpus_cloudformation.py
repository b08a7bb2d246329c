"""The corpus's CloudFormation tasks extract their templates and score security, tagging and
monitoring where the templates have those resources; CDK/CDKTF/Pulumi tasks report "detected,
not graded" (every criterion na, no overall)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.results import CriterionStatus
from harness.run import score_paths


@pytest.mark.corpus
def test_other_languages_in_the_corpus(corpus: Path, tmp_path: Path) -> None:
    run = score_paths([corpus / "other"], "terraform-aws-production", tmp_path / "run")
    assert not [r.key for r in run.responses if r.error]
    by_task: dict[str, list] = {}  # type: ignore[type-arg]
    for result in run.responses:
        by_task.setdefault(result.task_id, []).append(result)
    for task_id, results in by_task.items():
        ideal = next(r for r in results if r.is_ideal)
        criteria = {c.criterion_id: c for c in ideal.criteria}
        if task_id.startswith("cfn-"):
            assert any(f.kind == "cloudformation" for f in ideal.tree.files), task_id  # type: ignore[union-attr]
            assert criteria["complete.syntax_valid"].status is CriterionStatus.PASS, task_id
            for category in ("security", "tagging", "monitoring"):
                judged = [
                    c
                    for c in ideal.criteria
                    if c.category == category and c.status is not CriterionStatus.NA
                ]
                assert judged, (task_id, category)
        else:
            assert ideal.overall is None, task_id
            assert all("detected, not graded" in c.message for c in ideal.criteria), task_id
            assert any(d.code == "not_graded" for d in ideal.diagnostics), task_id
