"""Top-level block addresses, the keys of the overlay's merge."""

from __future__ import annotations

from harness.extract.hcl_blocks import TopBlock, top_level_blocks


def test_addresses_and_rows() -> None:
    text = (
        "# header\n"
        'resource "aws_s3_bucket" "logs" {\n  bucket = "x"\n}\n'
        'data "aws_iam_policy_document" "p" {}\n'
        'module "vpc" {\n  source = "./vpc"\n}\n'
        'provider "aws" {\n  region = "us-east-1"\n}\n'
        'provider "aws" {\n  alias = "west"\n}\n'
        "locals {\n  a = 1\n}\n"
        "locals {\n  b = 1\n}\n"
        "terraform {}\n"
    )
    assert top_level_blocks(text) == (
        TopBlock("resource", "resource.aws_s3_bucket.logs", 1, 3),
        TopBlock("data", "data.aws_iam_policy_document.p", 4, 4),
        TopBlock("module", "module.vpc", 5, 7),
        TopBlock("provider", "provider.aws", 8, 10),
        TopBlock("provider", "provider.aws.west", 11, 13),
        TopBlock("locals", "locals", 14, 16),
        TopBlock("locals", "locals#2", 17, 19),
        TopBlock("terraform", "terraform", 20, 20),
    )
    assert top_level_blocks(text) is top_level_blocks(text[:-1] + "\n")  # kept by content


def test_files_that_do_not_split_cleanly() -> None:
    assert top_level_blocks('resource "a" "b" {\n  x = \n') is None  # syntax error
    assert top_level_blocks('variable "a" {}\nvariable "a" {}\n') is None  # one address twice
    assert top_level_blocks('variable "a" {} variable "b" {}\n') is None  # one line, two blocks
    assert top_level_blocks("") == ()
    assert top_level_blocks("# only a comment\n") == ()
