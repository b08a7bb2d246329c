"""The reviewer's site: ``report/index.html`` and a page per task, response and file (with
human labels beside the statuses when the run folder holds ``labels.json``)."""

from __future__ import annotations

from pathlib import Path

from harness.report.formats import current_options, report_format, report_model
from harness.results import RunData


@report_format("html", "the reviewer's site (opens offline from file://)", "report/")
def html(run: RunData, run_dir: Path) -> list[Path]:
    from harness.report.html import build_html
    from harness.trust.labels import read_run_labels

    site = run_dir / "report"
    options = current_options()
    labels = read_run_labels(run_dir)
    return [build_html(report_model(run), site, labels, options.full, also=options.pages)]
