"""Derive a task rubric from its reference solution (``iac-harness derive``).

The derived rubric ``extends`` the generic default and adds what the reference shows the task
needs: the modules it calls, the resource types it creates (minimum counts), which types carry
the random suffix, its lifecycle and security settings, tagging keys, backend, outputs and
alarm metrics, and the ``reference`` criteria. Every criterion is then run on the reference
itself: params are relaxed step by step until the reference passes, and a criterion it still
fails is disabled with a comment saying why (a rubric must not ask for what the ideal does not
do). The YAML is written by hand: deterministic, ordered and commented, for a reviewer to edit.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.checks.lifecycle.cloudformation import DeletionPolicyParams
from harness.checks.naming.cloudformation import NAME_PROPERTIES
from harness.checks.registry import CheckSpec, load_checks, run_criterion_checks
from harness.checks.types import CheckContext, Finding, ReferenceContext, Status
from harness.derive import cloudformation as cfn_facts
from harness.derive import facts
from harness.derive.facts import NewCriterion, Proposal
from harness.derive.render import render
from harness.derive.types import Decision, DerivedRubric
from harness.extract.types import FileTree
from harness.languages import rubric_for
from harness.prompt import PromptRequirements, read_prompts
from harness.rubric.loader import load_rubric
from harness.rubric.model import Rubric
from harness.run.pipeline import compared_with_itself, reference_from
from harness.tasks import IDEAL_ID, TaskError, load_task
from harness.terraform.model import Configuration

DEFAULT_BASE = "terraform-aws-production"
IDEAL_NAME = f"{IDEAL_ID}.md"
_RAISED = "error: "


class DeriveError(ValueError):
    """The reference cannot be used; the message is one line naming the path."""


@dataclass(frozen=True)
class ReferenceInput:
    task_id: str
    source: str
    reference: ReferenceContext
    #: What the task's prompts ask for (None: no prompt given or found)
    prompt: PromptRequirements | None = None

    @property
    def tree(self) -> FileTree:
        return self.reference.tree

    @property
    def config(self) -> Configuration:
        return self.reference.config


def task_prompts(path: Path) -> tuple[Path, ...]:
    """The prompts of the task folder ``path`` is (or an ``IDEAL_RESPONSE.md`` is in), in
    turn order; none outside a task folder."""
    folder = path if path.is_dir() else path.parent
    try:
        return load_task(folder).prompts
    except TaskError:
        return ()


def load_reference(path: Path, prompts: tuple[Path, ...] | None = None) -> ReferenceInput:
    """A reference tree (folder of .tf files), an ``IDEAL_RESPONSE.md``, or a task folder
    (a folder without .tf files that holds an ``IDEAL_RESPONSE.md``), read the way the score
    run reads a reference (``harness.run.reference_from``). ``prompts``: the task's prompts
    (default: the PROMPT*.md files of the task folder, when there is one)."""
    has_tf = path.is_dir() and next(path.rglob("*.tf"), None) is not None
    if path.is_dir() and not has_tf and (path / IDEAL_NAME).is_file():
        task_id, reference = path.name, reference_from(path / IDEAL_NAME, response_id=IDEAL_ID)
    elif path.is_file():
        if path.suffix.lower() != ".md":
            raise DeriveError(f"{path}: expected a reference folder, a task folder or a .md file")
        task_id, reference = path.parent.name, reference_from(path, response_id=path.stem)
    elif path.is_dir():
        task_id, reference = path.name, reference_from(path)
    else:
        raise DeriveError(f"{path}: no such file or folder")
    chosen = task_prompts(path) if prompts is None else prompts
    for prompt in chosen:
        if not prompt.is_file():
            raise DeriveError(f"{prompt}: prompt not found")
    requirements = read_prompts(chosen) if chosen else None
    return ReferenceInput(task_id, str(path), reference, requirements)


def reference_context(ref: ReferenceInput) -> CheckContext:
    """The reference graded as a response, with itself as the reference."""
    reference = compared_with_itself(ref.reference)
    return CheckContext(ref.task_id, "reference", ref.tree, ref.config, reference, ref.prompt)


def derive(
    ref: ReferenceInput, *, base: str | Path | None = None, rubric_id: str | None = None
) -> DerivedRubric:
    """Derive a rubric for ``ref``'s task; pure apart from reading the base rubric. ``base``
    None: the shipped rubric written for the reference's language (a template's criteria in
    CloudFormation terms), else ``DEFAULT_BASE``."""
    if base is None:
        base = rubric_for(ref.tree, DEFAULT_BASE)
    base_rubric = load_rubric(base)
    registry = load_checks()
    ctx = reference_context(ref)
    proposals = {p.id: p for p in _proposals(ref, ctx, registry)}
    decisions: list[Decision] = []
    for criterion in base_rubric.criteria:
        spec = registry[criterion.check]
        proposal = proposals.pop(criterion.id, None)
        base_params = dict(criterion.raw_params)
        decisions.append(_decide(criterion.id, spec, base_params, proposal, ctx, new=None))
    enabled = {d.id for d in decisions if not d.disabled}
    settings = _settings_proposals(ref.config, enabled)
    for proposal in (*settings, *proposals.values()):
        assert proposal.new is not None, proposal.id
        spec = registry[proposal.new.check]
        decision = _decide(proposal.id, spec, {}, proposal, ctx, new=proposal.new)
        if not decision.disabled:
            decisions.append(decision)
    base_id = base_rubric.id
    return DerivedRubric(
        id=rubric_id or _rubric_id(ref.task_id),
        base=str(base) if isinstance(base, Path) else base,
        task_id=ref.task_id,
        source=ref.source,
        decisions=tuple(
            d for d in decisions if d.params is not None or d.disabled or d.new or d.keep
        ),
        add_reference_category="reference" not in base_rubric.category_ids,
        facts=_facts_summary(ref, base_id),
    )


def _rubric_id(task_id: str) -> str:
    text = re.sub(r"[^a-z0-9_.\-]+", "-", task_id.lower()).strip("-._") or "task"
    return f"{text}-derived"[:100]


def _decide(
    criterion_id: str,
    spec: CheckSpec,
    base_params: dict[str, Any],
    proposal: Proposal | None,
    ctx: CheckContext,
    new: NewCriterion | None,
) -> Decision:
    """Keep the first candidate the reference passes; otherwise disable with the reason."""
    note = (proposal.note,) if proposal and proposal.note else ()
    candidates: Sequence[dict[str, Any] | None] = (
        proposal.candidates if proposal and proposal.candidates else (None,)
    )
    problem = ""
    for candidate in candidates:
        params = {**base_params, **(candidate or {})}
        problem = _failure(spec, params, ctx)
        if not problem:
            keep = bool(proposal and proposal.keep)
            return Decision(criterion_id, note, candidate, new=new, keep=keep)
    if problem.startswith(_RAISED):
        reason = f"Disabled: the check raised on the reference (report it): {problem}"
    else:
        reason = f"Disabled: the reference itself fails it: {problem}"
    return Decision(criterion_id, (*note, reason), None, disabled=True)


def _failure(spec: CheckSpec, params: dict[str, Any], ctx: CheckContext) -> str:
    """'' when the reference passes (or the check has nothing to judge), else why not: every
    implementation of the check for the reference's languages judges it, as in grading."""
    findings = run_criterion_checks(spec.id, ctx, spec.parse_params(params))
    bad = [f for f in findings if f.status in (Status.FAIL, Status.ERROR)]
    if not bad:
        return ""
    errors = [f for f in bad if f.status is Status.ERROR]
    if errors:
        return f"{_RAISED}{errors[0].message}"
    first = bad[0]
    more = f" (+{len(bad) - 1} more)" if len(bad) > 1 else ""
    return f"{_finding_text(first)}{more}"


