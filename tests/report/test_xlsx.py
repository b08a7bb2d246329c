"""The curator's workbook: sheets, shapes, number types, formats, and no formula injection."""

from __future__ import annotations

import zipfile
from pathlib import Path

import openpyxl
import pandas as pd
import pytest

from harness.report import build_reports
from harness.report.model import ReportModel
from harness.results import RunData
from harness.store import load_run, write_run
from tests.report.synthetic import FORMULAS, MORE_FORMULA_STARTS, synthetic_run

SHEETS = ["Summary", "Criteria", "Verdicts", "Findings", "Diagnostics", "Rubric", "Run"]


@pytest.fixture(scope="module")
def workbook(synthetic_dir: Path) -> openpyxl.Workbook:
    return openpyxl.load_workbook(synthetic_dir / "report.xlsx")


@pytest.fixture(scope="module")
def run(synthetic_dir: Path) -> RunData:
    return load_run(synthetic_dir)


def test_sheets_and_headers(workbook: openpyxl.Workbook, run: RunData) -> None:
    assert workbook.sheetnames == SHEETS
    header = [c.value for c in workbook["Summary"][1]]
    cats = [c.title for c in run.info.rubric.categories]
    assert header[:6] == ["Task", "Response", "Ideal", "Overall", "Rank", "Responses in task"]
    assert header[6 : 6 + len(cats)] == cats
    assert {"Gates failed", "pass", "partial", "fail", "na", "error"} <= set(header)
    criteria_header = [c.value for c in workbook["Criteria"][1]]
    assert criteria_header[3:] == [c.id for c in run.info.rubric.criteria]
    findings_header = [c.value for c in workbook["Findings"][1]]
    for column in ("Criterion", "Finding", "Message", "File", "Start line", "Snippet"):
        assert column in findings_header


def test_row_counts_equal_the_results(synthetic_dir: Path, run: RunData) -> None:
    frames = pd.read_excel(synthetic_dir / "report.xlsx", sheet_name=None)
    model = ReportModel(run)
    assert len(frames["Summary"]) == len(run.responses)
    assert len(frames["Criteria"]) == len(run.responses)
    verdicts = frames["Verdicts"]
    assert len(verdicts) == sum(len(r.criteria) for r in run.responses)
    failing = [
        f
        for r in run.responses
        for c in r.criteria
        for f in c.findings
        if f.status.value in ("fail", "error")
    ]
    assert len(frames["Findings"]) == len(failing)
    assert set(frames["Findings"]["Message"].dropna()) == {f.message for f in failing}
    counted = verdicts[["Failing findings", "Passing findings", "Na findings"]].to_numpy().sum()
    assert counted == sum(len(c.findings) for r in run.responses for c in r.criteria)
    assert len(frames["Diagnostics"]) == sum(len(row.diagnostics) for row in model.rows)
    assert len(frames["Rubric"]) == len(run.info.rubric.criteria)
    by_key = {(r.task_id, r.response_id): r for r in run.responses}
    for record in frames["Summary"].to_dict("records"):
        result = by_key[(record["Task"], record["Response"])]
        if result.overall is None:
            assert pd.isna(record["Overall"])
        else:
            assert record["Overall"] == pytest.approx(result.overall, abs=0.01)


