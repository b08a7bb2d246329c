"""Score a batch into a run folder: every response of every task, each isolated.

An exception anywhere in one response's pipeline becomes a ``ResponseResult`` with ``error``
set and the batch goes on; results are appended to the run folder as each one finishes, so an
interrupted batch keeps everything already scored.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Protocol

from harness.checks.types import ReferenceContext
from harness.results import CriterionStatus, ResponseResult, RunData, RunInfo
from harness.rubric import Rubric, load_rubric
from harness.run import pipeline
from harness.run.pipeline import STAGES
from harness.run.plan import InputError, TaskPlan, discover, with_reference_ideal
from harness.run.walk import iter_task
from harness.store import RunWriter
from harness.tasks import IDEAL_ID, OVERLAY_SUFFIX
from harness.version import __version__


class Progress(Protocol):
    """What a batch reports as it goes (the CLI draws a bar; a library caller may log)."""

    def start(self, total: int) -> None: ...

    def advance(self, result: ResponseResult) -> None: ...

    def stop(self) -> None: ...


def _task_results(
    plan: TaskPlan, rubric: Rubric, reference: ReferenceContext | None
) -> list[ResponseResult]:
    """Worker entry point for ``--jobs``: a whole task in one process."""
    return list(iter_task(plan, rubric, reference))


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _counts(results: Sequence[ResponseResult], tasks: int) -> dict[str, int]:
    return {
        "tasks": tasks,
        "responses": len(results),
        "ideal": sum(r.is_ideal for r in results),
        "overlay": sum(r.response_id.endswith(OVERLAY_SUFFIX) for r in results),
        "errors": sum(r.error is not None for r in results),
        "criterion_errors": sum(
            c.status is CriterionStatus.ERROR for r in results for c in r.criteria
        ),
    }


def tasks_without_reference(results: Sequence[ResponseResult]) -> tuple[str, ...]:
    """Ids of the tasks whose reference has no files (results flagged ``empty_reference``)."""
    return tuple(
        sorted(
            {
                r.task_id
                for r in results
                if any(d.code == pipeline.EMPTY_REFERENCE for d in r.diagnostics)
            }
        )
    )


def score_paths(
    paths: Sequence[Path | str],
    rubric: Rubric | Path | str,
    out_dir: Path,
    reference_dir: Path | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    *,
    ideal: Path | None = None,
) -> RunData:
    """Score every response under ``paths`` into the run folder ``out_dir``.

    ``paths``: markdown response files, task folders (corpus layout) or folders of task
    folders. ``reference_dir``: a Terraform tree used as every task's reference instead of
    its ideal response. ``ideal``: an ideal response (markdown) for the tasks that have
    none of their own, used as their reference (tasks with their own ideal keep it; the
    bundled samples are scored this way). ``jobs`` > 1 scores tasks in that many
    processes. ``progress`` hears of the total and of every result as it is written."""
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    inputs = [Path(p) for p in paths]
    reference = None
    if reference_dir is not None:
        if not reference_dir.is_dir():
            raise InputError(f"{reference_dir}: reference is not a directory")
        try:
            reference = pipeline.reference_from(reference_dir)
        except Exception as exc:
            raise InputError(f"{reference_dir}: unusable reference: {exc}") from exc
    plans = discover(inputs)
    if reference_dir is not None and (reference_dir / f"{IDEAL_ID}.md").is_file():
        # a reference folder that carries the ideal answer as markdown: score it too
        plans = with_reference_ideal(plans, reference_dir / f"{IDEAL_ID}.md")
    if ideal is not None:
        if not ideal.is_file():
            raise InputError(f"{ideal}: ideal response not found")
        plans = with_reference_ideal(plans, ideal)
    total = sum(len(plan.units()) for plan in plans)
    if total == 0:
        raise InputError(f"{', '.join(map(str, inputs))}: no responses to score")
    started, clock_start = _now(), time.perf_counter()
    writer = RunWriter(out_dir, rubric.category_ids)
    results: list[ResponseResult] = []
    interrupted = False
    try:
        if progress is not None:
            progress.start(total)
        for result in _results(plans, rubric, reference, jobs):
            writer.add(result)
            results.append(result)
            if progress is not None:
                progress.advance(result)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        if progress is not None:
            progress.stop()
        timings = {stage: sum(r.timings.get(stage, 0.0) for r in results) for stage in STAGES}
        counts = _counts(results, len(plans)) | ({"interrupted": 1} if interrupted else {})
        info = RunInfo(
            harness_version=__version__,
            started=started,
            finished=_now(),
            duration_s=round(time.perf_counter() - clock_start, 3),
            inputs=tuple(str(p) for p in inputs),
            rubric=rubric.info(),
            timings={k: round(v, 4) for k, v in timings.items()},
            counts=counts,
            tasks_without_reference=tasks_without_reference(results),
        )
        writer.close(info)
    return RunData(info=info, responses=tuple(results))


def _results(
    plans: Sequence[TaskPlan], rubric: Rubric, reference: ReferenceContext | None, jobs: int
) -> Iterator[ResponseResult]:
    if jobs <= 1 or len(plans) <= 1:
        for plan in plans:
            yield from iter_task(plan, rubric, reference)
        return
    # spawn, not fork: the Go runtime inside pygohcl is not fork-safe (a forked worker that
    # parses HCL deadlocks on a futex inherited from the parent's Go threads)
    context = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=jobs, mp_context=context) as pool:
        futures = [pool.submit(_task_results, plan, rubric, reference) for plan in plans]
        try:
            for future in futures:
                yield from future.result()
        finally:
            for future in futures:
                future.cancel()
