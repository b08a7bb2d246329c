"""Soak: score a hostile corpus (``benchmarks/hostile.py``) with reports, then prove it safe.

Runs ``iac-harness score`` (reports on, ``--jobs 2``) from an empty working folder over N
hostile responses, then asserts and prints:

- the batch completed with exit 0, and every response has a result or a clear ``error``;
- 0 files written outside the run folder: no file anywhere on this file system carries the
  corpus's marker in its name, the working folder is still empty, and nothing new appeared
  beside the run folder;
- 0 formula cells in report.xlsx and 0 formula-looking cells in any CSV the run holds
  (scores.csv, and ``export --format csv``);
- 0 payloads executed when the report index and every response page of the run (``--pages``
  caps it) are opened in headless Chromium: every payload sets ``window.__pwned``;
  ``javascript:`` links counted too;
- every hostile rubric file is refused by ``rubric check`` with one line and exit 2;
- the slowest response (and its attack family), and the peak RSS of the process tree.

    python benchmarks/soak.py [--n 10000] [--pages 400] [--out DIR] [--keep]

The last line is a JSON summary; the exit status is 1 when any assertion fails.
"""

from __future__ import annotations

import argparse
import csv
import json
import os
import shutil
import subprocess
import sys
import tempfile
import uuid
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
import hostile
from proctree import run_measured

CHROMIUM = Path("/usr/bin/chromium")
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def harness(*args: str | Path) -> list[str]:
    return [sys.executable, "-m", "harness", *map(str, args)]


def formula_cells_xlsx(path: Path) -> int:
    """Cells Excel would evaluate: formulas, and text starting like one without Excel's quote
    prefix (the writer stores hostile text as quoted strings)."""
    from openpyxl import load_workbook

    count = 0
    for sheet in load_workbook(path).worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                value = cell.value
                risky = isinstance(value, str) and value[:1] in FORMULA_STARTS
                if cell.data_type == "f" or (risky and not cell.quotePrefix):
                    count += 1
    return count


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def formula_cells_csv(path: Path) -> int:
    with path.open(newline="", encoding="utf-8", errors="replace") as handle:
        return sum(
            1
            for row in csv.reader(handle)
            for cell in row
            if cell[:1] in FORMULA_STARTS and not _number(cell)
        )


