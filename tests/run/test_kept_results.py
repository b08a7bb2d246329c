"""The results ``score_paths`` returns are what its run folder holds.

A unit graded in this process is kept as the object it was serialised from (no read-back of
its responses.jsonl line); it must equal that line read back, field by field and type by
type, or the library's callers would see something the run folder does not say."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pytest

from harness.run import BatchOptions, score_paths
from harness.store import response_from_line
from tests.conftest import CFN_SAMPLE_TASK, SAMPLE_REFERENCE, SAMPLE_TASK


def _differences(a: object, b: object, path: str = "result") -> list[str]:
    """Where ``a`` and ``b`` differ in value or in type (``1`` and ``1.0`` differ)."""
    if type(a) is not type(b):
        return [f"{path}: {type(a).__name__} != {type(b).__name__}"]
    if dataclasses.is_dataclass(a) and not isinstance(a, type):
        return [
            d
            for f in dataclasses.fields(a)
            for d in _differences(getattr(a, f.name), getattr(b, f.name), f"{path}.{f.name}")
        ]
    if isinstance(a, (list, tuple)):
        assert isinstance(b, (list, tuple))
        if len(a) != len(b):
            return [f"{path}: {len(a)} items != {len(b)}"]
        return [
            d
            for i, (x, y) in enumerate(zip(a, b, strict=True))
            for d in _differences(x, y, f"{path}[{i}]")
        ]
    if isinstance(a, dict):
        assert isinstance(b, dict)
        if list(a) != list(b):
            return [f"{path}: keys {list(a)} != {list(b)}"]
        return [d for k in a for d in _differences(a[k], b[k], f"{path}[{k!r}]")]
    return [] if a == b else [f"{path}: {a!r} != {b!r}"]


@pytest.mark.parametrize(
    ("task", "reference"),
    [(SAMPLE_TASK, None), (SAMPLE_TASK, SAMPLE_REFERENCE), (CFN_SAMPLE_TASK, None)],
)
def test_kept_results_equal_the_run_folder(
    task: Path, reference: Path | None, tmp_path: Path
) -> None:
    run = score_paths(
        [task], "terraform-aws-production", tmp_path / "run", reference, options=BatchOptions()
    )
    lines = (tmp_path / "run" / "responses.jsonl").read_text(encoding="utf-8").splitlines()
    assert len(run.responses) == len(lines) >= 3
    for kept, line in zip(run.responses, lines, strict=True):
        back = response_from_line(line)
        assert kept.input_sha256  # filled, as the line has it
        assert _differences(kept, back) == [], kept.key


def test_the_difference_finder_sees_types() -> None:
    assert _differences({"a": 1}, {"a": 1.0}) == ["result['a']: int != float"]
    assert _differences((1, "x"), [1, "x"]) == ["result: tuple != list"]
