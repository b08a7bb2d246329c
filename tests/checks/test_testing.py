"""testing.* checks: frameworks, assertions, unit vs integration."""

from __future__ import annotations

import pytest

from harness.checks.common.suites import analyse
from harness.checks.registry import get_check
from harness.checks.types import Finding, Status
from harness.extract.types import Convention, ExtractedFile, NameEvidence, Origin
from tests.checks.fixtures import FIXTURES, context_for, subjects


def run(check_id: str, fixture: str) -> list[Finding]:
    spec = get_check(check_id)
    return list(spec.func(context_for(FIXTURES / check_id / fixture), spec.parse_params({})))


def _file(path: str, content: str, language: str) -> ExtractedFile:
    origin = Origin(1, 50, NameEvidence(Convention.HEADING, path, 1))
    return ExtractedFile(path, content, language, origin)


def test_unit_tests_pass_with_assertion_lines() -> None:
    findings = run("testing.unit_tests", "pass_pytest_and_tftest.md")
    assert subjects(findings, Status.PASS) == {"tests/test_main.py", "tests/bucket.tftest.hcl"}
    py = next(f for f in findings if f.subject == "tests/test_main.py")
    assert py.evidence[0].start_line == 6 and "assert" in py.evidence[0].snippet


def test_commented_assertion_does_not_count() -> None:
    findings = run("testing.unit_tests", "fail_no_assertions.md")
    assert subjects(findings, Status.FAIL) == {"tests/test_main.py"}


def test_no_tests_fails() -> None:
    assert subjects(run("testing.unit_tests", "fail_no_tests.tf"), Status.FAIL) == {"unit tests"}


def test_integration_reads_outputs_or_calls_sdk() -> None:
    boto = run("testing.integration_tests", "pass_boto3.md")
    assert subjects(boto, Status.PASS) == {"tests/integration/test_bucket.py"}
    assert any(e.note.startswith("integration:") for e in boto[0].evidence)
    go = run("testing.integration_tests", "pass_terratest.md")
    assert subjects(go, Status.PASS) == {"test/bucket_test.go"}
    unit = run("testing.integration_tests", "fail_unit_only.md")
    assert subjects(unit, Status.FAIL) == {"integration tests"}
    assert "test/stack.unit.test.ts" in unit[0].message
    silent = run("testing.integration_tests", "fail_sdk_without_assertions.md")
    assert subjects(silent, Status.FAIL) == {"test/stack.int.test.ts"}


@pytest.mark.parametrize(
    ("path", "content", "language", "kind"),
    [
        (
            "tests/x.tftest.hcl",
            'run "a" {\n  assert {\n    condition = true\n  }\n}\n',
            "hcl",
            "integration",
        ),  # runs apply by default
        (
            "tests/x.tftest.hcl",
            'mock_provider "aws" {}\nrun "a" {\n  assert {\n  }\n}\n',
            "hcl",
            "unit",
        ),
        ("spec/app.spec.js", "it('x', () => { expect(1).toBe(1) })\n", "javascript", "unit"),
        ("checks.py", "def test_x():\n    assert 1\n", "python", "unit"),  # by content
    ],
)
def test_classification(path: str, content: str, language: str, kind: str) -> None:
    found = analyse(_file(path, content, language))
    assert found is not None and found.assertions
    assert found.kind == kind


def test_plain_code_is_not_a_test() -> None:
    assert analyse(_file("app.py", "def handler(event):\n    return 1\n", "python")) is None
