"""Reports of a scoring run: a reviewer's HTML site, a curator's spreadsheet, SARIF for CI.

Every report is rebuilt from the run folder alone (``harness.store.load_run``), never by
re-scoring. Output, inside the run folder::

  report/          the HTML site (open report/index.html; works offline from file://)
  report.xlsx      Summary, Criteria, Findings, Diagnostics, Rubric, Run sheets
  findings.sarif   SARIF 2.1.0: failed and partial criteria with locations in extracted/
  extracted/       the extracted files of every response, which SARIF locations point into
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from harness.report.model import ReportModel
from harness.store import load_run

HTML_DIR = "report"
XLSX_FILE = "report.xlsx"
SARIF_FILE = "findings.sarif"
EXTRACTED_DIR = "extracted"


@dataclass(frozen=True)
class ReportPaths:
    """Where each report was written (None for a format not requested)."""

    html: Path | None = None  # the index.html of the site
    xlsx: Path | None = None
    sarif: Path | None = None

    def written(self) -> list[Path]:
        return [p for p in (self.html, self.xlsx, self.sarif) if p is not None]


def build_reports(
    run_dir: Path, html: bool = True, xlsx: bool = True, sarif: bool = True
) -> ReportPaths:
    """Build the requested reports from the run folder ``run_dir``.

    Raises ``harness.store.RunFolderError`` (one line, naming the file) when ``run_dir`` is
    not a readable run folder.
    """
    run_dir = Path(run_dir)
    model = ReportModel(load_run(run_dir))
    html_path = xlsx_path = sarif_path = None
    if html:
        from harness.report.html import build_html

        html_path = build_html(model, run_dir / HTML_DIR)
    if xlsx:
        from harness.report.xlsx import build_xlsx

        xlsx_path = build_xlsx(model, run_dir / XLSX_FILE)
    if sarif:
        from harness.report.sarif import build_sarif

        sarif_path = build_sarif(model, run_dir / SARIF_FILE, run_dir / EXTRACTED_DIR)
    return ReportPaths(html=html_path, xlsx=xlsx_path, sarif=sarif_path)


__all__ = ["ReportPaths", "build_reports"]
