"""What a run scores: task plans built from ``harness.tasks`` for the paths a user gives.

A plan is a ``Task`` plus run options: which responses to score (a single response file given
on the command line scores just that one, with its earlier turns as overlay context) and
whether, and from where, the ideal response is scored. ``TaskPlan.units()`` lists the units
of work in scoring order: each response on its own files, each follow-up on its overlaid tree,
then the ideal. Batch scoring, ``extract`` and ``derive`` all walk these units.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace
from enum import StrEnum
from pathlib import Path

from harness.tasks import (
    IDEAL_ID,
    OVERLAY_SUFFIX,
    ResponseSource,
    Task,
    TaskError,
    discover_tasks,
    load_task,
)


class InputError(ValueError):
    """Input that cannot be scored at all (no such path, no responses found)."""


class UnitKind(StrEnum):
    """How a unit's tree is made: one response's own files, a follow-up overlaid on its
    earlier turns, or the task's ideal response."""

    OWN = "own"
    OVERLAY = "overlay"
    IDEAL = "ideal"


@dataclass(frozen=True)
class Unit:
    """One result to produce: a response id and the markdown files its tree is made of
    (``chain``: the earlier turns, oldest first, then this response; the ideal alone)."""

    task_id: str
    response_id: str
    kind: UnitKind
    chain: tuple[ResponseSource, ...]
    #: The prompts the unit is judged against (``complete.prompt_requirements``, and what the
    #: task calls for without a reference): its own turn's prompt on its own files, the prompts
    #: up to its turn on its overlay, every prompt for the ideal.
    prompts: tuple[Path, ...] = ()
    #: The earlier turns' prompts of a follow-up's own tree: read only for what the task's
    #: first prompt waives ("no provider block"), which holds for every turn.
    earlier_prompts: tuple[Path, ...] = ()

    @property
    def source(self) -> Path:
        """The markdown file this unit reports as its source (the last of its chain)."""
        return self.chain[-1].path

    @property
    def is_ideal(self) -> bool:
        return self.kind is UnitKind.IDEAL


@dataclass(frozen=True)
class TaskPlan:
    task: Task
    ideal: Path | None  # the ideal response: the task's reference unless one is given
    scored: tuple[str, ...] | None = None  # response ids to score; None: all
    score_ideal: bool = True  # also score the ideal as a response

    @property
    def task_id(self) -> str:
        return self.task.task_id

    @property
    def path(self) -> Path:
        return self.task.path

    @property
    def responses(self) -> tuple[ResponseSource, ...]:
        """The responses scored, in file order (earlier turns kept only as context are not)."""
        return tuple(
            r for r in self.task.responses if self.scored is None or r.response_id in self.scored
        )

    @property
    def ideal_source(self) -> ResponseSource | None:
        """The ideal response as a source of the task (None when the task has none)."""
        return None if self.ideal is None else ResponseSource(IDEAL_ID, self.ideal, 1)

    def units(self) -> tuple[Unit, ...]:
        """The results this plan yields, in order: each response's own tree (and, for a
        follow-up, its overlaid tree right after it), then the ideal when it is scored."""
        units: list[Unit] = []
        prompts = self.task.prompts
        for response in self.responses:
            own = prompts[response.turn - 1 : response.turn]
            earlier = prompts[: response.turn - 1]
            units.append(
                Unit(self.task_id, response.response_id, UnitKind.OWN, (response,), own, earlier)
            )
            if response.turn > 1:
                units.append(
                    Unit(
                        self.task_id,
                        response.response_id + OVERLAY_SUFFIX,
                        UnitKind.OVERLAY,
                        self.task.chain(response),
                        prompts[: response.turn],
                    )
                )
        ideal = self.ideal_source
        if ideal is not None and self.score_ideal:
            units.append(Unit(self.task_id, IDEAL_ID, UnitKind.IDEAL, (ideal,), prompts))
        return tuple(units)


def _same(a: Path, b: Path) -> bool:
    return a.resolve() == b.resolve()


def _file_plan(path: Path) -> TaskPlan:
    """One markdown file: a response of its task folder (scored with the task's ideal as
    reference, and overlaid on earlier turns), the ideal itself, or a lone response."""
    try:
        task: Task | None = load_task(path.parent)
    except TaskError:  # not a task folder: score the file on its own
        task = None
    if task is not None:
        chosen = next((r for r in task.responses if _same(r.path, path)), None)
        if chosen is not None:
            return TaskPlan(task, task.ideal, scored=(chosen.response_id,), score_ideal=False)
        if task.ideal is not None and _same(task.ideal, path):
            return TaskPlan(task, task.ideal, scored=())
    lone = Task(path.parent.name or "task", path.parent, (), (ResponseSource(path.stem, path, 1),))
    return TaskPlan(lone, ideal=None)


def discover(paths: Sequence[Path]) -> list[TaskPlan]:
    """Task plans for response files, task folders and folders of task folders."""
    plans: list[TaskPlan] = []
    for path in paths:
        if not path.exists():
            raise InputError(f"{path}: no such file or directory")
        if path.is_file():
            if path.suffix.lower() != ".md":
                raise InputError(f"{path}: not a markdown response (.md)")
            plans.append(_file_plan(path))
            continue
        if not path.is_dir():
            raise InputError(f"{path}: not a regular file or a folder (a device, FIFO or socket)")
        if (path / "run.json").is_file():  # a run folder given where responses belong
            raise InputError(
                f"{path}: is a run folder, not responses; `iac-harness rescore {path}` grades "
                f"it again, `iac-harness report {path}` rebuilds its reports"
            )
        try:
            tasks = discover_tasks(path)
        except TaskError as exc:
            raise InputError(str(exc)) from exc
        if not tasks:
            raise InputError(f"{path}: no task folders with responses found")
        plans.extend(TaskPlan(task, ideal=task.ideal) for task in tasks)
    return plans


def planned_units(plans: Sequence[TaskPlan]) -> list[tuple[TaskPlan, Unit]]:
    """Every plan's units in order, each result key (task id, response id) once. A unit that
    two inputs name by the same file (a task folder and one of its files) is graded once;
    two different files behind one key (two input folders each holding a task folder of the
    same name) are an ``InputError``: their results, pages and resume state would overwrite
    each other."""
    seen: dict[tuple[str, str], Path] = {}
    kept: list[tuple[TaskPlan, Unit]] = []
    for plan in plans:
        for unit in plan.units():
            key = (unit.task_id, unit.response_id)
            source = unit.source.resolve()
            other = seen.get(key)
            if other is None:
                seen[key] = source
                kept.append((plan, unit))
            elif other != source:
                raise InputError(
                    f"{unit.source}: response {unit.response_id} of task {unit.task_id} is "
                    f"also {other}: two inputs hold a task of the same name; score them into "
                    "separate runs, or rename one task folder"
                )
    return kept


def with_reference_ideal(plans: list[TaskPlan], ideal: Path) -> list[TaskPlan]:
    """Score ``ideal`` (a reference folder's IDEAL_RESPONSE.md) in tasks that have none."""
    return [replace(p, ideal=ideal) if p.ideal is None and p.scored is None else p for p in plans]
