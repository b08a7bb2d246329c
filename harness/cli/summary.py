"""The console summary of a run (``iac-harness score``): a table of scores fitted to the
terminal width, and one note per task without a reference or response with trouble."""

from __future__ import annotations

import io

from rich import box
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from harness.cli.common import console
from harness.grading.audit import audit_line, ideal_shortfalls
from harness.languages import NOT_GRADED, languages
from harness.results import RunData

MAX_TABLE_ROWS = 60
ID_WIDTH = 24  # id columns are cut to this before any category column is dropped
MIN_ID_WIDTH = ID_WIDTH  # response ids (MODEL_RESPONSE2+overlay) stay whole over categories
MIN_TASK_WIDTH = 12
IDEAL = " (ideal)"


def _fmt(value: float | None, digits: int = 0) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _coloured(value: float | None, digits: int = 0) -> str:
    """A 0-100 score coloured like a traffic light (the number itself carries the meaning)."""
    if value is None:
        return "[dim]–[/dim]"
    colour = "green" if value >= 80 else "yellow" if value >= 50 else "red"
    return f"[{colour}]{_fmt(value, digits)}[/{colour}]"


def _short(criterion_ids: tuple[str, ...] | list[str]) -> str:
    return ", ".join(c.split(".", 1)[-1] for c in criterion_ids)


def _middle(text: str, width: int) -> str:
    """``text`` shortened in the middle (``tf-34…798``): ids differ at both ends, so never
    cut the end off."""
    if len(text) <= width:
        return text
    if width <= 1:
        return "…"[:width]
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + text[len(text) - tail :]


def _measure(table: Table) -> int:
    """The width ``table`` takes when nothing is shrunk."""
    wide = Console(width=100_000, file=io.StringIO())
    return Measurement.get(wide, wide.options, table).maximum


def _total(run: RunData) -> int:
    """Responses in the run: a large batch returns only its first results (the rest are in
    the run folder), so the count comes from run.json's counts when it is there."""
    return max(run.info.counts.get("responses", 0), len(run.responses))


def summary_table(run: RunData, width: int | None = None, max_rows: int = MAX_TABLE_ROWS) -> Table:
    """The console summary: one row per response, overall and per category (0-100), fitted
    to ``width`` (default: the console's) so that no number is ever cut: ids are shortened
    in the middle, then category columns that do not fit are dropped with a caption note."""
    width = console.width if width is None else width
    categories = [c.id for c in run.info.rubric.categories]
    tasks = sorted({r.task_id for r in run.responses})
    rows = run.responses[:max_rows]
    id_full = max((len(r.response_id) + len(IDEAL) * r.is_ideal for r in rows), default=8)
    task_full = max(len(t) for t in tasks) if len(tasks) > 1 else 0
    table = _summary_table(run, tasks, categories, max_rows, (id_full, task_full), 0)
    needed = _measure(table)
    if needed <= width:
        return table
    capped = (min(id_full, ID_WIDTH), min(task_full, ID_WIDTH))
    table = _summary_table(run, tasks, categories, max_rows, capped, 0)
    if _measure(table) <= width:
        return table
    widths = (min(id_full, MIN_ID_WIDTH), min(task_full, MIN_TASK_WIDTH))
    shown = list(categories)
    while True:
        table = _summary_table(run, tasks, shown, max_rows, widths, needed)
        over = _measure(table) - width
        if over <= 0:
            return table
        if not shown:  # not even the overall score fits beside the ids: shorten them more
            widths = (max(4, widths[0] - over), max(4, widths[1] - over) if widths[1] else 0)
            return _summary_table(run, tasks, shown, max_rows, widths, needed)
        shown.pop()


