"""The reference criteria in CloudFormation terms: the response's templates against the
reference's (``harness.compare.cloudformation``), resources paired by logical id and type.
``reference.module_coverage`` has no CloudFormation meaning (templates have no module calls)."""

from __future__ import annotations

from collections.abc import Iterator

from harness.checks.common.cloudformation import CLOUDFORMATION, LANGUAGE, model_of
from harness.checks.reference import CATEGORY
from harness.checks.reference.checks import (
    AgreementParams,
    ResourceCoverageParams,
    agreement_finding,
    coverage_findings,
)
from harness.checks.registry import check
from harness.checks.types import CheckContext, Finding, not_applicable
from harness.cloudformation import CloudFormationModel
from harness.compare.cloudformation import CloudFormationComparison, compare_templates

_LAST: list[tuple[CheckContext, CloudFormationComparison]] = []


def comparison_of(ctx: CheckContext) -> CloudFormationComparison | None:
    """The response's templates compared with the reference's (built once per context)."""
    if ctx.reference is None:
        return None
    if _LAST and _LAST[0][0] is ctx:
        return _LAST[0][1]
    reference = ctx.reference.model(LANGUAGE)
    if not isinstance(reference, CloudFormationModel):
        return None
    comparison = compare_templates(model_of(ctx), reference)
    _LAST[:] = [(ctx, comparison)]
    return comparison


@check(
    "reference.resource_coverage",
    CATEGORY,
    params=ResourceCoverageParams,
    languages=CLOUDFORMATION,
    reads_reference=True,
)
def resource_coverage(ctx: CheckContext, params: ResourceCoverageParams) -> Iterator[Finding]:
    """Creates the resources the reference's templates create (CloudFormation).

    What it checks:
        The reference's resources paired with the response's: same logical id and type, else
        the same type with the most similar logical id. At ``min_recall`` covered the
        criterion passes; below it each reference resource is a finding. na without a
        reference or when it declares no CloudFormation resource.

    Why it matters:
        A resource the ideal needs and the response lacks is work a reviewer must add.

    Example:
        Reference: ``AlertTopic`` (``AWS::SNS::Topic``). Passing: ``AlarmTopic`` of the same
        type. Failing: no SNS topic.
    """
    comparison = comparison_of(ctx)
    if comparison is None:
        yield not_applicable("no reference solution to compare with")
        return
    resources = comparison.resources
    if not resources.pairs and not resources.missing:
        yield not_applicable("the reference declares no CloudFormation resources")
        return
    yield from coverage_findings(ctx, resources.pairs, resources.missing, "resources", params.min_recall)


@check(
    "reference.attribute_agreement",
    CATEGORY,
    params=AgreementParams,
    languages=CLOUDFORMATION,
    reads_reference=True,
)
def attribute_agreement(ctx: CheckContext, params: AgreementParams) -> Iterator[Finding]:
    """Matched resources set the properties the reference sets (CloudFormation).

    What it checks:
        Per response resource paired with a reference resource: the weighted share of the
        reference's properties (leaves of ``Properties``, tags by key, plus
        ``DeletionPolicy`` / ``UpdateReplacePolicy``) it reproduces: present earns half, an
        equivalent value the other half (parameters by their defaults, references by the
        paired resource they point at). Security properties (encryption, public access,
        passwords, ingress, policies) weigh ``security_weight``; with ``require_security``
        omitting one fails the resource.

    Why it matters:
        A bucket that exists without the ideal's encryption or public access block is not the
        same bucket.

    Example:
        Reference: ``Database`` with ``StorageEncrypted: true``. Failing: the same database
        without it.
    """
    comparison = comparison_of(ctx)
    reference = ctx.reference
    if comparison is None or reference is None:
        yield not_applicable("no reference solution to compare with")
        return
    pairs = [p for p in comparison.resources.pairs if p.attributes]
    if not pairs:
        yield not_applicable("no response resource matches a reference resource")
        return
    for pair in pairs:
        yield agreement_finding(ctx, reference, pair, params)
