"""One file shown as labelled line-range excerpts is joined into that file, in line order."""

from __future__ import annotations

import pytest

from harness.extract import extract
from harness.extract.naming import line_range
from harness.extract.types import Assembly
from tests.extract.helpers import codes

EXCERPTS = """# Solution

#### Provider

**lib/main.tf** (lines 1-4):

```hcl
provider "aws" {
  region = "us-east-1"
}

```

#### Storage

**lib/main.tf** (lines 20-26):

**Logs bucket:**

```hcl
resource "aws_s3_bucket" "logs" {
  bucket_prefix = "logs-"
}
```

**Data bucket:**

```hcl
resource "aws_s3_bucket" "data" {
  bucket_prefix = "data-"
}
```

#### Variables

**lib/main.tf** (lines 5-9):

```hcl
variable "env" {
  type = string
}
```

```bash
terraform apply
```
"""


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("**lib/x.tf** (lines 1-25):", (1, 25)),
        ("### main.tf, lines 26 to 50", (26, 50)),
        ("`main.tf` L51-L80", (51, 80)),
        ("Line 759-761: the certificate", (759, 761)),
        ("lines 7–9", (7, 9)),
        ("lines 5-3", None),
        ("see line 4", None),
        ("main.tf", None),
    ],
)
def test_line_range_labels(text: str, expected: tuple[int, int] | None) -> None:
    assert line_range(text) == expected


def test_labelled_excerpts_are_joined_in_line_order() -> None:
    tree = extract(EXCERPTS)
    assert tree.paths == ("lib/main.tf",)  # no inferred main.tf for the unlabelled buckets
    file = tree.get("lib/main.tf")
    assert file is not None and file.origin.assembly is Assembly.EXCERPTS
    content = file.content
    assert content.index('provider "aws"') < content.index('variable "env"')
    assert content.index('variable "env"') < content.index('"logs"') < content.index('"data"')
    assert "duplicate_path" not in codes(tree)
    [joined] = [d for d in tree.diagnostics if d.code == "excerpts_joined"]
    assert "4 blocks" in joined.message and "1-4, 5-9, 20-26" in joined.message
    [gaps] = [d for d in tree.diagnostics if d.code == "excerpt_gaps"]
    assert "lines 10-19" in gaps.message


def test_each_line_of_a_joined_file_maps_back_to_its_block() -> None:
    tree = extract(EXCERPTS)
    file = tree.get("lib/main.tf")
    assert file is not None
    response = EXCERPTS.split("\n")
    for number, text in enumerate(file.content.split("\n")[:-1], start=1):
        line = file.origin.response_line(number)
        assert line is not None and response[line - 1] == text, (number, text)
    assert len(file.origin.pieces) == 4
    assert [p.label for p in file.origin.pieces] == [
        "lines 1-4",
        "lines 5-9",
        "lines 20-26",
        "lines 20-26",
    ]


def test_overlapping_ranges_are_versions_and_the_later_is_kept() -> None:
    text = (
        "**main.tf** (lines 1-3):\n\n```hcl\nlocals { a = 1 }\n```\n\n"
        "Fixed:\n\n**main.tf** (lines 1-3):\n\n```hcl\nlocals { a = 2 }\n```\n"
    )
    tree = extract(text)
    file = tree.get("main.tf")
    assert file is not None and "a = 2" in file.content and "a = 1" not in file.content
    assert file.origin.assembly is Assembly.BLOCK
    assert "duplicate_path" in codes(tree)


def test_a_full_file_after_an_excerpt_is_not_joined() -> None:
    text = (
        "**main.tf** (lines 1-3):\n\n```hcl\nlocals { a = 1 }\n```\n\n"
        "The whole file:\n\n**main.tf**\n\n```hcl\nlocals { a = 2 }\nlocals { b = 3 }\n```\n"
    )
    tree = extract(text)
    file = tree.get("main.tf")
    assert file is not None and file.content == "locals { a = 2 }\nlocals { b = 3 }\n"
    assert "excerpts_joined" not in codes(tree)


def test_placeholders_in_a_later_excerpt_point_at_the_joined_file_line() -> None:
    text = (
        "**main.tf** (lines 1-2):\n\n```hcl\nlocals { a = 1 }\nlocals { b = 1 }\n```\n\n"
        "**main.tf** (lines 3-5):\n\n```hcl\nlocals { c = 1 }\n# ... rest unchanged\n```\n"
    )
    tree = extract(text)
    [placeholder] = [d for d in tree.diagnostics if d.code == "placeholder"]
    assert placeholder.span is not None and placeholder.span.start_line == 4
    file = tree.get("main.tf")
    assert file is not None and file.content.split("\n")[3] == "# ... rest unchanged"


@pytest.mark.parametrize("label", ["### main.tf (lines {a}-{z})", "**main.tf**, lines {a} to {z}:"])
def test_heading_and_label_forms(label: str) -> None:
    text = (
        f"{label.format(a=1, z=1)}\n\n```hcl\nlocals {{ a = 1 }}\n```\n\n"
        f"{label.format(a=2, z=2)}\n\n```hcl\nlocals {{ b = 1 }}\n```\n"
    )
    tree = extract(text)
    assert tree.paths == ("main.tf",) and "excerpts_joined" in codes(tree)


def test_first_comment_labels() -> None:
    text = (
        '```hcl\n# variables.tf, lines 4-6\nvariable "y" {}\n```\n\n'
        '```hcl\n# variables.tf (lines 1-3)\nvariable "x" {}\n```\n'
    )
    tree = extract(text)
    file = tree.get("variables.tf")
    assert tree.paths == ("variables.tf",) and file is not None
    assert file.content.index('"x"') < file.content.index('"y"')
