"""The batch layer end to end: resume after kill -9, cache reuse, hard limits, Dask.

Workers are real processes (spawned), so a patched step reaches them through a
``sitecustomize`` module on PYTHONPATH rather than through monkeypatch."""

from __future__ import annotations

import csv
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

import pytest

from tests.conftest import SAMPLE_TASK

SAME_RESULTS = Path(__file__).resolve().parents[2] / "scripts" / "same_results.py"
RUBRIC = "aws-prod-stack"


def make_tasks(root: Path, count: int) -> Path:
    """``count`` copies of the bundled sample task (5 units each)."""
    for n in range(count):
        shutil.copytree(SAMPLE_TASK, root / f"task-{n:02d}")
    return root


def harness(*args: str | Path, env: dict[str, str] | None = None) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [sys.executable, "-m", "harness", *map(str, args)],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env={**os.environ, **(env or {})},
    )


def finish(process: subprocess.Popen[bytes]) -> str:
    out, _ = process.communicate(timeout=600)
    assert process.returncode == 0, out.decode()
    return out.decode()


def lines(path: Path) -> list[str]:
    return path.read_text(encoding="utf-8").splitlines() if path.is_file() else []


def wait_for(condition, timeout: float = 120.0) -> None:  # type: ignore[no-untyped-def]
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not reached"
        time.sleep(0.02)


def assert_exactly_once(run: Path, units: int) -> None:
    responses = [json.loads(line) for line in lines(run / "responses.jsonl")]
    keys = Counter((r["task_id"], r["response_id"]) for r in responses)
    assert len(keys) == units and set(keys.values()) == {1}
    rows = Counter(
        (r["task_id"], r["response_id"], r["criterion_id"])
        for r in map(json.loads, lines(run / "results.jsonl"))
    )
    assert set(rows.values()) == {1}
    graded = {(r["task_id"], r["response_id"]) for r in responses if r["error"] is None}
    assert {k[:2] for k in rows} == graded  # an error result has no criterion rows
    with (run / "scores.csv").open(newline="") as handle:
        scores = Counter((r[0], r[1]) for r in list(csv.reader(handle))[1:])
    assert scores == keys


def assert_same(a: Path, b: Path) -> None:
    result = subprocess.run(
        [sys.executable, SAME_RESULTS, a, b], capture_output=True, text=True, check=False
    )
    assert result.returncode == 0 and "identical" in result.stdout, result.stdout


