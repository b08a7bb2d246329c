"""`iac-harness extract`: turn model responses (markdown) into the file trees they describe."""

from __future__ import annotations

import json
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from harness.cli.common import console, err_console, fail, output_folder
from harness.extract import FileTree, WriteError, extract, overlay, write_tree
from harness.extract.serialize import missing_promised, tree_to_dict
from harness.extract.types import Convention
from harness.run.pipeline import Clock
from harness.run.plan import TaskPlan, UnitKind
from harness.run.walk import TaskTrees
from harness.tasks import Task, TaskError, discover_tasks, is_task_dir
from harness.vocabulary import Severity

EXTRACTION_JSON = "extraction.json"
FILES_DIR = "files"
OVERLAY_DIR = "overlay"
_SHOWN = 12  # diagnostics printed per response without --verbose

HELP = (
    "Extract the files a model response describes, with diagnostics.\n\n"
    "SOURCE is a response (MODEL_RESPONSE.md), a task folder (PROMPT*.md, MODEL_RESPONSE*.md, "
    "IDEAL_RESPONSE.md ...) or a folder of task folders. For each response, OUT gets "
    "[bold]extraction.json[/bold] (files with where and how each was named, files promised by "
    "directory drawings, diagnostics) and the files themselves under [bold]files/[/bold].\n\n"
    "A follow-up turn (MODEL_RESPONSE2.md answering PROMPT2.md) usually rewrites only some "
    "files. Its [bold]overlay[/bold] view is what the user has after applying it to the earlier "
    "turns (its files replace whole files of the same path, or are merged into them block by "
    "block when they show only the changed blocks); [bold]own[/bold] is only what the "
    "response itself wrote.\n\n"
    "[bold]Examples[/bold]\n\n"
    "  iac-harness extract MODEL_RESPONSE.md --out out/r1\n\n"
    "  iac-harness extract MODEL_RESPONSE2.md -p MODEL_RESPONSE.md --out out/r2\n"
    "      own view in out/r2, overlay view in out/r2/overlay\n\n"
    "  iac-harness extract corpus/terraform/tf-348798 --out out/t\n"
    "      out/t/MODEL_RESPONSE/, out/t/MODEL_RESPONSE2/ (+ overlay/), out/t/IDEAL_RESPONSE/\n\n"
    "Exit status: 0 on success, 1 when some files could not be written safely, 2 for unusable "
    "input."
)


class View(StrEnum):
    OWN = "own"
    OVERLAY = "overlay"
    BOTH = "both"


@dataclass(frozen=True, slots=True)
class Outcome:
    label: str
    tree: FileTree
    view: str
    out_dir: Path
    write_error: str | None = None


def register(app: typer.Typer) -> None:
    """Add the `extract` command to the application."""
    app.command("extract", help=HELP, no_args_is_help=True)(extract_command)


def extract_command(
    source: Annotated[
        Path,
        typer.Argument(help="A response .md file, a task folder, or a folder of task folders."),
    ],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder (created if missing).")],
    previous: Annotated[
        list[Path] | None,
        typer.Option(
            "--previous",
            "-p",
            help="Earlier turns, oldest first (repeatable; with a response file only).",
        ),
    ] = None,
    view: Annotated[
        View,
        typer.Option(
            "--view",
            help="For follow-up turns: own, overlay, or both (overlay in an overlay/ subfolder).",
            case_sensitive=False,
        ),
    ] = View.BOTH,
    verbose: Annotated[
        bool, typer.Option("--verbose", "-v", help="List every file and diagnostic.")
    ] = False,
) -> None:
    previous = previous or []
    outcomes: list[Outcome] = []
    if not source.exists():
        fail(f"{source}: no such file or directory")
    output_folder(out)
    if source.is_dir():
        if previous:
            fail("--previous applies to a single response file, not to a task folder")
        try:
            tasks = discover_tasks(source)
        except TaskError as error:
            fail(str(error))
        nested = not is_task_dir(source)
        for task in tasks:
            task_out = out / task.task_id if nested else out
            outcomes.extend(_extract_task(task, task_out, view, task.task_id if nested else ""))
    elif source.is_file():
        outcomes.extend(_extract_files(source, previous, out, view))
    else:
        fail(f"{source}: not a regular file or a folder (a device, FIFO or socket)")
    _summary(outcomes, verbose)
    console.print(f"Wrote {len(outcomes)} extraction(s) under {out}", markup=False, highlight=False)
    failed = [o for o in outcomes if o.write_error]
    for outcome in failed:
        err_console.print(
            f"[bold red]iac-harness: error:[/bold red] {escape(str(outcome.out_dir))}: "
            f"{escape(str(outcome.write_error))}",
            highlight=False,
        )
    if failed:
        raise typer.Exit(1)


def _read(path: Path, response_id: str = "") -> FileTree:
    try:
        return extract(path, response_id=response_id or path.stem)
    except OSError as error:
        fail(f"{path}: cannot read ({error.strerror or error})")


def _extract_files(source: Path, previous: list[Path], out: Path, view: View) -> list[Outcome]:
    own = _read(source)
    if not previous:
        return [_write(source.stem, own, out, "own")]
    trees = [_read(path) for path in previous] + [own]
    return _write_views(source.stem, own, overlay(trees), out, view)


