"""`iac-harness curate` (runs -> training datasets) and `iac-harness export` (a run's plain
tables for notebooks)."""

from __future__ import annotations

import shlex
from pathlib import Path
from typing import Annotated

import typer

from harness.cli.common import console, fail, output_folder

CURATE_HELP = (
    "Turn scored runs into training data: a Hugging Face style dataset folder.\n\n"
    "Subsets (Parquet, zstd, and the same rows as JSONL): preference (TRL conversational "
    "pairs with an explicit prompt, plus score_chosen / score_rejected / margin for reward "
    "models), kto (unpaired, label true for answers at or above --kto-threshold), sft "
    "(messages; answers that pass every gate, reach --min-score, are not cut off and have no "
    "placeholders) and ideal_audit (ideals that fail what a response passes). README.md is a "
    "dataset card: configs for `datasets.load_dataset`, sources, rules, counts, histograms "
    "and what was left out, and why."
)
CURATE_EPILOG = "\n\n".join(
    [
        "[bold]Examples[/bold]",
        "  iac-harness curate runs/c1 -o datasets/c1",
        "  iac-harness curate runs/c1 runs/c2 -o datasets/both --min-margin 10 "
        "--max-pairs-per-task 20",
        "  iac-harness curate runs/c1 -o datasets/c1 --config curate.yaml",
        "[bold]Rules[/bold]: pairs are answers to the same turn of the same task in the same "
        "run; a tie never pairs; chosen and rejected are never byte-identical; chosen never "
        "fails a gate that rejected passes. A follow-up is judged on its overlaid tree and its "
        "prompt holds the earlier turns. Flags override --config (a YAML file with the same "
        "keys, underscores for dashes).",
    ]
)


