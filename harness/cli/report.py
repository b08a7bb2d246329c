"""`iac-harness report`: rebuild the HTML, XLSX and SARIF reports of a run folder without
re-scoring (the run folder is what `iac-harness score` wrote)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import console, err_console, fail
from harness.report import ReportPaths, build_reports
from harness.store import RunFolderError

HELP = (
    "Rebuild the reports of a scoring run from its run folder, without re-scoring.\n\n"
    "RUN_DIR is a folder written by [bold]iac-harness score[/bold] (run.json, "
    "responses.jsonl, ...). Writes, inside it: [bold]report/index.html[/bold] (the reviewer's "
    "site; opens offline), [bold]report.xlsx[/bold] (the curator's workbook) and "
    "[bold]findings.sarif[/bold] (SARIF 2.1.0 for CI, locations in [bold]extracted/[/bold]). "
    "With none of --html/--xlsx/--sarif, all three are built.\n\n"
    "[bold]Example[/bold]\n\n"
    "  iac-harness report reports/aws-prod-stack --html\n\n"
    "Exit status: 0 on success, 2 when RUN_DIR is not a run folder."
)


def print_paths(paths: ReportPaths) -> None:
    """One line per report written, the HTML index first (what a reviewer opens)."""
    for label, path in (("html", paths.html), ("xlsx", paths.xlsx), ("sarif", paths.sarif)):
        if path is not None:
            console.print(f"{label:5} {path}", highlight=False, soft_wrap=True)


def report(
    ctx: typer.Context,
    run_dir: Annotated[
        Path | None,
        typer.Argument(
            help="Run folder written by `iac-harness score`.",
            show_default=False,
            metavar="RUN_DIR",
        ),
    ] = None,
    html: Annotated[bool, typer.Option("--html", help="Build the HTML site.")] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", help="Build the XLSX workbook.")] = False,
    sarif: Annotated[bool, typer.Option("--sarif", help="Build the SARIF log.")] = False,
) -> None:
    """Rebuild the reports of a run folder (the command `score` prints after an interrupt)."""
    if run_dir is None:  # one line and the usage, not the whole help page (exit 2)
        err_console.print(ctx.get_usage(), highlight=False, markup=False, soft_wrap=True)
        fail("missing RUN_DIR: the run folder written by `iac-harness score`")
    if not run_dir.is_dir():
        fail(f"{run_dir}: no such folder (expected a run folder)")
    everything = not (html or xlsx or sarif)
    try:
        paths = build_reports(
            run_dir, html=html or everything, xlsx=xlsx or everything, sarif=sarif or everything
        )
    except RunFolderError as exc:
        fail(str(exc))
    except OSError as exc:  # a missing responses.jsonl, a read-only folder, a full disk
        fail(f"{exc.filename or run_dir}: {exc.strerror or exc}")
    print_paths(paths)


def register(app: typer.Typer) -> None:
    """Add the `report` command to the application."""
    app.command("report", help=HELP)(report)
