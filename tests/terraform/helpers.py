"""Build FileTrees from literal files or fixture directories for model tests."""

from __future__ import annotations

from pathlib import Path

from harness.extract.types import Convention, ExtractedFile, FileTree, NameEvidence, Origin

FIXTURES = Path(__file__).resolve().parents[1] / "fixtures" / "terraform"


def language_of(path: str) -> str:
    if path.endswith(".tf"):
        return "hcl"
    if path.endswith(".tfvars"):
        return "tfvars"
    return "text"


def tree_of(files: dict[str, str]) -> FileTree:
    """A FileTree holding ``files`` (path -> content), as extraction would produce it."""
    out = []
    line = 1
    for path, content in files.items():
        end = line + content.count("\n") + 2
        origin = Origin(line, end, NameEvidence(Convention.HEADING, path, line))
        out.append(ExtractedFile(path, content, language_of(path), origin))
        line = end + 2
    return FileTree(tuple(out))


def fixture_tree(name: str) -> FileTree:
    """Every file under tests/fixtures/terraform/<name>/ as a FileTree (sorted paths)."""
    root = FIXTURES / name
    return tree_of(
        {
            p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*"))
            if p.is_file()
        }
    )
