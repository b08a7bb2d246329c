"""harness.run: grading one response, scoring batches into a run folder, isolation of
failures, overlays of follow-up turns, interrupted runs, parallel jobs."""

from __future__ import annotations

import csv
import json
from pathlib import Path

import pytest

import harness.run.pipeline as run_module
import harness.run.walk as walk_module
from harness.extract.types import FileTree
from harness.grading.score import CODE_FLOOR, NO_CODE_CEILING
from harness.results import CriterionStatus
from harness.rubric import load_rubric
from harness.run import InputError, grade, score_paths
from harness.store import load_run

RUBRIC = load_rubric("terraform-aws-production")

TURN1 = """\
# Bucket

### main.tf

```hcl
resource "aws_s3_bucket" "logs" {
  bucket_prefix = "logs-"
}
```

### variables.tf

```hcl
variable "region" {
  type    = string
  default = "eu-west-1"
}
```
"""
TURN2 = """\
# Fix

### main.tf

```hcl
resource "aws_s3_bucket" "logs" {
  bucket_prefix = "access-logs-"
}
```
"""
IDEAL = TURN1.replace("logs-", "ideal-logs-")


def make_task(root: Path, name: str = "task-a", follow_up: bool = True) -> Path:
    task = root / name
    task.mkdir(parents=True)
    (task / "PROMPT.md").write_text("Write a bucket.\n")
    (task / "MODEL_RESPONSE.md").write_text(TURN1)
    (task / "IDEAL_RESPONSE.md").write_text(IDEAL)
    if follow_up:
        (task / "PROMPT2.md").write_text("It failed, fix it.\n")
        (task / "MODEL_RESPONSE2.md").write_text(TURN2)
    return task


def test_grade_a_markdown_file(tmp_path: Path) -> None:
    task = make_task(tmp_path)
    result = grade(task / "MODEL_RESPONSE.md", RUBRIC, task_id="t")
    assert result.response_id == "MODEL_RESPONSE" and result.error is None
    assert result.overall is not None and 0 <= result.overall <= 100
    assert {c.criterion_id for c in result.criteria} == {c.id for c in RUBRIC.criteria}
    assert set(result.timings) >= {"extract", "model", "checks", "scoring"}
    assert result.tree is not None and result.tree.get("main.tf") is not None


def test_grade_a_tree_with_a_reference(tmp_path: Path) -> None:
    from harness.extract import extract

    task = make_task(tmp_path)
    tree = extract(task / "MODEL_RESPONSE.md", response_id="R")
    result = grade(
        tree, "terraform-aws-production", response_id="R", reference=task / "IDEAL_RESPONSE.md"
    )
    assert result.comparison is not None and "compare" in result.timings


def test_task_run_writes_every_response_overlay_and_ideal(tmp_path: Path) -> None:
    task = make_task(tmp_path / "in")
    run = score_paths([task], RUBRIC, tmp_path / "out")
    ids = [r.response_id for r in run.responses]
    assert ids == ["MODEL_RESPONSE", "MODEL_RESPONSE2", "MODEL_RESPONSE2+overlay", "IDEAL_RESPONSE"]
    overlay = run.responses[2]
    assert overlay.tree is not None
    assert set(overlay.tree.paths) == {"main.tf", "variables.tf"}  # variables.tf carried over
    assert "access-logs-" in overlay.tree.get("main.tf").content  # type: ignore[union-attr]
    assert run.responses[-1].is_ideal
    assert all(r.comparison is not None for r in run.responses)
    out = tmp_path / "out"
    rows = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(rows) == 4 * len(RUBRIC.criteria)
    assert set(rows[0]) >= {
        "task_id", "response_id", "criterion_id", "check_id", "category", "status", "score",
        "weight", "message", "evidence",
    }  # fmt: skip
    with (out / "scores.csv").open() as handle:
        table = list(csv.DictReader(handle))
    assert [r["response_id"] for r in table] == ids
    assert list(table[0])[:3] == ["task_id", "response_id", "overall"]
    assert list(table[0])[3:] == list(RUBRIC.category_ids)
    info = json.loads((out / "run.json").read_text())
    assert info["rubric"]["id"] == "terraform-aws-production"
    assert info["rubric"]["sha256"] == RUBRIC.sha256
    assert info["counts"]["responses"] == 4 and info["counts"]["overlay"] == 1
    assert set(info["timings"]) >= {"extract", "model", "checks", "scoring"}
    assert load_run(out).responses[0].criteria == run.responses[0].criteria