def curate(
    runs: Annotated[list[Path], typer.Argument(help="Run folders written by `iac-harness score`.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="The dataset folder to write.")],
    config: Annotated[
        Path | None,
        typer.Option("--config", help="Selection rules in YAML.", show_default=False),
    ] = None,
    min_margin: Annotated[
        float | None,
        typer.Option(
            "--min-margin", help="Points chosen must score above rejected [5].", show_default=False
        ),
    ] = None,
    max_pairs_per_task: Annotated[
        int | None,
        typer.Option(
            "--max-pairs-per-task", help="Keep the largest margins [10].", show_default=False
        ),
    ] = None,
    pair_with: Annotated[
        str | None,
        typer.Option(
            "--pair-with",
            metavar="ideal|all",
            help="Pair any two answers, or each with the ideal \\[all].",
            show_default=False,
        ),
    ] = None,
    exclude_fragments: Annotated[
        bool,
        typer.Option(
            "--exclude-fragments",
            help="Leave out follow-ups that only patch earlier files (kept by default).",
        ),
    ] = False,
    keep_fragments: Annotated[bool, typer.Option("--keep-fragments", hidden=True)] = False,
    allow_gate_failures: Annotated[
        bool,
        typer.Option(
            "--allow-gate-failures",
            help="Let chosen, SFT and desirable KTO answers fail a gate (by default they pass "
            "every gate).",
        ),
    ] = False,
    require_gates: Annotated[bool, typer.Option("--require-gates", hidden=True)] = False,
    min_score: Annotated[
        float | None,
        typer.Option(
            "--min-score", help="Lowest overall score of an SFT answer [80].", show_default=False
        ),
    ] = None,
    kto_threshold: Annotated[
        float | None,
        typer.Option(
            "--kto-threshold",
            help="Overall score at which a KTO answer is desirable [70].",
            show_default=False,
        ),
    ] = None,
    seed: Annotated[
        int | None,
        typer.Option(
            "--seed",
            help="Breaks equal margins under --max-pairs-per-task [0].",
            show_default=False,
        ),
    ] = None,
    force: Annotated[
        bool,
        typer.Option(
            "--force",
            help="Replace the dataset an earlier curate wrote in --out (never a folder "
            "holding anything else).",
        ),
    ] = False,
) -> None:
    """Turn scored runs into training data: a Hugging Face style dataset folder."""
    from pydantic import ValidationError

    from harness.curate import CurateConfig, CurateConfigError, DatasetFolderError, load_config
    from harness.curate import curate as build
    from harness.store import RunFolderError

    try:
        import pyarrow  # noqa: F401
    except ImportError:
        fail("curate writes Parquet: pip install 'iac-harness[parquet]'")
    base = CurateConfig()
    if config is not None:
        try:
            base = load_config(config)
        except CurateConfigError as exc:
            fail(str(exc))
    flags = {
        "min_margin": min_margin,
        "max_pairs_per_task": max_pairs_per_task,
        "pair_with": pair_with,
        "exclude_fragments": _switch(
            ("--exclude-fragments", exclude_fragments), ("--keep-fragments", keep_fragments)
        ),
        "require_gates": _switch(
            ("--require-gates", require_gates), ("--allow-gate-failures", allow_gate_failures)
        ),
        "min_score": min_score,
        "kto_threshold": kto_threshold,
        "seed": seed,
    }
    try:
        rules = CurateConfig.model_validate(
            base.model_dump() | {k: v for k, v in flags.items() if v is not None}
        )
    except ValidationError as exc:
        first = exc.errors()[0]
        name = "--" + str(first["loc"][0]).replace("_", "-")
        fail(f"{name}: {first['msg']}")
    for run in runs:
        if not (run / "run.json").is_file():
            fail(f"{run}: not a run folder (no run.json)")
    if out.is_dir() and any(out.iterdir()) and not force:
        fail(f"{out}: not empty; use --force to replace the dataset it holds")
    output_folder(out, what="dataset folder")
    given = [f"--{k.replace('_', '-')} {v}" for k, v in flags.items() if v is not None]
    command = " ".join(
        [
            "iac-harness curate",
            *(shlex.quote(str(r)) for r in runs),
            f"-o {shlex.quote(str(out))}",
            *([f"--config {shlex.quote(str(config))}"] if config else []),
            *given,
        ]
    )
    try:
        summary = build(runs, out, rules, command=command)
    except (RunFolderError, DatasetFolderError, OSError) as exc:
        fail(str(exc))
    for written in summary.written:
        console.print(f"{written.subset:12} {written.rows:8,} rows", highlight=False)
    weight = summary.desirable_weight
    console.print(
        f"kto desirable:undesirable = {summary.desirable:,}:{summary.undesirable:,}"
        + (f" (desirable_weight {weight} balances it)" if weight is not None else ""),
        highlight=False,
    )
    if summary.dropped:
        console.print(f"{summary.dropped:,} responses left out (see the card)", highlight=False)
    console.print(
        f"dataset card: {out / 'README.md'}", markup=False, highlight=False, soft_wrap=True
    )


EXPORT_HELP = (
    "Write a run's results as three plain tables: responses, criteria, findings.\n\n"
    "Columns are documented by a versioned JSON Schema shipped in the package "
    "(harness/data/schemas/export-v1.schema.json); every row satisfies it."
)


def _switch(on: tuple[str, bool], off: tuple[str, bool]) -> bool | None:
    """A rule set on or off from the command line; None: neither flag (the config decides).
    Each rule's help lists the flag that changes its default; the other one (the default
    spelled out, which scripts may pass) is accepted without a line in --help."""
    if on[1] and off[1]:
        fail(f"{on[0]} and {off[0]} contradict each other; pass one of them")
    return True if on[1] else False if off[1] else None


def export(
    run: Annotated[Path, typer.Argument(help="A run folder written by `iac-harness score`.")],
    fmt: Annotated[
        str, typer.Option("--format", "-f", metavar="parquet|jsonl|csv", help="Table format.")
    ] = "parquet",
    out: Annotated[
        Path | None,
        typer.Option(
            "--out", "-o", help="Folder for the tables. Default: RUN/export.", show_default=False
        ),
    ] = None,
) -> None:
    """Write a run's results as three plain tables: responses, criteria, findings."""
    from harness.curate import EXPORT_FORMATS, export_run
    from harness.curate.export import DEFAULT_FOLDER
    from harness.store import RunFolderError

    if fmt not in EXPORT_FORMATS:
        fail(f"--format: {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
    if fmt == "parquet":
        try:
            import pyarrow  # noqa: F401
        except ImportError:
            fail("--format parquet needs pyarrow: pip install 'iac-harness[parquet]'")
    if not (run / "run.json").is_file():
        fail(f"{run / 'run.json'}: not found (is {run} a run folder?)")
    target = out or run / DEFAULT_FOLDER
    output_folder(target, what="export folder")
    try:
        written = export_run(run, target, fmt)
    except (RunFolderError, OSError, ValueError) as exc:
        fail(str(exc))
    for path in written:
        console.print(str(path), markup=False, highlight=False, soft_wrap=True)


def register(app: typer.Typer) -> None:
    """Add the `curate` and `export` commands to the application."""
    app.command("curate", help=CURATE_HELP, epilog=CURATE_EPILOG)(curate)
    app.command("export", help=EXPORT_HELP)(export)