def test_numbers_are_stored_as_numbers(workbook: openpyxl.Workbook) -> None:
    sheet = workbook["Summary"]
    header = [c.value for c in sheet[1]]
    overall = [r[header.index("Overall")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    ranks = [r[header.index("Rank")] for r in sheet.iter_rows(min_row=2, values_only=True)]
    assert all(v is None or isinstance(v, float | int) for v in overall)
    assert any(isinstance(v, float | int) for v in overall)
    assert all(v is None or type(v) is int for v in ranks)
    findings = workbook["Findings"]
    fheader = [c.value for c in findings[1]]
    lines = [
        r[fheader.index("Start line")] for r in findings.iter_rows(min_row=2, values_only=True)
    ]
    assert any(type(v) is int for v in lines) and all(v is None or type(v) is int for v in lines)


def test_no_cell_is_a_formula_and_planted_text_survives(
    workbook: openpyxl.Workbook, synthetic_dir: Path
) -> None:
    texts: list[str] = []
    for sheet in workbook.worksheets:
        for row in sheet.iter_rows():
            for cell in row:
                assert cell.data_type != "f", f"{sheet.title}!{cell.coordinate} is a formula"
                if isinstance(cell.value, str):
                    texts.append(cell.value)
                    if cell.value.startswith(("=", "+", "-", "@", "\t")):
                        assert cell.quotePrefix, f"{sheet.title}!{cell.coordinate}"
    for planted in (*FORMULAS, *MORE_FORMULA_STARTS[:2]):
        assert planted in texts, planted
    frames = pd.read_excel(synthetic_dir / "report.xlsx", sheet_name=None)
    messages = set(frames["Findings"]["Message"].dropna())
    assert FORMULAS[2] in messages  # "@SUM(1)" read back as text, not evaluated


def test_headers_frozen_filtered_and_formatted(workbook: openpyxl.Workbook) -> None:
    for name in SHEETS:
        sheet = workbook[name]
        assert sheet.freeze_panes in ("A2", "C2"), name
        assert sheet.auto_filter.ref and sheet.auto_filter.ref.startswith("A1:"), name
        assert sheet.column_dimensions["A"].width and sheet.column_dimensions["A"].width >= 8
    summary_rules = [
        (str(rng.sqref), rule.type)
        for rng in workbook["Summary"].conditional_formatting
        for rule in rng.rules
    ]
    assert ("D2:D9", "colorScale") in summary_rules  # Overall
    assert sum(1 for _, t in summary_rules if t == "colorScale") >= 1 + 5  # and each category
    criteria_rules = [
        (rule.type, rule.formula)
        for rng in workbook["Criteria"].conditional_formatting
        for rule in rng.rules
    ]
    for status in ("pass", "partial", "fail", "na", "error"):
        assert ("cellIs", [f'"{status}"']) in criteria_rules


def test_unwritable_characters_are_replaced(tmp_path: Path) -> None:
    from dataclasses import replace

    run = synthetic_run()
    first = run.responses[1]
    criterion = replace(first.criteria[0], message="bell\x07 nul\x00 =1+1")
    broken = replace(first, criteria=(criterion, *first.criteria[1:]))
    write_run(tmp_path, replace(run, responses=(broken,)))
    paths = build_reports(tmp_path, ["xlsx"])
    assert paths.xlsx is not None
    frame = pd.read_excel(paths.xlsx, sheet_name="Verdicts")
    assert "bell\ufffd nul\ufffd =1+1" in set(frame["Message"])


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "in-memory"])
def test_written_cells_read_back_exactly(tmp_path: Path, stream: bool) -> None:
    """The writer against openpyxl's reader: every kind of value a sheet holds comes back as it
    went in (spaces, newlines, markup characters, numbers, booleans), empty values stay empty
    and formula-like text stays quote-prefixed text. A carriage return is stored as ECMA-376's
    ``_x000D_`` escape (Excel reads it as the character; openpyxl leaves escapes as they are,
    so the test undoes them the way Excel does), and a literal escape in the text survives."""
    from openpyxl.utils.escape import unescape

    from harness.report.sheets import Sheet
    from harness.report.xlsx import write_workbook

    texts = [
        "  indented",
        "trailing ",
        "two\nlines",
        "<b>&amp;</b> \"q\" 'a'",
        "ünï\r\ncødé ✓",
        "literal _x0041_ escape",
    ]
    frame = pd.DataFrame(
        {
            "Text": [*texts, "=1+1"],
            "Number": [1, 2, None, 4, 5, 6, 7],
            "Real": [0.5, float("nan"), 1e-9, 3.0, 2.25, -1.5, float("inf")],
            "Flag": [True, False, True, False, True, False, True],
        }
    )
    path = write_workbook(
        [Sheet("One", frame, integer_columns=["Number"], wrap_columns=["Text"])],
        tmp_path / "one.xlsx",
        stream=stream,
    )
    sheet = openpyxl.load_workbook(path)["One"]
    rows = list(sheet.iter_rows(min_row=2))
    if stream:
        assert [unescape(r[0].value) for r in rows] == [*texts, "=1+1"]
    else:
        # openpyxl's shared-string reader undoes the escape of a literal escape itself (and
        # only that one), so the literal is checked in the package's XML: Excel reads
        # _x005F_x0041_ as the text "_x0041_"
        assert [unescape(r[0].value) for r in rows[:5]] == texts[:5]
        with zipfile.ZipFile(path) as package:
            assert "literal _x005F_x0041_ escape" in package.read("xl/sharedStrings.xml").decode()
    assert rows[-1][0].data_type == "s" and rows[-1][0].quotePrefix
    assert [r[1].value for r in rows] == [1, 2, None, 4, 5, 6, 7]
    assert all(type(r[1].value) is int for r in rows if r[1].value is not None)
    assert [r[2].value for r in rows] == [0.5, None, 1e-9, 3, 2.25, -1.5, None]
    assert [r[3].value for r in rows] == [True, False, True, False, True, False, True]
    assert rows[0][0].alignment.wrap_text
    assert sheet.freeze_panes == "C2" and sheet.auto_filter.ref == "A1:D8"


