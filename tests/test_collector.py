"""The collector blocks restore the collector's state and never thaw what another owner
froze (a worker's graded units)."""

from __future__ import annotations

import gc

import pytest

from harness.collector import paused_collector, sparing_what_is_alive


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


def _in_generation(generation: int, kept: object) -> bool:
    return any(found is kept for found in gc.get_objects(generation=generation))


def test_settle_moves_what_is_alive_to_the_oldest_generation_without_a_pass() -> None:
    """A run folder just read goes where two passes over it would have taken it, without
    them: its objects are in the oldest generation and nothing is left frozen."""
    assert gc.isenabled() and gc.get_freeze_count() == 0
    passes: list[int] = []

    def heard(phase: str, info: dict[str, int]) -> None:
        if phase == "start":
            passes.append(info["generation"])

    gc.callbacks.append(heard)
    try:
        with paused_collector(settle=True):
            kept = [[index] for index in range(1_000)]
    finally:
        gc.callbacks.remove(heard)
    assert passes == []
    assert _in_generation(2, kept) and _in_generation(2, kept[-1])
    assert gc.isenabled() and gc.get_freeze_count() == 0


def test_settle_leaves_what_someone_else_froze_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    calls: list[str] = []
    gc.freeze()
    try:
        monkeypatch.setattr(gc, "freeze", lambda: calls.append("freeze"))
        monkeypatch.setattr(gc, "unfreeze", lambda: calls.append("unfreeze"))
        with paused_collector(settle=True):
            kept = [[index] for index in range(10)]
        assert calls == [] and kept
        assert gc.isenabled()
    finally:
        monkeypatch.undo()
        gc.unfreeze()
