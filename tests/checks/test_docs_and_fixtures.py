"""Every registered check is documented and has fixtures that pass and fail; every CLI command
has a --help that says what it does.

Fixture conventions (``tests/fixtures/checks/<check_id>/``): ``pass_*`` and ``fail_*`` (files
or folders, see ``tests/checks/fixtures.py``); an optional ``params.yaml`` gives the params
all fixtures of the check run with (task-parameter checks are ``na`` without them); an
optional ``reference/`` folder is the reference solution the fixtures are compared with; an
optional ``PROMPT.md`` is the prompt the fixtures answer (``CheckContext.prompt``).
"""

from __future__ import annotations

import dataclasses
from pathlib import Path
from typing import Any

import pytest
import yaml
from typer.testing import CliRunner

from harness.checks.registry import DOC_SECTIONS, load_checks, run_check
from harness.checks.types import CheckContext, ReferenceContext, Status
from harness.cli import app
from harness.extract import tree_from_directory
from harness.prompt import read_prompts
from harness.terraform import build
from tests.checks.fixtures import FIXTURES, context_for, fixtures_of
from tests.cli.commands import walk_commands

REGISTRY = load_checks()
CHECK_IDS = sorted(REGISTRY)


def _params(check_id: str) -> dict[str, Any]:
    path = FIXTURES / check_id / "params.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else None
    return data or {}


def _context(check_id: str, fixture: Path) -> CheckContext:
    ctx = context_for(fixture)
    reference = FIXTURES / check_id / "reference"
    if reference.is_dir():
        tree = tree_from_directory(reference)
        ctx = dataclasses.replace(ctx, reference=ReferenceContext(tree, build(tree)))
    prompt = FIXTURES / check_id / "PROMPT.md"
    if prompt.is_file():
        ctx = dataclasses.replace(ctx, prompt=read_prompts([prompt]))
    return ctx


def _all_fixtures() -> list[tuple[str, Path]]:
    return [
        (check_id, fixture)
        for check_id in CHECK_IDS
        if (FIXTURES / check_id).is_dir()
        for fixture in fixtures_of(check_id)
    ]


def test_registry_is_not_empty() -> None:
    assert len(CHECK_IDS) >= 30


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_is_documented(check_id: str) -> None:
    spec = REGISTRY[check_id]
    assert spec.title and spec.title != check_id, f"{check_id}: no one-line title"
    for section in DOC_SECTIONS:
        assert spec.section(section), f"{check_id}: docstring lacks section {section!r}"
    for name, field in spec.params.model_fields.items():
        assert field.description, f"{check_id}: param {name!r} has no description"


@pytest.mark.parametrize("check_id", CHECK_IDS)
def test_check_has_pass_and_fail_fixtures(check_id: str) -> None:
    folder = FIXTURES / check_id
    assert folder.is_dir(), f"{folder} missing"
    names = [p.name for p in fixtures_of(check_id)]
    assert any(n.startswith("pass_") for n in names), f"{check_id}: no pass_* fixture"
    assert any(n.startswith("fail_") for n in names), f"{check_id}: no fail_* fixture"


@pytest.mark.parametrize(
    ("check_id", "fixture"),
    _all_fixtures(),
    ids=[f"{c}/{f.name}" for c, f in _all_fixtures()],
)
def test_fixture_verdict(check_id: str, fixture: Path) -> None:
    spec = REGISTRY[check_id]
    findings = run_check(spec, _context(check_id, fixture), spec.parse_params(_params(check_id)))
    statuses = [f.status for f in findings]
    assert Status.ERROR not in statuses, findings
    if fixture.name.startswith("pass_"):
        assert Status.FAIL not in statuses, [f.message for f in findings if f.status is Status.FAIL]
        assert Status.PASS in statuses, findings
    else:
        assert Status.FAIL in statuses, findings


def _commands() -> list[tuple[str, str]]:
    """Every command path and its help text."""
    return [(path, str(getattr(command, "help", None) or "")) for path, command in walk_commands()]


@pytest.mark.parametrize("path", [p for p, _ in _commands()], ids=lambda p: p or "root")
def test_command_help_has_description(path: str) -> None:
    help_text = dict(_commands())[path]
    assert help_text.strip(), f"`iac-harness {path}` has no description"
    result = CliRunner().invoke(app, [*path.split(), "--help"], env={"COLUMNS": "100"})
    assert result.exit_code == 0, result.output
    assert "Usage" in result.output
    assert help_text.strip().splitlines()[0][:30] in " ".join(result.output.split())
