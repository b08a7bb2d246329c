"""Reference checks: how much of the ideal implementation a response reproduces.

They read the structural comparison (``harness.compare``) of the response with the reference
solution: ``ctx.reference.comparison`` when the run built it, else built here once. Without a
reference every criterion is ``na``. Each finding carries the reference's evidence next to the
response's ("the ideal does it here: modules/database/main.tf:14").
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

from pydantic import Field

from harness.checks.common.resources import span_at
from harness.checks.reference import CATEGORY
from harness.checks.registry import Params, check
from harness.checks.types import (
    CheckContext,
    Evidence,
    Finding,
    ReferenceContext,
    failed,
    not_applicable,
    passed,
)
from harness.compare import SECURITY_WEIGHT, AttrStatus, Comparison, Item, Pair
from harness.compare.values import Resolver, canon_scalar
from harness.terraform.model import Resource
from harness.vocabulary import Span

#: Reference items named in a passing summary's message before "+N more".
_LISTED = 5
#: Reference evidence attached to one finding.
_EVIDENCE_MAX = 3


def comparison_for(ctx: CheckContext) -> Comparison | None:
    """The comparison of the response with the reference, or None without a reference."""
    return ctx.comparison


def reference_evidence(ref: ReferenceContext, span: Span | None, what: str = "") -> Evidence:
    """Evidence of what the ideal does, for display beside the response's evidence."""
    if span is None:
        return Evidence(None, None, None, None, "", source="reference", note=what)
    where = f"{span.path}:{span.start_line}"
    note = f"the ideal does it here: {where}" + (f" ({what})" if what else "")
    return ref.evidence(span, note)


class CoverageParams(Params):
    min_recall: float = Field(
        default=1.0,
        ge=0.0,
        le=1.0,
        description="Share of the reference's items the response must have to pass outright; "
        "below it the score is the share covered and each missing item is a failing finding "
        "(default 1.0: every missing item counts).",
    )


class ResourceCoverageParams(CoverageParams):
    include_data_sources: bool = Field(
        default=False, description="Count the reference's data sources as well."
    )


class AgreementParams(Params):
    min_agreement: float = Field(
        default=0.6,
        ge=0.0,
        le=1.0,
        description="Weighted share of a matched resource's reference attributes the response "
        "must reproduce (present: half, equivalent value: full).",
    )
    security_weight: float = Field(
        default=SECURITY_WEIGHT,
        ge=1.0,
        le=100.0,
        description="Weight of a security-relevant attribute (encryption, public access, "
        "versioning, ingress CIDRs, policies, overwrite) relative to any other.",
    )
    require_security: bool = Field(
        default=True,
        description="Fail a resource that omits a security-relevant attribute the reference "
        "sets, whatever its overall agreement.",
    )
    include_data_sources: bool = Field(
        default=False, description="Compare the reference's data sources as well."
    )


def coverage_findings(
    ctx: CheckContext,
    pairs: tuple[Pair, ...],
    missing: tuple[Item, ...],
    noun: str,
    min_recall: float,
) -> Iterator[Finding]:
    ref = ctx.reference
    assert ref is not None
    total = len(pairs) + len(missing)
    recall = len(pairs) / total
    if recall >= min_recall:
        names = ", ".join(i.label for i in missing[:_LISTED])
        more = f" (+{len(missing) - _LISTED} more)" if len(missing) > _LISTED else ""
        lacking = f"; lacks {names}{more}" if missing else ""
        evidence = [reference_evidence(ref, i.span, i.label) for i in missing[:_EVIDENCE_MAX]]
        yield passed(
            f"has {len(pairs)} of the reference's {total} {noun} ({recall:.0%} >= "
            f"{min_recall:.0%}){lacking}",
            *evidence,
            subject=f"{noun} coverage",
        )
        return
    for pair in pairs:
        how = "" if pair.reference.label == pair.response.label else f" as {pair.response.label}"
        response_evidence = (
            [ctx.evidence(pair.response.span, f"matches {pair.reference.label}")]
            if pair.response.span
            else []
        )
        yield passed(
            f"{pair.reference.label}: present{how} ({pair.how.value})",
            *response_evidence,
            reference_evidence(ref, pair.reference.span, pair.reference.label),
            subject=pair.reference.label,
        )
    for item in missing:
        yield failed(
            f"{item.label}: the reference has it, the response has no counterpart",
            reference_evidence(ref, item.span, item.label),
            subject=item.label,
        )