def marker_files(marker: str, skip: list[Path]) -> list[str]:
    """Files and folders named with ``marker`` anywhere on the root file system (not below
    ``skip``)."""
    found = subprocess.run(
        ["find", "/", "-xdev", "-name", f"*{marker}*", "-not", "-path", "/proc/*"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout.splitlines()
    return [f for f in found if not any(f.startswith(str(s)) for s in skip)]


def executed_payloads(pages: list[Path]) -> tuple[int, int, int, float, list[str]]:
    """(pages opened, pages where a payload ran, javascript: links, slowest load in seconds,
    pages that did not load) in headless Chromium."""
    import time

    from playwright.sync_api import Error as PlaywrightError
    from playwright.sync_api import sync_playwright

    ran = links = 0
    slowest = 0.0
    unloaded: list[str] = []
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=str(CHROMIUM), args=["--no-sandbox", "--disable-gpu"]
        )
        page = browser.new_page()
        page.set_default_timeout(300_000)  # a large run's index is big: measure, do not give up
        for path in pages:
            started = time.perf_counter()
            try:
                page.goto(path.resolve().as_uri())
                page.wait_for_load_state("load")
                # packed regions are inflated after load: judge the page as the reader sees it
                page.wait_for_selector("html[data-ready]", state="attached")
            except PlaywrightError as error:
                unloaded.append(f"{path.name}: {str(error).splitlines()[0]}")
                continue
            slowest = max(slowest, time.perf_counter() - started)
            page.wait_for_timeout(50)
            if page.evaluate("() => window.__pwned !== undefined"):
                ran += 1
            links += int(
                page.evaluate(
                    "() => [...document.querySelectorAll('[href],[src],[action]')].filter("
                    "e => /^\\s*javascript:/i.test(e.getAttribute('href') || "
                    "e.getAttribute('src') || e.getAttribute('action') || '')).length"
                )
            )
        browser.close()
    return len(pages), ran, links, slowest, unloaded


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--n", type=int, default=10_000, help="hostile responses")
    parser.add_argument("--pages", type=int, default=400, help="response pages to open")
    parser.add_argument("--jobs", type=int, default=2)
    parser.add_argument("--out", type=Path, help="keep everything here (default: a temp dir)")
    args = parser.parse_args(argv)
    root = Path(args.out or tempfile.mkdtemp(prefix="soak-")).resolve()
    root.mkdir(parents=True, exist_ok=True)
    token = uuid.uuid4().hex[:8]  # a marker no earlier run left on disk
    corpus = hostile.write(
        args.n, root / "hostile", seed=1, per_task=200, heavy_every=500, marker=f"PWNED-{token}"
    )
    marker = str(corpus["marker"])
    work = root / "cwd"
    work.mkdir(exist_ok=True)
    run = root / "run"
    beside_before = sorted(p.name for p in root.iterdir())
    env_cache = ["--cache", str(root / "cache")]
    finished = run_measured(
        harness("score", root / "hostile" / "tasks", "-o", run, "-j", args.jobs, "-q", *env_cache),
        cwd=str(work),
    )
    failures: list[str] = []
    if finished.returncode != 0:
        failures.append(f"score exited {finished.returncode}: {finished.output[-2000:]}")
    responses = [
        json.loads(line)
        for line in (run / "responses.jsonl").read_text(encoding="utf-8").splitlines()
    ]
    manifest = json.loads((root / "hostile" / "manifest.json").read_text(encoding="utf-8"))
    expected = {(m["task"], m["response"]) for m in manifest}
    got = {(r["task_id"], r["response_id"]) for r in responses}
    missing = expected - got
    if missing:
        failures.append(f"{len(missing)} responses without a result, e.g. {sorted(missing)[:3]}")
    unclear = [
        r for r in responses if r["error"] is None and r["overall"] is None and r["criteria"] == []
    ]
    errors = [r for r in responses if r["error"] is not None]
    outside = marker_files(marker, [root / "hostile", run])
    if outside:
        failures.append(f"files written outside the run folder: {outside[:5]}")
    if any(work.iterdir()):
        failures.append(f"files written in the working folder: {sorted(work.iterdir())[:5]}")
    beside_after = sorted(p.name for p in root.iterdir())
    new_beside = set(beside_after) - set(beside_before) - {"run", "cache"}
    if new_beside:
        failures.append(f"new files beside the run folder: {sorted(new_beside)}")
    xlsx_formulas = (
        formula_cells_xlsx(run / "report.xlsx") if (run / "report.xlsx").is_file() else -1
    )
    export = subprocess.run(
        harness("export", run, "--format", "csv", "-o", root / "export"),
        capture_output=True,
        check=False,
    )
    if export.returncode != 0:
        failures.append("export --format csv failed")
    csv_files = [run / "scores.csv", *sorted((root / "export").glob("*.csv"))]
    csv_formulas = sum(formula_cells_csv(p) for p in csv_files if p.is_file())
    if xlsx_formulas != 0:
        failures.append(f"{xlsx_formulas} formula cells in report.xlsx")
    if csv_formulas:
        failures.append(f"{csv_formulas} formula-looking cells in CSV")
    pages = [run / "report" / "index.html", *sorted((run / "report" / "tasks").glob("*.html"))]
    response_pages = sorted((run / "report" / "r").glob("*/*/*.html"))
    pages += response_pages[: args.pages]
    opened, executed, js_links, slowest_page, unloaded = (
        executed_payloads(pages) if CHROMIUM.exists() else (0, 0, 0, 0.0, [])
    )
    if executed or js_links:
        failures.append(f"{executed} pages ran a payload, {js_links} javascript: links")
    if unloaded:
        failures.append(f"{len(unloaded)} pages did not load: {unloaded[:3]}")
    refused = 0
    for rubric in sorted((root / "hostile" / "rubrics").iterdir()):
        check = subprocess.run(
            harness("rubric", "check", rubric), capture_output=True, text=True, timeout=120
        )
        text = (check.stdout + check.stderr).strip()
        if check.returncode == 2 and "Traceback" not in text and text.startswith("iac-harness:"):
            refused += 1
        else:
            failures.append(f"rubric {rubric.name}: exit {check.returncode}: {text[:200]}")
    family = {(m["task"], m["response"]): m for m in manifest}

    def seconds(r: dict[str, object]) -> float:
        return float(sum(r.get("timings", {}).values()))  # type: ignore[union-attr]

    slowest = max(responses, key=seconds)
    cause = family.get((slowest["task_id"], slowest["response_id"].split("+")[0]), {})
    summary = {
        "benchmark": "soak",
        "responses_in_corpus": len(expected),
        "results": len(responses),
        "exit_status": finished.returncode,
        "batch_crashes": int(finished.returncode != 0),
        "responses_without_result": len(missing),
        "error_results": len(errors),
        "unclear_results": len(unclear),
        "writes_outside_run_folder": len(outside) + len(new_beside),
        "xlsx_formula_cells": xlsx_formulas,
        "csv_formula_cells": csv_formulas,
        "pages_opened": opened,
        "payloads_executed": executed,
        "javascript_links": js_links,
        "slowest_page_load_s": round(slowest_page, 1),
        "index_bytes": (run / "report" / "index.html").stat().st_size
        if (run / "report" / "index.html").is_file()
        else 0,
        "hostile_rubrics_refused": refused,
        "seconds": round(finished.seconds, 1),
        "peak_rss_mb": round(finished.peak_rss_mb, 1),
        "slowest_response": {
            "id": f"{slowest['task_id']}/{slowest['response_id']}",
            "seconds": round(seconds(slowest), 2),
            "family": cause.get("family"),
            "heavy": cause.get("heavy"),
            "error": slowest["error"],
        },
        "failures": failures,
        "kept_in": str(root) if args.out else None,
    }
    if not args.out:
        shutil.rmtree(root, ignore_errors=True)
    for failure in failures:
        print(f"FAIL: {failure}", file=sys.stderr)
    print(json.dumps(summary, ensure_ascii=False))
    return 1 if failures else 0


if __name__ == "__main__":
    os.environ.setdefault("PYTHONUTF8", "1")
    sys.exit(main())
