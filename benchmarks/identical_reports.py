"""Prove that a report optimisation changed nothing a reader sees: build the reports from one
run folder with this code and with a git commit's code, and compare what each wrote.

The run folder is the corpus scored once with this code (serial, no disk cache), or
``--run-dir``. Each side builds the formats into its own copy of the folder (``run.json``,
``responses.jsonl``, ``results.jsonl``, ``scores.csv``) in a fresh process with its code
first on ``PYTHONPATH`` (the commit's tree exported with ``git archive``), so both read the
same run. Compared, byte for byte: every file of the HTML site (its pages as the browser
shows them, packed regions inflated, and the pack dictionaries inflated: how the deflater
spelled them does not count, what they inflate to does), every part of
``report.xlsx`` (not the zip container's own metadata, which varies with how XlsxWriter
assembles it), ``findings.sarif`` (with the copy's folder, which the log names, replaced by a
placeholder) and every file under ``extracted/``.

    python benchmarks/identical_reports.py --commit main [--run-dir RUN] [--formats html,xlsx]

On a difference it names the first differing files (and exits 1). The last line of output is
a JSON summary.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import zipfile
import zlib
from pathlib import Path

from baseline import REPO, add_corpus, export_commit

RUN_FILES = ("run.json", "responses.jsonl", "results.jsonl", "scores.csv")
FOLDER_MARK = b"<RUN_DIR>"


def _build(run_dir: Path, formats: list[str]) -> None:
    """This process's harness builds ``formats`` into ``run_dir`` (the child side)."""
    from harness.report import build_reports

    build_reports(run_dir, formats)
    import harness

    print(f"built with {Path(harness.__file__).resolve().parent}")


def _side(run_dir: Path, code: Path, into: Path, formats: list[str]) -> Path:
    """A copy of the run folder at ``into`` with the reports ``code`` builds from it."""
    into.mkdir(parents=True)
    for name in RUN_FILES:
        shutil.copy2(run_dir / name, into / name)
    env = dict(os.environ, PYTHONPATH=str(code))
    command = [sys.executable, str(Path(__file__).resolve()), "--build", str(into)]
    subprocess.run([*command, "--formats", ",".join(formats)], check=True, env=env, cwd=into)
    return into


def _as_shown(rel: str, data: bytes, dictionaries: dict[str, bytes]) -> bytes:
    """A site file as the browser ends up with it: a page with its packed regions inflated,
    report.js with its dictionaries inflated; any other file as it is."""
    from harness.report.pack import DICTIONARIES_JS, unpack_html

    if rel.endswith(".html"):
        return unpack_html(data.decode("utf-8"), dictionaries).encode("utf-8")
    if rel.endswith("assets/report.js"):
        inflated = {k: zlib.decompressobj().decompress(v).hex() for k, v in dictionaries.items()}
        lines = data.decode("utf-8").splitlines(keepends=True)
        shown = [
            json.dumps(inflated, sort_keys=True) + "\n"
            if line.startswith(DICTIONARIES_JS)
            else line
            for line in lines
        ]
        return "".join(shown).encode("utf-8")
    return data


def digest(side: Path) -> dict[str, str]:
    """What the reports of ``side`` hold: a sha256 per file (per part of the workbook; per
    site file as the browser ends up with it)."""
    from harness.report.pack import site_dictionaries

    site = side / "report"
    has_assets = (site / "assets" / "report.js").is_file()
    dictionaries = site_dictionaries(site) if has_assets else {}
    out: dict[str, str] = {}
    for path in sorted(side.rglob("*")):
        rel = path.relative_to(side).as_posix()
        if not path.is_file() or rel in RUN_FILES:
            continue
        if rel.endswith(".xlsx"):
            with zipfile.ZipFile(path) as workbook:
                for part in sorted(workbook.namelist()):
                    out[f"{rel}!{part}"] = hashlib.sha256(workbook.read(part)).hexdigest()
            continue
        data = path.read_bytes()
        if rel.endswith(".sarif"):  # the log names its extracted/ folder by absolute uri
            data = data.replace(side.resolve().as_uri().encode(), FOLDER_MARK)
        elif rel.startswith("report/"):
            data = _as_shown(rel, data, dictionaries)
        out[rel] = hashlib.sha256(data).hexdigest()
    return out


def differences(ours: dict[str, str], base: dict[str, str], shown: int = 10) -> list[str]:
    """The files (workbook parts) that differ, first ``shown`` of them."""
    found = []
    for name in sorted(set(ours) | set(base)):
        if name not in base:
            found.append(f"{name}: only here")
        elif name not in ours:
            found.append(f"{name}: only in the baseline")
        elif ours[name] != base[name]:
            found.append(f"{name}: differs")
    return found[:shown] + ([f"... and {len(found) - shown} more"] if len(found) > shown else [])


def main() -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    add_corpus(parser)
    parser.add_argument("--commit", help="git commit whose code builds the baseline reports")
    parser.add_argument("--run-dir", type=Path, help="a run folder (default: score the corpus)")
    parser.add_argument("--formats", default="html,xlsx,sarif")
    parser.add_argument("--build", type=Path, help=argparse.SUPPRESS)
    args = parser.parse_args()
    formats = [f for f in args.formats.split(",") if f]
    if args.build is not None:
        _build(args.build, formats)
        return 0
    if not args.commit:
        parser.error("--commit is required")
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        run_dir = args.run_dir
        if run_dir is None:
            corpus = args.corpus.resolve()
            if not (corpus / "terraform").is_dir():
                print(f"corpus not found at {corpus}", file=sys.stderr)
                return 2
            sys.path.insert(0, str(REPO))
            from harness.run import score_paths

            run_dir = work / "run"
            score_paths(
                [corpus / "terraform", corpus / "other"], "terraform-aws-production", run_dir
            )
        ours = digest(_side(run_dir, REPO, work / "ours", formats))
        code = export_commit(args.commit, work)
        base = digest(_side(run_dir, code, work / "base", formats))
    found = differences(ours, base)
    for line in found:
        print(line)
    summary = {
        "bench": "identical_reports",
        "baseline": args.commit,
        "formats": formats,
        "identical": not found,
        "files": len(ours),
    }
    print(json.dumps(summary))
    return 0 if not found else 1


if __name__ == "__main__":
    raise SystemExit(main())
