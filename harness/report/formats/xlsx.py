"""The curator's workbook: Summary, Criteria, Verdicts, Findings, Diagnostics, Rubric, Run."""

from __future__ import annotations

from pathlib import Path

from harness.collector import paused_collector
from harness.report.formats import report_format, report_model
from harness.results import RunData


@report_format("xlsx", "the curator's workbook (one sheet per view)", "report.xlsx")
def xlsx(run: RunData, run_dir: Path) -> list[Path]:
    from harness.report.xlsx import build_xlsx

    # XlsxWriter's cell table (378,000 objects on the corpus run) lives until the workbook
    # closes, and then only a cycle (workbook <-> worksheets) holds it: the collector's
    # passes during the build walk it again and again and can free nothing; the first pass
    # after the block frees it all. Paused here and in the SARIF build: 0.86 G fewer
    # instructions of about 19 G for the corpus run (callgrind), the same peak memory
    with paused_collector():
        return [build_xlsx(report_model(run), run_dir / "report.xlsx")]
