"""The worker side of a batch: one unit of work in, one serialised result out.

A ``UnitJob`` names a unit (a response's own files, a follow-up's overlay, or the ideal) and
the task's ideal response (its reference); ``BatchSettings`` (the rubric, a given reference
folder, the cache) reach a worker once (a pool initializer, a Dask scatter). Whatever runs a
job (this process, a pebble pool, a Dask worker) calls ``score_job`` and gets ``ScoredLines``:
the process that writes the run folder keeps no trees or models.

Stages are cached by content (``harness.cache``): a tree by the response's bytes, a model by
the tree's content, a comparison by both trees, and the whole result by the unit's bytes,
the rubric's hash and the reference's bytes. ``result_key`` is computed without parsing, so
a warm rerun (or a resume) never starts a worker for a response it already knows.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import os
import threading
import time
import uuid
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from functools import cached_property
from pathlib import Path
from typing import Any

from harness.cache import DiskCache, StageCache, code_fingerprint, digest
from harness.checks.types import ReferenceContext
from harness.collector import paused_collector
from harness.compare import Comparison
from harness.extract.types import FileTree
from harness.grading.score import score
from harness.prompt import PromptRequirements, Requirement, read_prompt_file, read_prompts
from harness.results import CriterionResult, ResponseResult
from harness.rubric import Rubric
from harness.rubric.model import Criterion
from harness.run import pipeline
from harness.run.pipeline import (
    Builders,
    Clock,
    evaluate_reference,
    extract_response,
    failed_result,
    reference_from,
)
from harness.run.plan import Unit
from harness.run.walk import TaskTrees, grade_unit, ideal_reference
from harness.store import ScoredLines, scored_lines, with_input_hash
from harness.tasks import ResponseSource, open_input
from harness.terraform.model import Configuration
from harness.vocabulary import Diagnostic

#: Exit status of a worker that its memory watchdog stopped (the batch reports ``memory``).
MEMORY_EXIT = 86


@dataclass(frozen=True)
class BatchSettings:
    """What every job of a batch shares; shipped to each worker once."""

    rubric: Rubric
    reference_dir: Path | None = None  # a reference folder given for every task
    cache_dir: Path | None = None  # None: no disk cache (memory only, per worker)
    token: str = field(default_factory=lambda: uuid.uuid4().hex)

    @cached_property
    def category_ids(self) -> tuple[str, ...]:
        return tuple(self.rubric.category_ids)

    @cached_property
    def rubric_sha256(self) -> str:
        return self.rubric.sha256


@dataclass(frozen=True)
class UnitJob:
    """One unit to score and its task's ideal response (the reference unless one is given)."""

    unit: Unit
    ideal: ResponseSource | None
    #: the ideal's results are computed once per task for its responses' evidence
    task_has_responses: bool = True
    #: every prompt of the task: what the ideal (the reference) is judged against
    task_prompts: tuple[Path, ...] = ()


def file_digest(path: Path) -> str:
    """``digest`` of the file's bytes, read in blocks (a response of gigabytes is hashed, not
    held); ``OSError`` for what is not a regular file (``open_input``) or changed while read."""
    with open_input(path) as handle:
        size = os.fstat(handle.fileno()).st_size
        hasher = hashlib.sha256(size.to_bytes(8, "little"))
        read = 0
        for block in iter(lambda: handle.read(1 << 20), b""):
            hasher.update(block)
            read += len(block)
    if read != size:
        raise OSError(errno.EIO, "changed while it was read", str(path))
    return hasher.hexdigest()


def _reference_dir_digest(path: Path) -> str:
    files = sorted(p for p in path.rglob("*") if p.is_file())
    return digest(str(path.resolve()), *(f"{f.relative_to(path)}\0{file_digest(f)}" for f in files))


def reference_key(job: UnitJob, settings: BatchSettings) -> str:
    """What the job's reference is made of: the given folder's files, or the ideal's bytes."""
    if settings.reference_dir is not None:
        return "dir:" + _reference_dir_digest(settings.reference_dir)
    if job.ideal is None:
        return "none"
    return digest(str(job.ideal.path), file_digest(job.ideal.path))


def result_key(job: UnitJob, settings: BatchSettings, reference: str | None = None) -> str:
    """The key of a unit's whole result: the unit (``unit_key``) and the rubric's hash.
    Reading and hashing the files is all it costs."""
    return digest(unit_key(job, settings, reference), "result", settings.rubric_sha256)


