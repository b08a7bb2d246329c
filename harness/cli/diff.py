"""`iac-harness diff RUN_A RUN_B`: what changed between two runs (rubric, harness, scores,
criterion statuses), as an 80-column console table, JSON, or an HTML page."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import console, err_console, fail, load_run_folder, output_folder
from harness.trust.diff import RunDiff, diff_runs, diff_to_json

HELP = (
    "Compare two scoring runs: what the grader now says differently, and why.\n\n"
    "Responses are matched by task and response id, and by the sha256 of their markdown, so "
    "a response edited between the runs shows as [bold]changed input[/bold], not as a change "
    "of the grader. Shows overall and category score deltas (regressions first), every "
    "criterion whose status or score moved (both sides' messages), responses only in one "
    "run, the rubric difference (criteria added, removed or disabled, changed weights and "
    "params) and the harness versions.\n\n"
    "[bold]Examples[/bold]\n\n"
    "  iac-harness diff runs/before runs/after\n\n"
    "  iac-harness diff runs/before runs/after -o runs/diff     # + diff.json and index.html\n\n"
    "  iac-harness diff runs/before runs/after --json | jq .summary\n\n"
    "  iac-harness diff runs/main runs/pr --fail-on-regression --threshold 2   # in CI\n\n"
    "Exit status: 0; 1 with --fail-on-regression when a response drops by more than "
    "--threshold points or a criterion goes pass -> fail; 2 when a folder is not a run folder."
)

WIDTH = 80
MAX_ROWS = 40
MAX_CHANGES = 60
_KEY = WIDTH - 33 - 10  # the response column: what the five number/verdict columns leave


def _middle(text: str, width: int) -> str:
    if len(text) <= width:
        return text
    tail = (width - 1) // 2
    return text[: width - 1 - tail] + "…" + text[len(text) - tail :]


def _cut(text: str, width: int) -> str:
    """One line of prose cut at ``width`` (messages; numbers are never cut)."""
    indent = text[: len(text) - len(text.lstrip(" "))]
    text = indent + " ".join(text.split())
    return text if len(text) <= width else text[: width - 1] + "…"


def _score(value: float | None) -> str:
    return "n/a" if value is None else f"{value:.1f}"


def _delta(value: float | None) -> str:
    return "" if value is None else f"{value:+.1f}"


def diff_lines(diff: RunDiff, width: int = WIDTH) -> list[str]:
    """The console view of ``diff``, every line at most ``width`` characters."""
    lines = [_cut(f"A: {diff.a}", width), _cut(f"B: {diff.b}", width)]
    if diff.empty:
        lines.append("No differences: same rubric, same harness, same verdicts.")
        return lines
    r = diff.rubric
    if diff.harness_before != diff.harness_after:
        lines.append(f"Harness: {diff.harness_before} -> {diff.harness_after}")
    if r.before_sha256 != r.after_sha256:
        lines.append(
            _cut(
                f"Rubric: {r.before_id} {r.before_sha256[:12]} -> {r.after_id} "
                f"{r.after_sha256[:12]}",
                width,
            )
        )
    for cid in r.criteria_removed:
        lines.append(_cut(f"  criterion only in A (removed or disabled): {cid}", width))
    for cid in r.criteria_added:
        lines.append(_cut(f"  criterion only in B (added): {cid}", width))
    for change in r.changes:
        text = f"  {change.subject} {change.field}: {change.before} -> {change.after}"
        lines.append(_cut(text, width))
    if diff.responses:
        lines.append("")
        lines.append(f"{'Response':<{_KEY}}  {'A':>5}  {'B':>5}  {'Δ':>6}  {'crit':>4}  verdict")
        lines.append("-" * min(width, _KEY + 43))
        for row in diff.responses[:MAX_ROWS]:
            key = row.key + (" (ideal)" if row.is_ideal else "")
            lines.append(
                f"{_middle(key, _KEY):<{_KEY}}  {_score(row.before):>5}  {_score(row.after):>5}"
                f"  {_delta(row.delta):>6}  {len(row.changes):>4}  {row.verdict}"
            )
        if len(diff.responses) > MAX_ROWS:
            lines.append(f"... {len(diff.responses) - MAX_ROWS} more responses (see --json / -o)")
    shown = 0
    for row in diff.responses:
        if not row.changes or shown >= MAX_CHANGES:
            continue
        lines.append("")
        lines.append(_cut(f"{row.key}:", width))
        for c in row.changes:
            if shown >= MAX_CHANGES:
                break
            shown += 1
            mark = "!" if c.regression else " "
            lines.append(_cut(f"{mark} {c.criterion_id}  {c.kind}", width))
            lines.append(_cut(f"    A: {c.before_message}", width))
            lines.append(_cut(f"    B: {c.after_message}", width))
    if diff.criterion_changes > shown:
        lines.append(f"... {diff.criterion_changes - shown} more criterion changes (see --json)")
    for side, keys in (("A", diff.only_in_a), ("B", diff.only_in_b)):
        if keys:
            lines.append("")
            lines.append(f"Only in {side} ({len(keys)}):")
            lines.extend(_cut(f"  {k}", width) for k in keys[:MAX_ROWS])
            if len(keys) > MAX_ROWS:
                lines.append(f"  ... {len(keys) - MAX_ROWS} more")
    lines.append("")
    lines.append(_cut(diff.summary(), width))
    return lines


def diff(
    run_a: Annotated[Path, typer.Argument(help="The earlier run (before).", metavar="RUN_A")],
    run_b: Annotated[Path, typer.Argument(help="The later run (after).", metavar="RUN_B")],
    out: Annotated[
        Path | None,
        typer.Option(
            "--out",
            "-o",
            help="Also write OUT/diff.json and OUT/index.html (the diff page; opens offline).",
            show_default=False,
        ),
    ] = None,
    as_json: Annotated[
        bool, typer.Option("--json", help="Print the JSON document instead of the table.")
    ] = False,
    fail_on_regression: Annotated[
        bool,
        typer.Option(
            "--fail-on-regression",
            help="Exit 1 when a response drops by more than --threshold points or a "
            "criterion goes pass -> fail (responses whose input changed are not counted).",
        ),
    ] = False,
    threshold: Annotated[
        float,
        typer.Option(
            "--threshold", min=0.0, metavar="POINTS", help="Overall points a response may drop."
        ),
    ] = 0.0,
) -> None:
    """Compare two runs (see the command's help)."""
    a, b = load_run_folder(run_a), load_run_folder(run_b)
    if out is not None:
        if (out / "index.html").exists() and not (out / "diff.json").exists():
            # a report site's index (or any other page): diff's would replace it
            fail(f"{out}: holds an index.html that diff did not write; choose another --out")
        output_folder(out, what="diff folder")
    result = diff_runs(a, b, a_name=str(run_a), b_name=str(run_b))
    document = diff_to_json(result)
    if as_json:
        typer.echo(json.dumps(document, indent=2, ensure_ascii=False))
    else:
        for line in diff_lines(result):
            console.print(line, markup=False, highlight=False, soft_wrap=True)
    if out is not None:
        from harness.report.trustpages import write_diff_page

        (out / "diff.json").write_text(
            json.dumps(document, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
        )
        page = write_diff_page(result, out)
        if not as_json:
            console.print(f"diff  {out / 'diff.json'}\nhtml  {page}", markup=False, highlight=False)
    if fail_on_regression:
        reasons = result.regressions(threshold)
        if reasons:
            err_console.print(
                f"{len(reasons)} regression(s) (--fail-on-regression, threshold {threshold}):",
                markup=False,
                highlight=False,
            )
            for reason in reasons[:20]:
                err_console.print(f"  {reason}", markup=False, highlight=False, soft_wrap=True)
            raise typer.Exit(1)


def register(app: typer.Typer) -> None:
    """Add the `diff` command to the application."""
    app.command("diff", help=HELP)(diff)
