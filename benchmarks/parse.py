"""Benchmark the Terraform model over all HCL extracted from the corpus.

Every response and ideal response is extracted once (not timed); then, for several runs in one
process, each variant processes the same files:

- ``build``: ``harness.terraform.build`` per response tree (tree-sitter model, HashiCorp
  verdict via pygohcl, placeholders, module wiring, validation),
- ``build (no verdict)``: the same with ``BuildLimits(syntax_verdict=False)``,
- ``static validation``: ``harness.terraform.validate`` alone over the models built once before
  the runs, with the collector paused as a scoring run grades (what every rule of
  ``complete.modules_resolve`` costs; the share of ``build`` is in the summary),
- ``tree-sitter parse``: ``Parser.parse`` of each file and nothing else (the floor),
- ``pygohcl verdict``: HashiCorp's parser alone (what the verdict costs),
- ``python-hcl2 loads``: the baseline a design card would pick (errors caught).

Runs are interleaved (one of each variant per round) and timed with the process CPU clock by
default, because the machine is shared and wall time mostly measures the neighbours; pass
``--wall`` for wall-clock time. Medians are reported with ratios to the bare parse and
speed-ups over python-hcl2, then the diagnostics the builder emits on the corpus.

    python benchmarks/parse.py [--runs 5] [--hcl2-runs 3] [--corpus ../shared/corpus] [--wall]

The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable
from pathlib import Path

import pygohcl

from harness.collector import paused_collector
from harness.extract import extract
from harness.extract.types import FileTree
from harness.terraform import BuildLimits, build, is_terraform_file
from harness.terraform.cst import parse_bytes
from harness.terraform.validate import validate

REPO = Path(__file__).resolve().parents[1]


def _markdown(root: Path) -> list[Path]:
    return sorted(
        p
        for group in ("terraform", "other")
        for p in (root / group).glob("*/*.md")
        if p.name.startswith(("MODEL_RESPONSE", "IDEAL_RESPONSE"))
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--hcl2-runs", type=int, default=3, help="python-hcl2 is slow")
    default = Path(os.environ.get("IAC_HARNESS_CORPUS", REPO.parent / "shared" / "corpus"))
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    args = parser.parse_args()
    if not (args.corpus / "terraform").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    clock = time.perf_counter if args.wall else time.process_time
    trees: list[FileTree] = [extract(p) for p in _markdown(args.corpus)]
    trees = [t for t in trees if any(is_terraform_file(f) for f in t.files)]
    texts = [f.content for t in trees for f in t.files if is_terraform_file(f)]
    blobs = [text.encode("utf-8") for text in texts]
    megabytes = sum(len(b) for b in blobs) / 1e6
    full, fast = BuildLimits(), BuildLimits(syntax_verdict=False)
    models = [(build(t, limits=full), tuple(f.path for f in t.files)) for t in trees]

    def hcl2_loads() -> None:
        import hcl2  # test/benchmark-only dependency, never imported by harness

        for text in texts:
            with contextlib.suppress(Exception):  # raises on invalid files; time counts anyway
                hcl2.loads(text)

    def pygohcl_verdicts() -> None:
        for blob in blobs:
            with contextlib.suppress(Exception):
                pygohcl.loadb(blob)

    def validate_all() -> None:
        with paused_collector():  # as in a scoring run (``WorkerState.graded``)
            for config, paths in models:
                validate(config, paths)

    variants: dict[str, Callable[[], object]] = {
        "build": lambda: [build(t, limits=full) for t in trees],
        "build (no verdict)": lambda: [build(t, limits=fast) for t in trees],
        "static validation": validate_all,
        "tree-sitter parse": lambda: [parse_bytes(b) for b in blobs],
        "pygohcl verdict": pygohcl_verdicts,
        "python-hcl2 loads": hcl2_loads,
    }
    times: dict[str, list[float]] = {name: [] for name in variants}
    for name in ("build", "tree-sitter parse"):  # warm-up: imports, parser, regexes
        variants[name]()
    for run in range(args.runs):
        for name, function in variants.items():
            if name == "python-hcl2 loads" and run >= args.hcl2_runs:
                continue
            start = clock()
            function()
            times[name].append(clock() - start)
    median = {name: statistics.median(values) for name, values in times.items()}
    floor, baseline = median["tree-sitter parse"], median["python-hcl2 loads"]

    clock_name = "wall" if args.wall else "cpu"
    print(f"corpus: {args.corpus}: {len(trees)} trees with Terraform, {len(texts)} .tf files")
    print(
        f"{megabytes:.2f} MB; {args.runs} runs ({args.hcl2_runs} of python-hcl2); {clock_name} time"
    )
    print(
        f"{'variant':22} {'median s':>9} {'files/s':>9} {'MB/s':>7} {'x parse':>8} {'vs hcl2':>8}"
    )
    for name, value in median.items():
        print(
            f"{name:22} {value:9.3f} {len(texts) / value:9.1f} {megabytes / value:7.2f} "
            f"{value / floor:8.2f} {baseline / value:7.1f}x"
        )
    codes: Counter[str] = Counter()
    for tree in trees:
        codes.update(d.code for d in build(tree).diagnostics)
    print("diagnostics: " + ", ".join(f"{c}={n}" for c, n in sorted(codes.items())))
    summary = {
        "bench": "parse",
        "clock": clock_name,
        "trees": len(trees),
        "files": len(texts),
        "megabytes": round(megabytes, 3),
        "runs": args.runs,
        "files_per_s": {name: round(len(texts) / v, 1) for name, v in median.items()},
        "mb_per_s": {name: round(megabytes / v, 3) for name, v in median.items()},
        "build_vs_parse": round(median["build"] / floor, 2),
        "build_no_verdict_vs_parse": round(median["build (no verdict)"] / floor, 2),
        "validation_vs_parse": round(median["static validation"] / floor, 2),
        "validation_share_of_build": round(median["static validation"] / median["build"], 3),
        "baseline": "python-hcl2 loads",
        "baseline_ratio": round(baseline / median["build"], 1),
        "baseline_ratio_no_verdict": round(baseline / median["build (no verdict)"], 1),
        "diagnostics": dict(sorted(codes.items())),
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
