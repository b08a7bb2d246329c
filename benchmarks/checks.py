"""Benchmark the checks stage check by check: CPU seconds each check takes over the corpus.

One round scores the whole corpus serially with the generic rubric (no disk cache) twice,
the first to warm up, and times the second: every ``run_check`` call per check id, and
``evaluate`` (the engine with the checks it runs; ``engine_s`` is evaluate minus the
checks). Seconds are the process CPU clock. Each round runs in its own process.

With ``--commit REV`` the same rounds run on that commit's code too (``git archive`` into a
temporary folder, first on ``PYTHONPATH``), one round of each in turn, so both sides meet
the same neighbours on a shared machine; medians per side, and ``speedup`` = baseline /
this code for the engine and for each check.

    python benchmarks/checks.py [--runs 3] [--commit b91c6b0] [--top 15]
                                [--corpus ../shared/corpus]

The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from baseline import (
    REPO,
    add_corpus,
    add_emit,
    emitted,
    emitted_round,
    export_commit,
    parse_with_corpus,
)

ENGINE = "(engine: evaluate)"


def measure(corpus: Path) -> dict[str, float]:
    """One round in this process: seconds per check id, and the engine's under ENGINE."""
    from harness.checks import registry
    from harness.grading import engine
    from harness.run import pipeline, score_paths

    spent: defaultdict[str, float] = defaultdict(float)

    def timed(key_of: Callable[..., str], function: Callable[..., Any]) -> Callable[..., Any]:
        def wrapper(*args: Any) -> Any:
            start = time.process_time()
            try:
                return function(*args)
            finally:
                spent[key_of(*args)] += time.process_time() - start

        return wrapper

    registry.run_check = timed(lambda spec, *_: spec.id, registry.run_check)
    evaluate = timed(lambda *_: ENGINE, engine.evaluate)
    pipeline.evaluate = evaluate  # type: ignore[attr-defined]  # the name the pipeline calls

    def score_once() -> None:
        with tempfile.TemporaryDirectory() as out:
            paths = [corpus / "terraform", corpus / "other"]
            score_paths(paths, "terraform-aws-production", Path(out) / "run")

    score_once()  # warm: imports, lexicons, caches of the process
    spent.clear()
    score_once()
    return dict(spent)


def _round(code: Path, corpus: Path) -> dict[str, float]:
    """One round in a fresh process running the harness found in ``code``."""
    with tempfile.TemporaryDirectory() as tmp:
        found: dict[str, float] = emitted_round(Path(__file__), code, corpus, Path(tmp))
        return found


def _medians(rounds: Iterable[dict[str, float]]) -> dict[str, float]:
    rounds = list(rounds)
    keys = {key for found in rounds for key in found}
    return {key: statistics.median(found.get(key, 0.0) for found in rounds) for key in keys}


def _summary(medians: dict[str, float]) -> dict[str, float]:
    checks = sum(v for k, v in medians.items() if k != ENGINE)
    evaluate = medians.get(ENGINE, 0.0)
    return {
        "evaluate_s": round(evaluate, 3),
        "checks_s": round(checks, 3),
        "engine_s": round(evaluate - checks, 3),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_corpus(parser)
    parser.add_argument("--runs", type=int, default=3, help="rounds per side (median)")
    parser.add_argument("--commit", help="git commit whose code is the baseline (e.g. main)")
    parser.add_argument("--top", type=int, default=15, help="checks listed (slowest first)")
    add_emit(parser)
    args, corpus = parse_with_corpus(parser)
    if emitted(args.emit, lambda: measure(corpus)):
        return 0
    ours_rounds: list[dict[str, float]] = []
    base_rounds: list[dict[str, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        base_code = export_commit(args.commit, Path(tmp)) if args.commit else None
        for _ in range(args.runs):
            ours_rounds.append(_round(REPO, corpus))
            if base_code is not None:
                base_rounds.append(_round(base_code, corpus))
    ours = _medians(ours_rounds)
    base = _medians(base_rounds) if base_rounds else {}
    slowest = sorted((k for k in ours if k != ENGINE), key=lambda k: -ours[k])[: args.top]
    print(f"{'check':42} {'this s':>8}" + (f" {'base s':>8} {'speedup':>8}" if base else ""))
    for key in [ENGINE, *slowest]:
        line = f"{key:42} {ours[key]:8.3f}"
        if base:
            line += f" {base.get(key, 0.0):8.3f} {base.get(key, 0.0) / ours[key]:8.2f}"
        print(line)
    summary: dict[str, object] = {"bench": "checks", "runs": args.runs, **_summary(ours)}
    summary["per_check_s"] = {k: round(ours[k], 3) for k in slowest}
    if base:
        summary["baseline"] = args.commit
        summary["baseline_s"] = _summary(base)
        summary["speedup_evaluate"] = round(base[ENGINE] / ours[ENGINE], 3)
        summary["speedup_checks"] = round(
            _summary(base)["checks_s"] / max(_summary(ours)["checks_s"], 1e-9), 3
        )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
