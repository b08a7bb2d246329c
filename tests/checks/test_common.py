"""Shared check helpers: static values through locals/variables/modules, routes in words,
links between resources, CIDR reading and the IAM policy reader."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.checks.common import (
    bool_of,
    flat_values,
    identity_policies,
    is_open,
    is_private,
    linked_targets,
    parse_cidr,
    resources_of,
    setting,
    strings_of,
    subject_of,
    values_of,
    within,
)
from harness.checks.types import CheckContext
from tests.checks.fixtures import FIXTURES, context_for


def ctx_for(tmp_path: Path, text: str) -> CheckContext:
    path = tmp_path / "case.tf"
    path.write_text(text, encoding="utf-8")
    return context_for(path)


def test_values_follow_locals_variables_and_conditionals(tmp_path: Path) -> None:
    ctx = ctx_for(
        tmp_path,
        """
variable "env" {
  default = "prod"
}
locals {
  name  = "app-${var.env}"
  cidrs = ["10.0.0.0/8", var.env == "dev" ? "0.0.0.0/0" : "10.1.0.0/16"]
}
resource "aws_sns_topic" "t" {
  name = local.name
  tags = { cidrs = local.cidrs }
}
""",
    )
    (topic,) = resources_of(ctx.config, ["aws_sns_topic"])
    name = topic.get("name")
    assert name is not None
    assert strings_of(ctx.config, name, "") == ["app-prod"]
    cidrs = topic.get("tags.cidrs")
    assert cidrs is not None
    # the condition is decided by the default (env = "prod"): only the else branch
    assert [v.value for v in flat_values(ctx.config, cidrs, "")] == ["10.0.0.0/8", "10.1.0.0/16"]


def test_unresolvable_values_are_marked_unknown(tmp_path: Path) -> None:
    ctx = ctx_for(
        tmp_path,
        """
variable "x" {}
resource "aws_db_instance" "d" {
  storage_encrypted = var.x
  publicly_accessible = aws_vpc.main.enable_dns_support
}
""",
    )
    (db,) = resources_of(ctx.config, ["aws_db_instance"])
    assert bool_of(ctx.config, db.get("storage_encrypted"), "") is None
    (value,) = values_of(ctx.config, db.get("publicly_accessible"), "")  # type: ignore[arg-type]
    assert value.known is False


def test_module_argument_wins_over_default_and_routes_read_as_words() -> None:
    ctx = context_for(FIXTURES / "security.rds_encrypted" / "fail_module_input")
    (db,) = resources_of(ctx.config, ["aws_db_instance"])
    assert subject_of(ctx.config, db) == "module.db.aws_db_instance.fail_this"
    (value,) = values_of(ctx.config, db.get("storage_encrypted"), db.module)  # type: ignore[arg-type]
    assert value.value is False
    assert [f"{s.path}:{s.start_line}" for s in value.via] == ["main.tf:4"]


def test_linked_targets_by_reference_and_by_name(tmp_path: Path) -> None:
    ctx = ctx_for(
        tmp_path,
        """
resource "aws_s3_bucket" "a" {
  bucket = "bucket-a"
}
resource "aws_s3_bucket" "b" {
  bucket = "bucket-b"
}
resource "aws_s3_bucket_versioning" "by_ref" {
  bucket = aws_s3_bucket.b.id
}
resource "aws_s3_bucket_versioning" "by_name" {
  bucket = "bucket-a"
}
""",
    )
    buckets = resources_of(ctx.config, ["aws_s3_bucket"])
    by_ref, by_name = resources_of(ctx.config, ["aws_s3_bucket_versioning"])
    assert [b.name for b in linked_targets(ctx, by_ref.get("bucket"), "", buckets)] == ["b"]
    assert [b.name for b in linked_targets(ctx, by_name.get("bucket"), "", buckets)] == ["a"]


@pytest.mark.parametrize(
    ("text", "open_", "private"),
    [
        ("0.0.0.0/0", True, False),
        ("::/0", True, False),
        ("10.0.0.0/16", False, True),
        ("172.31.5.0/24", False, True),
        ("100.64.0.0/16", False, True),
        ("203.0.113.0/24", False, False),
        ("10.0.0.5/16", False, True),  # host bits set: AWS accepts it, so do we
    ],
)
def test_cidr_helpers(text: str, open_: bool, private: bool) -> None:
    network = parse_cidr(text)
    assert network is not None
    assert is_open(network) is open_
    assert is_private(network) is private


def test_cidr_within_and_garbage() -> None:
    vpc = parse_cidr("10.0.0.0/16")
    inner = parse_cidr("10.0.3.0/24")
    assert vpc is not None and inner is not None
    assert within(inner, [vpc]) == vpc
    assert parse_cidr("not-a-cidr/8") is None
    assert parse_cidr(None) is None


def test_setting_text() -> None:
    assert setting("overwrite", "true", True) == "overwrite = true"
    assert setting("x", "var.x", False) == "x = var.x (resolves to false)"


def test_policy_reader_shapes() -> None:
    ctx = context_for(FIXTURES / "security.iam_least_privilege" / "pass_scoped.tf")
    forms = {(d.owner.address, d.form, len(d.statements)) for d in identity_policies(ctx)}
    assert forms == {
        ("aws_iam_policy.pass_jsonencode", "jsonencode", 3),
        ("aws_iam_role_policy.pass_heredoc", "json", 1),
        ("data.aws_iam_policy_document.pass_document", "policy_document", 1),
        ("data.aws_iam_policy_document.assume", "policy_document", 1),
    }
    jsonencoded = next(d for d in identity_policies(ctx) if d.form == "jsonencode")
    deny = jsonencoded.statements[2]
    assert (deny.effect, deny.actions, deny.has_condition) == ("Deny", ("*",), True)


def test_policy_heredoc_with_interpolation(tmp_path: Path) -> None:
    ctx = ctx_for(
        tmp_path,
        """resource "aws_iam_policy" "p" {
  policy = <<-EOT
    {
      "Version": "2012-10-17",
      "Statement": [
        {"Effect": "Allow", "Action": "s3:GetObject", "Resource": "${aws_s3_bucket.b.arn}/*"},
        {"Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"}
      ]
    }
  EOT
}
""",
    )
    (document,) = identity_policies(ctx)
    first, second = document.statements
    assert first.span.start_line == 6 and second.span.start_line == 7
    assert first.resources != ("*",) and second.resources == ("*",)


def test_static_conditions_pick_one_branch(tmp_path: Path) -> None:
    ctx = ctx_for(
        tmp_path,
        """
variable "versioning" {
  default = true
}
variable "env" {
  default = "prod"
}
variable "unknown" {}
resource "aws_s3_bucket_versioning" "v" {
  a = var.versioning ? "Enabled" : "Suspended"
  b = var.env == "dev" ? "0.0.0.0/0" : "10.0.0.0/8"
  c = !var.versioning ? "x" : "y"
  d = var.unknown ? "p" : "q"
}
""",
    )
    (resource,) = resources_of(ctx.config, ["aws_s3_bucket_versioning"])
    got = {k: strings_of(ctx.config, resource.get(k), "") for k in "abcd"}
    assert got == {"a": ["Enabled"], "b": ["10.0.0.0/8"], "c": ["y"], "d": ["p", "q"]}
