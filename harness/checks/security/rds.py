"""Data-at-rest checks: RDS storage encryption and exposure, EBS volume encryption."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from harness.checks.common import (
    bool_of,
    evidence_at,
    iter_blocks,
    resources_of,
    setting,
    short,
    subject_of,
)
from harness.checks.common.settings import bool_setting
from harness.checks.registry import Params, check
from harness.checks.types import CheckContext, Finding, Status, failed, not_applicable, passed
from harness.terraform.model import Block, Resource


class RdsEncryptedParams(Params):
    types: list[str] = Field(
        default_factory=lambda: ["aws_db_instance", "aws_rds_cluster"],
        description="Database types that must set storage_encrypted = true.",
    )


class RdsPublicParams(Params):
    types: list[str] = Field(
        default_factory=lambda: ["aws_db_instance", "aws_rds_cluster_instance"],
        description="Database types whose publicly_accessible must not be true.",
    )


@check("security.rds_encrypted", "security", params=RdsEncryptedParams)
def rds_encrypted(ctx: CheckContext, params: RdsEncryptedParams) -> Iterator[Finding]:
    """RDS instances and clusters encrypt their storage.

    What it checks:
        Each ``aws_db_instance`` and ``aws_rds_cluster`` sets ``storage_encrypted`` to true,
        resolved through variables (the value a module call passes, else the default) and
        locals. A read replica (``replicate_source_db``) inherits its source's encryption and
        passes. Unresolvable values are na for that database. na when there is no database.

    Why it matters:
        ``storage_encrypted`` defaults to false for ``aws_db_instance`` and cannot be turned on
        later without a snapshot-copy-restore migration; unencrypted storage, snapshots and
        backups fail most compliance baselines.

    Example:
        Failing::

            resource "aws_db_instance" "main" {
              engine            = "mysql"
              storage_encrypted = false
            }

        Passing::

            resource "aws_db_instance" "main" {
              engine            = "mysql"
              storage_encrypted = true
            }
    """
    subjects = resources_of(ctx.config, params.types)
    if not subjects:
        yield not_applicable("no RDS database")
        return
    for db in subjects:
        evidence = evidence_at(ctx, db, "storage_encrypted", "replicate_source_db")
        if db.get("storage_encrypted") is None and db.get("replicate_source_db") is not None:
            message = "read replica: inherits the source's encryption"
            yield passed(message, evidence, subject=subject_of(ctx.config, db))
            continue
        yield bool_setting(
            ctx, db, "storage_encrypted", want=True, default=False, evidence=evidence
        )


@check("security.rds_not_public", "security", params=RdsPublicParams)
def rds_not_public(ctx: CheckContext, params: RdsPublicParams) -> Iterator[Finding]:
    """RDS instances are not reachable from the internet.

    What it checks:
        Each ``aws_db_instance`` and ``aws_rds_cluster_instance`` leaves
        ``publicly_accessible`` unset (default false) or sets it to false, resolved through
        variables and locals; true, or a value that may be true, fails. na when there is no
        database instance.

    Why it matters:
        A publicly accessible database gets a public DNS name and IP; one permissive security
        group rule later, it is exposed to credential stuffing and exploits from the whole
        internet. Databases belong in private subnets, reached through the application tier.

    Example:
        Failing::

            resource "aws_db_instance" "main" {
              publicly_accessible = true
            }

        Passing::

            resource "aws_db_instance" "main" {
              publicly_accessible = false
            }
    """
    subjects = resources_of(ctx.config, params.types)
    if not subjects:
        yield not_applicable("no RDS database instance")
        return
    for db in subjects:
        # a value that may be true is already an exposure: unresolved fails
        yield bool_setting(
            ctx, db, "publicly_accessible", want=False, default=False, unknown=Status.FAIL
        )


EBS_TYPES = ("aws_instance", "aws_launch_template", "aws_launch_configuration", "aws_ebs_volume")


@check("security.ebs_encrypted", "security")
def ebs_encrypted(ctx: CheckContext, params: Params) -> Iterator[Finding]:
    """EC2 volumes are encrypted.

    What it checks:
        With ``aws_ebs_encryption_by_default`` enabled every volume passes. Otherwise, per
        resource: ``aws_ebs_volume`` sets ``encrypted = true``; ``aws_instance`` and
        ``aws_launch_configuration`` declare a ``root_block_device`` and every root/EBS block
        device sets ``encrypted = true``; ``aws_launch_template`` has ``block_device_mappings``
        whose ``ebs`` blocks all set ``encrypted = true``. An instance launched from a launch
        template without its own block devices is judged through the template. na when the
        configuration has no EC2 storage.

    Why it matters:
        Volumes default to unencrypted unless the account opts in, and an unencrypted root
        volume (with logs, keys, application data) and its snapshots can be copied and read
        by anyone who obtains snapshot access. Encryption cannot be added to a volume in place.

    Example:
        Failing::

            resource "aws_instance" "web" {
              ami           = "ami-123"
              instance_type = "t3.micro"
            }

        Passing::

            resource "aws_instance" "web" {
              ami           = "ami-123"
              instance_type = "t3.micro"
              root_block_device {
                encrypted = true
              }
            }
    """
    subjects = resources_of(ctx.config, EBS_TYPES)
    if not subjects:
        yield not_applicable("no EC2 instance, launch template or EBS volume")
        return
    default = next(
        (
            r
            for r in resources_of(ctx.config, ("aws_ebs_encryption_by_default",))
            if r.get("enabled") is None or bool_of(ctx.config, r.get("enabled"), r.module) is True
        ),
        None,
    )
    for resource in subjects:
        subject = subject_of(ctx.config, resource)
        if default is not None:
            yield passed(
                f"account-wide {subject_of(ctx.config, default)} encrypts every new volume",
                ctx.evidence(default.span),
                subject=subject,
            )
            continue
        finding = _ebs_verdict(ctx, resource, subject)
        if finding is not None:
            yield finding


def _ebs_verdict(ctx: CheckContext, resource: Resource, subject: str) -> Finding | None:
    if resource.type == "aws_ebs_volume":
        return _encrypted_flag(ctx, resource, resource.block, "encrypted", subject, "volume")
    if resource.type == "aws_launch_template":
        devices = [
            ebs
            for mapping in iter_blocks(resource.block, "block_device_mappings")
            for ebs in iter_blocks(mapping, "ebs")
        ]
        if not devices:
            return failed(
                "no block_device_mappings: volumes come unencrypted from the AMI defaults",
                ctx.evidence(resource.span),
                subject=subject,
            )
        for n, ebs in enumerate(devices, start=1):
            verdict = _encrypted_flag(ctx, resource, ebs, "encrypted", subject, f"ebs block {n}")
            if verdict.status.value != "pass":
                return verdict
        return passed(
            f"all {len(devices)} ebs block(s) set encrypted = true",
            ctx.evidence(devices[0].span),
            subject=subject,
        )
    roots = list(iter_blocks(resource.block, "root_block_device"))
    extra = list(iter_blocks(resource.block, "ebs_block_device"))
    if (
        resource.type == "aws_instance"
        and not roots
        and not extra
        and resource.block.has("launch_template")
    ):
        return None  # its volumes are the launch template's, judged there
    if not roots:
        return failed(
            "no root_block_device { encrypted = true }: the root volume is unencrypted unless "
            "the AMI or account default encrypts it",
            ctx.evidence(resource.span),
            subject=subject,
        )
    for kind, blocks in (("root_block_device", roots), ("ebs_block_device", extra)):
        for block in blocks:
            verdict = _encrypted_flag(ctx, resource, block, "encrypted", subject, kind)
            if verdict.status.value != "pass":
                return verdict
    return passed(
        "root" + (f" and {len(extra)} EBS" if extra else "") + " volume(s) set encrypted = true",
        ctx.evidence(roots[0].span),
        subject=subject,
    )


def _encrypted_flag(
    ctx: CheckContext, resource: Resource, block: Block, name: str, subject: str, what: str
) -> Finding:
    attribute = block.attr(name)
    if attribute is None:
        return failed(
            f"{what}: {name} is not set (defaults to false)",
            ctx.evidence(block.span),
            subject=subject,
        )
    value = bool_of(ctx.config, attribute.expr, resource.module)
    evidence = ctx.evidence(attribute.span)
    if value is True:
        return passed(
            f"{what}: " + setting(name, attribute.expr.text, True), evidence, subject=subject
        )
    if value is False:
        return failed(
            f"{what}: " + setting(name, attribute.expr.text, False), evidence, subject=subject
        )
    return not_applicable(
        f"{subject}: {what} {name} = {short(attribute.expr.text)} is not static", subject
    )