def _summary_table(
    run: RunData,
    tasks: list[str],
    shown: list[str],
    max_rows: int,
    widths: tuple[int, int],
    needed: int,
) -> Table:
    """The table with these category columns and (response, task) id widths; ``needed`` is
    the width all columns need, for the note on dropped ones."""
    categories = [c.id for c in run.info.rubric.categories]
    total = _total(run)
    title = f"{escape(run.info.rubric.id)} · {total} responses"
    if len(tasks) == 1:
        title += f" · task {escape(tasks[0])}"
    table = Table(
        title=title,
        title_justify="left",
        caption_justify="left",
        box=box.SIMPLE_HEAD,
        padding=(0, 1),
        pad_edge=False,
        collapse_padding=True,
    )
    id_width, task_width = widths
    if task_width:
        table.add_column("task", no_wrap=True, width=task_width)
    table.add_column("response", no_wrap=True, width=id_width)
    # numbers are as wide as their widest value: a column never has to cut one
    table.add_column("score", justify="right", style="bold", no_wrap=True, width=5)
    for category in shown:
        table.add_column(category[:3], justify="right", no_wrap=True, width=3)
    for result in run.responses[:max_rows]:
        scores = {c.id: c.score for c in result.categories}
        room = id_width - len(IDEAL) if result.is_ideal and id_width > 2 * len(IDEAL) else id_width
        name = escape(_middle(result.response_id, room))
        if room < id_width:
            name += f" [dim]{IDEAL.strip()}[/dim]"
        row = [escape(_middle(result.task_id, task_width))] if task_width else []
        row += [name, _coloured(result.overall, 1)]
        for category in shown:
            value = scores.get(category)
            row.append(_coloured(None if value is None else 100 * value))
        table.add_row(*row)
    caption = "categories: " + ", ".join(f"{c[:3]} = {c}" for c in shown)
    dropped = categories[len(shown) :]
    if dropped:
        caption += (
            f"\nnot shown at this width: {', '.join(dropped)}; widen the terminal to "
            f"{needed} columns (or set COLUMNS={needed}), or see scores.csv and the report"
        )
    if total > min(max_rows, len(run.responses)):
        caption += f"\n… {total - min(max_rows, len(run.responses))} more rows in scores.csv"
    table.caption = caption
    return table


def summary_notes(run: RunData, max_rows: int = MAX_TABLE_ROWS) -> list[str]:
    """One line per task whose reference has no files (its scores lack a reference), one for
    the ideal audit (tasks whose ideal scores below a response on some criterion), then one
    per response that could not be scored, tripped a gate or had check errors."""
    lines = []
    no_reference = run.info.tasks_without_reference
    if no_reference:
        shown = ", ".join(escape(t) for t in no_reference[:10])
        more = f" (+{len(no_reference) - 10} more)" if len(no_reference) > 10 else ""
        lines.append(
            f"[yellow]{len(no_reference)} task(s) whose reference yields no files "
            f"(compared with nothing, see run.json): {shown}{more}[/yellow]"
        )
    ungraded = sorted(
        {
            r.task_id
            for r in run.responses
            if r.overall is None and r.criteria and all(NOT_GRADED in c.message for c in r.criteria)
        }
    )
    if ungraded:
        shown = ", ".join(escape(t) for t in ungraded[:10])
        more = f" (+{len(ungraded) - 10} more)" if len(ungraded) > 10 else ""
        kinds = " or ".join(lang.title for lang in languages() if not lang.graded)
        lines.append(
            f"{len(ungraded)} task(s) in {kinds}: {NOT_GRADED} "
            f"(no score; see the not_graded diagnostic): {shown}{more}"
        )
    audit = audit_line(ideal_shortfalls(run.responses))
    if audit:
        lines.append(f"[yellow]{escape(audit)}[/yellow]")
    for result in run.responses[:max_rows]:
        notes = []
        if result.error:
            notes.append(f"[red]not scored: {escape(result.error)}[/red]")
        if result.gates_failed:
            notes.append("capped by gate " + _short(result.gates_failed))
        errors = [c.criterion_id for c in result.criteria if c.status.value == "error"]
        if errors:
            notes.append("[yellow]check errors: " + _short(errors) + "[/yellow]")
        if notes:
            lines.append(f"{escape(result.key)}: " + "; ".join(notes))
    return lines