def _finding_text(finding: Finding) -> str:
    where = finding.evidence[0].location() if finding.evidence else ""
    subject = (
        f"{finding.subject}: " if finding.subject and finding.subject not in finding.message else ""
    )
    return f"{subject}{finding.message}" + (f" ({where})" if where else "")


# -- proposals ----------------------------------------------------------------------------


def _proposals(
    ref: ReferenceInput, ctx: CheckContext, registry: dict[str, CheckSpec]
) -> list[Proposal]:
    """What to ask of a response, from what the reference does (in rubric order)."""
    config = ref.config
    out: list[Proposal] = []

    def add(criterion_id: str, candidates: tuple[dict[str, Any], ...], note: str) -> None:
        out.append(Proposal(criterion_id, candidates, note, facts.NEW_CRITERIA.get(criterion_id)))

    modules = facts.root_module_calls(config)
    if modules:
        add(
            "complete.required_modules",
            ({"modules": modules},),
            f"The reference's root module calls {len(modules)} module(s).",
        )
    templates = cfn_facts.templates_of(ctx)
    counts = facts.resource_counts(config)
    if templates is not None:
        counts = {**counts, **cfn_facts.resource_counts(templates)}
    if counts:
        add(
            "complete.required_resources",
            ({"resources": counts},),
            f"The reference creates {sum(counts.values())} resource blocks of {len(counts)} "
            "types (a block with count/for_each counts once).",
        )
    suffixed = _suffixed_types(ctx, registry)
    if suffixed:
        add(
            "naming.suffix_applied",
            ({"types": suffixed},),
            "The reference's names carry the random suffix on these types.",
        )
    cbd = facts.create_before_destroy_types(config)
    if cbd:
        add(
            "lifecycle.create_before_destroy",
            ({"types": cbd},),
            "The reference sets create_before_destroy on every resource of these types.",
        )
    if templates is not None:
        stateful = sorted(
            {r.type for r in templates.resources()} & set(DeletionPolicyParams().types)
        )
        if stateful:
            add(
                "lifecycle.deletion_policy",
                ({"types": stateful},),
                "The reference's stateful resources (CloudFormation) and what they keep.",
            )
    tagging = registry["tagging.required_keys"]
    candidates = facts.tag_key_candidates(config)
    if templates is not None:
        candidates = sorted({*candidates, *cfn_facts.tag_key_candidates(templates)})
    keys = [k for k in candidates if not _failure(tagging, {"keys": [k]}, ctx)]
    if keys:
        add(
            "tagging.required_keys",
            ({"keys": keys},),
            "Tag keys every taggable resource of the reference carries.",
        )
    backend = facts.backend_type(config)
    if backend:
        add(
            "reliability.backend",
            ({"accepted": [backend]}, {"accepted": [backend], "require_locking": False}),
            f"The reference keeps its state in a {backend!r} backend.",
        )
    outputs = facts.root_outputs(config)
    if templates is not None:
        outputs = sorted({*outputs, *cfn_facts.output_names(templates)})
    if outputs:
        shown = ", ".join(outputs[:6]) + (
            f" (+{len(outputs) - 6} more)" if len(outputs) > 6 else ""
        )
        add(
            "reliability.outputs",
            (
                {"min_outputs": len(outputs)},
                {"min_outputs": len(outputs), "require_description": False},
            ),
            f"The reference's root outputs: {shown}.",
        )
    qualified, bare = facts.alarm_metrics(config)
    if templates is not None:
        more_qualified, more_bare = cfn_facts.alarm_metrics(templates)
        qualified = sorted({*qualified, *more_qualified})
        bare = sorted({*bare, *more_bare})
    if qualified:
        add(
            "monitoring.alarms",
            ({"metrics": qualified}, {"metrics": bare}),
            "The reference raises alarms on these metrics.",
        )
    for criterion_id, kind in (
        ("testing.unit_tests", "unit"),
        ("testing.integration_tests", "integration"),
    ):
        spec = registry[criterion_id]
        findings = run_criterion_checks(criterion_id, ctx, spec.parse_params({}))
        found = sorted({f.subject or f.message for f in findings if f.status is Status.PASS})
        listed = ", ".join(found[:4]) + (f" (+{len(found) - 4} more)" if len(found) > 4 else "")
        note = f"The reference's {kind} tests: {listed}." if found else f"No {kind} tests."
        out.append(Proposal(criterion_id, (), note, keep=True))
    out = _with_prompt(ref, ctx, out)
    add(
        "reference.resource_coverage",
        ({},),
        "Coverage of the reference's resources (same type, then address or similarity).",
    )
    if any(module.calls for module in config.modules.values()):
        add("reference.module_coverage", ({},), "Coverage of the reference's module calls.")
    add(
        "reference.attribute_agreement",
        ({},),
        "Agreement of matched resources' attributes; security settings weigh more.",
    )
    return out


