"""``export``: a run's results as three plain tables (responses, criteria, findings) in
Parquet, JSONL or CSV, with a versioned JSON Schema shipped in the package
(``harness/data/schemas/export-v1.schema.json``) that every row satisfies.

CSV cells that a spreadsheet would run as a formula are prefixed with ``'``.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterator
from pathlib import Path
from typing import TYPE_CHECKING

from harness.results import ResponseResult
from harness.shipped import data_dir
from harness.store import (
    RESPONSES_JSONL,
    RUN_JSON,
    csv_safe_row,
    read_run_info,
    response_from_line,
)

if TYPE_CHECKING:
    import pyarrow as pa

EXPORT_SCHEMA_VERSION = "1"
EXPORT_FORMATS = ("parquet", "jsonl", "csv")
TABLES = ("responses", "criteria", "findings")

COLUMNS: dict[str, tuple[str, ...]] = {
    "responses": (
        "schema_version", "run", "task_id", "response_id", "is_ideal", "overall", "error",
        "gates_failed", "categories", "source",
    ),
    "criteria": (
        "schema_version", "run", "task_id", "response_id", "criterion_id", "check_id",
        "category", "status", "score", "weight", "severity", "gate", "message",
    ),
    "findings": (
        "schema_version", "run", "task_id", "response_id", "criterion_id", "status",
        "subject", "message", "path", "start_line", "end_line", "response_line", "snippet",
        "evidence_source",
    ),
}  # fmt: skip


def schema_path() -> Path:
    """The JSON Schema of the export tables (one definition per table)."""
    return data_dir() / "schemas" / f"export-v{EXPORT_SCHEMA_VERSION}.schema.json"


def rows(result: ResponseResult, run: str) -> dict[str, list[dict[str, object]]]:
    """The rows one result contributes to each table."""
    base = {"schema_version": EXPORT_SCHEMA_VERSION, "run": run, "task_id": result.task_id}
    base["response_id"] = result.response_id
    out: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}
    out["responses"].append(
        base
        | {
            "is_ideal": result.is_ideal,
            "overall": result.overall,
            "error": result.error,
            "gates_failed": list(result.gates_failed),
            "categories": [{"id": c.id, "score": c.score} for c in result.categories],
            "source": result.source,
        }
    )
    for c in result.criteria:
        out["criteria"].append(
            base
            | {
                "criterion_id": c.criterion_id,
                "check_id": c.check_id,
                "category": c.category,
                "status": c.status.value,
                "score": c.score,
                "weight": c.weight,
                "severity": c.severity,
                "gate": c.gate,
                "message": c.message,
            }
        )
        for f in c.findings:
            for e in f.evidence or (None,):
                out["findings"].append(
                    base
                    | {
                        "criterion_id": c.criterion_id,
                        "status": f.status.value,
                        "subject": f.subject,
                        "message": f.message,
                        "path": None if e is None else e.path,
                        "start_line": None if e is None else e.start_line,
                        "end_line": None if e is None else e.end_line,
                        "response_line": None if e is None else e.response_line,
                        "snippet": None if e is None else e.snippet,
                        "evidence_source": None if e is None else e.source,
                    }
                )
    return out


def arrow_schema(table: str) -> pa.Schema:
    """The Parquet columns of ``table`` (the JSON Schema's, in Arrow types)."""
    import pyarrow as pa

    text, number, integer, flag = pa.string(), pa.float64(), pa.int64(), pa.bool_()
    types: dict[str, pa.DataType] = {
        "schema_version": text, "run": text, "task_id": text, "response_id": text,
        "is_ideal": flag, "overall": number, "error": text, "gates_failed": pa.list_(text),
        "categories": pa.list_(pa.struct([("id", text), ("score", number)])), "source": text,
        "criterion_id": text, "check_id": text, "category": text, "status": text,
        "score": number, "weight": number, "severity": text, "gate": flag, "message": text,
        "subject": text, "path": text, "start_line": integer, "end_line": integer,
        "response_line": integer, "snippet": text, "evidence_source": text,
    }  # fmt: skip
    return pa.schema([(column, types[column]) for column in COLUMNS[table]])


def _results(run_dir: Path) -> Iterator[ResponseResult]:
    with (run_dir / RESPONSES_JSONL).open(encoding="utf-8") as handle:
        for line in handle:
            if line.strip():
                yield response_from_line(line)


def _csv_cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, list):
        return json.dumps(value, ensure_ascii=False)
    return str(value)


#: Where ``iac-harness export RUN`` writes without ``--out``: a folder of the run's own.
DEFAULT_FOLDER = "export"


def export_run(run_dir: Path, out: Path, fmt: str) -> list[Path]:
    """Write ``out/<table>.<fmt>`` for the three tables; the paths written. ``out`` must not
    be a run folder (ValueError): the tables' names (``responses.jsonl``) are a run's own."""
    read_run_info(run_dir)  # a clear error when it is not a run folder
    if fmt not in EXPORT_FORMATS:
        raise ValueError(f"unknown export format {fmt!r} (one of {', '.join(EXPORT_FORMATS)})")
    if (out / RUN_JSON).exists():
        raise ValueError(
            f"{out}: is a run folder; its files would be overwritten (export into a folder "
            "of its own: the default is RUN/export)"
        )
    out.mkdir(parents=True, exist_ok=True)
    tables: dict[str, list[dict[str, object]]] = {name: [] for name in TABLES}
    for result in _results(run_dir):
        for name, part in rows(result, str(run_dir)).items():
            tables[name].extend(part)
    written = []
    for name in TABLES:
        path = out / f"{name}.{fmt}"
        if fmt == "jsonl":
            with path.open("w", encoding="utf-8") as handle:
                for row in tables[name]:
                    handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        elif fmt == "csv":
            with path.open("w", encoding="utf-8", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(COLUMNS[name])
                for row in tables[name]:
                    writer.writerow(csv_safe_row([_csv_cell(row[c]) for c in COLUMNS[name]]))
        else:
            import pyarrow as pa
            import pyarrow.parquet as pq

            table = pa.Table.from_pylist(tables[name], schema=arrow_schema(name))
            pq.write_table(table, path, compression="zstd")
        written.append(path)
    return written
