"""Requirements 2-7 and 9 of extraction, each on a small fixture."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.extract import ExtractLimits, extract
from harness.extract.drawings import is_drawing, parse_drawing
from harness.extract.languages import classify, compatible, sniff_language
from harness.vocabulary import Severity
from tests.extract.helpers import FIXTURES, codes

# --- 2. languages ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("info", "content", "path", "expected"),
    [
        ("hcl", "", None, "hcl"),
        ("terraform", "", None, "hcl"),
        ("HCL", "", None, "hcl"),
        ("hcl", "a = 1\n", "terraform.tfvars", "tfvars"),
        ("hcl", "a = 1\n", "prod.tfvars.example", "tfvars"),
        ("sh", "", None, "bash"),
        ("console", "", None, "bash"),
        ("py", "", None, "python"),
        ("ts", "", None, "typescript"),
        ("yml", "", None, "yaml"),
        ("", "", "Dockerfile", "dockerfile"),
        ("", "boto3==1.0\n", "requirements.txt", "text"),
        ("bash", "", "user_data.sh.tpl", "bash"),
        ("", 'resource "a" "b" {\n}\n', None, "hcl"),
        ("", "#!/bin/bash\necho hi\n", None, "bash"),
        ("", "#!/usr/bin/env python3\nprint(1)\n", None, "python"),
        ("", '{"a": [1, 2]}\n', None, "json"),
        ("", "package main\n\nfunc main() {}\n", None, "go"),
        ("", "FROM python:3.11\nRUN pip install x\n", None, "dockerfile"),
        ("", "import * as cdk from 'aws-cdk-lib';\nconst x: string = 'a';\n", None, "typescript"),
        ("", "import json\n\ndef handler(event, context):\n    return 1\n", None, "python"),
        ("", "terraform init\nterraform apply\n", None, "bash"),
        ("", "AWSTemplateFormatVersion: '2010-09-09'\nResources: {}\n", None, "yaml"),
        ("", "lib/\n├── main.tf\n└── vars.tf\n", None, "tree"),
        ("", "just some words\n", None, "text"),
    ],
)
def test_classify(info: str, content: str, path: str | None, expected: str) -> None:
    assert classify(info, content, path) == expected


def test_compatibility_of_names_and_fences() -> None:
    assert compatible("hcl", "hcl") and compatible("tfvars", "hcl")
    assert compatible("javascript", "typescript") and compatible(None, "bash")
    assert compatible("template", "bash") and compatible("hcl", "text")
    assert not compatible("hcl", "bash") and not compatible("python", "hcl")


def test_named_non_hcl_files_are_kept() -> None:
    text = (
        "## File: test/unit.test.ts\n\n```typescript\ndescribe('x', () => {});\n```\n\n"
        "## File: lambda/handler.py\n\n```python\ndef handler(e, c):\n    return 1\n```\n"
    )
    tree = extract(text)
    assert [(f.path, f.language) for f in tree.files] == [
        ("test/unit.test.ts", "typescript"),
        ("lambda/handler.py", "python"),
    ]


# --- 3. directory drawings ------------------------------------------------------------------


def test_drawings_promise_files_and_are_not_files() -> None:
    tree = extract(FIXTURES / "truncated.md")
    assert tree.promised_files == (
        "main.tf",
        "variables.tf",
        "modules/vpc/main.tf",
        "modules/vpc/outputs.tf",
    )
    assert all(f.language != "tree" for f in tree.files)


def test_drawing_root_is_kept_when_the_files_use_it() -> None:
    text = (
        "```\nlib/\n├── main.tf\n└── vars.tf\n```\n\n"
        '## File: lib/main.tf\n\n```hcl\nresource "a" "b" {}\n```\n'
    )
    assert extract(text).promised_files == ("lib/main.tf", "lib/vars.tf")


def test_parse_drawing_handles_ascii_comments_and_nesting() -> None:
    drawing = parse_drawing(
        ".\n|-- main.tf        # root module\n|-- modules/\n|   `-- vpc/\n|       |-- main.tf\n"
        "|       `-- outputs.tf  (exports)\n`-- README.md\n"
    )
    assert drawing.root is None
    assert drawing.files == (
        "main.tf",
        "modules/vpc/main.tf",
        "modules/vpc/outputs.tf",
        "README.md",
    )
    assert drawing.directories == ("modules", "modules/vpc")


def test_architecture_diagrams_are_not_drawings() -> None:
    assert not is_drawing("┌─────┐     ┌─────┐\n│ ALB │ ──▶ │ EC2 │\n└─────┘     └─────┘\n")
    assert sniff_language("Internet → IGW → ALB\n") == "text"


def test_drawing_entries_are_vetted() -> None:
    tree = extract("```\nproj/\n├── ../../escape.tf\n└── ok.tf\n```\n")
    assert tree.promised_files == ("ok.tf",)
    assert "rejected_path" in codes(tree)


# --- 4. truncation ---------------------------------------------------------------------------


def test_unclosed_fence_keeps_the_file_and_reports_truncation() -> None:
    tree = extract(FIXTURES / "truncated.md")
    assert tree.truncated
    cut = tree.get("modules/vpc/main.tf")
    assert cut is not None and cut.content.endswith('Name = "ma\n')
    assert cut.origin.end_line == 29  # last line of the response
    [diagnostic] = [d for d in tree.diagnostics if d.code == "truncated"]
    assert diagnostic.line == 25 and diagnostic.severity is Severity.WARNING
    assert "modules/vpc/main.tf" in diagnostic.message


@pytest.mark.parametrize("tail", ["\n", "\n\n", "   \n", "\n \t\n\n"])
def test_a_cut_right_after_a_blank_line_is_still_a_cut(tail: str) -> None:
    """markdown-it leaves trailing blank lines out of an unclosed fence: still unclosed."""
    tree = extract('# Answer\n\n```hcl\n# main.tf\nresource "a" "b" {\n  x = 1\n' + tail)
    assert tree.truncated and "truncated" in codes(tree)
    assert tree.get("main.tf") is not None


def test_an_unclosed_readme_fence_after_complete_code_is_not_a_cut() -> None:
    text = "```hcl\n# main.tf\nx = 1\n```\n\n## README\n\n```markdown\n# Title\n\nUsage.\n"
    tree = extract(text)
    assert not tree.truncated and "truncated" not in codes(tree)
    assert "unclosed_prose_fence" in codes(tree)
    wrapper = "```markdown\n# Title\n\n```hcl\n# main.tf\nx = 1\n```\n\nmore prose\n"
    assert not extract(wrapper).truncated


def test_a_cut_inside_code_within_an_unclosed_readme_is_a_cut() -> None:
    tree = extract("```markdown\n# Title\n\n```hcl\n# main.tf\nx = 1\n")
    assert tree.truncated and "unclosed_prose_fence" not in codes(tree)


def test_a_fence_ended_by_its_list_item_is_not_a_cut() -> None:
    tree = extract('- step\n\n  ```hcl\n  resource "a" "b" {}\n\nAfter the list.\n')
    assert not tree.truncated


def test_closed_response_is_not_truncated() -> None:
    tree = extract('```hcl\nresource "a" "b" {}\n```\n')
    assert not tree.truncated and "truncated" not in codes(tree)


# --- 5. nested fences ------------------------------------------------------------------------


def test_readme_with_nested_fences_neither_swallows_nor_splits() -> None:
    tree = extract(FIXTURES / "nested_readme.md")
    assert tree.paths == ("main.tf", "README.md", "outputs.tf")
    readme = tree.get("README.md")
    assert readme is not None
    assert "terraform init" in readme.content and readme.content.rstrip().endswith("Done.")
    assert (readme.origin.start_line, readme.origin.end_line) == (13, 34)
    assert tree.get("outputs.tf").content.startswith('output "bucket"')
    assert "nested_fence" in codes(tree) and not tree.truncated


def test_longer_outer_fence_needs_no_repair() -> None:
    text = (
        "## README.md\n\n````markdown\n# R\n```bash\nls\n```\n````\n\n"
        "### a.tf\n\n```hcl\nx = 1\n```\n"
    )
    tree = extract(text)
    assert tree.paths == ("README.md", "a.tf")
    assert "nested_fence" not in codes(tree)


def test_unnamed_markdown_wrapper_is_opened() -> None:
    text = (
        "```markdown\nThe answer should contain:\n\n### Layout\n```\nlib/\n├── a.tf\n└── b.tf\n"
        '```\n\n### Example\n```terraform\n# a.tf - the stack\nresource "x" "y" {}\n```\n'
    )
    tree = extract(text)
    assert tree.paths == ("a.tf",)
    # the drawing's root folder is dropped: the written file is "a.tf", not "lib/a.tf"
    assert tree.promised_files == ("a.tf", "b.tf")
    assert tree.get("a.tf").origin.start_line == 12
    # the wrapper itself never closes, but every code block in it does: not a cut-off
    assert not tree.truncated and "unclosed_prose_fence" in codes(tree)
    assert "markdown_wrapper" in codes(tree)


# --- 6. reasoning traces ---------------------------------------------------------------------


def test_reasoning_trace_is_kept_apart() -> None:
    tree = extract(FIXTURES / "reasoning.md")
    assert tree.paths == ("main.tf",)  # the draft block in the trace is not extracted
    [trace] = tree.reasoning
    assert (trace.start_line, trace.end_line) == (1, 12)
    assert "draft.tf" in trace.text
    assert "Here is the configuration." in tree.prose_text
    assert "draft" not in tree.prose_text
    assert tree.get("main.tf").origin.start_line == 19


# --- 7. repeated files and conflict markers --------------------------------------------------


def test_later_duplicate_wins_with_both_ranges() -> None:
    text = "### a.tf\n```hcl\nx = 1\n```\n\n### a.tf\n```hcl\nx = 2\n```\n"
    tree = extract(text)
    assert tree.paths == ("a.tf",) and tree.files[0].content == "x = 2\n"
    [dup] = [d for d in tree.diagnostics if d.code == "duplicate_path"]
    assert "2-4" in dup.message and "7-9" in dup.message and dup.line == 7


def test_conflict_markers_are_reported_with_location() -> None:
    text = "### a.tf\n```hcl\n<<<<<<< HEAD\nx = 1\n=======\nx = 2\n>>>>>>> branch\n```\n"
    tree = extract(text)
    [marker] = [d for d in tree.diagnostics if d.code == "conflict_markers"]
    assert marker.line == 3 and marker.span is not None
    assert (marker.span.path, marker.span.start_line) == ("a.tf", 1)


def test_setext_underline_is_not_a_conflict_marker() -> None:
    assert "conflict_markers" not in codes(extract("Title\n=======\n\ntext\n"))


# --- 9. safety and limits --------------------------------------------------------------------


def test_hostile_names_are_rejected_and_collisions_reported() -> None:
    tree = extract(FIXTURES / "hostile.md")
    assert tree.paths == ("lib/good.tf", "lib/Good.tf")
    rejected = [d for d in tree.diagnostics if d.code == "rejected_path"]
    assert [d.line for d in rejected] == [3, 10, 16, 34]
    assert all(d.severity is Severity.ERROR for d in rejected)
    assert "case_collision" in codes(tree)


def test_block_and_file_count_limits() -> None:
    big = "### big.tf\n```hcl\n" + "x = 1\n" * 100 + "```\n\n### small.tf\n```hcl\ny = 1\n```\n"
    tree = extract(big, limits=ExtractLimits(max_block_bytes=100))
    assert tree.paths == ("small.tf",) and "size_limit" in codes(tree)
    many = "".join(f"### f{i}.tf\n```hcl\nx = {i}\n```\n\n" for i in range(5))
    tree = extract(many, limits=ExtractLimits(max_files=3))
    assert len(tree.files) == 3 and "size_limit" in codes(tree)


def test_response_size_limit_keeps_the_beginning(tmp_path: Path) -> None:
    text = "### a.tf\n```hcl\nx = 1\n```\n\n" + "padding line\n" * 200
    path = tmp_path / "r.md"
    path.write_text(text)
    tree = extract(path, limits=ExtractLimits(max_response_bytes=100))
    assert tree.paths == ("a.tf",)
    assert "size_limit" in codes(tree)
    assert extract(text, limits=ExtractLimits(max_response_bytes=100)).paths == ("a.tf",)


def test_placeholders() -> None:
    text = (
        "### a.tf\n```hcl\n# ... rest of the configuration unchanged ...\n```\n\n"
        '### b.tf\n```hcl\nresource "x" "y" {}\n# ... existing code ...\n```\n'
    )
    tree = extract(text)
    assert tree.paths == ("b.tf",)
    assert "placeholder_only" in codes(tree)
    [elided] = [d for d in tree.diagnostics if d.code == "placeholder"]
    assert elided.span is not None and elided.span.start_line == 2 and elided.line == 9


def test_comment_only_files_are_kept() -> None:
    assert extract("### a.tf\n```hcl\n# intentionally empty\n```\n").paths == ("a.tf",)


# --- input handling --------------------------------------------------------------------------


def test_bom_crlf_and_invalid_bytes(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_bytes(b'\xef\xbb\xbf### a.tf\r\n```hcl\r\nx = "\xff"\r\n```\r\n')
    tree = extract(path, response_id="R1")
    assert tree.paths == ("a.tf",)
    assert tree.files[0].content == 'x = "\ufffd"\n'
    assert tree.files[0].origin.response == "R1" and tree.source == str(path)
    assert "decode_error" in codes(tree)
    assert extract(path).files[0].origin.response == "r"


@pytest.mark.parametrize(
    "data",
    [
        bytes(range(256)) * 4,  # binary with NULs
        b'### main.tf\n```hcl\nresource "a" "b" {}\n```\n\x00',  # one NUL is enough
        b"\xff\xfe\x81" * 50 + b"### a.tf\n```hcl\nx = 1\n```\n",  # mostly undecodable
        b"\x01\x02\x03\x04" * 30 + b"\n### a.tf\n```hcl\nx = 1\n```\n",  # mostly control
    ],
)
def test_a_response_that_is_not_text_yields_nothing(tmp_path: Path, data: bytes) -> None:
    path = tmp_path / "r.md"
    path.write_bytes(data)
    tree = extract(path)
    assert tree.files == () and tree.prose == ()
    assert codes(tree) == ["not_text"]
    assert tree.diagnostics[0].severity is Severity.ERROR


def test_a_few_odd_bytes_are_still_text(tmp_path: Path) -> None:
    path = tmp_path / "r.md"
    path.write_bytes(b"Here it is \xff\x07.\n\n### a.tf\n```hcl\nx = 1\n```\n" + b"ok\n" * 20)
    tree = extract(path)
    assert tree.paths == ("a.tf",) and "not_text" not in codes(tree)


def test_unfenced_terraform_is_one_file() -> None:
    text = '# main.tf\n\nvariable "a" {\n  type = string\n}\n\nresource "x" "y" {\n}\n'
    tree = extract(text)
    assert tree.paths == ("main.tf",)
    assert tree.files[0].origin.response_line(3) == 3
    assert "unfenced_code" in codes(tree)


def test_empty_and_prose_only_responses() -> None:
    assert extract("").files == ()
    tree = extract("Just words.\n\nMore words.\n")
    assert tree.files == () and tree.prose_text == "Just words.\n\nMore words."


def test_diagnostics_carry_response_lines() -> None:
    tree = extract(FIXTURES / "conventions.md")
    assert all(d.line is not None and d.line >= 1 for d in tree.diagnostics)
    assert all(d.stage == "extract" for d in tree.diagnostics)


def test_unclosed_fence_inside_a_wrapper_is_not_a_cut_off() -> None:
    text = "````\n## Notes\n\n   ```typescript\n   const a = 1;\n````\n\nAfter.\n"
    tree = extract(text)
    assert not tree.truncated and "truncated" not in codes(tree)
