"""`iac-harness score`: grade responses into a run folder, print a summary, build reports.

The summary table and its notes are ``harness.cli.summary``."""

from __future__ import annotations

import os
import shlex
import shutil
import time
from collections.abc import Sequence
from datetime import datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer
from rich.markup import escape

if TYPE_CHECKING:
    from harness.results import RunData
    from harness.run.batch import BatchOptions

from harness import shipped
from harness.cli.agree import LabelsOption, labels_or_fail, summary_line
from harness.cli.common import console, err_console, fail, output_folder
from harness.cli.report import FullOption, ReportsOption, chosen_formats
from harness.cli.summary import MAX_TABLE_ROWS, summary_notes, summary_table
from harness.store import (
    RESPONSES_JSONL,
    RESULTS_JSONL,
    RUN_JSON,
    RUN_LOCK,
    SCORES_CSV,
    run_folder_busy,
)
from harness.trust.agree import agree
from harness.trust.labels import RUN_LABELS, LabelSet, write_run_labels

DEFAULT_RUBRIC = "terraform-aws-production"

EPILOG = "\n\n".join(
    [
        "[bold]Examples[/bold]",
        "  iac-harness score                    [dim]# the bundled samples (Terraform and "
        "CloudFormation), into reports/[/dim]",
        "  iac-harness score ../shared/corpus/terraform --jobs 2 --no-reports -o runs/c1",
        "  iac-harness score ../shared/corpus/terraform -o runs/c1 --resume   "
        "[dim]# after an interrupt[/dim]",
        "  iac-harness score big/ --executor dask --scheduler tcp://10.0.0.5:8786 -o runs/big",
        "  iac-harness score cfn-tasks/ -r cloudformation-aws-production   "
        "[dim]# CloudFormation answers[/dim]",
        "  iac-harness score task/MODEL_RESPONSE2.md --rubric my-rubric.yaml --out runs/r2",
        "  iac-harness score task-dir --reference path/to/ideal-terraform/",
        "[bold]Output[/bold] (in --out, default reports/run-YYYYmmdd-HHMMSS): results.jsonl "
        "(one row per response x criterion, with evidence), scores.csv (one row per response), "
        "run.json (rubric id and hash, version, inputs, timings), responses.jsonl (everything, "
        "for reports and rescoring), and the HTML/XLSX/SARIF reports unless --no-reports.",
        "[bold]Exit status[/bold]: 0 when the run completed (low scores are results, not "
        "errors); 2 for unusable input (a missing path, a broken rubric), with a one-line "
        "message.",
        "[bold]Batches[/bold]: results are appended as each response is scored; --resume "
        "continues an interrupted run exactly where it stopped. Extractions, models and results "
        "are cached by content (see `iac-harness cache info`), so scoring the same responses "
        "again, or with a changed rubric (`iac-harness rescore`), skips the work already done. "
        "A response over --time-limit or --memory-limit becomes an error result and the "
        "batch goes on.",
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


def _run_entries() -> frozenset[str]:
    """What a run folder holds when only iac-harness wrote it: the run's files, its lock and
    labels, every report format's outputs (as registered) and ``export``'s default folder."""
    from harness.curate.export import DEFAULT_FOLDER
    from harness.report.formats import load_formats

    outputs = {path.split("/")[0] for f in load_formats().values() for path in f.outputs}
    return frozenset({*RUN_FILES, RUN_LOCK, RUN_LABELS, DEFAULT_FOLDER, *outputs})


def _set_aside(out: Path, force: bool) -> Path | None:
    """Refuse to write into a folder that already holds something; with ``force``, move an
    earlier run out of the way (returned) so it can be restored if the inputs are unusable."""
    if not out.is_dir() or not any(out.iterdir()):
        return None
    if not force:
        fail(
            f"{out}: already holds a run; use --force to replace it, or --resume to continue "
            "an interrupted run"
        )
    if not any((out / name).exists() for name in RUN_FILES):
        fail(f"{out}: not empty and not a run folder (no {RUN_JSON}); --force only replaces runs")
    foreign = sorted(entry.name for entry in out.iterdir() if entry.name not in _run_entries())
    if foreign:
        fail(
            f"{out}: holds {foreign[0]}, which no iac-harness command writes into a run "
            "folder; --force only replaces a run (move it out first)"
        )
    if run_folder_busy(out):
        fail(
            f"{out}: another iac-harness process is writing this run; wait for it to finish "
            "(or stop it) before replacing it"
        )
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


def _build_reports(
    out: Path, *formats: str, full: bool | None = None, run: RunData | None = None
) -> list[Path]:
    """The named reports of the run folder (all for none); the paths written, in order.
    ``run``: the folder's run when the batch kept every result in memory (not read again)."""
    from harness.report import build_reports

    whole = run is not None and len(run.responses) == run.info.counts.get("responses")
    return build_reports(out, formats or None, full=full, run=run if whole else None).written()


JobsOption = Annotated[
    int | None,
    typer.Option(
        "--jobs",
        "-j",
        min=1,
        metavar="N",
        help="Worker processes (local) or Dask workers for a LocalCluster. Default: one per "
        "CPU core this process may use, at most one per 16 responses to grade (a small run "
        "stays in one worker) and as many as --memory-limit fits in the machine's memory.",
        show_default=False,
    ),
]
ExecutorOption = Annotated[
    str,
    typer.Option(
        "--executor",
        help="local: a process pool on this machine (kills and replaces a worker that passes "
        "a limit); dask: a Dask cluster (pip install 'iac-harness\\[dask]').",
        metavar="local|dask",
    ),
]
SchedulerOption = Annotated[
    str | None,
    typer.Option(
        "--scheduler",
        metavar="ADDRESS",
        help="Address of a running Dask scheduler (tcp://host:8786); default: a "
        "LocalCluster with --jobs workers.",
        show_default=False,
    ),
]
CacheOption = Annotated[
    Path | None,
    typer.Option(
        "--cache",
        metavar="DIR",
        help="Cache folder shared by runs (extractions, models, results). Default: "
        "$IAC_HARNESS_CACHE_DIR or the user cache dir.",
        show_default=False,
    ),
]
NoCacheOption = Annotated[
    bool, typer.Option("--no-cache", help="Neither read nor write the cache.")
]
TimeLimitOption = Annotated[
    float,
    typer.Option(
        "--time-limit",
        min=0,
        metavar="SECONDS",
        help="Seconds one response may take; over it, an error result (stage timeout). "
        "0: no limit.",
    ),
]
MemoryLimitOption = Annotated[
    int,
    typer.Option(
        "--memory-limit",
        min=0,
        metavar="MB",
        help="MB of memory a worker may hold; over it, an error result (stage memory). "
        "0: no limit.",
    ),
]
NoReportOption = Annotated[
    bool, typer.Option("--no-reports", help="Skip the HTML/XLSX/SARIF reports.")
]
#: ``--no-report``, the singular, works too without a line of its own in --help
NoReportAliasOption = Annotated[bool, typer.Option("--no-report", hidden=True)]
QuietOption = Annotated[
    bool, typer.Option("--quiet", "-q", help="No progress bar and no table (for logs).")
]
VerboseOption = Annotated[
    bool, typer.Option("--verbose", "-v", help="One line per response as it is scored.")
]


def batch_options(
    *,
    jobs: int | None,
    executor: str,
    scheduler: str | None,
    cache: Path | None,
    no_cache: bool,
    time_limit: float,
    memory_limit: int,
    resume: bool = False,
    keep_all: bool = False,
) -> BatchOptions:
    """The batch options of the command line, checked (exit 2 with one line). ``keep_all``:
    the batch keeps every result in memory (reports or label agreement follow, and would
    read them all anyway), else only the summary table's rows."""
    from harness.cache import default_cache_dir
    from harness.run.batch import BatchOptions, Executor

    if executor not in {e.value for e in Executor}:
        fail(f"--executor: {executor!r} is not one of local, dask")
    if scheduler is not None and executor != Executor.DASK:
        fail("--scheduler needs --executor dask")
    if cache is not None and no_cache:
        fail("--cache and --no-cache contradict each other; pass one of them")
    cache_dir = None if no_cache else (cache or default_cache_dir())
    if cache_dir is not None:
        output_folder(cache_dir, what="cache folder")
    return BatchOptions(
        jobs=jobs,
        executor=Executor(executor),
        scheduler=scheduler,
        cache_dir=cache_dir,
        time_limit_s=time_limit or None,
        memory_limit_mb=memory_limit or None,
        resume=resume,
        keep_results=None if keep_all else MAX_TABLE_ROWS,
    )


def score(
    paths: Annotated[
        list[Path] | None,
        typer.Argument(
            help="Response files (.md), task folders or folders of task folders. "
            "Default: the bundled sample tasks (Terraform and CloudFormation).",
            show_default=False,
        ),
    ] = None,
    rubric: Annotated[
        str | None,
        typer.Option(
            "--rubric",
            "-r",
            metavar="RUBRIC",
            help="Rubric file or shipped rubric id. Default: terraform-aws-production "
            "(aws-prod-stack for the bundled sample).",
            show_default=False,
        ),
    ] = None,
    reference: Annotated[
        Path | None,
        typer.Option(
            "--reference",
            metavar="DIR",
            help="A Terraform directory used as the reference for every task, instead of "
            "each task's IDEAL_RESPONSE.md.",
            show_default=False,
        ),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            metavar="DIR",
            help="Run folder to write. Default: reports/run-<timestamp>.",
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier run in the --out folder.")
    ] = False,
    resume: Annotated[
        bool,
        typer.Option(
            "--resume",
            help="Continue an interrupted run in --out: keep what it holds, score only what "
            "is missing (same rubric).",
        ),
    ] = False,
    jobs: JobsOption = None,
    executor: ExecutorOption = "local",
    scheduler: SchedulerOption = None,
    cache: CacheOption = None,
    no_cache: NoCacheOption = False,
    time_limit: TimeLimitOption = 60.0,
    memory_limit: MemoryLimitOption = 2048,
    no_report: NoReportOption = False,
    no_report_alias: NoReportAliasOption = False,
    reports: ReportsOption = None,
    full: FullOption = False,
    labels: LabelsOption = None,
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Grade responses against a rubric and write a run folder (and reports)."""
    if resume and force:
        fail("--resume and --force contradict each other; pass one of them")
    no_report = no_report or no_report_alias
    formats = chosen_formats(reports, no_report=no_report) or ()
    ideal = None
    label_set = labels_or_fail(labels) if labels is not None else None
    if not paths:
        # both bundled samples (the orders-service task in Terraform and in CloudFormation),
        # graded by the sample rubric; the Terraform task's ideal lives in its reference folder
        samples = shipped.sample_tasks()
        if not samples.is_dir():
            fail(f"{samples}: bundled samples not found; pass PATH to score")
        paths = [samples]
        rubric = rubric or str(shipped.sample_rubric())
        bundled_ideal = shipped.sample_reference() / "IDEAL_RESPONSE.md"
        if reference is None and bundled_ideal.is_file():
            ideal = bundled_ideal
    options = batch_options(
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        cache=cache,
        no_cache=no_cache,
        time_limit=time_limit,
        memory_limit=memory_limit,
        resume=resume,
        keep_all=bool(formats and not no_report) or label_set is not None,
    )
    if resume and out is None:
        fail("--resume needs --out: the run folder to continue")
    out = out or _default_out()
    aside = None if resume else _set_aside(out, force)
    run_batch(
        paths,
        rubric or DEFAULT_RUBRIC,
        out,
        reference=reference,
        options=options,
        aside=aside,
        formats=None if no_report else formats,
        quiet=quiet,
        verbose=verbose,
        ideal=ideal,
        labels=label_set,
        full=full or None,
    )


def run_batch(
    paths: Sequence[Path],
    rubric: str,
    out: Path,
    *,
    reference: Path | None,
    options: BatchOptions,
    aside: Path | None,
    formats: tuple[str, ...] | None,
    quiet: bool,
    verbose: bool,
    ideal: Path | None = None,
    labels: LabelSet | None = None,
    full: bool | None = None,
) -> None:
    """Score into ``out`` (``aside``: an earlier run moved away, restored if nothing can be
    scored), print the summary, keep ``labels`` in the run folder with the agreement line,
    build the reports (``formats`` None: none). ``ideal``: the ideal response of the tasks
    that have none of their own (the bundled samples)."""
    from harness.cli.progress import BarProgress, LineProgress
    from harness.rubric import RubricError, load_rubric
    from harness.run import InputError, score_paths

    try:
        loaded = load_rubric(rubric)
    except RubricError as exc:
        _restore(out, aside)
        fail(str(exc))
    try:
        output_folder(out, what="run folder")
    except typer.Exit:
        _restore(out, aside)
        raise
    progress = LineProgress() if verbose else None if quiet else BarProgress()
    try:
        run = score_paths(
            paths,
            loaded,
            out,
            reference_dir=reference,
            progress=progress,
            options=options,
            ideal=ideal,
        )
    except InputError as exc:
        _restore(out, aside)
        if aside is None and out.is_dir() and not any(out.iterdir()):
            out.rmdir()  # made by output_folder above; nothing was scored
        fail(str(exc))
    except KeyboardInterrupt:
        fail(
            f"interrupted; responses scored so far are in {out}; continue with: iac-harness "
            f"score ... --out {shlex.quote(str(out))} --resume",
            code=130,
        )
    except RuntimeError as exc:  # e.g. the dask extra is missing
        fail(str(exc))
    finally:
        if aside is not None and aside.exists():
            shutil.rmtree(aside, ignore_errors=True)
    if not quiet:
        console.print(summary_table(run))
        for line in summary_notes(run):
            console.print(line, highlight=False)
    if labels is not None:
        write_run_labels(out, labels)
        console.print(summary_line(agree(run, labels)), highlight=False, soft_wrap=True)
    report_s = None if formats is None else _reports(out, formats, full=full, run=run)
    counts = run.info.counts
    workers = counts.get("workers", 0)
    by = f" by {workers} workers" if workers > 1 else ""
    timing = f"scored in {run.info.duration_s:.1f}s{by}, " + (
        "reports skipped" if report_s is None else f"reports written in {report_s:.1f}s"
    )
    reused = [
        f"{counts[name]} {label}"
        for name, label in (("resumed", "kept from the interrupted run"), ("cached", "from cache"))
        if counts.get(name)
    ]
    responses, tasks = counts.get("responses", 0), counts.get("tasks", 0)
    console.print(
        f"{responses} response{'s' * (responses != 1)} from {tasks} task{'s' * (tasks != 1)} "
        f"{timing}; "
        + (f"{', '.join(reused)}; " if reused else "")
        + f"{counts.get('errors', 0)} could not be scored, "
        f"{counts.get('criterion_errors', 0)} check errors → {out}",
        markup=False,
        highlight=False,
        soft_wrap=True,
    )


def _reports(
    out: Path,
    formats: tuple[str, ...] = (),
    *,
    full: bool | None = None,
    run: RunData | None = None,
) -> float:
    """Build the reports and print where they are; the seconds it took (for the last line)."""
    started = time.perf_counter()
    try:
        written = _build_reports(out, *formats, full=full, run=run)
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
            f"{escape(str(exc))}; the run is saved in {escape(str(out))}; retry with: "
            "iac-harness report "
            f"{escape(shlex.quote(str(out)))}",
            highlight=False,
            soft_wrap=True,
        )
        raise typer.Exit(1) from None
    if written:
        console.print(f"report: {written[0]}", markup=False, highlight=False, soft_wrap=True)
        if len(written) > 1:
            also = ", ".join(str(p) for p in written[1:])
            console.print(f"also: {also}", markup=False, highlight=False, soft_wrap=True)
    return time.perf_counter() - started


def register(app: typer.Typer) -> None:
    """Add the `score` command to the application."""
    app.command("score", help=HELP, epilog=EPILOG)(score)
