"""`iac-harness report` end to end: a missing RUN_DIR is one error line and the usage."""

from __future__ import annotations

from typer.testing import CliRunner

from harness.cli import app

RUNNER = CliRunner()


def test_report_without_run_dir_is_one_line_and_the_usage() -> None:
    result = RUNNER.invoke(app, ["report"], env={"COLUMNS": "200"})
    assert result.exit_code == 2, result.output
    lines = [line for line in result.output.splitlines() if line.strip()]
    errors = [line for line in lines if line.startswith("iac-harness: error:")]
    assert len(errors) == 1 and "RUN_DIR" in errors[0], result.output
    assert len(lines) == 2 and lines[0].startswith("Usage:") and "report" in lines[0]
    assert "Traceback" not in result.output
