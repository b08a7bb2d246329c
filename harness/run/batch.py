"""Score a batch into a run folder: every response of every task, each isolated.

An exception anywhere in one response's pipeline becomes a ``ResponseResult`` with ``error``
set and the batch goes on; results are appended to the run folder as each one finishes, so an
interrupted batch keeps everything already scored.
"""

from __future__ import annotations

import multiprocessing
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from harness import __version__
from harness.checks.types import ReferenceContext
from harness.extract.types import FileTree
from harness.results import CriterionResult, CriterionStatus, ResponseResult, RunData, RunInfo
from harness.rubric import Rubric, load_rubric
from harness.run import pipeline
from harness.run.pipeline import IDEAL_ID, OVERLAY_SUFFIX, STAGES, Clock, failed_result
from harness.run.plan import InputError, TaskPlan, discover, with_reference_ideal
from harness.store import RunWriter
from harness.tasks import ResponseSource


def iter_task(
    plan: TaskPlan, rubric: Rubric, given: ReferenceContext | None = None
) -> Iterator[ResponseResult]:
    """Score every response of one task (own trees, overlays for follow-up turns, the
    ideal), one isolated result at a time. The reference is ``given`` (e.g. a Terraform
    directory) or else the task's ideal response, built once for the whole task."""
    trees: dict[str, FileTree] = {}
    reference = given
    ideal_tree: FileTree | None = None
    ideal_timing: dict[str, float] = {}
    reference_error: BaseException | None = None
    try:
        if reference is None and plan.ideal is not None:
            clock = Clock()
            ideal_tree = clock.run("extract", pipeline.extract_response, plan.ideal, IDEAL_ID)
            reference = ReferenceContext(
                ideal_tree, clock.run("model", pipeline.build_model, ideal_tree)
            )
            ideal_timing = dict(clock.timings)
    except Exception as exc:  # a broken ideal must not stop its task's responses
        reference_error = exc
    known: tuple[CriterionResult, ...] | None = None
    if reference is not None and plan.responses:
        try:
            known = pipeline.evaluate_reference(rubric, reference, plan.task_id)
        except Exception:  # each response then retries it and reports its own error
            known = None
    for response in plan.responses:
        yield _isolated(plan, response, rubric, reference, trees, known)
        if response.turn > 1:
            yield _isolated_overlay(plan, response, rubric, reference, trees, known)
    if plan.ideal is not None and plan.score_ideal:
        source = str(plan.ideal)
        if reference_error is not None:
            yield failed_result(
                plan.task_id, IDEAL_ID, source, "reference", reference_error, is_ideal=True
            )
            return
        clock = Clock()
        try:
            if ideal_tree is None:
                ideal_tree = clock.run("extract", pipeline.extract_response, plan.ideal, IDEAL_ID)
            else:
                clock.timings["extract"] = ideal_timing.get("extract", 0.0)
            yield pipeline.grade_tree(
                ideal_tree,
                rubric,
                clock,
                task_id=plan.task_id,
                response_id=IDEAL_ID,
                source=source,
                reference=reference,
                is_ideal=True,
            )
        except Exception as exc:
            yield failed_result(plan.task_id, IDEAL_ID, source, clock.stage, exc, is_ideal=True)


def _isolated(
    plan: TaskPlan,
    response: ResponseSource,
    rubric: Rubric,
    reference: ReferenceContext | None,
    trees: dict[str, FileTree],
    reference_criteria: tuple[CriterionResult, ...] | None = None,
) -> ResponseResult:
    clock = Clock()
    try:
        tree = clock.run("extract", pipeline.extract_response, response.path, response.response_id)
        trees[response.response_id] = tree
        return pipeline.grade_tree(
            tree,
            rubric,
            clock,
            task_id=plan.task_id,
            response_id=response.response_id,
            source=str(response.path),
            reference=reference,
            reference_criteria=reference_criteria,
        )
    except Exception as exc:
        return failed_result(
            plan.task_id,
            response.response_id,
            str(response.path),
            clock.stage,
            exc,
            timings=clock.timings,
        )


def _isolated_overlay(
    plan: TaskPlan,
    response: ResponseSource,
    rubric: Rubric,
    reference: ReferenceContext | None,
    trees: dict[str, FileTree],
    reference_criteria: tuple[CriterionResult, ...] | None = None,
) -> ResponseResult:
    response_id = response.response_id + OVERLAY_SUFFIX
    clock = Clock()
    try:
        chain = []
        for earlier in plan.task.chain(response):
            if earlier.response_id not in trees:
                trees[earlier.response_id] = clock.run(
                    "extract", pipeline.extract_response, earlier.path, earlier.response_id
                )
            chain.append(trees[earlier.response_id])
        from harness.extract import overlay

        tree = clock.run("extract", overlay, chain)
        return pipeline.grade_tree(
            tree,
            rubric,
            clock,
            task_id=plan.task_id,
            response_id=response_id,
            source=str(response.path),
            reference=reference,
            reference_criteria=reference_criteria,
        )
    except Exception as exc:
        return failed_result(
            plan.task_id, response_id, str(response.path), clock.stage, exc, timings=clock.timings
        )


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
    progress: bool = True,
    jobs: int = 1,
) -> RunData:
    """Score every response under ``paths`` into the run folder ``out_dir``.

    ``paths``: markdown response files, task folders (corpus layout) or folders of task
    folders. ``reference_dir``: a Terraform tree used as every task's reference instead of
    its ideal response. ``jobs`` > 1 scores tasks in that many processes."""
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
    if not any(plan.units for plan in plans):
        raise InputError(f"{', '.join(map(str, inputs))}: no responses to score")
    started, clock_start = _now(), time.perf_counter()
    writer = RunWriter(out_dir, rubric.category_ids)
    results: list[ResponseResult] = []
    interrupted = False
    try:
        with _progress(progress, sum(p.units for p in plans)) as advance:
            for result in _results(plans, rubric, reference, jobs):
                writer.add(result)
                results.append(result)
                advance(result)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
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


class _progress:
    """A rich progress bar on stderr (a no-op when disabled)."""

    def __init__(self, enabled: bool, total: int) -> None:
        self.enabled = enabled
        self.total = total
        self._bar: Any = None
        self._task: Any = None

    def __enter__(self) -> Callable[[ResponseResult], None]:
        if self.enabled:
            from rich.console import Console
            from rich.progress import (
                BarColumn,
                MofNCompleteColumn,
                Progress,
                TextColumn,
                TimeElapsedColumn,
            )

            self._bar = Progress(
                TextColumn("scoring"),
                BarColumn(),
                MofNCompleteColumn(),
                TimeElapsedColumn(),
                TextColumn("{task.description}"),
                console=Console(stderr=True),
                transient=True,
            )
            self._bar.__enter__()
            self._task = self._bar.add_task("", total=self.total)
        return self._advance

    def _advance(self, result: ResponseResult) -> None:
        if self._bar is not None:
            self._bar.update(self._task, advance=1, description=result.key)

    def __exit__(self, *exc: object) -> None:
        if self._bar is not None:
            self._bar.__exit__(*exc)
