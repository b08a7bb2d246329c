"""Score a batch into a run folder: every unit of every task, each isolated.

An exception anywhere in one response's pipeline becomes a result with ``error`` set and the
batch goes on; a response over its time or memory limit becomes an ``error`` result too (its
worker is replaced). Results are appended to the run folder in plan order as they finish,
each committed by its responses.jsonl line, so an interrupted batch keeps everything already
scored and ``resume`` scores exactly what is missing. Results the cache knows are written
without starting a worker.
"""

from __future__ import annotations

import time
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from enum import StrEnum
from pathlib import Path
from typing import Protocol

from harness.cache import DiskCache
from harness.results import ResponseResult, RunData, RunInfo
from harness.rubric import Rubric, load_rubric
from harness.run import pipeline
from harness.run.pipeline import STAGES
from harness.run.plan import InputError, discover, planned_units, with_reference_ideal
from harness.run.units import BatchSettings, UnitJob, reference_key, result_key, state_for
from harness.store import (
    RESPONSES_JSONL,
    RunFolderBusy,
    RunFolderError,
    RunWriter,
    ScoredLines,
    read_run_info,
    response_from_line,
    write_run_info,
)
from harness.tasks import IDEAL_ID, OVERLAY_SUFFIX
from harness.version import __version__


class Progress(Protocol):
    """What a batch reports as it goes (the CLI draws a bar; a library caller may log)."""

    def start(self, total: int) -> None: ...

    def advance(self, outcome: ScoredLines) -> None: ...

    def stop(self) -> None: ...


class Executor(StrEnum):
    """Where units run: processes on this machine, or a Dask cluster."""

    LOCAL = "local"
    DASK = "dask"


@dataclass(frozen=True)
class BatchOptions:
    """How a batch runs (none of it changes a result)."""

    jobs: int | None = 1  # None: chosen by the number of units to grade (``auto_workers``)
    executor: Executor = Executor.LOCAL
    scheduler: str | None = None  # a Dask scheduler address; None: a LocalCluster
    cache_dir: Path | None = None  # None: no disk cache
    time_limit_s: float | None = None  # per response; None: unlimited, in this process
    memory_limit_mb: int | None = None  # per worker process; None: unlimited
    resume: bool = False
    keep_results: int | None = None  # full results returned (None: all; the rest on disk)


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _counts(scored: Sequence[ScoredLines], tasks: int) -> dict[str, int]:
    return {
        "tasks": tasks,
        "responses": len(scored),
        "ideal": sum(s.is_ideal for s in scored),
        "overlay": sum(s.response_id.endswith(OVERLAY_SUFFIX) for s in scored),
        "errors": sum(s.error is not None for s in scored),
        "criterion_errors": sum(s.criterion_errors for s in scored),
    }


def tasks_without_reference(results: Sequence[ResponseResult | ScoredLines]) -> tuple[str, ...]:
    """Ids of the tasks whose reference has no files (results flagged ``empty_reference``)."""
    flagged = set()
    for r in results:
        if isinstance(r, ScoredLines):
            if r.empty_reference:
                flagged.add(r.task_id)
        elif any(d.code == pipeline.EMPTY_REFERENCE for d in r.diagnostics):
            flagged.add(r.task_id)
    return tuple(sorted(flagged))


@dataclass
class _Tally:
    """What the parent keeps of each result: a summary (no trees, no models)."""

    scored: list[ScoredLines] = field(default_factory=list)
    kept: list[ResponseResult] = field(default_factory=list)
    cached: int = 0
    workers: int = 0  # worker processes started (0: graded in this process, or nothing to grade)


