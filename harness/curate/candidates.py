"""The responses of scored runs as candidates for training data: each with its score, its
verdicts, the exact markdown it was, and the conversation it answers.

A follow-up turn is judged on its overlaid tree (the project as it stands after the turn), so
its candidate takes the ``+overlay`` result's scores and its own markdown as the text; the
conversation before it holds the earlier prompts and the earlier turns' responses. The ideal
answers the task's single prompt; in a multi-turn task it answers no one turn and is not a
candidate (counted).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from harness.results import ResponseResult, RunInfo
from harness.store import RESPONSES_JSONL, RunFolderError, read_run_info, response_from_line
from harness.tasks import (
    IDEAL_ID,
    OVERLAY_SUFFIX,
    ResponseSource,
    Task,
    TaskError,
    load_task,
    open_input,
)

#: diagnostics that keep a response out of SFT (a cut or unfinished answer is no example)
UNFINISHED_CODES = frozenset({"truncated", "placeholder", "placeholder_only"})
_STATUS_RANK = {"pass": 2, "partial": 1, "fail": 0}


@dataclass(frozen=True)
class Message:
    role: str  # "user" or "assistant"
    content: str


@dataclass(frozen=True)
class Candidate:
    """One gradable answer to one turn of one task, as a run scored it."""

    run: str
    task_id: str
    response_id: str
    turn: int
    text: str  # the response's markdown, exactly as written (valid UTF-8)
    conversation: tuple[Message, ...]  # the prompt and earlier turns, ending with a user turn
    overall: float
    gates_failed: tuple[str, ...]
    statuses: dict[str, str]  # criterion id -> pass / partial / fail / na / error
    unfinished: bool  # truncated or placeholder code
    fragment: bool  # a follow-up whose overlay carries earlier files over
    is_ideal: bool
    path: str
    lines: int
    rubric_id: str
    rubric_sha256: str
    harness_version: str

    @property
    def passes_gates(self) -> bool:
        return not self.gates_failed

    @property
    def line_range(self) -> str:
        return f"{self.path}:1-{self.lines}"


def better(status_a: str, status_b: str) -> bool:
    """Whether verdict ``a`` beats verdict ``b`` (pass > partial > fail; na and error never)."""
    return (
        status_a in _STATUS_RANK
        and status_b in _STATUS_RANK
        and _STATUS_RANK[status_a] > _STATUS_RANK[status_b]
    )


@dataclass
class Collected:
    """Candidates of the runs, the ideals' full results (for the audit) and what was left out."""

    candidates: list[Candidate] = field(default_factory=list)
    results: dict[tuple[str, str, str], ResponseResult] = field(default_factory=dict)
    dropped: Counter[str] = field(default_factory=Counter)
    dropped_tasks: dict[str, str] = field(default_factory=dict)
    runs: list[tuple[str, RunInfo]] = field(default_factory=list)


