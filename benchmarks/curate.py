"""Benchmark ``curate``: rows written per second, on scored runs.

By default it scores a synthetic set (``benchmarks/synth.py``, ``--n`` responses, a few
hundred per task) and, when ``../shared/corpus/terraform`` is there, the corpus, then times
``curate`` over each run (the median of ``--runs``). ``--run DIR`` times an existing run
folder instead (repeatable).

    python benchmarks/curate.py [--n 1000] [--runs 3] [--run RUN ...]

The last line is a JSON summary: per run, responses, rows per subset, seconds, rows/s and
responses/s.
"""

from __future__ import annotations

import argparse
import json
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import synth

from harness.curate import curate
from harness.run import BatchOptions, score_paths

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO.parent / "shared" / "corpus" / "terraform"


def timed(run: Path, out: Path, repeats: int) -> dict[str, object]:
    seconds = []
    summary = None
    for _ in range(repeats):
        start = time.perf_counter()
        summary = curate([run], out, command="benchmark")
        seconds.append(time.perf_counter() - start)
    assert summary is not None
    rows = {w.subset: w.rows for w in summary.written}
    responses = json.loads((run / "run.json").read_text())["counts"]["responses"]
    median = statistics.median(seconds)
    return {
        "responses": responses,
        "rows": rows,
        "seconds": round(median, 3),
        "rows_per_s": round(sum(rows.values()) / median, 1),
        "responses_per_s": round(responses / median, 1),
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=1000, help="synthetic responses to score")
    parser.add_argument("--runs", type=int, default=3, help="timed repeats (median)")
    parser.add_argument("--run", type=Path, action="append", default=[], help="a run folder")
    parser.add_argument("--jobs", type=int, default=2, help="workers when scoring the inputs")
    args = parser.parse_args(argv)
    figures: dict[str, object] = {}
    with tempfile.TemporaryDirectory(prefix="bench-curate-") as tmp_name:
        tmp = Path(tmp_name)
        runs: dict[str, Path] = {str(r): r for r in args.run}
        if not runs:
            synth.write(args.n, tmp / "set", 250, seed=7)
            options = BatchOptions(jobs=args.jobs, cache_dir=tmp / "cache")
            score_paths([tmp / "set"], "terraform-aws-production", tmp / "synth", options=options)
            runs[f"synthetic {args.n}"] = tmp / "synth"
            if CORPUS.is_dir():
                score_paths([CORPUS], "terraform-aws-production", tmp / "corpus", options=options)
                runs["corpus terraform"] = tmp / "corpus"
        for name, run in runs.items():
            figures[name] = timed(run, tmp / "out", args.runs)
            print(f"{name}: {figures[name]}", flush=True)
    print(json.dumps({"benchmark": "curate", **figures}))
    return 0


if __name__ == "__main__":
    sys.exit(main())
