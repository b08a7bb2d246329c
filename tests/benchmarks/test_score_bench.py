"""The scoring benchmark (benchmarks/score.py) times its floor inside each scoring run: every
unit's Terraform files are parsed, and only those parses are counted as the floor."""

from __future__ import annotations

import time
from pathlib import Path
from types import ModuleType

import pytest

from harness.rubric import load_rubric
from harness.run import score_paths
from harness.shipped import sample_reference, sample_tasks
from harness.store import ScoredLines
from tests.benchmarks import load_script


@pytest.fixture(scope="module")
def bench() -> ModuleType:
    return load_script("score")


def _sample_run(tmp_path: Path, name: str, progress: object = None):  # type: ignore[no-untyped-def]
    return score_paths(
        [sample_tasks()],
        load_rubric("terraform-aws-production"),
        tmp_path / name,
        progress=progress,  # type: ignore[arg-type]
        ideal=sample_reference() / "IDEAL_RESPONSE.md",
    )


def test_the_floor_beside_a_run_parses_each_units_files_once(
    bench: ModuleType, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = _sample_run(tmp_path, "first")
    by_unit = bench.hcl_by_unit(first)
    files = sum(len(blobs) for blobs in by_unit.values())
    assert files > 0 and len(by_unit) == len(first.responses)
    assert bench.scored_hcl(first) == [blob for blobs in by_unit.values() for blob in blobs]

    parsed: list[bytes] = []
    parse = bench.parse_floor

    def recording(blobs: list[bytes]) -> None:
        parsed.extend(blobs)
        parse(blobs)

    monkeypatch.setattr(bench, "parse_floor", recording)
    beside = bench.FloorBeside(by_unit, time.process_time)
    _sample_run(tmp_path, "second", beside)
    assert beside.files == files
    assert sorted(parsed) == sorted(bench.scored_hcl(first))
    assert beside.seconds > 0 and beside.wall_seconds > 0


def test_a_unit_the_floor_does_not_know_costs_it_nothing(bench: ModuleType) -> None:
    beside = bench.FloorBeside({("t", "a"): [b'variable "x" {}\n']}, time.process_time)
    beside.start(2)
    beside.advance(_lines("t", "unknown"))
    assert beside.files == 0 and beside.seconds == 0.0
    beside.advance(_lines("t", "a"))
    assert beside.files == 1
    beside.start(1)  # a new run starts from nothing
    assert beside.files == 0 and beside.seconds == 0.0


def _lines(task_id: str, response_id: str) -> ScoredLines:
    return ScoredLines(
        task_id=task_id,
        response_id=response_id,
        is_ideal=False,
        overall=None,
        error=None,
        response_line="",
        result_lines="",
        score_row=(),
    )
