"""reference.* checks on their fixtures: each folder holds the reference (``reference/``) and
responses named pass_* / fail_*."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest

from harness.checks.registry import get_check
from harness.checks.types import CheckContext, Finding, ReferenceContext, Status
from harness.extract import tree_from_directory
from harness.terraform import build
from tests.checks.fixtures import FIXTURES, context_for, subjects


def with_reference(ctx: CheckContext, folder: Path) -> CheckContext:
    tree = tree_from_directory(folder)
    return dataclasses.replace(ctx, reference=ReferenceContext(tree, build(tree)))


def run(check_id: str, fixture: str, reference: bool = True, **params: Any) -> list[Finding]:
    spec = get_check(check_id)
    ctx = context_for(FIXTURES / check_id / fixture)
    if reference:
        ctx = with_reference(ctx, FIXTURES / check_id / "reference")
    findings = list(spec.func(ctx, spec.parse_params(params)))
    assert all(f.status is not Status.ERROR for f in findings), findings
    return findings


@pytest.mark.parametrize(
    "check_id",
    ["reference.resource_coverage", "reference.module_coverage", "reference.attribute_agreement"],
)
def test_na_without_reference(check_id: str) -> None:
    fixture = next(p.name for p in (FIXTURES / check_id).iterdir() if p.name.startswith("pass_"))
    findings = run(check_id, fixture, reference=False)
    assert [f.status for f in findings] == [Status.NA]
    assert "no reference" in findings[0].message


def test_resource_coverage_renamed_passes() -> None:
    (finding,) = run("reference.resource_coverage", "pass_renamed.tf")
    assert finding.status is Status.PASS
    assert "5 of the reference's 5 resources" in finding.message


def test_resource_coverage_missing_fails_per_resource() -> None:
    findings = run("reference.resource_coverage", "fail_missing.tf")
    assert subjects(findings, Status.PASS) == {
        "aws_s3_bucket.this",
        "aws_s3_bucket_versioning.this",
    }
    assert subjects(findings, Status.FAIL) == {
        "aws_kms_key.data",
        "aws_s3_bucket_server_side_encryption_configuration.this",
        "aws_s3_bucket_public_access_block.this",
    }
    failing = next(f for f in findings if f.subject == "aws_kms_key.data")
    (ideal,) = failing.evidence
    assert ideal.source == "reference"
    assert ideal.note.startswith("the ideal does it here: main.tf:1")
    assert 'resource "aws_kms_key" "data"' in ideal.snippet


def test_resource_coverage_threshold_is_a_param() -> None:
    (finding,) = run("reference.resource_coverage", "fail_missing.tf", min_recall=0.4)
    assert finding.status is Status.PASS
    assert "lacks aws_kms_key.data" in finding.message
    assert all(e.source == "reference" for e in finding.evidence)


def test_module_coverage() -> None:
    (finding,) = run("reference.module_coverage", "pass_modules")
    assert finding.status is Status.PASS
    findings = run("reference.module_coverage", "fail_flat.tf")
    assert subjects(findings, Status.FAIL) == {"network", "database"}
    assert subjects(findings, Status.PASS) == set()


def test_module_coverage_na_when_reference_calls_none() -> None:
    spec = get_check("reference.module_coverage")
    ctx = context_for(FIXTURES / "reference.module_coverage" / "fail_flat.tf")
    ctx = with_reference(ctx, FIXTURES / "reference.resource_coverage" / "reference")
    findings = list(spec.func(ctx, spec.parse_params({})))
    assert [f.status for f in findings] == [Status.NA]


def test_attribute_agreement_equivalent_values_pass() -> None:
    findings = run("reference.attribute_agreement", "pass_equivalent.tf")
    assert subjects(findings, Status.PASS) == {
        "aws_db_instance.pass_db",
        "aws_ssm_parameter.pass_host",
    }
    assert subjects(findings, Status.FAIL) == set()


def test_attribute_agreement_missing_security_setting_fails() -> None:
    findings = run("reference.attribute_agreement", "fail_unencrypted.tf")
    assert subjects(findings, Status.FAIL) == {"aws_db_instance.fail_db"}
    assert subjects(findings, Status.PASS) == {"aws_ssm_parameter.pass_host"}
    failing = next(f for f in findings if f.status is Status.FAIL)
    assert "omits storage_encrypted" in failing.message
    response, ideal = failing.evidence
    assert response.source == "response" and response.path == "main.tf"
    assert ideal.source == "reference"
    assert ideal.note == "the ideal does it here: main.tf:6 (storage_encrypted = true)"
    # without require_security the same resource passes on its overall agreement
    findings = run("reference.attribute_agreement", "fail_unencrypted.tf", require_security=False)
    assert subjects(findings, Status.FAIL) == set()


def test_attribute_agreement_threshold() -> None:
    findings = run("reference.attribute_agreement", "fail_mostly_different.tf")
    assert subjects(findings, Status.FAIL) == {"aws_db_instance.fail_db"}
    findings = run(
        "reference.attribute_agreement",
        "fail_mostly_different.tf",
        min_agreement=0.1,
        require_security=False,
    )
    assert subjects(findings, Status.PASS) == {"aws_db_instance.fail_db"}


SETTINGS = {
    "settings": [
        {"type": "aws_db_instance", "path": "storage_encrypted", "equals": True},
        {"type": "aws_db_instance", "path": "lifecycle.ignore_changes"},
        {"type": "aws_s3_bucket", "path": "bucket"},
    ]
}


def test_settings_pass() -> None:
    findings = run("reference.settings", "pass_encrypted.tf", reference=False, **SETTINGS)
    assert subjects(findings, Status.PASS) == {
        "aws_db_instance.pass_via_variable.storage_encrypted",
        "aws_db_instance.pass_string.storage_encrypted",
        "aws_db_instance.pass_via_variable.lifecycle.ignore_changes",
        "aws_db_instance.pass_string.lifecycle.ignore_changes",
    }
    assert subjects(findings, Status.FAIL) == set()
    assert subjects(findings, Status.NA) == {"aws_s3_bucket.bucket"}  # no bucket: na


def test_settings_fail() -> None:
    findings = run("reference.settings", "fail_unencrypted.tf", reference=False, **SETTINGS)
    assert subjects(findings, Status.FAIL) == {
        "aws_db_instance.fail_missing.storage_encrypted",
        "aws_db_instance.fail_false.storage_encrypted",
        "aws_db_instance.fail_missing.lifecycle.ignore_changes",
    }
    assert subjects(findings, Status.PASS) == {
        "aws_db_instance.fail_false.lifecycle.ignore_changes"
    }


def test_settings_empty_is_na() -> None:
    findings = run("reference.settings", "pass_encrypted.tf", reference=False)
    assert [f.status for f in findings] == [Status.NA]


def test_settings_reference_evidence() -> None:
    spec = get_check("reference.settings")
    ctx = context_for(FIXTURES / "reference.settings" / "fail_unencrypted.tf")
    ctx = with_reference(ctx, FIXTURES / "reference.attribute_agreement" / "reference")
    params = spec.parse_params(
        {"settings": [{"type": "aws_db_instance", "path": "storage_encrypted", "equals": True}]}
    )
    findings = list(spec.func(ctx, params))
    failing = [f for f in findings if f.status is Status.FAIL]
    assert failing and all(f.evidence[-1].source == "reference" for f in failing)
    assert failing[0].evidence[-1].note.startswith("the ideal does it here: main.tf:6")
