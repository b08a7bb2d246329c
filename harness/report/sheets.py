"""The workbook's sheets as pandas frames, with how each should be presented (which columns
carry scores, statuses, whole numbers). Pure functions of the report model; writing them is
``harness.report.xlsx``'s job."""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import pandas as pd

from harness.report.model import STATUSES, ReportModel
from harness.vocabulary import Status


@dataclass
class Sheet:
    """A frame plus how to present it."""

    name: str
    frame: pd.DataFrame
    integer_columns: Sequence[str] = ()  # whole numbers that may be missing
    score_columns: Sequence[str] = ()  # 0-100 colour scale
    status_columns: Sequence[str] = ()  # conditional fill by status text
    wrap_columns: Sequence[str] = ()
    widths: dict[str, float] = field(default_factory=dict)


def _frame(rows: Sequence[Any], columns: list[str]) -> pd.DataFrame:
    """A sheet's frame with object columns: the values go straight back out to the writer
    as they are, where an inferred string column (Arrow-backed when pyarrow is installed)
    would convert every value twice (a third of the frames' cost on the corpus run)."""
    return pd.DataFrame(rows, columns=columns, dtype=object)


def _pct(value: float | None) -> float | None:
    return None if value is None else round(value, 2)


def summary_sheet(model: ReportModel) -> Sheet:
    rows = []
    titles = [c.title for c in model.categories]
    for row in model.rows:
        r = row.result
        entry: dict[str, Any] = {
            "Task": r.task_id,
            "Response": r.response_id,
            "Ideal": r.is_ideal,
            "Overall": _pct(r.overall),
            "Rank": row.rank,
            "Responses in task": row.task_size,
        }
        for cat, title in zip(model.categories, titles, strict=True):
            entry[title] = _pct(row.category_score(cat.id))
        entry["Gates failed"] = len(r.gates_failed)
        entry["Failed gates"] = ", ".join(r.gates_failed)
        for status in STATUSES:
            entry[status] = row.counts[status]
        entry["Diagnostics"] = len(row.diagnostics)
        entry["Error"] = r.error or ""
        entry["Source"] = r.source
        rows.append(entry)
    columns = [
        "Task",
        "Response",
        "Ideal",
        "Overall",
        "Rank",
        "Responses in task",
        *titles,
        "Gates failed",
        "Failed gates",
        *STATUSES,
        "Diagnostics",
        "Error",
        "Source",
    ]
    return Sheet(
        "Summary",
        _frame(rows, columns=columns),
        score_columns=["Overall", *titles],
        integer_columns=["Rank"],
        widths={s: 8 for s in STATUSES},
    )


def criteria_sheet(model: ReportModel) -> Sheet:
    ids = [c.id for c in model.criteria]
    rows = []
    for row in model.rows:
        entry: dict[str, Any] = {
            "Task": row.result.task_id,
            "Response": row.result.response_id,
            "Overall": _pct(row.result.overall),
        }
        for cid in ids:
            crit = row.criteria_by_id.get(cid)
            entry[cid] = crit.status.value if crit is not None else None
        rows.append(entry)
    return Sheet(
        "Criteria",
        _frame(rows, columns=["Task", "Response", "Overall", *ids]),
        score_columns=["Overall"],
        status_columns=ids,
        widths={cid: max(10.0, min(34.0, len(cid) + 2)) for cid in ids},
    )


def verdicts_sheet(model: ReportModel) -> Sheet:
    """A row per (response, criterion): status, score, the criterion's message and how many
    findings of each kind stand behind it (the long form of the Criteria sheet)."""
    rows = []
    for row in model.rows:
        for crit in row.result.criteria:
            kinds = Counter(f.status.value for f in crit.findings)
            rows.append(
                (
                    row.result.task_id,
                    row.result.response_id,
                    crit.criterion_id,
                    crit.category,
                    crit.severity,
                    crit.status.value,
                    None if crit.score is None else round(crit.score, 4),
                    crit.weight,
                    crit.message,
                    kinds.get("fail", 0) + kinds.get("error", 0),
                    kinds.get("pass", 0),
                    kinds.get("na", 0),
                )
            )
    columns = [
        "Task",
        "Response",
        "Criterion",
        "Category",
        "Severity",
        "Status",
        "Score",
        "Weight",
        "Message",
        "Failing findings",
        "Passing findings",
        "Na findings",
    ]
    return Sheet(
        "Verdicts",
        _frame(rows, columns=columns),
        status_columns=["Status"],
        widths={"Message": 70, "Criterion": 30},
    )