def score_paths(
    paths: Sequence[Path | str],
    rubric: Rubric | Path | str,
    out_dir: Path,
    reference_dir: Path | None = None,
    progress: Progress | None = None,
    jobs: int = 1,
    options: BatchOptions | None = None,
    *,
    ideal: Path | None = None,
) -> RunData:
    """Score every response under ``paths`` into the run folder ``out_dir``.

    ``paths``: markdown response files, task folders (corpus layout) or folders of task
    folders. ``reference_dir``: a Terraform tree used as every task's reference instead of
    its ideal response. ``ideal``: an ideal response (markdown) for the tasks that have
    none of their own, used as their reference (tasks with their own ideal keep it; the
    bundled samples are scored this way). ``options``: workers, executor, cache, limits,
    resume (``jobs`` is a shorthand for ``options.jobs``). ``progress`` hears of the total
    and of every result as it is written. Returns the run's info and its results (the first
    ``keep_results`` of them when set: a large batch's results stay on disk)."""
    options = options or BatchOptions(jobs=jobs)
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    inputs = [Path(p) for p in paths]
    if reference_dir is not None:
        if not reference_dir.is_dir():
            raise InputError(f"{reference_dir}: reference is not a directory")
        try:
            pipeline.reference_from(reference_dir)
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
    all_jobs = [
        UnitJob(unit, plan.ideal_source, bool(plan.responses), plan.task.prompts)
        for plan, unit in planned_units(plans)
    ]
    if not all_jobs:
        raise InputError(f"{', '.join(map(str, inputs))}: no responses to score")
    settings = BatchSettings(rubric, reference_dir, options.cache_dir)
    if options.resume:
        _check_resumable(out_dir, rubric)
    started, clock_start = _now(), time.perf_counter()
    try:
        writer = RunWriter(out_dir, rubric.category_ids, resume=options.resume)
    except RunFolderBusy as exc:  # another process writes it: touch nothing
        raise InputError(str(exc)) from exc
    done = writer.resumed.keys
    todo = [job for job in all_jobs if (job.unit.task_id, job.unit.response_id) not in done]
    tally = _Tally(scored=list(writer.resumed.scored))

    def info(finished: str, extra: dict[str, int]) -> RunInfo:
        timings = {stage: 0.0 for stage in STAGES}
        for s in tally.scored:
            for stage, seconds in s.timings:
                if stage in timings:
                    timings[stage] += seconds
        return RunInfo(
            harness_version=__version__,
            started=started,
            finished=finished,
            duration_s=round(time.perf_counter() - clock_start, 3),
            inputs=tuple(str(p) for p in inputs),
            rubric=rubric.info(),
            timings={k: round(v, 4) for k, v in timings.items()},
            counts=_counts(tally.scored, len({plan.task_id for plan in plans})) | extra,
            tasks_without_reference=tasks_without_reference(tally.scored),
            reference=None if reference_dir is None else str(reference_dir),
            ideal=None if ideal is None else str(ideal),
        )

    write_run_info(out_dir, info("", {"in_progress": 1}))
    interrupted = False
    try:
        if progress is not None:
            progress.start(len(todo))
        for lines, cached, result in _execute(todo, settings, options, tally):
            writer.add_lines(lines)
            tally.scored.append(lines)
            tally.cached += cached
            if options.keep_results is None or len(tally.kept) < options.keep_results:
                if result is None:  # graded elsewhere (a worker) or read from the cache
                    result = response_from_line(lines.response_line)
                tally.kept.append(result)
            if progress is not None:
                progress.advance(lines)
    except KeyboardInterrupt:
        interrupted = True
        raise
    finally:
        if progress is not None:
            progress.stop()
        extra = {"cached": tally.cached, "resumed": len(done), "workers": tally.workers}
        if interrupted:
            extra["interrupted"] = 1
        run_info = info(_now(), extra)
        writer.close(run_info)
    return RunData(info=run_info, responses=tuple(tally.kept))


def _check_resumable(out_dir: Path, rubric: Rubric) -> None:
    """A run can be resumed with the rubric it was started with, nothing else."""
    if not (out_dir / RESPONSES_JSONL).is_file():
        return  # nothing scored yet: resuming is starting
    try:
        earlier = read_run_info(out_dir)
    except RunFolderError:
        return  # killed before run.json was first written: nothing to compare
    if earlier.rubric.sha256 != rubric.sha256:
        raise InputError(
            f"{out_dir}: was scored with rubric {earlier.rubric.id} "
            f"(sha256 {earlier.rubric.sha256[:12]}), not {rubric.id} "
            f"(sha256 {rubric.sha256[:12]}); resume with the same rubric, or use "
            "`iac-harness rescore` for a new one"
        )


