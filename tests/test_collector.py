"""The collector blocks restore the collector's state and never thaw what another owner
froze (a worker's graded units)."""

from __future__ import annotations

import gc

from harness.collector import sparing_what_is_alive


def test_what_is_alive_is_frozen_in_the_block_and_thawed_after() -> None:
    alive = [object() for _ in range(10)]
    assert gc.get_freeze_count() == 0
    with sparing_what_is_alive():
        assert gc.get_freeze_count() >= len(alive)
    assert gc.get_freeze_count() == 0


def test_what_someone_else_froze_stays_frozen() -> None:
    """With objects already frozen by another owner (a worker's units), the block neither
    freezes more nor thaws theirs."""
    gc.freeze()
    try:
        before = gc.get_freeze_count()
        with sparing_what_is_alive():
            assert gc.get_freeze_count() == before
        assert gc.get_freeze_count() == before
    finally:
        gc.unfreeze()
