"""One writer per run folder: a second one (a ``--resume`` or ``--force`` started while the
first still scores) is refused before it touches a file, and the folder is free again once
the first closes (or its process dies: the lock is the kernel's)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.store import RunFolderBusy, RunWriter, run_folder_busy, write_run
from tests.conftest import SAMPLE_REFERENCE, SAMPLE_TASK
from tests.report.synthetic import synthetic_run

HOLD = """
import sys, time
from pathlib import Path
from harness.store import RunWriter
writer = RunWriter(Path(sys.argv[1]), ["security"], resume=True)
print("holding", flush=True)
time.sleep(120)
"""


def _files(folder: Path) -> dict[str, bytes]:
    return {p.name: p.read_bytes() for p in folder.iterdir() if p.is_file()}


def test_a_second_writer_is_refused_until_the_first_closes(tmp_path: Path) -> None:
    run = synthetic_run()
    write_run(tmp_path, run)
    first = RunWriter(tmp_path, ["security"], resume=True)
    assert run_folder_busy(tmp_path)
    before = _files(tmp_path)
    with pytest.raises(RunFolderBusy, match="another iac-harness process is writing"):
        RunWriter(tmp_path, ["security"], resume=True)
    assert _files(tmp_path) == before  # the refused writer repaired nothing
    first.close(run.info)
    assert not run_folder_busy(tmp_path)
    RunWriter(tmp_path, ["security"], resume=True).close(run.info)


def test_the_command_line_refuses_a_run_another_process_writes(tmp_path: Path) -> None:
    out = tmp_path / "run"
    base = ["score", str(SAMPLE_TASK), "--reference", str(SAMPLE_REFERENCE), "-o", str(out)]
    assert CliRunner().invoke(app, [*base, "--no-report", "-q"]).exit_code == 0
    holder = subprocess.Popen(
        [sys.executable, "-c", HOLD, str(out)], stdout=subprocess.PIPE, text=True
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "holding"
        before = _files(out)
        for extra in (["--resume"], ["--force"]):
            result = CliRunner().invoke(app, [*base, "--no-report", "-q", *extra])
            message = " ".join(result.output.split())
            assert result.exit_code == 2, result.output
            assert "another iac-harness process is writing this run" in message
            assert _files(out) == before
    finally:
        holder.kill()
        holder.wait(timeout=30)
    assert not run_folder_busy(out)  # a killed writer leaves no lock behind
