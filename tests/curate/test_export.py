"""export: three plain tables in Parquet, JSONL and CSV; every row satisfies the shipped,
versioned JSON Schema; CSV cells never start a formula from input text."""

from __future__ import annotations

import csv
import json
import shutil
from pathlib import Path

import jsonschema
import pyarrow.parquet as pq
import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.curate.export import COLUMNS, TABLES, arrow_schema, schema_path
from harness.run import score_paths
from tests.conftest import SAMPLE_REFERENCE, SAMPLE_TASK

RUNNER = CliRunner()


@pytest.fixture(scope="module")
def run(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("in")
    # a task id a user does not control, written to look like a spreadsheet formula
    hostile = root / "=HYPERLINK(1)"
    shutil.copytree(SAMPLE_TASK, hostile)
    out = root / "run"
    score_paths([hostile], "aws-prod-stack", out, reference_dir=SAMPLE_REFERENCE)
    return out


def _validator(table: str) -> jsonschema.Draft202012Validator:
    schema = json.loads(schema_path().read_text("utf-8"))
    jsonschema.Draft202012Validator.check_schema(schema)
    return jsonschema.Draft202012Validator({**schema, "$ref": f"#/$defs/{table}"})


def test_jsonl_rows_satisfy_the_schema(run: Path, tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["export", str(run), "--format", "jsonl", "-o", str(tmp_path)])
    assert result.exit_code == 0, result.output
    counts = {}
    for table in TABLES:
        rows = [json.loads(x) for x in (tmp_path / f"{table}.jsonl").read_text().splitlines()]
        validator = _validator(table)
        for row in rows:
            validator.validate(row)
            assert tuple(row) == COLUMNS[table]
        counts[table] = len(rows)
    assert counts["responses"] == 6 and counts["criteria"] > 6 * 20 and counts["findings"] > 0


def test_the_schema_rejects_what_it_should() -> None:
    validator = _validator("criteria")
    with pytest.raises(jsonschema.ValidationError):
        validator.validate({"schema_version": "1", "status": "maybe"})


def test_parquet_types_and_rows(run: Path, tmp_path: Path) -> None:
    assert RUNNER.invoke(app, ["export", str(run), "-o", str(tmp_path)]).exit_code == 0
    for table in TABLES:
        read = pq.read_table(tmp_path / f"{table}.parquet")
        assert read.schema.equals(arrow_schema(table))
        validator = _validator(table)
        for row in read.to_pylist()[:200]:
            validator.validate(row)


def test_csv_never_starts_a_formula(run: Path, tmp_path: Path) -> None:
    assert RUNNER.invoke(app, ["export", str(run), "-f", "csv", "-o", str(tmp_path)]).exit_code == 0
    for table in TABLES:
        with (tmp_path / f"{table}.csv").open(newline="") as handle:
            rows = list(csv.reader(handle))
        assert tuple(rows[0]) == COLUMNS[table]
        for row in rows[1:]:
            for cell in row:
                if cell[:1] in ("=", "+", "@", "\t", "\r") or (
                    cell[:1] == "-" and not _number(cell)
                ):
                    pytest.fail(f"{table}.csv: formula-like cell {cell!r}")
        assert any(r[2] == "'=HYPERLINK(1)" for r in rows[1:])
    with (run / "scores.csv").open(newline="") as handle:
        scores = list(csv.reader(handle))
    assert all(r[0] == "'=HYPERLINK(1)" for r in scores[1:])


def _number(cell: str) -> bool:
    try:
        float(cell)
    except ValueError:
        return False
    return True


def test_export_errors_are_one_line(tmp_path: Path) -> None:
    result = RUNNER.invoke(app, ["export", str(tmp_path), "-f", "xml"])
    assert result.exit_code == 2 and "--format" in result.output
    result = RUNNER.invoke(app, ["export", str(tmp_path / "nope")])
    assert result.exit_code == 2 and "run.json" in result.output
    assert not (tmp_path / "nope").exists()  # nothing written for a bad run


@pytest.mark.parametrize("fmt", ["jsonl", "csv"])
def test_a_run_folder_is_never_the_export_folder(run: Path, tmp_path: Path, fmt: str) -> None:
    """``responses.jsonl`` is both a run's record and an export table: exporting into the run
    (or into another run) would overwrite it."""
    copy = tmp_path / "run"
    shutil.copytree(run, copy)
    before = {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()}
    for target in (copy, run):
        result = RUNNER.invoke(app, ["export", str(copy), "-o", str(target), "-f", fmt])
        assert result.exit_code == 2 and "is a run folder" in result.output
    assert {p.name: p.read_bytes() for p in copy.iterdir() if p.is_file()} == before
    assert RUNNER.invoke(app, ["export", str(copy), "-f", fmt]).exit_code == 0  # RUN/export
    assert (copy / "export" / f"responses.{fmt}").is_file()
