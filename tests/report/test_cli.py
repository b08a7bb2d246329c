"""`iac-harness report RUN_DIR [--html] [--xlsx] [--sarif]`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.store import write_run
from tests.report.synthetic import synthetic_run

runner = CliRunner()


def test_report_builds_all_three_and_prints_paths(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "report" / "index.html") in result.output
    assert str(tmp_path / "report.xlsx") in result.output
    assert str(tmp_path / "findings.sarif") in result.output
    for path in ("report/index.html", "report.xlsx", "findings.sarif"):
        assert (tmp_path / path).is_file()


def test_report_builds_only_what_is_asked(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    result = runner.invoke(app, ["report", str(tmp_path), "--xlsx"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.xlsx").is_file()
    assert not (tmp_path / "report").exists() and not (tmp_path / "findings.sarif").exists()
    shutil.rmtree(tmp_path / "extracted", ignore_errors=True)
    result = runner.invoke(app, ["report", str(tmp_path), "--html", "--sarif"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report" / "index.html").is_file() and (
        tmp_path / "findings.sarif"
    ).is_file()


def test_a_folder_that_is_not_a_run_is_a_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    # one message (rich may wrap it at the terminal width): names the missing file
    message = " ".join(result.output.split())
    assert message.startswith("iac-harness: error:") and message.count("error:") == 1
    assert "run.json: not found" in message
    missing = runner.invoke(app, ["report", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such folder" in " ".join(missing.output.split())


def test_a_corrupt_run_names_the_file_and_line(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    with (tmp_path / "responses.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "responses.jsonl:9" in result.output.replace("\n", "")


def test_reports_picks_formats_by_name(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    result = runner.invoke(app, ["report", str(tmp_path), "--reports", "xlsx,sarif"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.xlsx").is_file() and (tmp_path / "findings.sarif").is_file()
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize("command", ["report", "score"])
def test_an_unknown_report_name_is_a_one_line_error(tmp_path: Path, command: str) -> None:
    write_run(tmp_path / "run", synthetic_run())
    args = [str(tmp_path / "run")] if command == "report" else ["-o", str(tmp_path / "new")]
    result = runner.invoke(app, [command, *args, "--reports", "html,pdf"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert message.startswith("iac-harness: error:") and message.count("error:") == 1
    assert "'pdf'" in message and message.endswith("known: html, sarif, xlsx")
    assert not (tmp_path / "run" / "report").exists() and not (tmp_path / "new").exists()


def test_score_builds_only_the_named_reports(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["score", "-q", "-o", str(out), "--reports", "sarif"])
    assert result.exit_code == 0, result.output
    assert (out / "findings.sarif").is_file()
    assert not (out / "report").exists() and not (out / "report.xlsx").exists()
    both = runner.invoke(
        app, ["score", "-q", "-o", str(tmp_path / "x"), "--no-report", "--reports", "html"]
    )
    assert both.exit_code == 2 and "contradict" in both.output
