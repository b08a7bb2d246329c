"""Grade one response: extract -> model -> compare -> checks -> scoring, each stage timed.

``grade`` is the library entry point for a single response; batches (``harness.run.batch``)
call ``grade_tree`` per response and turn any exception into a failed result.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from harness.checks.types import CheckContext, ReferenceContext
from harness.compare import Comparison, compare, summarise
from harness.extract import extract, tree_from_directory
from harness.extract.types import FileTree
from harness.grading.applicability import applicable_from_prompt, applicable_from_task
from harness.grading.engine import evaluate
from harness.grading.reference_evidence import with_reference_evidence
from harness.grading.score import score
from harness.prompt import PromptRequirements, read_prompts
from harness.results import CriterionResult, ResponseResult
from harness.rubric import Rubric, load_rubric
from harness.store import EMPTY_REFERENCE_CODE
from harness.tasks import IDEAL_ID
from harness.terraform import build
from harness.terraform.model import Configuration
from harness.vocabulary import Diagnostic, Severity

STAGES = ("extract", "model", "compare", "checks", "scoring")


class Clock:
    """Accumulates seconds per stage; ``stage`` names the stage running (for error text).

    ``with clock.stage("model"): config = build_model(tree)`` keeps the call readable."""

    def __init__(self) -> None:
        self.timings: dict[str, float] = {}
        self.current = "start"

    @contextmanager
    def stage(self, name: str) -> Iterator[None]:
        self.current = name
        start = time.perf_counter()
        try:
            yield
        finally:
            self.timings[name] = self.timings.get(name, 0.0) + time.perf_counter() - start


def extract_response(source: Path, response_id: str) -> FileTree:
    """The file tree of one markdown response."""
    return extract(source, response_id=response_id)


def build_model(tree: FileTree) -> Configuration:
    """The Terraform model of a tree."""
    return build(tree)


def compare_with(
    tree: FileTree, config: Configuration, reference: ReferenceContext
) -> tuple[Comparison, dict[str, Any]]:
    """The comparison with the reference and its JSON-able summary (stored with the result)."""
    comparison = compare(tree, config, reference.tree, reference.config)
    return comparison, summarise(comparison)


@dataclass(frozen=True)
class Builders:
    """How ``grade_tree`` gets a tree's model and its comparison with the reference: built
    here by default; a batch passes cached ones (``harness.run.units``)."""

    model: Callable[[FileTree], Configuration] = lambda tree: build_model(tree)
    comparison: Callable[
        [FileTree, Configuration, ReferenceContext], tuple[Comparison, dict[str, Any]]
    ] = lambda tree, config, reference: compare_with(tree, config, reference)


DEFAULT_BUILDERS = Builders()


def reference_from(
    source: Path | FileTree | ReferenceContext,
    *,
    response_id: str = IDEAL_ID,
    builders: Builders = DEFAULT_BUILDERS,
) -> ReferenceContext:
    """A reference context from a Terraform directory, a markdown ideal response (extracted as
    ``response_id``), or a tree: the one place a reference is built (the score run, the task
    walk and derive all come here)."""
    if isinstance(source, ReferenceContext):
        return source
    if isinstance(source, FileTree):
        tree = source
    elif source.is_dir():
        tree = tree_from_directory(source)
    else:
        tree = extract_response(source, response_id)
    return ReferenceContext(tree=tree, config=builders.model(tree))


def compared_with_itself(reference: ReferenceContext) -> ReferenceContext:
    """The reference as its own response's reference: with its comparison with itself."""
    comparison = compare(reference.tree, reference.config, reference.tree, reference.config)
    return replace(reference, comparison=comparison)


def evaluate_reference(
    rubric: Rubric,
    reference: ReferenceContext,
    task_id: str = "",
    prompt: PromptRequirements | None = None,
) -> tuple[CriterionResult, ...]:
    """The rubric's results on the reference itself (once per task): where the ideal does
    what a failing response does not. ``prompt``: every prompt of the task (the ideal's)."""
    ctx = CheckContext(task_id, IDEAL_ID, reference.tree, reference.config, prompt=prompt)
    return evaluate(rubric, ctx)


#: Diagnostic codes the pipeline adds: no file extracted (overall 0, see ``harness.score``);
#: the task's reference has no file (its comparison says nothing).
NO_CODE = "no_code"
EMPTY_REFERENCE = EMPTY_REFERENCE_CODE


def scoring_diagnostics(
    has_code: bool, reference: ReferenceContext | None
) -> tuple[Diagnostic, ...]:
    found = []
    if not has_code:
        found.append(
            Diagnostic(
                NO_CODE,
                Severity.ERROR,
                "the response has no code (no file extracted, no code block): overall score "
                "kept below 1 (a response with code always scores more)",
                stage="scoring",
            )
        )
    if reference is not None and len(reference.tree) == 0:
        found.append(
            Diagnostic(
                EMPTY_REFERENCE,
                Severity.WARNING,
                "the task's reference (ideal response) has no code: the comparison with it "
                "is meaningless",
                stage="compare",
            )
        )
    return tuple(found)


