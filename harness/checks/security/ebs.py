"""Data-at-rest checks on EBS: volume encryption on instances, launch templates and volumes."""

from __future__ import annotations

from collections.abc import Iterator

from harness.checks.common import (
    bool_of,
    iter_blocks,
    resources_of,
    setting,
    short,
    subject_of,
)
from harness.checks.registry import Params, check
from harness.checks.security import CATEGORY
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.terraform.model import Block, Resource

EBS_TYPES = ("aws_instance", "aws_launch_template", "aws_launch_configuration", "aws_ebs_volume")


@check("security.ebs_encrypted", CATEGORY)
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
