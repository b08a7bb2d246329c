"""Testing checks: the response ships tests that assert something, unit and integration.

A file is a test file by its name (``test_*.py``, ``*_test.go``, ``*.test.ts``,
``*.tftest.hcl``, ...) or, for Python and TypeScript/JavaScript, by test functions in its
content. It counts only when it holds assertions. It is an *integration* test when it reads
deployed outputs (``terraform output``, an outputs JSON file, terratest ``terraform.Output``)
or calls the cloud (an AWS SDK, terratest apply, an HTTP request to a deployed endpoint), or
is a ``.tftest.hcl`` file whose runs apply real infrastructure; otherwise it is a unit test.
"""

from __future__ import annotations

from collections.abc import Iterator

from harness.checks.common.suites import find_tests
from harness.checks.registry import ANY_LANGUAGE, NoParams, check
from harness.checks.testing import CATEGORY
from harness.checks.types import CheckContext, Evidence, Finding, failed, passed
from harness.vocabulary import Span

_MAX_EVIDENCE = 3


def _findings(ctx: CheckContext, kind: str) -> Iterator[Finding]:
    files = [t for t in find_tests(ctx.tree) if t.kind == kind]
    if not files:
        others = [t.path for t in find_tests(ctx.tree)]
        also = f" (test files: {', '.join(others[:5])})" if others else ""
        yield failed(f"no {kind} tests{also}", subject=f"{kind} tests")
        return
    for test in files:
        if not test.assertions:
            yield failed(
                f"{test.path}: {test.framework} test file without assertions",
                ctx.evidence(Span(test.path, 1)),
                subject=test.path,
            )
            continue
        evidence: list[Evidence] = [
            ctx.evidence(Span(test.path, line), note="assertion")
            for line in test.assertions[:_MAX_EVIDENCE]
        ]
        if kind == "integration":
            line, signal = test.integration[0]
            evidence.append(ctx.evidence(Span(test.path, line), note=f"integration: {signal}"))
        yield passed(
            f"{test.path}: {len(test.assertions)} assertions ({test.framework})",
            *evidence,
            subject=test.path,
        )


@check("testing.unit_tests", CATEGORY, languages=ANY_LANGUAGE)
def unit_tests(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """The response includes unit tests that assert something.

    What it checks:
        Finds test files (pytest/unittest, jest/TypeScript, Go, ``terraform test``) that do
        not touch deployed infrastructure. Each passes when it holds at least one assertion
        (evidence: the assertion's file:line) and fails when it asserts nothing. Fails when
        the response has no unit test at all.

    Why it matters:
        Unit tests pin the configuration's intent (encryption on, names suffixed, modules
        wired) so a later edit cannot silently break it; a test without an assertion only
        proves the file runs.

    Example:
        Failing: ``def test_bucket(): load("main.tf")`` with no ``assert``.
        Passing: ``expect(content).toMatch(/server_side_encryption/)`` in
        ``test/stack.unit.test.ts``, or a ``.tftest.hcl`` with ``command = plan`` and an
        ``assert { condition = ... }`` block.
    """
    yield from _findings(ctx, "unit")


@check("testing.integration_tests", CATEGORY, languages=ANY_LANGUAGE)
def integration_tests(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """The response includes integration tests that check deployed infrastructure.

    What it checks:
        Finds test files that read deployed outputs (``terraform output``, an outputs JSON
        file, terratest ``terraform.Output``) or call the cloud (boto3, ``@aws-sdk/*``,
        terratest apply, an HTTP request), and ``.tftest.hcl`` runs that apply. Each passes
        when it holds assertions (evidence: the assertion and the line that reaches the
        cloud), fails when it asserts nothing. Fails when there is none.

    Why it matters:
        Only a test against the deployed stack shows that the pieces work together: the
        bucket is really encrypted, the database is really unreachable from the internet.

    Example:
        Failing: only unit tests that read ``main.tf`` as text.
        Passing: ``s3.get_bucket_encryption(Bucket=outputs["bucket_name"])`` followed by an
        ``assert`` in ``tests/test_integration.py``.
    """
    yield from _findings(ctx, "integration")
