"""Broken files: blocks before the break survive, the break is a diagnostic at its line."""

from __future__ import annotations

import pytest

from harness.terraform import BuildLimits, Configuration, build
from harness.vocabulary import Severity
from tests.terraform.helpers import FIXTURES, tree_of


def build_fixture(name: str, **limits: object) -> Configuration:
    text = (FIXTURES / "broken" / name).read_text(encoding="utf-8")
    return build(tree_of({"main.tf": text}), limits=BuildLimits(**limits))  # type: ignore[arg-type]


def addresses(config: Configuration) -> list[str]:
    return [r.address for r in config.resources()] + [
        f"output.{o}" for o in config.root_module.outputs
    ]


def codes(config: Configuration) -> dict[str, list[int]]:
    found: dict[str, list[int]] = {}
    for d in config.diagnostics:
        if d.stage == "parse" and d.span is not None:
            found.setdefault(d.code, []).append(d.span.start_line)
    return found


# name, HashiCorp's error line, tree-sitter's break line, resources and outputs read.
# (HashiCorp places a truncated file's error at the end of the file; tree-sitter at the first
# line it cannot read.)
CASES = [
    ("truncated_mid_block.tf", 9, 7, ["aws_iam_role.app", "aws_s3_bucket.logs"]),
    (
        "missing_brace.tf",
        5,
        5,
        ["aws_iam_role.app", "aws_s3_bucket.logs", "aws_sns_topic.alerts", "output.topic"],
    ),
    ("unterminated_string.tf", 6, 0, ["aws_iam_role.app", "aws_s3_bucket.logs", "output.role"]),
    ("stray_fence.tf", 4, 4, ["aws_iam_role.app", "aws_s3_bucket.logs"]),
    ("ellipsis_line.tf", 5, 5, ["aws_iam_role.app", "aws_s3_bucket.logs"]),
]
NAMES = ("name", "line", "ts_line", "expected")


@pytest.mark.parametrize(NAMES, CASES)
def test_blocks_around_the_break_survive(
    name: str, line: int, ts_line: int, expected: list[str]
) -> None:
    config = build_fixture(name)
    assert sorted(addresses(config)) == sorted(expected)
    source = config.files["main.tf"]
    assert not source.valid
    assert source.error_line == line
    assert codes(config)["syntax_error"] == [line]
    error = next(d for d in config.diagnostics if d.code == "syntax_error")
    assert error.severity is Severity.ERROR
    assert error.message.startswith("invalid HCL: ")


@pytest.mark.parametrize(NAMES, CASES)
def test_tree_sitter_alone_places_the_break(
    name: str, line: int, ts_line: int, expected: list[str]
) -> None:
    """Without HashiCorp's verdict the model and the break line come from tree-sitter; the
    unterminated string is the one case tree-sitter's grammar reads on (it allows multi-line
    strings), so the break is found where the swallowed text ends."""
    config = build_fixture(name, syntax_verdict=False)
    if name == "unterminated_string.tf":
        assert "output.role" in addresses(config)
        return
    assert sorted(addresses(config)) == sorted(expected)
    assert codes(config)["syntax_error"] == [ts_line]
    assert not config.files["main.tf"].valid


def test_salvaged_block_keeps_what_came_before_the_break() -> None:
    config = build_fixture("truncated_mid_block.tf")
    role = config.root_module.resource("aws_iam_role.app")
    assert role is not None
    assert [a.name for a in role.block.attributes] == ["name"]
    assert codes(config)["incomplete_block"] == [5]
    assert codes(config)["unparsed_lines"] == [7]
    assert not config.files["main.tf"].complete


def test_missing_brace_reports_the_unclosed_block() -> None:
    config = build_fixture("missing_brace.tf")
    incomplete = [d for d in config.diagnostics if d.code == "incomplete_block"]
    assert len(incomplete) == 1
    assert "resource.aws_iam_role.app" in incomplete[0].message
    assert "never closed" in incomplete[0].message
    role = config.root_module.resource("aws_iam_role.app")
    assert role is not None and role.get("name") is not None


