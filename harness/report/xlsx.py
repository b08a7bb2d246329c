"""The curator's spreadsheet: Summary, Criteria, Verdicts, Findings, Diagnostics, Rubric, Run.

Frames are assembled with pandas (``harness.report.sheets``) and streamed straight into the
workbook's SpreadsheetML, one row of XML at a time: a whole-corpus run has ~400k cells, and
openpyxl's write-only mode spent ~15 us on each (a Cell object, a styled lxml element), which
made the workbook the slowest report. The package is the small subset of ECMA-376 that the
workbook needs: inline-string and number cells, one style sheet, frozen header panes, column
widths, auto-filters, colour scales and status fills (conditional formats); openpyxl and pandas
read it back in the tests.

Every text cell needs care: text from a response or a rubric is always an inline string (a
cell never holds a formula, whatever it starts with), characters XML cannot hold are replaced,
over-long text is cut to Excel's cell limit, and text starting with a formula trigger
(= + - @ tab CR) gets Excel's quote prefix, so editing the cell keeps it text.
"""

from __future__ import annotations

import math
import numbers
import re
import zipfile
from collections.abc import Iterator, Sequence
from pathlib import Path

import pandas as pd

from harness.report.model import ReportModel
from harness.report.sheets import SHEETS, Sheet

MAX_CELL_CHARS = 32_767
FORMULA_TRIGGERS = ("=", "+", "-", "@", "\t", "\r")
_ILLEGAL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\ud800-\udfff\ufffe\uffff]")
#: conditional fill and font colour per status (a dxf each, in this order)
_STATUS_FILL = {
    "pass": ("C6EFCE", "006100"),
    "partial": ("FFEB9C", "9C5700"),
    "fail": ("FFC7CE", "9C0006"),
    "na": ("EDEDED", "595959"),
    "error": ("E4D7F5", "5B2C8F"),
}
# cell style indexes (cellXfs in _STYLES)
_PLAIN, _HEADER, _WRAP, _QUOTED, _QUOTED_WRAP, _QUOTED_HEADER = range(6)

_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"

_STYLES = (
    f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<styleSheet xmlns="{_MAIN}">'
    '<fonts count="2"><font><sz val="11"/><name val="Calibri"/><family val="2"/></font>'
    '<font><b/><sz val="11"/><name val="Calibri"/><family val="2"/></font></fonts>'
    '<fills count="3"><fill><patternFill patternType="none"/></fill>'
    '<fill><patternFill patternType="gray125"/></fill>'
    '<fill><patternFill patternType="solid"><fgColor rgb="FFDDEBF7"/><bgColor rgb="FFDDEBF7"/>'
    "</patternFill></fill></fills>"
    '<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>'
    '<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>'
    '<cellXfs count="6">'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" applyAlignment="1">'
    '<alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1"/>'
    '<xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0" quotePrefix="1" '
    'applyAlignment="1"><alignment vertical="top" wrapText="1"/></xf>'
    '<xf numFmtId="0" fontId="1" fillId="2" borderId="0" xfId="0" applyFont="1" applyFill="1" '
    'quotePrefix="1"/>'
    "</cellXfs>"
    '<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles>'
    f'<dxfs count="{len(_STATUS_FILL)}">'
    + "".join(
        f'<dxf><font><color rgb="FF{font}"/></font><fill><patternFill patternType="solid">'
        f'<fgColor rgb="FF{fill}"/><bgColor rgb="FF{fill}"/></patternFill></fill></dxf>'
        for fill, font in _STATUS_FILL.values()
    )
    + "</dxfs></styleSheet>"
)


def safe_text(value: str) -> str:
    """Text a cell can hold: no XML-illegal characters, at most Excel's 32,767."""
    cleaned = _ILLEGAL.sub("\ufffd", value) if _ILLEGAL.search(value) else value
    return cleaned if len(cleaned) <= MAX_CELL_CHARS else cleaned[: MAX_CELL_CHARS - 1] + "…"


def _xml(text: str) -> str:
    """Escaped for element text; a carriage return as a reference, or XML readers would
    turn it into a line feed."""
    escaped = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
    return escaped.replace("\r", "&#13;") if "\r" in escaped else escaped


def _attr(text: str) -> str:
    return _xml(text).replace('"', "&quot;")


