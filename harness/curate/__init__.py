"""From scored runs to training data: ``curate`` writes preference pairs, KTO rows, SFT
conversations and an audit of ideals as a Hugging Face style dataset folder; ``export``
writes a run's plain tables (responses, criteria, findings) for notebooks."""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from pathlib import Path

from harness.curate.candidates import collect
from harness.curate.card import card
from harness.curate.config import CurateConfig, CurateConfigError, load_config
from harness.curate.export import EXPORT_FORMATS, export_run
from harness.curate.subsets import select
from harness.curate.write import SUBSETS, Written, write_subset


@dataclass(frozen=True)
class CurateSummary:
    """What a curate run wrote, for the command line and the tests."""

    out: Path
    written: tuple[Written, ...]
    desirable: int
    undesirable: int
    dropped: int

    @property
    def desirable_weight(self) -> float | None:
        """The KTO ``desirable_weight`` that balances the labels (undesirable / desirable)."""
        return None if not self.desirable else round(self.undesirable / self.desirable, 4)

    def rows(self, subset: str) -> int:
        return next(w.rows for w in self.written if w.subset == subset)


#: What ``curate`` writes into a dataset folder, and the line its card (README.md) opens with.
DATASET_ENTRIES = frozenset({"README.md", "data", "jsonl"})
_CARD_OPENING = "---\nconfigs:\n"


class DatasetFolderError(ValueError):
    """The folder holds something ``curate`` did not write: replacing it would delete it."""


def replaceable(out: Path) -> str | None:
    """Why ``out`` must not be replaced by a new dataset (None: it may be). A folder may be
    replaced when it is empty or is a dataset this command wrote: nothing but README.md,
    data/ and jsonl/, the README being a dataset card. Anything else (a run folder, a
    folder of runs, a home folder) is refused: replacing it would delete what it holds."""
    if not out.is_dir():
        return None if not out.exists() else f"{out}: exists and is not a folder"
    entries = sorted(entry.name for entry in out.iterdir())
    if not entries:
        return None
    foreign = [name for name in entries if name not in DATASET_ENTRIES]
    if foreign:
        return (
            f"{out}: holds {foreign[0]}, which curate did not write; only a dataset folder "
            "(README.md, data/, jsonl/) is replaced"
        )
    card_path = out / "README.md"
    try:
        with card_path.open(encoding="utf-8", errors="replace") as handle:
            opening = handle.read(len(_CARD_OPENING))
    except OSError:
        opening = ""
    if opening != _CARD_OPENING:
        return f"{out}: its README.md is not a dataset card; only a dataset folder is replaced"
    return None


def curate(
    run_dirs: list[Path], out: Path, config: CurateConfig | None = None, command: str = ""
) -> CurateSummary:
    """Write the dataset folder ``out`` from ``run_dirs``, replacing the dataset it held
    (``DatasetFolderError`` when it holds anything else: see ``replaceable``)."""
    config = config or CurateConfig()
    refused = replaceable(out)
    if refused is not None:
        raise DatasetFolderError(refused)
    collected = collect(run_dirs)
    selection = select(collected, config)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = tuple(write_subset(out, s, selection.rows[s]) for s in SUBSETS)
    labels = [bool(row["label"]) for row in selection.rows["kto"]]
    scores = {
        "all candidates": [c.overall for c in collected.candidates],
        "sft": [float(r["score"]) for r in selection.rows["sft"]],  # type: ignore[arg-type]
    }
    text = card(
        collected.runs,
        config,
        written,
        scores,
        collected.dropped,
        collected.dropped_tasks,
        selection.skipped,
        command or "iac-harness curate " + " ".join(map(str, run_dirs)) + f" -o {out}",
    )
    summary = CurateSummary(
        out, written, sum(labels), len(labels) - sum(labels), sum(collected.dropped.values())
    )
    weight = summary.desirable_weight
    text += (
        f"\n## KTO balance\n\ndesirable : undesirable = {summary.desirable:,} : "
        f"{summary.undesirable:,}; `desirable_weight = {weight}` balances them"
        f"{'' if weight is not None else ' (no desirable rows)'}.\n"
    )
    (out / "README.md").write_text(text, encoding="utf-8")
    return summary


__all__ = [
    "EXPORT_FORMATS",
    "CurateConfig",
    "CurateConfigError",
    "CurateSummary",
    "DatasetFolderError",
    "curate",
    "export_run",
    "load_config",
    "replaceable",
]
