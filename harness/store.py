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
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any

from pydantic import TypeAdapter, ValidationError

from harness.collector import paused_collector
from harness.results import CriterionStatus, ResponseResult, RunData, RunInfo
from harness.tasks import open_input

RUN_JSON = "run.json"
RESULTS_JSONL = "results.jsonl"
SCORES_CSV = "scores.csv"
RESPONSES_JSONL = "responses.jsonl"

_RESPONSE = TypeAdapter(ResponseResult)
_RUN_INFO = TypeAdapter(RunInfo)


class RunFolderError(ValueError):
    """The folder is not a readable run folder; the message names the file and line."""


def response_line(result: ResponseResult) -> str:
    """``result`` as one responses.jsonl line (compact JSON, UTF-8 text, ``\\n``-ended):
    serialised by pydantic in one pass, about six times faster than dumping it to Python
    objects and then to text."""
    return _RESPONSE.dump_json(result).decode("utf-8") + "\n"


def response_from_line(line: str) -> ResponseResult:
    """The result one responses.jsonl line holds, read in one pass; a line that is not
    one raises ``ValueError`` whose first line says what is wrong and where."""
    try:
        return _RESPONSE.validate_json(line)
    except ValidationError as exc:
        first = exc.errors(include_url=False)[0]
        where = ".".join(str(part) for part in first["loc"])
        raise ValueError(f"{where}: {first['msg']}" if where else first["msg"]) from exc


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
        with open_input(Path(source)) as handle:
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


@dataclass(frozen=True)
class ScoredLines:
    """One graded response as the run folder stores it, serialised where it was graded (a
    worker), so the process writing the run folder only appends text: its ``responses.jsonl``
    line, its ``results.jsonl`` rows and its ``scores.csv`` row, plus the few fields the
    batch counts and shows."""

    task_id: str
    response_id: str
    is_ideal: bool
    overall: float | None
    error: str | None
    response_line: str
    result_lines: str
    score_row: tuple[str, ...]
    criterion_errors: int = 0
    empty_reference: bool = False
    timings: tuple[tuple[str, float], ...] = ()

    @property
    def key(self) -> tuple[str, str]:
        return (self.task_id, self.response_id)


#: The diagnostic a result carries when its task's reference has no files (set by the run).
EMPTY_REFERENCE_CODE = "empty_reference"


#: ``json.dumps(row, ensure_ascii=False)`` without building an encoder per row (the same
#: class and options, so the same bytes).
_encode_row = json.JSONEncoder(ensure_ascii=False).encode


def scored_lines(result: ResponseResult, category_ids: Sequence[str]) -> ScoredLines:
    """``result`` serialised for a run folder whose score columns are ``category_ids``
    (with ``input_sha256`` filled from its source markdown when not already set)."""
    result = with_input_hash(result)
    by_id = {c.id: c.score for c in result.categories}
    row = (
        result.task_id,
        result.response_id,
        "" if result.overall is None else str(round(result.overall, 2)),
        *("" if by_id.get(c) is None else str(round(100 * by_id[c], 2)) for c in category_ids),  # type: ignore[operator]
    )
    return ScoredLines(
        task_id=result.task_id,
        response_id=result.response_id,
        is_ideal=result.is_ideal,
        overall=result.overall,
        error=result.error,
        response_line=response_line(result),
        result_lines="".join(_encode_row(row) + "\n" for row in result_rows(result)),
        score_row=row,
        criterion_errors=sum(c.status is CriterionStatus.ERROR for c in result.criteria),
        empty_reference=any(d.code == EMPTY_REFERENCE_CODE for d in result.diagnostics),
        timings=tuple(result.timings.items()),
    )


@dataclass(frozen=True)
class ResumeState:
    """What an interrupted run folder already holds, after repair: the responses committed
    (a line in responses.jsonl), each summarised, and the lines dropped as torn."""

    scored: tuple[ScoredLines, ...]
    dropped_lines: int

    @property
    def keys(self) -> set[tuple[str, str]]:
        return {s.key for s in self.scored}


#: The file a run folder's writer holds an exclusive lock on while it writes.
RUN_LOCK = ".lock"


class RunFolderBusy(RunFolderError):
    """Another process is writing the run folder (it holds its lock)."""