def test_one_response_file_scores_only_it(tmp_path: Path) -> None:
    task = make_task(tmp_path / "in")
    run = score_paths([task / "MODEL_RESPONSE2.md"], RUBRIC, tmp_path / "out")
    assert [r.response_id for r in run.responses] == ["MODEL_RESPONSE2", "MODEL_RESPONSE2+overlay"]
    lone = tmp_path / "lone.md"
    lone.write_text(TURN2)
    run = score_paths([lone], RUBRIC, tmp_path / "out2")
    assert [r.key for r in run.responses] == [f"{tmp_path.name}/lone"]


def test_a_failing_response_does_not_stop_the_batch(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_task(tmp_path / "in", "task-a")
    make_task(tmp_path / "in", "task-b", follow_up=False)
    real_build = run_module.build_model

    def flaky(tree: FileTree):  # type: ignore[no-untyped-def]
        if "access-logs-" in tree.files[0].content:
            raise RecursionError("maximum recursion depth exceeded")
        return real_build(tree)

    monkeypatch.setattr(run_module, "build_model", flaky)
    run = score_paths([tmp_path / "in"], RUBRIC, tmp_path / "out")
    failed = {r.key: r.error for r in run.responses if r.error}
    assert failed == {
        "task-a/MODEL_RESPONSE2": "model: RecursionError: maximum recursion depth exceeded",
        "task-a/MODEL_RESPONSE2+overlay": "model: RecursionError: maximum recursion depth exceeded",
    }
    assert len(run.responses) == 6 and run.info.counts["errors"] == 2
    assert all(r.overall is None for r in run.responses if r.error)
    assert len((tmp_path / "out" / "responses.jsonl").read_text().splitlines()) == 6


def test_a_raising_check_is_an_error_criterion(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from harness.checks import registry

    spec = registry.get_check("tone.professional")

    def boom(ctx: object, params: object) -> list[object]:
        raise ValueError("lexicon broke")

    monkeypatch.setitem(registry._REGISTRY, "tone.professional", spec.__class__(
        spec.id, spec.category, boom, spec.params, spec.doc))  # fmt: skip
    task = make_task(tmp_path / "in", follow_up=False)
    result = grade(task / "MODEL_RESPONSE.md", RUBRIC)
    tone = next(c for c in result.criteria if c.criterion_id == "tone.professional")
    assert tone.status is CriterionStatus.ERROR and tone.score is None
    assert "ValueError: lexicon broke" in tone.message
    assert result.overall is not None


def test_interrupted_run_keeps_what_was_scored(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    make_task(tmp_path / "in", "task-a")
    real = walk_module.grade_tree
    calls = {"n": 0}

    def interrupt(*args: object, **kwargs: object):  # type: ignore[no-untyped-def]
        calls["n"] += 1
        if calls["n"] == 3:
            raise KeyboardInterrupt
        return real(*args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(walk_module, "grade_tree", interrupt)
    with pytest.raises(KeyboardInterrupt):
        score_paths([tmp_path / "in"], RUBRIC, tmp_path / "out")
    saved = load_run(tmp_path / "out")
    assert [r.response_id for r in saved.responses] == ["MODEL_RESPONSE", "MODEL_RESPONSE2"]
    assert saved.info.counts["interrupted"] == 1


def test_jobs_give_the_same_results(tmp_path: Path) -> None:
    make_task(tmp_path / "in", "task-a")
    make_task(tmp_path / "in", "task-b", follow_up=False)
    serial = score_paths([tmp_path / "in"], RUBRIC, tmp_path / "s")
    parallel = score_paths([tmp_path / "in"], RUBRIC, tmp_path / "p", jobs=2)
    assert [(r.key, r.overall) for r in serial.responses] == [
        (r.key, r.overall) for r in parallel.responses
    ]


def test_unusable_input(tmp_path: Path) -> None:
    with pytest.raises(InputError, match="no such file or directory"):
        score_paths([tmp_path / "missing"], RUBRIC, tmp_path / "out")
    (tmp_path / "empty").mkdir()
    with pytest.raises(InputError, match="no task folders found"):
        score_paths([tmp_path / "empty"], RUBRIC, tmp_path / "out")
    (tmp_path / "notes.txt").write_text("x")
    with pytest.raises(InputError, match="not a markdown response"):
        score_paths([tmp_path / "notes.txt"], RUBRIC, tmp_path / "out")


# --- responses without code, tasks without a reference ---------------------------------------

PROSE_ONLY = "I would create an S3 bucket with versioning and a KMS key.\n\nLet me know!\n"


def _no_code_responses(root: Path) -> list[Path]:
    """A binary file renamed .md, an empty .md and a prose-only .md, each a lone response."""
    made = []
    for name, data in (
        ("binary", bytes(range(256)) * 16),
        ("empty", b""),
        ("prose", PROSE_ONLY.encode()),
    ):
        folder = root / name
        folder.mkdir(parents=True)
        (folder / f"{name}.md").write_bytes(data)
        made.append(folder / f"{name}.md")
    return made


def test_responses_without_code_rank_below_every_real_answer(tmp_path: Path) -> None:
    from tests.conftest import REPO_ROOT, SAMPLE_REFERENCE, SAMPLE_TASK

    bad = _no_code_responses(tmp_path / "in")
    run = score_paths(
        [SAMPLE_TASK, *bad],
        REPO_ROOT / "rubrics" / "aws-prod-stack.yaml",
        tmp_path / "out",
        reference_dir=SAMPLE_REFERENCE,
    )
    no_code = {r.response_id: r for r in run.responses if r.tree is not None and not r.tree.files}
    real = [r for r in run.responses if r.tree is not None and r.tree.files]
    assert set(no_code) == {"binary", "empty", "prose"}
    assert len(real) >= 5 and all(r.overall is not None for r in real)
    weakest = min(r.overall for r in real)  # type: ignore[type-var]
    for result in no_code.values():
        assert result.overall is not None, result.key
        assert 0.0 <= result.overall <= NO_CODE_CEILING < CODE_FLOOR <= weakest, result.key
        (said,) = [d.message for d in result.diagnostics if d.code == "no_code"]
        assert "kept below 1" in said, said  # what the score is, as the scoring rule has it
    assert "not_text" in {d.code for d in no_code["binary"].diagnostics}
    assert "not_text" not in {d.code for d in no_code["prose"].diagnostics}
    assert not any(d.code == "no_code" for r in real for d in r.diagnostics)
    assert run.info.tasks_without_reference == ()  # the given reference has files


def test_grade_a_binary_response(tmp_path: Path) -> None:
    path = tmp_path / "image.md"
    path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 8)
    result = grade(path, RUBRIC)
    assert result.overall is not None and result.overall <= NO_CODE_CEILING
    assert result.error is None
    assert [d.code for d in result.diagnostics] == ["not_text", "no_code"]
    assert all(d.severity.value == "error" for d in result.diagnostics)


def test_a_task_whose_ideal_has_no_code_is_listed(tmp_path: Path) -> None:
    make_task(tmp_path / "in", "task-a", follow_up=False)
    prose_ideal = make_task(tmp_path / "in", "task-b", follow_up=False)
    (prose_ideal / "IDEAL_RESPONSE.md").write_text(PROSE_ONLY)
    out = tmp_path / "out"
    run = score_paths([tmp_path / "in"], RUBRIC, out)
    assert run.info.tasks_without_reference == ("task-b",)
    assert json.loads((out / "run.json").read_text())["tasks_without_reference"] == ["task-b"]
    assert load_run(out).info.tasks_without_reference == ("task-b",)
    by_key = {r.key: r for r in run.responses}
    ideal = by_key["task-b/IDEAL_RESPONSE"]
    assert ideal.overall is not None and ideal.overall <= NO_CODE_CEILING
    assert {"no_code", "empty_reference"} <= {d.code for d in ideal.diagnostics}
    flagged = {d.code for d in by_key["task-b/MODEL_RESPONSE"].diagnostics}
    assert "empty_reference" in flagged and "no_code" not in flagged
    assert (by_key["task-b/MODEL_RESPONSE"].overall or 0) > 0  # a real answer: not capped
    # a single response of that task (its ideal as reference, not scored) is flagged too
    one = score_paths([prose_ideal / "MODEL_RESPONSE.md"], RUBRIC, tmp_path / "one")
    assert one.info.tasks_without_reference == ("task-b",)


def test_an_older_run_json_without_the_field_loads(tmp_path: Path) -> None:
    make_task(tmp_path / "in", follow_up=False)
    out = tmp_path / "out"
    score_paths([tmp_path / "in"], RUBRIC, out)
    info = json.loads((out / "run.json").read_text())
    del info["tasks_without_reference"]
    (out / "run.json").write_text(json.dumps(info))
    assert load_run(out).info.tasks_without_reference == ()
