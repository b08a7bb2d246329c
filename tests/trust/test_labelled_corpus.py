"""The hand-labelled corpus tasks (tests/data/labels): complete, and measured against the
harness. The agreement floor guards against a check change that silently moves the grader
away from human judgement; the per-criterion figures are in the README and the closing note
of issue 14 (``iac-harness agree RUN --labels tests/data/labels`` prints them)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.rubric import load_rubric
from harness.trust.agree import agree
from harness.trust.labels import load_labels
from tests.conftest import REPO_ROOT

LABELS = REPO_ROOT / "tests" / "data" / "labels"
GENERIC = REPO_ROOT / "rubrics" / "terraform-aws-production.yaml"
#: overall agreement the harness reached when the labels were written: 93.7% (328 of 350);
#: 97.2% (350 of 360) since the prompt's waivers, database cluster names and static
#: meta-arguments: a drop of more than a dozen verdicts fails
AGREEMENT_FLOOR = 0.93


def test_every_response_is_labelled_on_every_generic_criterion() -> None:
    labels = load_labels(LABELS)
    criteria = {c.id for c in load_rubric(GENERIC).criteria}
    assert len(labels.tasks) >= 3
    for task in labels.tasks:
        responses = {label.response_id for label in task.labels}
        assert "IDEAL_RESPONSE" in responses, task.task_id
        assert set(task.ranking) == responses, task.task_id
        for rid in responses:
            labelled = set(labels.for_response(task.task_id, rid))
            assert labelled == criteria, (task.task_id, rid, criteria ^ labelled)


@pytest.mark.corpus
def test_harness_agrees_with_the_hand_labels(corpus: Path, tmp_path: Path) -> None:
    from harness.run import score_paths

    labels = load_labels(LABELS)
    tasks = [corpus / "terraform" / t.task_id for t in labels.tasks]
    run = score_paths(tasks, GENERIC, tmp_path / "run")
    result = agree(run, labels)
    assert result.unknown == ()
    assert result.n == len(labels)
    assert result.overall is not None and result.overall >= AGREEMENT_FLOOR, [
        (p.label.task_id, p.label.response_id, p.label.criterion_id) for p in result.disagreements
    ]
