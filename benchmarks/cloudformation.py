"""Benchmark the CloudFormation model: templates/s and MB/s building ``CloudFormationModel``
from every template the corpus's CloudFormation tasks and the bundled sample extract, median of
several runs, against a plain ``yaml.safe_load`` of the same templates (PyYAML with its C
loader when available; short tags registered as plain constructors so it can read them) in
the same process as the baseline. Optionally (``--cfn-lint``) the cost of cfn-lint on the same
templates, when it is installed.

    python benchmarks/cloudformation.py [--runs 5] [--corpus ../shared/corpus] [--cfn-lint]

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
from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from harness.cloudformation import build  # noqa: E402
from harness.extract import extract  # noqa: E402
from harness.extract.kinds import CLOUDFORMATION  # noqa: E402
from harness.extract.types import ExtractedFile, FileTree  # noqa: E402

BaselineLoader: type[yaml.SafeLoader] = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class _ShortTagLoader(BaselineLoader):  # type: ignore[valid-type,misc]
    """``yaml.safe_load`` plus a constructor for every ``!Tag`` (a plain safe loader rejects
    ``!Ref``): the fairest "just load it" baseline."""


def _tag(loader: yaml.SafeLoader, suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.ScalarNode):
        return {suffix: loader.construct_scalar(node)}
    if isinstance(node, yaml.SequenceNode):
        return {suffix: loader.construct_sequence(node, deep=True)}
    assert isinstance(node, yaml.MappingNode)
    return {suffix: loader.construct_mapping(node, deep=True)}


_ShortTagLoader.add_multi_constructor("!", _tag)


def templates(corpus: Path) -> list[ExtractedFile]:
    """Every CloudFormation template extracted from the corpus and the bundled sample."""
    sources = sorted((corpus / "other").glob("*/*RESPONSE*.md"))
    sources += sorted((REPO / "harness" / "data" / "sample" / "responses").glob("*/*RESPONSE*.md"))
    found: list[ExtractedFile] = []
    for source in sources:
        found += [f for f in extract(source).files if f.kind == CLOUDFORMATION]
    return found


def timed(run: Callable[[], object], runs: int) -> list[float]:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        run()
        times.append(time.perf_counter() - start)
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    default_corpus = Path(os.environ.get("IAC_HARNESS_CORPUS", REPO.parent / "shared" / "corpus"))
    parser.add_argument("--corpus", type=Path, default=default_corpus)
    parser.add_argument(
        "--cfn-lint", action="store_true", help="also time cfn-lint on each template (slow)"
    )
    args = parser.parse_args()
    files = templates(args.corpus)
    if not files:
        sys.exit(f"no CloudFormation templates under {args.corpus}")
    trees = [FileTree(files=(f,)) for f in files]
    size_mb = sum(len(f.content.encode()) for f in files) / 1e6
    lines = sum(f.content.count("\n") for f in files)

    def run_model() -> None:
        for tree in trees:
            build(tree)

    def run_baseline() -> None:
        for file in files:
            with contextlib.suppress(yaml.YAMLError):
                yaml.load(file.content, Loader=_ShortTagLoader)  # a SafeLoader subclass

    run_model()  # warm imports outside the measurement
    run_baseline()
    model_s = statistics.median(timed(run_model, args.runs))
    baseline_s = statistics.median(timed(run_baseline, args.runs))
    resources = sum(sum(1 for _ in build(t).resources()) for t in trees)
    print(f"templates: {len(files)} ({lines} lines, {size_mb:.2f} MB, {resources} resources)")
    print(
        f"model build: median {model_s:.3f}s -> {len(files) / model_s:.1f} templates/s, "
        f"{size_mb / model_s:.2f} MB/s"
    )
    print(
        f"yaml.safe_load ({BaselineLoader.__name__}, baseline): median {baseline_s:.3f}s -> "
        f"{len(files) / baseline_s:.1f} templates/s"
    )
    print(f"the model costs {model_s / baseline_s:.2f}x a plain load of the same templates")
    summary: dict[str, Any] = {
        "bench": "cloudformation",
        "templates": len(files),
        "lines": lines,
        "resources": resources,
        "templates_per_s": round(len(files) / model_s, 1),
        "mb_per_s": round(size_mb / model_s, 3),
        "median_s": round(model_s, 4),
        "baseline": f"yaml.load with {BaselineLoader.__name__} and short-tag constructors",
        "baseline_per_s": round(len(files) / baseline_s, 1),
        "baseline_ratio": round(model_s / baseline_s, 3),
        "runs": args.runs,
    }
    if args.cfn_lint:
        summary.update(_cfn_lint(files))
    print(json.dumps(summary))


def _cfn_lint(files: list[ExtractedFile]) -> dict[str, Any]:
    """Seconds per template of cfn-lint's default rules (one run: it is slow)."""
    try:
        from cfnlint.api import ManualArgs, lint
    except ImportError:
        print("cfn-lint: not installed (pip install cfn-lint)")
        return {"cfn_lint": None}
    config = ManualArgs(regions=["us-east-1"])
    lint(files[0].content, config=config)  # load its schemas outside the measurement
    per_template = []
    for file in files:
        start = time.perf_counter()
        lint(file.content, config=config)
        per_template.append(time.perf_counter() - start)
    median = statistics.median(per_template)
    print(
        f"cfn-lint: median {median:.3f}s per template (max {max(per_template):.3f}s), "
        f"{sum(per_template):.1f}s for all {len(files)}"
    )
    return {"cfn_lint_median_s": round(median, 3), "cfn_lint_max_s": round(max(per_template), 3)}


if __name__ == "__main__":
    main()
