"""Lifecycle in CloudFormation terms: what happens to a stateful resource's data when the stack
is deleted or the resource is replaced (``DeletionPolicy``, ``UpdateReplacePolicy``).

``lifecycle.create_before_destroy`` and ``lifecycle.ssm_overwrite`` have no CloudFormation
meaning (CloudFormation always creates a replacement before deleting the old resource, and
updates parameters in place): they are ``na`` for templates."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from harness.checks.common.cloudformation import CLOUDFORMATION, model_of
from harness.checks.lifecycle import CATEGORY
from harness.checks.registry import Params, check
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed

STATEFUL_TYPES: tuple[str, ...] = (
    "AWS::RDS::DBInstance",
    "AWS::RDS::DBCluster",
    "AWS::S3::Bucket",
    "AWS::DynamoDB::Table",
    "AWS::EC2::Volume",
    "AWS::EFS::FileSystem",
    "AWS::ElastiCache::ReplicationGroup",
    "AWS::KMS::Key",
    "AWS::Logs::LogGroup",
)


class DeletionPolicyParams(Params):
    types: list[str] = Field(
        default_factory=lambda: list(STATEFUL_TYPES),
        description="Resource types that hold data (CloudFormation type names).",
    )
    require_update_replace: bool = Field(
        default=True,
        description="UpdateReplacePolicy must keep the data too (Retain or Snapshot).",
    )


_KEEPS = frozenset({"Retain", "Snapshot", "RetainExceptOnCreate"})


@check("lifecycle.deletion_policy", CATEGORY, params=DeletionPolicyParams, languages=CLOUDFORMATION)
def deletion_policy(ctx: CheckContext, params: DeletionPolicyParams) -> Iterator[Finding]:
    """Stateful resources keep their data when deleted or replaced (CloudFormation).

    What it checks:
        Per resource of ``types`` (databases, buckets, tables, volumes, keys, log groups):
        ``DeletionPolicy`` is ``Retain``, ``Snapshot`` or ``RetainExceptOnCreate`` and, with
        ``require_update_replace``, ``UpdateReplacePolicy`` too. na without such a resource.

    Why it matters:
        The default policy deletes the data with the stack, and a replacement (a changed
        engine, a renamed bucket) deletes the old resource's data after creating the new one.

    Example:
        Passing: ``DeletionPolicy: Snapshot`` and ``UpdateReplacePolicy: Snapshot`` on an
        ``AWS::RDS::DBInstance``.
    """
    model = model_of(ctx)
    found = False
    for resource in model.of_types(*params.types):
        found = True
        evidence = ctx.evidence(resource.span)
        problems = []
        if resource.deletion_policy not in _KEEPS:
            problems.append(f"DeletionPolicy {resource.deletion_policy or 'not set (Delete)'}")
        if params.require_update_replace and resource.update_replace_policy not in _KEEPS:
            problems.append(
                f"UpdateReplacePolicy {resource.update_replace_policy or 'not set (Delete)'}"
            )
        if problems:
            yield failed("; ".join(problems), evidence, subject=resource.logical_id)
        else:
            yield passed(
                f"DeletionPolicy {resource.deletion_policy}, UpdateReplacePolicy "
                f"{resource.update_replace_policy or '-'}",
                evidence,
                subject=resource.logical_id,
            )
    if not found:
        yield not_applicable("no stateful resource")
