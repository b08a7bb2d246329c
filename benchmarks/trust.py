"""Benchmark the trust views: ``diff`` of two runs and ``agree`` with a label set.

Run A is the whole corpus scored with the generic rubric (not timed; ``--run-dir`` reuses a
run folder; without a corpus the synthetic test run repeated ``--copies`` times stands in).
Run B is A with every third response's first criterion flipped and its overall lowered by
one point; the label set labels every criterion of every response, one in ten against the
harness. Each is timed ``--runs`` times. Reported: median seconds of reading both runs
(``load_s``, the baseline), of the diff (compute, JSON, HTML page), of the agreement
(compute, JSON, HTML page), and ``baseline_ratio`` = (diff + agree) / load: what the views
cost on top of reading the runs they compare.

    python benchmarks/trust.py [--runs 3] [--run-dir RUN] [--corpus ../shared/corpus]

The last line of output is a JSON summary.
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

from harness.report.trustpages import write_agreement_page, write_diff_page  # noqa: E402
from harness.results import ResponseResult, RunData  # noqa: E402
from harness.store import load_run, write_run  # noqa: E402
from harness.trust.agree import agree, agreement_to_json  # noqa: E402
from harness.trust.diff import diff_runs, diff_to_json  # noqa: E402
from harness.trust.labels import Label, LabelSet, TaskLabels  # noqa: E402
from harness.vocabulary import CriterionStatus  # noqa: E402

FLIP = {
    CriterionStatus.PASS: CriterionStatus.FAIL,
    CriterionStatus.FAIL: CriterionStatus.PASS,
    CriterionStatus.PARTIAL: CriterionStatus.PASS,
    CriterionStatus.NA: CriterionStatus.FAIL,
    CriterionStatus.ERROR: CriterionStatus.PASS,
}
AS_LABEL = {"pass": "pass", "fail": "fail", "partial": "fail", "na": "na", "error": "pass"}


def _corpus_run(corpus: Path, out: Path) -> None:
    from harness.rubric import load_rubric
    from harness.run import score_paths

    groups = [corpus / g for g in ("terraform", "other") if (corpus / g).is_dir()]
    score_paths(groups, load_rubric("terraform-aws-production"), out)


def _synthetic_run(out: Path, copies: int) -> None:
    from tests.report.synthetic import synthetic_run

    run = synthetic_run()
    responses = tuple(
        replace(r, task_id=f"{r.task_id}-{i}") for i in range(copies) for r in run.responses
    )
    write_run(out, replace(run, responses=responses))


def _perturbed(result: ResponseResult) -> ResponseResult:
    if not result.criteria:
        return result
    first = result.criteria[0]
    criteria = (replace(first, status=FLIP[first.status]), *result.criteria[1:])
    overall = None if result.overall is None else max(0.0, result.overall - 1)
    return replace(result, criteria=criteria, overall=overall)


def _run_b(run: RunData) -> RunData:
    responses = tuple(_perturbed(r) if i % 3 == 0 else r for i, r in enumerate(run.responses))
    return replace(run, responses=responses)


def _labels(run: RunData) -> LabelSet:
    tasks: dict[str, list[Label]] = {}
    count = 0
    for r in run.responses:
        for c in r.criteria:
            count += 1
            value = AS_LABEL[c.status.value]
            if count % 10 == 0:
                value = "na" if value != "na" else "pass"
            tasks.setdefault(r.task_id, []).append(
                Label(r.task_id, r.response_id, c.criterion_id, value, value, "", "bench:1")
            )
    return LabelSet(
        tuple(TaskLabels(t, "bench", (), tuple(labels)) for t, labels in tasks.items()),
        source="bench",
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--copies", type=int, default=40)
    parser.add_argument("--run-dir", type=Path, default=None)
    parser.add_argument(
        "--corpus",
        type=Path,
        default=Path(os.environ.get("IAC_HARNESS_CORPUS", REPO.parent / "shared" / "corpus")),
    )
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        source = "run-dir"
        run_a = args.run_dir
        if run_a is None:
            run_a = Path(tmp) / "a"
            if (args.corpus / "terraform").is_dir():
                source = "corpus"
                start = time.perf_counter()
                _corpus_run(args.corpus, run_a)
                print(f"scored the corpus in {time.perf_counter() - start:.1f}s (not timed)")
            else:
                source = "synthetic"
                _synthetic_run(run_a, args.copies)
                print(f"no corpus at {args.corpus}; timing the synthetic run x{args.copies}")
        run_b = Path(tmp) / "b"
        first = load_run(run_a)
        write_run(run_b, _run_b(first))
        labels = _labels(first)

        times: dict[str, list[float]] = {k: [] for k in ("load", "diff", "agree")}
        for number in range(1, args.runs + 1):
            start = time.perf_counter()
            a, b = load_run(run_a), load_run(run_b)
            times["load"].append(time.perf_counter() - start)

            start = time.perf_counter()
            diff = diff_runs(a, b)
            json.dumps(diff_to_json(diff))
            write_diff_page(diff, Path(tmp) / "diff")
            times["diff"].append(time.perf_counter() - start)

            start = time.perf_counter()
            result = agree(a, labels)
            json.dumps(agreement_to_json(result))
            write_agreement_page(result, a, Path(tmp) / "agree")
            times["agree"].append(time.perf_counter() - start)
            print(
                f"run {number}: "
                + ", ".join(f"{k} {v[-1]:.3f}s" for k, v in times.items())
                + f" ({diff.criterion_changes} criterion changes, {len(result.pairs)} labels)"
            )
        median = {k: statistics.median(v) for k, v in times.items()}
        summary = {
            "bench": "trust",
            "source": source,
            "responses": len(first.responses),
            "labels": len(labels),
            "runs": args.runs,
            "load_s": round(median["load"], 3),
            "diff_s": round(median["diff"], 3),
            "agree_s": round(median["agree"], 3),
            "baseline_ratio": round((median["diff"] + median["agree"]) / median["load"], 2),
        }
        print(json.dumps(summary))


if __name__ == "__main__":
    main()
