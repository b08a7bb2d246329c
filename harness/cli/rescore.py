"""`iac-harness rescore`: a run's responses graded again with another (or an edited) rubric.

Extractions, models and comparisons come from the cache (rebuilt where an entry is missing),
so only the checks and the scoring run again."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import fail
from harness.cli.report import ReportsOption, chosen_formats
from harness.cli.score import (
    CacheOption,
    ExecutorOption,
    JobsOption,
    MemoryLimitOption,
    NoCacheOption,
    NoReportAliasOption,
    NoReportOption,
    QuietOption,
    SchedulerOption,
    TimeLimitOption,
    VerboseOption,
    _set_aside,
    batch_options,
    run_batch,
)

HELP = (
    "Grade every response of a run again, with a new rubric, into a new run folder.\n\n"
    "Reads the run's inputs, reference and rubric from its run.json; --rubric replaces the "
    "rubric (a file or a shipped id). Nothing is extracted or parsed again when the cache "
    "holds it (the first run filled it), so rescoring costs the checks and the scoring only."
)
EPILOG = "\n\n".join(
    [
        "[bold]Examples[/bold]",
        "  iac-harness rescore runs/c1 --rubric rubrics/stricter.yaml -o runs/c1-stricter",
        "  iac-harness rescore runs/c1 -o runs/c1-again      [dim]# same rubric, re-read[/dim]",
        "[bold]Exit status[/bold]: 0 when the run completed; 2 when RUN is not a run folder, "
        "its inputs are gone, or the rubric has problems.",
    ]
)


def rescore(
    run_dir: Annotated[Path, typer.Argument(help="A run folder written by `iac-harness score`.")],
    out: Annotated[
        Path,
        typer.Option(
            "--out", "-o", metavar="DIR", help="The new run folder (RUN is never changed)."
        ),
    ],
    rubric: Annotated[
        str | None,
        typer.Option(
            "--rubric",
            "-r",
            metavar="RUBRIC",
            help="Rubric file or shipped rubric id. Default: the run's own rubric, read again "
            "from where the run found it.",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Replace an earlier run in the --out folder.")
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
    quiet: QuietOption = False,
    verbose: VerboseOption = False,
) -> None:
    """Grade every response of a run again, with a new rubric, into a new run folder."""
    from harness.store import RunFolderError, read_run_info

    try:
        info = read_run_info(run_dir)
    except RunFolderError as exc:
        fail(str(exc))
    if out.resolve() == run_dir.resolve():
        fail(f"{out}: is the run being rescored; choose another --out")
    inputs = [Path(p) for p in info.inputs]
    missing = [p for p in inputs if not p.exists()]
    if missing:
        fail(f"{missing[0]}: an input of {run_dir} is gone; rescore needs the run's inputs")
    reference = Path(info.reference) if info.reference else None
    ideal = Path(info.ideal) if info.ideal else None
    no_report = no_report or no_report_alias
    formats = chosen_formats(reports, no_report=no_report) or ()
    options = batch_options(
        jobs=jobs,
        executor=executor,
        scheduler=scheduler,
        cache=cache,
        no_cache=no_cache,
        time_limit=time_limit,
        memory_limit=memory_limit,
    )
    aside = _set_aside(out, force)
    run_batch(
        inputs,
        rubric or info.rubric.source,
        out,
        reference=reference,
        options=options,
        aside=aside,
        formats=None if no_report else formats,
        quiet=quiet,
        verbose=verbose,
        ideal=ideal,
    )


def register(app: typer.Typer) -> None:
    """Add the `rescore` command to the application."""
    app.command("rescore", help=HELP, epilog=EPILOG)(rescore)