def _with_prompt(ref: ReferenceInput, ctx: CheckContext, out: list[Proposal]) -> list[Proposal]:
    """``complete.prompt_requirements`` (less the requirements the reference itself does not
    meet, named in a note) and, on each criterion the prompt calls for, a note citing it."""
    prompt = ref.prompt
    if prompt is None or not len(prompt):
        return out
    spec = load_checks()["complete.prompt_requirements"]
    findings = run_criterion_checks(spec.id, ctx, spec.parse_params({}))
    missed = sorted({f.subject for f in findings if f.status is Status.FAIL})
    listed = ", ".join(f"{r.key} ({r.place})" for r in prompt.requirements[:6])
    more = f" (+{len(prompt) - 6} more)" if len(prompt) > 6 else ""
    note = f"The prompt ({', '.join(prompt.prompts)}) asks for {listed}{more}."
    if missed:
        note += f" Skipped: the reference does not do {', '.join(missed)}."
    candidates: tuple[dict[str, Any], ...] = ({"skip": missed},) if missed else ({},)
    proposal = Proposal(
        "complete.prompt_requirements",
        candidates,
        note,
        facts.NEW_CRITERIA["complete.prompt_requirements"],
        keep=True,
    )
    by_id = {p.id: i for i, p in enumerate(out)}
    result = [*out, proposal]
    called: dict[str, list[str]] = {}
    for requirement in prompt:
        for criterion_id in requirement.calls_for:
            called.setdefault(criterion_id, []).append(f"{requirement.title} ({requirement.place})")
    for criterion_id, asked in called.items():
        cited = f"The prompt asks for {', '.join(asked[:3])}."
        if criterion_id in by_id:
            old = result[by_id[criterion_id]]
            result[by_id[criterion_id]] = Proposal(
                old.id, old.candidates, f"{old.note} {cited}".strip(), old.new, keep=True
            )
        elif criterion_id in facts.NEW_CRITERIA:  # else the base rubric has it, or cannot
            result.append(
                Proposal(criterion_id, (), cited, facts.NEW_CRITERIA[criterion_id], keep=True)
            )
    return result


