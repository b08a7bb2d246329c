"""Reports for the whole corpus run: built without error, complete, and valid."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from harness.report import build_reports
from harness.store import load_run
from tests.report.test_sarif import validate

pytestmark = pytest.mark.corpus


@pytest.fixture(scope="module")
def corpus_reports(corpus_run: Path) -> Path:
    paths = build_reports(corpus_run)
    assert paths.html and paths.xlsx and paths.sarif
    return corpus_run


def test_corpus_html_has_a_page_per_response(corpus_reports: Path) -> None:
    run = load_run(corpus_reports)
    site = corpus_reports / "report"
    assert len(run.responses) > 100
    assert len(list(site.glob("r/*/*/index.html"))) == len(run.responses)
    assert len(list(site.glob("tasks/*.html"))) == len({r.task_id for r in run.responses})
    index = (site / "index.html").read_text(encoding="utf-8")
    assert index.count("<tr data-task=") == 2 * len(run.responses)  # leaderboard + heatmap


def test_corpus_workbook_rows_equal_the_results(corpus_reports: Path) -> None:
    run = load_run(corpus_reports)
    workbook = openpyxl.load_workbook(corpus_reports / "report.xlsx")
    assert workbook["Summary"].max_row == len(run.responses) + 1
    findings = sum(max(1, len(c.findings)) for r in run.responses for c in r.criteria)
    assert workbook["Findings"].max_row == findings + 1
    for sheet in workbook.worksheets:  # nothing in the corpus becomes a formula
        for row in sheet.iter_rows():
            assert all(cell.data_type != "f" for cell in row), sheet.title


def test_corpus_sarif_validates(corpus_reports: Path) -> None:
    log: dict[str, Any] = json.loads((corpus_reports / "findings.sarif").read_text("utf-8"))
    validate(log)
    assert log["runs"][0]["results"]


@pytest.mark.browser
def test_corpus_index_loads_cleanly(browser: Any, corpus_reports: Path, tmp_path: Path) -> None:
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    errors: list[str] = []
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.goto((corpus_reports / "report" / "index.html").as_uri())
    page.locator("#lb thead th", has_text="Overall").locator("button").click()
    page.screenshot(path=str(tmp_path / "corpus-index.png"))
    assert errors == []
    page.close()
