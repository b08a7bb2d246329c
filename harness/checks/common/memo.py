"""Lookups several checks make on one response, computed once per ``CheckContext``.

A check stays a pure function of its context; a helper decorated with ``per_context``
(``_tagged(ctx)``: every taggable resource with its resolved tag keys) runs once per context
however many checks or criteria ask, and its result is dropped with the context. Results
are shared between callers: they must be immutable or never changed by a caller.
"""

from __future__ import annotations

import threading
import weakref
from collections.abc import Callable
from functools import wraps
from typing import TypeVar

from harness.checks.types import CheckContext

T = TypeVar("T")


def per_context(function: Callable[[CheckContext], T]) -> Callable[[CheckContext], T]:
    """``function(ctx)`` computed once per context (kept while the context lives)."""
    results: dict[int, tuple[weakref.ref[CheckContext], T]] = {}
    lock = threading.Lock()

    def forget(key: int) -> Callable[[weakref.ref[CheckContext]], None]:
        def drop(_: weakref.ref[CheckContext]) -> None:
            with lock:
                results.pop(key, None)

        return drop

    @wraps(function)
    def memoised(ctx: CheckContext) -> T:
        key = id(ctx)
        with lock:
            found = results.get(key)
        if found is not None and found[0]() is ctx:
            return found[1]
        value = function(ctx)
        with lock:
            results[key] = (weakref.ref(ctx, forget(key)), value)
        return value

    return memoised
