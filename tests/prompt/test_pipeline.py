"""The prompt reaches grading: complete.prompt_requirements cites prompt lines, a task with no
reference takes applicability from its prompt, each unit is judged against the right prompts,
and a changed prompt changes the cache key."""

from __future__ import annotations

from pathlib import Path

from harness.checks.types import CheckContext
from harness.extract import extract
from harness.grading.applicability import applicable_from_prompt
from harness.prompt import read_prompts, read_requirements
from harness.prompt.types import PromptRequirements
from harness.results import CriterionResult
from harness.rubric import load_rubric
from harness.run.batch import score_paths
from harness.run.pipeline import Clock, grade_tree
from harness.run.plan import UnitKind, discover
from harness.run.units import BatchSettings, UnitJob, unit_key
from harness.terraform import build
from harness.vocabulary import PROMPT_SOURCE, CriterionStatus, Status

PROMPT = "# Task\n\nDeploy an RDS PostgreSQL database and CloudWatch alarms in eu-west-1.\n"
BUCKET_ONLY = """\
# Answer

```hcl
# main.tf
provider "aws" {
  region = "eu-west-1"
}

resource "aws_s3_bucket" "data" {
  bucket_prefix = "data-"
}
```
"""


def _task(tmp_path: Path, *prompts: str, responses: int = 1) -> Path:
    folder = tmp_path / "task-1"
    folder.mkdir()
    for index, text in enumerate(prompts):
        name = "PROMPT.md" if index == 0 else f"PROMPT{index + 1}.md"
        (folder / name).write_text(text, encoding="utf-8")
    for index in range(responses):
        name = "MODEL_RESPONSE.md" if index == 0 else f"MODEL_RESPONSE{index + 1}.md"
        (folder / name).write_text(BUCKET_ONLY, encoding="utf-8")
    return folder


def _grade(tmp_path: Path, prompt: PromptRequirements | None) -> dict[str, CriterionResult]:
    path = tmp_path / "response.md"
    path.write_text(BUCKET_ONLY, encoding="utf-8")
    tree = extract(path)
    result = grade_tree(
        tree,
        load_rubric("terraform-aws-production"),
        Clock(),
        task_id="t",
        response_id="r",
        source=str(path),
        reference=None,
        prompt=prompt,
    )
    return {c.criterion_id: c for c in result.criteria}


def test_missing_service_fails_with_the_prompt_line_as_evidence(tmp_path: Path) -> None:
    prompt = PromptRequirements(("PROMPT.md",), read_requirements(PROMPT))
    criteria = _grade(tmp_path, prompt)
    result = criteria["complete.prompt_requirements"]
    assert result.status is CriterionStatus.PARTIAL
    by_subject = {f.subject: f for f in result.findings}
    assert by_subject["region:eu-west-1"].status is Status.PASS
    missing = by_subject["service:rds"]
    assert missing.status is Status.FAIL
    assert "PROMPT.md:3" in missing.message
    cited = missing.evidence[0]
    assert (cited.source, cited.path, cited.start_line) == (PROMPT_SOURCE, "PROMPT.md", 3)
    assert cited.location() == "PROMPT.md:3"


def test_without_a_reference_the_prompt_decides_applicability(tmp_path: Path) -> None:
    without = _grade(tmp_path, None)
    assert without["monitoring.alarms"].status is CriterionStatus.NA
    assert without["complete.prompt_requirements"].status is CriterionStatus.NA
    prompt = PromptRequirements(("PROMPT.md",), read_requirements(PROMPT))
    called = _grade(tmp_path, prompt)
    alarms = called["monitoring.alarms"]
    assert alarms.status is CriterionStatus.FAIL
    assert "PROMPT.md:3" in alarms.message
    assert alarms.findings[0].evidence[0].source == PROMPT_SOURCE
    assert called["security.rds_encrypted"].status is CriterionStatus.FAIL
    # the prompt names no SSM parameter: na stays na
    assert without["lifecycle.ssm_overwrite"].status is CriterionStatus.NA
    assert called["lifecycle.ssm_overwrite"].status is CriterionStatus.NA
    # a check of the response's own text keeps its na whatever the prompt says
    for result in called.values():
        if result.check_id == "complete.promised_files":
            assert result.status is not CriterionStatus.FAIL


