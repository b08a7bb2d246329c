"""Where a batch's units run when not in this process: a killable local pool, or Dask.

Both yield ``(index, ScoredLines)`` as units finish, in any order; the batch writes them in
plan order. Neither ever raises for one unit: a unit over its time limit, a worker stopped by
its memory watchdog or one that died becomes an ``error`` result naming the cause (stage
``timeout``, ``memory`` or ``worker``), and the pool starts a new worker.
"""

from __future__ import annotations

import multiprocessing
import os
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, wait
from concurrent.futures import TimeoutError as FutureTimeout
from contextlib import contextmanager, nullcontext
from itertools import groupby, islice

from harness.run.pipeline import failed_result
from harness.run.units import (
    MEMORY_EXIT,
    BatchSettings,
    UnitJob,
    init_worker,
    score_chunk,
    score_in_worker,
)
from harness.store import ScoredLines, scored_lines

Work = list[tuple[int, UnitJob, str | None]]

#: Jobs queued per worker: enough to keep each busy, few enough that the parent holds little.
QUEUED_PER_WORKER = 4
#: Units per Dask task: Dask costs about 1 ms per task, a unit 20-100 ms: about 0.2-1 s each.
DASK_CHUNK = 8


#: Units a worker must have before one more is started when the user names no number: a
#: spawned worker imports the harness and its parsers (about 0.45 s of CPU), a unit takes
#: 20-100 ms, so a worker pays for its start within a dozen units.
UNITS_PER_WORKER = 16