def grade_tree(
    tree: FileTree,
    rubric: Rubric,
    clock: Clock,
    *,
    task_id: str,
    response_id: str,
    source: str,
    reference: ReferenceContext | None,
    is_ideal: bool = False,
    reference_criteria: tuple[CriterionResult, ...] | None = None,
    builders: Builders = DEFAULT_BUILDERS,
    prompt: PromptRequirements | None = None,
) -> ResponseResult:
    """Grade one extracted tree. With a reference, the comparison feeds the reference.*
    checks, an na where the reference has something to judge fails (the task calls for it),
    and failing criteria get the ideal's evidence (``reference_criteria``: the rubric's
    results on the reference itself with the task's prompts, computed here when not given;
    the ideal graded as a response on the reference's own tree takes them for every
    criterion whose check does not read the reference). ``prompt``: what the
    prompts this response answers ask for (``complete.prompt_requirements``); without a
    reference it decides what the task calls for."""
    with clock.stage("model"):
        config = builders.model(tree)
    comparison_summary = None
    context_reference = None
    if reference is not None:
        with clock.stage("compare"):
            comparison, comparison_summary = builders.comparison(tree, config, reference)
        context_reference = replace(reference, comparison=comparison)
    ctx = CheckContext(task_id, response_id, tree, config, context_reference, prompt)
    # the ideal graded as a response: what does not read the reference is what the rubric
    # found on the reference itself (the same tree and prompts), made once per task
    same_tree = reference is not None and (reference.tree is tree or reference.tree == tree)
    known = reference_criteria if is_ideal and same_tree else None
    with clock.stage("checks"):
        criteria = evaluate(rubric, ctx, known)
    if context_reference is None and prompt is not None and not is_ideal:
        criteria = applicable_from_prompt(criteria, prompt)
    if context_reference is not None and not is_ideal:
        with clock.stage("checks"):
            if reference_criteria is None:
                reference_criteria = evaluate_reference(rubric, context_reference, task_id, prompt)
            criteria = applicable_from_task(criteria, reference_criteria, prompt)
            criteria = with_reference_evidence(
                criteria, reference_criteria, context_reference.comparison
            )
    code = tree.has_code
    with clock.stage("scoring"):
        result = score(criteria, rubric, has_code=code)
    return ResponseResult(
        task_id=task_id,
        response_id=response_id,
        source=source,
        overall=result.overall,
        categories=result.categories,
        criteria=criteria,
        gates_failed=result.gates_failed,
        diagnostics=(
            *tree.diagnostics,
            *config.diagnostics,
            *(d for name, m in ctx.models.items() if name != "terraform" for d in m.diagnostics),
            *scoring_diagnostics(code, reference),
        ),
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
    reference: ReferenceContext | FileTree | Path | str | None = None,
    is_ideal: bool = False,
    prompt: PromptRequirements | Path | str | Sequence[Path | str] | None = None,
) -> ResponseResult:
    """Grade one response (a ``FileTree`` or the path of a markdown response) with a rubric
    (a ``Rubric``, a rubric file or a shipped rubric id). ``reference`` (a ReferenceContext, a
    Terraform directory, an ideal markdown response or a tree) enables the comparison;
    ``prompt`` (prompt files in turn order, or their requirements) the prompt's criterion.
    Exceptions propagate; batches use ``score_paths``, which isolates each response."""
    if not isinstance(rubric, Rubric):
        rubric = load_rubric(rubric)
    clock = Clock()
    if isinstance(tree_or_path, FileTree):
        tree, source = tree_or_path, tree_or_path.source
    else:
        path = Path(tree_or_path)
        response_id = response_id or path.stem
        with clock.stage("extract"):
            tree, source = extract_response(path, response_id), str(path)
    ref = (
        reference_from(Path(reference) if isinstance(reference, str) else reference)
        if reference is not None
        else None
    )
    return grade_tree(
        tree,
        rubric,
        clock,
        task_id=task_id,
        response_id=response_id,
        source=source,
        reference=ref,
        is_ideal=is_ideal,
        prompt=_prompt_of(prompt),
    )


def _prompt_of(
    prompt: PromptRequirements | Path | str | Sequence[Path | str] | None,
) -> PromptRequirements | None:
    if prompt is None or isinstance(prompt, PromptRequirements):
        return prompt
    paths = [prompt] if isinstance(prompt, (str, Path)) else list(prompt)
    return read_prompts([Path(p) for p in paths])


def failed_result(
    task_id: str,
    response_id: str,
    source: str,
    stage: str,
    exc: BaseException,
    *,
    is_ideal: bool = False,
    timings: dict[str, float] | None = None,
) -> ResponseResult:
    """A result that records why a response could not be graded (the batch goes on)."""
    first = str(exc).splitlines()[0] if str(exc) else ""
    return ResponseResult(
        task_id=task_id,
        response_id=response_id,
        source=source,
        overall=None,
        error=f"{stage}: {type(exc).__name__}: {first}"[:500],
        is_ideal=is_ideal,
        timings=dict(timings or {}),
    )
