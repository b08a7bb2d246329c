"""The dataset card (README.md): YAML front matter whose ``configs`` let ``datasets`` load
each subset, then what a curator needs to trust the data: sources, rules, counts, score
histograms, what was dropped and why, and the command that built it."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence

import yaml

from harness.curate.config import CurateConfig
from harness.curate.write import Written, histogram
from harness.results import RunInfo
from harness.version import __version__

DESCRIPTIONS = {
    "preference": "pairs of answers to the same turn: `prompt`, `chosen`, `rejected` "
    "(TRL conversational preference, explicit prompt) with `score_chosen`, `score_rejected`, "
    "`margin`",
    "kto": "one row per answer: `prompt`, `completion`, `label` (TRL unpaired preference)",
    "sft": "answers good enough to imitate: `messages` ending with the answer (TRL "
    "conversational language modelling)",
    "ideal_audit": "ideal responses that score below some model response of their task on a "
    "criterion: fix these before using them as chosen answers",
}


def front_matter(written: Sequence[Written]) -> str:
    """The ``configs`` of the subsets that have rows (an empty one has no file to load)."""
    configs = [
        {
            "config_name": w.subset,
            "data_files": [{"split": "train", "path": f"data/{w.subset}/*.parquet"}],
        }
        for w in written
        if w.rows
    ]
    body = yaml.safe_dump(
        {"configs": configs, "tags": ["iac-harness", "infrastructure-as-code"]},
        sort_keys=False,
    )
    return f"---\n{body}---\n"


def card(
    runs: Sequence[tuple[str, RunInfo]],
    config: CurateConfig,
    written: Sequence[Written],
    scores: dict[str, list[float]],
    dropped: Counter[str],
    dropped_tasks: dict[str, str],
    skipped: Counter[str],
    command: str,
) -> str:
    lines = [front_matter(written), "# iac-harness curated dataset", ""]
    lines += [
        f"Built by iac-harness {__version__} from {len(runs)} scored run(s) with:",
        "",
        f"```\n{command}\n```",
        "",
        "## Subsets",
        "",
        "| subset | rows | what |",
        "|---|---:|---|",
    ]
    lines += [
        f"| `{w.subset}` | {w.rows:,} | {DESCRIPTIONS[w.subset]}"
        + ("" if w.rows else " (empty: no file written)")
        + " |"
        for w in written
    ]
    lines += ["", 'Load one with `datasets.load_dataset("path/to/this/folder", "preference")`.', ""]
    lines += [
        "## Source runs",
        "",
        "| run | rubric | sha256 | harness | responses |",
        "|---|---|---|---|---:|",
    ]
    for run, info in runs:
        lines.append(
            f"| `{run}` | {info.rubric.id} {info.rubric.version} | `{info.rubric.sha256[:16]}` "
            f"| {info.harness_version} | {info.counts.get('responses', 0):,} |"
        )
    lines += ["", "## Selection rules", ""]
    lines += [f"- `{name}`: {value}" for name, value in config.model_dump().items()]
    lines += [
        "",
        "Pairs never cross runs or turns (their scores or prompts would not compare); a tie "
        "never makes a pair; chosen and rejected are never byte-identical; a chosen answer "
        "never fails a gate that its rejected one passes.",
        "",
        "## Score histograms (overall, 0-100)",
        "",
    ]
    for name, values in scores.items():
        bins = histogram(values)
        lines += [f"**{name}** ({len(values):,} scores)", "", "| bin | count |", "|---|---:|"]
        lines += [f"| {label} | {count:,} |" for label, count in bins]
        lines.append("")
    lines += ["## Left out, and why", ""]
    if not (dropped or skipped):
        lines.append("Nothing.")
    for reason, count in sorted((dropped + skipped).items()):
        lines.append(f"- {reason}: {count:,}")
    if dropped_tasks:
        lines += ["", "Tasks dropped whole:", ""]
        lines += [f"- `{task}`: {why}" for task, why in sorted(dropped_tasks.items())]
    return "\n".join(lines) + "\n"