def test_unterminated_string_loses_only_the_broken_lines() -> None:
    config = build_fixture("unterminated_string.tf")
    assert codes(config)["unparsed_lines"] == [6]
    output = config.root_module.outputs["role"]
    assert output.block.span.start_line == 10


def test_fence_and_ellipsis_lines_are_reported() -> None:
    fence = build_fixture("stray_fence.tf")
    assert codes(fence)["unparsed_lines"][0] == 4
    dots = build_fixture("ellipsis_line.tf")
    assert codes(dots)["placeholder"] == [5]


def test_placeholders_in_valid_hcl() -> None:
    config = build_fixture("placeholders.tf")
    assert config.files["main.tf"].valid
    found = [
        (d.span.start_line, d.message)
        for d in config.diagnostics
        if d.code == "placeholder" and d.span
    ]
    assert [line for line, _ in found] == [2, 4, 8, 9]
    assert "<YOUR_AMI_ID>" in found[0][1]


@pytest.mark.parametrize(
    "text",
    [
        "",
        "}}}}",
        "resource",
        'resource "a" "b" {',
        "a = [[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[[",
        '"\\u{zz}" = 1\nresource "x" "y" { a = "\\U0010FFFF" }',
        "\x00\x01\x02 binary",
        "locals { a = <<EOT\nunterminated heredoc\n",
        "# only a comment\n",
        'module "m" { source = "../../../../outside" }',
    ],
)
def test_hostile_input_never_raises(text: str) -> None:
    config = build(tree_of({"main.tf": text}))
    assert "main.tf" in config.files


def test_deep_nesting_hits_the_depth_limit_not_the_recursion_limit() -> None:
    deep = "locals {\n  a = " + "[" * 3000 + "]" * 3000 + "\n  b = 1\n}\n"
    config = build(tree_of({"main.tf": deep}))
    assert config.root_module.locals["b"].expr.value == 1
    assert "limit_depth" in {d.code for d in config.diagnostics}


def test_size_and_time_limits_leave_diagnostics() -> None:
    tree = tree_of({"a.tf": 'resource "x" "a" {}\n', "b.tf": 'resource "x" "b" {}\n' * 50})
    config = build(tree, limits=BuildLimits(max_file_bytes=100))
    assert [r.address for r in config.resources()] == ["x.a"]
    assert {d.code for d in config.diagnostics} >= {"limit_file_size"}
    assert not config.files["b.tf"].valid
    timed = build(tree, limits=BuildLimits(time_budget_s=-1))
    assert [d.code for d in timed.diagnostics] == ["limit_time", "limit_time"]


def test_a_broken_header_is_not_salvaged_as_a_block() -> None:
    """A file name left on the first line (``provider.tf``) makes tree-sitter open a bogus
    ``provider`` block; it must not appear as a provider with junk labels."""
    text = 'provider.tf\n\nterraform {\n  required_version = ">= 1.0"\n}\n'
    config = build(tree_of({"main.tf": text}))
    assert config.root_module.providers == ()
    assert len(config.root_module.terraform) == 1
    assert codes(config)["syntax_error"] == [1]
    assert "malformed_block" not in codes(config)


@pytest.mark.parametrize(
    ("text", "summary"),
    [
        ('resource "a" "b" {\n  x = 1\n  x = 2\n}\n', "Attribute redefined"),
        ('x = "a\nb"\n', "Invalid multi-line string"),
        ("b { x = 1 \n y = 2 }\n", "Invalid single-argument block definition"),
        ('resource "a" "b"\n{\n}\n', "Invalid block definition"),
    ],
)
def test_hashicorp_rejects_what_tree_sitter_reads_cleanly(text: str, summary: str) -> None:
    """Why every file gets HashiCorp's verdict, even one tree-sitter parses without an error:
    its grammar accepts these, HCL does not (so an error-free tree-sitter parse cannot stand
    in for the verdict)."""
    from harness.terraform.cst import parse_bytes

    assert not parse_bytes(text.encode()).root_node.has_error
    config = build(tree_of({"main.tf": text}))
    assert not config.files["main.tf"].valid
    assert any(d.code == "syntax_error" and summary in d.message for d in config.diagnostics), (
        config.diagnostics
    )
