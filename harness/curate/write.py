"""Write a Hugging Face style dataset folder: Parquet (zstd, ~1,000-row groups) and the same
rows as JSONL (``jsonl/``), per subset; the card's ``configs`` name each subset's files.

Schemas are explicit so that every subset has the same column types whatever its rows (an
empty subset included), and two runs over the same input write byte-identical files.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import pyarrow as pa

ROWS_PER_GROUP = 1_000
ROWS_PER_SHARD = 100_000
SUBSETS = ("preference", "kto", "sft", "ideal_audit")


def schemas() -> dict[str, pa.Schema]:
    """The columns and types of each subset."""
    import pyarrow as pa

    message = pa.struct([("role", pa.string()), ("content", pa.string())])
    conversation = pa.list_(message)
    provenance = [
        ("rubric_id", pa.string()),
        ("rubric_sha256", pa.string()),
        ("harness_version", pa.string()),
    ]
    one = pa.struct([("run", pa.string()), ("response", pa.string())])
    return {
        "preference": pa.schema(
            [
                ("prompt", conversation),
                ("chosen", conversation),
                ("rejected", conversation),
                ("score_chosen", pa.float64()),
                ("score_rejected", pa.float64()),
                ("margin", pa.float64()),
                ("task_id", pa.string()),
                ("chosen_id", pa.string()),
                ("rejected_id", pa.string()),
                ("criteria_chosen_wins", pa.list_(pa.string())),
                ("criteria_rejected_wins", pa.list_(pa.string())),
                *provenance,
                (
                    "source",
                    pa.struct(
                        [("run", pa.string()), ("chosen", pa.string()), ("rejected", pa.string())]
                    ),
                ),
            ]
        ),
        "kto": pa.schema(
            [
                ("prompt", conversation),
                ("completion", conversation),
                ("label", pa.bool_()),
                ("score", pa.float64()),
                ("task_id", pa.string()),
                ("response_id", pa.string()),
                *provenance,
                ("source", one),
            ]
        ),
        "sft": pa.schema(
            [
                ("messages", conversation),
                ("score", pa.float64()),
                ("task_id", pa.string()),
                ("response_id", pa.string()),
                *provenance,
                ("source", one),
            ]
        ),
        "ideal_audit": pa.schema(
            [
                ("task_id", pa.string()),
                ("criterion_id", pa.string()),
                ("category", pa.string()),
                ("severity", pa.string()),
                ("ideal_status", pa.string()),
                ("ideal_score", pa.float64()),
                ("ideal_message", pa.string()),
                ("ideal_evidence", pa.list_(pa.string())),
                ("better_responses", pa.list_(pa.string())),
                ("response_id", pa.string()),
                ("response_message", pa.string()),
                ("response_evidence", pa.list_(pa.string())),
                (
                    "source",
                    pa.struct(
                        [("run", pa.string()), ("ideal", pa.string()), ("response", pa.string())]
                    ),
                ),
            ]
        ),
    }


@dataclass(frozen=True)
class Written:
    subset: str
    rows: int
    files: tuple[Path, ...]


def write_subset(out: Path, subset: str, rows: Sequence[dict[str, object]]) -> Written:
    """``out/data/<subset>/train-0000i-of-0000N.parquet``, and the same rows in
    ``out/jsonl/<subset>/train-0000i-of-0000N.jsonl`` (a folder apart, so that
    ``load_dataset("parquet", data_dir=out/data/<subset>)`` reads Parquet only)."""
    import pyarrow as pa
    import pyarrow.parquet as pq

    if not rows:  # datasets cannot load an empty Parquet file: no files, no config
        return Written(subset, 0, ())
    folder = out / "data" / subset
    folder.mkdir(parents=True, exist_ok=True)
    lines = out / "jsonl" / subset
    lines.mkdir(parents=True, exist_ok=True)
    schema = schemas()[subset]
    shards = max(1, math.ceil(len(rows) / ROWS_PER_SHARD))
    files = []
    for index in range(shards):
        part = rows[index * ROWS_PER_SHARD : (index + 1) * ROWS_PER_SHARD]
        stem = f"train-{index:05d}-of-{shards:05d}"
        table = pa.Table.from_pylist(list(part), schema=schema)
        parquet = folder / f"{stem}.parquet"
        pq.write_table(table, parquet, row_group_size=ROWS_PER_GROUP, compression="zstd")
        jsonl = lines / f"{stem}.jsonl"
        with jsonl.open("w", encoding="utf-8", newline="\n") as handle:
            for row in part:
                handle.write(json.dumps(row, ensure_ascii=False) + "\n")
        files += [parquet, jsonl]
    return Written(subset, len(rows), tuple(files))


def histogram(scores: Sequence[float], width: int = 10) -> list[tuple[str, int]]:
    """Counts of scores in ``width``-point bins, 0-9 ... 90-100 (100 in the last bin)."""
    counts: Counter[int] = Counter(min(int(s // width), 100 // width - 1) for s in scores)
    return [
        (f"{b * width}-{b * width + width - (0 if b == 100 // width - 1 else 1)}", counts[b])
        for b in range(100 // width)
    ]