def _lock(out_dir: Path) -> IO[bytes]:
    """An open handle holding ``out_dir``'s exclusive lock (released when it is closed, or
    when the process ends however it ends); ``RunFolderBusy`` when another process holds it.
    Without ``fcntl`` (not POSIX) the handle holds no lock."""
    handle = (out_dir / RUN_LOCK).open("ab")
    try:
        import fcntl
    except ImportError:  # pragma: no cover - not POSIX
        return handle
    try:
        fcntl.flock(handle.fileno(), fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError as error:  # BlockingIOError: held elsewhere
        handle.close()
        raise RunFolderBusy(
            f"{out_dir}: another iac-harness process is writing this run; wait for it to "
            "finish (or stop it), or choose another --out"
        ) from error
    return handle


def run_folder_busy(out_dir: Path) -> bool:
    """Whether another process is writing ``out_dir`` now (holds its lock)."""
    if not (out_dir / RUN_LOCK).is_file():
        return False
    try:
        _lock(out_dir).close()
    except RunFolderBusy:
        return True
    return False


class RunWriter:
    """Appends responses to a run folder as they are scored; ``close`` writes the summary.

    Each response is written rows first (results.jsonl, scores.csv) and its responses.jsonl
    line last, each flushed: that line commits it. ``resume=True`` first repairs the folder
    (``repair``) and appends after what it holds. The writer holds the folder's lock from
    before the repair to ``close``: a second writer (a ``--resume`` started while the first
    still runs) raises ``RunFolderBusy`` instead of interleaving its lines."""

    def __init__(self, out_dir: Path, category_ids: Iterable[str], *, resume: bool = False) -> None:
        self.out_dir = out_dir
        out_dir.mkdir(parents=True, exist_ok=True)
        self.category_ids = list(category_ids)
        self._lock = _lock(out_dir)
        try:
            self._open(resume)
        except BaseException:
            self._lock.close()
            raise

    def _open(self, resume: bool) -> None:
        out_dir = self.out_dir
        self.resumed = repair(out_dir) if resume else ResumeState((), 0)
        mode = "a" if resume else "w"
        self._responses: IO[str] = (out_dir / RESPONSES_JSONL).open(mode, encoding="utf-8")
        self._results: IO[str] = (out_dir / RESULTS_JSONL).open(mode, encoding="utf-8")
        self._scores: IO[str] = (out_dir / SCORES_CSV).open(mode, encoding="utf-8", newline="")
        self._csv = csv.writer(self._scores)
        if self._scores.tell() == 0:
            self._csv.writerow(["task_id", "response_id", "overall", *self.category_ids])
            self._scores.flush()

    def add(self, result: ResponseResult) -> None:
        self.add_lines(scored_lines(result, self.category_ids))

    def add_lines(self, lines: ScoredLines) -> None:
        self._results.write(lines.result_lines)
        self._results.flush()
        self._csv.writerow(csv_safe_row(lines.score_row))
        self._scores.flush()
        self._responses.write(lines.response_line)
        self._responses.flush()

    def close(self, info: RunInfo) -> None:
        try:
            for handle in (self._responses, self._results, self._scores):
                handle.close()
            write_run_info(self.out_dir, info)
        finally:
            self._lock.close()


def csv_safe_row(row: Sequence[str]) -> list[str]:
    """Cells that a spreadsheet would run as a formula (``=``, ``+``, ``-``, ``@``, tab, CR
    first) get a leading apostrophe; numbers are left as they are."""
    return [_csv_safe(cell) for cell in row]


def _csv_safe(cell: str) -> str:
    if cell[:1] in ("=", "+", "-", "@", "\t", "\r"):
        try:
            float(cell)
            return cell
        except ValueError:
            return "'" + cell
    return cell


def repair(out_dir: Path) -> ResumeState:
    """Make an interrupted run folder consistent: keep the responses.jsonl lines that parse
    (a torn last line is cut off), and in results.jsonl and scores.csv only the rows of those
    responses, once each. Returns what is kept."""
    responses = out_dir / RESPONSES_JSONL
    kept: list[ScoredLines] = []
    good: list[str] = []
    seen: set[tuple[str, str]] = set()
    dropped = 0
    if responses.is_file():
        with responses.open(encoding="utf-8", errors="replace") as handle:
            for line in handle:
                summary = _committed(line)
                if summary is None or summary.key in seen:
                    dropped += 1
                    continue
                seen.add(summary.key)
                good.append(line)
                kept.append(summary)
    _rewrite(responses, good)
    _keep_rows(out_dir / RESULTS_JSONL, seen, _jsonl_key)
    _keep_rows(out_dir / SCORES_CSV, seen, _csv_key, header=True)
    return ResumeState(tuple(kept), dropped)


def _committed(line: str) -> ScoredLines | None:
    """The summary of one complete responses.jsonl line; None for a torn or foreign one."""
    if not line.endswith("\n"):
        return None
    try:
        data = json.loads(line)
        statuses = [c["status"] for c in data.get("criteria", ())]
        return ScoredLines(
            task_id=str(data["task_id"]),
            response_id=str(data["response_id"]),
            is_ideal=bool(data.get("is_ideal", False)),
            overall=data.get("overall"),
            error=data.get("error"),
            response_line="",
            result_lines="",
            score_row=(),
            criterion_errors=statuses.count(CriterionStatus.ERROR.value),
            empty_reference=any(
                d.get("code") == EMPTY_REFERENCE_CODE for d in data.get("diagnostics", ())
            ),
            timings=tuple((str(k), float(v)) for k, v in data.get("timings", {}).items()),
        )
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def _rewrite(path: Path, lines: list[str]) -> None:
    tmp = path.with_name(f".{path.name}.repair")
    tmp.write_text("".join(lines), encoding="utf-8")
    tmp.replace(path)


def _jsonl_key(line: str) -> tuple[str, ...] | None:
    try:
        row = json.loads(line)
        return (row["task_id"], row["response_id"], row["criterion_id"])
    except (ValueError, TypeError, KeyError):
        return None


def _csv_key(line: str) -> tuple[str, ...] | None:
    cells = next(csv.reader([line]), [])
    return (_csv_unescape(cells[0]), _csv_unescape(cells[1])) if len(cells) >= 3 else None


def _csv_unescape(cell: str) -> str:
    return cell[1:] if cell[:1] == "'" and cell[1:2] in ("=", "+", "-", "@", "\t", "\r") else cell


def _keep_rows(
    path: Path,
    committed: set[tuple[str, str]],
    key_of: Callable[[str], tuple[str, ...] | None],
    header: bool = False,
) -> None:
    """Keep the complete rows of committed responses, first occurrence only."""
    if not path.is_file():
        return
    kept: list[str] = []
    seen: set[tuple[str, ...]] = set()
    with path.open(encoding="utf-8", errors="replace", newline="") as handle:
        for number, line in enumerate(handle):
            if header and number == 0:
                kept.append(line)
                continue
            key = key_of(line) if line.endswith("\n") else None
            if key is None or key[:2] not in committed or key in seen:
                continue
            seen.add(key)
            kept.append(line)
    _rewrite(path, kept)


def write_run_info(out_dir: Path, info: RunInfo) -> None:
    """Write run.json atomically (a reader never sees half of it)."""
    payload = _RUN_INFO.dump_python(info, mode="json")
    tmp = out_dir / f".{RUN_JSON}.tmp"
    tmp.write_text(json.dumps(payload, indent=2, ensure_ascii=False) + "\n", encoding="utf-8")
    tmp.replace(out_dir / RUN_JSON)


def read_run_info(run_dir: Path) -> RunInfo:
    """run.json of a run folder; errors name the file."""
    run_json = run_dir / RUN_JSON
    if not run_json.is_file():
        raise RunFolderError(f"{run_json}: not found (is {run_dir} a run folder?)")
    try:
        return _RUN_INFO.validate_python(json.loads(run_json.read_text(encoding="utf-8")))
    except (ValueError, TypeError) as exc:
        raise RunFolderError(f"{run_json}: {str(exc).splitlines()[0]}") from exc


def write_run(out_dir: Path, run: RunData) -> None:
    """Write a complete run folder in one go (used by tests and rescoring)."""
    writer = RunWriter(out_dir, [c.id for c in run.info.rubric.categories])
    for result in run.responses:
        writer.add(result)
    writer.close(run.info)


def load_run(run_dir: Path) -> RunData:
    """Read a run folder written by ``RunWriter``; errors name the file (and line)."""
    info = read_run_info(run_dir)
    responses = []
    path = run_dir / RESPONSES_JSONL
    # every object read lives as long as the run: no collection pass can free one, so none
    # walks them while they are read, nor on their way to the oldest generation after
    with paused_collector(settle=True), path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            try:
                responses.append(response_from_line(line))
            except (ValueError, TypeError) as exc:
                raise RunFolderError(f"{path}:{number}: {str(exc).splitlines()[0]}") from exc
    return RunData(info=info, responses=tuple(responses))
