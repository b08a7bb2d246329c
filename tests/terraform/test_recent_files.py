"""The build's memo of recently parsed files: a file repeated in another tree (a follow-up's
overlay, a response that copies the ideal) is parsed once, with the same model as before."""

from __future__ import annotations

import pickle

from harness.terraform import BuildLimits, build
from harness.terraform.build import _RecentFiles
from tests.terraform.helpers import tree_of

MAIN = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs-${var.env}"\n}\n'
BROKEN = 'resource "aws_s3_bucket" "logs" {\n  bucket = "logs"\n'


def test_a_repeated_file_gives_the_same_model_and_shares_its_blocks() -> None:
    first = build(tree_of({"main.tf": MAIN, "variables.tf": 'variable "env" {}\n'}))
    again = build(tree_of({"main.tf": MAIN, "outputs.tf": 'output "x" { value = 1 }\n'}))
    assert first.root_module.resources[0].block is again.root_module.resources[0].block
    alone = build(tree_of({"main.tf": MAIN}))
    assert pickle.dumps(alone.root_module.resources) == pickle.dumps(first.root_module.resources)


def test_everything_a_parse_depends_on_is_in_the_key() -> None:
    base = build(tree_of({"main.tf": MAIN})).root_module.resources[0]
    moved = build(tree_of({"other.tf": MAIN})).root_module.resources[0]
    assert moved.block is not base.block and moved.span.path == "other.tf"
    limited = build(tree_of({"main.tf": MAIN}), limits=BuildLimits(syntax_verdict=False))
    assert limited.root_module.resources[0].block is not base.block


def test_diagnostics_of_a_repeated_broken_file_are_identical() -> None:
    tree = tree_of({"main.tf": BROKEN})
    first, again = build(tree), build(tree)
    assert first.diagnostics == again.diagnostics
    assert any(d.code == "syntax_error" for d in again.diagnostics)
    assert again.files["main.tf"].valid is False


def test_the_memo_is_bounded_by_source_bytes() -> None:
    recent = _RecentFiles(max_bytes=4 * len(MAIN))
    limits = BuildLimits()
    trees = [tree_of({f"f{i}.tf": MAIN}) for i in range(10)]
    for tree in trees:
        recent.parse(tree.files[0], "hcl", limits)
    assert recent._held <= recent.max_bytes
    assert len(recent._entries) == 4
    big = tree_of({"big.tf": MAIN * 2})  # over a quarter of the bound: parsed, not kept
    recent.parse(big.files[0], "hcl", limits)
    assert all(key[0] != "big.tf" for key in recent._entries)