@pytest.mark.parametrize("stream", [True, False], ids=["streamed", "in-memory"])
def test_long_and_trigger_text_is_cut_and_quoted(tmp_path: Path, stream: bool) -> None:
    """Text beyond Excel's 32,767-character limit is cut (ending in an ellipsis), every formula
    trigger gets the quote prefix, in the header too, and a number-like text stays text."""
    from harness.report.sheets import Sheet
    from harness.report.xlsx import FORMULA_TRIGGERS, MAX_CELL_CHARS, write_workbook

    triggers = [f"{t}SUM(A1)" for t in FORMULA_TRIGGERS]
    texts = ["x" * (MAX_CELL_CHARS + 10), *triggers, "42"]
    frame = pd.DataFrame({"=Header": texts})
    path = write_workbook([Sheet("Two", frame)], tmp_path / "two.xlsx", stream=stream)
    sheet = openpyxl.load_workbook(path)["Two"]
    cells = [row[0] for row in sheet.iter_rows()]
    assert cells[0].value == "=Header" and cells[0].quotePrefix and cells[0].font.b
    long_cell, *trigger_cells, number_like = cells[1:]
    assert len(long_cell.value) == MAX_CELL_CHARS and long_cell.value.endswith("…")
    assert all(c.data_type == "s" and c.quotePrefix for c in trigger_cells)
    assert [c.value.replace("_x000D_", "\r") for c in trigger_cells] == triggers
    assert number_like.value == "42" and number_like.data_type == "s"
    assert sheet.freeze_panes == "A2"


