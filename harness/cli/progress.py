"""The batch progress bar: rate, ETA and errors so far, on stderr (the library draws nothing)."""

from __future__ import annotations

from rich.console import Console
from rich.markup import escape
from rich.progress import (
    BarColumn,
    MofNCompleteColumn,
    Progress,
    TaskID,
    TextColumn,
    TimeElapsedColumn,
    TimeRemainingColumn,
)

from harness.store import ScoredLines


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

    def advance(self, outcome: ScoredLines) -> None:
        if self._task is None:
            return
        self._errors += outcome.error is not None
        speed = self._bar.tasks[0].speed
        self._bar.update(
            self._task,
            advance=1,
            rate=f"{speed:.1f}/s" if speed else "",
            errors=f"[red]{self._errors} not scored[/red]" if self._errors else "",
        )

    def stop(self) -> None:
        self._bar.stop()


class LineProgress:
    """``--verbose``: one line per response on stderr (score or error), for logs."""

    def __init__(self) -> None:
        self._console = Console(stderr=True, highlight=False, soft_wrap=True)
        self._total = 0
        self._done = 0

    def start(self, total: int) -> None:
        self._total = total

    def advance(self, outcome: ScoredLines) -> None:
        self._done += 1
        if outcome.error is not None:
            what = f"[red]error: {escape(outcome.error)}[/red]"
        else:
            what = "no score" if outcome.overall is None else f"{outcome.overall:.2f}"
        name = escape(f"{outcome.task_id}/{outcome.response_id}")
        self._console.print(f"[{self._done}/{self._total}] {name}: {what}")

    def stop(self) -> None:
        return None
