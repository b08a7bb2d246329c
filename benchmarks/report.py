"""Benchmark the reports (HTML site, XLSX workbook, SARIF log) over the whole-corpus run.

The corpus is scored ``--score-runs`` times into temporary run folders (one worker, no
cache: the median is the scoring time the reports are held against; or pass ``--run-dir`` to
reuse a run folder, whose run.json duration then stands in), then the three formats are
built ``--runs`` times from that folder alone, the way ``iac-harness report`` does: the run
folder read once, then each format from it (the per-format times; ``total_s`` includes the
read). Reported: the
median seconds per format and for all three, responses per second, the size of what was
written and its bytes per response (HTML site, XLSX and SARIF together; target <= 100 KB),
``scoring_ratio`` = the time to build all three reports / the time to score (target <= 0.5;
the read of the run folder included, as ``iac-harness report`` pays it),
``scoring_ratio_in_score`` = the same without the read (``iac-harness score`` builds its
reports from the run it holds in memory), ``round_ratios`` = each alternating round's own two
ratios and their medians (a report round against the scoring round just before it: on a
machine whose speed drifts, each pair sees the same speed, where the medians of the two sides
may come from different moments), and ``baseline_ratio`` = the report time / the
time to just read the run folder (``load_run``), all measured in the same process. Scoring
and report rounds alternate (score, reports, score, reports, ...) so a busy neighbour weighs
on both sides of the ratio alike.

The corpus is scored in the environment the command line's workers start with
(``benchmarks/workerenv.py``: ``GOGC=400`` for pygohcl's Go runtime, which reads it only at a
process's start), as ``benchmarks/score.py`` scores it; ``--caller-env`` keeps yours.

Seconds are this process's CPU clock by default, as in ``benchmarks/score.py`` (the machine is
shared, and wall time mostly measures the neighbours); ``--wall`` times wall-clock instead.
With ``--run-dir`` the scoring time is the run's recorded (wall) duration.

Bytes per response are given per format: HTML (the ``report/`` site, also by kind of page:
index, tasks, responses, text, src, assets), XLSX (``report.xlsx``)
and SARIF (``findings.sarif`` plus the ``extracted/`` files its locations point into, which
the sarif format writes), their sum ``bytes_per_response`` (target <= 100 KB) and, for
comparison with earlier figures that left it out, the sum without ``extracted/``.

    python benchmarks/report.py [--runs 3] [--score-runs 2] [--run-dir RUN] [--corpus DIR] [--wall]
                                [--caller-env]

Without a corpus the synthetic test run (tests/report/synthetic.py), repeated, stands in and
the summary says so. The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.collector import sparing_what_is_alive  # noqa: E402
from harness.report.formats import (  # noqa: E402
    ReportOptions,
    building_with,
    select_formats,
    sharing_model,
)
from harness.store import load_run, write_run  # noqa: E402

sys.path.insert(0, str(Path(__file__).resolve().parent))
from workerenv import described, restart_as_workers_start  # noqa: E402

FORMATS = ("html", "xlsx", "sarif")

#: the clock every figure is read from (``--wall`` swaps in wall time)
clock = time.process_time


def _corpus_run(corpus: Path, out: Path) -> float:
    """Score the corpus into ``out`` on one worker without a cache; the seconds it took."""
    from harness.rubric import load_rubric
    from harness.run import score_paths

    groups = [corpus / g for g in ("terraform", "other") if (corpus / g).is_dir()]
    rubric = load_rubric("terraform-aws-production")
    start = clock()
    score_paths(groups, rubric, out)
    return clock() - start


def _synthetic_run(out: Path, copies: int = 40) -> None:
    from tests.report.synthetic import synthetic_run

    run = synthetic_run()
    responses = tuple(
        replace(r, task_id=f"{r.task_id}-{i}") for i in range(copies) for r in run.responses
    )
    write_run(out, replace(run, responses=responses))


def _size(path: Path) -> int:
    """Bytes of a file, or of every file under a folder (0 when absent)."""
    if path.is_file():
        return path.stat().st_size
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _site_parts(site: Path) -> dict[str, int]:
    """Bytes of the HTML site by kind of page: the index, task pages, response pages, their
    text pages, file views (src/) and assets (the rest: agreement page...)."""
    parts = dict.fromkeys(("index", "tasks", "responses", "text", "src", "assets", "other"), 0)
    if not site.is_dir():
        return parts
    for path in site.rglob("*"):
        if not path.is_file():
            continue
        rel = path.relative_to(site).parts
        if rel == ("index.html",):
            kind = "index"
        elif rel[0] in ("tasks", "src", "assets"):
            kind = rel[0]
        elif rel[0] == "r":
            kind = "text" if rel[-1] == "text.html" else "responses"
        else:
            kind = "other"
        parts[kind] += path.stat().st_size
    return parts


#: what each format writes, relative to the run folder
OUTPUTS = {
    "html": ("report",),
    "xlsx": ("report.xlsx",),
    "sarif": ("findings.sarif", "extracted"),
}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--score-runs", type=int, default=2)
    parser.add_argument("--run-dir", type=Path, default=None)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("IAC_HARNESS_CORPUS", REPO.parent / "shared" / "corpus")),
    )
    parser.add_argument("--wall", action="store_true", help="wall-clock instead of CPU time")
    parser.add_argument(
        "--caller-env",
        action="store_true",
        help="score in this environment, not the command line's workers' (GOGC)",
    )
    args = parser.parse_args()
    restart_as_workers_start(args.caller_env)
    global clock
    if args.wall:
        clock = time.perf_counter

    with tempfile.TemporaryDirectory() as tmp:
        source = "run-dir"
        run_dir = args.run_dir
        scoring: list[float] = []
        if run_dir is None and not (args.corpus / "terraform").is_dir():
            source, run_dir = "synthetic", Path(tmp) / "run"
            _synthetic_run(run_dir)
            print(f"no corpus at {args.corpus}; timing the synthetic run x40 instead")
        elif run_dir is None:
            source = "corpus"
        times: dict[str, list[float]] = {f: [] for f in (*FORMATS, "load", "total")}
        for number in range(1, max(args.runs, args.score_runs if source == "corpus" else 0) + 1):
            if source == "corpus" and number <= args.score_runs:
                run_dir = Path(tmp) / f"run-{number}"
                scoring.append(_corpus_run(args.corpus, run_dir))
                print(f"scoring {number}: {scoring[-1]:.2f}s")
            if number > args.runs:
                continue
            assert run_dir is not None
            # what build_reports(run_dir) does, with a clock around each format
            start = clock()
            run = load_run(run_dir)
            times["load"].append(clock() - start)
            total = times["load"][-1]
            with sharing_model(run), building_with(ReportOptions()), sparing_what_is_alive():
                for fmt in select_formats(FORMATS):
                    start = clock()
                    fmt.build(run, run_dir)
                    elapsed = clock() - start
                    times[fmt.name].append(elapsed)
                    total += elapsed
            times["total"].append(total)
            print(
                f"run {number}: "
                + ", ".join(f"{f} {times[f][-1]:.2f}s" for f in (*FORMATS, "load"))
                + f", all three {total:.2f}s"
            )
        assert run_dir is not None
        if not scoring:  # a given run folder (or the synthetic run): its recorded duration
            scoring.append(load_run(run_dir).info.duration_s)
        responses = len(load_run(run_dir).responses)
        median = {k: statistics.median(v) for k, v in times.items()}
        # rounds that scored (the corpus) and then built the reports, in that order
        rounds = zip(scoring, times["total"], times["load"], strict=False)
        paired = list(rounds) if source == "corpus" else []
        with_read = [round(total / score, 3) for score, total, _ in paired if score]
        without_read = [round((total - load) / score, 3) for score, total, load in paired if score]
        if with_read:
            print(
                f"each round's own ratio: {', '.join(map(str, with_read))} (median "
                f"{statistics.median(with_read):.3f}); without the read: "
                f"{', '.join(map(str, without_read))} (median "
                f"{statistics.median(without_read):.3f})"
            )
        pages = sum(1 for _ in (run_dir / "report").rglob("*.html"))
        score_s = statistics.median(scoring)
        sizes = {name: _size(run_dir / name) for names in OUTPUTS.values() for name in names}
        by_format = {fmt: sum(sizes[name] for name in names) for fmt, names in OUTPUTS.items()}
        written = sum(by_format.values())
        per_response = max(responses, 1)
        print(
            f"{responses} responses: reports {median['total']:.2f}s ("
            + ", ".join(f"{fmt} {median[fmt]:.2f}s" for fmt in FORMATS)
            + f", read {median['load']:.2f}s) vs scoring {score_s:.2f}s: ratio "
            f"{median['total'] / score_s:.3f} (target 0.5); without the read, as "
            f"`iac-harness score` builds them: {(median['total'] - median['load']) / score_s:.3f}"
        )
        site_parts = _site_parts(run_dir / "report")
        print(
            "html bytes per response by page: "
            + ", ".join(f"{k} {v / per_response / 1000:.2f} KB" for k, v in site_parts.items())
        )
        print(
            f"bytes per response: {written / per_response / 1000:.1f} KB (target 100) = "
            + " + ".join(
                f"{fmt} {size / per_response / 1000:.1f} KB" for fmt, size in by_format.items()
            )
            + f" (sarif's extracted/ {sizes['extracted'] / per_response / 1000:.1f} KB)"
        )
        summary = {
            "bench": "report",
            "source": source,
            "responses": responses,
            "runs": args.runs,
            "clock": "wall" if args.wall else "cpu",
            "gogc": described(),
            "total_s": round(median["total"], 3),
            "html_s": round(median["html"], 3),
            "xlsx_s": round(median["xlsx"], 3),
            "sarif_s": round(median["sarif"], 3),
            "load_s": round(median["load"], 3),
            "baseline_ratio": round(median["total"] / median["load"], 2),
            "score_s": round(score_s, 3),
            "score_runs": len(scoring),
            "scoring_ratio": round(median["total"] / score_s, 3) if score_s else None,
            "scoring_ratio_in_score": (
                round((median["total"] - median["load"]) / score_s, 3) if score_s else None
            ),
            "round_ratios": {
                "with_read": with_read,
                "without_read": without_read,
                "median_with_read": statistics.median(with_read) if with_read else None,
                "median_without_read": statistics.median(without_read) if without_read else None,
            },
            "bytes_per_response": round(written / per_response),
            "bytes_per_response_by_format": {
                fmt: round(size / per_response) for fmt, size in by_format.items()
            },
            "html_bytes_per_response_by_page": {
                k: round(v / per_response) for k, v in site_parts.items()
            },
            "bytes_per_response_without_extracted": round(
                (written - sizes["extracted"]) / per_response
            ),
            "targets": {"scoring_ratio": 0.5, "bytes_per_response": 100_000},
            "responses_per_s": round(responses / median["total"], 2),
            "html_pages": pages,
            "html_mb": round(by_format["html"] / 1e6, 1),
            "xlsx_mb": round(by_format["xlsx"] / 1e6, 2),
            "sarif_mb": round(sizes["findings.sarif"] / 1e6, 2),
            "extracted_mb": round(sizes["extracted"] / 1e6, 2),
        }
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
