"""Fixtures for the report tests: a synthetic run with hostile content (always available),
the bundled sample scored for real, and a headless Chromium for browser tests."""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from harness.report import ReportPaths, build_reports
from harness.store import write_run
from tests.conftest import REPO_ROOT, SAMPLE_REFERENCE, SAMPLE_TASK
from tests.report.synthetic import synthetic_run

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="session")
def synthetic_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A run folder written from the synthetic run, with all three reports built."""
    run_dir = tmp_path_factory.mktemp("synthetic-run")
    write_run(run_dir, synthetic_run())
    build_reports(run_dir)
    return run_dir


@pytest.fixture(scope="session")
def sample_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample scored for real (score stage), with all three reports built."""
    from harness.run import score_paths

    run_dir = tmp_path_factory.mktemp("sample-run")
    score_paths(
        [SAMPLE_TASK],
        REPO_ROOT / "rubrics" / "aws-prod-stack.yaml",
        run_dir,
        reference_dir=SAMPLE_REFERENCE,
    )
    build_reports(run_dir)
    return run_dir


@pytest.fixture(scope="session")
def corpus_run(corpus: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The whole corpus scored with the generic rubric (no reports built yet)."""
    from harness.run import score_paths

    run_dir = tmp_path_factory.mktemp("corpus-run")
    score_paths(
        [corpus / "terraform", corpus / "other"],
        REPO_ROOT / "rubrics" / "terraform-aws-production.yaml",
        run_dir,
    )
    return run_dir


def built(run_dir: Path) -> ReportPaths:
    return ReportPaths(
        {
            "html": [run_dir / "report" / "index.html"],
            "xlsx": [run_dir / "report.xlsx"],
            "sarif": [run_dir / "findings.sarif"],
        }
    )


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    """Debian's headless Chromium through Playwright (never a downloaded browser)."""
    if not CHROMIUM.exists() or shutil.which("chromium") is None:
        message = f"{CHROMIUM} not installed (scripts/test.sh installs it)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield instance
        instance.close()
