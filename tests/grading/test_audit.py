"""The ideal audit: where a task's ideal scores below one of its responses on a criterion,
listed for the run summary and the report."""

from __future__ import annotations

import dataclasses
from pathlib import Path

from harness.grading.audit import audit_line, ideal_shortfalls
from harness.report import build_reports
from harness.results import CriterionResult, CriterionStatus, ResponseResult, RunData
from harness.store import write_run
from tests.report.synthetic import synthetic_run


def _criterion(cid: str, status: CriterionStatus, score: float | None) -> CriterionResult:
    return CriterionResult(cid, cid, cid.split(".")[0], status, score, 1.0, f"{cid} {status}")


def _response(
    task: str, rid: str, *criteria: CriterionResult, ideal: bool = False
) -> ResponseResult:
    return ResponseResult(task, rid, f"{task}/{rid}.md", 50.0, criteria=criteria, is_ideal=ideal)


P, F, PA, NA = (
    CriterionStatus.PASS,
    CriterionStatus.FAIL,
    CriterionStatus.PARTIAL,
    CriterionStatus.NA,
)


def test_lists_criteria_where_a_response_beats_the_ideal() -> None:
    results = [
        _response("t1", "IDEAL_RESPONSE", _criterion("security.secrets", F, 0.0),
                  _criterion("tagging.tags", P, 1.0), _criterion("monitoring.alarms", NA, None),
                  ideal=True),
        _response("t1", "R1", _criterion("security.secrets", P, 1.0),
                  _criterion("tagging.tags", P, 1.0), _criterion("monitoring.alarms", P, 1.0)),
        _response("t1", "R2", _criterion("security.secrets", PA, 0.5),
                  _criterion("tagging.tags", F, 0.0), _criterion("monitoring.alarms", F, 0.0)),
        _response("t2", "R1", _criterion("security.secrets", P, 1.0)),  # no ideal: not audited
    ]  # fmt: skip
    (shortfall,) = ideal_shortfalls(results)
    assert shortfall.task_id == "t1" and shortfall.criterion_id == "security.secrets"
    assert shortfall.ideal_status == "fail" and shortfall.ideal_score == 0.0
    assert shortfall.better == (("R1", 1.0), ("R2", 0.5))  # best first
    line = audit_line((shortfall,))
    assert "in 1 task(s)" in line and "t1 security.secrets" in line
    assert audit_line(()) == ""


def _run_with_a_flawed_ideal() -> RunData:
    run = synthetic_run()
    task = run.responses[0].task_id
    ideal = next(r for r in run.responses if r.task_id == task and r.is_ideal)
    response = next(r for r in run.responses if r.task_id == task and not r.is_ideal and r.criteria)
    target = next(c for c in response.criteria if c.score is not None and c.score > 0)
    flawed = tuple(
        dataclasses.replace(c, status=F, score=0.0, message="the ideal hard-codes it")
        if c.criterion_id == target.criterion_id
        else c
        for c in ideal.criteria
    )
    responses = tuple(
        dataclasses.replace(r, criteria=flawed) if r is ideal else r for r in run.responses
    )
    return dataclasses.replace(run, responses=responses)


def test_the_report_index_has_an_ideal_audit_section(tmp_path: Path) -> None:
    run = _run_with_a_flawed_ideal()
    (shortfall, *_) = ideal_shortfalls(run.responses)
    write_run(tmp_path, run)
    build_reports(tmp_path, ["html"])
    index = (tmp_path / "report" / "index.html").read_text(encoding="utf-8")
    section = index[index.index('id="ideal-audit"') :]
    section = section[: section.index("</section>")]
    assert shortfall.criterion_id in section and "the ideal hard-codes it" in section
    assert "ideal first" in section


def test_the_console_summary_has_the_audit_line() -> None:
    from harness.cli.summary import summary_notes

    run = _run_with_a_flawed_ideal()
    assert any(line.startswith("[yellow]ideal audit: in 1 task(s)") for line in summary_notes(run))
    assert not any("ideal audit" in line for line in summary_notes(synthetic_run()))
