"""The check registry: discovery, lookup errors, params validation, error isolation."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from pydantic import Field, ValidationError

from harness.checks.registry import (
    Params,
    UnknownCheckError,
    check,
    check_modules,
    get_check,
    load_checks,
    run_check,
)
from harness.checks.types import CheckContext, Finding, Status
from tests.checks.fixtures import FIXTURES, context_for


def test_every_check_module_registers_something() -> None:
    registry = load_checks()
    modules = {spec.func.__module__ for spec in registry.values()}
    assert set(check_modules()) <= modules, set(check_modules()) - modules


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
