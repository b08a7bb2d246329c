"""Task folders in the corpus layout: prompts, model responses, the ideal, failures, metadata.

A task folder holds ``PROMPT.md`` (+ ``PROMPT2.md`` ... for follow-up turns),
``MODEL_RESPONSE.md`` (+ ``MODEL_RESPONSE2.md`` ...), ``IDEAL_RESPONSE.md``,
``MODEL_FAILURES.md`` and ``metadata.json``.

Turn rule: response N answers ``PROMPT{N}.md`` when that prompt exists (a follow-up turn: the
overlay of earlier turns applies); otherwise it is an independent answer to ``PROMPT.md``
(turn 1). ``MODEL_RESPONSE.md`` is turn 1, and so is ``MODEL_RESPONSE1.md`` unless the task
also has a ``PROMPT1.md`` next to ``PROMPT.md`` (one corpus task numbers its follow-up "1"):
turns are the positions of the prompts in order ``PROMPT.md``, ``PROMPT1.md``, ``PROMPT2.md``...
"""

from __future__ import annotations

import errno
import json
import os
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, BinaryIO

_PROMPT = re.compile(r"^PROMPT(\d*)\.md$", re.IGNORECASE)
_RESPONSE = re.compile(r"^MODEL_RESPONSE(\d*)\.md$", re.IGNORECASE)
#: The ideal (reference) response's id and file name: defined here once, used by every stage.
IDEAL_ID = "IDEAL_RESPONSE"
_IDEAL = f"{IDEAL_ID}.md"
#: Suffix of the response id of a follow-up scored on its overlaid tree.
OVERLAY_SUFFIX = "+overlay"
_FAILURES = "MODEL_FAILURES.md"
_METADATA = "metadata.json"


class TaskError(ValueError):
    """A folder that cannot be used as a task (or holds none); the message names the path."""


def open_input(path: Path) -> BinaryIO:
    """``path`` opened for reading in binary, when it is a regular file (a symlink is
    followed). A folder, device, FIFO or socket raises ``OSError`` ("not a regular file")
    before it is opened: reading one may never end (``/dev/zero``) or never start (a FIFO
    blocks until a writer comes), and a response named so must not stall a batch."""
    info = os.stat(path)
    if not stat.S_ISREG(info.st_mode):
        raise OSError(errno.EINVAL, "not a regular file", str(path))
    return path.open("rb")


@dataclass(frozen=True, slots=True)
class ResponseSource:
    """One model response of a task: ``response_id`` is the file stem (``MODEL_RESPONSE2``)."""

    response_id: str
    path: Path
    turn: int  # 1 = answers PROMPT.md; N > 1 = follow-up answering the N-th prompt


@dataclass(frozen=True, slots=True)
class Task:
    task_id: str
    path: Path
    prompts: tuple[Path, ...]  # in turn order: PROMPT.md, then follow-ups
    responses: tuple[ResponseSource, ...]  # in file order (MODEL_RESPONSE, 1, 2, 3, ...)
    ideal: Path | None = None
    failures: Path | None = None
    metadata: dict[str, Any] = field(default_factory=dict)

    def response(self, response_id: str) -> ResponseSource:
        for source in self.responses:
            if source.response_id == response_id:
                return source
        raise KeyError(f"{self.task_id}: no response {response_id!r}")

    def chain(self, source: ResponseSource) -> tuple[ResponseSource, ...]:
        """The responses whose trees make up ``source``'s effective tree, oldest first, ending
        with ``source`` (just ``source`` for turn 1).

        For each earlier turn the predecessor is the highest-numbered response of that turn
        numbered below ``source``: MODEL_RESPONSE2 follows MODEL_RESPONSE even when
        MODEL_RESPONSE3 and MODEL_RESPONSE4 are further independent answers to PROMPT.md.
        """
        number = _response_number(source.path.name)
        chain: list[ResponseSource] = []
        for turn in range(1, source.turn):
            of_turn = [r for r in self.responses if r.turn == turn and r is not source]
            below = [r for r in of_turn if _response_number(r.path.name) < number]
            if below:
                chain.append(max(below, key=lambda r: _response_number(r.path.name)))
            elif of_turn:
                chain.append(min(of_turn, key=lambda r: _response_number(r.path.name)))
        return (*chain, source)


