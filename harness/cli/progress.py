"""The batch progress bar: rate, ETA and errors so far, on stderr (the library draws nothing)."""

from __future__ import annotations

from rich.console import Console
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from harness.results import ResponseResult


class BarProgress:
    """A ``harness.run.batch.Progress`` drawn with rich; vanishes when the batch ends."""

    def __init__(self) -> None:
        self._bar = Progress(
            TextColumn("scoring"),
            BarColumn(),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]}"),
            TimeElapsedColumn(),
            TextColumn("eta"),
            TimeRemainingColumn(),
            TextColumn("{task.fields[errors]}"),
            console=Console(stderr=True),
            transient=True,
        )
        self._task: TaskID | None = None
        self._errors = 0

    def start(self, total: int) -> None:
        self._bar.start()
        self._task = self._bar.add_task("", total=total, rate="", errors="")

    def advance(self, result: ResponseResult) -> None:
        if self._task is None:
            return
        self._errors += result.error is not None
        speed = self._bar.tasks[0].speed
        self._bar.update(
            self._task,
            advance=1,
            rate=f"{speed:.1f}/s" if speed else "",
            errors=f"[red]{self._errors} not scored[/red]" if self._errors else "",
        )

    def stop(self) -> None:
        self._bar.stop()
