"""The run folder on disk: write a run as it is scored, read it back for reports/rescoring.

Layout of a run folder:
  run.json         RunInfo (rubric resolved, inputs, timings, counts, tasks without a
                   reference; fields added later default when an older run.json lacks them)
  results.jsonl    one row per response x criterion (flat, for pandas / jq)
  scores.csv       one row per response: task_id, response_id, overall, one column per category
  responses.jsonl  one full ResponseResult per line (tree, findings, diagnostics): the source
                   of truth for reports; appended as each response is scored, so an interrupted
                   batch keeps everything already scored. Each carries ``input_sha256``,
                   the hash of its source markdown ("" in folders written before it was
                   stored), so ``iac-harness diff`` tells an edited response from a changed
                   grader.
"""

from __future__ import annotations

import csv
import dataclasses
import hashlib
import json
from collections.abc import Iterable, Iterator
from pathlib import Path
from typing import IO, Any

from pydantic import TypeAdapter

from harness.results import ResponseResult, RunData, RunInfo

RUN_JSON = "run.json"
RESULTS_JSONL = "results.jsonl"
SCORES_CSV = "scores.csv"
RESPONSES_JSONL = "responses.jsonl"

_RESPONSE = TypeAdapter(ResponseResult)
_RUN_INFO = TypeAdapter(RunInfo)


class RunFolderError(ValueError):
    """The folder is not a readable run folder; the message names the file and line."""


def response_to_json(result: ResponseResult) -> dict[str, Any]:
    data: dict[str, Any] = _RESPONSE.dump_python(result, mode="json")
    return data


def response_from_json(data: dict[str, Any]) -> ResponseResult:
    return _RESPONSE.validate_python(data)


def result_rows(result: ResponseResult) -> Iterator[dict[str, Any]]:
    """The flat results.jsonl rows of one response (one per criterion)."""
    for c in result.criteria:
        yield {
            "task_id": result.task_id,
            "response_id": result.response_id,
            "criterion_id": c.criterion_id,
            "check_id": c.check_id,
            "category": c.category,
            "status": c.status.value,
            "score": c.score,
            "weight": c.weight,
            "message": c.message,
            "evidence": [
                {
                    "path": e.path,
                    "start_line": e.start_line,
                    "end_line": e.end_line,
                    "response_line": e.response_line,
                    "snippet": e.snippet,
                    "source": e.source,
                    "note": e.note,
                    "finding": f.status.value,
                    "subject": f.subject,
                }
                for f in c.findings
                for e in f.evidence
            ],
        }


def input_sha256(source: str) -> str:
    """sha256 of the file at ``source``; "" when it is not a readable file (text input, a
    reference folder)."""
    if not source:
        return ""
    digest = hashlib.sha256()
    try:
        with Path(source).open("rb") as handle:
            for block in iter(lambda: handle.read(1 << 20), b""):
                digest.update(block)
    except OSError:
        return ""
    return digest.hexdigest()


def with_input_hash(result: ResponseResult) -> ResponseResult:
    """``result`` with ``input_sha256`` filled from its source file when not already set."""
    if result.input_sha256:
        return result
    digest = input_sha256(result.source)
    return dataclasses.replace(result, input_sha256=digest) if digest else result


class RunWriter:
    """Appends responses to a run folder as they are scored; ``close`` writes the summary."""

    def __init__(self, out_dir: Path, category_ids: Iterable[str]) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.category_ids = list(category_ids)
        self._responses: IO[str] = (out_dir / RESPONSES_JSONL).open("w", encoding="utf-8")
        self._results: IO[str] = (out_dir / RESULTS_JSONL).open("w", encoding="utf-8")
        self._scores: IO[str] = (out_dir / SCORES_CSV).open("w", encoding="utf-8", newline="")
        self._csv = csv.writer(self._scores)
        self._csv.writerow(["task_id", "response_id", "overall", *self.category_ids])

    def add(self, result: ResponseResult) -> None:
        result = with_input_hash(result)
        self._responses.write(json.dumps(response_to_json(result), ensure_ascii=False) + "\n")
        for row in result_rows(result):
            self._results.write(json.dumps(row, ensure_ascii=False) + "\n")
        by_id = {c.id: c.score for c in result.categories}
        self._csv.writerow(
            [
                result.task_id,
                result.response_id,
                "" if result.overall is None else round(result.overall, 2),
                *(
                    "" if by_id.get(c) is None else round(100 * by_id[c], 2)  # type: ignore[operator]
                    for c in self.category_ids
                ),
            ]
        )
        for handle in (self._responses, self._results, self._scores):
            handle.flush()

    def close(self, info: RunInfo) -> None:
        for handle in (self._responses, self._results, self._scores):
            handle.close()
        write_run_info(self.out_dir, info)


def write_run_info(out_dir: Path, info: RunInfo) -> None:
    payload = _RUN_INFO.dump_python(info, mode="json")
    (out_dir / RUN_JSON).write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n")


def write_run(out_dir: Path, run: RunData) -> None:
    """Write a complete run folder in one go (used by tests and rescoring)."""
    writer = RunWriter(out_dir, [c.id for c in run.info.rubric.categories])
    for result in run.responses:
        writer.add(result)
    writer.close(run.info)


def load_run(run_dir: Path) -> RunData:
    """Read a run folder written by ``RunWriter``; errors name the file (and line)."""
    run_json = run_dir / RUN_JSON
    if not run_json.is_file():
        raise RunFolderError(f"{run_json}: not found (is {run_dir} a run folder?)")
    try:
        info = _RUN_INFO.validate_python(json.loads(run_json.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise RunFolderError(f"{run_json}: {str(exc).splitlines()[0]}") from exc
    responses = []
    path = run_dir / RESPONSES_JSONL
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                responses.append(response_from_json(json.loads(line)))
            except (ValueError, TypeError) as exc:
                raise RunFolderError(f"{path}:{number}: {str(exc).splitlines()[0]}") from exc
    return RunData(info=info, responses=tuple(responses))
