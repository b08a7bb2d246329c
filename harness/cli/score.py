"""`iac-harness score`: grade responses into a run folder, print a summary, build reports."""

from __future__ import annotations

import io
import os
import shlex
import shutil
import time
from datetime import datetime
from pathlib import Path
from typing import Annotated

import typer
from rich import box
from rich.console import Console
from rich.markup import escape
from rich.measure import Measurement
from rich.table import Table

from harness import shipped
from harness.cli.common import console, err_console, fail, output_folder
from harness.cli.report import ReportsOption, chosen_formats
from harness.results import RunData
from harness.store import RESPONSES_JSONL, RESULTS_JSONL, RUN_JSON, SCORES_CSV

DEFAULT_RUBRIC = "terraform-aws-production"
MAX_TABLE_ROWS = 60
ID_WIDTH = 24  # id columns are cut to this before any category column is dropped
MIN_ID_WIDTH = ID_WIDTH  # response ids (MODEL_RESPONSE2+overlay) stay whole over categories
MIN_TASK_WIDTH = 12
IDEAL = " (ideal)"

EPILOG = "\n\n".join(
    [
        "[bold]Examples[/bold]",
        "  iac-harness score                    [dim]# the bundled sample, into reports/[/dim]",
        "  iac-harness score ../shared/corpus/terraform --jobs 2 --no-report",
        "  iac-harness score task/MODEL_RESPONSE2.md --rubric my-rubric.yaml --out runs/r2",
        "  iac-harness score task-dir --reference path/to/ideal-terraform/",
        "[bold]Output[/bold] (in --out, default reports/run-YYYYmmdd-HHMMSS): results.jsonl "
        "(one row per response x criterion, with evidence), scores.csv (one row per response), "
        "run.json (rubric id and hash, version, inputs, timings), responses.jsonl (everything, "
        "for reports and rescoring), and the HTML/XLSX/SARIF reports unless --no-report.",
        "[bold]Exit status[/bold]: 0 when the run completed (low scores are results, not "
        "errors); 2 for unusable input (a missing path, a broken rubric), with a one-line "
        "message.",
    ]
)
HELP = (
    "Grade responses against a rubric and write a run folder (and reports).\n\n"
    "Extracts each response's files, parses the Terraform, runs the rubric's checks, compares "
    "with the task's reference and aggregates scores (0-100 overall and per category). Each "
    "task's ideal response is scored too; follow-up turns are scored on their own files and "
    "on the overlaid tree (response id suffix +overlay)."
)


def _default_out() -> Path:
    stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
    out = Path("reports") / f"run-{stamp}"
    suffix = 1
    while out.exists():
        suffix += 1
        out = Path("reports") / f"run-{stamp}-{suffix}"
    return out


RUN_FILES = (RUN_JSON, RESULTS_JSONL, SCORES_CSV, RESPONSES_JSONL)


def _set_aside(out: Path, force: bool) -> Path | None:
    """Refuse to write into a folder that already holds something; with ``force``, move an
    earlier run out of the way (returned) so it can be restored if the inputs are unusable."""
    if not out.is_dir() or not any(out.iterdir()):
        return None
    if not force:
        fail(
            f"{out}: already holds a run; use --force to replace it, or --resume to continue "
            "an interrupted run (not supported yet)"
        )
    if not any((out / name).exists() for name in RUN_FILES):
        fail(f"{out}: not empty and not a run folder (no {RUN_JSON}); --force only replaces runs")
    aside = out.with_name(f".{out.name}.replaced-{os.getpid()}")
    try:
        out.rename(aside)
    except OSError as error:
        fail(f"{out}: cannot replace the earlier run ({error.strerror or error})")
    return aside


def _restore(out: Path, aside: Path | None) -> None:
    """Put an earlier run back where it was (the new run never started)."""
    if aside is None:
        return
    shutil.rmtree(out, ignore_errors=True)
    aside.rename(out)


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
    title = f"{run.info.rubric.id} · {len(run.responses)} responses"
    if len(tasks) == 1:
        title += f" · task {tasks[0]}"
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
    if len(run.responses) > max_rows:
        caption += f"\n… {len(run.responses) - max_rows} more rows in scores.csv"
    table.caption = caption
    return table


