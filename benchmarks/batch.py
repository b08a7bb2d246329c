"""Benchmark the batch layer on a synthetic set (``benchmarks/synth.py``): cache, rescore,
workers, Dask, memory.

Every figure comes from ``iac-harness score`` / ``rescore`` run as a subprocess, as a user
runs them, over the same synthetic responses in this one run:

- ``cold``: one worker, an empty cache: the baseline every ratio divides by;
- ``warm``: the same responses scored again into a new folder (results from the cache);
- ``rescore_weights``: ``rescore`` of the cold run with weights, a severity and a gate
  changed: every criterion's result is reused, no model is loaded;
- ``rescore_params``: ``rescore`` with a parameter changed as well: trees, models and
  comparisons come from the cache, the checks and the scoring run again;
- ``jobs2``: two local workers, an empty cache (ratio to ``cold``: the speed-up of a second
  core);
- ``dask2``: ``--executor dask`` with a LocalCluster of two workers, an empty cache (ratio
  to ``jobs2``);
- ``batch only``: the same rate over run.json's duration (without the command's start-up);
- peak RSS of the whole process tree (the command and its workers, sampled every 0.1 s) for
  each run, and for a cold run of each ``--rss-sizes`` size.

    python benchmarks/batch.py [--n 1000] [--rss-sizes 1000,10000] [--skip-dask]

Reports are off in every run (their cost is the report benchmark's). The last line is a JSON
summary; targets are printed beside the figures, met or not.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from dataclasses import dataclass
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth
from proctree import run_measured

RUBRIC = "terraform-aws-production"
#: Only weights, a severity and a gate change: every criterion's result is reused.
REWEIGHTED_RUBRIC = """\
id: bench-reweighted
version: "1"
title: the generic rubric with weights, a severity and a gate changed
extends: terraform-aws-production
criteria:
  - id: tone.professional
    weight: 3
  - id: security.s3_versioning
    severity: critical
    gate: true
"""
#: A parameter changes too: that criterion's check runs again on every response.
CHANGED_RUBRIC = """\
id: bench-changed
version: "1"
title: the generic rubric with one weight and one parameter changed
extends: terraform-aws-production
criteria:
  - id: tone.professional
    weight: 3
  - id: tagging.required_keys
    params:
      keys: [Environment, Owner]
"""


@dataclass
class Measured:
    seconds: float
    responses: int
    peak_rss_mb: float
    batch_seconds: float  # run.json's duration: the batch without the command's start-up

    @property
    def rate(self) -> float:
        return self.responses / self.seconds

    @property
    def batch_rate(self) -> float:
        return self.responses / max(self.batch_seconds, 1e-6)


def run(*args: str | Path) -> Measured:
    """One command, timed, its process tree's peak RSS sampled."""
    command = [sys.executable, "-m", "harness", *map(str, args), "-q", "--no-reports"]
    finished = run_measured(command)
    if finished.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{finished.output}")
    out = Path(str(args[args.index("-o") + 1]))
    info = json.loads((out / "run.json").read_text())
    responses = info["counts"]["responses"]
    return Measured(finished.seconds, responses, finished.peak_rss_mb, info["duration_s"])


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="synthetic responses (default 1000)")
    parser.add_argument("--per-task", type=int, default=250)
    parser.add_argument("--rss-sizes", default="", help="e.g. 1000,10000: cold runs for RSS")
    parser.add_argument("--skip-dask", action="store_true")
    args = parser.parse_args(argv)
    figures: dict[str, object] = {"n": args.n}
    with tempfile.TemporaryDirectory(prefix="bench-batch-") as tmp_name:
        tmp = Path(tmp_name)
        synth.write(args.n, tmp / "set", args.per_task, seed=7)
        changed = tmp / "changed.yaml"
        changed.write_text(CHANGED_RUBRIC)
        reweighted = tmp / "reweighted.yaml"
        reweighted.write_text(REWEIGHTED_RUBRIC)
        one_worker = ("--cache", tmp / "cache", "-j", "1")  # the baseline: one worker
        measured: dict[str, Measured] = {}
        print(f"synthetic set: {args.n} responses in {tmp / 'set'}", flush=True)
        measured["cold"] = run("score", tmp / "set", "-r", RUBRIC, *one_worker, "-o", tmp / "cold")
        measured["warm"] = run("score", tmp / "set", "-r", RUBRIC, *one_worker, "-o", tmp / "warm")
        measured["rescore_weights"] = run(
            "rescore", tmp / "cold", "-r", reweighted, *one_worker, "-o", tmp / "rw"
        )
        measured["rescore_params"] = run(
            "rescore", tmp / "cold", "-r", changed, *one_worker, "-o", tmp / "re"
        )
        measured["jobs2"] = run(
            "score", tmp / "set", "-r", RUBRIC, "--cache", tmp / "c2", "-j", "2", "-o", tmp / "j2"
        )
        if not args.skip_dask:
            measured["dask2"] = run(
                "score", tmp / "set", "-r", RUBRIC, "--cache", tmp / "c3", "-j", "2",
                "--executor", "dask", "-o", tmp / "d2",
            )  # fmt: skip
        for size in (int(s) for s in args.rss_sizes.split(",") if s.strip()):
            synth.write(size, tmp / f"set{size}", args.per_task, seed=11)
            measured[f"rss{size}"] = run(
                "score", tmp / f"set{size}", "-r", RUBRIC, "--no-cache", "-j", "2",
                "-o", tmp / f"rss{size}",
            )  # fmt: skip
        cold = measured["cold"].rate
        for name, m in measured.items():
            ratio = m.rate / cold
            print(
                f"{name:15} {m.responses:6} responses {m.seconds:8.1f} s {m.rate:9.1f} /s "
                f"x{ratio:6.2f} of cold   batch only {m.batch_rate:9.1f} /s   "
                f"peak RSS {m.peak_rss_mb:7.0f} MB",
                flush=True,
            )
            figures[name] = {
                "responses": m.responses,
                "seconds": round(m.seconds, 2),
                "rate": round(m.rate, 2),
                "ratio_to_cold": round(ratio, 2),
                "batch_rate": round(m.batch_rate, 1),
                "batch_ratio_to_cold": round(m.batch_rate / measured["cold"].batch_rate, 2),
                "peak_rss_mb": round(m.peak_rss_mb, 1),
            }
        targets = {
            "warm_rate_ge_1000": measured["warm"].batch_rate >= 1000,
            "rescore_weights_ge_20x_cold": measured["rescore_weights"].rate >= 20 * cold,
            "rescore_params_ge_20x_cold": measured["rescore_params"].rate >= 20 * cold,
            "jobs2_ge_1.8x": measured["jobs2"].rate >= 1.8 * cold,
            "peak_rss_lt_1GiB": all(m.peak_rss_mb < 1024 for m in measured.values()),
        }
        if "dask2" in measured:
            within = measured["dask2"].rate >= 0.85 * measured["jobs2"].rate
            targets["dask_within_15pct_of_pool"] = within
        figures["targets_met"] = targets
        figures["cpus"] = os.cpu_count()
        figures["loadavg_1min"] = os.getloadavg()[0]
    print(json.dumps({"benchmark": "batch", **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
