"""Without ``--jobs``, a batch takes one worker per CPU it may use, no more than one per
``UNITS_PER_WORKER`` units to grade and no more than memory holds at the memory limit; a
number the user gives is kept as it is."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any, cast

import pytest

from harness.cli.score import batch_options
from harness.run import batch, executors
from harness.run.batch import BatchOptions
from harness.run.executors import UNITS_PER_WORKER, auto_workers
from harness.run.units import BatchSettings

GIB_PAGES = 2**30 // 4096


@pytest.fixture
def eight_cpus_16_gib(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(executors.os, "sched_getaffinity", lambda pid: set(range(8)), raising=False)
    sizes = {"SC_PHYS_PAGES": 16 * GIB_PAGES, "SC_PAGE_SIZE": 4096}
    monkeypatch.setattr(executors.os, "sysconf", lambda name: sizes[name])


@pytest.mark.usefixtures("eight_cpus_16_gib")
@pytest.mark.parametrize(
    ("units", "memory_limit_mb", "workers"),
    [
        (1, 2048, 1),  # a single response: one worker
        (UNITS_PER_WORKER, 2048, 1),
        (UNITS_PER_WORKER + 1, 2048, 2),
        (5 * UNITS_PER_WORKER, 2048, 5),
        (100_000, None, 8),  # every CPU, and no more
        (100_000, 4096, 4),  # 16 GiB holds four workers of 4 GiB
        (100_000, 64 * 1024, 1),  # a limit over the machine's memory still gets one
    ],
)
def test_workers_follow_units_cpus_and_memory(
    units: int, memory_limit_mb: int | None, workers: int
) -> None:
    assert auto_workers(units, memory_limit_mb) == workers


def test_without_affinity_or_sysconf_every_cpu_counts(monkeypatch: pytest.MonkeyPatch) -> None:
    def no_affinity(pid: int) -> set[int]:
        raise AttributeError("sched_getaffinity")

    def no_sysconf(name: str) -> int:
        raise ValueError(name)

    monkeypatch.setattr(executors.os, "sched_getaffinity", no_affinity, raising=False)
    monkeypatch.setattr(executors.os, "cpu_count", lambda: 3)
    monkeypatch.setattr(executors.os, "sysconf", no_sysconf)
    assert auto_workers(100_000, 2048) == 3


def _pool_size(monkeypatch: pytest.MonkeyPatch, options: BatchOptions, units: int) -> int:
    """The worker count ``options`` gives the pool for ``units`` units to grade."""
    asked: list[int] = []

    def fake_pool(work: Any, settings: Any, workers: int, *limits: Any) -> Iterator[Any]:
        asked.append(workers)
        return iter(())

    monkeypatch.setattr(executors, "run_pool", fake_pool)
    work = cast(Any, [(index, None, None) for index in range(units)])
    started, produced = batch._run(work, cast(BatchSettings, None), options)
    assert list(produced) == [] and started == asked[0]
    return asked[0]


@pytest.mark.usefixtures("eight_cpus_16_gib")
def test_the_batch_sizes_its_pool_by_the_units_left_to_grade(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    auto = BatchOptions(jobs=None, time_limit_s=60, memory_limit_mb=2048)
    assert _pool_size(monkeypatch, auto, 40) == 3
    assert _pool_size(monkeypatch, auto, 10_000) == 8
    given = BatchOptions(jobs=2, time_limit_s=60, memory_limit_mb=2048)
    assert _pool_size(monkeypatch, given, 10_000) == 2


@pytest.mark.parametrize("jobs", [None, 3])
def test_the_command_line_leaves_the_number_to_the_batch(jobs: int | None) -> None:
    options = batch_options(
        jobs=jobs,
        executor="local",
        scheduler=None,
        cache=None,
        no_cache=True,
        time_limit=60.0,
        memory_limit=2048,
    )
    assert options.jobs == jobs  # None: the batch sizes its pool (auto_workers)
