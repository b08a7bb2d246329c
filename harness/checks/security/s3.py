"""S3 security checks: default encryption, public access block and versioning, per bucket.

Since AWS provider v4 these live in separate resources (``aws_s3_bucket_*``) that name their
bucket in ``bucket``; a companion counts for a bucket only when it is linked to it: by
reference (directly, or traced through variables, locals and module inputs/outputs) or by the
bucket's static name. The legacy inline blocks on ``aws_s3_bucket`` count as well.
"""

from __future__ import annotations

from collections.abc import Iterator

from harness.checks.common import (
    bool_of,
    evidence_at,
    iter_blocks,
    linked_targets,
    resources_of,
    short,
    strings_of,
    subject_of,
)
from harness.checks.registry import NoParams, check
from harness.checks.security import CATEGORY
from harness.checks.types import CheckContext, Evidence, Finding, failed, not_applicable, passed
from harness.facts import facts_of
from harness.terraform.model import Block, Resource

BUCKET = "aws_s3_bucket"
SSE = "aws_s3_bucket_server_side_encryption_configuration"
PAB = "aws_s3_bucket_public_access_block"
ACCOUNT_PAB = "aws_s3_account_public_access_block"
VERSIONING = "aws_s3_bucket_versioning"
#: The four flags of a public access block, in the order of the setting-facts table.
PAB_FLAGS = tuple(row.path for row in facts_of("security.s3_public_access_block"))


def _companions(ctx: CheckContext, kind: str, buckets: list[Resource]) -> dict[int, list[Resource]]:
    """Bucket (by position in ``buckets``) -> the companion resources of ``kind`` linked to it."""
    found: dict[int, list[Resource]] = {i: [] for i in range(len(buckets))}
    index = {id(b): i for i, b in enumerate(buckets)}
    for companion in resources_of(ctx.config, (kind,)):
        for bucket in linked_targets(ctx, companion.get("bucket"), companion.module, buckets):
            found[index[id(bucket)]].append(companion)
    return found


def _sse_algorithm(block: Block) -> list[Block]:
    """``apply_server_side_encryption_by_default`` blocks under the rules of an SSE block."""
    return [
        default
        for rule in iter_blocks(block, "rule")
        for default in iter_blocks(rule, "apply_server_side_encryption_by_default")
    ]


