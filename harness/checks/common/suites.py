"""Test files in a response shared by checks: which files are tests (by name or content), their
framework, assertion lines and the lines that reach deployed infrastructure."""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

from harness.extract.types import ExtractedFile, FileTree

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
# ``^[ \t]*``, not ``^\s*``: \s crosses newlines, so from every line start the engine scanned
# all the blank lines after it (quadratic on a run of blank lines)
_TFTEST_UNIT = re.compile(r"^[ \t]*(mock_provider|override_resource|override_data)\b", re.M)
_TFTEST_RUN = re.compile(r"^[ \t]*run[ \t]+\"[^\"\n]*\"[ \t]*\{", re.MULTILINE)
_TFTEST_PLAN = re.compile(r"^[ \t]*command[ \t]*=[ \t]*plan\b", re.MULTILINE)


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
