"""Benchmark extraction over the shared corpus: speed and what was found.

Speed: every response and ideal response is extracted from memory (no disk I/O) several
times; the median run gives responses/s and blocks/s. The baseline is a bare markdown-it
parse of the same texts in the same process, so ``baseline_ratio`` says how much the naming,
repair and safety work costs on top of tokenising. Counts come from one extra run.

    python benchmarks/extract.py [--runs 5] [--corpus ../shared/corpus]

The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import time
from collections import Counter
from pathlib import Path

from markdown_it import MarkdownIt

from harness.extract import Convention, extract

REPO = Path(__file__).resolve().parents[1]


def _corpus(root: Path) -> list[tuple[str, str]]:
    paths = sorted(
        p
        for group in ("terraform", "other")
        for p in (root / group).glob("*/*.md")
        if p.name.startswith(("MODEL_RESPONSE", "IDEAL_RESPONSE"))
    )
    return [(p.stem, p.read_text(encoding="utf-8", errors="replace")) for p in paths]


def _timed(function, texts: list[tuple[str, str]], runs: int) -> list[float]:  # type: ignore[no-untyped-def]
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        for response_id, text in texts:
            function(text, response_id)
        times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=5)
    default = Path(os.environ.get("IAC_HARNESS_CORPUS", REPO.parent / "shared" / "corpus"))
    parser.add_argument("--corpus", type=Path, default=default)
    args = parser.parse_args()
    if not (args.corpus / "terraform").is_dir():
        print(f"corpus not found at {args.corpus}", file=sys.stderr)
        return 2
    texts = _corpus(args.corpus)
    md = MarkdownIt("commonmark")
    blocks = sum(
        1 for _, text in texts for token in md.parse(text) if token.type in ("fence", "code_block")
    )

    def baseline(text: str, _: str) -> object:
        return md.parse(text)

    def run(text: str, response_id: str) -> object:
        return extract(text, response_id=response_id)

    _timed(run, texts[:10], 1)  # warm-up (imports, regex compilation)
    base_times = _timed(baseline, texts, args.runs)
    times = _timed(run, texts, args.runs)
    median = statistics.median(times)
    base_median = statistics.median(base_times)

    conventions: Counter[str] = Counter()
    diagnostics: Counter[str] = Counter()
    truncated = 0
    files = 0
    for response_id, text in texts:
        tree = extract(text, response_id=response_id)
        truncated += tree.truncated
        files += len(tree.files)
        conventions.update(str(f.origin.naming.convention) for f in tree.files)
        diagnostics.update(d.code for d in tree.diagnostics)
    explicit = sum(n for c, n in conventions.items() if c != str(Convention.INFERRED))

    print(f"corpus: {args.corpus} ({len(texts)} responses, {blocks} code blocks)")
    print(f"runs: {args.runs}  median {median:.3f}s  (markdown-it parse alone {base_median:.3f}s)")
    print(f"responses/s: {len(texts) / median:.1f}   blocks/s: {blocks / median:.1f}")
    print(f"files: {files}  named explicitly: {explicit}  inferred: {conventions['inferred']}")
    for convention in Convention:
        print(f"  {convention}: {conventions[str(convention)]}")
    print(f"truncated responses: {truncated}  rejected paths: {diagnostics['rejected_path']}")
    print("diagnostics: " + ", ".join(f"{c}={n}" for c, n in sorted(diagnostics.items())))
    summary = {
        "bench": "extract",
        "responses": len(texts),
        "blocks": blocks,
        "runs": args.runs,
        "median_s": round(median, 4),
        "responses_per_s": round(len(texts) / median, 1),
        "blocks_per_s": round(blocks / median, 1),
        "baseline": "markdown-it parse only",
        "baseline_ratio": round(median / base_median, 2),
        "files": files,
        "named_explicitly": explicit,
        "inferred": conventions["inferred"],
        "by_convention": {str(c): conventions[str(c)] for c in Convention},
        "truncated_responses": truncated,
        "rejected_paths": diagnostics["rejected_path"],
        "unnamed_blocks": diagnostics["unnamed_block"],
        "nested_fence_repairs": diagnostics["nested_fence"],
        "duplicate_paths": diagnostics["duplicate_path"],
    }
    print(json.dumps(summary))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
