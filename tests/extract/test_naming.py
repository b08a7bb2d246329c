"""File naming conventions (requirement 1), one fixture block per convention."""

from __future__ import annotations

import pytest

from harness.extract import Convention, extract
from harness.extract import naming as finders
from tests.extract.helpers import FIXTURES, codes, naming


@pytest.fixture(scope="module")
def tree():  # type: ignore[no-untyped-def]
    return extract(FIXTURES / "conventions.md")


def test_each_convention_names_its_block(tree) -> None:  # type: ignore[no-untyped-def]
    assert naming(tree) == {
        "lib/provider.tf": "heading",
        "network.tf": "fence_title",
        "storage.tf": "bold_label",
        "compute.tf": "first_comment",
        "iam.tf": "prose",
        "variables.tf": "inferred",
        "outputs.tf": "inferred",
        "main.tf": "inferred",
        "main_2.tf": "inferred",
        "scripts/bootstrap.sh": "heading",
    }


def test_evidence_records_text_and_line(tree) -> None:  # type: ignore[no-untyped-def]
    heading = tree.get("lib/provider.tf").origin
    assert (heading.naming.text, heading.naming.line) == ("File: lib/provider.tf", 5)
    assert (heading.start_line, heading.end_line) == (7, 11)
    assert heading.response_line(1) == 8  # first content line
    assert tree.get("storage.tf").origin.naming.line == 19
    assert tree.get("compute.tf").origin.naming.line == 28
    assert tree.get("iam.tf").origin.naming.text == "Here's the complete `iam.tf` file:"
    inferred = tree.get("variables.tf").origin.naming
    assert inferred.inferred and inferred.line is None and "variable" in inferred.text


def test_inference_is_marked_and_deduplicated(tree) -> None:  # type: ignore[no-untyped-def]
    assert codes(tree).count("inferred_name") == 4
    assert tree.get("main.tf").content.startswith('resource "aws_eip"')
    # "## Module: Networking" names a section, not a file: the block is inferred
    assert tree.get("main_2.tf").content.startswith('resource "aws_subnet"')


def test_shell_transcripts_and_mismatched_names_are_not_files(tree) -> None:  # type: ignore[no-untyped-def]
    contents = [f.content for f in tree.files]
    assert not any("terraform init" in c or "terraform plan" in c for c in contents)
    assert "unnamed_block" in codes(tree)  # the unnamed python snippet is reported


@pytest.mark.parametrize(
    ("heading", "expected"),
    [
        ("File: lib/provider.tf", "lib/provider.tf"),
        ("provider.tf", "provider.tf"),
        ("modules/networking/main.tf", "modules/networking/main.tf"),
        ("`tap_stack.tf`", "tap_stack.tf"),
        ("1. `variables.tf` - Input Variables", "variables.tf"),
        ("3. IAM Module (`modules/iam/main.tf`)", "modules/iam/main.tf"),
        ("Fixed vpc.tf (with optional NAT Gateway)", "vpc.tf"),
        ("terraform.tfvars.example", "terraform.tfvars.example"),
        ("File: lib/lambda/Dockerfile", "lib/lambda/Dockerfile"),
        ("tap\\_stack.tf", "tap_stack.tf"),
        ("Module: Networking", None),
        ("File 1: Provider Configuration", None),
        ("Step 3: Deploy to us-east-1", None),
        ("Using Node.js with example.com", None),
        ("Security (lib/kms.py, lib/iam.py)", None),
    ],
)
def test_heading_names(heading: str, expected: str | None) -> None:
    assert finders.heading_name(heading) == expected


