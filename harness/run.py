"""Grade responses: one (``grade``) or a whole batch into a run folder (``score_paths``).

Per response: extract (markdown -> FileTree) -> model (Terraform Configuration) -> compare
(with the task's reference, when there is one) -> checks (the rubric) -> scoring. Each stage is
timed. In a batch every response is isolated: an exception anywhere in its pipeline becomes a
``ResponseResult`` with ``error`` set and the batch goes on; results are appended to the run
folder as each one finishes, so an interrupted batch keeps everything already scored.
"""

from __future__ import annotations

import multiprocessing
import re
import time
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any, TypeVar

from harness import __version__
from harness.checks.engine import evaluate
from harness.checks.types import CheckContext, ReferenceContext
from harness.extract.types import FileTree
from harness.results import CriterionStatus, ResponseResult, RunData, RunInfo
from harness.rubric import Rubric, load_rubric
from harness.score import score
from harness.store import RunWriter
from harness.terraform.model import Configuration

IDEAL_ID = "IDEAL_RESPONSE"
OVERLAY_SUFFIX = "+overlay"
STAGES = ("extract", "model", "compare", "checks", "scoring")
T = TypeVar("T")


class InputError(ValueError):
    """Input that cannot be scored at all (no such path, no responses found)."""


# -- one response --------------------------------------------------------------------------