def _extract_task(task: Task, out: Path, view: View, prefix: str) -> list[Outcome]:
    """Write every unit of the task (the same walk a score run makes): each response's own
    tree, a follow-up's overlaid tree as ``view`` asks, and the ideal."""
    trees = TaskTrees()
    outcomes: list[Outcome] = []
    for unit in TaskPlan(task, task.ideal).units():
        response_id = unit.chain[-1].response_id
        label = f"{prefix}/{response_id}" if prefix else response_id
        target = out / response_id
        follow_up = len(unit.chain) > 1 or unit.chain[-1].turn > 1
        if unit.kind is UnitKind.OVERLAY:
            if view is View.OWN:
                continue
            if view is View.BOTH:
                target = target / OVERLAY_DIR
        elif follow_up and view is View.OVERLAY:
            continue
        try:
            tree = trees.tree(unit, Clock())
        except OSError as error:
            fail(f"{unit.source}: cannot read ({error.strerror or error})")
        kind = "overlay" if unit.kind is UnitKind.OVERLAY else "own"
        outcomes.append(_write(label, tree, target, kind))
    return outcomes


def _write_views(
    label: str, own: FileTree, effective: FileTree, out: Path, view: View
) -> list[Outcome]:
    if view is View.OWN:
        return [_write(label, own, out, "own")]
    if view is View.OVERLAY:
        return [_write(label, effective, out, "overlay")]
    return [
        _write(label, own, out, "own"),
        _write(label, effective, out / OVERLAY_DIR, "overlay"),
    ]


def _write(label: str, tree: FileTree, out: Path, view: str = "own") -> Outcome:
    response_id = label.split("/")[-1]
    try:
        out.mkdir(parents=True, exist_ok=True)
        document = tree_to_dict(tree, response_id=response_id, view=view)
        (out / EXTRACTION_JSON).write_text(json.dumps(document, indent=2) + "\n", "utf-8")
    except OSError as error:
        fail(f"{out}: cannot write ({error.strerror or error})")
    write_error = None
    try:
        write_tree(tree, out / FILES_DIR)
    except WriteError as error:
        write_error = str(error)
    except OSError as error:
        fail(f"{out / FILES_DIR}: cannot write ({error.strerror or error})")
    return Outcome(label, tree, view, out, write_error)


def _summary(outcomes: list[Outcome], verbose: bool) -> None:
    table = Table(
        title="Extraction",
        header_style="bold",
        caption="inf: inferred names · drawn: files in directory drawings · miss: drawn, not "
        "written · E/W/I: errors/warnings/info · cut: response cut off",
    )
    width = min(40, max((len(o.label) for o in outcomes), default=8))
    table.add_column("response", no_wrap=True, min_width=width, overflow="ellipsis")
    table.add_column("view", no_wrap=True)
    for column in ("files", "inf", "drawn", "miss", "E/W/I"):
        table.add_column(column, justify="right", no_wrap=True)
    table.add_column("cut", no_wrap=True)
    for outcome in outcomes:
        tree = outcome.tree
        inferred = sum(f.origin.naming.convention is Convention.INFERRED for f in tree.files)
        counts = {s: sum(d.severity is s for d in tree.diagnostics) for s in Severity}
        diag = (
            f"[red]{counts[Severity.ERROR]}[/red]/"
            f"[yellow]{counts[Severity.WARNING]}[/yellow]/{counts[Severity.INFO]}"
        )
        table.add_row(
            escape(outcome.label),
            outcome.view,
            str(len(tree.files)),
            str(inferred),
            str(len(tree.promised_files)),
            str(len(missing_promised(tree))),
            diag,
            "[yellow]yes[/yellow]" if tree.truncated else "no",
        )
    console.print(table)
    for outcome in outcomes:
        if outcome.view == "own" or verbose:
            _details(outcome, verbose)


def _details(outcome: Outcome, verbose: bool) -> None:
    tree = outcome.tree
    notable = [d for d in tree.diagnostics if verbose or d.severity is not Severity.INFO]
    if not verbose and not notable:
        return
    console.print(
        f"[bold]{escape(outcome.label)}[/bold] ({outcome.view}) -> {escape(str(outcome.out_dir))}",
        highlight=False,
    )
    if verbose:
        for file in tree.files:
            origin = file.origin
            carried = " (carried over)" if origin.carried_over else ""
            console.print(
                f"  {escape(file.path)}  [dim]{file.language}, lines {origin.start_line}-"
                f"{origin.end_line}, {origin.naming.convention}{carried}[/dim]",
                highlight=False,
            )
    for diagnostic in notable[: None if verbose else _SHOWN]:
        colour = {"error": "red", "warning": "yellow"}.get(str(diagnostic.severity), "dim")
        console.print(
            f"  [{colour}]{diagnostic.severity}[/{colour}] {escape(diagnostic.code)} "
            f"({escape(diagnostic.location())}): {escape(diagnostic.message)}",
            highlight=False,
        )
    if not verbose and len(notable) > _SHOWN:
        console.print(f"  ... {len(notable) - _SHOWN} more (use --verbose)")