def summary_notes(run: RunData, max_rows: int = MAX_TABLE_ROWS) -> list[str]:
    """One line per task whose reference has no files (its scores lack a reference), then one
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


def _build_reports(out: Path, *formats: str) -> list[Path]:
    """The named reports of the run folder (all for none); the paths written, in order."""
    from harness.report import build_reports

    return build_reports(out, formats or None).written()


def score(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Response files (.md), task folders or folders of task folders. "
            "Default: the bundled sample task.",
            show_default=False,
        ),
    ] = None,
    rubric: Annotated[
        str | None,
        typer.Option(
            "--rubric",
            "-r",
            help="Rubric file or shipped rubric id. Default: terraform-aws-production "
            "(aws-prod-stack for the bundled sample).",
            show_default=False,
        ),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            help="A Terraform directory used as the reference for every task, instead of "
            "each task's IDEAL_RESPONSE.md.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Run folder to write. Default: reports/run-<timestamp>."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier run in the --out folder.")
    ] = False,
    resume: Annotated[
        bool,
        typer.Option("--resume", help="Continue an interrupted run in --out (not supported yet)."),
    ] = False,
    jobs: Annotated[
        int, typer.Option("--jobs", "-j", min=1, help="Score tasks in N processes.")
    ] = 1,
    no_report: Annotated[
        bool, typer.Option("--no-report", help="Skip the HTML/XLSX/SARIF reports.")
    ] = False,
    reports: ReportsOption = None,
    quiet: Annotated[
        bool, typer.Option("--quiet", "-q", help="No progress bar and no table.")
    ] = False,
) -> None:
    """Grade responses against a rubric and write a run folder (and reports).

    Extracts each response's files, parses the Terraform, runs the rubric's checks, compares
    with the task's reference and aggregates scores (0-100 overall, per category). Each task's
    ideal response is scored too; follow-up turns are scored on their own files and on the
    overlaid tree (response id suffix +overlay).
    """
    from harness.cli.progress import BarProgress
    from harness.rubric import RubricError, load_rubric
    from harness.run import InputError, score_paths

    if resume:
        fail("--resume is not supported yet; use --force to score the run again from the start")
    formats = chosen_formats(reports, no_report=no_report) or ()
    if not paths:
        sample = shipped.sample_responses()
        if not sample.is_dir():
            fail(f"{sample}: bundled sample not found; pass PATH to score")
        paths = [sample]
        rubric = rubric or str(shipped.sample_rubric())
        if reference is None and shipped.sample_reference().is_dir():
            reference = shipped.sample_reference()
    try:
        loaded = load_rubric(rubric or DEFAULT_RUBRIC)
    except RubricError as exc:
        fail(str(exc))
    out = out or _default_out()
    aside = _set_aside(out, force)
    try:
        output_folder(out, what="run folder")
    except typer.Exit:
        _restore(out, aside)
        raise
    try:
        run = score_paths(
            paths,
            loaded,
            out,
            reference_dir=reference,
            progress=None if quiet else BarProgress(),
            jobs=jobs,
        )
    except InputError as exc:
        _restore(out, aside)
        if aside is None and out.is_dir() and not any(out.iterdir()):
            out.rmdir()  # made by output_folder above; nothing was scored
        fail(str(exc))
    except KeyboardInterrupt:
        fail(f"interrupted; responses scored so far are in {out}", code=130)
    finally:
        if aside is not None and aside.exists():
            shutil.rmtree(aside, ignore_errors=True)
    if not quiet:
        console.print(summary_table(run))
        for line in summary_notes(run):
            console.print(line, highlight=False)
    report_s = None if no_report else _reports(out, formats)
    counts = run.info.counts
    timing = f"scored in {run.info.duration_s:.1f}s, " + (
        "reports skipped" if report_s is None else f"reports written in {report_s:.1f}s"
    )
    console.print(
        f"{counts.get('responses', 0)} responses from {counts.get('tasks', 0)} tasks {timing}; "
        f"{counts.get('errors', 0)} could not be scored, "
        f"{counts.get('criterion_errors', 0)} check errors → {out}",
        highlight=False,
        soft_wrap=True,
    )


def _reports(out: Path, formats: tuple[str, ...] = ()) -> float:
    """Build the reports and print where they are; the seconds it took (for the last line)."""
    started = time.perf_counter()
    try:
        written = _build_reports(out, *formats)
    except KeyboardInterrupt:
        kept = ", ".join(RUN_FILES)
        fail(
            f"interrupted while writing reports; the run is kept in {out} ({kept}); rebuild "
            f"the reports with: iac-harness report {shlex.quote(str(out))}",
            code=130,
        )
    except Exception as exc:  # the run is saved; say so and fail loudly
        err_console.print(
            f"[bold red]iac-harness: error:[/bold red] report failed: {type(exc).__name__}: "
            f"{escape(str(exc))}; the run is saved in {out}; retry with: iac-harness report "
            f"{escape(shlex.quote(str(out)))}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    if written:
        console.print(f"report: {written[0]}", highlight=False, soft_wrap=True)
        if len(written) > 1:
            also = ", ".join(str(p) for p in written[1:])
            console.print(f"also: {also}", highlight=False, soft_wrap=True)
    return time.perf_counter() - started


def register(app: typer.Typer) -> None:
    """Add the `score` command to the application."""
    app.command("score", help=HELP, epilog=EPILOG)(score)
