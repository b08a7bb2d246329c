"""Pages of the trust views in the report's style: the diff of two runs, the agreement with
human labels (standalone, or inside a run's report), and the labels shown in the report.

Standalone pages carry their own ``assets/`` (the report's CSS and JS), so they open offline
from ``file://`` like the report; everything is escaped by the templates.
"""

from __future__ import annotations

from pathlib import Path

from harness.report.html import ASSETS, asset_text, report_environment
from harness.results import RunData
from harness.trust.agree import CLASSES, Agreement
from harness.trust.diff import VERDICTS, RunDiff
from harness.version import __version__


def write_assets(folder: Path) -> None:
    """The report's stylesheet and script into ``folder/assets``."""
    target = folder / "assets"
    target.mkdir(parents=True, exist_ok=True)
    for name in ASSETS:
        (target / name).write_text(asset_text(name), "utf-8")


def write_diff_page(diff: RunDiff, out_dir: Path) -> Path:
    """``out_dir/index.html``: the diff page (sortable, filterable by category and change)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_assets(out_dir)
    categories: list[str] = []
    for r in diff.responses:
        for c in r.categories:
            if c.id not in categories:
                categories.append(c.id)
    changes = [c for r in diff.responses for c in r.changes]
    html = (
        report_environment()
        .get_template("diff.html.j2")
        .render(
            root="",
            version=__version__,
            diff=diff,
            verdicts=VERDICTS,
            categories=categories,
            change_categories=sorted({c.category for c in changes}),
            change_kinds=sorted({f"{c.before} -> {c.after}" for c in changes}),
        )
    )
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    return page


def write_agreement_page(agreement: Agreement, run: RunData, out_dir: Path) -> Path:
    """``out_dir/index.html``: the agreement page on its own (``iac-harness agree -o``)."""
    out_dir.mkdir(parents=True, exist_ok=True)
    write_assets(out_dir)
    html = (
        report_environment()
        .get_template("agreement_page.html.j2")
        .render(
            root="",
            version=__version__,
            agreement=agreement,
            classes=CLASSES,
            links={},
            anchors={},
            run=run.info,
            rubric=run.info.rubric,
        )
    )
    page = out_dir / "index.html"
    page.write_text(html, encoding="utf-8")
    return page


__all__ = ["write_agreement_page", "write_assets", "write_diff_page"]
