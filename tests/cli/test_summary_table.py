"""The console summary table at 60, 80 and 120 columns: no number is ever cut, columns that
do not fit are dropped with a note saying how to see them, ids are shortened in the middle."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest
from rich.console import Console

from harness.cli.summary import summary_table
from harness.results import CategoryScore, RunData
from harness.run import score_paths
from tests.conftest import REPO_ROOT, SAMPLE_REFERENCE, SAMPLE_TASK

#: category scores (0-1) cycled over the categories: 57 and 100 were cut to 5 and 10 before
VALUES = (0.57, 1.0, 0.05, 0.333, 1.0, 0.0, 0.995, 0.8, 0.12, 1.0)


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> RunData:
    """The sample's responses under two long task ids that differ only at the end."""
    sample = score_paths(
        [SAMPLE_TASK],
        REPO_ROOT / "rubrics" / "terraform-aws-production.yaml",
        tmp_path_factory.mktemp("run") / "run",
        reference_dir=SAMPLE_REFERENCE,
    )
    categories = [c.id for c in sample.info.rubric.categories]
    responses = []
    for index, result in enumerate(sample.responses):
        scores = tuple(
            CategoryScore(c, VALUES[(index + i) % len(VALUES)], 1.0)
            for i, c in enumerate(categories)
        )
        responses.append(
            dataclasses.replace(
                result,
                task_id=f"tf-34879812-production-stack-{index % 2}798",
                overall=(100.0, 57.0, 5.25, 99.95)[index % 4],
                categories=scores,
            )
        )
    return dataclasses.replace(sample, responses=tuple(responses))


def _render(run: RunData, width: int) -> list[str]:
    console = Console(width=width, record=True, color_system=None)
    console.print(summary_table(run, width=width))
    return console.export_text().splitlines()


@pytest.mark.parametrize("width", [60, 80, 120])
def test_every_rendered_score_is_the_real_number(run: RunData, width: int) -> None:
    lines = _render(run, width)
    assert all(len(line.rstrip()) <= width for line in lines), "\n".join(lines)
    rule = next(i for i, line in enumerate(lines) if "────" in line)
    header = lines[rule - 1].split()
    assert header[:3] == ["task", "response", "score"], lines[rule - 1]
    categories = [c.id for c in run.info.rubric.categories]
    shown = header[3:]
    assert shown == [c[:3] for c in categories[: len(shown)]]
    rows = lines[rule + 1 : rule + 1 + len(run.responses)]
    for line, result in zip(rows, run.responses, strict=True):
        cells = line.split()
        task, numbers = cells[0], cells[len(cells) - 1 - len(shown) :]
        assert numbers[0] == f"{result.overall:.1f}", line
        by_id = {c.id: c.score for c in result.categories}
        for category, cell in zip(categories, numbers[1:], strict=False):
            assert cell == f"{100 * by_id[category]:.0f}", (category, line)  # type: ignore[operator]
        head, _, tail = task.partition("…")
        assert result.task_id.startswith(head) and result.task_id.endswith(tail), line
    text = " ".join(" ".join(lines).split())
    dropped = categories[len(shown) :]
    if dropped:
        assert "not shown at this width: " + ", ".join(dropped) in text, text
        assert "COLUMNS=" in text and "scores.csv" in text
    else:
        assert "not shown" not in text
    if width == 120:
        assert not dropped and "…" not in " ".join(rows)


def test_ids_are_shortened_in_the_middle(run: RunData) -> None:
    rows = " ".join(_render(run, 60))
    assert "tf-348…-0798" in rows and "tf-348…-1798" in rows, rows


def test_tasks_whose_reference_has_no_files_are_named_in_the_console(run: RunData) -> None:
    from harness.cli.summary import summary_notes

    assert not any("reference yields no files" in line for line in summary_notes(run))
    flagged = dataclasses.replace(
        run, info=dataclasses.replace(run.info, tasks_without_reference=("tf-1", "tf-2"))
    )
    first = summary_notes(flagged)[0]
    assert "2 task(s) whose reference yields no files" in first
    assert "tf-1, tf-2" in first


def test_a_note_names_the_tasks_detected_but_not_graded(tmp_path: Path) -> None:
    from harness.cli.summary import summary_notes

    task = tmp_path / "cdk-task"
    task.mkdir()
    (task / "MODEL_RESPONSE.md").write_text(
        "```typescript\nimport * as cdk from 'aws-cdk-lib';\n"
        "export class OrdersStack extends cdk.Stack {}\n```\n",
        encoding="utf-8",
    )
    run = score_paths([task], "terraform-aws-production", tmp_path / "run")
    (result,) = run.responses
    assert result.overall is None
    notes = summary_notes(run)
    assert any("cdk-task" in line and "detected, not graded" in line for line in notes), notes
