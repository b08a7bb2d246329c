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
from harness.curate.subsets import desirable, select
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


def curate(
    run_dirs: list[Path], out: Path, config: CurateConfig | None = None, command: str = ""
) -> CurateSummary:
    """Write the dataset folder ``out`` (replaced) from ``run_dirs``."""
    config = config or CurateConfig()
    collected = collect(run_dirs)
    selection = select(collected, config)
    if out.exists():
        shutil.rmtree(out)
    out.mkdir(parents=True)
    written = tuple(write_subset(out, s, selection.rows[s]) for s in SUBSETS)
    labels = [desirable(c, config) for c in collected.candidates]
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
    "curate",
    "export_run",
    "load_config",
]
