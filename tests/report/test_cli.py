"""`iac-harness report RUN_DIR [--html] [--xlsx] [--sarif]`."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.store import write_run
from tests.report.htmlcheck import page_text
from tests.report.synthetic import synthetic_run

runner = CliRunner()


def test_report_builds_all_three_and_prints_paths(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 0, result.output
    assert str(tmp_path / "report" / "index.html") in result.output
    assert str(tmp_path / "report.xlsx") in result.output
    assert str(tmp_path / "findings.sarif") in result.output
    for path in ("report/index.html", "report.xlsx", "findings.sarif"):
        assert (tmp_path / path).is_file()


def test_report_builds_only_what_is_asked(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    result = runner.invoke(app, ["report", str(tmp_path), "--xlsx"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.xlsx").is_file()
    assert not (tmp_path / "report").exists() and not (tmp_path / "findings.sarif").exists()
    shutil.rmtree(tmp_path / "extracted", ignore_errors=True)
    result = runner.invoke(app, ["report", str(tmp_path), "--html", "--sarif"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report" / "index.html").is_file() and (
        tmp_path / "findings.sarif"
    ).is_file()


def test_a_folder_that_is_not_a_run_is_a_one_line_error(tmp_path: Path) -> None:
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    # one message (rich may wrap it at the terminal width): names the missing file
    message = " ".join(result.output.split())
    assert message.startswith("iac-harness: error:") and message.count("error:") == 1
    assert "run.json: not found" in message
    missing = runner.invoke(app, ["report", str(tmp_path / "nope")])
    assert missing.exit_code == 2 and "no such folder" in " ".join(missing.output.split())


def test_a_corrupt_run_names_the_file_and_line(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    with (tmp_path / "responses.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("{not json\n")
    result = runner.invoke(app, ["report", str(tmp_path)])
    assert result.exit_code == 2
    assert "responses.jsonl:9" in result.output.replace("\n", "")


def test_reports_picks_formats_by_name(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    result = runner.invoke(app, ["report", str(tmp_path), "--reports", "xlsx,sarif"])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "report.xlsx").is_file() and (tmp_path / "findings.sarif").is_file()
    assert not (tmp_path / "report").exists()


@pytest.mark.parametrize("command", ["report", "score"])
def test_an_unknown_report_name_is_a_one_line_error(tmp_path: Path, command: str) -> None:
    write_run(tmp_path / "run", synthetic_run())
    args = [str(tmp_path / "run")] if command == "report" else ["-o", str(tmp_path / "new")]
    result = runner.invoke(app, [command, *args, "--reports", "html,pdf"])
    assert result.exit_code == 2
    message = " ".join(result.output.split())
    assert message.startswith("iac-harness: error:") and message.count("error:") == 1
    assert "'pdf'" in message and message.endswith("known: html, sarif, xlsx")
    assert not (tmp_path / "run" / "report").exists() and not (tmp_path / "new").exists()


def test_score_builds_only_the_named_reports(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = runner.invoke(app, ["score", "-q", "-o", str(out), "--reports", "sarif"])
    assert result.exit_code == 0, result.output
    assert (out / "findings.sarif").is_file()
    assert not (out / "report").exists() and not (out / "report.xlsx").exists()
    both = runner.invoke(
        app, ["score", "-q", "-o", str(tmp_path / "x"), "--no-report", "--reports", "html"]
    )
    assert both.exit_code == 2 and "contradict" in both.output


def _response_pages(run_dir: Path) -> set[str]:
    site = run_dir / "report"
    return {p.parent.relative_to(site).as_posix() for p in site.glob("r/*/*/index.html")}


def test_a_large_run_gets_the_failing_pages_and_full_writes_them_all(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Above LARGE_RUN responses the default site has the index, the task pages and the pages
    a reviewer must open; every link in it still resolves; --full writes every page."""
    import re

    from harness.report import html
    from harness.report.model import ReportModel
    from tests.report.htmlcheck import parse, resolve

    run = synthetic_run()
    write_run(tmp_path, run)
    monkeypatch.setattr(html, "LARGE_RUN", 2)
    result = runner.invoke(app, ["report", str(tmp_path), "--reports", "html"])
    assert result.exit_code == 0, result.output
    model = ReportModel(run)
    wanted = {row.folder for row in model.rows if html.needs_page(row)}
    assert wanted and len(wanted) < len(model.rows)  # the fixture has both kinds
    assert _response_pages(tmp_path) == wanted
    site = tmp_path / "report"
    assert 'id="partial-site"' in page_text(site / "index.html")
    assert len(list(site.glob("tasks/*.html"))) == len(model.tasks)
    for page in site.rglob("*.html"):
        for href in parse(page).links:
            target, _ = resolve(page, href)
            assert target.exists(), f"{page}: broken link {href}"
    skipped = next(r for r in model.rows if not html.needs_page(r))
    index = page_text(site / "index.html")
    # the heatmap shows the LARGE_RUN lowest-scoring responses, and says so
    heatmap = index[index.index('id="hm"') : index.index('id="ideal-audit"')]
    assert heatmap.count('<tr data-task="') == 2 and 'id="heatmap-bounded"' in index
    assert re.search(rf">{re.escape(skipped.result.response_id)}<", index)  # listed, unlinked
    assert skipped.folder not in _response_pages(tmp_path)

    result = runner.invoke(app, ["report", str(tmp_path), "--reports", "html", "--full"])
    assert result.exit_code == 0, result.output
    assert _response_pages(tmp_path) == {r.folder for r in model.rows}
    assert 'id="partial-site"' not in page_text(site / "index.html")


def test_response_adds_a_left_out_page_to_a_large_runs_site(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """--response TASK/RESPONSE writes that response's page (and links it from the index)
    where a large run's site leaves it out; the other left-out pages stay out."""
    from harness.report import html
    from harness.report.model import ReportModel

    run = synthetic_run()
    write_run(tmp_path, run)
    monkeypatch.setattr(html, "LARGE_RUN", 2)
    model = ReportModel(run)
    left_out = [row for row in model.rows if not html.needs_page(row)]
    assert len(left_out) >= 2, "the fixture needs two responses a large run leaves out"
    chosen = left_out[0]
    args = ["report", str(tmp_path), "--reports", "html", "--response", chosen.result.key]
    result = runner.invoke(app, args)
    assert result.exit_code == 0, result.output
    pages = _response_pages(tmp_path)
    assert chosen.folder in pages and left_out[1].folder not in pages
    assert (tmp_path / "report" / chosen.text_page).is_file()
    index = page_text(tmp_path / "report" / "index.html")
    assert f'href="{chosen.page}"' in index and "--response TASK/RESPONSE" in index


def test_an_unknown_response_is_one_line_and_exit_2(tmp_path: Path) -> None:
    write_run(tmp_path, synthetic_run())
    result = runner.invoke(
        app, ["report", str(tmp_path), "--reports", "html", "--response", "tf-100/NOPE"]
    )
    assert result.exit_code == 2
    lines = [line for line in result.output.splitlines() if line.strip()]
    assert len(lines) == 1 and "no response tf-100/NOPE" in lines[0], result.output
    assert "Traceback" not in result.output
    assert not (tmp_path / "report").exists()  # nothing built before the check
