"""Over the corpus: derive a rubric per task from its ideal response, score the task's
responses with it, and count the (ideal, response) pairs where the ideal scores higher, beside
the same figure with the generic rubric.

    python -m tests.derive.corpus_ranking [--corpus ../shared/corpus] [--tasks tf-348798 ...]

Prints a table per task and, last, a JSON summary line. The corpus is read in place (never
copied); derived rubrics and run folders go to a temporary folder.
"""

from __future__ import annotations

import argparse
import json
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

from harness.derive.draft import derive, load_reference, write
from harness.results import ResponseResult
from harness.rubric import load_rubric
from harness.run import score_paths
from tests.conftest import corpus_root, corpus_tasks

GENERIC = "terraform-aws-production"


@dataclass(frozen=True)
class TaskFigures:
    task_id: str
    multi: bool  # the task has two or more model responses
    generic: tuple[float | None, list[tuple[str, float | None]]]
    derived: tuple[float | None, list[tuple[str, float | None]]]


def _ranked_right(ideal: float | None, other: float | None) -> bool:
    """The ideal scores strictly higher; a response with no score ranks below any score."""
    if ideal is None:
        return False
    return other is None or ideal > other


def _scores(
    results: tuple[ResponseResult, ...],
) -> tuple[float | None, list[tuple[str, float | None]]]:
    ideal = next((r.overall for r in results if r.is_ideal), None)
    others = [(r.response_id, r.overall) for r in results if not r.is_ideal]
    return ideal, others


def task_figures(task: Path, work: Path) -> TaskFigures:
    generic = load_rubric(GENERIC)
    rubric_path = write(derive(load_reference(task)), work / "rubrics" / f"{task.name}.yaml")
    derived = load_rubric(rubric_path)
    runs = {}
    for name, rubric in (("generic", generic), ("derived", derived)):
        run = score_paths([task], rubric, work / "runs" / name / task.name)
        runs[name] = _scores(run.responses)
    n_responses = len(list(task.glob("MODEL_RESPONSE*.md")))
    return TaskFigures(task.name, n_responses >= 2, runs["generic"], runs["derived"])


def fraction(figures: list[TaskFigures], rubric: str, multi_only: bool) -> tuple[int, int, int]:
    """(pairs ranked right, pairs tied, pairs) for one rubric."""
    right = ties = total = 0
    for f in figures:
        if multi_only and not f.multi:
            continue
        ideal, others = getattr(f, rubric)
        for _, score in others:
            total += 1
            right += _ranked_right(ideal, score)
            ties += ideal == score
    return right, ties, total


def summarise(figures: list[TaskFigures]) -> dict[str, object]:
    out: dict[str, object] = {"tasks": len(figures)}
    for scope, multi_only in (("all", False), ("multi_response", True)):
        for rubric in ("generic", "derived"):
            right, ties, total = fraction(figures, rubric, multi_only)
            out[f"{scope}_{rubric}"] = {
                "right": right,
                "ties": ties,
                "pairs": total,
                "fraction": round(right / total, 4) if total else None,
            }
    return out


def main(argv: list[str] | None = None) -> dict[str, object]:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=corpus_root())
    parser.add_argument("--tasks", nargs="*", default=None)
    args = parser.parse_args(argv)
    tasks = [t for t in corpus_tasks(args.corpus) if (t / "IDEAL_RESPONSE.md").is_file()]
    if args.tasks:
        tasks = [t for t in tasks if t.name in args.tasks]
    figures = []
    with tempfile.TemporaryDirectory(prefix="corpus-ranking-") as tmp:
        for task in tasks:
            f = task_figures(task, Path(tmp))
            figures.append(f)
            for name in ("generic", "derived"):
                ideal, others = getattr(f, name)
                shown = " ".join(
                    f"{rid}={'-' if s is None else f'{s:.1f}'}"
                    + ("" if _ranked_right(ideal, s) else "!")
                    for rid, s in others
                )
                ideal_text = "-" if ideal is None else f"{ideal:.1f}"
                print(f"{f.task_id:20s} {name:8s} ideal={ideal_text:6s} {shown}", flush=True)
    summary = summarise(figures)
    print(json.dumps(summary))
    return summary


if __name__ == "__main__":
    main(sys.argv[1:])
