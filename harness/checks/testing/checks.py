"""Testing checks: the response ships tests that assert something, unit and integration.

A file is a test file by its name (``test_*.py``, ``*_test.go``, ``*.test.ts``,
``*.tftest.hcl``, ...) or, for Python and TypeScript/JavaScript, by test functions in its
content. It counts only when it holds assertions. It is an *integration* test when it reads
deployed outputs (``terraform output``, an outputs JSON file, terratest ``terraform.Output``)
or calls the cloud (an AWS SDK, terratest apply, an HTTP request to a deployed endpoint), or
is a ``.tftest.hcl`` file whose runs apply real infrastructure; otherwise it is a unit test.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.checks.registry import ANY_LANGUAGE, NoParams, check
from harness.checks.testing import CATEGORY
from harness.checks.types import CheckContext, Evidence, Finding, failed, passed
from harness.extract.types import ExtractedFile, FileTree
from harness.vocabulary import Span

_FRAMEWORK_BY_NAME: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"\.tftest\.(hcl|json)$"), "terraform-test"),
    (re.compile(r"_test\.go$"), "go"),
    (re.compile(r"(^|/)(test_[^/]*|[^/]*_test)\.py$"), "python"),
    (re.compile(r"\.(test|spec)\.(ts|tsx|js|jsx|mjs|cjs)$"), "jest"),
    (re.compile(r"(^|/)(tests?|__tests__)/[^/]*\.(ts|tsx|js|jsx|mjs|cjs)$"), "jest"),
)
_FRAMEWORK_BY_CONTENT: dict[str, tuple[str, re.Pattern[str]]] = {
    "python": ("python", re.compile(r"^\s*(async\s+)?def\s+test_\w*\s*\(", re.MULTILINE)),
    "typescript": ("jest", re.compile(r"^\s*(describe|it|test)\s*\(", re.MULTILINE)),
    "javascript": ("jest", re.compile(r"^\s*(describe|it|test)\s*\(", re.MULTILINE)),
    "go": ("go", re.compile(r"^func\s+Test\w*\s*\(\s*t\s+\*testing\.T", re.MULTILINE)),
}
_ASSERTIONS: dict[str, re.Pattern[str]] = {
    "python": re.compile(
        r"^\s*assert\b|\bself\.assert\w*\(|\bpytest\.raises\(|\.assert_\w+\(|\bassert_that\("
    ),
    "jest": re.compile(r"\bexpect\s*\(|\bassert(\.\w+)?\s*\(|\.should\.|\bexpectTypeOf\("),
    "go": re.compile(r"\b(assert|require)\.\w+\(|\bt\.(Error|Errorf|Fatal|Fatalf|Fail|FailNow)\("),
    "terraform-test": re.compile(r"^\s*(assert\s*\{|expect_failures\s*=)"),
}
_COMMENT_PREFIX = {"python": "#", "jest": "//", "go": "//", "terraform-test": "#"}
_INTEGRATION: dict[str, re.Pattern[str]] = {
    "python": re.compile(
        r"\bimport boto3\b|\bboto3\.(client|resource|Session)\(|terraform['\"]?,?\s*['\"]?output"
        r"|terraform output|\w*outputs?\.json|cfn-outputs|flat-outputs|\.output\(\)"
        r"|\brequests\.(get|post|head)\(|urlopen\(|botocore"
    ),
    "jest": re.compile(
        r"@aws-sdk/|['\"]aws-sdk['\"]|cfn-outputs|flat-outputs|\w*outputs?\.json"
        r"|terraform output|\bfetch\(|\baxios\b|new \w+Client\("
    ),
    "go": re.compile(
        r"terraform\.(InitAndApply|Apply|Output\w*)\(|terratest/modules/(aws|http-helper)"
        r"|aws-sdk-go|http_helper\."
    ),
}
_TFTEST_UNIT = re.compile(r"^\s*(mock_provider|override_resource|override_data)\b", re.MULTILINE)
_TFTEST_RUN = re.compile(r"^\s*run\s+\"[^\"]*\"\s*\{", re.MULTILINE)
_TFTEST_PLAN = re.compile(r"^\s*command\s*=\s*plan\b", re.MULTILINE)
_MAX_EVIDENCE = 3


@dataclass(frozen=True)
class SuiteFile:
    path: str
    framework: str  # python, jest, go, terraform-test
    assertions: tuple[int, ...]  # 1-based lines of assertions
    integration: tuple[tuple[int, str], ...]  # lines that reach deployed infrastructure

    @property
    def kind(self) -> str:
        return "integration" if self.integration else "unit"


def _framework(file: ExtractedFile) -> str | None:
    for pattern, framework in _FRAMEWORK_BY_NAME:
        if pattern.search(file.path):
            return framework
    by_content = _FRAMEWORK_BY_CONTENT.get(file.language.lower())
    if by_content and by_content[1].search(file.content):
        return by_content[0]
    return None


def _code_lines(content: str, framework: str) -> Iterator[tuple[int, str]]:
    prefix = _COMMENT_PREFIX[framework]
    for number, line in enumerate(content.splitlines(), start=1):
        if not line.lstrip().startswith(prefix):
            yield number, line


def _tftest_integration(content: str) -> tuple[tuple[int, str], ...]:
    """A ``terraform test`` file applies real infrastructure unless it mocks providers or
    every run is ``command = plan``."""
    runs = len(_TFTEST_RUN.findall(content))
    if not runs or _TFTEST_UNIT.search(content) or len(_TFTEST_PLAN.findall(content)) >= runs:
        return ()
    match = _TFTEST_RUN.search(content)
    line = content.count("\n", 0, match.start()) + 1 if match else 1
    return ((line, "run block applies real infrastructure"),)


def analyse(file: ExtractedFile) -> SuiteFile | None:
    """The test file ``file`` is, or None when it is not a test file."""
    framework = _framework(file)
    if framework is None:
        return None
    assertion = _ASSERTIONS[framework]
    lines = list(_code_lines(file.content, framework))
    assertions = tuple(n for n, line in lines if assertion.search(line))
    if framework == "terraform-test":
        integration = _tftest_integration(file.content)
    else:
        pattern = _INTEGRATION[framework]
        integration = tuple(
            (n, match.group(0)) for n, line in lines if (match := pattern.search(line))
        )
    return SuiteFile(file.path, framework, assertions, integration)


def find_tests(tree: FileTree) -> tuple[SuiteFile, ...]:
    """Every test file in the tree (with or without assertions), in path order."""
    found = (analyse(f) for f in sorted(tree.files, key=lambda f: f.path))
    return tuple(t for t in found if t is not None)


def has_tests(tree: FileTree) -> bool:
    """True when the tree holds at least one test file with assertions."""
    return any(t.assertions for t in find_tests(tree))


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