def test_a_frame_longer_than_a_sheet_ends_in_a_note(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Past Excel's row limit (made 5 here) the rows that fit are written, the last row says
    how many were left out, and the filter covers the data rows only; a frame that fits
    exactly loses nothing."""
    import harness.report.xlsx as xlsx
    from harness.report.sheets import Sheet

    monkeypatch.setattr(xlsx, "MAX_ROWS", 5)
    long = xlsx.write_workbook(
        [Sheet("Long", pd.DataFrame({"Id": range(10), "Name": [f"n{i}" for i in range(10)]}))],
        tmp_path / "long.xlsx",
    )
    sheet = openpyxl.load_workbook(long)["Long"]
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[:4] == [["Id", "Name"], [0, "n0"], [1, "n1"], [2, "n2"]]
    assert len(values) == 5 and values[4][0].startswith("… 7 more rows not shown")
    assert sheet.auto_filter.ref == "A1:B4"
    fits = xlsx.write_workbook(
        [Sheet("Fits", pd.DataFrame({"Id": range(4)}))], tmp_path / "fits.xlsx"
    )
    assert [r[0].value for r in openpyxl.load_workbook(fits)["Fits"].iter_rows()] == [
        "Id",
        0,
        1,
        2,
        3,
    ]


def test_a_large_workbook_is_streamed_and_a_small_one_shares_strings(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Up to ``STREAM_ABOVE_CELLS`` cells the workbook is held in memory with a shared-string
    table (a repeated task id is stored once); above it, rows are streamed with inline
    strings, so memory does not grow with the run. Both read back the same."""
    import harness.report.xlsx as xlsx
    from harness.report.sheets import Sheet

    frame = pd.DataFrame({"Task": ["tf-1"] * 6, "Line": range(6)})  # 12 cells
    monkeypatch.setattr(xlsx, "STREAM_ABOVE_CELLS", 12)
    small = xlsx.write_workbook([Sheet("S", frame)], tmp_path / "small.xlsx")
    monkeypatch.setattr(xlsx, "STREAM_ABOVE_CELLS", 11)
    large = xlsx.write_workbook([Sheet("S", frame)], tmp_path / "large.xlsx")

    def sheet_xml(path: Path) -> str:
        with zipfile.ZipFile(path) as package:
            return package.read("xl/worksheets/sheet1.xml").decode()

    assert 't="s"' in sheet_xml(small) and "inlineStr" not in sheet_xml(small)
    assert "inlineStr" in sheet_xml(large) and 't="s"' not in sheet_xml(large)
    for path in (small, large):
        rows = [[c.value for c in r] for r in openpyxl.load_workbook(path)["S"].iter_rows()]
        assert rows == [["Task", "Line"], *[["tf-1", i] for i in range(6)]]


def test_the_same_run_gives_the_same_workbook(tmp_path: Path) -> None:
    """The workbook is dated by the run's start, not by the clock: rebuilding the reports of
    a run writes the same bytes (and the document says when the run started)."""
    from datetime import datetime

    from harness.report.xlsx import build_xlsx

    model = ReportModel(synthetic_run())
    first = build_xlsx(model, tmp_path / "a.xlsx").read_bytes()
    second = build_xlsx(model, tmp_path / "b.xlsx").read_bytes()
    assert first == second
    created = openpyxl.load_workbook(tmp_path / "a.xlsx").properties.created
    started = datetime.fromisoformat(model.info.started).replace(tzinfo=None)
    assert created == started


def test_repeated_texts_are_written_right_past_the_column_memo(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Each distinct text of a column is cleaned and formatted once and remembered; when the
    memo is full it starts over, and every cell still holds its own text, formula triggers
    quoted, "" left empty, each column with its own format."""
    import harness.report.xlsx as xlsx
    from harness.report.sheets import Sheet

    monkeypatch.setattr(xlsx, "_MEMO_LIMIT", 2)
    values = ["a", "=b", "a", "", "c\x07", "=b", "d", "a", "c\x07", "e"]
    frame = pd.DataFrame({"First": values, "Second": list(reversed(values))}, dtype=object)
    sheet = Sheet("Memo", frame, wrap_columns=["Second"])  # a format of its own
    path = xlsx.write_workbook([sheet], tmp_path / "memo.xlsx")
    rows = list(openpyxl.load_workbook(path)["Memo"].iter_rows(min_row=2))

    def shown(value: str, wrapped: bool) -> str | None:
        # "" is no cell, unless the column has a format: then an empty formatted cell
        return value.replace("\x07", "\ufffd") or ("" if wrapped else None)

    for column, written in enumerate((values, list(reversed(values)))):
        cells = [row[column] for row in rows]
        assert [c.value for c in cells] == [shown(v, column == 1) for v in written]
        assert [bool(c.quotePrefix) for c in cells] == [v.startswith("=") for v in written]
        assert all(bool(c.alignment.wrap_text) == (column == 1) for c in cells if c.value)