def test_applicable_from_prompt_leaves_non_na_alone() -> None:
    prompt = PromptRequirements(("PROMPT.md",), read_requirements(PROMPT))
    passed = CriterionResult(
        criterion_id="monitoring.alarms",
        check_id="monitoring.alarms",
        category="monitoring",
        weight=1.0,
        severity="medium",
        gate=False,
        status=CriterionStatus.PASS,
        score=1.0,
        message="ok",
    )
    assert applicable_from_prompt((passed,), prompt) == (passed,)


def test_units_are_judged_against_their_turns_prompts(tmp_path: Path) -> None:
    folder = _task(tmp_path, PROMPT, "Add an SQS queue.\n", responses=2)
    (folder / "IDEAL_RESPONSE.md").write_text(BUCKET_ONLY, encoding="utf-8")
    (plan,) = discover([folder])
    prompts = {u.response_id: tuple(p.name for p in u.prompts) for u in plan.units()}
    assert prompts == {
        "MODEL_RESPONSE": ("PROMPT.md",),
        "MODEL_RESPONSE2": ("PROMPT2.md",),
        "MODEL_RESPONSE2+overlay": ("PROMPT.md", "PROMPT2.md"),
        "IDEAL_RESPONSE": ("PROMPT.md", "PROMPT2.md"),
    }
    earlier = {u.response_id: tuple(p.name for p in u.earlier_prompts) for u in plan.units()}
    assert earlier["MODEL_RESPONSE2"] == ("PROMPT.md",)  # read for what the prompt waives
    assert not {k: v for k, v in earlier.items() if k != "MODEL_RESPONSE2" and v}
    assert [u.kind for u in plan.units()][-1] is UnitKind.IDEAL


def test_a_changed_prompt_changes_the_unit_key(tmp_path: Path) -> None:
    folder = _task(tmp_path, PROMPT)
    (plan,) = discover([folder])
    settings = BatchSettings(load_rubric("terraform-aws-production"))
    job = UnitJob(plan.units()[0], None, True, plan.task.prompts)
    before = unit_key(job, settings)
    (folder / "PROMPT.md").write_text(PROMPT + "Also an SQS queue.\n", encoding="utf-8")
    assert unit_key(job, settings) != before


def test_score_run_grades_the_prompt(tmp_path: Path) -> None:
    folder = _task(tmp_path, PROMPT)
    run = score_paths([folder], "terraform-aws-production", tmp_path / "run")
    (result,) = [r for r in run.responses if r.response_id == "MODEL_RESPONSE"]
    criterion = next(c for c in result.criteria if c.criterion_id == "complete.prompt_requirements")
    failing = {f.subject for f in criterion.findings if f.status is Status.FAIL}
    assert failing == {"service:rds", "service:cloudwatch_alarms"}


def test_check_context_carries_the_prompt(tmp_path: Path) -> None:
    folder = _task(tmp_path, PROMPT)
    prompt = read_prompts([folder / "PROMPT.md"])
    tree = extract(folder / "MODEL_RESPONSE.md")
    ctx = CheckContext("t", "r", tree, build(tree), prompt=prompt)
    assert ctx.prompt is prompt
    assert [r.key for r in prompt] == [
        "service:rds",
        "service:cloudwatch_alarms",
        "region:eu-west-1",
    ]


def test_library_grade_takes_prompt_files(tmp_path: Path) -> None:
    import harness

    folder = _task(tmp_path, PROMPT)
    result = harness.grade(
        folder / "MODEL_RESPONSE.md", "terraform-aws-production", prompt=folder / "PROMPT.md"
    )
    criterion = next(c for c in result.criteria if c.criterion_id == "complete.prompt_requirements")
    assert criterion.status is CriterionStatus.PARTIAL
    plain = harness.grade(folder / "MODEL_RESPONSE.md", "terraform-aws-production")
    assert (
        next(c for c in plain.criteria if c.criterion_id == "complete.prompt_requirements").status
        is CriterionStatus.NA
    )
