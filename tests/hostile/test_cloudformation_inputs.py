"""Hostile text against the CloudFormation path: kind detection, the template reader and the
checks' patterns stay linear on runs of blank lines, spaces and long words.

These are hang guards, not performance measurements (benchmarks/ measures): the inputs are
large enough that a quadratic pattern takes minutes (``^\\s+Type`` under MULTILINE took 12 s
on 50,000 blank lines and would take over 3 minutes on 200,000), while linear code takes
milliseconds; the bound is far from both."""

from __future__ import annotations

import time

import pytest

from harness.checks.security.cloudformation import managed_policy_name
from harness.cloudformation import build
from harness.extract import extract
from harness.extract.kinds import detect_kind, inferred_name

BLANKS = "\n" * 200_000
SPACES = " " * 200_000
#: Seconds that only a quadratic (or worse) pattern can exceed on these inputs.
HANG = 10.0


@pytest.mark.parametrize("language", ["yaml", "json", "typescript", "python"])
@pytest.mark.parametrize(
    "text",
    [BLANKS + "x", SPACES + "x", "Resources:" + BLANKS, "from " * 40_000, "import " * 40_000],
    ids=["blank-lines", "spaces", "resources-then-blanks", "from-words", "import-words"],
)
def test_kind_detection_is_linear(language: str, text: str) -> None:
    started = time.perf_counter()
    assert detect_kind(language, text) == ""
    assert time.perf_counter() - started < HANG


def test_a_template_after_blank_lines_is_still_found() -> None:
    text = BLANKS + "Resources:\n  Bucket:\n    Type: AWS::S3::Bucket\n"
    assert detect_kind("yaml", text) == "cloudformation"
    assert inferred_name("cloudformation", "yaml", text) == (
        "template.yaml",
        "a CloudFormation template",
    )


def test_a_long_arn_is_read_without_backtracking() -> None:
    hostile = "arn:aws:iam::aws:policy/" + "a/" * 200_000 + "!"
    started = time.perf_counter()
    assert managed_policy_name(hostile) is None
    assert managed_policy_name("arn:aws-cn:iam::aws:policy/job/ReadOnlyAccess") == "ReadOnlyAccess"
    assert managed_policy_name("arn:aws:iam::123456789012:policy/Mine") is None
    assert time.perf_counter() - started < HANG


def test_a_huge_flat_template_builds_in_bounded_time() -> None:
    resources = "".join(f"  R{i}:\n    Type: AWS::SNS::Topic\n" for i in range(5_000))
    tree = extract(f"```yaml\nResources:\n{resources}```\n")
    started = time.perf_counter()
    model = build(tree)
    assert sum(1 for _ in model.resources()) == 5_000
    assert time.perf_counter() - started < HANG * 3


def test_unclosed_sub_variables_are_read_once() -> None:
    from harness.cloudformation.reader import read_template
    from harness.cloudformation.values import referenced_ids

    node = read_template("v: !Sub '" + "0${" * 100_000 + "'\n", "t")
    assert node is not None
    started = time.perf_counter()
    assert referenced_ids(node) == frozenset()
    assert time.perf_counter() - started < HANG
