"""Writing a tree can never touch anything outside the output folder (requirement 9)."""

from __future__ import annotations

import contextlib
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from harness.extract import ExtractedFile, FileTree, WriteError, extract, write_tree
from harness.extract.types import Convention, NameEvidence, Origin
from tests.extract.helpers import FIXTURES

_ORIGIN = Origin(1, 2, NameEvidence(Convention.HEADING, "x"))


def _tree(*paths: str) -> FileTree:
    return FileTree(files=tuple(ExtractedFile(p, f"# {p}\n", "hcl", _ORIGIN) for p in paths))


def test_writes_nested_files(tmp_path: Path) -> None:
    tree = extract(FIXTURES / "conventions.md")
    written = write_tree(tree, tmp_path / "out")
    assert sorted(p.relative_to(tmp_path / "out").as_posix() for p in written) == sorted(tree.paths)
    assert (tmp_path / "out" / "lib" / "provider.tf").read_text().startswith("terraform {")


def test_forged_tree_paths_are_refused(tmp_path: Path) -> None:
    out = tmp_path / "out"
    with pytest.raises(WriteError) as caught:
        write_tree(_tree("ok.tf", "../escape.tf", "/abs.tf", "a/./b.tf"), out)
    assert set(caught.value.failures) == {"../escape.tf", "/abs.tf", "a/./b.tf"}
    assert (out / "ok.tf").exists()  # work already done is kept
    assert not (tmp_path / "escape.tf").exists()


def test_symlinks_inside_the_output_are_never_followed(tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    victim = outside / "victim.tf"
    victim.write_text("precious\n")
    out = tmp_path / "out"
    out.mkdir()
    os.symlink(outside, out / "modules")  # a planted directory link
    os.symlink(victim, out / "main.tf")  # a planted file link
    write_tree(_tree("modules/vpc/main.tf", "main.tf"), out)
    assert victim.read_text() == "precious\n"
    assert sorted(p.name for p in outside.iterdir()) == ["victim.tf"]
    assert not (out / "modules").is_symlink() and (out / "modules" / "vpc" / "main.tf").is_file()
    assert not (out / "main.tf").is_symlink()
    assert (out / "main.tf").read_text() == "# main.tf\n"


def test_file_and_directory_clash_is_reported(tmp_path: Path) -> None:
    with pytest.raises(WriteError) as caught:
        write_tree(_tree("a", "a/b.tf"), tmp_path)
    assert list(caught.value.failures) == ["a/b.tf"]


_COMPONENT = st.sampled_from(["a", "b", "..", ".", "", "lnk", "~", "C:", ".git", "x.tf"])


@settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.lists(_COMPONENT, min_size=1, max_size=5), min_size=1, max_size=6))
def test_nothing_ever_lands_outside(tmp_path: Path, paths: list[list[str]]) -> None:
    root = tmp_path / "case"
    root.mkdir(exist_ok=True)
    outside = root / "outside"
    outside.mkdir(exist_ok=True)
    out = root / "out"
    out.mkdir(exist_ok=True)
    if not (out / "lnk").is_symlink() and not (out / "lnk").exists():
        os.symlink(outside, out / "lnk")
    tree = _tree(*("/".join(parts) for parts in paths))
    with contextlib.suppress(WriteError):
        write_tree(tree, out)
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in root.iterdir()) == ["out", "outside"]
