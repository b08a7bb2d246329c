"""Setting facts: one declarative table of what the harness knows about AWS arguments.

Each row says, for one (resource type, argument path): the value a production stack wants, the
provider's default when the argument is unset, what a value that cannot be resolved statically
means (``na``, or ``fail`` where "may be insecure" is already a risk), the criterion (and check
id) that judges it, and whether the argument is security-relevant.

Why one table, and why here: the same facts used to be written out four times (check params,
``checks/common``, ``compare.attributes.SECURITY_NAMES`` and ``derive.facts.COVERED_BY``) and
drifted apart. This layer sits just above ``vocabulary`` and imports nothing of the harness,
so the comparison, the checks and derive can all read it; a fact is changed in one row.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

Unknown = Literal["na", "fail"]


@dataclass(frozen=True)
class SettingFact:
    """One argument of one resource type (``"*"``: any resource, for meta-arguments).

    ``want`` is the wanted value (a bool, or a string such as ``"Enabled"``); ``default`` is the
    provider's value when the argument is unset (None: no default, unset means missing).
    ``security_name`` is the path component that makes the argument security-relevant for the
    comparison (the leaf unless stated, e.g. ``versioning_configuration`` for its ``status``).
    """

    type: str
    path: str
    want: bool | str
    default: bool | str | None
    unknown: Unknown
    criterion: str
    security: bool
    marker: str = ""

    @property
    def check(self) -> str:
        """The check id: criteria of the generic rubric are named after their check."""
        return self.criterion

    @property
    def argument(self) -> str:
        """The argument's own name: the last component of its path."""
        return self.path.rsplit(".", 1)[-1]

    @property
    def security_name(self) -> str:
        return self.marker or self.argument


_ACCESS_BLOCK = "aws_s3_bucket_public_access_block"

#: The table. Order matters where a check reads its default resource types from it.
SETTINGS: tuple[SettingFact, ...] = (
    # lifecycle
    SettingFact(
        "*", "lifecycle.create_before_destroy", True, False, "fail",
        "lifecycle.create_before_destroy", security=False,
    ),
    SettingFact(
        "aws_ssm_parameter", "overwrite", True, False, "na", "lifecycle.ssm_overwrite",
        security=True,
    ),
    # RDS
    SettingFact(
        "aws_db_instance", "storage_encrypted", True, False, "na", "security.rds_encrypted",
        security=True,
    ),
    SettingFact(
        "aws_rds_cluster", "storage_encrypted", True, False, "na", "security.rds_encrypted",
        security=True,
    ),
    SettingFact(
        "aws_db_instance", "publicly_accessible", False, False, "fail",
        "security.rds_not_public", security=True,
    ),
    SettingFact(
        "aws_rds_cluster_instance", "publicly_accessible", False, False, "fail",
        "security.rds_not_public", security=True,
    ),
    # S3
    SettingFact(
        _ACCESS_BLOCK, "block_public_acls", True, False, "fail",
        "security.s3_public_access_block", security=True,
    ),
    SettingFact(
        _ACCESS_BLOCK, "block_public_policy", True, False, "fail",
        "security.s3_public_access_block", security=True,
    ),
    SettingFact(
        _ACCESS_BLOCK, "ignore_public_acls", True, False, "fail",
        "security.s3_public_access_block", security=True,
    ),
    SettingFact(
        _ACCESS_BLOCK, "restrict_public_buckets", True, False, "fail",
        "security.s3_public_access_block", security=True,
    ),
    SettingFact(
        "aws_s3_bucket_versioning", "versioning_configuration.status", "Enabled", None, "fail",
        "security.s3_versioning", security=True, marker="versioning_configuration",
    ),
    # EBS
    SettingFact(
        "aws_instance", "root_block_device.encrypted", True, False, "na",
        "security.ebs_encrypted", security=True,
    ),
    SettingFact(
        "aws_launch_template", "block_device_mappings.ebs.encrypted", True, False, "na",
        "security.ebs_encrypted", security=True,
    ),
    SettingFact(
        "aws_ebs_volume", "encrypted", True, False, "na", "security.ebs_encrypted",
        security=True,
    ),
)  # fmt: skip


def facts_of(criterion: str, path: str | None = None) -> tuple[SettingFact, ...]:
    """The rows a criterion owns (of one argument path when given), in table order."""
    return tuple(row for row in SETTINGS if row.criterion == criterion and path in (None, row.path))


def types_of(criterion: str, path: str | None = None) -> list[str]:
    """Resource types a criterion judges by default (a fresh list: params may keep it)."""
    return list(dict.fromkeys(row.type for row in facts_of(criterion, path)))


def fact_for(criterion: str, path: str, resource_type: str) -> SettingFact:
    """The row for one resource type; a type the rubric added (not in the table) takes the
    criterion's first row for that argument, so an overridden ``types`` still works."""
    rows = facts_of(criterion, path)
    if not rows:
        raise KeyError(f"no setting fact for {criterion} {path}")
    return next((row for row in rows if row.type == resource_type), rows[0])


def covered_by() -> dict[tuple[str, str], str]:
    """(resource type or ``"*"``, argument path) -> the criterion that judges it."""
    return {(row.type, row.path): row.criterion for row in SETTINGS}


def security_names() -> frozenset[str]:
    """Path components the table marks as security-relevant."""
    return frozenset(row.security_name for row in SETTINGS if row.security)
