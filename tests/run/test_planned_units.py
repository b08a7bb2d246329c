"""Each result key (task id, response id) is graded once per run: the same file named twice is
one unit, and two files behind one key stop the run before anything is written."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.run.plan import InputError, discover, planned_units
from tests.conftest import SAMPLE_TASK


def _keys(paths: list[Path]) -> list[tuple[str, str]]:
    return [(unit.task_id, unit.response_id) for _, unit in planned_units(discover(paths))]


def test_a_file_named_again_is_graded_once() -> None:
    alone = _keys([SAMPLE_TASK])
    again = _keys([SAMPLE_TASK, SAMPLE_TASK / "MODEL_RESPONSE2.md", SAMPLE_TASK])
    assert again == alone and len(set(alone)) == len(alone)


def test_two_tasks_of_one_name_are_refused(tmp_path: Path) -> None:
    for corpus in ("a", "b"):
        shutil.copytree(SAMPLE_TASK, tmp_path / corpus / SAMPLE_TASK.name)
    with pytest.raises(InputError, match="two inputs hold a task of the same name"):
        planned_units(discover([tmp_path / "a", tmp_path / "b"]))
    out = tmp_path / "run"
    result = CliRunner().invoke(
        app, ["score", str(tmp_path / "a"), str(tmp_path / "b"), "-o", str(out), "-q"]
    )
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert message.startswith(f"iac-harness: error: {tmp_path / 'b' / SAMPLE_TASK.name}")
    assert f"is also {(tmp_path / 'a' / SAMPLE_TASK.name).resolve()}" in message
    assert not (out / "responses.jsonl").exists()  # nothing graded, nothing written


def test_a_run_folder_given_as_input_points_to_rescore_and_report(tmp_path: Path) -> None:
    run = tmp_path / "run"
    (run / "report").mkdir(parents=True)
    (run / "run.json").write_text("{}")
    with pytest.raises(InputError, match="is a run folder, not responses; `iac-harness rescore"):
        discover([run])