@check("reference.resource_coverage", CATEGORY, params=ResourceCoverageParams, judges_task=False, reads_reference=True)
def resource_coverage(ctx: CheckContext, params: ResourceCoverageParams) -> Iterator[Finding]:
    """The response creates the resources the reference solution creates.

    What it checks:
    Pairs every resource of the reference with one of the response: same type, then the same
    address in the corresponding module, the same name elsewhere, or the most similar
    attributes (a bucket called ``main`` where the reference says ``this`` still counts). At or
    above ``min_recall`` of the reference's resources covered (default: all of them, so every
    missing resource costs), the criterion passes; below it, each reference resource is a
    finding (partial credit = share covered). ``na`` without a reference.

    Why it matters:
    A resource the ideal needs and the response lacks is usually a missing feature (no KMS
    key, no flow logs, no alarm) that no generic check names.

    Example:
    Reference: ``aws_s3_bucket.this``, ``aws_s3_bucket_versioning.this``. Failing: only
    ``aws_s3_bucket.main``. Passing: ``aws_s3_bucket.main`` and ``aws_s3_bucket_versioning.main``.
    """
    comparison = comparison_for(ctx)
    if comparison is None:
        yield not_applicable("no reference solution to compare with")
        return
    pairs = comparison.resources.pairs
    missing = comparison.resources.missing
    if params.include_data_sources:
        pairs += comparison.data_sources.pairs
        missing += comparison.data_sources.missing
    if not pairs and not missing:
        yield not_applicable("the reference declares no resources")
        return
    yield from coverage_findings(ctx, pairs, missing, "resources", params.min_recall)


@check("reference.module_coverage", CATEGORY, params=CoverageParams, judges_task=False, reads_reference=True)
def module_coverage(ctx: CheckContext, params: CoverageParams) -> Iterator[Finding]:
    """The response calls the modules the reference solution calls.

    What it checks:
    Pairs every module call of the reference with one of the response: local modules whose
    directories correspond (same path under the root, same call name, or similar name and
    resource types), remote modules with the same source, then the same or a similar call
    name. Passes at ``min_recall`` covered; below it, one finding per reference call. ``na``
    when there is no reference or it calls no module.

    Why it matters:
    A task that asks for a modular layout is not met by one flat file, however complete.

    Example:
    Reference: ``module "networking"``, ``module "database"``. Failing: everything in
    ``main.tf``. Passing: ``module "network"`` (``./modules/network``) and ``module "db"``.
    """
    comparison = comparison_for(ctx)
    if comparison is None:
        yield not_applicable("no reference solution to compare with")
        return
    if not comparison.modules.pairs and not comparison.modules.missing:
        yield not_applicable("the reference calls no modules")
        return
    yield from coverage_findings(
        ctx, comparison.modules.pairs, comparison.modules.missing, "module calls", params.min_recall
    )


