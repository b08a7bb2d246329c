"""Reports for the whole corpus run: built without error, complete, and valid.

One test on purpose: the corpus run is expensive, and under pytest-xdist every worker that
runs a corpus test would score the corpus again."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from harness.report import build_reports
from harness.store import load_run
from tests.report.htmlcheck import page_text
from tests.report.test_sarif import validate

pytestmark = pytest.mark.corpus


@pytest.mark.browser
def test_corpus_reports(corpus_run: Path, tmp_path: Path, browser: Any) -> None:
    paths = build_reports(corpus_run)
    assert paths.html and paths.xlsx and paths.sarif
    run = load_run(corpus_run)
    assert len(run.responses) > 100

    # HTML: a page per response and per task, every response in leaderboard and heatmap
    site = corpus_run / "report"
    assert len(list(site.glob("r/*/*/index.html"))) == len(run.responses)
    assert len(list(site.glob("tasks/*.html"))) == len({r.task_id for r in run.responses})
    index = page_text(site / "index.html")
    assert index.count("<tr data-task=") == 2 * len(run.responses)

    # XLSX: row counts equal the results; nothing from the corpus became a formula
    workbook = openpyxl.load_workbook(paths.xlsx)
    assert workbook["Summary"].max_row == len(run.responses) + 1
    verdicts = sum(len(r.criteria) for r in run.responses)
    assert workbook["Verdicts"].max_row == verdicts + 1
    failing = sum(
        f.status.value in ("fail", "error")
        for r in run.responses
        for c in r.criteria
        for f in c.findings
    )
    assert workbook["Findings"].max_row == failing + 1
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title

    # SARIF: valid against the published schema, with results
    log: dict[str, Any] = json.loads(paths.sarif.read_text("utf-8"))
    validate(log)
    assert log["runs"][0]["results"]

    # the index opens cleanly in the browser; the session's browser is shared because a
    # second sync_playwright() in the same worker fails while the first one's loop runs
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    page.set_default_timeout(180_000)  # a 300-response index on a busy CI machine
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto(paths.html.resolve().as_uri())
    page.locator("#lb thead th", has_text="Overall").locator("button").click()
    page.screenshot(path=str(tmp_path / "corpus-index.png"))
    page.close()
    assert errors == []