def unit_key(job: UnitJob, settings: BatchSettings, reference: str | None = None) -> str:
    """What a unit's grading depends on besides the rubric: code, the unit's files' bytes and
    ids, the prompts it is judged against and the task's prompts (the reference's), the
    reference: a changed prompt is re-scored."""
    unit = job.unit
    return digest(
        code_fingerprint(),
        "unit",
        unit.task_id,
        unit.response_id,
        unit.kind.value,
        str(unit.source),
        *(f"{s.response_id}\0{s.path}\0{file_digest(s.path)}" for s in unit.chain),
        "prompts",
        *(f"{p.name}\0{file_digest(p)}" for p in unit.prompts),
        "task prompts",
        *(f"{p.name}\0{file_digest(p)}" for p in job.task_prompts),
        reference if reference is not None else reference_key(job, settings),
        str(job.task_has_responses),
    )


def tree_digest(tree: FileTree) -> str:
    """A tree's content hash (files, diagnostics, prose: its full value)."""
    return digest(code_fingerprint(), "tree", repr(tree))


class _TreeDigests:
    """``tree_digest`` remembered for the last few tree objects: a task's reference tree
    keys every one of its responses' comparisons, and a unit's tree keys its model and its
    comparison. By identity, holding the tree (an id is only reused after its object dies;
    trees are frozen, so the value of a held one never changes)."""

    def __init__(self, size: int = 64) -> None:
        self.size = size
        self._known: OrderedDict[int, tuple[FileTree, str]] = OrderedDict()
        self._lock = threading.Lock()  # a process may grade units on several threads

    def __call__(self, tree: FileTree) -> str:
        with self._lock:
            known = self._known.get(id(tree))
            if known is not None and known[0] is tree:
                self._known.move_to_end(id(tree))
                return known[1]
        value = tree_digest(tree)
        with self._lock:
            self._known[id(tree)] = (tree, value)
            while len(self._known) > self.size:
                self._known.popitem(last=False)
        return value


def cached_builders(cache: StageCache) -> Builders:
    """``Builders`` whose models and comparisons come from ``cache`` when it knows them."""

    digests = _TreeDigests()

    def model(tree: FileTree) -> Configuration:
        return cache.fetch("model", digests(tree), lambda: pipeline.build_model(tree))

    def comparison(
        tree: FileTree, config: Configuration, reference: ReferenceContext
    ) -> tuple[Comparison, dict[str, Any]]:
        key = digest(digests(tree), digests(reference.tree))
        return cache.fetch("compare", key, lambda: pipeline.compare_with(tree, config, reference))

    return Builders(model=model, comparison=comparison)


@dataclass(frozen=True)
class UnitFacts:
    """What a unit's result holds that no criterion decides: kept per unit so that a new
    rubric whose criteria are all known rebuilds the result without a model."""

    diagnostics: tuple[Diagnostic, ...]
    comparison: dict[str, Any] | None
    has_code: bool


def criterion_key(criterion: Criterion) -> str:
    """A criterion's result depends on its check and parameters; weight, severity, gate and
    category are copied onto it (a rubric that changes only those reuses every result)."""
    params = json.dumps(criterion.params.model_dump(mode="json"), sort_keys=True)
    return digest(criterion.id, criterion.check, params)


@dataclass(frozen=True)
class Graded:
    """One graded unit: its lines for the run folder, and the result they serialise (equal
    to reading ``lines.response_line`` back, with ``input_sha256`` filled)."""

    lines: ScoredLines
    result: ResponseResult


@dataclass
class _TaskReference:
    reference: ReferenceContext | None
    error: Exception | None
    known: tuple[CriterionResult, ...] | None


#: Units graded between two full collections of what they froze (``WorkerState.thaw``).
_THAW_EVERY = 1000
#: Prompt files whose requirements a worker keeps (a task's units come one after another).
_PROMPT_FILES_KEPT = 64


