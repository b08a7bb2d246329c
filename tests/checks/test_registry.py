"""The check registry: discovery, lookup errors, params validation, error isolation."""

from __future__ import annotations

import ast
import importlib
import pkgutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from pydantic import Field, ValidationError

from harness.checks.registry import (
    Params,
    UnknownCheckError,
    all_implementations,
    check,
    check_modules,
    get_check,
    implementations,
    load_checks,
    run_check,
)
from harness.checks.types import CheckContext, Finding, Status
from tests.checks.fixtures import FIXTURES, context_for


def test_every_check_module_registers_something() -> None:
    modules = {spec.func.__module__ for spec in all_implementations()}
    assert set(check_modules()) <= modules, set(check_modules()) - modules


def _module_for(check_id: str, languages: tuple[str, ...] | None = ("terraform",)) -> str:
    """The module a check id names (the rule in ``harness.checks.registry``'s docstring): an
    implementation for one language other than Terraform lives in ``P/<language>.py``."""
    prefix, name = check_id.split(".", 1)
    if languages is not None and len(languages) == 1 and languages[0] != "terraform":
        return f"harness.checks.{prefix}.{languages[0]}"
    package = importlib.import_module(f"harness.checks.{prefix}")
    modules = {m.name for m in pkgutil.iter_modules(package.__path__)}
    words = name.split("_")
    for n in range(len(words), 0, -1):
        if "_".join(words[:n]) in modules:
            return f"harness.checks.{prefix}.{'_'.join(words[:n])}"
    return f"harness.checks.{prefix}.checks"


def test_every_check_lives_in_the_module_its_id_names() -> None:
    misplaced = {
        (spec.id, spec.language_key): spec.func.__module__
        for spec in all_implementations()
        if spec.func.__module__ != _module_for(spec.id, spec.languages)
    }
    assert not misplaced, misplaced


def test_other_language_implementations_share_params_and_category() -> None:
    for check_id in load_checks():
        specs = implementations(check_id)
        assert len({(s.params, s.category) for s in specs}) == 1, check_id
        assert len({s.language_key for s in specs}) == len(specs), check_id


def test_a_second_language_may_implement_an_id_once() -> None:
    spec = get_check("security.s3_versioning")
    with pytest.raises(ValueError, match="must take the params"):
        check("security.s3_versioning", "security", params=_Limits, languages=("toy",))(
            lambda ctx, params: iter(())
        )
    assert get_check("security.s3_versioning") is spec


def test_the_rule_on_known_ids() -> None:
    assert _module_for("security.s3_versioning") == "harness.checks.security.s3"
    assert _module_for("security.iam_least_privilege") == "harness.checks.security.iam"
    assert _module_for("complete.required_resources") == "harness.checks.complete.required"
    assert _module_for("complete.no_truncation") == "harness.checks.complete.checks"
    assert _module_for("reliability.version_pins") == "harness.checks.reliability.version"
    assert (
        _module_for("security.s3_encryption", ("cloudformation",))
        == "harness.checks.security.cloudformation"
    )


def test_every_check_has_its_prefix_category() -> None:
    for check_id, spec in load_checks().items():
        stated = importlib.import_module(f"harness.checks.{check_id.split('.')[0]}").CATEGORY
        assert spec.category == stated, check_id


def test_check_modules_are_only_in_prefix_subpackages() -> None:
    import harness.checks as package

    top_level = {m.name for m in pkgutil.iter_modules(package.__path__) if not m.ispkg}
    assert top_level <= {"__init__", "registry", "types"}, top_level
    assert all(name.count(".") == 3 for name in check_modules())
    assert not any(".common." in name for name in check_modules())