def _settings_proposals(config: Configuration, enabled: set[str]) -> list[Proposal]:
    """Security and lifecycle settings every resource of a type has in the reference, less
    those an enabled generic criterion already judges."""
    out = []
    found = [s for s in facts.settings(config) if facts.covered_by(s.type, s.path) not in enabled]
    for criterion_id, lifecycle in (
        ("task.security_settings", False),
        ("task.lifecycle_settings", True),
    ):
        chosen = [s for s in found if s.lifecycle is lifecycle]
        if chosen:
            where = "; ".join(f"{s.type}.{s.path} ({s.where})" for s in chosen[:6])
            more = f" and {len(chosen) - 6} more" if len(chosen) > 6 else ""
            out.append(
                Proposal(
                    criterion_id,
                    ({"settings": [s.as_param() for s in chosen]},),
                    f"The reference sets {where}{more}; the generic criteria do not judge these.",
                    facts.NEW_CRITERIA[criterion_id],
                )
            )
    return out


def _suffixed_types(ctx: CheckContext, registry: dict[str, CheckSpec]) -> list[str]:
    """Types whose every resource's name carries the suffix in the reference (the naming
    check run on the reference, one type at a time)."""
    spec = registry.get("naming.suffix_applied")
    if spec is None:
        return []
    name_attributes = spec.params.model_fields["name_attributes"].get_default(
        call_default_factory=True
    )
    present = {r.type for r in ctx.config.resources()}
    nameable = set(name_attributes or {})
    templates = cfn_facts.templates_of(ctx)
    if templates is not None:
        present |= {r.type for r in templates.resources()}
        nameable |= set(NAME_PROPERTIES)
    found = []
    for resource_type in sorted(present & nameable):
        params = spec.parse_params({"types": [resource_type]})
        findings = run_criterion_checks(spec.id, ctx, params)
        statuses = {f.status for f in findings}
        if Status.PASS in statuses and not statuses & {Status.FAIL, Status.ERROR}:
            found.append(resource_type)
    return found


def _facts_summary(ref: ReferenceInput, base_id: str) -> tuple[str, ...]:
    config = ref.config
    templates = cfn_facts.templates_of(reference_context(ref))
    n_templates = len(templates.templates) if templates is not None else 0
    n_resources = sum(1 for _ in config.resources()) + (
        sum(1 for _ in templates.resources()) if templates is not None else 0
    )
    n_modules = len([m for m in config.modules if m != config.root])
    no_hcl = (
        (
            "The reference has no Terraform files"
            + ("" if ref.tree.files else " (no file could be extracted from it)")
            + ": only criteria that do not need them apply.",
        )
        if not ref.tree.of_language("hcl") and not n_templates
        else ()
    )
    return (
        f"Derived by `iac-harness derive` from {ref.source} (task {ref.task_id}): "
        f"{len(ref.tree.files)} files"
        + (f" ({n_templates} CloudFormation templates)" if n_templates else "")
        + f", {n_resources} resources, {n_modules} child modules, "
        f"root module {config.root or '(top level)'}.",
        f"It extends {base_id}. Every criterion below was run on the reference itself; params "
        "were relaxed until it passes, and criteria it still fails are disabled with the "
        "reason. Review before use: this is a draft for a reviewer to edit.",
        *no_hcl,
    )


def write(rubric: DerivedRubric, out: Path) -> Path:
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(render(rubric), encoding="utf-8")
    return out


def verify(path: Path, ref: ReferenceInput) -> tuple[Rubric, list[str]]:
    """Load the written rubric and list the criteria the reference does not pass (should be
    none): the derived rubric must score the reference 100."""
    rubric = load_rubric(path)
    registry = load_checks()
    ctx = reference_context(ref)
    problems = []
    for criterion in rubric.criteria:
        problem = _failure(registry[criterion.check], criterion.params.model_dump(), ctx)
        if problem:
            problems.append(f"{criterion.id}: {problem}")
    return rubric, problems
