"""Reading a Terraform tree from disk."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from harness.extract import Convention, ExtractLimits, tree_from_directory


def test_reads_text_files_and_skips_the_rest(tmp_path: Path) -> None:
    (tmp_path / "modules" / "vpc").mkdir(parents=True)
    (tmp_path / "main.tf").write_text('module "vpc" {\n  source = "./modules/vpc"\n}\n')
    (tmp_path / "modules" / "vpc" / "main.tf").write_text('resource "a" "b" {}')
    (tmp_path / "terraform.tfvars").write_text('region = "x"\n')
    (tmp_path / "README.md").write_text("# Stack\n")
    (tmp_path / ".terraform").mkdir()
    (tmp_path / ".terraform" / "cache.tf").write_text("x = 1\n")
    (tmp_path / ".hidden").mkdir()
    (tmp_path / ".hidden" / "x.tf").write_text("x = 1\n")
    (tmp_path / "plugin.bin").write_bytes(b"\x00\x01\x02")
    os.symlink(tmp_path / "main.tf", tmp_path / "link.tf")
    tree = tree_from_directory(tmp_path)
    assert tree.paths == ("README.md", "main.tf", "modules/vpc/main.tf", "terraform.tfvars")
    assert [f.language for f in tree.files] == ["markdown", "hcl", "hcl", "tfvars"]
    main = tree.get("main.tf")
    assert main is not None
    assert main.origin.naming.convention is Convention.DISK
    assert (main.origin.start_line, main.origin.end_line) == (0, 3)
    assert main.origin.response_line(2) == 2  # lines map to the file itself
    assert tree.get("modules/vpc/main.tf").origin.end_line == 1
    assert [d.code for d in tree.diagnostics] == ["binary_file"]


def test_size_limits(tmp_path: Path) -> None:
    (tmp_path / "big.tf").write_text("x = 1\n" * 100)
    (tmp_path / "small.tf").write_text("y = 1\n")
    tree = tree_from_directory(tmp_path, limits=ExtractLimits(max_block_bytes=50))
    assert tree.paths == ("small.tf",)
    assert [d.code for d in tree.diagnostics] == ["size_limit"]


def test_not_a_directory(tmp_path: Path) -> None:
    with pytest.raises(NotADirectoryError):
        tree_from_directory(tmp_path / "missing")