@pytest.fixture(scope="module")
def tasks(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tasks(tmp_path_factory.mktemp("tasks"), 6)


@pytest.fixture(scope="module")
def uninterrupted(tasks: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("whole") / "run"
    finish(harness("score", tasks, "-r", RUBRIC, "-q", "--no-reports", "--no-cache", "-o", out))
    return out


def test_without_jobs_the_run_takes_the_workers_its_size_calls_for(uninterrupted: Path) -> None:
    from harness.run.executors import auto_workers

    counts = json.loads((uninterrupted / "run.json").read_text())["counts"]
    assert counts["workers"] == auto_workers(30, 2048)  # the command line's memory limit


PACED = """
import time
import harness.run.pipeline as pipeline

_evaluate = pipeline.evaluate

def evaluate(rubric, ctx, *args):
    time.sleep(0.1)
    return _evaluate(rubric, ctx, *args)

pipeline.evaluate = evaluate
"""


@pytest.fixture(scope="module")
def paced(tmp_path_factory: pytest.TempPathFactory) -> dict[str, str]:
    """The environment of a run whose every unit takes 0.1 s more: a kill after the n-th line
    lands before the last one on any machine (a fast one finished all 30 between two polls)."""
    patch = tmp_path_factory.mktemp("paced")
    (patch / "sitecustomize.py").write_text(PACED)
    return {"PYTHONPATH": f"{patch}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"}


@pytest.mark.parametrize("after", [1, 9, 20])
def test_kill_9_during_scoring_then_resume(
    tasks: Path, uninterrupted: Path, paced: dict[str, str], tmp_path: Path, after: int
) -> None:
    out = tmp_path / "run"
    process = harness(
        "score", tasks, "-r", RUBRIC, "-q", "--no-reports", "--no-cache", "-o", out, env=paced
    )
    wait_for(lambda: len(lines(out / "responses.jsonl")) >= after)
    process.send_signal(signal.SIGKILL)
    process.wait()
    kept = len(lines(out / "responses.jsonl"))
    assert 0 < kept < 30
    text = finish(
        harness(
            "score", tasks, "-r", RUBRIC, "-q", "--no-reports", "--no-cache", "-o", out, "--resume"
        )
    )
    assert f"{kept} kept from the interrupted run" in text
    assert_exactly_once(out, 30)
    assert_same(uninterrupted, out)


def test_torn_lines_in_every_file_are_dropped_on_resume(
    tasks: Path, uninterrupted: Path, paced: dict[str, str], tmp_path: Path
) -> None:
    out = tmp_path / "run"
    process = harness(
        "score", tasks, "-r", RUBRIC, "-q", "--no-reports", "--no-cache", "-o", out, env=paced
    )
    wait_for(lambda: len(lines(out / "responses.jsonl")) >= 5)
    process.send_signal(signal.SIGKILL)
    process.wait()
    # a kill in the middle of writes: half a line at the end of each file, rows of a response
    # whose responses.jsonl line never came, and a duplicate row
    extra_row = lines(out / "results.jsonl")[0]
    with (out / "results.jsonl").open("a") as handle:
        handle.write(extra_row.replace('"task-', '"task-zz-') + "\n" + extra_row + "\n")
        handle.write(extra_row[: len(extra_row) // 2])
    with (out / "scores.csv").open("a") as handle:
        handle.write("task-05,MODEL_RESPONSE9,1")
    with (out / "responses.jsonl").open("a") as handle:
        handle.write(lines(out / "responses.jsonl")[0][:100])
    finish(
        harness(
            "score", tasks, "-r", RUBRIC, "-q", "--no-reports", "--no-cache", "-o", out, "--resume"
        )
    )
    assert_exactly_once(out, 30)
    assert_same(uninterrupted, out)


def test_kill_9_while_reports_are_written_then_resume(tasks: Path, tmp_path: Path) -> None:
    out = tmp_path / "run"
    one = tasks / "task-00"
    process = harness("score", one, "-r", RUBRIC, "-q", "--no-cache", "-o", out)
    wait_for(lambda: (out / "report").is_dir())
    process.send_signal(signal.SIGKILL)
    process.wait()
    text = finish(harness("score", one, "-r", RUBRIC, "-q", "--no-cache", "-o", out, "--resume"))
    assert "5 kept from the interrupted run" in text
    assert_exactly_once(out, 5)
    assert (out / "report" / "index.html").is_file()


def test_warm_cache_and_rescore_give_the_same_results(
    tasks: Path, uninterrupted: Path, tmp_path: Path
) -> None:
    cache = tmp_path / "cache"
    cold, warm = tmp_path / "cold", tmp_path / "warm"
    finish(
        harness("score", tasks, "-r", RUBRIC, "-q", "--no-reports", "--cache", cache, "-o", cold)
    )
    text = finish(
        harness("score", tasks, "-r", RUBRIC, "-q", "--no-reports", "--cache", cache, "-o", warm)
    )
    assert "30 from cache" in text
    assert_same(uninterrupted, cold)
    assert_same(uninterrupted, warm)
    again = tmp_path / "again"
    finish(harness("rescore", cold, "-q", "--no-reports", "--cache", cache, "-o", again))
    assert_same(uninterrupted, again)
    other = tmp_path / "other"
    finish(
        harness(
            "rescore",
            cold,
            "-r",
            "terraform-aws-production",
            "-q",
            "--no-reports",
            "--cache",
            cache,
            "-o",
            other,
        )
    )
    info = json.loads((other / "run.json").read_text())
    assert info["rubric"]["id"] == "terraform-aws-production"
    assert info["counts"]["responses"] == 30 and info["counts"]["cached"] == 0


SITECUSTOMIZE = """
import time
import harness.run.pipeline as pipeline

_evaluate = pipeline.evaluate

def evaluate(rubric, ctx, *args):
    text = "".join(f.content for f in ctx.tree)
    if "SLOW-MARKER" in text:
        time.sleep(120)
    if "HOG-MARKER" in text:
        hog = [bytearray(64 * 1024 * 1024) for _ in range(64)]
        time.sleep(120)
    return _evaluate(rubric, ctx, *args)

pipeline.evaluate = evaluate
"""


def test_time_and_memory_limits_turn_into_error_results(tmp_path: Path) -> None:
    tasks = make_tasks(tmp_path / "in", 1)
    task = tasks / "task-00"
    slow = task / "MODEL_RESPONSE2.md"
    slow.write_text(slow.read_text() + '\n```hcl\n# main.tf\nlocals { m = "SLOW-MARKER" }\n```\n')
    hog = task / "MODEL_RESPONSE3.md"
    hog.write_text(hog.read_text() + '\n```hcl\n# main.tf\nlocals { m = "HOG-MARKER" }\n```\n')
    patch = tmp_path / "patch"
    patch.mkdir()
    (patch / "sitecustomize.py").write_text(SITECUSTOMIZE)
    out = tmp_path / "run"
    started = time.monotonic()
    text = finish(
        harness(
            "score",
            tasks,
            "-r",
            RUBRIC,
            "-q",
            "--no-reports",
            "--no-cache",
            "-o",
            out,
            "--jobs",
            "2",
            "--time-limit",
            "5",
            "--memory-limit",
            "1024",
            env={"PYTHONPATH": f"{patch}{os.pathsep}{os.environ.get('PYTHONPATH', '')}"},
        )
    )
    assert time.monotonic() - started < 100
    assert "3 could not be scored" in text  # the follow-up's overlay holds the marker too
    results = {r["response_id"]: r for r in (json.loads(x) for x in lines(out / "responses.jsonl"))}
    for slow_id in ("MODEL_RESPONSE2", "MODEL_RESPONSE2+overlay"):
        assert results[slow_id]["error"] == (
            "timeout: TimeoutError: over the time limit of 5 s; its worker was replaced"
        )
    assert results["MODEL_RESPONSE3"]["error"].startswith("memory: MemoryError: over the")
    for fine in ("MODEL_RESPONSE", "MODEL_RESPONSE4"):
        assert results[fine]["error"] is None and results[fine]["overall"] > 0
    assert_exactly_once(out, 5)


def test_dask_local_cluster_gives_the_local_results(
    tasks: Path, uninterrupted: Path, tmp_path: Path
) -> None:
    pytest.importorskip("distributed")
    out = tmp_path / "dask"
    finish(
        harness(
            "score",
            tasks,
            "-r",
            RUBRIC,
            "-q",
            "--no-reports",
            "--no-cache",
            "-o",
            out,
            "--executor",
            "dask",
            "--jobs",
            "2",
        )
    )
    assert_exactly_once(out, 30)
    assert_same(uninterrupted, out)


def test_scheduler_without_dask_is_a_one_line_error(tmp_path: Path) -> None:
    process = harness("score", "--scheduler", "tcp://x:1", "-o", tmp_path / "r")
    out, _ = process.communicate(timeout=120)
    assert process.returncode == 2
    assert out.decode().strip().startswith("iac-harness: error: --scheduler needs")


REWEIGHTED = """\
id: reweighted
version: "1"
title: the sample rubric with weights, a severity and a gate changed (no parameter)
extends: aws-prod-stack
criteria:
  - id: tone.professional
    weight: 3
  - id: security.s3_versioning
    severity: critical
    gate: true
"""


def test_rescore_with_new_weights_rebuilds_from_known_criteria(tasks: Path, tmp_path: Path) -> None:
    """A rubric that changes only weights, severities and gates reuses every criterion's
    result (no model is loaded, no check runs) and still equals a cold run with it."""
    cache = tmp_path / "cache"
    rubric = tmp_path / "reweighted.yaml"
    rubric.write_text(REWEIGHTED)
    first, again, cold = tmp_path / "first", tmp_path / "again", tmp_path / "cold"
    one = tasks / "task-00"
    finish(harness("score", one, "-r", RUBRIC, "-q", "--no-reports", "--cache", cache, "-o", first))
    finish(
        harness("rescore", first, "-r", rubric, "-q", "--no-reports", "--cache", cache, "-o", again)
    )
    finish(harness("score", one, "-r", rubric, "-q", "--no-reports", "--no-cache", "-o", cold))
    assert_same(cold, again)
    text = finish(harness("cache", "info", "--cache", cache))
    assert "criteria" in text and "facts" in text
