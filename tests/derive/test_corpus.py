"""Over the corpus: the ideal response scores 100 against the rubric derived from itself, on
every task (or is not scored at all when no criterion can judge it: a non-Terraform ideal
whose code blocks carry no file names)."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.derive.draft import derive, load_reference, task_prompts, verify, write
from harness.grading.score import NO_CODE_CEILING
from harness.results import CriterionStatus
from harness.rubric import load_rubric
from harness.run import grade
from tests.conftest import corpus_tasks


@pytest.mark.corpus
def test_every_ideal_scores_100_against_its_derived_rubric(corpus: Path, tmp_path: Path) -> None:
    wrong = []
    scored = 0
    for task in corpus_tasks(corpus):
        ideal = task / "IDEAL_RESPONSE.md"
        if not ideal.is_file():
            continue
        ref = load_reference(task)
        path = write(derive(ref), tmp_path / f"{task.name}.yaml")
        rubric = load_rubric(path)
        _, problems = verify(path, ref)
        # graded as score grades the ideal: with the task's prompts, which may say what the
        # task supplies (a provider.tf the ideal does not show)
        prompts = task_prompts(task)
        result = grade(
            ideal, rubric, task_id=task.name, reference=ideal, is_ideal=True,
            prompt=list(prompts) or None,
        )  # fmt: skip
        if result.overall is None:
            judged = [c.criterion_id for c in result.criteria if c.status is not CriterionStatus.NA]
            if judged or result.error:
                wrong.append(f"{task.name}: no score ({result.error}) though {judged} judged")
            continue
        scored += 1
        # an ideal without code scores NO_CODE_CEILING by the no-code rule; its criteria must
        # still all pass
        no_code = any(d.code == "no_code" for d in result.diagnostics)
        failing = [
            f"{c.criterion_id}={c.status.value}: {c.message[:100]}"
            for c in result.criteria
            if c.status not in (CriterionStatus.PASS, CriterionStatus.NA)
        ]
        if result.overall != (NO_CODE_CEILING if no_code else 100.0) or failing or problems:
            wrong.append(f"{task.name}: {result.overall} {failing} {problems}")
    assert scored >= 55, scored
    assert not wrong, "\n".join(wrong)


@pytest.mark.corpus
def test_corpus_ranking_script_on_one_task(corpus: Path) -> None:
    """The ranking script (python -m tests.derive.corpus_ranking) on the seed task: the ideal
    ranks above every response with the derived rubric."""
    from tests.derive.corpus_ranking import main

    summary = main(["--corpus", str(corpus), "--tasks", "tf-348798"])
    derived = summary["all_derived"]
    assert isinstance(derived, dict)
    assert derived["pairs"] == 5 and derived["right"] == 5
