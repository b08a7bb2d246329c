"""Reference checks: how much of the ideal implementation a response reproduces.

They read the structural comparison (``harness.compare``) of the response with the reference
solution: ``ctx.reference.comparison`` when the run built it, else built here once. Without a
reference every criterion is ``na``. Each finding carries the reference's evidence next to the
response's ("the ideal does it here: modules/database/main.tf:14").
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

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
from harness.compare import SECURITY_WEIGHT, AttrStatus, Comparison, Item, Pair, compare
from harness.diagnostics import Span

#: Reference items named in a passing summary's message before "+N more".
_LISTED = 5
#: Reference evidence attached to one finding.
_EVIDENCE_MAX = 3

_cache: list[tuple[object, object, Comparison]] = []


def comparison_for(ctx: CheckContext) -> Comparison | None:
    """The comparison of the response with the reference, or None without a reference.

    Built at most once per (response, reference) configuration pair when the run did not
    supply it; the cache holds the last few and is keyed by identity, never by content."""
    ref = ctx.reference
    if ref is None:
        return None
    if isinstance(ref.comparison, Comparison):
        return ref.comparison
    for config, ref_config, found in _cache:
        if config is ctx.config and ref_config is ref.config:
            return found
    built = compare(ctx.tree, ctx.config, ref.tree, ref.config)
    _cache.append((ctx.config, ref.config, built))
    del _cache[:-4]
    return built


def reference_evidence(ref: ReferenceContext, span: Span | None, what: str = "") -> Evidence:
    """Evidence of what the ideal does, for display beside the response's evidence."""
    if span is None:
        return Evidence(None, None, None, None, "", source="reference", note=what)
    where = f"{span.path}:{span.start_line}"
    note = f"the ideal does it here: {where}" + (f" ({what})" if what else "")
    return Evidence.from_span(span, ref.tree, note=note, source="reference")


class CoverageParams(Params):
    min_recall: float = Field(
        default=0.8,
        ge=0.0,
        le=1.0,
        description="Share of the reference's items the response must have to pass outright; "
        "below it the score is the share covered.",
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


def _coverage(
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


@check("reference.resource_coverage", "reference", params=ResourceCoverageParams)
def resource_coverage(ctx: CheckContext, params: ResourceCoverageParams) -> Iterator[Finding]:
    """The response creates the resources the reference solution creates.

    What it checks:
    Pairs every resource of the reference with one of the response: same type, then the same
    address in the corresponding module, the same name elsewhere, or the most similar
    attributes (a bucket called ``main`` where the reference says ``this`` still counts). At or
    above ``min_recall`` of the reference's resources covered, the criterion passes; below it,
    each reference resource is a finding (partial credit = share covered). ``na`` without a
    reference.

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
    yield from _coverage(ctx, pairs, missing, "resources", params.min_recall)


@check("reference.module_coverage", "reference", params=CoverageParams)
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
    yield from _coverage(
        ctx, comparison.modules.pairs, comparison.modules.missing, "module calls", params.min_recall
    )


@check("reference.attribute_agreement", "reference", params=AgreementParams)
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
        yield _agreement_finding(ctx, ref, pair, params)


def _agreement_finding(
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
    name = label if pair.reference.key == pair.response.key else f"{pair.response.label} ({label})"
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
        return passed(message, *all_evidence, subject=label)
    return failed(message, *all_evidence, subject=label)
