"""The curator's spreadsheet: Summary, Criteria, Findings, Diagnostics, Rubric and Run sheets.

Frames are assembled with pandas and written cell by cell with openpyxl (write-only mode, so a
whole-corpus run stays fast), because every text cell needs care: text from a response or a
rubric is always a string cell (never a formula, whatever it starts with), characters XML
cannot hold are replaced, and over-long text is cut to Excel's cell limit. Text starting with
a formula trigger (= + - @ tab CR) also gets Excel's quote prefix, so editing the cell in a
spreadsheet program keeps it text.
"""

from __future__ import annotations

import json
import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # type: ignore[import-untyped]

from harness.report.model import STATUSES, ReportModel
from harness.results import CriterionResult

MAX_CELL_CHARS = 32_767
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
_STATUS_FILL = {
    "pass": ("C6EFCE", "006100"),
    "partial": ("FFEB9C", "9C5700"),
    "fail": ("FFC7CE", "9C0006"),
    "na": ("EDEDED", "595959"),
    "error": ("E4D7F5", "5B2C8F"),
}
_HEADER_FONT = Font(bold=True)
_HEADER_FILL = PatternFill("solid", start_color="DDEBF7", end_color="DDEBF7")
_WRAP = Alignment(wrap_text=True, vertical="top")


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


def safe_text(value: str) -> str:
    """Text a cell can hold: no XML-illegal characters, at most Excel's 32,767."""
    cleaned = _ILLEGAL.sub("\ufffd", value)
    return cleaned if len(cleaned) <= MAX_CELL_CHARS else cleaned[: MAX_CELL_CHARS - 1] + "…"


def _value(ws: WriteOnlyWorksheet, value: Any, wrap: bool = False) -> Any:
    """What to append for one value: plain numbers and plain text as they are (fast), a
    styled string cell for text that starts like a formula or needs wrapping."""
    if not wrap:
        if value is None or value is pd.NA or isinstance(value, bool):
            return None if value is pd.NA else value
        if isinstance(value, str):
            text = safe_text(value)
            if not text.startswith(FORMULA_TRIGGERS):
                return text
        elif isinstance(value, numbers.Integral):
            return int(value)
        elif isinstance(value, numbers.Real):
            return None if math.isnan(value) else float(value)
    return _cell(ws, value, wrap)


def _cell(ws: WriteOnlyWorksheet, value: Any, wrap: bool = False) -> WriteOnlyCell:
    if value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value)):
        cell = WriteOnlyCell(ws, value=None)
    elif isinstance(value, bool):
        cell = WriteOnlyCell(ws, value=value)
    elif isinstance(value, numbers.Integral):
        cell = WriteOnlyCell(ws, value=int(value))
    elif isinstance(value, numbers.Real):
        cell = WriteOnlyCell(ws, value=float(value))
    else:
        text = safe_text(str(value))
        cell = WriteOnlyCell(ws, value=None)
        cell.value = text  # openpyxl marks text starting with "=" as a formula...
        cell.data_type = "s"  # ...so say explicitly that every text cell is a string
        if text.startswith(FORMULA_TRIGGERS):
            cell.quotePrefix = True
    if wrap:
        cell.alignment = _WRAP
    return cell


def _width(frame: pd.DataFrame, column: str) -> float:
    sample = frame[column].head(300).map(lambda v: len(str(v)) if v is not None else 0)
    longest = max([len(str(column)), *sample.tolist()]) if len(sample) else len(str(column))
    return float(min(60, max(8, longest + 2)))


def write_sheet(wb: Workbook, sheet: Sheet) -> None:
    ws: WriteOnlyWorksheet = wb.create_sheet(sheet.name)
    frame = sheet.frame
    for column in sheet.integer_columns:  # keep 3 as 3, not 3.0, next to missing values
        frame[column] = frame[column].astype("Int64")
    columns = [str(c) for c in frame.columns]
    for index, column in enumerate(columns, start=1):
        width = sheet.widths.get(column) or _width(frame, column)
        ws.column_dimensions[get_column_letter(index)].width = width
    ws.freeze_panes = "C2" if len(columns) > 2 and sheet.name != "Run" else "A2"
    n_rows = len(frame)
    last = get_column_letter(max(1, len(columns)))
    ws.auto_filter.ref = f"A1:{last}{n_rows + 1}"
    header = []
    for column in columns:
        cell = _cell(ws, column)
        cell.font = _HEADER_FONT
        cell.fill = _HEADER_FILL
        header.append(cell)
    ws.append(header)
    wrap = {columns.index(c) for c in sheet.wrap_columns if c in columns}
    for values in frame.itertuples(index=False, name=None):
        ws.append([_value(ws, v, i in wrap) for i, v in enumerate(values)])
    if n_rows:
        _conditional_formats(ws, sheet, columns, n_rows)


