"""The curator's spreadsheet: Summary, Criteria, Verdicts, Findings, Diagnostics, Rubric, Run.

Frames are assembled with pandas and written cell by cell with openpyxl (write-only mode, so a
whole-corpus run stays fast), because every text cell needs care: text from a response or a
rubric is always a string cell (never a formula, whatever it starts with), characters XML
cannot hold are replaced, and over-long text is cut to Excel's cell limit. Text starting with
a formula trigger (= + - @ tab CR) also gets Excel's quote prefix, so editing the cell in a
spreadsheet program keeps it text.
"""

from __future__ import annotations

import math
import numbers
import re
from pathlib import Path
from typing import Any

import pandas as pd
from openpyxl import Workbook  # type: ignore[import-untyped]
from openpyxl.cell import WriteOnlyCell  # type: ignore[import-untyped]
from openpyxl.formatting.rule import CellIsRule, ColorScaleRule  # type: ignore[import-untyped]
from openpyxl.styles import Alignment, Font, PatternFill  # type: ignore[import-untyped]
from openpyxl.utils import get_column_letter  # type: ignore[import-untyped]
from openpyxl.worksheet._write_only import WriteOnlyWorksheet  # type: ignore[import-untyped]

from harness.report.model import ReportModel
from harness.report.sheets import SHEETS, Sheet

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


def build_xlsx(model: ReportModel, path: Path) -> Path:
    """Write the workbook to a temporary name, then move it over ``path``."""
    wb = Workbook(write_only=True)
    for make in SHEETS:
        write_sheet(wb, make(model))
    tmp = path.with_name(f".{path.name}.tmp")
    wb.save(tmp)
    tmp.replace(path)
    return path