def _results(run_dir: Path) -> Iterator[ResponseResult]:
    path = run_dir / RESPONSES_JSONL
    with path.open(encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                try:
                    yield response_from_line(line)
                except (ValueError, TypeError) as exc:
                    raise RunFolderError(f"{path}:{number}: {str(exc).splitlines()[0]}") from exc


def _read_text(path: Path) -> str | None:
    """A prompt's or answer's text; None when unreadable, not UTF-8, or not a regular file
    (an earlier turn that is a FIFO would block the reader: ``open_input``)."""
    try:
        with open_input(path) as handle:
            return handle.read().decode("utf-8")
    except (OSError, UnicodeDecodeError):
        return None


def collect(run_dirs: list[Path]) -> Collected:
    """Every candidate of ``run_dirs`` (in run, then file order)."""
    collected = Collected()
    read: set[Path] = set()
    for run_dir in run_dirs:
        if run_dir.resolve() in read:  # the same folder given twice: read once
            continue
        read.add(run_dir.resolve())
        info = read_run_info(run_dir)
        run = str(run_dir)
        collected.runs.append((run, info))
        by_key = {}
        for result in _results(run_dir):
            by_key[(result.task_id, result.response_id)] = result
            collected.results[(run, result.task_id, result.response_id)] = result
        tasks: dict[Path, Task | None] = {}
        # the task folder of each task id, from its responses (an ideal given with --reference
        # lives elsewhere)
        folders = {
            task_id: Path(result.source).parent
            for (task_id, _), result in by_key.items()
            if not result.is_ideal
        }
        for (_task, response_id), result in by_key.items():
            if response_id.endswith(OVERLAY_SUFFIX):
                continue  # read through its response below
            folder = folders.get(result.task_id, Path(result.source).parent)
            candidate = _candidate(run, info, result, by_key, folder, tasks, collected)
            if candidate is not None:
                collected.candidates.append(candidate)
    return collected


def _task_of(folder: Path, tasks: dict[Path, Task | None]) -> Task | None:
    if folder not in tasks:
        try:
            tasks[folder] = load_task(folder)
        except TaskError:
            tasks[folder] = None
    return tasks[folder]


def _candidate(
    run: str,
    info: RunInfo,
    own: ResponseResult,
    by_key: dict[tuple[str, str], ResponseResult],
    folder: Path,
    tasks: dict[Path, Task | None],
    collected: Collected,
) -> Candidate | None:
    source = Path(own.source)
    task = _task_of(folder, tasks)
    if task is None or not task.prompts:
        collected.dropped["no prompt (not a task folder)"] += 1
        collected.dropped_tasks.setdefault(own.task_id, "no PROMPT.md beside the responses")
        return None
    if own.is_ideal or own.response_id == IDEAL_ID:
        if len(task.prompts) > 1:
            collected.dropped["ideal of a multi-turn task (answers no single turn)"] += 1
            return None
        chain: tuple[ResponseSource, ...] = ()
        turn, judged = 1, own
    else:
        response = next((r for r in task.responses if r.response_id == own.response_id), None)
        if response is None:
            collected.dropped["response no longer in its task folder"] += 1
            return None
        chain = task.chain(response)[:-1]
        turn = response.turn
        judged = by_key.get((own.task_id, own.response_id + OVERLAY_SUFFIX), own)
    if judged.error is not None or judged.overall is None:
        collected.dropped["not scored (error result)"] += 1
        return None
    text = _read_text(source)
    if text is None:
        collected.dropped["markdown unreadable or not valid UTF-8"] += 1
        return None
    conversation: list[Message] = []
    for earlier in chain:
        prompt = _read_text(task.prompts[earlier.turn - 1])
        answer = _read_text(earlier.path)
        if prompt is None or answer is None:
            collected.dropped["an earlier turn unreadable or not valid UTF-8"] += 1
            return None
        conversation += [Message("user", prompt), Message("assistant", answer)]
    if turn > len(task.prompts):
        collected.dropped["no prompt for its turn"] += 1
        return None
    prompt = _read_text(task.prompts[turn - 1])
    if prompt is None:
        collected.dropped["prompt unreadable or not valid UTF-8"] += 1
        return None
    conversation.append(Message("user", prompt))
    codes = {d.code for d in judged.diagnostics}
    fragment = (
        turn > 1 and judged.tree is not None and any(f.origin.carried_over for f in judged.tree)
    )
    return Candidate(
        run=run,
        task_id=own.task_id,
        response_id=own.response_id,
        turn=turn,
        text=text,
        conversation=tuple(conversation),
        overall=float(judged.overall),
        gates_failed=tuple(judged.gates_failed),
        statuses={c.criterion_id: c.status.value for c in judged.criteria},
        unfinished=bool(codes & UNFINISHED_CODES),
        fragment=fragment,
        is_ideal=own.is_ideal,
        path=str(source),
        lines=text.count("\n") + (0 if text.endswith("\n") or not text else 1),
        rubric_id=info.rubric.id,
        rubric_sha256=info.rubric.sha256,
        harness_version=info.harness_version,
    )
