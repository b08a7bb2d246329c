"""Time scoring in the environment the command line's workers start with.

The command line grades in worker processes (``harness.run.executors``), which start with
``GOGC=400`` unless the user set ``GOGC``: pygohcl's Go runtime reads it only when a process
starts, so setting it from a running benchmark would change nothing. A benchmark that scores
in its own process calls ``restart_as_workers_start`` first: it starts itself again with that
environment (once: after the restart ``GOGC`` is set), unless ``caller_env`` asks to keep the
environment it was started with."""

from __future__ import annotations

import os
import sys

from harness.run.executors import WORKER_GOGC


def restart_as_workers_start(caller_env: bool) -> None:
    """Replace this process by itself with the workers' environment, when it differs."""
    if caller_env or "GOGC" in os.environ:
        return
    os.execve(sys.executable, [sys.executable, *sys.argv], {**os.environ, "GOGC": WORKER_GOGC})


def described() -> str:
    """The Go collector setting this process runs with, for a benchmark's summary."""
    return os.environ.get("GOGC", "unset (Go's default, 100)")