def _execute(
    jobs: Sequence[UnitJob], settings: BatchSettings, options: BatchOptions, tally: _Tally
) -> Iterator[tuple[ScoredLines, bool, ResponseResult | None]]:
    """Each job's result in job order, whether it came from the cache, and the result itself
    when it was graded in this process (else None: its line is all there is). Results known
    to the disk cache are read here; the rest run where ``options`` says."""
    disk = DiskCache(settings.cache_dir) if settings.cache_dir is not None else None
    keys: list[str | None] = [None] * len(jobs)
    cached: set[int] = set()  # whole results in the cache
    known: set[int] = set()  # every criterion in the cache: rebuilt here, no model needed
    here = state_for(settings)
    if disk is not None:
        references: dict[str, str] = {}
        for index, job in enumerate(jobs):
            try:
                ideal = str(job.ideal.path) if job.ideal else ""
                if ideal not in references:
                    references[ideal] = reference_key(job, settings)
                key = keys[index] = result_key(job, settings, references[ideal])
            except OSError:
                continue  # unreadable: the worker reports it
            if disk.contains("result", key):
                cached.add(index)
            elif here.knows_all_criteria(job):
                known.add(index)
    missing = [(i, jobs[i], keys[i]) for i in range(len(jobs)) if i not in cached | known]
    try:
        tally.workers, produced = _run(missing, settings, options)
        pending: dict[int, tuple[ScoredLines, ResponseResult | None]] = {}
        for index in range(len(jobs)):
            if index in cached or index in known:
                known_key = keys[index]  # set for every cached index
                hit = (
                    disk.get("result", known_key)
                    if disk is not None and known_key is not None and index in cached
                    else None
                )
                if isinstance(hit, ScoredLines):
                    yield hit, True, None
                    continue
                rebuilt = here.rebuild(jobs[index]) if index in known else None
                if rebuilt is not None:
                    yield rebuilt, False, None
                    continue
                # rejected on reading (corrupt, tampered) or no longer complete: graded here
                graded = here.graded(jobs[index], keys[index])
                yield graded.lines, False, graded.result
                continue
            while index not in pending:
                done_index, lines, result = next(produced)
                pending[done_index] = (lines, result)
            lines, result = pending.pop(index)
            yield lines, False, result
    finally:
        here.thaw()  # what units graded in this process froze goes back to the collector


def _run(
    work: list[tuple[int, UnitJob, str | None]], settings: BatchSettings, options: BatchOptions
) -> tuple[int, Iterator[tuple[int, ScoredLines, ResponseResult | None]]]:
    """The number of worker processes (0: this process grades), and each job's index, lines
    and (graded in this process) result, as they finish."""
    if not work:
        return 0, iter(())
    workers = options.jobs
    if workers is None:
        from harness.run.executors import auto_workers

        workers = auto_workers(len(work), options.memory_limit_mb)
    if options.executor is Executor.DASK:
        from harness.run.executors import run_dask

        dask = run_dask(work, settings, workers, options.scheduler)
        started = workers if options.scheduler is None else 0  # a scheduler's are its own
        return started, ((index, lines, None) for index, lines in dask)
    if workers <= 1 and options.time_limit_s is None and options.memory_limit_mb is None:
        return 0, _run_here(work, settings)
    from harness.run.executors import run_pool

    pool = run_pool(work, settings, workers, options.time_limit_s, options.memory_limit_mb)
    return workers, ((index, lines, None) for index, lines in pool)


def _run_here(
    work: list[tuple[int, UnitJob, str | None]], settings: BatchSettings
) -> Iterator[tuple[int, ScoredLines, ResponseResult | None]]:
    state = state_for(settings)
    for index, job, key in work:
        graded = state.graded(job, key)
        yield index, graded.lines, graded.result
