"""`iac-harness report`: rebuild the HTML, XLSX and SARIF reports of a run folder without
re-scoring (the run folder is what `iac-harness score` wrote)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from harness.cli.agree import LabelsOption, labels_or_fail
from harness.cli.common import console, err_console, fail
from harness.report import ReportPaths, UnknownFormatError, UnknownResponseError, build_reports
from harness.report.formats import load_formats, parse_format_list
from harness.store import RUN_JSON, RunFolderError
from harness.trust.labels import write_run_labels

HELP = (
    "Rebuild the reports of a scoring run from its run folder, without re-scoring.\n\n"
    "RUN_DIR is a folder written by [bold]iac-harness score[/bold] (run.json, "
    "responses.jsonl, ...). Writes, inside it: [bold]report/index.html[/bold] (the reviewer's "
    "site; opens offline), [bold]report.xlsx[/bold] (the curator's workbook) and "
    "[bold]findings.sarif[/bold] (SARIF 2.1.0 for CI, locations in [bold]extracted/[/bold]). "
    "--reports picks formats by name; without it, every format is built.\n\n"
    "[bold]Example[/bold]\n\n"
    "  iac-harness report reports/aws-prod-stack --reports html,sarif\n\n"
    "  iac-harness report reports/run-1 --labels tests/data/labels\n\n"
    "  iac-harness report runs/100k --full            # every response's page\n\n"
    "  iac-harness report runs/100k --reports html --response tf-42/MODEL_RESPONSE\n"
    "                                     # one more page in a large run's site\n\n"
    "Exit status: 0 on success, 2 when RUN_DIR is not a run folder, a --reports name is "
    "unknown, a --response names no response of the run or a label file has problems."
)


def reports_help() -> str:
    """The --reports help: the registered formats, one clause each."""
    known = "; ".join(f"{f.name}: {f.description}" for f in load_formats().values())
    return f"Comma-separated report formats to build (default: all). {known}."


def chosen_formats(text: str | None, *, no_report: bool = False) -> tuple[str, ...] | None:
    """The --reports names checked against the registry (None: all); exit 2 with one line
    listing the known names for an unknown one (or for --reports with score's --no-reports)."""
    if no_report and text is not None:
        fail("--no-reports and --reports contradict each other; pass one of them")
    if text is None:
        return None
    try:
        return parse_format_list(text)
    except UnknownFormatError as exc:
        fail(f"--reports: {exc}")


ReportsOption = Annotated[
    str | None,
    typer.Option("--reports", metavar="NAMES", help=reports_help(), show_default=False),
]
FullOption = Annotated[
    bool,
    typer.Option(
        "--full",
        help="Write every page of the HTML site. Without it a run of more than 1,000 "
        "responses gets the index, the task pages and the failing responses' pages "
        "(ideals, errors, failed gates); smaller runs always get every page.",
    ),
]


ResponseOption = Annotated[
    list[str] | None,
    typer.Option(
        "--response",
        metavar="TASK/RESPONSE",
        help="Also write this response's page (TASK_ID/RESPONSE_ID, as the index lists it) "
        "when a large run's site leaves it out; repeat for more. The site is rebuilt, so "
        "name every page you want at once, or use --full for all of them.",
        show_default=False,
    ),
]


def print_paths(paths: ReportPaths) -> None:
    """One line per report written, the HTML index first (what a reviewer opens)."""
    for label, written in paths.items():
        for path in written:
            console.print(f"{label:5} {path}", markup=False, highlight=False, soft_wrap=True)


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
    reports: ReportsOption = None,
    full: FullOption = False,
    response: ResponseOption = None,
    labels: LabelsOption = None,
    # the flags before --reports, kept for old scripts: --xlsx is --reports xlsx
    html: Annotated[bool, typer.Option("--html", hidden=True)] = False,
    xlsx: Annotated[bool, typer.Option("--xlsx", hidden=True)] = False,
    sarif: Annotated[bool, typer.Option("--sarif", hidden=True)] = False,
) -> None:
    """Rebuild the reports of a run folder (the command `score` prints after an interrupt)."""
    if run_dir is None:  # one line and the usage, not the whole help page (exit 2)
        err_console.print(ctx.get_usage(), highlight=False, markup=False, soft_wrap=True)
        fail("missing RUN_DIR: the run folder written by `iac-harness score`")
    formats = chosen_formats(reports)
    if not run_dir.is_dir():
        fail(f"{run_dir}: no such folder (expected a run folder)")
    if labels is not None:
        label_set = labels_or_fail(labels)
        if not (run_dir / RUN_JSON).is_file():  # kept only in a run folder
            fail(f"{run_dir / RUN_JSON}: not found (is {run_dir} a run folder?)")
        try:
            write_run_labels(run_dir, label_set)
        except OSError as exc:
            fail(f"{run_dir}: cannot keep the labels ({exc.strerror or exc})")
    flagged = [name for name, on in (("html", html), ("xlsx", xlsx), ("sarif", sarif)) if on]
    if flagged:
        formats = (*(formats or ()), *flagged)
    try:
        paths = build_reports(run_dir, formats, full=full or None, pages=response or ())
    except (RunFolderError, UnknownResponseError) as exc:
        fail(str(exc))
    except OSError as exc:  # a missing responses.jsonl, a read-only folder, a full disk
        fail(f"{exc.filename or run_dir}: {exc.strerror or exc}")
    print_paths(paths)


def register(app: typer.Typer) -> None:
    """Add the `report` command to the application."""
    app.command("report", help=HELP)(report)