def _imported_modules(tree: ast.Module, package: str) -> Iterator[str]:
    """Every module an import statement in ``tree`` names (relative imports resolved
    against ``package``)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from (alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                module = f"{base}.{node.module}" if node.module else base
            else:
                module = node.module or ""
            yield module
            yield from (f"{module}.{alias.name}" for alias in node.names)


def test_no_check_subpackage_imports_another() -> None:
    """Helpers shared between check subpackages live in ``checks/common/``: a module of
    ``harness.checks.X`` never imports ``harness.checks.Y`` for another check prefix."""
    import harness.checks as package

    prefixes = {
        m.name for m in pkgutil.iter_modules(package.__path__) if m.ispkg and m.name != "common"
    }
    crossings: list[str] = []
    for prefix in sorted(prefixes):
        folder = Path(package.__path__[0]) / prefix
        for path in sorted(folder.rglob("*.py")):
            tree = ast.parse(path.read_text(encoding="utf-8"))
            for module in _imported_modules(tree, f"harness.checks.{prefix}"):
                parts = module.split(".")
                if parts[:2] == ["harness", "checks"] and len(parts) > 2:
                    other = parts[2]
                    if other in prefixes and other != prefix:
                        crossings.append(f"{path.relative_to(folder.parent)} imports {module}")
    assert not crossings, crossings


def test_the_import_walk_sees_cross_imports() -> None:
    tree = ast.parse("from harness.checks.complete.checks import code_files\nimport os\n")
    assert "harness.checks.complete.checks" in set(_imported_modules(tree, "harness.checks.tone"))


def test_unknown_id_is_an_error() -> None:
    with pytest.raises(UnknownCheckError, match=r"unknown check id 'no\.such'"):
        get_check("no.such")


def test_ids_have_their_category_prefix() -> None:
    for check_id, spec in load_checks().items():
        assert check_id.split(".")[0] in (spec.category, "complete"), check_id


class _Limits(Params):
    limit: int = Field(3, description="a number")


def test_params_reject_unknown_keys_and_wrong_types() -> None:
    spec = get_check("complete.required_resources")
    with pytest.raises(ValidationError):
        spec.parse_params({"nope": 1})
    with pytest.raises(ValidationError):
        spec.parse_params({"resources": {"aws_vpc": "many"}})
    assert spec.parse_params({"resources": {"aws_vpc": "2"}}).resources == {"aws_vpc": 2}  # type: ignore[attr-defined]


def test_a_raising_check_becomes_one_error_finding() -> None:
    @check("test.raises", "testing", params=_Limits)
    def _raises(ctx: CheckContext, params: _Limits) -> Iterator[Finding]:
        """Raises.

        What it checks:
            Nothing.
        Why it matters:
            Tests.
        Example:
            None.
        """
        yield Finding(Status.PASS, "first")
        raise RuntimeError("boom")

    from harness.checks import registry

    try:
        spec = registry._REGISTRY["test.raises"]
        ctx = context_for(FIXTURES / "complete.syntax_valid" / "pass_valid.tf")
        (finding,) = run_check(spec, ctx, _Limits())
        assert finding.status is Status.ERROR
        assert "RuntimeError: boom" in finding.message
        assert "test_registry.py" in finding.message
    finally:
        registry._REGISTRY.pop("test.raises", None)


def test_registering_an_id_twice_is_refused() -> None:
    spec = get_check("complete.syntax_valid")
    with pytest.raises(ValueError, match="registered twice"):
        check("complete.syntax_valid", "completeness")(lambda ctx, params: iter(()))
    assert get_check("complete.syntax_valid") is spec


#: What a check reads to see the reference: the context's reference or comparison, or the
#: reference checks' helpers over them.
_READS_REFERENCE = ("ctx.reference", "ctx.comparison", "comparison_for(", "comparison_of(")


def test_a_check_that_reads_the_reference_says_so() -> None:
    """The ideal graded as a response takes the reference's own result for every check
    registered without ``reads_reference`` (engine.evaluate's ``known``): a check that read
    the reference unregistered would give the ideal a result made without it. Read by module
    (a helper of the module counts), and no shared helper of checks/common may read it."""
    load_checks()
    unflagged = []
    for spec in all_implementations():
        module = importlib.import_module(spec.func.__module__)
        source = Path(module.__file__ or "").read_text(encoding="utf-8")
        if any(token in source for token in _READS_REFERENCE) and not spec.reads_reference:
            unflagged.append(f"{spec.id} ({spec.func.__module__})")
    assert not unflagged, unflagged
    common = Path(importlib.import_module("harness.checks.common").__file__ or "").parent
    for path in sorted(common.glob("*.py")):
        text = path.read_text(encoding="utf-8")
        assert not [t for t in _READS_REFERENCE if t in text], path.name
    assert {s.id for s in all_implementations() if s.reads_reference} >= {
        "reference.resource_coverage",
        "reference.attribute_agreement",
    }