def _conditional_formats(
    ws: WriteOnlyWorksheet, sheet: Sheet, columns: list[str], n_rows: int
) -> None:
    for column in sheet.score_columns:
        if column not in columns:
            continue
        letter = get_column_letter(columns.index(column) + 1)
        ws.conditional_formatting.add(
            f"{letter}2:{letter}{n_rows + 1}",
            ColorScaleRule(
                start_type="num",
                start_value=0,
                start_color="F8696B",
                mid_type="num",
                mid_value=50,
                mid_color="FFEB84",
                end_type="num",
                end_value=100,
                end_color="63BE7B",
            ),
        )
    for column in sheet.status_columns:
        if column not in columns:
            continue
        letter = get_column_letter(columns.index(column) + 1)
        for status, (fill, font) in _STATUS_FILL.items():
            ws.conditional_formatting.add(
                f"{letter}2:{letter}{n_rows + 1}",
                CellIsRule(
                    operator="equal",
                    formula=[f'"{status}"'],
                    fill=PatternFill("solid", start_color=fill, end_color=fill),
                    font=Font(color=font),
                ),
            )


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
        pd.DataFrame(rows, columns=columns),
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
        pd.DataFrame(rows, columns=["Task", "Response", "Overall", *ids]),
        score_columns=["Overall"],
        status_columns=ids,
        widths={cid: max(10.0, min(34.0, len(cid) + 2)) for cid in ids},
    )


def _criterion_only(task_id: str, response_id: str, crit: CriterionResult) -> dict[str, Any]:
    return {
        "Task": task_id,
        "Response": response_id,
        "Criterion": crit.criterion_id,
        "Category": crit.category,
        "Severity": crit.severity,
        "Criterion status": crit.status.value,
        "Criterion message": crit.message,
    }


def findings_sheet(model: ReportModel) -> Sheet:
    """A row per finding (and one per criterion that has no finding at all)."""
    rows = []
    for row in model.rows:
        for crit in row.result.criteria:
            # a criterion without findings still gets a row, so its message is not lost
            for finding in crit.findings or (None,):
                if finding is None:
                    rows.append(_criterion_only(row.result.task_id, row.result.response_id, crit))
                    continue
                own = [e for e in finding.evidence if e.source == "response"]
                ref = [e for e in finding.evidence if e.source != "response"]
                first = own[0] if own else None
                rows.append(
                    {
                        "Task": row.result.task_id,
                        "Response": row.result.response_id,
                        "Criterion": crit.criterion_id,
                        "Category": crit.category,
                        "Severity": crit.severity,
                        "Criterion status": crit.status.value,
                        "Criterion message": crit.message,
                        "Finding": finding.status.value,
                        "Subject": finding.subject,
                        "Message": finding.message,
                        "File": first.path if first else None,
                        "Start line": first.start_line if first else None,
                        "End line": first.end_line if first else None,
                        "Response line": first.response_line if first else None,
                        "Snippet": first.snippet if first else None,
                        "Note": first.note if first else None,
                        "More evidence": "; ".join(e.location() for e in own[1:]),
                        "Reference": "; ".join(e.location() for e in ref),
                    }
                )
    columns = [
        "Task",
        "Response",
        "Criterion",
        "Category",
        "Severity",
        "Criterion status",
        "Criterion message",
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
        pd.DataFrame(rows, columns=columns),
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
        pd.DataFrame(rows, columns=columns),
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
    return Sheet("Rubric", pd.DataFrame(rows, columns=columns), widths={"Why": 70})


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
    return Sheet(
        "Run", pd.DataFrame(pairs, columns=["Key", "Value"]), widths={"Key": 24, "Value": 80}
    )


SHEETS = (summary_sheet, criteria_sheet, findings_sheet, diagnostics_sheet, rubric_sheet, run_sheet)


def build_xlsx(model: ReportModel, path: Path) -> Path:
    """Write the workbook to a temporary name, then move it over ``path``."""
    wb = Workbook(write_only=True)
    for make in SHEETS:
        write_sheet(wb, make(model))
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path
