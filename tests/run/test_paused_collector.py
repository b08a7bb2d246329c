"""A unit is graded with the cyclic garbage collector paused; its state is restored after."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.run.units import paused_collector


@pytest.fixture
def collector_state() -> Iterator[None]:
    enabled = gc.isenabled()
    yield
    if enabled:
        gc.enable()
    else:
        gc.disable()


@pytest.mark.usefixtures("collector_state")
def test_paused_while_grading_and_restored_after() -> None:
    gc.enable()
    with paused_collector():
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(RuntimeError), paused_collector():
        raise RuntimeError("a unit's error still restores the collector")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_a_caller_that_disabled_it_keeps_it_disabled() -> None:
    gc.disable()
    with paused_collector():
        pass
    assert not gc.isenabled()


@pytest.mark.usefixtures("collector_state")
def test_scoring_a_unit_pauses_it(tmp_path: Path) -> None:
    from harness.run import units

    seen: list[bool] = []
    original = units.WorkerState._score

    def spy(self: units.WorkerState, job: units.UnitJob, key: str | None) -> object:
        seen.append(gc.isenabled())
        return original(self, job, key)

    gc.enable()
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(units.WorkerState, "_score", spy)
        from harness.run import score_paths
        from harness.shipped import sample_tasks

        score_paths([sample_tasks()], "terraform-aws-production", tmp_path)
    assert seen and not any(seen)
    assert gc.isenabled()
