"""``per_context``: a lookup several checks share runs once per check context, never across
contexts, and is dropped with its context."""

from __future__ import annotations

import gc

import pytest

from harness.checks.common.memo import per_context
from harness.checks.types import CheckContext
from harness.extract.types import FileTree
from harness.terraform import build


def _context(task: str = "t") -> CheckContext:
    tree = FileTree(())
    return CheckContext(task, "r", tree, build(tree))


def test_computed_once_per_context_and_again_for_another() -> None:
    calls: list[str] = []

    @per_context
    def lookup(ctx: CheckContext) -> tuple[str, ...]:
        calls.append(ctx.task_id)
        return (ctx.task_id,)

    first, second = _context("a"), _context("b")
    assert lookup(first) is lookup(first) == ("a",)
    assert lookup(second) == ("b",)
    assert calls == ["a", "b"]


def test_the_result_is_dropped_with_its_context() -> None:
    @per_context
    def lookup(ctx: CheckContext) -> list[int]:
        return [1]

    ctx = _context()
    lookup(ctx)
    results = lookup.__closure__  # the memo lives in the wrapper's closure
    assert results is not None
    table = next(c.cell_contents for c in results if isinstance(c.cell_contents, dict))
    assert len(table) == 1
    del ctx
    gc.collect()
    assert table == {}


def test_an_exception_is_not_remembered() -> None:
    attempts: list[int] = []

    @per_context
    def flaky(ctx: CheckContext) -> int:
        attempts.append(1)
        if len(attempts) == 1:
            raise ValueError("first time")
        return len(attempts)

    ctx = _context()
    with pytest.raises(ValueError, match="first time"):
        flaky(ctx)
    assert flaky(ctx) == 2 and flaky(ctx) == 2
