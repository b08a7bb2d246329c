"""Multi-turn overlay (requirement 8)."""

from __future__ import annotations

import pytest

from harness.extract import extract, overlay
from tests.extract.helpers import FIXTURES, codes


def test_later_turn_replaces_whole_files_and_carries_the_rest() -> None:
    first = extract(FIXTURES / "task_multiturn" / "MODEL_RESPONSE.md")
    second = extract(FIXTURES / "task_multiturn" / "MODEL_RESPONSE2.md")
    assert second.paths == ("main.tf",)
    effective = overlay([first, second])
    assert effective.paths == ("main.tf", "outputs.tf")
    main, outputs = effective.files
    assert "random_id" in main.content and not main.origin.carried_over
    assert main.origin.response == "MODEL_RESPONSE2"
    assert outputs.origin.carried_over and outputs.origin.response == "MODEL_RESPONSE"
    [carried] = [d for d in effective.diagnostics if d.code == "carried_over"]
    assert "outputs.tf (from MODEL_RESPONSE)" in carried.message
    assert effective.prose == second.prose and effective.source == second.source


def test_overlay_of_three_turns_and_of_one() -> None:
    a = extract("### a.tf\n```hcl\nx = 1\n```\n### b.tf\n```hcl\ny = 1\n```\n", response_id="1")
    b = extract("### b.tf\n```hcl\ny = 2\n```\n", response_id="2")
    c = extract("### c.tf\n```hcl\nz = 3\n```\n", response_id="3")
    effective = overlay([a, b, c])
    assert [(f.path, f.origin.response, f.origin.carried_over) for f in effective.files] == [
        ("a.tf", "1", True),
        ("b.tf", "2", True),
        ("c.tf", "3", False),
    ]
    assert overlay([a]) is a
    assert "carried_over" not in codes(overlay([b, b]))
    with pytest.raises(ValueError):
        overlay([])


def test_promised_files_accumulate() -> None:
    a = extract("```\np/\n├── a.tf\n└── b.tf\n```\n")
    b = extract("```\np/\n├── b.tf\n└── c.tf\n```\n")
    assert overlay([a, b]).promised_files == ("a.tf", "b.tf", "c.tf")


EARLIER = """### main.tf

```hcl
provider "aws" {
  region = "us-east-1"
}

resource "aws_s3_bucket" "logs" {
  bucket = "logs"
}

resource "aws_s3_bucket" "data" {
  bucket = "data"
}

resource "aws_sqs_queue" "jobs" {
  name = "jobs"
}
```
"""


def _merge(later: str) -> tuple[str, list[str], str]:
    a = extract(EARLIER, response_id="MODEL_RESPONSE")
    b = extract(later, response_id="MODEL_RESPONSE2")
    effective = overlay([a, b])
    main = effective.get("main.tf")
    assert main is not None
    return main.content, codes(effective), str(main.origin.assembly)


def test_a_follow_up_showing_changed_blocks_is_merged_by_address() -> None:
    later = (
        "Only the changed bucket:\n\n### main.tf\n\n```hcl\n"
        'resource "aws_s3_bucket" "data" {\n  bucket = "data-v2"\n}\n\n'
        'resource "aws_kms_key" "data" {\n  enable_key_rotation = true\n}\n```\n'
    )
    content, found, assembly = _merge(later)
    assert assembly == "merged_blocks" and "merged_blocks" in found
    assert '"data-v2"' in content and 'bucket = "data"\n' not in content
    for kept in ('provider "aws"', '"logs"', '"jobs"', 'resource "aws_kms_key" "data"'):
        assert kept in content
    # replaced in place, new blocks appended after the last one
    assert content.index('"logs"') < content.index('"data-v2"') < content.index('"jobs"')
    assert content.index('"jobs"') < content.index("aws_kms_key")


def test_a_merged_file_maps_the_follow_ups_lines_and_only_those() -> None:
    later = (
        "### main.tf\n\n```hcl\n# ... rest unchanged\n\n"
        'resource "aws_sqs_queue" "jobs" {\n  name = "jobs-v2"\n}\n```\n'
    )
    a = extract(EARLIER, response_id="MODEL_RESPONSE")
    b = extract(later, response_id="MODEL_RESPONSE2")
    main = overlay([a, b]).get("main.tf")
    assert main is not None
    lines = main.content.split("\n")
    row = lines.index('  name = "jobs-v2"') + 1
    assert later.split("\n")[(main.origin.response_line(row) or 0) - 1] == '  name = "jobs-v2"'
    assert main.origin.response_line(1) is None  # the provider came from the first turn
    [diagnostic] = [d for d in overlay([a, b]).diagnostics if d.code == "merged_blocks"]
    assert (
        "placeholder" in diagnostic.message and "1 replaced, 0 added, 3 kept" in diagnostic.message
    )


def test_a_full_rewrite_dropping_a_block_replaces_the_file() -> None:
    later = EARLIER.replace('resource "aws_sqs_queue" "jobs" {\n  name = "jobs"\n}\n', "")
    content, found, assembly = _merge(later)
    assert assembly == "replaced" and "merged_blocks" not in found
    assert "aws_sqs_queue" not in content


def test_a_file_that_does_not_split_cleanly_is_replaced() -> None:
    later = (
        "### main.tf\n\n```hcl\n# ... rest unchanged\n"
        'resource "aws_s3_bucket" "data" {\n  bucket = \n```\n'
    )
    _content, found, assembly = _merge(later)
    assert assembly == "replaced" and "merged_blocks" not in found


def test_a_nested_fragment_is_not_merged_at_the_top_level() -> None:
    later = 'Add to main.tf:\n\n### main.tf\n\n```hcl\nbackend "s3" {\n  bucket = "b"\n}\n```\n'
    _content, found, _assembly = _merge(later)
    assert "merged_blocks" not in found
