"""Prove that two run folders hold the same results (timings excluded).

Used around refactors and optimisations: score the corpus before and after, then

    python scripts/same_results.py RUN_BEFORE RUN_AFTER

compares ``results.jsonl`` (every response x criterion: status, score, message, evidence) and
``scores.csv`` row by row, in a canonical order, and ``responses.jsonl`` with its timing fields
removed. Exit 0 and ``identical`` when nothing differs; exit 1 with the first differences
otherwise. The last line is a JSON summary.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections import Counter
from pathlib import Path

TIMING_KEYS = frozenset({"timings", "duration_s", "started", "finished"})


def _without_timings(value: object) -> object:
    """The same JSON value with every timing field dropped, at any depth."""
    if isinstance(value, dict):
        return {k: _without_timings(v) for k, v in value.items() if k not in TIMING_KEYS}
    if isinstance(value, list):
        return [_without_timings(v) for v in value]
    return value


def _canonical_lines(path: Path, *, json_lines: bool) -> list[str]:
    if not path.is_file():
        return []
    lines = path.read_text(encoding="utf-8").splitlines()
    if json_lines:
        lines = [json.dumps(_without_timings(json.loads(line)), sort_keys=True) for line in lines]
    else:
        lines = lines[:1] + sorted(lines[1:])  # keep the CSV header first
    return sorted(lines) if json_lines else lines


def compare(before: Path, after: Path) -> dict[str, int]:
    """Differing line counts per file (0 everywhere means identical)."""
    report: dict[str, int] = {}
    for name, json_lines in (
        ("results.jsonl", True),
        ("scores.csv", False),
        ("responses.jsonl", True),
    ):
        a = _canonical_lines(before / name, json_lines=json_lines)
        b = _canonical_lines(after / name, json_lines=json_lines)
        only_a = sorted((Counter(a) - Counter(b)).elements())
        only_b = sorted((Counter(b) - Counter(a)).elements())
        report[name] = len(only_a) + len(only_b)
        for line in only_a[:3]:
            print(f"{name}: only in {before}: {line[:300]}", file=sys.stderr)
        for line in only_b[:3]:
            print(f"{name}: only in {after}: {line[:300]}", file=sys.stderr)
        report[f"{name}:rows"] = len(b)
    return report


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("before", type=Path)
    parser.add_argument("after", type=Path)
    args = parser.parse_args()
    report = compare(args.before, args.after)
    differing = sum(v for k, v in report.items() if not k.endswith(":rows"))
    print("identical" if differing == 0 else f"{differing} differing lines")
    print(json.dumps({"check": "same_results", "differing_lines": differing, **report}))
    return 0 if differing == 0 else 1


if __name__ == "__main__":
    sys.exit(main())
