"""Worker processes start with ``GOGC`` set (Go reads it only at a process's start), unless
the user set their own; the parent's environment is restored afterwards."""

from __future__ import annotations

import multiprocessing
import os

import pytest

from harness.run.executors import WORKER_GOGC, worker_environment


def _report_gogc(queue: multiprocessing.Queue[str | None]) -> None:
    queue.put(os.environ.get("GOGC"))


def _gogc_of_a_spawned_worker() -> str | None:
    context = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[str | None] = context.Queue()
    process = context.Process(target=_report_gogc, args=(queue,))
    process.start()
    try:
        return queue.get(timeout=60)
    finally:
        process.join(timeout=60)


def test_a_worker_started_inside_starts_with_the_setting(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    with worker_environment():
        assert _gogc_of_a_spawned_worker() == WORKER_GOGC
    assert "GOGC" not in os.environ
    assert _gogc_of_a_spawned_worker() is None


def test_the_users_own_setting_is_kept(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("GOGC", "off")
    with worker_environment():
        assert os.environ["GOGC"] == "off"
    assert os.environ["GOGC"] == "off"


def test_the_environment_is_restored_when_the_block_fails(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    monkeypatch.delenv("GOGC", raising=False)
    with pytest.raises(RuntimeError), worker_environment():
        assert os.environ["GOGC"] == WORKER_GOGC
        raise RuntimeError("a unit failed")
    assert "GOGC" not in os.environ


def _gogc() -> str | None:
    return os.environ.get("GOGC")


def test_local_dask_workers_start_and_restart_with_the_setting(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A LocalCluster's nannies live in this process and start each worker process from it,
    a restarted one too: the setting must hold for as long as the cluster runs."""
    distributed = pytest.importorskip("distributed")
    monkeypatch.delenv("GOGC", raising=False)
    with (
        worker_environment(),
        distributed.LocalCluster(
            n_workers=1, threads_per_worker=1, processes=True, dashboard_address=None
        ) as cluster,
        distributed.Client(cluster) as client,
    ):
        assert set(client.run(_gogc).values()) == {WORKER_GOGC}
        client.restart()
        assert set(client.run(_gogc).values()) == {WORKER_GOGC}
