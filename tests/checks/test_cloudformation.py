"""Every CloudFormation implementation of a check: documented, with ``pass_*`` / ``fail_*``
templates under ``tests/fixtures/checks/<id>/cloudformation/`` (or the folder itself for an id
only CloudFormation implements; a ``reference/`` folder there is the reference), and exact
subject sets: resources are named ``Pass*`` /
``Fail*`` and every subject's verdict must match its name (checkov style)."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml

from harness.checks.registry import DOC_SECTIONS, CheckSpec, all_implementations, run_check
from harness.checks.types import ReferenceContext, Status
from harness.extract import tree_from_directory
from harness.terraform import build
from tests.checks.fixtures import FIXTURES, context_for

SPECS = [s for s in all_implementations() if s.languages == ("cloudformation",)]


def _folder(spec: CheckSpec) -> Path:
    nested = FIXTURES / spec.id / "cloudformation"
    return nested if nested.is_dir() else FIXTURES / spec.id


def _fixtures() -> list[tuple[CheckSpec, Path]]:
    return [
        (spec, path)
        for spec in SPECS
        for path in sorted(_folder(spec).iterdir())
        if path.name.startswith(("pass_", "fail_"))
    ]


def _head(subject: str) -> str:
    """The logical id a subject starts with (``FailRole Policies[x] statement 1``,
    ``PassDb.MasterUserPassword``, ``Outputs.FailVpcId``)."""
    return subject.removeprefix("Outputs.").split()[0].split(".")[0]


def _params(spec: CheckSpec) -> dict[str, Any]:
    path = _folder(spec) / "params.yaml"
    return (yaml.safe_load(path.read_text(encoding="utf-8")) or {}) if path.is_file() else {}


def test_the_cloudformation_checks_are_registered() -> None:
    ids = {s.id for s in SPECS}
    assert {
        "security.s3_encryption",
        "security.iam_least_privilege",
        "tagging.required_keys",
        "monitoring.alarm_actions",
        "naming.suffix_applied",
        "lifecycle.deletion_policy",
    } <= ids


@pytest.mark.parametrize("spec", SPECS, ids=[s.id for s in SPECS])
def test_documented_with_pass_and_fail_fixtures(spec: CheckSpec) -> None:
    for section in DOC_SECTIONS:
        assert spec.section(section), f"{spec.id}: docstring lacks {section!r}"
    names = [p.name for p in _folder(spec).iterdir()]
    assert any(n.startswith("pass_") for n in names), spec.id
    assert any(n.startswith("fail_") for n in names), spec.id


@pytest.mark.parametrize(
    ("spec", "fixture"), _fixtures(), ids=[f"{s.id}/{p.name}" for s, p in _fixtures()]
)
def test_fixture_verdicts_and_subjects(spec: CheckSpec, fixture: Path) -> None:
    ctx = context_for(fixture)
    reference = _folder(spec) / "reference"
    if reference.is_dir():
        tree = tree_from_directory(reference)
        ctx = dataclasses.replace(ctx, reference=ReferenceContext(tree, build(tree)))
    assert ctx.languages == {"cloudformation"}
    findings = run_check(spec, ctx, spec.parse_params(_params(spec)))
    statuses = [f.status for f in findings]
    assert Status.ERROR not in statuses, findings
    if fixture.name.startswith("pass_"):
        assert Status.FAIL not in statuses, [f.message for f in findings]
        assert Status.PASS in statuses, findings
    else:
        assert Status.FAIL in statuses, findings
    for finding in findings:
        if finding.status not in (Status.PASS, Status.FAIL) or not finding.subject:
            continue
        first = _head(finding.subject)
        if first.startswith(("Pass", "Fail")):
            want = Status.PASS if first.startswith("Pass") else Status.FAIL
            assert finding.status is want, (finding.subject, finding.message)
    failing = {_head(f.subject) for f in findings if f.status is Status.FAIL and f.subject}
    named = {
        line.strip().rstrip(":")
        for line in fixture.read_text(encoding="utf-8").splitlines()
        if line.startswith("  Fail") and line.rstrip().endswith(":")
    }
    assert failing >= named, (failing, named)


def test_modules_resolve_fails_a_cloudformation_circle_on_each_member() -> None:
    (spec,) = [s for s in SPECS if s.id == "complete.modules_resolve"]
    ctx = context_for(_folder(spec) / "fail_circular.yaml")
    findings = run_check(spec, ctx, spec.parse_params({}))
    failing = {f.subject: f.message for f in findings if f.status is Status.FAIL}
    assert failing == {
        "FailAppGroup": "circular dependency FailAppGroup -> FailDbGroup -> FailAppGroup: "
        "CloudFormation cannot order them (Circular dependency between resources)",
        "FailDbGroup": "circular dependency FailDbGroup -> FailAppGroup -> FailDbGroup: "
        "CloudFormation cannot order them (Circular dependency between resources)",
        "FailQueue": "circular dependency FailQueue -> FailQueue: CloudFormation cannot order "
        "them (Circular dependency between resources)",
    }
    assert {f.subject for f in findings if f.status is Status.PASS} == {"PassIngressRule"}


def test_syntax_valid_fails_each_logical_id_that_is_not_alphanumeric() -> None:
    (spec,) = [s for s in SPECS if s.id == "complete.syntax_valid"]
    ctx = context_for(_folder(spec) / "fail_logical_ids.yaml")
    findings = run_check(spec, ctx, spec.parse_params({}))
    assert [(f.status, f.subject) for f in findings] == [
        (Status.FAIL, "Fail-Logs-Bucket"),
        (Status.FAIL, "Outputs.queue_url"),
    ]
    assert findings[0].message == (
        "resource Fail-Logs-Bucket: a logical ID holds only letters and digits "
        '(CloudFormation: "Template format error: ... is non alphanumeric")'
    )
    assert findings[0].evidence[0].start_line == 7
