"""``iac-harness diff`` and ``iac-harness agree`` end to end through the CLI, and the
``--labels`` option of ``score`` and ``report``."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

from typer.testing import CliRunner

from harness.cli import app
from harness.cli.diff import WIDTH
from tests.conftest import SAMPLE_REFERENCE, SAMPLE_TASK
from tests.trust.sample import DISABLED, REWEIGHTED, SAMPLE_RUBRIC

RUNNER = CliRunner()
ENV = {"COLUMNS": "200"}

SAMPLE_LABELS = """\
task: aws-prod-stack
ranking: [IDEAL_RESPONSE, MODEL_RESPONSE4, MODEL_RESPONSE3, MODEL_RESPONSE]
responses:
  MODEL_RESPONSE:
    tone.professional:
      label: pass
      evidence: "a label that disagrees on purpose <b>bold</b>"
    complete.no_truncation: fail
  MODEL_RESPONSE4:
    security.db_ingress_restricted: fail
    security.not_a_criterion: pass
"""


def invoke(*args: str | Path):  # type: ignore[no-untyped-def]
    return RUNNER.invoke(app, [str(a) for a in args], env=ENV)


def sample_labels(folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "aws-prod-stack.yaml").write_text(SAMPLE_LABELS, encoding="utf-8")
    return folder


def test_diff_table_fits_80_columns_and_names_the_changes(run_a: Path, run_b: Path) -> None:
    result = invoke("diff", run_a, run_b)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    assert all(len(line) <= WIDTH for line in lines), max(lines, key=len)
    text = result.output
    assert f"criterion only in A (removed or disabled): {DISABLED}" in text
    assert f"{REWEIGHTED} weight: 2.0 -> 5.0" in text
    assert "0 changed input; 0 criterion changes" in text


def test_diff_of_a_run_with_itself(run_a: Path) -> None:
    result = invoke("diff", run_a, run_a)
    assert result.exit_code == 0
    assert "No differences" in result.output
    data = json.loads(invoke("diff", run_a, run_a, "--json").output)
    assert data["empty"] is True and data["responses"] == []


def test_diff_writes_json_and_page(run_a: Path, run_b: Path, tmp_path: Path) -> None:
    out = tmp_path / "diff"
    result = invoke("diff", run_a, run_b, "-o", out, "--json")
    assert result.exit_code == 0, result.output
    printed = json.loads(result.output)
    assert json.loads((out / "diff.json").read_text()) == printed
    assert printed["rubric"]["criteria_removed"] == [DISABLED]
    page = (out / "index.html").read_text()
    assert DISABLED in page and (out / "assets" / "report.css").is_file()


def test_diff_never_replaces_a_page_it_did_not_write(run_a: Path, tmp_path: Path) -> None:
    site = tmp_path / "report"  # e.g. a run's report site, given as --out by mistake
    site.mkdir()
    (site / "index.html").write_text("<p>the run's index</p>")
    result = invoke("diff", run_a, run_a, "-o", site)
    assert result.exit_code == 2 and "index.html that diff did not write" in result.output
    assert (site / "index.html").read_text() == "<p>the run's index</p>"
    out = tmp_path / "diff"
    assert invoke("diff", run_a, run_a, "-o", out).exit_code == 0
    assert invoke("diff", run_a, run_a, "-o", out).exit_code == 0  # its own page: replaced


def test_fail_on_regression(run_a: Path, tmp_path: Path) -> None:
    # B: the same run with one response's overall lowered by 3 points
    worse = tmp_path / "worse"
    shutil.copytree(run_a, worse)
    lines = []
    for line in (worse / "responses.jsonl").read_text().splitlines():
        data = json.loads(line)
        if data["response_id"] == "MODEL_RESPONSE4":
            data["overall"] -= 3
        lines.append(json.dumps(data))
    (worse / "responses.jsonl").write_text("\n".join(lines) + "\n")
    assert invoke("diff", run_a, worse).exit_code == 0
    failed = invoke("diff", run_a, worse, "--fail-on-regression")
    assert failed.exit_code == 1
    assert "aws-prod-stack/MODEL_RESPONSE4: overall" in failed.output
    assert invoke("diff", run_a, worse, "--fail-on-regression", "--threshold", "5").exit_code == 0
    assert invoke("diff", worse, run_a, "--fail-on-regression").exit_code == 0


def test_diff_of_a_folder_that_is_not_a_run(run_a: Path, tmp_path: Path) -> None:
    result = invoke("diff", run_a, tmp_path)
    assert result.exit_code == 2
    assert "run.json: not found" in result.output
    assert "Traceback" not in result.output


def test_agree_prints_writes_and_lists_unknown(run_a: Path, tmp_path: Path) -> None:
    labels = sample_labels(tmp_path / "labels")
    out = tmp_path / "agree"
    result = invoke("agree", run_a, "--labels", labels, "-o", out)
    assert result.exit_code == 0, result.output
    assert "labels not in the run" in result.output
    assert "security.not_a_criterion" in result.output
    data = json.loads((out / "agreement.json").read_text())
    assert data["pairs"] == 3
    assert len(data["unknown"]) == 1
    assert {d["criterion_id"] for d in data["disagreements"]} >= {"tone.professional"}
    assert (out / "agreement" / "index.html").is_file()


def test_agree_with_a_broken_label_file(run_a: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "t.yaml").write_text(SAMPLE_LABELS.replace("label: pass", "label: good"))
    result = invoke("agree", run_a, "--labels", labels)
    assert result.exit_code == 2
    assert f"{labels / 't.yaml'}:6: label 'good'" in result.output
    assert "Traceback" not in result.output


def test_score_and_report_with_labels(tmp_path: Path) -> None:
    labels = sample_labels(tmp_path / "labels")
    out = tmp_path / "run"
    result = invoke(
        "score",
        SAMPLE_TASK,
        "-r",
        SAMPLE_RUBRIC,
        "--reference",
        SAMPLE_REFERENCE,
        "-o",
        out,
        "-q",
        "--reports",
        "html",
        "--labels",
        labels,
    )
    assert result.exit_code == 0, result.output
    assert "agreement" in result.output
    assert (out / "labels.json").is_file()
    index = (out / "report" / "index.html").read_text()
    assert "agreement.html" in index and "disagree" in index
    assert (out / "report" / "agreement.html").is_file()
    # report --labels replaces the kept labels
    (labels / "aws-prod-stack.yaml").write_text(SAMPLE_LABELS.replace("label: pass", "label: na"))
    assert invoke("report", out, "--reports", "html", "--labels", labels).exit_code == 0
    assert json.loads((out / "labels.json").read_text())["tasks"][0]["labels"][0]["label"] == "na"


def test_broken_labels_stop_score_and_report_before_any_work(run_a: Path, tmp_path: Path) -> None:
    labels = tmp_path / "labels"
    labels.mkdir()
    (labels / "t.yaml").write_text(SAMPLE_LABELS.replace("label: pass", "label: good"))
    out = tmp_path / "run"
    result = invoke("score", SAMPLE_TASK, "-o", out, "-q", "--labels", labels)
    assert result.exit_code == 2
    assert f"{labels / 't.yaml'}:6:" in result.output
    assert not out.exists()  # nothing was scored
    kept = tmp_path / "kept"
    shutil.copytree(run_a, kept)
    result = invoke("report", kept, "--reports", "sarif", "--labels", labels)
    assert result.exit_code == 2
    assert not (kept / "labels.json").exists()
    assert "Traceback" not in result.output


def test_report_labels_into_a_folder_that_is_not_a_run(tmp_path: Path) -> None:
    labels = sample_labels(tmp_path / "labels")
    folder = tmp_path / "not-a-run"
    folder.mkdir()
    result = invoke("report", folder, "--labels", labels)
    assert result.exit_code == 2
    assert "run.json: not found" in result.output
    assert list(folder.iterdir()) == []
