"""Prove that an optimisation changed no result: score the corpus serially, digest the run
folder with its timings removed, and compare with a baseline.

What is digested (everything a result holds; nothing that measures time or names the code's
location): every line of ``results.jsonl`` and ``scores.csv`` as written, every line of
``responses.jsonl`` without its ``timings``, and ``run.json``'s ``counts`` (but ``workers``:
how the run was executed, like its timings) and ``tasks_without_reference``. The run is
serial (``--jobs 1``) with no disk cache, so every stage runs for every unit.

The baseline is either a digest file written earlier (``--write`` then ``--baseline``), or a
git commit (``--commit main``): its tree is exported with ``git archive`` into a temporary
folder and this script runs there (``--emit``) with that code first on ``PYTHONPATH``, so
both sides run in the same environment on the same corpus.

    python benchmarks/identical.py --commit main             # this code vs main's
    python benchmarks/identical.py --write /tmp/base.json    # save a digest
    python benchmarks/identical.py --baseline /tmp/base.json # compare with it

On a difference it names the first differing lines of each file (task, response, criterion)
and exits 1. The last line of output is a JSON summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import tempfile
from pathlib import Path
from typing import TypedDict

from baseline import add_corpus, add_emit, emitted, emitted_round, export_commit, parse_with_corpus

FILES = ("results.jsonl", "scores.csv", "responses.jsonl", "run.json")


class FileDigest(TypedDict):
    sha256: str
    lines: list[list[str]]  # [label, digest] per line


class RunDigest(TypedDict):
    code: str  # the folder of the harness package that ran
    files: dict[str, FileDigest]


def _lines(run_dir: Path, name: str) -> list[str]:
    """The file's lines in the form that is compared (timings and code paths dropped)."""
    text = (run_dir / name).read_text(encoding="utf-8")
    if name == "responses.jsonl":
        out = []
        for line in text.splitlines():
            data = json.loads(line)
            data.pop("timings", None)
            out.append(json.dumps(data, ensure_ascii=False, sort_keys=True))
        return out
    if name == "run.json":
        info = json.loads(text)
        kept = {k: info.get(k) for k in ("counts", "tasks_without_reference")}
        if isinstance(kept["counts"], dict):  # workers: how it ran, not what it found
            kept["counts"] = {k: v for k, v in kept["counts"].items() if k != "workers"}
        return [json.dumps(kept, sort_keys=True)]
    return text.splitlines()


def _line_key(name: str, line: str) -> str:
    """A short label for a line: task/response(/criterion) where the line has them."""
    if name.endswith(".jsonl"):
        data = json.loads(line)
        parts = [data.get("task_id"), data.get("response_id"), data.get("criterion_id")]
        return "/".join(str(p) for p in parts if p)
    return line[:80]


def digest_run(corpus: Path) -> RunDigest:
    """Score the corpus serially into a temporary folder; per file: its digest and one digest
    per line (to name what differs)."""
    from harness.run import score_paths  # the code on sys.path: this tree's or the baseline's

    with tempfile.TemporaryDirectory() as out:
        run_dir = Path(out)
        score_paths([corpus / "terraform", corpus / "other"], "terraform-aws-production", run_dir)
        files: dict[str, FileDigest] = {}
        for name in FILES:
            lines = _lines(run_dir, name)
            files[name] = {
                "sha256": hashlib.sha256("\n".join(lines).encode()).hexdigest(),
                "lines": [
                    [_line_key(name, line), hashlib.sha256(line.encode()).hexdigest()[:16]]
                    for line in lines
                ],
            }
    import harness

    return {"code": str(Path(harness.__file__).resolve().parent), "files": files}


def _baseline_from_commit(commit: str, corpus: Path) -> RunDigest:
    """Run this script's ``--emit`` on ``commit``'s code (git archive into a temporary folder)."""
    with tempfile.TemporaryDirectory() as tmp:
        code = export_commit(commit, Path(tmp))
        baseline: RunDigest = emitted_round(Path(__file__), code, corpus, Path(tmp))
        if not baseline["code"].startswith(str(code)):
            raise SystemExit(f"baseline ran {baseline['code']}, not {code}: PYTHONPATH ignored")
        return baseline


def _differences(ours: RunDigest, base: RunDigest, shown: int = 5) -> list[str]:
    found = []
    for name in FILES:
        a, b = ours["files"][name], base["files"][name]
        if a["sha256"] == b["sha256"]:
            continue
        la, lb = a["lines"], b["lines"]
        found.append(f"{name}: differs ({len(la)} lines here, {len(lb)} in the baseline)")
        diffs = [i for i in range(max(len(la), len(lb))) if la[i : i + 1] != lb[i : i + 1]]
        for i in diffs[:shown]:
            label = (la[i] if i < len(la) else lb[i])[0]
            found.append(f"  line {i + 1}: {label}")
    return found


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_corpus(parser)
    group = parser.add_mutually_exclusive_group(required=True)
    group.add_argument("--commit", help="git commit whose code makes the baseline (e.g. main)")
    group.add_argument("--baseline", type=Path, help="a digest file written by --write")
    group.add_argument("--write", type=Path, help="only write this code's digest to a file")
    add_emit(group)
    args, corpus = parse_with_corpus(parser)
    if emitted(args.emit, lambda: digest_run(corpus)):
        return 0
    ours = digest_run(corpus)
    if args.write:
        args.write.write_text(json.dumps(ours))
        written = {"bench": "identical", "written": str(args.write)}
        written |= {n: ours["files"][n]["sha256"] for n in FILES}
        print(json.dumps(written))
        return 0
    if args.commit:
        base: RunDigest = _baseline_from_commit(args.commit, corpus)
    else:
        base = json.loads(args.baseline.read_text())
    differences = _differences(ours, base)
    for line in differences:
        print(line)
    files = ours["files"]
    summary: dict[str, object] = {
        "bench": "identical",
        "baseline": args.commit or str(args.baseline),
        "identical": not differences,
        "responses": len(files["responses.jsonl"]["lines"]),
        "result_rows": len(files["results.jsonl"]["lines"]),
    }
    print(json.dumps(summary))
    return 0 if not differences else 1


if __name__ == "__main__":
    raise SystemExit(main())
