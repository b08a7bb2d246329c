"""The setting-facts table (``harness.facts``): well formed, tied to registered checks and to
the generic rubric, and the single source the checks, compare and derive read."""

from __future__ import annotations

import yaml

from harness.checks.registry import load_checks
from harness.compare.attributes import SECURITY_NAMES, is_security
from harness.derive.facts import COVERED_BY
from harness.facts import SETTINGS, covered_by, fact_for, security_names, types_of
from harness.shipped import rubric_dir


def _generic_criteria() -> dict[str, str]:
    data = yaml.safe_load((rubric_dir() / "terraform-aws-production.yaml").read_text("utf-8"))
    return {c["id"]: c.get("check", c["id"]) for c in data["criteria"]}


def test_no_duplicate_rows() -> None:
    keys = [(row.type, row.path) for row in SETTINGS]
    assert len(keys) == len(set(keys))


def test_every_check_id_is_registered() -> None:
    registered = load_checks()
    assert {row.check for row in SETTINGS} <= set(registered)


def test_every_criterion_is_in_the_generic_rubric_with_its_check() -> None:
    criteria = _generic_criteria()
    for row in SETTINGS:
        assert row.criterion in criteria, row
        assert criteria[row.criterion] == row.check, row


def test_rows_are_well_formed() -> None:
    for row in SETTINGS:
        assert row.unknown in ("na", "fail"), row
        assert row.type == "*" or row.type.startswith("aws_"), row
        assert row.security_name in row.path.split("."), row
        if isinstance(row.want, bool):
            assert row.default is None or isinstance(row.default, bool), row


def test_compare_and_derive_read_the_table() -> None:
    assert security_names() <= SECURITY_NAMES
    for row in SETTINGS:
        assert is_security(row.path) == row.security, row
    assert covered_by() == COVERED_BY


def test_params_defaults_and_fallback_for_a_rubric_added_type() -> None:
    assert types_of("security.rds_encrypted") == ["aws_db_instance", "aws_rds_cluster"]
    assert types_of("security.rds_not_public") == ["aws_db_instance", "aws_rds_cluster_instance"]
    row = fact_for("security.rds_not_public", "publicly_accessible", "aws_docdb_cluster_instance")
    assert (row.want, row.default, row.unknown) == (False, False, "fail")