def _number(match: re.Match[str]) -> int:
    """'' -> 0 so that the unnumbered file sorts first."""
    return int(match.group(1)) if match.group(1) else 0


def load_task(task_dir: Path) -> Task:
    """Read one task folder. Raises :class:`TaskError` (one line, with the path) when the
    folder is missing, unreadable or holds neither a response nor an ideal response."""
    task_dir = Path(task_dir)
    if not task_dir.is_dir():
        raise TaskError(f"{task_dir}: not a directory")
    try:
        entries = list(task_dir.iterdir())
    except OSError as error:
        raise TaskError(f"{task_dir}: cannot list folder ({error.strerror})") from error
    names = sorted(p.name for p in entries if p.is_file())
    # a response or ideal that is not a regular file (a dangling symlink, a device, a folder)
    # is kept: it becomes an error result that names the problem instead of vanishing
    answers = sorted(p.name for p in entries if _RESPONSE.match(p.name) or p.name == _IDEAL)
    prompts = sorted(
        ((_number(m), name) for name in names if (m := _PROMPT.match(name))),
    )
    prompt_turn = {number: position for position, (number, _) in enumerate(prompts, start=1)}
    responses: list[ResponseSource] = []
    for name in answers:
        match = _RESPONSE.match(name)
        if not match:
            continue
        number = _number(match)
        turn = 1 if number == 0 else prompt_turn.get(number, 1)
        responses.append(ResponseSource(Path(name).stem, task_dir / name, turn))
    responses.sort(key=lambda r: _response_number(r.path.name))
    ideal = task_dir / _IDEAL if _IDEAL in answers else None
    if not responses and ideal is None:
        raise TaskError(
            f"{task_dir}: no MODEL_RESPONSE*.md or IDEAL_RESPONSE.md; not a task folder"
        )
    metadata = _metadata(task_dir / _METADATA) if _METADATA in names else {}
    task_id = _task_id(task_dir, metadata)
    return Task(
        task_id=task_id,
        path=task_dir,
        prompts=tuple(task_dir / name for _, name in prompts),
        responses=tuple(responses),
        ideal=ideal,
        failures=task_dir / _FAILURES if _FAILURES in names else None,
        metadata=metadata,
    )


def _response_number(name: str) -> int:
    match = _RESPONSE.match(name)
    return _number(match) if match else 0


def _task_id(task_dir: Path, metadata: dict[str, Any]) -> str:
    """The folder name; the corpus names folders by task id (``tf-<po_id>``)."""
    return task_dir.name


def _metadata(path: Path) -> dict[str, Any]:
    try:
        data = json.loads(path.read_text(encoding="utf-8-sig"))
    except OSError as error:
        raise TaskError(f"{path}: cannot read ({error.strerror})") from error
    except ValueError as error:
        raise TaskError(f"{path}: invalid JSON ({error})") from error
    if not isinstance(data, dict):
        raise TaskError(f"{path}: expected a JSON object")
    return data


def is_task_dir(path: Path) -> bool:
    return path.is_dir() and any(
        _RESPONSE.match(p.name) or p.name == _IDEAL for p in path.iterdir() if p.is_file()
    )


def discover_tasks(path: Path) -> list[Task]:
    """Tasks under ``path``: a task folder itself, a folder of task folders, or a folder of
    groups of task folders (the corpus: ``terraform/``, ``other/``). Sorted by path.

    Raises :class:`TaskError` when ``path`` is not a folder or holds no task.
    """
    path = Path(path)
    if not path.is_dir():
        raise TaskError(f"{path}: not a directory")
    if is_task_dir(path):
        return [load_task(path)]
    found: list[Task] = []
    for child in sorted(p for p in path.iterdir() if p.is_dir() and not p.name.startswith(".")):
        if is_task_dir(child):
            found.append(load_task(child))
            continue
        for grandchild in sorted(p for p in child.iterdir() if p.is_dir()):
            if is_task_dir(grandchild):
                found.append(load_task(grandchild))
    if not found:
        raise TaskError(f"{path}: no task folders found (expected MODEL_RESPONSE*.md files)")
    return found
