"""Benchmark ``iac-harness score`` over the shared corpus, and what it finds.

Speed: the whole corpus (every response, follow-up overlay and ideal) is scored with the
generic rubric several times into a temporary run folder (one process, no disk cache: every
stage runs); the median run gives responses/s, and the summed per-stage timings give each
stage's share (extract, model, compare, checks, scoring). With ``--jobs N`` > 1 the parallel
runs are timed too and ``baseline_ratio`` = parallel / serial throughput.

The floor and the baselines are measured in the same process, over the same HCL: every
Terraform file of every tree the run scored (each unit's tree, as its result stores it):

- ``tree-sitter parse``: ``Parser.parse`` of each file and nothing else (the floor). It is
  timed *inside* each scoring run: as each unit's result is written, its files are parsed
  and only that parse is timed (``FloorBeside``), and the run's scoring time is its total
  minus those parses. Scoring and floor so meet the same moments of a shared machine, whose
  speed drifts by half within a minute; a floor timed after the whole run met other
  neighbours. ``x_floor`` = scoring time / floor time (the issue's target: <= 4),
  ``x_floor_by_round`` = each round's own ratio,
- ``python-hcl2 loads``: what a design card would pick to read HCL (errors caught; slow, so
  ``--hcl2-runs`` of the rounds only); ``x_hcl2`` = scoring time / hcl2 time (below 1: the
  whole pipeline costs less than python-hcl2's parse alone).

Scoring runs in the environment the command line's workers get (``benchmarks/workerenv.py``:
Go's collector at ``GOGC=400`` for pygohcl, which Go reads only when a process starts): the
benchmark starts itself again with it when ``GOGC`` is unset. ``--caller-env`` times it in
the environment you started it with instead (or set ``GOGC`` yourself); the summary's
``gogc`` says which. The floors do not call Go.

No checkov-style baseline is measured: checkov is not a dependency of the project.
Seconds are the process CPU clock by default (the machine is shared and wall time mostly
measures the neighbours; a serial run uses one core); ``--wall`` times wall-clock instead.

Findings (from the last serial run): per category, how often each criterion status occurs,
and in tasks with several model responses the fraction of (ideal, response) pairs where the
ideal scores higher (a follow-up counts by its overlaid tree, the project as it stands after
that turn; ``own_files`` counts each response's own files instead).

    python benchmarks/score.py [--runs 3] [--hcl2-runs 1] [--jobs 2] [--limit N] [--wall]
                               [--caller-env] [--corpus ../shared/corpus]

The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import statistics
import sys
import tempfile
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path

from harness.results import ResponseResult, RunData
from harness.rubric import load_rubric
from harness.run import OVERLAY_SUFFIX, discover, score_paths
from harness.run.batch import Progress
from harness.store import ScoredLines
from harness.terraform import is_terraform_file
from harness.terraform.cst import parse_bytes

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workerenv import described, restart_as_workers_start

REPO = Path(__file__).resolve().parents[1]
STATUSES = ("pass", "partial", "fail", "na", "error")


def _timed_run(
    paths: list[Path], jobs: int, progress: Progress | None = None
) -> tuple[float, float, RunData]:
    """(wall seconds, this process's CPU seconds, the run)."""
    rubric = load_rubric("terraform-aws-production")
    with tempfile.TemporaryDirectory() as out:
        wall, cpu = time.perf_counter(), time.process_time()
        run = score_paths(paths, rubric, Path(out), progress=progress, jobs=jobs)
        return time.perf_counter() - wall, time.process_time() - cpu, run


def hcl_by_unit(run: RunData) -> dict[tuple[str, str], list[bytes]]:
    """The bytes of every Terraform file of each tree the run scored (its units' trees)."""
    return {
        (result.task_id, result.response_id): [
            file.content.encode("utf-8", "replace")
            for file in result.tree.files
            if is_terraform_file(file)
        ]
        for result in run.responses
        if result.tree is not None
    }


def scored_hcl(run: RunData) -> list[bytes]:
    """The bytes of every Terraform file of every tree the run scored (its units' trees)."""
    return [blob for blobs in hcl_by_unit(run).values() for blob in blobs]


class FloorBeside:
    """A batch's progress listener that parses each unit's Terraform files (the floor) as soon
    as the unit's result is written, and times only those parses, so that the floor is
    measured within the same seconds as the scoring around it. Serial runs only: with
    workers, the units are graded elsewhere."""

    def __init__(self, blobs: dict[tuple[str, str], list[bytes]], clock: Callable[[], float]):
        self.blobs = blobs
        self.clock = clock
        self.seconds = self.wall_seconds = 0.0
        self.files = 0

    def start(self, total: int) -> None:
        self.seconds = self.wall_seconds = 0.0
        self.files = 0

    def advance(self, outcome: ScoredLines) -> None:
        blobs = self.blobs.get(outcome.key)
        if not blobs:  # no Terraform (CloudFormation, an error): nothing to parse or time
            return
        start, wall = self.clock(), time.perf_counter()
        parse_floor(blobs)
        self.seconds += self.clock() - start
        self.wall_seconds += time.perf_counter() - wall
        self.files += len(blobs)

    def stop(self) -> None:
        pass


def parse_floor(blobs: list[bytes]) -> None:
    """The floor: a bare tree-sitter parse of each file."""
    for blob in blobs:
        parse_bytes(blob)


def hcl2_baseline(blobs: list[bytes]) -> None:
    """python-hcl2 reading each file (errors caught: the time counts anyway)."""
    import hcl2  # benchmark-only dependency, never imported by harness

    for blob in blobs:
        with contextlib.suppress(Exception):
            hcl2.loads(blob.decode("utf-8"))


def status_by_category(run: RunData) -> dict[str, dict[str, int]]:
    table: dict[str, Counter[str]] = defaultdict(Counter)
    for result in run.responses:
        for criterion in result.criteria:
            table[criterion.category][criterion.status.value] += 1
    return {category: {s: table[category][s] for s in STATUSES} for category in sorted(table)}


def ideal_wins(
    run: RunData, *, overlay: bool = True, group: str | None = None
) -> tuple[int, int, int]:
    """(pairs, ideal higher, ties) over tasks with more than one model response; ``group``
    keeps only tasks from that corpus folder (``terraform`` or ``other``)."""
    by_task: dict[str, dict[str, ResponseResult]] = defaultdict(dict)
    for result in run.responses:
        if group is None or Path(result.source).parent.parent.name == group:
            by_task[result.task_id][result.response_id] = result
    pairs = wins = ties = 0
    for results in by_task.values():
        ideal = next((r for r in results.values() if r.is_ideal), None)
        own = [r for rid, r in results.items() if not r.is_ideal and OVERLAY_SUFFIX not in rid]
        if ideal is None or ideal.overall is None or len(own) < 2:
            continue
        for response in own:
            chosen = results.get(response.response_id + OVERLAY_SUFFIX) if overlay else None
            score = (chosen or response).overall
            if score is None:
                continue
            pairs += 1
            wins += ideal.overall > score
            ties += ideal.overall == score
    return pairs, wins, ties


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hcl2-runs", type=int, default=1, help="python-hcl2 is slow; 0: skip")
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    parser.add_argument("--jobs", type=int, default=1, help="also time runs with N processes")
    parser.add_argument("--limit", type=int, default=0, help="only the first N tasks")
    default = Path(os.environ.get("IAC_HARNESS_CORPUS", REPO.parent / "shared" / "corpus"))
    parser.add_argument("--corpus", type=Path, default=default)
    parser.add_argument(
        "--caller-env",
        action="store_true",
        help="score in this environment, not the command line's workers' (GOGC)",
    )
    args = parser.parse_args()
    restart_as_workers_start(args.caller_env)
    if not (args.corpus / "terraform").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    paths = [args.corpus / "terraform", args.corpus / "other"]
    if args.limit:
        paths = [plan.path for plan in discover(paths)[: args.limit]]
    clock = time.perf_counter if args.wall else time.process_time
    # warm-up (imports, parsers, regexes, the rubric), and which files each unit's tree has
    _, _, warm = _timed_run(paths, 1)
    by_unit = hcl_by_unit(warm)
    blobs = scored_hcl(warm)
    beside = FloorBeside(by_unit, clock)
    serial: list[float] = []
    serial_wall: list[float] = []
    floor: list[float] = []
    hcl2: list[float] = []
    run: RunData | None = None
    for index in range(args.runs):
        wall, cpu, run = _timed_run(paths, 1, beside)
        if beside.files != len(blobs):
            print(f"the floor parsed {beside.files} of {len(blobs)} files", file=sys.stderr)
            return 1
        # the floor's parses happened inside the run: its seconds are not scoring's
        seconds = (wall if args.wall else cpu) - beside.seconds
        serial.append(seconds)
        serial_wall.append(wall - beside.wall_seconds)
        floor.append(beside.seconds)
        if index < args.hcl2_runs:
            start = clock()
            hcl2_baseline(blobs)
            hcl2.append(clock() - start)
        print(
            f"run {index + 1}: {len(run.responses)} responses in {seconds:.2f}s; "
            f"tree-sitter parse of their {len(blobs)} .tf files {floor[-1]:.2f}s"
            + (f"; python-hcl2 {hcl2[-1]:.2f}s" if index < args.hcl2_runs else ""),
            flush=True,
        )
    assert run is not None
    parallel = []
    if args.jobs > 1:
        for index in range(args.runs):
            seconds, _, _ = _timed_run(paths, args.jobs)  # wall: the work is in workers
            parallel.append(seconds)
            print(f"run {index + 1} (--jobs {args.jobs}): {seconds:.1f}s", flush=True)
    responses = len(run.responses)
    scoring_s, floor_s = statistics.median(serial), statistics.median(floor)
    # each round's own ratio: its scoring against the floor parsed beside it, unit by unit
    round_x_floor = [round(s / f, 2) for s, f in zip(serial, floor, strict=True) if f]
    rate = responses / scoring_s
    stage_total = sum(run.info.timings.values()) or 1.0
    shares = {k: round(v / stage_total, 3) for k, v in run.info.timings.items()}
    statuses = status_by_category(run)
    pairs, wins, ties = ideal_wins(run)
    own_pairs, own_wins, _ = ideal_wins(run, overlay=False)
    tf_pairs, tf_wins, tf_ties = ideal_wins(run, group="terraform")
    print(f"\n{'category':14s}" + "".join(f"{s:>9s}" for s in STATUSES))
    for category, counts in statuses.items():
        print(f"{category:14s}" + "".join(f"{counts[s]:9d}" for s in STATUSES))
    print(f"\nstage share: {shares}; GOGC: {described()}")
    clock_name = "wall" if args.wall else "cpu"
    print(
        f"scoring {rate:.1f} responses/s ({clock_name}); tree-sitter floor "
        f"{responses / floor_s:.1f} responses/s: scoring = {scoring_s / floor_s:.2f}x the floor"
        + (
            f"; python-hcl2 alone {responses / statistics.median(hcl2):.1f} responses/s"
            if hcl2
            else ""
        )
    )
    if round_x_floor:
        print(
            f"each round's own ratio to the floor: {', '.join(map(str, round_x_floor))} "
            f"(median {statistics.median(round_x_floor):.2f})"
        )
    print(
        f"ideal scores higher in {wins} of {pairs} (ideal, response) pairs of multi-response "
        f"tasks ({ties} ties); own files only: {own_wins} of {own_pairs}; Terraform tasks "
        f"only: {tf_wins} of {tf_pairs} ({tf_ties} ties)"
    )
    summary = {
        "bench": "score",
        "responses": responses,
        "responses_per_s": round(rate, 2),
        "clock": clock_name,
        "gogc": described(),
        "runs": args.runs,
        "median_s": round(scoring_s, 3),
        "tf_files": len(blobs),
        "floor": "tree-sitter parse",
        "floor_responses_per_s": round(responses / floor_s, 1),
        "x_floor": round(scoring_s / floor_s, 2),
        "x_floor_by_round": round_x_floor,
        "stage_share": shares,
        "errors": run.info.counts.get("errors", 0),
        "criterion_errors": run.info.counts.get("criterion_errors", 0),
        "status_by_category": statuses,
        "ideal_higher": {"pairs": pairs, "ideal_higher": wins, "ties": ties},
        "ideal_higher_own_files": {"pairs": own_pairs, "ideal_higher": own_wins},
        "ideal_higher_terraform": {"pairs": tf_pairs, "ideal_higher": tf_wins, "ties": tf_ties},
    }
    if hcl2:
        hcl2_s = statistics.median(hcl2)
        summary["hcl2_responses_per_s"] = round(responses / hcl2_s, 1)
        summary["x_hcl2"] = round(scoring_s / hcl2_s, 3)
    if parallel:
        summary["jobs"] = args.jobs
        summary["baseline_ratio"] = round(
            statistics.median(serial_wall) / statistics.median(parallel), 2
        )
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    sys.exit(main())
