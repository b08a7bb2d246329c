"""The curator's workbook: Summary, Criteria, Verdicts, Findings, Diagnostics, Rubric, Run."""

from __future__ import annotations

from pathlib import Path

from harness.report.formats import report_format, report_model
from harness.results import RunData


@report_format("xlsx", "the curator's workbook (one sheet per view)", "report.xlsx")
def xlsx(run: RunData, run_dir: Path) -> list[Path]:
    from harness.report.xlsx import build_xlsx

    return [build_xlsx(report_model(run), run_dir / "report.xlsx")]
