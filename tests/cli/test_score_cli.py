"""End-to-end CLI: `score`, `rubric check`, `checks list|explain`, with one-line errors."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.rubric import load_rubric
from tests.conftest import REPO_ROOT, SAMPLE_REFERENCE, SAMPLE_TASK

RUNNER = CliRunner()
SAMPLE_RUBRIC = load_rubric(REPO_ROOT / "rubrics" / "aws-prod-stack.yaml")
ENV = {"COLUMNS": "200"}


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return RUNNER.invoke(app, list(args), env=ENV)


def test_score_sample_into_a_folder(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = invoke(
        "score", str(SAMPLE_TASK), "--reference", str(SAMPLE_REFERENCE),
        "--rubric", str(REPO_ROOT / "rubrics" / "aws-prod-stack.yaml"),
        "--out", str(out), "--no-report",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "MODEL_RESPONSE2+overlay" in result.output and "IDEAL_RESPONSE (ideal)" in result.output
    assert f"→ {out}" in " ".join(result.output.split())
    with (out / "scores.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert {r["response_id"] for r in rows} == {
        "MODEL_RESPONSE", "MODEL_RESPONSE2", "MODEL_RESPONSE2+overlay",
        "MODEL_RESPONSE3", "MODEL_RESPONSE4", "IDEAL_RESPONSE",
    }  # fmt: skip
    assert all(r["task_id"] == "aws-prod-stack" and float(r["overall"]) >= 0 for r in rows)
    results = [json.loads(line) for line in (out / "results.jsonl").read_text().splitlines()]
    assert len(results) == 6 * len(SAMPLE_RUBRIC.criteria)
    failing = [r for r in results if r["status"] == "fail" and r["evidence"]]
    assert failing and all("path" in e and "response_line" in e for e in failing[0]["evidence"])
    info = json.loads((out / "run.json").read_text())
    assert info["rubric"]["id"] == "aws-prod-stack" and len(info["rubric"]["sha256"]) == 64
    assert info["inputs"] == [str(SAMPLE_TASK)] and info["harness_version"]
    assert info["counts"]["errors"] == 0
    assert info["counts"]["workers"] == 1  # six units: one worker (the limits need one)
    assert " workers," not in result.output


def test_the_summary_says_how_many_workers_graded(tmp_path: Path) -> None:
    result = invoke(
        "score", str(SAMPLE_TASK), "--reference", str(SAMPLE_REFERENCE), "-q",
        "--out", str(tmp_path / "run"), "--no-report", "--no-cache", "--jobs", "2",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert "scored in" in result.output and " by 2 workers, reports skipped" in result.output


def test_score_builds_reports_when_available(tmp_path: Path) -> None:
    out = tmp_path / "run"
    result = invoke("score", str(SAMPLE_TASK / "MODEL_RESPONSE4.md"), "--out", str(out), "-q")
    assert result.exit_code == 0, result.output
    line = next(x for x in result.output.splitlines() if x.startswith("report: "))
    index = Path(line.removeprefix("report: "))
    assert index.name == "index.html" and index.is_file() and index.is_relative_to(out)


def test_reports_of_score_match_reports_of_the_folder(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """`score` builds its reports from the run it holds in memory (the folder is not read
    again); they are the bytes `iac-harness report` writes from the folder."""
    from harness.results import RunData
    from harness.store import load_run

    out = tmp_path / "run"
    reads: list[Path] = []

    def counted_load(path: Path) -> RunData:
        reads.append(path)
        return load_run(path)

    monkeypatch.setattr("harness.report.load_run", counted_load)
    result = invoke(
        "score", str(SAMPLE_TASK), "--reference", str(SAMPLE_REFERENCE),
        "--rubric", str(REPO_ROOT / "rubrics" / "aws-prod-stack.yaml"),
        "--out", str(out), "-q", "--reports", "html,xlsx",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    assert reads == []  # the whole run was in memory
    again = tmp_path / "again"
    shutil.copytree(out, again)
    assert invoke("report", str(again), "--reports", "html,xlsx").exit_code == 0
    assert reads == [again]
    pages = sorted(p.relative_to(out / "report") for p in (out / "report").rglob("*.html"))
    assert pages and pages == sorted(
        p.relative_to(again / "report") for p in (again / "report").rglob("*.html")
    )
    for page in pages:
        assert (out / "report" / page).read_bytes() == (again / "report" / page).read_bytes()
    assert (out / "report.xlsx").read_bytes() == (again / "report.xlsx").read_bytes()


def test_unusable_input_is_one_line_and_nonzero(tmp_path: Path) -> None:
    for args in (
        ["score", str(tmp_path / "nope"), "--out", str(tmp_path / "o")],
        ["score", str(SAMPLE_TASK), "--rubric", "no-such-rubric", "--out", str(tmp_path / "o")],
        [
            "score",
            str(SAMPLE_TASK),
            "--reference",
            str(tmp_path / "nope"),
            "--out",
            str(tmp_path / "o"),
        ],
    ):
        result = invoke(*args)
        assert result.exit_code == 2, result.output
        message = result.output.strip()
        assert message.startswith("iac-harness: error:") and "\n" not in message, message


def test_rubric_check_ok_and_error(tmp_path: Path) -> None:
    ok = invoke("rubric", "check", str(REPO_ROOT / "rubrics" / "aws-prod-stack.yaml"))
    assert ok.exit_code == 0, ok.output
    assert (
        f"OK: {len(SAMPLE_RUBRIC.criteria)} criteria" in ok.output
        and "terraform-aws-production.yaml" in ok.output
    )
    bad = tmp_path / "bad.yaml"
    bad.write_text(
        "id: bad\nversion: '1'\ncategories: [{id: a, title: A}]\ncriteria:\n"
        "  - id: x.y\n    title: X\n    category: a\n    check: complete.syntax_valid\n"
        "    params: {strict: true}\n"
    )
    result = invoke("rubric", "check", str(bad))
    assert result.exit_code == 2
    line = " ".join(result.output.split())
    assert f"{bad}:9:" in line and "does not take param 'strict'" in line


def test_checks_list_and_explain() -> None:
    listed = invoke("checks", "list")
    assert listed.exit_code == 0
    assert "complete.syntax_valid" in listed.output and "tone.professional" in listed.output
    security = invoke("checks", "list", "--category", "security")
    assert "security.rds_encrypted" in security.output and "tone." not in security.output
    explained = invoke("checks", "explain", "complete.required_resources")
    assert explained.exit_code == 0
    for text in ("What it checks", "Why it matters", "Example", "resources", "dict[str, int]"):
        assert text in explained.output
    unknown = invoke("checks", "explain", "complete.syntax_vaild")
    assert unknown.exit_code == 2 and "did you mean complete.syntax_valid" in unknown.output


def test_checks_list_fits_80_columns() -> None:
    """The category is the id's first part: the table leaves it out, groups by it and
    abbreviates languages, so no id or language is cut at 80 columns."""
    listed = RUNNER.invoke(app, ["checks", "list"], env={**ENV, "COLUMNS": "80"})
    assert listed.exit_code == 0 and "…" not in listed.output, listed.output
    row = next(line for line in listed.output.splitlines() if "complete.syntax_valid" in line)
    assert "tf, cfn" in row
    assert "``" not in listed.output  # docstring markup shows as plain backticks


def test_checks_by_language() -> None:
    listed = invoke("checks", "list", "--language", "cloudformation")
    assert listed.exit_code == 0, listed.output
    assert "lifecycle.deletion_policy" in listed.output
    assert "reliability.backend" not in listed.output
    explained = invoke("checks", "explain", "security.s3_encryption", "-l", "cloudformation")
    assert explained.exit_code == 0, explained.output
    text = " ".join(explained.output.split())
    assert "BucketEncryption" in text and "terraform, cloudformation" in text
    missing = invoke("checks", "explain", "reliability.backend", "-l", "cloudformation")
    assert missing.exit_code == 2
    assert "has no cloudformation implementation" in " ".join(missing.output.split())


def test_explain_reflows_prose_and_shows_defaults_as_a_rubric_writes_them() -> None:
    from harness.cli.checks import reflow

    assert reflow("One line\nand its tail.\n\n    code = 1\n    more = 2\nNext.") == (
        "One line and its tail.\n\n    code = 1\n    more = 2\nNext."
    )
    explained = invoke("checks", "explain", "complete.prompt_requirements")
    assert explained.exit_code == 0, explained.output
    text = " ".join(explained.output.split())
    assert '"service", "region"' in text and "RequirementKind" in text
    assert "<RequirementKind" not in text and "harness.prompt" not in text.split("Params")[1]


def test_the_batch_keeps_every_result_when_reports_or_labels_follow() -> None:
    """Reports and label agreement read every result: the batch keeps them all in memory
    (agreement once saw only the summary table's first 60); a bare run keeps the table's."""
    from harness.cli.score import batch_options
    from harness.cli.summary import MAX_TABLE_ROWS

    def keep(**keep_all: bool) -> int | None:
        options = batch_options(
            jobs=1, executor="local", scheduler=None, cache=None, no_cache=True,
            time_limit=0.0, memory_limit=0, **keep_all,
        )  # fmt: skip
        return options.keep_results

    assert keep(keep_all=True) is None
    assert keep() == MAX_TABLE_ROWS


def test_names_with_brackets_print_as_they_are(tmp_path: Path) -> None:
    """The terminal output is rich markup: a task folder or an output folder named with
    brackets (``demo[draft]``) is printed as it is, not read as a style tag and dropped (a
    report path the user copies must exist)."""
    task = tmp_path / "demo[draft]"
    shutil.copytree(SAMPLE_TASK, task)
    out = tmp_path / "run[bold]"
    result = invoke(
        "score", str(task), "--rubric", str(REPO_ROOT / "rubrics" / "aws-prod-stack.yaml"),
        "--out", str(out), "--reports", "sarif",
    )  # fmt: skip
    assert result.exit_code == 0, result.output
    text = " ".join(result.output.split())
    assert "task demo[draft]" in text
    assert f"report: {out / 'findings.sarif'}" in text and f"→ {out}" in text
    extracted = invoke("extract", str(task / "MODEL_RESPONSE.md"), "-o", str(tmp_path / "x[y]"))
    assert extracted.exit_code == 0, extracted.output
    assert f"under {tmp_path / 'x[y]'}" in " ".join(extracted.output.split())
