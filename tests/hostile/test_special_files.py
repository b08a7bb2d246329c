"""Task inputs that are not regular files: a dangling symlink, a symlink to ``/dev/zero``, a
FIFO and a folder, each named like a response. A batch must neither hang on them (a FIFO
blocks its reader until a writer comes; ``/dev/zero`` never ends) nor drop them silently:
each becomes an error result naming the problem, and the other responses are scored."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_TASK

pytestmark = pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs (POSIX)")


def _cli(*args: str | Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "harness", *map(str, args)],
        capture_output=True, text=True, timeout=300, check=False,
    )  # fmt: skip


@pytest.fixture
def task(tmp_path: Path) -> Path:
    folder = tmp_path / "tasks" / "t1"
    shutil.copytree(SAMPLE_TASK, folder)
    (folder / "MODEL_RESPONSE5.md").symlink_to("/nonexistent/response.md")
    (folder / "MODEL_RESPONSE6.md").symlink_to("/dev/zero")
    os.mkfifo(folder / "MODEL_RESPONSE7.md")
    (folder / "MODEL_RESPONSE8.md").mkdir()
    return folder


def test_each_special_response_is_an_error_result_and_the_rest_is_scored(
    task: Path, tmp_path: Path
) -> None:
    out = tmp_path / "run"
    done = _cli("score", task.parent, "-q", "--no-reports", "--no-cache", "-o", out)
    assert done.returncode == 0, done.stdout + done.stderr
    results = {
        r["response_id"]: r
        for r in map(json.loads, (out / "responses.jsonl").read_text().splitlines())
    }
    assert "No such file or directory" in results["MODEL_RESPONSE5"]["error"]
    for special in ("MODEL_RESPONSE6", "MODEL_RESPONSE7", "MODEL_RESPONSE8"):
        assert "not a regular file" in results[special]["error"], results[special]["error"]
    assert results["MODEL_RESPONSE"]["error"] is None and results["MODEL_RESPONSE"]["overall"]
    assert "4 could not be scored" in done.stdout


@pytest.mark.parametrize("command", ["score", "extract"])
def test_a_special_file_given_as_input_is_one_line(
    task: Path, tmp_path: Path, command: str
) -> None:
    done = _cli(command, task / "MODEL_RESPONSE7.md", "-o", tmp_path / "out")
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        f"iac-harness: error: {task / 'MODEL_RESPONSE7.md'}: not a regular file or a folder "
        "(a device, FIFO or socket)"
    ]


def test_a_special_prompt_is_not_read(task: Path) -> None:
    from harness.prompt import PromptError, read_prompt_file

    with pytest.raises(PromptError, match=r"not a regular file"):
        read_prompt_file(task / "MODEL_RESPONSE7.md")
