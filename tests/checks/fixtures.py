"""Turn a check fixture into a ``CheckContext``.

Fixtures live in ``tests/fixtures/checks/<check_id>/`` and are named ``pass_*`` or ``fail_*``:
- ``*.tf``: a one-file Terraform tree (``main.tf``);
- ``*.md``: a markdown response, extracted like a real one;
- a directory: a Terraform tree on disk (modules, tests, ...);
- ``*.yaml`` / ``*.json``: a one-file CloudFormation template (``template.yaml``); the
  CloudFormation implementation of a check keeps its fixtures in ``<check_id>/cloudformation/``.
Resource-level fixtures name their resources ``pass_*`` / ``fail_*`` so a test can assert the
exact sets of subjects a check passes and fails (checkov style).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from harness.checks.registry import get_check
from harness.checks.types import CheckContext, Finding, Status
from harness.extract import extract, tree_from_directory
from harness.extract.types import Convention, ExtractedFile, FileTree, NameEvidence, Origin
from harness.terraform import build
from tests.conftest import REPO_ROOT

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "checks"


def tree_for(path: Path) -> FileTree:
    if path.is_dir():
        return tree_from_directory(path)
    if path.suffix == ".md":
        return extract(path)
    text = path.read_text(encoding="utf-8")
    origin = Origin(1, text.count("\n") + 2, NameEvidence(Convention.HEADING, path.name, 1))
    if path.suffix in (".yaml", ".json"):  # a CloudFormation template
        language = path.suffix.lstrip(".")
        name = f"template{path.suffix}"
        file = ExtractedFile(name, text, language, origin)
        return FileTree(files=(file,), source=str(path))
    return FileTree(files=(ExtractedFile("main.tf", text, "hcl", origin),), source=str(path))


def context_for(path: Path) -> CheckContext:
    tree = tree_for(path)
    return CheckContext(task_id="fixture", response_id=path.stem, tree=tree, config=build(tree))


def fixtures_of(check_id: str) -> list[Path]:
    folder = FIXTURES / check_id
    return sorted(p for p in folder.iterdir() if p.name.startswith(("pass_", "fail_")))


def subjects(findings: object, status: Status) -> set[str]:
    """Subjects of findings with the given status (for exact pass_*/fail_* set assertions)."""
    return {f.subject for f in findings if f.status is status}  # type: ignore[attr-defined]


def run_fixture(check_id: str, fixture: str, **params: Any) -> list[Finding]:
    """Run one check on one of its fixtures with the given params; a check that raises is a
    test failure, not an error finding to look past."""
    spec = get_check(check_id)
    ctx = context_for(FIXTURES / check_id / fixture)
    findings = list(spec.func(ctx, spec.parse_params(params)))
    errors = [f for f in findings if f.status is Status.ERROR]
    assert not errors, errors
    return findings
