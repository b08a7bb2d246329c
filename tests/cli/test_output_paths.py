"""Output paths end to end: an unusable --out is one line naming it (exit 2, no traceback),
an earlier run is never replaced silently, and an interrupt while writing reports says what
was kept and how to rebuild the reports."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from tests.conftest import SAMPLE_REFERENCE, SAMPLE_TASK

RUNNER = CliRunner()
ENV = {"COLUMNS": "200"}
RESPONSE = SAMPLE_TASK / "MODEL_RESPONSE4.md"


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return RUNNER.invoke(app, [str(a) for a in args], env=ENV)


def _can_write(folder: Path) -> bool:
    try:
        (folder / ".probe").write_text("x")
    except OSError:
        return False
    (folder / ".probe").unlink()
    return True


@pytest.fixture
def unwritable(tmp_path: Path) -> Iterator[Path]:
    """A folder no file can be created in: chmod 0o500, or (root ignores modes) /sys."""
    folder = tmp_path / "read-only"
    folder.mkdir()
    folder.chmod(0o500)
    try:
        if not _can_write(folder):
            yield folder
            return
        sys_dir = Path("/sys")
        if sys_dir.is_dir() and not _can_write(sys_dir):
            yield sys_dir  # root can write a 0o500 folder, not sysfs
            return
        pytest.skip("running as root with no read-only location: writes always succeed")
    finally:
        folder.chmod(0o700)


#: command -> the argv for an output path (score and extract write folders, derive a file)
COMMANDS: dict[str, Callable[[Path], list[str | Path]]] = {
    "score": lambda out: ["score", RESPONSE, "-q", "--no-report", "--out", out],
    "extract": lambda out: ["extract", RESPONSE, "--out", out],
    "derive": lambda out: ["derive", SAMPLE_REFERENCE, "--out", out, "--force"],
}


def _existing_file(tmp_path: Path, command: str) -> Path:
    if command == "derive":  # a file is what derive writes: the wrong kind is a folder
        (tmp_path / "a-folder").mkdir()
        return tmp_path / "a-folder"
    (tmp_path / "a-file").write_text("not a folder\n")
    return tmp_path / "a-file"


def _below_a_file(tmp_path: Path, command: str) -> Path:
    (tmp_path / "a-file").write_text("not a folder\n")
    return tmp_path / "a-file" / "sub" / ("rubric.yaml" if command == "derive" else "out")


def assert_one_line_error(result, path: Path) -> None:  # type: ignore[no-untyped-def]
    output = result.output.strip()
    assert result.exit_code == 2, output
    assert "Traceback" not in output and "\n" not in output, output
    assert output.startswith("iac-harness: error:") and str(path) in output, output


@pytest.mark.parametrize("command", sorted(COMMANDS))
@pytest.mark.parametrize("case", ["existing file", "below a file"])
def test_unusable_output_path_is_one_line(tmp_path: Path, command: str, case: str) -> None:
    make = _existing_file if case == "existing file" else _below_a_file
    out = make(tmp_path, command)
    assert_one_line_error(invoke(*COMMANDS[command](out)), out)


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_unwritable_output_folder_is_one_line(unwritable: Path, command: str) -> None:
    out = unwritable / ("rubric.yaml" if command == "derive" else "out")
    assert_one_line_error(invoke(*COMMANDS[command](out)), out)


def test_derive_refuses_an_existing_file_without_force(tmp_path: Path) -> None:
    out = tmp_path / "rubric.yaml"
    out.write_text("keep me\n")
    result = invoke("derive", SAMPLE_REFERENCE, "--out", out)
    assert_one_line_error(result, out)
    assert "--force" in result.output and out.read_text() == "keep me\n"


def test_no_traceback_from_python_m_harness(tmp_path: Path) -> None:
    out = tmp_path / "a-file"
    out.write_text("x")
    proc = subprocess.run(
        [sys.executable, "-m", "harness", "score", str(RESPONSE), "-q", "-o", str(out)],
        capture_output=True,
        text=True,
        env=os.environ | ENV,
        check=False,
    )
    assert proc.returncode == 2 and proc.stdout == "", proc.stdout + proc.stderr
    assert proc.stderr.count("\n") == 1 and str(out) in proc.stderr, proc.stderr
    assert "Traceback" not in proc.stderr


def test_earlier_run_is_refused_then_replaced_with_force(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke(*COMMANDS["score"](out)).exit_code == 0
    (out / "export").mkdir()  # what iac-harness itself adds to a run: replaced with it
    (out / "export" / "responses.csv").write_text("task_id\n")
    again = invoke(*COMMANDS["score"](out))
    assert_one_line_error(again, out)
    assert "--force" in again.output and "--resume" in again.output
    forced = invoke(*COMMANDS["score"](out), "--force")
    assert forced.exit_code == 0, forced.output
    assert (out / "run.json").is_file() and not (out / "export").exists()
    assert [p.name for p in tmp_path.iterdir()] == ["run"]  # nothing left aside


def test_force_keeps_a_run_that_holds_files_of_the_users(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke(*COMMANDS["score"](out)).exit_code == 0
    (out / "notes.txt").write_text("my review notes\n")
    forced = invoke(*COMMANDS["score"](out), "--force")
    assert_one_line_error(forced, out)
    assert "holds notes.txt" in forced.output
    assert (out / "notes.txt").read_text() == "my review notes\n" and (out / "run.json").is_file()


def test_force_keeps_the_earlier_run_when_inputs_are_unusable(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke(*COMMANDS["score"](out)).exit_code == 0
    result = invoke("score", tmp_path / "nope", "-q", "--out", out, "--force")
    assert_one_line_error(result, tmp_path / "nope")
    assert (out / "run.json").is_file() and [p.name for p in tmp_path.iterdir()] == ["run"]


def test_force_does_not_delete_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    out = tmp_path / "src"
    out.mkdir()
    (out / "main.py").write_text("print('mine')\n")
    result = invoke(*COMMANDS["score"](out), "--force")
    assert_one_line_error(result, out)
    assert (out / "main.py").is_file()


def test_resume_and_force_together_are_refused(tmp_path: Path) -> None:
    result = invoke(*COMMANDS["score"](tmp_path / "run"), "--resume", "--force")
    assert_one_line_error(result, Path("--resume"))


def test_resume_with_another_rubric_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "run"
    assert invoke("score", RESPONSE, "-q", "--no-reports", "--out", out).exit_code == 0
    result = invoke(
        "score", RESPONSE, "-q", "--no-reports", "--out", out, "--resume", "-r", "aws-prod-stack"
    )
    assert_one_line_error(result, out)
    assert "rescore" in result.output


def test_interrupt_while_writing_reports_says_what_was_kept(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(out: Path, *formats: str, **options: object) -> list[Path]:
        raise KeyboardInterrupt

    monkeypatch.setattr("harness.cli.score._build_reports", interrupted)
    out = tmp_path / "run"
    result = invoke("score", RESPONSE, "-q", "--out", out)
    assert result.exit_code == 130, result.output
    last = result.output.strip().splitlines()[-1]
    assert last.startswith("iac-harness: error: interrupted while writing reports"), last
    assert "results.jsonl" in last and f"iac-harness report {out}" in last, last
    assert (out / "results.jsonl").is_file() and (out / "run.json").is_file()


def test_last_line_gives_scoring_and_report_seconds(tmp_path: Path) -> None:
    result = invoke("score", RESPONSE, "-q", "--out", tmp_path / "run")
    assert result.exit_code == 0, result.output
    last = " ".join(result.output.strip().splitlines()[-1].split())
    assert "scored in " in last and "reports written in " in last, last
    skipped = invoke("score", RESPONSE, "-q", "--no-report", "--out", tmp_path / "run2")
    assert "reports skipped" in skipped.output