class _Clock:
    """Accumulates seconds per stage; ``stage`` names the stage running (for error text)."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.stage = "start"

    def run(self, stage: str, func: Callable[..., T], *args: Any, **kwargs: Any) -> T:
        self.stage = stage
        start = time.perf_counter()
        try:
            return func(*args, **kwargs)
        finally:
            self.timings[stage] = self.timings.get(stage, 0.0) + time.perf_counter() - start


def _extract(source: Path, response_id: str) -> FileTree:
    from harness.extract import extract

    return extract(source, response_id=response_id)


def _build(tree: FileTree) -> Configuration:
    from harness.terraform import build

    return build(tree)


def _compare(
    tree: FileTree, config: Configuration, reference: ReferenceContext
) -> tuple[Any, dict[str, Any] | None]:
    """The comparison object and its summary, or (None, None) without harness.compare."""
    try:
        from harness.compare import compare
    except ImportError:  # comparison not installed in this build
        return None, None
    comparison = compare(tree, config, reference.tree, reference.config)
    summary = comparison.summary() if hasattr(comparison, "summary") else None
    return comparison, summary


def reference_from(source: Path | FileTree | ReferenceContext) -> ReferenceContext:
    """A reference context from a Terraform directory, a markdown ideal response, or a tree."""
    if isinstance(source, ReferenceContext):
        return source
    if isinstance(source, FileTree):
        tree = source
    elif source.is_dir():
        from harness.extract import tree_from_directory

        tree = tree_from_directory(source)
    else:
        tree = _extract(source, IDEAL_ID)
    return ReferenceContext(tree=tree, config=_build(tree))


def _grade_tree(
    tree: FileTree,
    rubric: Rubric,
    clock: _Clock,
    *,
    task_id: str,
    response_id: str,
    source: str,
    reference: ReferenceContext | None,
    is_ideal: bool = False,
) -> ResponseResult:
    config = clock.run("model", _build, tree)
    comparison_summary = None
    context_reference = None
    if reference is not None:
        comparison, comparison_summary = clock.run("compare", _compare, tree, config, reference)
        context_reference = replace(reference, comparison=comparison)
    ctx = CheckContext(task_id, response_id, tree, config, context_reference)
    criteria = clock.run("checks", evaluate, rubric, ctx)
    result = clock.run("scoring", score, criteria, rubric)
    return ResponseResult(
        task_id=task_id,
        response_id=response_id,
        source=source,
        overall=result.overall,
        categories=result.categories,
        criteria=criteria,
        gates_failed=result.gates_failed,
        diagnostics=(*tree.diagnostics, *config.diagnostics),
        tree=tree,
        is_ideal=is_ideal,
        timings=dict(clock.timings),
        comparison=comparison_summary,
    )


def grade(
    tree_or_path: FileTree | Path | str,
    rubric: Rubric | Path | str,
    *,
    task_id: str = "",
    response_id: str = "",
    reference: ReferenceContext | FileTree | Path | None = None,
    is_ideal: bool = False,
) -> ResponseResult:
    """Grade one response (a ``FileTree`` or the path of a markdown response) with a rubric
    (a ``Rubric``, a rubric file or a shipped rubric id). ``reference`` (a ReferenceContext, a
    Terraform directory, an ideal markdown response or a tree) enables the comparison.
    Exceptions propagate; batches use ``score_paths``, which isolates each response."""
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    clock = _Clock()
    if isinstance(tree_or_path, FileTree):
        tree, source = tree_or_path, tree_or_path.source
    else:
        path = Path(tree_or_path)
        response_id = response_id or path.stem
        tree, source = clock.run("extract", _extract, path, response_id), str(path)
    ref = reference_from(reference) if reference is not None else None
    return _grade_tree(
        tree,
        rubric,
        clock,
        task_id=task_id,
        response_id=response_id,
        source=source,
        reference=ref,
        is_ideal=is_ideal,
    )


def _failed(
    task_id: str, response_id: str, source: str, stage: str, exc: BaseException, **extra: Any
) -> ResponseResult:
    first = str(exc).splitlines()[0] if str(exc) else ""
    return ResponseResult(
        task_id=task_id,
        response_id=response_id,
        source=source,
        overall=None,
        error=f"{stage}: {type(exc).__name__}: {first}"[:500],
        **extra,
    )


# -- a task ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class ResponsePlan:
    response_id: str
    path: Path
    turn: int = 1

    @property
    def number(self) -> int:
        """N of MODEL_RESPONSE<N> (MODEL_RESPONSE alone is 1): the order answers were given."""
        digits = re.search(r"(\d+)$", self.response_id)
        return int(digits.group(1)) if digits else 1


@dataclass(frozen=True)
class TaskPlan:
    """What to score in one task: its responses, and the ideal (scored and used as the
    reference unless a reference directory is given)."""

    task_id: str
    path: Path
    responses: tuple[ResponsePlan, ...]
    ideal: Path | None = None
    score_ideal: bool = True
    scored: tuple[str, ...] | None = None  # response ids to score; None: all

    def is_scored(self, response: ResponsePlan) -> bool:
        return self.scored is None or response.response_id in self.scored

    @property
    def units(self) -> int:
        """Number of results this task yields (own trees, overlays, the ideal)."""
        chosen = [r for r in self.responses if self.is_scored(r)]
        overlays = sum(1 for r in chosen if r.turn > 1)
        return len(chosen) + overlays + (1 if self.ideal and self.score_ideal else 0)


def _previous(plan: TaskPlan, response: ResponsePlan) -> ResponsePlan | None:
    """The answer a follow-up builds on: the latest response given before it (by response
    number) that answers an earlier turn. Independent answers to PROMPT.md given after
    ``MODEL_RESPONSE`` (MODEL_RESPONSE3, 4 in the sample) are not part of the conversation
    that MODEL_RESPONSE2 follows up."""
    earlier = [r for r in plan.responses if r.turn < response.turn and r.number < response.number]
    return max(earlier, key=lambda r: r.number) if earlier else None


def overlay_chain(plan: TaskPlan, response: ResponsePlan) -> list[ResponsePlan]:
    """The responses whose trees make up ``response``'s effective tree, first turn first."""
    chain = [response]
    while (previous := _previous(plan, chain[0])) is not None and len(chain) < 50:
        chain.insert(0, previous)
    return chain


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
            clock = _Clock()
            ideal_tree = clock.run("extract", _extract, plan.ideal, IDEAL_ID)
            reference = ReferenceContext(ideal_tree, clock.run("model", _build, ideal_tree))
            ideal_timing = dict(clock.timings)
    except Exception as exc:  # a broken ideal must not stop its task's responses
        reference_error = exc
    for response in plan.responses:
        if not plan.is_scored(response):
            continue  # earlier turn kept only as overlay context
        yield _isolated(plan, response, rubric, reference, trees)
        if response.turn > 1:
            yield _isolated_overlay(plan, response, rubric, reference, trees)
    if plan.ideal is not None and plan.score_ideal:
        source = str(plan.ideal)
        if reference_error is not None:
            yield _failed(
                plan.task_id, IDEAL_ID, source, "reference", reference_error, is_ideal=True
            )
            return
        clock = _Clock()
        try:
            if ideal_tree is None:
                ideal_tree = clock.run("extract", _extract, plan.ideal, IDEAL_ID)
            else:
                clock.timings["extract"] = ideal_timing.get("extract", 0.0)
            yield _grade_tree(
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
            yield _failed(plan.task_id, IDEAL_ID, source, clock.stage, exc, is_ideal=True)


def _isolated(
    plan: TaskPlan,
    response: ResponsePlan,
    rubric: Rubric,
    reference: ReferenceContext | None,
    trees: dict[str, FileTree],
) -> ResponseResult:
    clock = _Clock()
    try:
        tree = clock.run("extract", _extract, response.path, response.response_id)
        trees[response.response_id] = tree
        return _grade_tree(
            tree,
            rubric,
            clock,
            task_id=plan.task_id,
            response_id=response.response_id,
            source=str(response.path),
            reference=reference,
        )
    except Exception as exc:
        return _failed(
            plan.task_id,
            response.response_id,
            str(response.path),
            clock.stage,
            exc,
            timings=clock.timings,
        )


def _isolated_overlay(
    plan: TaskPlan,
    response: ResponsePlan,
    rubric: Rubric,
    reference: ReferenceContext | None,
    trees: dict[str, FileTree],
) -> ResponseResult:
    response_id = response.response_id + OVERLAY_SUFFIX
    clock = _Clock()
    try:
        chain = []
        for earlier in overlay_chain(plan, response):
            if earlier.response_id not in trees:
                trees[earlier.response_id] = clock.run(
                    "extract", _extract, earlier.path, earlier.response_id
                )
            chain.append(trees[earlier.response_id])
        from harness.extract import overlay

        tree = clock.run("extract", overlay, chain)
        return _grade_tree(
            tree,
            rubric,
            clock,
            task_id=plan.task_id,
            response_id=response_id,
            source=str(response.path),
            reference=reference,
        )
    except Exception as exc:
        return _failed(
            plan.task_id, response_id, str(response.path), clock.stage, exc, timings=clock.timings
        )


# -- discovering tasks ----------------------------------------------------------------------


def _plan_of(task: Any) -> TaskPlan:
    """A TaskPlan from a ``harness.tasks.Task``."""
    responses = tuple(
        ResponsePlan(r.response_id, Path(r.path), int(getattr(r, "turn", 1) or 1))
        for r in task.responses
    )
    ideal = Path(task.ideal) if getattr(task, "ideal", None) else None
    return TaskPlan(str(task.task_id), Path(task.path), responses, ideal)


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _file_plan(path: Path) -> TaskPlan:
    """One markdown file: a response of its task folder (scored with the task's ideal as
    reference, and overlaid on earlier turns), the ideal itself, or a lone response."""
    from harness.tasks import load_task

    try:
        plan: TaskPlan | None = _plan_of(load_task(path.parent))
    except Exception:  # not a task folder: score the file on its own
        plan = None
    if plan is not None:
        chosen = next((r for r in plan.responses if _same(r.path, path)), None)
        if chosen is not None:
            chain = tuple(overlay_chain(plan, chosen))
            return replace(plan, responses=chain, score_ideal=False, scored=(chosen.response_id,))
        if plan.ideal is not None and _same(plan.ideal, path):
            return replace(plan, responses=())
    lone = ResponsePlan(path.stem, path)
    return TaskPlan(path.parent.name or "task", path.parent, (lone,))


def discover(paths: Sequence[Path]) -> list[TaskPlan]:
    """Task plans for response files, task folders and folders of task folders."""
    from harness.tasks import discover_tasks

    plans: list[TaskPlan] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_file():
            if path.suffix.lower() != ".md":
                raise InputError(f"{path}: not a markdown response (.md)")
            plans.append(_file_plan(path))
            continue
        try:
            tasks = discover_tasks(path)
        except ValueError as exc:  # harness.tasks.TaskError: not a task folder
            raise InputError(str(exc)) from exc
        if not tasks:
            raise InputError(f"{path}: no task folders with responses found")
        plans.extend(_plan_of(task) for task in tasks)
    return plans


def _task_results(
    plan: TaskPlan, rubric: Rubric, reference: ReferenceContext | None
) -> list[ResponseResult]:
    """Worker entry point for ``--jobs``: a whole task in one process."""
    return list(iter_task(plan, rubric, reference))


# -- a run ----------------------------------------------------------------------------------


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
            reference = reference_from(reference_dir)
        except Exception as exc:
            raise InputError(f"{reference_dir}: unusable reference: {exc}") from exc
    plans = discover(inputs)
    if reference_dir is not None and (reference_dir / f"{IDEAL_ID}.md").is_file():
        # a reference folder that carries the ideal answer as markdown: score it too
        ideal = reference_dir / f"{IDEAL_ID}.md"
        plans = [
            replace(p, ideal=ideal) if p.ideal is None and p.scored is None else p for p in plans
        ]
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