class WorkerState:
    """One process's caches for one batch: stages, and the last few tasks' references."""

    def __init__(self, settings: BatchSettings) -> None:
        self.settings = settings
        disk = DiskCache(settings.cache_dir) if settings.cache_dir is not None else None
        self.disk = disk
        self.stages = StageCache(disk)
        self.builders = cached_builders(self.stages)
        self._references: OrderedDict[str, _TaskReference] = OrderedDict()
        self._prompt_files: OrderedDict[str, tuple[Requirement, ...]] = OrderedDict()
        # freeze after each unit, unless something else in the process froze objects:
        # unfreezing would thaw those too
        self._freezes = gc.get_freeze_count() == 0
        self._frozen_units = 0
        self._given: ReferenceContext | None = None

    def _extract(self, source: ResponseSource) -> FileTree:
        key = digest(
            code_fingerprint(), "extract", source.response_id, str(source.path),
            file_digest(source.path),
        )  # fmt: skip
        return self.stages.fetch(
            "tree", key, lambda: extract_response(source.path, source.response_id)
        )

    def _read_prompts(
        self, paths: tuple[Path, ...], earlier: tuple[Path, ...] = ()
    ) -> PromptRequirements:
        """A task's prompts read once per batch (every unit of the task is judged against
        them), through the stage cache by the files' bytes like a tree. Each file is read
        once however many of the task's turns list it (``PROMPT.md`` is in every turn's).
        ``earlier``: the turns before ``paths``, read for what the prompt waives."""
        keys = {path: f"{path}\0{file_digest(path)}" for path in (*earlier, *paths)}
        key = digest(
            code_fingerprint(),
            "prompts",
            *(keys[p] for p in paths),
            "earlier",
            *(keys[p] for p in earlier),
        )

        def read_file(path: Path) -> tuple[Requirement, ...]:
            found = self._prompt_files.get(keys[path])
            if found is None:
                found = self._prompt_files[keys[path]] = read_prompt_file(path)
                while len(self._prompt_files) > _PROMPT_FILES_KEPT:
                    self._prompt_files.popitem(last=False)
            return found

        return self.stages.fetch(
            "prompts", key, lambda: read_prompts(paths, read_file, earlier=earlier)
        )

    def given_reference(self) -> ReferenceContext | None:
        if self.settings.reference_dir is not None and self._given is None:
            self._given = reference_from(self.settings.reference_dir, builders=self.builders)
        return self._given

    def task_reference(self, job: UnitJob) -> _TaskReference:
        """The job's reference and the rubric's results on it, built once per task here."""
        key = reference_key(job, self.settings) + f"\0{job.unit.task_id}"
        found = self._references.get(key)
        if found is not None:
            self._references.move_to_end(key)
            return found
        reference, error, known = None, None, None
        try:
            trees = TaskTrees(self._extract, self._read_prompts)
            reference = ideal_reference(job.ideal, trees, self.given_reference(), self.builders)
        except Exception as exc:  # a broken ideal must not stop its task's responses
            error = exc
        if reference is not None and job.task_has_responses:
            try:
                prompt = TaskTrees(self._extract, self._read_prompts).prompt(job.task_prompts)
                known = evaluate_reference(
                    self.settings.rubric, reference, job.unit.task_id, prompt
                )
            except Exception:  # each response then retries it and reports its own error
                known = None
        found = _TaskReference(reference, error, known)
        self._references[key] = found
        while len(self._references) > 4:
            self._references.popitem(last=False)
        return found

    def score(self, job: UnitJob, key: str | None = None) -> ScoredLines:
        """Grade one job (never raises for the job's content) and cache the result, with the
        cyclic garbage collector paused (``paused_collector``)."""
        return self.graded(job, key).lines

    def graded(self, job: UnitJob, key: str | None = None) -> Graded:
        """``score``, with the result itself: a caller in this process keeps it instead of
        reading its serialised line back."""
        with paused_collector(freeze=self._freezes):
            graded = self._score(job, key)
        self._frozen_units += 1
        if self._frozen_units >= _THAW_EVERY:
            self.thaw(collect=True)
        return graded

    def thaw(self, collect: bool = False) -> None:
        """Unfreeze what this state's units froze (``paused_collector``): at the end of a
        batch, and every ``_THAW_EVERY`` units with a full collection, which frees what
        cycles they left (a bounded wait, not a leak)."""
        if self._freezes:  # also after a unit that raised (frozen, never counted)
            gc.unfreeze()
            if collect:
                gc.collect()
        self._frozen_units = 0

    def _score(self, job: UnitJob, key: str | None) -> Graded:
        unit, settings = job.unit, self.settings
        whole = self._known_criteria(job)
        if whole is not None:
            whole = with_input_hash(whole)
            return Graded(scored_lines(whole, settings.category_ids), whole)
        task = self.task_reference(job)
        if unit.is_ideal and task.error is not None:
            result = failed_result(
                unit.task_id,
                unit.response_id,
                str(unit.source),
                "reference",
                task.error,
                is_ideal=True,
            )
        else:
            clock = Clock()
            # trees come through the stage cache (in memory, by content), never from another
            # job's TaskTrees: response ids repeat across tasks
            result = grade_unit(
                unit,
                TaskTrees(self._extract, self._read_prompts),
                settings.rubric,
                task.reference,
                task.known,
                clock,
                builders=self.builders,
            )
        result = with_input_hash(result)
        lines = scored_lines(result, settings.category_ids)
        if self.disk is not None and result.error is None:
            self.disk.put("result", key or result_key(job, settings), lines)
            self._keep_criteria(job, result)
        return Graded(lines, result)

    def _keep_criteria(self, job: UnitJob, result: ResponseResult) -> None:
        """Remember the unit's facts and each criterion's result (merged with the criteria
        other rubrics left before)."""
        assert self.disk is not None
        base = unit_key(job, self.settings)
        if result.tree is None:
            return
        facts = UnitFacts(result.diagnostics, result.comparison, result.tree.has_code)
        self.disk.put("facts", base, facts)
        known = self.disk.get("criteria", base)
        table: dict[str, CriterionResult] = dict(known) if isinstance(known, dict) else {}
        by_id = {c.id: c for c in self.settings.rubric.criteria}
        for criterion in result.criteria:
            if criterion.criterion_id in by_id:
                table[criterion_key(by_id[criterion.criterion_id])] = criterion
        self.disk.put("criteria", base, table)

    def knows_all_criteria(self, job: UnitJob) -> bool:
        """Whether the cache holds this unit's facts and every criterion of the rubric."""
        if self.disk is None:
            return False
        try:
            base = unit_key(job, self.settings)
        except OSError:
            return False
        if not self.disk.contains("facts", base):
            return False
        table = self.disk.get("criteria", base)
        return isinstance(table, dict) and all(
            criterion_key(c) in table for c in self.settings.rubric.criteria
        )

    def rebuild(self, job: UnitJob) -> ScoredLines | None:
        """The unit's result from known criteria (see ``_known_criteria``), serialised."""
        whole = self._known_criteria(job)
        return None if whole is None else scored_lines(whole, self.settings.category_ids)

    def _known_criteria(self, job: UnitJob) -> ResponseResult | None:
        """The unit's result rebuilt from known criterion results when every criterion of the
        rubric is known for it (a rescore that changed weights, gates, severities or other
        criteria): no model, no comparison, no check runs; None otherwise."""
        if self.disk is None:
            return None
        try:
            base = unit_key(job, self.settings)
        except OSError:
            return None
        facts = self.disk.get("facts", base)
        table = self.disk.get("criteria", base)
        if not isinstance(facts, UnitFacts) or not isinstance(table, dict):
            return None
        rubric = self.settings.rubric
        keys = [(c, criterion_key(c)) for c in rubric.criteria]
        if any(k not in table for _, k in keys):
            return None
        unit = job.unit
        clock = Clock()
        tree = TaskTrees(self._extract, self._read_prompts).tree(unit, clock)
        criteria = tuple(
            replace(
                table[k],
                check_id=c.check,
                category=c.category,
                weight=c.weight,
                severity=c.severity,
                gate=c.gate,
            )
            for c, k in keys
        )
        with clock.stage("scoring"):
            scored = score(criteria, rubric, has_code=facts.has_code)
        return ResponseResult(
            task_id=unit.task_id,
            response_id=unit.response_id,
            source=str(unit.source),
            overall=scored.overall,
            categories=scored.categories,
            criteria=criteria,
            gates_failed=scored.gates_failed,
            diagnostics=facts.diagnostics,
            tree=tree,
            is_ideal=unit.is_ideal,
            timings=dict(clock.timings),
            comparison=facts.comparison,
        )


