"""Benchmark the compare stage as a score run meets it: the ``compare()`` calls of one serial
corpus score run (every response, ideal and follow-up, in the order the batch makes them,
the ideal's comparison with itself included) are recorded, then replayed several times with
the cyclic collector paused as the batch pauses it while grading (``harness.collector``).
Kept reference sides are dropped before each replay, so every replay prepares each task's
reference once, as a batch does.

Seconds are the process CPU clock (the machine is shared). The baseline, measured in the
same process and interleaved with the replays (one of each per round), is the Terraform
model build of the same response trees (the stage before compare).

    python benchmarks/compare_replay.py [--runs 5] [--corpus ../shared/corpus]

The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import gc
import json
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from pathlib import Path

from baseline import add_corpus

from harness.compare import Comparison, compare
from harness.compare import reference as reference_sides
from harness.extract.types import FileTree
from harness.rubric import load_rubric
from harness.run import pipeline, score_paths
from harness.terraform import build
from harness.terraform.model import Configuration

Call = tuple[FileTree, Configuration, FileTree, Configuration]


def recorded_calls(corpus: Path) -> list[Call]:
    """The ``compare()`` calls of one serial score run of the corpus, in order."""
    calls: list[Call] = []

    def recording(
        response_tree: FileTree,
        response_config: Configuration,
        reference_tree: FileTree,
        reference_config: Configuration,
    ) -> Comparison:
        calls.append((response_tree, response_config, reference_tree, reference_config))
        return compare(response_tree, response_config, reference_tree, reference_config)

    pipeline.compare = recording  # type: ignore[attr-defined]  # the pipeline's own name
    try:
        with tempfile.TemporaryDirectory() as folder:
            paths = [corpus / "terraform", corpus / "other"]
            rubric = load_rubric("terraform-aws-production")
            score_paths([p for p in paths if p.is_dir()], rubric, Path(folder) / "run", jobs=1)
    finally:
        pipeline.compare = compare  # type: ignore[attr-defined]
    return calls


def cpu_seconds(run: Callable[[], None]) -> float:
    """CPU seconds of ``run`` with the collector paused (and a collection before)."""
    gc.collect()
    enabled = gc.isenabled()
    gc.disable()
    try:
        start = time.process_time()
        run()
        return time.process_time() - start
    finally:
        if enabled:
            gc.enable()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    add_corpus(parser)
    args = parser.parse_args()
    calls = recorded_calls(args.corpus)
    if not calls:
        sys.exit(f"no comparisons in a score run of {args.corpus}")
    trees = [tree for tree, _, _, _ in calls]

    def replay() -> None:
        reference_sides._kept.clear()  # every task's reference prepared once, as in a batch
        for call in calls:
            compare(*call)

    def build_all() -> None:
        for tree in trees:
            build(tree)

    replay()  # warm (imports, lazily built tables) outside the measurement
    compare_times: list[float] = []
    build_times: list[float] = []
    for _ in range(args.runs):
        compare_times.append(cpu_seconds(replay))
        build_times.append(cpu_seconds(build_all))
    compare_s = statistics.median(compare_times)
    build_s = statistics.median(build_times)
    itself = sum(1 for tree, config, ref_tree, ref_config in calls if config is ref_config)
    print(f"comparisons: {len(calls)} ({itself} of a reference with itself), runs: {args.runs}")
    print(f"compare: median {compare_s:.3f} s CPU (runs {[round(t, 3) for t in compare_times]})")
    print(f"model build of the same responses (baseline): median {build_s:.3f} s CPU")
    print(f"compare costs {compare_s / build_s:.2f}x the model build")
    summary = {
        "bench": "compare_replay",
        "comparisons": len(calls),
        "with_itself": itself,
        "clock": "cpu",
        "median_s": round(compare_s, 4),
        "min_s": round(min(compare_times), 4),
        "baseline": "model build of the responses",
        "baseline_median_s": round(build_s, 4),
        "baseline_ratio": round(compare_s / build_s, 3),
        "runs": args.runs,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