def column_letter(index: int) -> str:
    """1 -> A, 27 -> AA."""
    letters = ""
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


def _cell(ref: str, value: object, wrap: bool, header: bool = False) -> str:
    """One ``<c>`` element ("" for an empty cell): numbers as numbers, everything else as an
    inline string (never a formula)."""
    if type(value) is not str:  # most cells are text: that check first
        return _number_cell(ref, value)
    text = safe_text(value)
    quoted = text.startswith(FORMULA_TRIGGERS)
    if header:
        style = _QUOTED_HEADER if quoted else _HEADER
    else:
        style = (_QUOTED_WRAP if wrap else _QUOTED) if quoted else (_WRAP if wrap else _PLAIN)
    space = ' xml:space="preserve"' if text[:1].isspace() or text[-1:].isspace() else ""
    styled = f' s="{style}"' if style else ""
    return f'<c r="{ref}" t="inlineStr"{styled}><is><t{space}>{_xml(text)}</t></is></c>'


def _number_cell(ref: str, value: object) -> str:
    """A number, a boolean, nothing (None, NA, NaN) or, for any other type, its text."""
    if value is None or value is pd.NA:
        return ""
    if isinstance(value, bool):
        return f'<c r="{ref}" t="b"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Integral):
        return f'<c r="{ref}"><v>{int(value)}</v></c>'
    if isinstance(value, numbers.Real):
        number = float(value)
        if math.isnan(number) or math.isinf(number):
            return ""
        return f'<c r="{ref}"><v>{number!r}</v></c>'
    return _cell(ref, str(value), False)


def _width(frame: pd.DataFrame, column: str) -> float:
    sample = frame[column].head(300).map(lambda v: len(str(v)) if v is not None else 0)
    longest = max([len(str(column)), *sample.tolist()]) if len(sample) else len(str(column))
    return float(min(60, max(8, longest + 2)))


def _conditional_formats(sheet: Sheet, columns: list[str], n_rows: int) -> str:
    out: list[str] = []
    priority = 0
    for column in sheet.score_columns:
        if column not in columns:
            continue
        letter = column_letter(columns.index(column) + 1)
        priority += 1
        out.append(
            f'<conditionalFormatting sqref="{letter}2:{letter}{n_rows + 1}">'
            f'<cfRule type="colorScale" priority="{priority}"><colorScale>'
            '<cfvo type="num" val="0"/><cfvo type="num" val="50"/><cfvo type="num" val="100"/>'
            '<color rgb="FFF8696B"/><color rgb="FFFFEB84"/><color rgb="FF63BE7B"/>'
            "</colorScale></cfRule></conditionalFormatting>"
        )
    for column in sheet.status_columns:
        if column not in columns:
            continue
        letter = column_letter(columns.index(column) + 1)
        rules = []
        for dxf, status in enumerate(_STATUS_FILL):
            priority += 1
            rules.append(
                f'<cfRule type="cellIs" dxfId="{dxf}" priority="{priority}" operator="equal">'
                f"<formula>&quot;{status}&quot;</formula></cfRule>"
            )
        out.append(
            f'<conditionalFormatting sqref="{letter}2:{letter}{n_rows + 1}">'
            + "".join(rules)
            + "</conditionalFormatting>"
        )
    return "".join(out)