@check("reference.attribute_agreement", CATEGORY, params=AgreementParams, judges_task=False, reads_reference=True)
def attribute_agreement(ctx: CheckContext, params: AgreementParams) -> Iterator[Finding]:
    """Matched resources set what the reference sets, to equivalent values.

    What it checks:
    For each response resource paired with a reference resource, the weighted share of the
    reference's attributes and nested blocks it reproduces: present earns half, an equivalent
    value the other half. Values are normalised (quotes, spacing, ``"true"`` = ``true``, key
    and set order, ``jsonencode`` = heredoc JSON) and references compare by what they point at
    (``aws_s3_bucket.main.id`` agrees with ``aws_s3_bucket.this.id`` once the buckets are
    paired). Security-relevant attributes weigh ``security_weight``; with
    ``require_security`` a resource that omits one the reference sets fails outright.

    Why it matters:
    A resource can exist and still be wrong: an RDS instance without ``storage_encrypted``, a
    bucket without its public access settings, an SSM parameter without ``overwrite``.

    Example:
    Reference: ``aws_db_instance.main { storage_encrypted = true ... }``. Failing: the same
    instance without ``storage_encrypted``. Passing: ``storage_encrypted = "true"``.
    """
    comparison = comparison_for(ctx)
    ref = ctx.reference
    if comparison is None or ref is None:
        yield not_applicable("no reference solution to compare with")
        return
    pairs = [p for p in comparison.resources.pairs if p.attributes]
    if params.include_data_sources:
        pairs += [p for p in comparison.data_sources.pairs if p.attributes]
    if not pairs:
        yield not_applicable("no response resource matches a reference resource")
        return
    for pair in pairs:
        yield agreement_finding(ctx, ref, pair, params)


def agreement_finding(
    ctx: CheckContext, ref: ReferenceContext, pair: Pair, params: AgreementParams
) -> Finding:
    score = pair.agreement(params.security_weight) or 0.0
    lost_security = [
        a for a in pair.attributes if a.security and a.status is AttrStatus.MISSING and not a.block
    ] or [a for a in pair.attributes if a.security and a.status is AttrStatus.MISSING]
    differing_security = [
        a for a in pair.attributes if a.security and a.status is AttrStatus.DIFFER
    ]
    label = pair.reference.label
    name = pair.response.label
    if pair.reference.key != pair.response.key:
        name += f" (reference {label})"
    problems: list[str] = []
    if lost_security:
        problems.append("omits " + ", ".join(a.path for a in lost_security[:_LISTED]))
    if differing_security:
        problems.append(
            "sets differently " + ", ".join(a.path for a in differing_security[:_LISTED])
        )
    missing = pair.of_status(AttrStatus.MISSING)
    if missing and not lost_security:
        problems.append("omits " + ", ".join(missing[:_LISTED]))
    detail = f"; {'; '.join(problems)}" if problems else ""
    message = f"{name}: reproduces {score:.0%} of the reference's settings{detail}"
    response_evidence = ctx.evidence(pair.response.span) if pair.response.span else None
    shown = (lost_security + differing_security)[:_EVIDENCE_MAX]
    evidence = [
        reference_evidence(ref, a.reference_span, f"{a.path} = {a.reference_text}".strip(" ="))
        for a in shown
    ] or [reference_evidence(ref, pair.reference.span, label)]
    all_evidence = ([response_evidence] if response_evidence else []) + evidence
    ok = score >= params.min_agreement and not (params.require_security and lost_security)
    if ok:
        return passed(message, *all_evidence, subject=pair.response.label)
    return failed(message, *all_evidence, subject=pair.response.label)


class Setting(Params):
    """One setting: resources of ``type`` set ``path`` (dotted through nested blocks and
    object keys), to ``equals`` when given."""

    type: str = Field(description="Resource type, e.g. aws_db_instance.")
    path: str = Field(
        description="Attribute path, e.g. storage_encrypted or lifecycle.ignore_changes."
    )
    equals: bool | int | float | str | None = Field(
        default=None, description="Required value (after normalisation); omitted: only present."
    )

    def label(self) -> str:
        value = "" if self.equals is None else f" = {json.dumps(self.equals)}"
        return f"{self.type}.{self.path}{value}"


class SettingsParams(Params):
    settings: list[Setting] = Field(
        default_factory=list,
        description="Settings every resource of the type must have (derived from the "
        "reference by iac-harness derive). Empty: na.",
    )


