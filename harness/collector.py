"""The cyclic garbage collector around allocation-heavy work.

Grading a unit, reading a run folder and building reports each allocate hundreds of
thousands to millions of small objects that are freed by reference counting or live as long
as the run. With the collector running, the passes those allocations set off walk everything
alive in the process again and again (a sixth of a corpus run's scoring, half of reading its
folder back). These blocks pause the collector, or move what is already alive out of its
sight, and always restore its state.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_collector(freeze: bool = False, settle: bool = False) -> Iterator[None]:
    """The cyclic garbage collector off for the block: a unit being graded, a run folder
    being read. A unit allocates a few hundred thousand small, mostly acyclic objects (freed
    by reference counting); with the collector on, the passes its allocations trigger walk
    everything alive in the process (earlier models, cached stages, kept results) again and
    again: about a sixth of a corpus run. The previous state is restored; concurrent blocks
    end with it enabled if it was.

    ``freeze``: before the collector is on again, what is alive goes to the permanent
    generation (``gc.freeze``). Otherwise the pass that re-enabling sets off walks every
    object the unit allocated and kept (cached trees and models, its result), and later
    passes walk them again as they age: about 5 % of a corpus run, to find a few hundred
    objects in cycles in all. A caller that freezes unfreezes (``WorkerState.thaw``).

    ``settle``: what is alive at the end goes straight to the collector's oldest generation
    (``gc.freeze`` then ``gc.unfreeze``, which moves lists, not objects), where it would land
    anyway after two passes that walk all of it: for what lives as long as the run (a run
    folder just read, 0.1 s per pass on the corpus run). Cyclic garbage left in the block
    then waits for a full collection. Skipped when something else froze objects, as
    unfreezing would thaw those too."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            if freeze:
                gc.freeze()
            elif settle and not gc.get_freeze_count():
                gc.freeze()
                gc.unfreeze()
            gc.enable()


@contextmanager
def sparing_what_is_alive() -> Iterator[None]:
    """Within the block, what was alive when it began (a run held in memory: every tree,
    finding and result) sits in the collector's permanent generation (``gc.freeze``).
    Building reports from it allocates millions of short-lived objects; each full collection
    they set off would otherwise walk the whole run again (about a tenth of the XLSX and
    SARIF time on the corpus run). Nothing is kept from collection: it is all unfrozen at the
    end. Skipped when something else in the process froze objects (unfreezing would thaw
    those too) or the collector is off."""
    if gc.get_freeze_count() or not gc.isenabled():
        yield
        return
    gc.freeze()
    try:
        yield
    finally:
        gc.unfreeze()