_STATES: dict[str, WorkerState] = {}
_SETTINGS: BatchSettings | None = None


def state_for(settings: BatchSettings) -> WorkerState:
    """This process's state for the batch ``settings`` belongs to (one batch at a time)."""
    state = _STATES.get(settings.token)
    if state is None:
        _STATES.clear()
        state = _STATES[settings.token] = WorkerState(settings)
    return state


def init_worker(settings: BatchSettings, memory_limit_mb: int | None) -> None:
    """Pool initializer: keep the batch settings, start the memory watchdog."""
    global _SETTINGS
    _SETTINGS = settings
    if memory_limit_mb:
        watch_memory(memory_limit_mb)


def score_in_worker(job: UnitJob, key: str | None = None) -> ScoredLines:
    """A pool worker's entry point (settings came through ``init_worker``)."""
    if _SETTINGS is None:
        raise RuntimeError("worker not initialised")
    return state_for(_SETTINGS).score(job, key)


def score_chunk(
    jobs: list[tuple[int, UnitJob, str | None]], settings: BatchSettings
) -> list[tuple[int, ScoredLines]]:
    """A Dask task: several jobs of one task, in order (their index in the batch kept)."""
    state = state_for(settings)
    return [(index, state.score(job, key)) for index, job, key in jobs]


def _rss_bytes() -> int:
    with open("/proc/self/statm", encoding="ascii") as handle:
        return int(handle.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def watch_memory(limit_mb: int, interval_s: float = 0.05) -> None:
    """Stop this process (exit ``MEMORY_EXIT``) when its resident memory passes the limit;
    the pool replaces it and the batch records the response as ``memory``. Linux only (reads
    /proc); elsewhere the limit is not enforced."""
    if not os.path.exists("/proc/self/statm"):
        return
    limit = limit_mb * 1024 * 1024

    def watch() -> None:
        while True:
            if _rss_bytes() > limit:
                os._exit(MEMORY_EXIT)
            time.sleep(interval_s)

    threading.Thread(target=watch, name="memory-watchdog", daemon=True).start()
