"""A unit is graded with the cyclic garbage collector paused; its state is restored after, and
what the unit left alive is frozen until its batch ends (or the next thaw)."""

from __future__ import annotations

import gc
from collections.abc import Iterator
from pathlib import Path

import pytest

from harness.collector import paused_collector
from harness.rubric import load_rubric
from harness.run import score_paths, units
from harness.run.plan import discover
from tests.conftest import SAMPLE_TASK


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


@pytest.fixture
def thawed() -> Iterator[None]:
    gc.unfreeze()
    yield
    gc.unfreeze()


@pytest.mark.usefixtures("collector_state", "thawed")
def test_freeze_moves_what_is_alive_out_of_the_collectors_way() -> None:
    gc.enable()
    with paused_collector(freeze=True):
        kept = [object() for _ in range(10)]
    assert gc.isenabled() and gc.get_freeze_count() > 0 and kept
    with paused_collector(freeze=True), pytest.raises(RuntimeError):
        raise RuntimeError("an error still restores the collector")
    assert gc.isenabled()


@pytest.mark.usefixtures("collector_state", "thawed")
def test_a_batch_leaves_nothing_frozen(tmp_path: Path) -> None:
    gc.enable()
    run = score_paths([SAMPLE_TASK], "terraform-aws-production", tmp_path / "run")
    assert run.responses and gc.isenabled() and gc.get_freeze_count() == 0


@pytest.mark.usefixtures("collector_state", "thawed")
def test_units_thaw_every_so_often_with_a_full_collection(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(units, "_THAW_EVERY", 2)
    collections: list[int] = []

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            collections.append(info["generation"])

    gc.enable()
    state = units.WorkerState(units.BatchSettings(load_rubric("terraform-aws-production")))
    (plan,) = discover([SAMPLE_TASK])
    jobs = [units.UnitJob(u, plan.ideal_source, True, plan.task.prompts) for u in plan.units()]
    gc.callbacks.append(heard)
    try:
        state.graded(jobs[0])
        assert gc.get_freeze_count() > 0 and 2 not in collections  # frozen, not collected
        state.graded(jobs[1])
        assert gc.get_freeze_count() == 0 and 2 in collections  # thawed, fully collected
    finally:
        gc.callbacks.remove(heard)


@pytest.mark.usefixtures("collector_state", "thawed")
def test_objects_someone_else_froze_stay_frozen(tmp_path: Path) -> None:
    gc.enable()
    gc.freeze()
    theirs = gc.get_freeze_count()
    score_paths([SAMPLE_TASK], "terraform-aws-production", tmp_path / "run")
    # not thawed by the batch, nor added to (some of theirs may have been freed since)
    assert 0 < gc.get_freeze_count() <= theirs


@pytest.mark.usefixtures("collector_state", "thawed")
def test_a_unit_that_raises_is_thawed_with_its_batch(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.enable()
    state = units.WorkerState(units.BatchSettings(load_rubric("terraform-aws-production")))
    (plan,) = discover([SAMPLE_TASK])
    job = units.UnitJob(plan.units()[0], plan.ideal_source, True, plan.task.prompts)

    def interrupted(job: units.UnitJob, key: str | None) -> units.Graded:
        raise KeyboardInterrupt

    monkeypatch.setattr(state, "_score", interrupted)
    with pytest.raises(KeyboardInterrupt):
        state.graded(job)
    assert gc.get_freeze_count() > 0
    state.thaw()
    assert gc.get_freeze_count() == 0
