"""One walk over a task's units of work: each unit's tree, graded in isolation.

``TaskTrees`` extracts every markdown file of a task at most once (an overlay reuses its
earlier turns, the ideal is both the reference and a graded unit); ``grade_unit`` grades any
unit and turns an exception into a failed result, so one broken response never stops a task.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from harness.checks.types import ReferenceContext
from harness.extract import overlay
from harness.extract.types import FileTree
from harness.prompt import PromptRequirements, read_prompts
from harness.results import CriterionResult, ResponseResult
from harness.rubric import Rubric
from harness.run.pipeline import (
    DEFAULT_BUILDERS,
    Builders,
    Clock,
    evaluate_reference,
    extract_response,
    failed_result,
    grade_tree,
    reference_from,
)
from harness.run.plan import TaskPlan, Unit, UnitKind
from harness.tasks import ResponseSource


def _extract_source(source: ResponseSource) -> FileTree:
    return extract_response(source.path, source.response_id)


class TaskTrees:
    """The trees of one task's units, each markdown file extracted once (timed on ``clock``)."""

    def __init__(
        self,
        extractor: Callable[[ResponseSource], FileTree] | None = None,
        prompt_reader: Callable[[tuple[Path, ...], tuple[Path, ...]], PromptRequirements]
        | None = None,
    ) -> None:
        self._extract = extractor or _extract_source
        self._read_prompts = prompt_reader or _read_prompts
        self._trees: dict[str, FileTree] = {}
        self._seconds: dict[str, float] = {}
        self._prompts: dict[tuple[tuple[Path, ...], tuple[Path, ...]], PromptRequirements] = {}

    def own(self, source: ResponseSource, clock: Clock) -> FileTree:
        """The tree of one markdown file on its own."""
        if source.response_id not in self._trees:
            before = clock.timings.get("extract", 0.0)
            with clock.stage("extract"):
                self._trees[source.response_id] = self._extract(source)
            self._seconds[source.response_id] = clock.timings["extract"] - before
        return self._trees[source.response_id]

    def seconds(self, source: ResponseSource) -> float:
        """How long ``source`` took to extract (0 before it was)."""
        return self._seconds.get(source.response_id, 0.0)

    def prompt(
        self, prompts: tuple[Path, ...], earlier: tuple[Path, ...] = ()
    ) -> PromptRequirements | None:
        """The requirements of ``prompts`` (read once per set; ``earlier``: the turns before,
        read for what the prompt waives); None when there are none."""
        if not prompts:
            return None
        key = (earlier, prompts)
        if key not in self._prompts:
            self._prompts[key] = self._read_prompts(prompts, earlier)
        return self._prompts[key]

    def tree(self, unit: Unit, clock: Clock) -> FileTree:
        """The tree a unit is graded on: its own files, or the overlay of its chain."""
        trees = [self.own(source, clock) for source in unit.chain]
        if unit.kind is UnitKind.OVERLAY:
            with clock.stage("extract"):
                return overlay(trees)
        return trees[-1]


def _read_prompts(paths: tuple[Path, ...], earlier: tuple[Path, ...]) -> PromptRequirements:
    return read_prompts(paths, earlier=earlier)


def grade_unit(
    unit: Unit,
    trees: TaskTrees,
    rubric: Rubric,
    reference: ReferenceContext | None,
    reference_criteria: tuple[CriterionResult, ...] | None = None,
    clock: Clock | None = None,
    builders: Builders = DEFAULT_BUILDERS,
) -> ResponseResult:
    """Grade one unit; any exception becomes a failed result naming the stage it stopped in."""
    clock = clock or Clock()
    try:
        tree = trees.tree(unit, clock)
        with clock.stage("extract"):  # the prompt is read with the response
            prompt = trees.prompt(unit.prompts, unit.earlier_prompts)
        return grade_tree(
            tree,
            rubric,
            clock,
            task_id=unit.task_id,
            response_id=unit.response_id,
            source=str(unit.source),
            reference=reference,
            is_ideal=unit.is_ideal,
            reference_criteria=reference_criteria,
            builders=builders,
            prompt=prompt,
        )
    except Exception as exc:  # one broken response must not stop its task
        return failed_result(
            unit.task_id,
            unit.response_id,
            str(unit.source),
            clock.current,
            exc,
            is_ideal=unit.is_ideal,
            timings=clock.timings,
        )


def task_reference(
    plan: TaskPlan,
    trees: TaskTrees,
    given: ReferenceContext | None,
    builders: Builders = DEFAULT_BUILDERS,
) -> ReferenceContext | None:
    """The task's reference: ``given`` (a Terraform folder), else its ideal response parsed.
    Raises what extraction or parsing of the ideal raised."""
    return ideal_reference(plan.ideal_source, trees, given, builders)


def ideal_reference(
    ideal: ResponseSource | None,
    trees: TaskTrees,
    given: ReferenceContext | None,
    builders: Builders = DEFAULT_BUILDERS,
) -> ReferenceContext | None:
    """``given``, else the reference made of the ``ideal`` response (None without one)."""
    if given is not None or ideal is None:
        return given
    clock = Clock()
    tree = trees.own(ideal, clock)
    with clock.stage("model"):
        return reference_from(tree, builders=builders)


def iter_task(
    plan: TaskPlan, rubric: Rubric, given: ReferenceContext | None = None
) -> Iterator[ResponseResult]:
    """Score every unit of one task (own trees, overlays for follow-up turns, the ideal), one
    isolated result at a time. The reference is ``given`` (e.g. a Terraform directory) or else
    the task's ideal response, built once for the whole task."""
    trees = TaskTrees()
    reference: ReferenceContext | None = None
    reference_error: Exception | None = None
    try:
        reference = task_reference(plan, trees, given)
    except Exception as exc:  # a broken ideal must not stop its task's responses
        reference_error = exc
    known: tuple[CriterionResult, ...] | None = None
    if reference is not None and plan.responses:
        try:
            prompt = trees.prompt(plan.task.prompts)
            known = evaluate_reference(rubric, reference, plan.task_id, prompt)
        except Exception:  # each response then retries it and reports its own error
            known = None
    for unit in plan.units():
        if unit.is_ideal and reference_error is not None:
            yield failed_result(
                unit.task_id,
                unit.response_id,
                str(unit.source),
                "reference",
                reference_error,
                is_ideal=True,
            )
            continue
        clock = Clock()
        if unit.is_ideal and given is None:  # extracted once already, as the reference
            clock.timings["extract"] = trees.seconds(unit.chain[-1])
        yield grade_unit(unit, trees, rubric, reference, known, clock)
