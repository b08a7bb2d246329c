"""The reference side of comparisons, prepared once per reference configuration.

Every response of a task is compared with the same reference, and what the reference side
computes does not depend on the response: its module paths map to themselves, a resource
reference becomes its own address (or, while matching, its type), and the canonical values and
leaf indexes of its blocks follow. ``reference_side(config)`` keeps the resolvers that hold
them for the last few reference configurations, so the second and later responses of a task
reuse the reference's canonical values instead of recomputing them.

Sharing is exact only where a resolver's values do not depend on the order of its calls
(``Resolver.never_truncates``); a reference where references are followed down to the depth
limit, or round a cycle, gets new resolvers for every comparison, as before.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from dataclasses import dataclass

from harness.compare.match import Side, loose_resolver
from harness.compare.values import Canon, Resolver
from harness.terraform.model import Configuration

#: Reference configurations whose sides are kept (a batch scores one task after another; a
#: worker keeps a few tasks' references alive, see ``harness.run.units.WorkerState``).
KEPT_REFERENCES = 8


@dataclass(frozen=True)
class ReferenceSide:
    """One reference configuration, ready to be compared with: its side (module paths to
    themselves), the loose resolver that ranks candidate pairs and the exact one that
    compares attributes."""

    side: Side
    loose: Resolver
    exact: Resolver


def reference_key(module: str, address: str, path: tuple[str, ...]) -> Canon:
    """On the reference side a resource reference is its own address."""
    return ("res", module, address, path)


def new_reference_side(config: Configuration) -> ReferenceSide:
    side = Side(config, {p: p for p in (*config.modules, config.root)})
    return ReferenceSide(side, loose_resolver(side), Resolver(config, reference_key))


_kept: OrderedDict[int, tuple[Configuration, ReferenceSide | None]] = OrderedDict()
_lock = threading.Lock()


def reference_side(config: Configuration) -> ReferenceSide:
    """The reference side of ``config``: the kept one when its values can be shared
    (``Resolver.never_truncates``), else a new one."""
    key = id(config)
    with _lock:
        found = _kept.get(key)
        if found is not None and found[0] is config:
            _kept.move_to_end(key)
            shared = found[1]
            return shared if shared is not None else new_reference_side(config)
    prepared = new_reference_side(config)
    shareable = prepared.exact.never_truncates()
    with _lock:
        _kept[key] = (config, prepared if shareable else None)
        _kept.move_to_end(key)
        while len(_kept) > KEPT_REFERENCES:
            _kept.popitem(last=False)
    return prepared