def findings_sheet(model: ReportModel) -> Sheet:
    """A row per failing or erroring finding, with its first piece of evidence spelled out
    (the others as locations). Passing and na findings are counted in Verdicts, not listed:
    they were two thirds of the rows and no curator filters on "main.tf parses";
    results.jsonl keeps every one."""
    rows = []
    for row in model.rows:
        for crit in row.result.criteria:
            for finding in crit.findings:
                if finding.status not in (Status.FAIL, Status.ERROR):
                    continue
                own = [e for e in finding.evidence if e.source == "response"]
                ref = [e for e in finding.evidence if e.source != "response"]
                first = own[0] if own else None
                rows.append(
                    (
                        row.result.task_id,
                        row.result.response_id,
                        crit.criterion_id,
                        crit.status.value,
                        finding.status.value,
                        finding.subject,
                        finding.message,
                        first.path if first else None,
                        first.start_line if first else None,
                        first.end_line if first else None,
                        first.response_line if first else None,
                        first.snippet if first else None,
                        first.note if first else None,
                        "; ".join(e.location() for e in own[1:]),
                        "; ".join(e.location() for e in ref),
                    )
                )
    columns = [
        "Task",
        "Response",
        "Criterion",
        "Criterion status",
        "Finding",
        "Subject",
        "Message",
        "File",
        "Start line",
        "End line",
        "Response line",
        "Snippet",
        "Note",
        "More evidence",
        "Reference",
    ]
    return Sheet(
        "Findings",
        _frame(rows, columns=columns),
        status_columns=["Criterion status", "Finding"],
        integer_columns=["Start line", "End line", "Response line"],
        wrap_columns=["Snippet"],
        widths={"Snippet": 60, "Message": 60},
    )


def diagnostics_sheet(model: ReportModel) -> Sheet:
    rows = [
        {
            "Task": row.result.task_id,
            "Response": row.result.response_id,
            "Stage": d.stage,
            "Severity": d.severity.value,
            "Code": d.code,
            "Message": d.message,
            "File": d.span.path if d.span else None,
            "Line": d.span.start_line if d.span else None,
            "Response line": d.line,
        }
        for row in model.rows
        for d in row.diagnostics
    ]
    columns = [
        "Task",
        "Response",
        "Stage",
        "Severity",
        "Code",
        "Message",
        "File",
        "Line",
        "Response line",
    ]
    return Sheet(
        "Diagnostics",
        _frame(rows, columns=columns),
        integer_columns=["Line", "Response line"],
        widths={"Message": 70},
    )


def rubric_sheet(model: ReportModel) -> Sheet:
    cats = model.category_info
    rows = [
        {
            "Criterion": c.id,
            "Title": c.title,
            "Category": c.category,
            "Category title": cats[c.category].title if c.category in cats else c.category,
            "Category weight": cats[c.category].weight if c.category in cats else None,
            "Check": c.check,
            "Weight": c.weight,
            "Severity": c.severity,
            "Gate": c.gate,
            "Why": c.why,
            "Params": json.dumps(c.params, ensure_ascii=False, sort_keys=True, default=str)
            if c.params
            else "",
        }
        for c in model.criteria
    ]
    columns = [
        "Criterion",
        "Title",
        "Category",
        "Category title",
        "Category weight",
        "Check",
        "Weight",
        "Severity",
        "Gate",
        "Why",
        "Params",
    ]
    return Sheet("Rubric", _frame(rows, columns=columns), widths={"Why": 70})


def run_sheet(model: ReportModel) -> Sheet:
    info, rubric = model.info, model.rubric
    pairs: list[tuple[str, Any]] = [
        ("Rubric id", rubric.id),
        ("Rubric version", rubric.version),
        ("Rubric title", rubric.title),
        ("Rubric sha256", rubric.sha256),
        ("Rubric source", rubric.source),
        ("Gate cap", rubric.gate_cap),
        ("Harness version", info.harness_version),
        ("Started", info.started),
        ("Finished", info.finished),
        ("Duration (s)", info.duration_s),
        ("Tasks", len(model.tasks)),
        ("Responses", len(model.rows)),
        ("Criteria", len(model.criteria)),
    ]
    pairs += [(f"Input {i}", p) for i, p in enumerate(info.inputs, start=1)]
    pairs += [(f"Count: {k}", v) for k, v in sorted(info.counts.items())]
    pairs += [(f"Time (s): {k}", v) for k, v in sorted(info.timings.items())]
    pairs += [(f"Verdicts: {k}", v) for k, v in model.status_totals.items()]
    return Sheet("Run", _frame(pairs, columns=["Key", "Value"]), widths={"Key": 24, "Value": 80})


SHEETS = (
    summary_sheet,
    criteria_sheet,
    verdicts_sheet,
    findings_sheet,
    diagnostics_sheet,
    rubric_sheet,
    run_sheet,
)
