"""The curator's spreadsheet: Summary, Criteria, Verdicts, Findings, Diagnostics, Rubric, Run.

Frames are assembled with pandas (``harness.report.sheets``) and written with XlsxWriter. A
workbook of up to ``STREAM_ABOVE_CELLS`` cells is built in memory, with a shared-string table
(each repeated task id, criterion id or status stored once: a quarter smaller and a sixth faster
on the corpus run), and its parts are assembled in memory too (no temporary file per part,
re-read to be zipped: ~2% of the workbook's time); a larger one is streamed in constant-memory
mode, each row going to a temporary file as soon as the next one starts, so memory does not
grow with the run (strings are then inline).
XlsxWriter owns the package (content types, styles, frozen panes, column widths,
auto-filters, conditional formats); this module decides what each cell is.

Every text cell needs care: text from a response or a rubric is always written with
``write_string`` (a cell never holds a formula, whatever it starts with), characters XML cannot
hold are replaced, over-long text is cut to Excel's cell limit, and text starting with a formula
trigger (= + - @ tab CR) gets Excel's quote prefix, so editing the cell keeps it text.
"""

from __future__ import annotations

import math
import numbers
import re
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from xlsxwriter import Workbook
from xlsxwriter.format import Format
from xlsxwriter.worksheet import Worksheet

from harness.report.model import ReportModel
from harness.report.sheets import SHEETS, Sheet

MAX_CELL_CHARS = 32_767
#: rows a worksheet holds, the header included (Excel's limit; XlsxWriter drops cells past it)
MAX_ROWS = 1_048_576
#: above this many cells the workbook is streamed (constant memory) instead of held in memory
STREAM_ABOVE_CELLS = 1_000_000
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
#: what XML 1.0 cannot carry, plus lone surrogates (UTF-8 cannot encode them)
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: conditional fill and font colour per status
_STATUS_FILL = {
    "pass": ("#C6EFCE", "#006100"),
    "partial": ("#FFEB9C", "#9C5700"),
    "fail": ("#FFC7CE", "#9C0006"),
    "na": ("#EDEDED", "#595959"),
    "error": ("#E4D7F5", "#5B2C8F"),
}
_SCORE_SCALE = {
    "type": "3_color_scale",
    "min_type": "num",
    "min_value": 0,
    "min_color": "#F8696B",
    "mid_type": "num",
    "mid_value": 50,
    "mid_color": "#FFEB84",
    "max_type": "num",
    "max_value": 100,
    "max_color": "#63BE7B",
}


def safe_text(value: str) -> str:
    """Text a cell can hold: no XML-illegal characters, at most Excel's 32,767."""
    cleaned = _ILLEGAL.sub("\ufffd", value) if _ILLEGAL.search(value) else value
    return cleaned if len(cleaned) <= MAX_CELL_CHARS else cleaned[: MAX_CELL_CHARS - 1] + "…"


@dataclass(frozen=True)
class _Styles:
    """The workbook's cell formats (plain text is None: no style at all) and status fills."""

    header: Format
    wrap: Format
    quoted: Format
    quoted_wrap: Format
    quoted_header: Format
    status: dict[str, Format]

    @classmethod
    def add_to(cls, workbook: Workbook) -> _Styles:
        header = {"bold": True, "bg_color": "#DDEBF7"}
        wrap = {"text_wrap": True, "valign": "top"}
        quote = {"quote_prefix": True}
        return cls(
            header=workbook.add_format(header),
            wrap=workbook.add_format(wrap),
            quoted=workbook.add_format(quote),
            quoted_wrap=workbook.add_format({**wrap, **quote}),
            quoted_header=workbook.add_format({**header, **quote}),
            status={
                status: workbook.add_format({"bg_color": fill, "font_color": font})
                for status, (fill, font) in _STATUS_FILL.items()
            },
        )

    def text(self, wrap: bool) -> tuple[Format | None, Format]:
        """(format for ordinary text, format for text starting with a formula trigger)."""
        return (self.wrap, self.quoted_wrap) if wrap else (None, self.quoted)


#: a text cell as written: (cleaned text, its format); None: no cell ("" without a format)
_TextCell = tuple[str, Format | None] | None
#: distinct texts remembered per column before its memo starts over (a bound on memory when a
#: streamed sheet's column is all distinct messages)
_MEMO_LIMIT = 50_000


def _cleaned(value: str, formats: tuple[Format | None, Format]) -> tuple[str, Format | None]:
    """The text as written: cleaned, and quote-prefixed when it starts a formula."""
    text = safe_text(value)
    return text, formats[1] if text.startswith(FORMULA_TRIGGERS) else formats[0]


def _text_cell(value: str, formats: tuple[Format | None, Format]) -> _TextCell:
    """How a text cell is written (``_cleaned``); "" without a format is no cell at all."""
    if not value and formats[0] is None:
        return None
    return _cleaned(value, formats)


def _write_value(
    worksheet: Worksheet, row: int, col: int, value: object, formats: tuple[Format | None, Format]
) -> None:
    """A cell that is not text: numbers and booleans as such, nothing (None, NA, NaN,
    infinity) as an empty cell, any other type as its text."""
    if value is None or value is pd.NA:
        return
    if type(value) is int:  # exact types before the (slower) abstract ones
        worksheet.write_number(row, col, value)
    elif type(value) is float:
        if not (math.isnan(value) or math.isinf(value)):
            worksheet.write_number(row, col, value)
    elif isinstance(value, bool):
        worksheet.write_boolean(row, col, value)
    elif isinstance(value, numbers.Integral):
        worksheet.write_number(row, col, int(value))
    elif isinstance(value, numbers.Real):
        number = float(value)
        if not (math.isnan(number) or math.isinf(number)):
            worksheet.write_number(row, col, number)
    else:
        cell = _text_cell(str(value), formats)
        if cell is not None:
            worksheet.write_string(row, col, *cell)