def auto_workers(units: int, memory_limit_mb: int | None) -> int:
    """How many workers grade ``units`` units when ``--jobs`` is not given: one per CPU this
    process may run on, but at most one per ``UNITS_PER_WORKER`` units (a small run stays in
    one worker) and no more than the machine's memory holds at ``memory_limit_mb`` each."""
    try:
        cpus = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # not Linux: every CPU of the machine
        cpus = os.cpu_count() or 1
    workers = min(cpus, -(-units // UNITS_PER_WORKER))
    if memory_limit_mb:
        try:
            memory_mb = os.sysconf("SC_PHYS_PAGES") * os.sysconf("SC_PAGE_SIZE") // 2**20
        except (AttributeError, OSError, ValueError):  # no sysconf: no cap from memory
            memory_mb = 0
        if memory_mb > 0:
            workers = min(workers, memory_mb // memory_limit_mb)
    return max(1, workers)


#: The Go runtime's collector setting for the worker processes started here, unless the
#: user set ``GOGC``. pygohcl's Go parser renders each file to JSON; at Go's default (100) its
#: collector runs every few MB allocated, a third of the verdict's CPU. At 400 the verdicts of
#: the corpus's 1,143 files take 37 % less CPU, for a few more MB of Go heap per worker.
WORKER_GOGC = "400"


@contextmanager
def worker_environment() -> Iterator[None]:
    """``GOGC`` for the worker processes started inside the block, which inherit the
    environment they start with. Only that environment counts: the Go runtime reads it from
    the process's start-up block, so setting it in a running process (this one, or a worker
    once started) changes nothing. A user's own ``GOGC`` is kept; the environment is restored
    at the end."""
    if "GOGC" in os.environ:
        yield
        return
    os.environ["GOGC"] = WORKER_GOGC
    try:
        yield
    finally:
        os.environ.pop("GOGC", None)


_ERRORS: dict[str, type[Exception]] = {
    "timeout": TimeoutError,
    "memory": MemoryError,
    "worker": ChildProcessError,
}


def failure(job: UnitJob, settings: BatchSettings, stage: str, why: str) -> ScoredLines:
    """The error result of a unit that its worker could not finish."""
    unit = job.unit
    error = _ERRORS.get(stage, RuntimeError)(why)
    result = failed_result(
        unit.task_id, unit.response_id, str(unit.source), stage, error, is_ideal=unit.is_ideal
    )
    return scored_lines(result, settings.category_ids)


def run_pool(
    work: Work,
    settings: BatchSettings,
    workers: int,
    time_limit_s: float | None,
    memory_limit_mb: int | None,
) -> Iterator[tuple[int, ScoredLines]]:
    """Units in a pebble process pool: each with its own timeout, each worker watched for
    memory; a worker that is killed is replaced by the pool (started, as the first ones,
    with ``worker_environment``)."""
    with worker_environment():
        yield from _pooled(work, settings, workers, time_limit_s, memory_limit_mb)


def _pooled(
    work: Work,
    settings: BatchSettings,
    workers: int,
    time_limit_s: float | None,
    memory_limit_mb: int | None,
) -> Iterator[tuple[int, ScoredLines]]:
    from pebble import ProcessExpired, ProcessPool

    # spawn, not fork: the Go runtime inside pygohcl is not fork-safe (a forked worker that
    # parses HCL deadlocks on a futex inherited from the parent's Go threads)
    context = multiprocessing.get_context("spawn")
    pool = ProcessPool(
        max_workers=max(1, workers),
        initializer=init_worker,
        initargs=(settings, memory_limit_mb),
        context=context,
    )
    queue = iter(work)
    running: dict[Future[ScoredLines], tuple[int, UnitJob]] = {}

    def submit(count: int) -> None:
        for index, job, key in islice(queue, count):
            future = pool.schedule(score_in_worker, args=(job, key), timeout=time_limit_s)
            running[future] = (index, job)

    try:
        submit(max(1, workers) * QUEUED_PER_WORKER)
        while running:
            finished, _ = wait(list(running), return_when=FIRST_COMPLETED)
            for future in finished:
                index, job = running.pop(future)
                try:
                    yield index, future.result()
                except FutureTimeout:
                    why = f"over the time limit of {time_limit_s:g} s; its worker was replaced"
                    yield index, failure(job, settings, "timeout", why)
                except ProcessExpired as expired:
                    if expired.exitcode == MEMORY_EXIT:
                        why = f"over the memory limit of {memory_limit_mb} MB; worker replaced"
                        yield index, failure(job, settings, "memory", why)
                    else:
                        why = f"its worker died (exit status {expired.exitcode}); replaced"
                        yield index, failure(job, settings, "worker", why)
                except Exception as exc:  # the worker could not even start the unit
                    yield index, failure(job, settings, "worker", f"{type(exc).__name__}: {exc}")
                submit(1)
    finally:
        pool.stop()
        pool.join()


def run_dask(
    work: Work, settings: BatchSettings, workers: int, scheduler: str | None
) -> Iterator[tuple[int, ScoredLines]]:
    """Units on a Dask cluster (``scheduler``'s, or a LocalCluster of ``workers`` processes):
    chunks of one task's units, the settings scattered once, results streamed back as they
    complete. A chunk that fails as a whole yields an error result per unit."""
    # a LocalCluster's nannies live in this process and start (and restart) its workers here
    with worker_environment() if scheduler is None else nullcontext():
        yield from _on_dask(work, settings, workers, scheduler)


def _on_dask(
    work: Work, settings: BatchSettings, workers: int, scheduler: str | None
) -> Iterator[tuple[int, ScoredLines]]:
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as exc:  # the optional extra is not installed
        raise RuntimeError(
            "--executor dask needs the dask extra: pip install 'iac-harness[dask]'"
        ) from exc

    cluster = None
    if scheduler is None:
        cluster = LocalCluster(
            n_workers=max(1, workers),
            threads_per_worker=1,
            processes=True,
            dashboard_address=None,
        )
        client = Client(cluster)
    else:
        client = Client(scheduler)
    try:
        shared = client.scatter(settings, broadcast=True)
        chunks: dict[object, Work] = {}
        for _, by_task in groupby(work, key=lambda item: item[1].unit.task_id):
            units = list(by_task)
            for start in range(0, len(units), DASK_CHUNK):
                chunk = units[start : start + DASK_CHUNK]
                future = client.submit(score_chunk, chunk, shared, pure=False)
                chunks[future] = chunk
        for future in as_completed(list(chunks)):
            chunk = chunks.pop(future)
            try:
                yield from future.result()
            except Exception as exc:  # the whole chunk failed (a worker died): say so per unit
                why = f"{type(exc).__name__}: {exc}"
                for index, job, _ in chunk:
                    yield index, failure(job, settings, "worker", why)
            future.release()
    finally:
        client.close()
        if cluster is not None:
            cluster.close()