def sheet_xml(sheet: Sheet) -> Iterator[str]:
    """The worksheet's XML in pieces (a row each), with frozen header, widths, filter and
    conditional formats."""
    frame = sheet.frame
    for column in sheet.integer_columns:  # keep 3 as 3, not 3.0, next to missing values
        frame[column] = frame[column].astype("Int64")
    columns = [str(c) for c in frame.columns]
    letters = [column_letter(i) for i in range(1, max(1, len(columns)) + 1)]
    n_rows = len(frame)
    last = f"{letters[-1]}{n_rows + 1}"
    if len(columns) > 2 and sheet.name != "Run":
        pane = (
            '<pane xSplit="2" ySplit="1" topLeftCell="C2" activePane="bottomRight" state="frozen"/>'
        )
    else:
        pane = '<pane ySplit="1" topLeftCell="A2" activePane="bottomLeft" state="frozen"/>'
    widths = "".join(
        f'<col min="{i}" max="{i}" width="{sheet.widths.get(c) or _width(frame, c)}" '
        'customWidth="1"/>'
        for i, c in enumerate(columns, start=1)
    )
    yield (
        f'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
        f'<worksheet xmlns="{_MAIN}" xmlns:r="{_REL}"><dimension ref="A1:{last}"/>'
        f'<sheetViews><sheetView workbookViewId="0">{pane}</sheetView></sheetViews>'
        f'<sheetFormatPr defaultRowHeight="15"/>{"<cols>" + widths + "</cols>" if widths else ""}'
        "<sheetData>"
    )
    yield (
        '<row r="1">'
        + "".join(_cell(f"{letters[i]}1", c, False, header=True) for i, c in enumerate(columns))
        + "</row>"
    )
    wrap = [c in sheet.wrap_columns for c in columns]
    for number, values in enumerate(frame.itertuples(index=False, name=None), start=2):
        cells = "".join(_cell(f"{letters[i]}{number}", v, wrap[i]) for i, v in enumerate(values))
        yield f'<row r="{number}">{cells}</row>'
    yield f'</sheetData><autoFilter ref="A1:{last}"/>'
    if n_rows:
        yield _conditional_formats(sheet, columns, n_rows)
    yield "</worksheet>"


def _package_parts(names: Sequence[str]) -> dict[str, str]:
    """Everything but the worksheets: content types, relationships, workbook, styles."""
    count = len(names)
    overrides = "".join(
        f'<Override PartName="/xl/worksheets/sheet{i}.xml" ContentType="{_SHEET_TYPE}"/>'
        for i in range(1, count + 1)
    )
    sheets = "".join(
        f'<sheet name="{_attr(name)}" sheetId="{i}" r:id="rId{i}"/>'
        for i, name in enumerate(names, start=1)
    )
    sheet_rels = "".join(
        f'<Relationship Id="rId{i}" Type="{_REL}/worksheet" Target="worksheets/sheet{i}.xml"/>'
        for i in range(1, count + 1)
    )
    head = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    return {
        "[Content_Types].xml": (
            f"{head}<Types "
            'xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
            '<Default Extension="rels" '
            'ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
            '<Default Extension="xml" ContentType="application/xml"/>'
            '<Override PartName="/xl/workbook.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
            '<Override PartName="/xl/styles.xml" ContentType="application/'
            'vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
            f"{overrides}</Types>"
        ),
        "_rels/.rels": (
            f'{head}<Relationships xmlns="{_PKG_REL}">'
            f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/>'
            "</Relationships>"
        ),
        "xl/workbook.xml": (
            f'{head}<workbook xmlns="{_MAIN}" xmlns:r="{_REL}">'
            '<bookViews><workbookView activeTab="0"/></bookViews>'
            f"<sheets>{sheets}</sheets></workbook>"
        ),
        "xl/_rels/workbook.xml.rels": (
            f'{head}<Relationships xmlns="{_PKG_REL}">{sheet_rels}'
            f'<Relationship Id="rId{count + 1}" Type="{_REL}/styles" Target="styles.xml"/>'
            "</Relationships>"
        ),
        "xl/styles.xml": _STYLES,
    }


def write_workbook(sheets: Sequence[Sheet], path: Path) -> Path:
    """The sheets as one .xlsx at ``path`` (streamed: memory does not grow with the rows)."""
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED, compresslevel=6) as zf:
        for name, text in _package_parts([s.name for s in sheets]).items():
            zf.writestr(name, text)
        for number, sheet in enumerate(sheets, start=1):
            with zf.open(f"xl/worksheets/sheet{number}.xml", "w", force_zip64=True) as part:
                buffer: list[str] = []
                size = 0
                for piece in sheet_xml(sheet):
                    buffer.append(piece)
                    size += len(piece)
                    if size > 1 << 20:
                        part.write("".join(buffer).encode("utf-8"))
                        buffer, size = [], 0
                part.write("".join(buffer).encode("utf-8"))
    return path


def build_xlsx(model: ReportModel, path: Path) -> Path:
    """Write the workbook to a temporary name, then move it over ``path``."""
    tmp = path.with_name(f".{path.name}.tmp")
    write_workbook([make(model) for make in SHEETS], tmp)
    tmp.replace(path)
    return path