def _write_rows(
    worksheet: Worksheet,
    values_by_column: Sequence[list[object]],
    formats: Sequence[tuple[Format | None, Format]],
) -> None:
    """The cells, row by row from row 1 (constant-memory mode needs row order). Most cells
    are text that repeats down a column (task, response, criterion, status): each distinct
    text is cleaned and given its format once per column, not once per cell."""
    write_string = worksheet.write_string
    memos: list[dict[str, _TextCell]] = [{} for _ in values_by_column]
    for row, values in enumerate(zip(*values_by_column, strict=True), start=1):
        for col, value in enumerate(values):
            if type(value) is str:  # most cells are text: that check first
                memo = memos[col]
                if value in memo:
                    cell = memo[value]
                else:
                    if len(memo) >= _MEMO_LIMIT:
                        memo.clear()
                    cell = memo[value] = _text_cell(value, formats[col])
                if cell is not None:
                    write_string(row, col, cell[0], cell[1])
            else:
                _write_value(worksheet, row, col, value, formats[col])


def _width(frame: pd.DataFrame, column: str) -> float:
    sample = frame[column].head(300).map(lambda v: len(str(v)) if v is not None else 0)
    longest = max([len(str(column)), *sample.tolist()]) if len(sample) else len(str(column))
    return float(min(60, max(8, longest + 2)))


def _layout(worksheet: Worksheet, sheet: Sheet, frame: pd.DataFrame, styles: _Styles) -> None:
    """Frozen header (and the two key columns where the sheet is wide), widths, auto-filter and
    the conditional formats: score colour scales and status fills."""
    columns = [str(c) for c in frame.columns]
    wide = len(columns) > 2 and sheet.name != "Run"
    worksheet.freeze_panes(1, 2 if wide else 0)
    for index, column in enumerate(columns):
        worksheet.set_column(index, index, sheet.widths.get(column) or _width(frame, column))
    last_row, last_col = len(frame), max(0, len(columns) - 1)
    worksheet.autofilter(0, 0, last_row, last_col)
    if not len(frame):
        return
    for column in sheet.score_columns:
        if column in columns:
            index = columns.index(column)
            worksheet.conditional_format(1, index, last_row, index, dict(_SCORE_SCALE))
    for column in sheet.status_columns:
        if column in columns:
            index = columns.index(column)
            for status, fill in styles.status.items():
                rule = {"type": "cell", "criteria": "==", "value": f'"{status}"', "format": fill}
                worksheet.conditional_format(1, index, last_row, index, rule)


def _write_sheet(worksheet: Worksheet, sheet: Sheet, styles: _Styles) -> None:
    """Layout first, then the rows in order (constant-memory mode writes them as they come).
    A frame longer than a sheet can hold ends in a row that says how many rows were left out,
    rather than losing them silently (results.jsonl holds every one)."""
    frame = sheet.frame
    for column in sheet.integer_columns:  # keep 3 as 3, not 3.0, next to missing values
        frame[column] = frame[column].astype("Int64")
    left_out = max(0, len(frame) - (MAX_ROWS - 1))
    if left_out:
        left_out += 1  # the last row is the note
        frame = frame.iloc[: MAX_ROWS - 2]
    columns = [str(c) for c in frame.columns]
    _layout(worksheet, sheet, frame, styles)
    header = (styles.header, styles.quoted_header)
    for col, name in enumerate(columns):
        worksheet.write_string(0, col, *_cleaned(name, header))
    formats = [styles.text(c in sheet.wrap_columns) for c in columns]
    # column lists, zipped: iterating a frame row by row is slow
    _write_rows(worksheet, [frame[column].tolist() for column in frame.columns], formats)
    if left_out:
        note = (
            f"… {left_out:,} more rows not shown: a sheet holds {MAX_ROWS:,} rows; "
            "results.jsonl has every one"
        )
        worksheet.write_string(MAX_ROWS - 1, 0, note)


def write_workbook(
    sheets: Sequence[Sheet],
    path: Path,
    *,
    stream: bool | None = None,
    created: datetime | None = None,
) -> Path:
    """The sheets as one .xlsx at ``path``. ``stream`` None: streamed (memory does not grow
    with the rows) when the sheets hold more than ``STREAM_ABOVE_CELLS`` cells, else built in
    memory with shared strings. ``created`` dates the document (the run's start: the same
    run gives the same bytes), else now."""
    if stream is None:
        stream = sum(sheet.frame.size for sheet in sheets) > STREAM_ABOVE_CELLS
    workbook = Workbook(str(path), {"constant_memory": stream, "in_memory": not stream})
    if created is not None:
        workbook.set_properties({"created": created})
    try:
        styles = _Styles.add_to(workbook)
        for sheet in sheets:
            _write_sheet(workbook.add_worksheet(sheet.name), sheet, styles)
    finally:
        workbook.close()
    return path


def _started(model: ReportModel) -> datetime | None:
    """When the run started (its run.json), as the workbook's creation time."""
    try:
        return datetime.fromisoformat(model.info.started)
    except ValueError:
        return None


def build_xlsx(model: ReportModel, path: Path) -> Path:
    """Write the workbook to a temporary name, then move it over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    try:
        write_workbook([make(model) for make in SHEETS], tmp, created=_started(model))
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    tmp.replace(path)
    return path