@check("security.s3_encryption", CATEGORY, params=NoParams)
def s3_encryption(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every S3 bucket has default server-side encryption configured.

    What it checks:
        Per ``aws_s3_bucket``: an ``aws_s3_bucket_server_side_encryption_configuration``
        linked to that bucket (an SSE configuration for another bucket does not count) whose
        rule sets ``apply_server_side_encryption_by_default { sse_algorithm }``, or the legacy
        inline ``server_side_encryption_configuration`` block. na when there is no bucket.

    Why it matters:
        S3 now encrypts new objects with SSE-S3 by default, but a production stack states its
        encryption explicitly: to use KMS keys it controls and audits, and so compliance
        scanners and reviewers can see the decision instead of relying on an account default.

    Example:
        Failing::

            resource "aws_s3_bucket" "data" {
              bucket = "app-data"
            }

        Passing::

            resource "aws_s3_bucket" "data" {
              bucket = "app-data"
            }
            resource "aws_s3_bucket_server_side_encryption_configuration" "data" {
              bucket = aws_s3_bucket.data.id
              rule {
                apply_server_side_encryption_by_default {
                  sse_algorithm = "aws:kms"
                }
              }
            }
    """
    buckets = resources_of(ctx.config, (BUCKET,))
    if not buckets:
        yield not_applicable("no S3 bucket")
        return
    companions = _companions(ctx, SSE, buckets)
    for i, bucket in enumerate(buckets):
        subject = subject_of(ctx.config, bucket)
        verdict: Finding | None = None
        for config in companions[i]:
            defaults = _sse_algorithm(config.block)
            algorithm = [d.attr("sse_algorithm") for d in defaults]
            evidence = ctx.evidence(config.span)
            if any(a is not None for a in algorithm):
                text = next(short(a.expr.text) for a in algorithm if a is not None)
                verdict = passed(
                    f"encrypted by {subject_of(ctx.config, config)} (sse_algorithm = {text})",
                    evidence,
                    subject=subject,
                )
                break
            verdict = failed(
                f"{subject_of(ctx.config, config)} sets no sse_algorithm", evidence, subject=subject
            )
        if verdict is None:
            inline = [b for b in iter_blocks(bucket.block, "server_side_encryption_configuration")]
            if any(d.attr("sse_algorithm") for b in inline for d in _sse_algorithm(b)):
                verdict = passed(
                    "inline server_side_encryption_configuration (legacy form)",
                    evidence_at(ctx, bucket, "server_side_encryption_configuration"),
                    subject=subject,
                )
        yield verdict or failed(
            "no server-side encryption configuration linked to this bucket",
            ctx.evidence(bucket.span),
            subject=subject,
        )


@check("security.s3_public_access_block", CATEGORY, params=NoParams)
def s3_public_access_block(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every S3 bucket is covered by a public access block with all four flags on.

    What it checks:
        Per ``aws_s3_bucket``: an ``aws_s3_bucket_public_access_block`` linked to that bucket,
        or an account-level ``aws_s3_account_public_access_block``, with
        ``block_public_acls``, ``block_public_policy``, ``ignore_public_acls`` and
        ``restrict_public_buckets`` all true (resolved through variables and locals). The
        message names the flags that are missing or false. na when there is no bucket.

    Why it matters:
        A public access block is the guard rail that stops a later ACL or bucket policy from
        exposing data; all four flags are needed, since each closes a different path (new
        ACLs, existing ACLs, public policies, cross-account access through a public policy).

    Example:
        Failing::

            resource "aws_s3_bucket_public_access_block" "data" {
              bucket            = aws_s3_bucket.data.id
              block_public_acls = true
            }

        Passing::

            resource "aws_s3_bucket_public_access_block" "data" {
              bucket                  = aws_s3_bucket.data.id
              block_public_acls       = true
              block_public_policy     = true
              ignore_public_acls      = true
              restrict_public_buckets = true
            }
    """
    buckets = resources_of(ctx.config, (BUCKET,))
    if not buckets:
        yield not_applicable("no S3 bucket")
        return
    account = [(r, _missing_flags(ctx, r)) for r in resources_of(ctx.config, (ACCOUNT_PAB,))]
    account_ok = next((r for r, missing in account if not missing), None)
    companions = _companions(ctx, PAB, buckets)
    for i, bucket in enumerate(buckets):
        subject = subject_of(ctx.config, bucket)
        if account_ok is not None:
            yield passed(
                f"account-level block {subject_of(ctx.config, account_ok)} sets all four flags",
                ctx.evidence(account_ok.span),
                subject=subject,
            )
            continue
        checked = [(c, _missing_flags(ctx, c)) for c in companions[i]]
        good = next((c for c, missing in checked if not missing), None)
        if good is not None:
            yield passed(
                f"{subject_of(ctx.config, good)} sets all four flags",
                ctx.evidence(good.span),
                subject=subject,
            )
        elif checked:
            block, missing = checked[0]
            yield failed(
                f"{subject_of(ctx.config, block)} does not set {', '.join(missing)} to true",
                ctx.evidence(block.span),
                subject=subject,
            )
        else:
            yield failed(
                "no public access block linked to this bucket (nor an account-level one)",
                ctx.evidence(bucket.span),
                subject=subject,
            )


def _missing_flags(ctx: CheckContext, block: Resource) -> list[str]:
    return [
        flag for flag in PAB_FLAGS if bool_of(ctx.config, block.get(flag), block.module) is not True
    ]


@check("security.s3_versioning", CATEGORY, params=NoParams)
def s3_versioning(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every S3 bucket has versioning enabled.

    What it checks:
        Per ``aws_s3_bucket``: an ``aws_s3_bucket_versioning`` linked to that bucket with
        ``versioning_configuration { status = "Enabled" }`` (resolved through variables), or
        the legacy inline ``versioning { enabled = true }``. ``Suspended``/``Disabled`` fail.
        na when there is no bucket.

    Why it matters:
        Versioning is what lets you recover an object that was overwritten or deleted by a bad
        deploy, a bug or ransomware; it is also a prerequisite for replication and for
        noncurrent-version lifecycle rules.

    Example:
        Failing::

            resource "aws_s3_bucket_versioning" "data" {
              bucket = aws_s3_bucket.data.id
              versioning_configuration {
                status = "Suspended"
              }
            }

        Passing::

            resource "aws_s3_bucket_versioning" "data" {
              bucket = aws_s3_bucket.data.id
              versioning_configuration {
                status = "Enabled"
              }
            }
    """
    buckets = resources_of(ctx.config, (BUCKET,))
    if not buckets:
        yield not_applicable("no S3 bucket")
        return
    companions = _companions(ctx, VERSIONING, buckets)
    for i, bucket in enumerate(buckets):
        subject = subject_of(ctx.config, bucket)
        yield _versioning_verdict(ctx, bucket, companions[i], subject)


def _versioning_verdict(
    ctx: CheckContext, bucket: Resource, companions: list[Resource], subject: str
) -> Finding:
    first_failure: tuple[str, Evidence] | None = None
    for config in companions:
        status = config.get("versioning_configuration.status")
        values = strings_of(ctx.config, status, config.module) if status is not None else None
        evidence = evidence_at(ctx, config, "versioning_configuration.status")
        name = subject_of(ctx.config, config)
        if values and all(v == "Enabled" for v in values):
            return passed(f"{name} sets status = Enabled", evidence, subject=subject)
        if first_failure is None:
            shown = short(status.text) if status is not None else "nothing"
            first_failure = (f"{name} sets status = {shown}, not Enabled", evidence)
    legacy = bucket.get("versioning.enabled")
    if legacy is not None:
        evidence = evidence_at(ctx, bucket, "versioning.enabled")
        if bool_of(ctx.config, legacy, bucket.module) is True:
            return passed(
                "inline versioning { enabled = true } (legacy form)", evidence, subject=subject
            )
        if first_failure is None:
            first_failure = (f"inline versioning enabled = {short(legacy.text)}", evidence)
    if first_failure is not None:
        return failed(first_failure[0], first_failure[1], subject=subject)
    return failed(
        "no versioning configuration linked to this bucket",
        ctx.evidence(bucket.span),
        subject=subject,
    )
