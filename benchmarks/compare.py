"""Benchmark the reference comparison: comparisons/s over every (response, ideal) pair of the
corpus, median of several runs, against the Terraform model build of the same responses run
in the same process (the stage before it) as the baseline.

    python benchmarks/compare.py [--runs 5] [--corpus ../shared/corpus]

The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from baseline import add_corpus  # noqa: E402

from harness.compare import compare  # noqa: E402
from harness.extract import extract  # noqa: E402
from harness.extract.types import FileTree  # noqa: E402
from harness.terraform import build  # noqa: E402
from harness.terraform.model import Configuration  # noqa: E402

Side = tuple[FileTree, Configuration]


def load_pairs(corpus: Path) -> tuple[list[tuple[Side, Side]], list[FileTree]]:
    """(response, ideal) pairs, each parsed once, and the response trees (for the baseline)."""
    pairs: list[tuple[Side, Side]] = []
    trees: list[FileTree] = []
    tasks = sorted(p for group in ("terraform", "other") for p in (corpus / group).glob("*"))
    for task in tasks:
        ideal_path = task / "IDEAL_RESPONSE.md"
        if not ideal_path.is_file():
            continue
        ideal_tree = extract(ideal_path, response_id="IDEAL_RESPONSE")
        ideal = (ideal_tree, build(ideal_tree))
        for response in sorted(task.glob("MODEL_RESPONSE*.md")):
            tree = extract(response, response_id=response.stem)
            pairs.append(((tree, build(tree)), ideal))
            trees.append(tree)
    return pairs, trees


def timed(run: object, runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()  # type: ignore[operator]
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    add_corpus(parser)
    args = parser.parse_args()
    pairs, trees = load_pairs(args.corpus)
    if not pairs:
        sys.exit(f"no (response, ideal) pairs under {args.corpus}")

    def run_compare() -> None:
        for (tree, config), (ideal_tree, ideal_config) in pairs:
            compare(tree, config, ideal_tree, ideal_config)

    def run_build() -> None:
        for tree in trees:
            build(tree)

    run_compare()  # warm caches (imports, tree-sitter) outside the measurement
    compare_times = timed(run_compare, args.runs)
    build_times = timed(run_build, args.runs)
    compare_s = statistics.median(compare_times)
    build_s = statistics.median(build_times)
    resources = sum(sum(1 for _ in pair[0][1].resources()) for pair in pairs)
    print(f"pairs: {len(pairs)} (response resources: {resources}), runs: {args.runs}")
    print(f"compare: median {compare_s:.3f}s -> {len(pairs) / compare_s:.1f} comparisons/s")
    print(f"model build (baseline): median {build_s:.3f}s -> {len(trees) / build_s:.1f} builds/s")
    print(f"compare costs {compare_s / build_s:.2f}x the model build of the same responses")
    summary = {
        "bench": "compare",
        "pairs": len(pairs),
        "comparisons_per_s": round(len(pairs) / compare_s, 1),
        "median_s": round(compare_s, 4),
        "baseline": "model build of the responses",
        "baseline_per_s": round(len(trees) / build_s, 1),
        "baseline_ratio": round(compare_s / build_s, 3),
        "runs": args.runs,
    }
    print(json.dumps(summary))


if __name__ == "__main__":
    main()