@pytest.mark.parametrize(
    ("info", "expected"),
    [
        ('hcl title="provider.tf"', "provider.tf"),
        ("hcl title='a/b.tf'", "a/b.tf"),
        ("terraform filename=main.tf", "main.tf"),
        ("hcl:lib/x.tf", "lib/x.tf"),
        ("hcl", None),
        ("", None),
    ],
)
def test_fence_titles(info: str, expected: str | None) -> None:
    assert finders.fence_title(info) == expected


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("# tap_stack.tf - Complete multi-region stack", "tap_stack.tf"),
        ("# lib/tap_stack.py", "lib/tap_stack.py"),
        ("// app.ts", "app.ts"),
        ("# provider.tf (for completeness)", "provider.tf"),
        ("# In main.tf, uncomment and configure:", "main.tf"),
        ("# Add this at the top of modules/compute/main.tf", "modules/compute/main.tf"),
        ("# Core region variable consumed by provider.tf", None),
        ("# Copy this file to terraform.tfvars and customize", None),
        ("# Variables", None),
        ("resource x", None),
    ],
)
def test_comment_names(line: str, expected: str | None) -> None:
    assert finders.comment_name(line) == expected


def test_first_comment_skips_banners() -> None:
    assert finders.first_comment_name("#########\n# stack.tf - all\n#####\n") == ("stack.tf", 1)


def test_most_explicit_evidence_wins_and_conflicts_are_reported() -> None:
    text = '## File: a.tf\n\n```hcl\n# b.tf\nresource "x" "y" {}\n```\n'
    tree = extract(text)
    assert tree.paths == ("a.tf",)
    assert tree.files[0].origin.naming.convention is Convention.HEADING
    assert "name_conflict" in codes(tree)


def test_heading_run_of_pasted_comments_still_names_the_block() -> None:
    # HCL comment banners pasted outside the fence render as headings; look through them
    text = '# stack.tf - Everything\n\n# ====\n# VARIABLES\n# ====\n```hcl\nvariable "a" {}\n```\n'
    assert extract(text).paths == ("stack.tf",)


def test_prose_uses_the_last_sentence() -> None:
    text = (
        "The bug was in main.tf. Here's the fixed `variables.tf`:\n\n"
        '```hcl\nvariable "a" {}\n```\n'
    )
    assert extract(text).paths == ("variables.tf",)


def test_partial_introductions_are_flagged() -> None:
    text = 'Add this to your root `outputs.tf`:\n\n```hcl\noutput "x" {\n  value = 1\n}\n```\n'
    tree = extract(text)
    assert tree.paths == ("outputs.tf",)
    assert "partial_file" in codes(tree)


def test_several_files_in_one_block_are_split() -> None:
    text = (
        '```hcl\n# variables.tf\nvariable "r" {}\n\n# provider.tf\nprovider "aws" {}\n\n'
        '# main.tf\nresource "aws_vpc" "v" {}\n```\n'
    )
    tree = extract(text)
    assert tree.paths == ("variables.tf", "provider.tf", "main.tf")
    assert tree.get("provider.tf").content == '# provider.tf\nprovider "aws" {}\n'
    assert [f.origin.start_line for f in tree.files] == [1, 4, 7]
    assert tree.get("provider.tf").origin.response_line(2) == 6


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        ('variable "a" {}\nvariable "b" {}\n', "variables.tf"),
        ('output "a" {\n  value = 1\n}\n', "outputs.tf"),
        ('terraform {\n}\nprovider "aws" {\n  region = "x"\n}\n', "provider.tf"),
        ('provider "aws" {}\nresource "a" "b" {}\n', "main.tf"),
        ('region = "us-east-1"\ncount  = 2\ntags   = { a = "b" }\n', "terraform.tfvars"),
        ('  resource "a" "b" {\n    x = 1\n  }\n', "main.tf"),
        ("lifecycle {\n  prevent_destroy = true\n}\n", None),
        ("tags = merge(\n  local.tags,\n)\n", None),
    ],
)
def test_inference(content: str, expected: str | None) -> None:
    found = finders.infer_hcl_name(content)
    assert (found[0] if found else None) == expected


def test_fragments_are_not_files() -> None:
    tree = extract("Set this:\n\n```hcl\nlifecycle {\n  prevent_destroy = true\n}\n```\n")
    assert tree.files == ()
    assert "unnamed_block" in codes(tree)
