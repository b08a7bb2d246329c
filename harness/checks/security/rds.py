"""Data-at-rest checks on RDS: storage encryption and public exposure."""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from harness.checks.common import (
    evidence_at,
    resources_of,
    subject_of,
)
from harness.checks.common.settings import table_setting
from harness.checks.registry import Params, check
from harness.checks.security import CATEGORY
from harness.checks.types import CheckContext, Finding, not_applicable, passed
from harness.facts import types_of


class RdsEncryptedParams(Params):
    types: list[str] = Field(
        default_factory=lambda: types_of("security.rds_encrypted", "storage_encrypted"),
        description="Database types that must set storage_encrypted = true.",
    )


class RdsPublicParams(Params):
    types: list[str] = Field(
        default_factory=lambda: types_of("security.rds_not_public", "publicly_accessible"),
        description="Database types whose publicly_accessible must not be true.",
    )


@check("security.rds_encrypted", CATEGORY, params=RdsEncryptedParams)
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
        yield table_setting(
            ctx, db, "security.rds_encrypted", "storage_encrypted", evidence=evidence
        )


@check("security.rds_not_public", CATEGORY, params=RdsPublicParams)
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
        # a value that may be true is already an exposure: the table says unresolved fails
        yield table_setting(ctx, db, "security.rds_not_public", "publicly_accessible")