@check("reference.settings", CATEGORY, params=SettingsParams, judges_task=False, reads_reference=True)
def settings(ctx: CheckContext, params: SettingsParams) -> Iterator[Finding]:
    """Resources set what the task's reference sets (a declarative value check).

    What it checks:
    For each setting (``type``, ``path``, optional ``equals``), every response resource of
    that type sets the attribute or nested block at ``path``, and when ``equals`` is given, to
    that value after normalisation (``"true"`` = ``true``; variables and locals are followed to
    their value, a variable nobody sets to its default). One finding per resource and setting;
    a value that cannot be resolved statically is na; a type the response does not create is
    na (``reference.resource_coverage`` and ``complete.required_resources`` judge absence).
    ``iac-harness derive`` fills the list from what the reference does (encryption, public
    access, versioning, ``overwrite``, ``create_before_destroy``, ``ignore_changes``), with
    the reference's place next to each finding.

    Why it matters:
    The generic checks know common settings; a task's ideal often adds its own (KMS rather
    than AES256, ``ignore_changes`` on an Auto Scaling group's ``desired_capacity``).

    Example:
    ``settings: [{type: aws_db_instance, path: storage_encrypted, equals: true}]``. Failing:
    an ``aws_db_instance`` without ``storage_encrypted``. Passing: ``storage_encrypted =
    var.encrypted`` with ``default = true``.
    """
    if not params.settings:
        yield not_applicable("the rubric lists no settings")
        return
    resolver = Resolver(ctx.config, _type_key, defaults=True)
    ref_resolver = (
        Resolver(ctx.reference.config, _type_key, defaults=True) if ctx.reference else None
    )
    for setting in params.settings:
        resources = list(ctx.config.resources(setting.type))
        if not resources:
            yield not_applicable(f"no {setting.type}", subject=setting.label())
            continue
        ideal = _ideal_evidence(ctx, ref_resolver, setting)
        for resource in resources:
            subject = f"{resource.module + ':' if resource.module else ''}{resource.address}"
            subject += f".{setting.path}"
            yield _setting_finding(ctx, resolver, resource, setting, subject, ideal)


def _setting_finding(
    ctx: CheckContext,
    resolver: Resolver,
    resource: Resource,
    setting: Setting,
    subject: str,
    ideal: list[Evidence],
) -> Finding:
    expr = resource.get(setting.path)
    present = expr is not None or resource.block.has(setting.path)
    wanted = f" (the reference sets {setting.label().split('.', 1)[1]})"
    if not present:
        return failed(
            f"{subject} is not set{wanted}", ctx.evidence(resource.span), *ideal, subject=subject
        )
    span = span_at(resource.block, setting.path) or resource.span
    if setting.equals is None:
        return passed(f"{subject} is set", ctx.evidence(span), *ideal, subject=subject)
    value = resolver.canon(expr, resource.module) if expr is not None else None
    if not _is_scalar(value):
        return not_applicable(f"{subject} = {expr.text if expr else '?'}: not static", subject)
    if value == canon_scalar(setting.equals):
        return passed(f"{subject} = {json.dumps(value)}", ctx.evidence(span), subject=subject)
    return failed(
        f"{subject} = {json.dumps(value)}{wanted}", ctx.evidence(span), *ideal, subject=subject
    )


def _ideal_evidence(
    ctx: CheckContext, resolver: Resolver | None, setting: Setting
) -> list[Evidence]:
    """Where the reference sets it, when the run has a reference."""
    if ctx.reference is None:
        return []
    for resource in ctx.reference.config.resources(setting.type):
        span = span_at(resource.block, setting.path)
        if span is not None:
            return [reference_evidence(ctx.reference, span, setting.label())]
    return []


def _type_key(module: str, address: str, path: tuple[str, ...]) -> Any:
    return ("res", address, path)


def _is_scalar(value: Any) -> bool:
    return isinstance(value, bool | int | float | str)
