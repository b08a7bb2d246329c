"""The collector blocks restore the collector's state and never thaw what another owner
froze (a worker's graded units)."""

from __future__ import annotations

import gc

import pytest

from harness.collector import sparing_what_is_alive


def test_what_is_alive_is_frozen_in_the_block_and_thawed_after() -> None:
    alive = [object() for _ in range(10)]
    assert gc.get_freeze_count() == 0
    with sparing_what_is_alive():
        assert gc.get_freeze_count() >= len(alive)
    assert gc.get_freeze_count() == 0


def test_what_someone_else_froze_stays_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    """With objects already frozen by another owner (a worker's units), the block neither
    freezes more nor thaws theirs. (Calls are counted: the frozen count itself drops whenever
    a frozen object dies, so comparing counts would be flaky.)"""
    calls: list[str] = []
    gc.freeze()
    try:
        monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
        monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
        with sparing_what_is_alive():
            pass
        assert calls == []
    finally:
        monkeypatch.undo()
        gc.unfreeze()
