"""Human labels: one YAML file per task saying, per response and criterion, what a reviewer
judged (pass / fail / na), with the evidence they saw.

::

    task: tf-348798                # the task folder's name
    ranking: [IDEAL_RESPONSE, MODEL_RESPONSE3, MODEL_RESPONSE]   # optional, best first
    responses:
      MODEL_RESPONSE:              # response id as the harness names it
        complete.no_truncation:
          label: fail              # pass | fail | na   (partial is accepted, counts as fail)
          evidence: "modules/monitoring/main.tf is cut off at response line 1018"
        tone.professional: pass    # short form: the label alone

Files are read safely (``harness.rubric.yamldoc``: size and alias limits, duplicate keys
refused) and every problem is reported as ``file:line: message`` (all of them, up to
``MAX_PROBLEMS``). Whether a labelled response or criterion exists is the run's question,
answered by ``harness.trust.agree`` (counted and listed there, never dropped).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import cached_property
from pathlib import Path
from typing import Any, Literal

from harness.rubric.yamldoc import PathKey, YamlDoc, YamlDocError, load_yaml

Judgement = Literal["pass", "fail", "na"]
#: what a label may say (any case), and what it counts as; the spellings reviewers' sheets
#: use for the same three verdicts ("N/A", "passed") are read as them
LABEL_VALUES: dict[str, Judgement] = {
    "pass": "pass",
    "fail": "fail",
    "na": "na",
    "partial": "fail",
    "n/a": "na",
    "not applicable": "na",
    "passed": "pass",
    "failed": "fail",
}
MAX_PROBLEMS = 20
_ID = re.compile(r"^[A-Za-z0-9_.+\-]+$")
_TOP_KEYS = ("task", "ranking", "responses")
_LABEL_KEYS = ("label", "evidence")


class LabelError(ValueError):
    """Label files with problems; ``problems`` are ``file:line: message`` lines."""

    def __init__(self, problems: list[str]) -> None:
        self.problems = problems
        shown = problems[:MAX_PROBLEMS]
        more = len(problems) - len(shown)
        text = "\n".join(shown) + (f"\n... and {more} more" if more else "")
        super().__init__(text)


@dataclass(frozen=True)
class Label:
    """One human judgement of one criterion of one response."""

    task_id: str
    response_id: str
    criterion_id: str
    label: Judgement
    given: str  # as written (``partial`` stays visible)
    evidence: str
    where: str  # file:line of the criterion key


@dataclass(frozen=True)
class TaskLabels:
    task_id: str
    path: str
    ranking: tuple[str, ...]  # best first; () when the file gives none
    labels: tuple[Label, ...]
    ranking_where: str = ""


@dataclass(frozen=True)
class LabelSet:
    """Every label file of a folder, one per task."""

    tasks: tuple[TaskLabels, ...]
    source: str = ""

    def __iter__(self) -> Iterator[Label]:
        for task in self.tasks:
            yield from task.labels

    def __len__(self) -> int:
        return sum(len(t.labels) for t in self.tasks)

    @cached_property
    def _by_response(self) -> dict[tuple[str, str], dict[str, Label]]:
        index: dict[tuple[str, str], dict[str, Label]] = {}
        for label in self:
            index.setdefault((label.task_id, label.response_id), {})[label.criterion_id] = label
        return index

    def for_response(self, task_id: str, response_id: str) -> dict[str, Label]:
        """Criterion id -> label of one response (empty when unlabelled)."""
        return dict(self._by_response.get((task_id, response_id), {}))


class _Problems:
    def __init__(self) -> None:
        self.lines: list[str] = []

    def add(self, doc: YamlDoc, key: PathKey, message: str) -> None:
        self.lines.append(f"{doc.where(key)}: {message}")


def _text(value: Any) -> str | None:
    return value if isinstance(value, str) else None


def _read_label(
    doc: YamlDoc, key: PathKey, value: Any, problems: _Problems
) -> tuple[str, str] | None:
    """(label as written, evidence) of one criterion entry, or None after a problem."""
    given: object
    evidence: object
    if isinstance(value, str):
        given, evidence = value, ""
    elif isinstance(value, dict):
        for extra in value:
            if extra not in _LABEL_KEYS:
                problems.add(
                    doc, (*key, str(extra)), f"unknown key {extra!r} (use label, evidence)"
                )
        if "label" not in value:
            problems.add(doc, key, "label: required (pass, fail, na or partial)")
            return None
        given = value["label"]
        evidence = value.get("evidence") or ""
        if not isinstance(evidence, str):
            problems.add(doc, (*key, "evidence"), "evidence: must be text")
            return None
        key = (*key, "label")
    else:
        problems.add(doc, key, "expected a label (pass, fail, na, partial) or {label, evidence}")
        return None
    if not isinstance(given, str) or given.strip().lower() not in LABEL_VALUES:
        problems.add(doc, key, f"label {given!r}: must be one of pass, fail, na, partial")
        return None
    return given.strip().lower(), evidence.strip()


def _read_file(path: Path, problems: _Problems) -> TaskLabels | None:
    try:
        doc = load_yaml(path)
    except YamlDocError as exc:
        problems.lines.append(str(exc))
        return None
    data = doc.data
    if not isinstance(data, dict):
        problems.add(doc, (), "expected a mapping with task, responses (and ranking)")
        return None
    for key in data:
        if key not in _TOP_KEYS:
            problems.add(doc, (str(key),), f"unknown key {key!r} (use task, ranking, responses)")
    task_id = _text(data.get("task"))
    if not task_id or not _ID.match(task_id):
        problems.add(doc, ("task",), "task: required, the task folder's name")
        task_id = None
    ranking: tuple[str, ...] = ()
    if "ranking" in data and data["ranking"] is not None:
        raw = data["ranking"]
        if not isinstance(raw, list) or not all(isinstance(r, str) and r for r in raw):
            problems.add(doc, ("ranking",), "ranking: a list of response ids, best first")
        else:
            seen: set[str] = set()
            for index, rid in enumerate(raw):
                if rid in seen:
                    problems.add(doc, ("ranking", index), f"ranking: {rid!r} is listed twice")
                seen.add(rid)
            ranking = tuple(raw)
    responses = data.get("responses")
    labels: list[Label] = []
    if not isinstance(responses, dict) or not responses:
        problems.add(doc, ("responses",), "responses: required, response id -> criterion -> label")
        responses = {}
    for rid, criteria in responses.items():
        rkey: PathKey = ("responses", str(rid))
        if not isinstance(rid, str) or not _ID.match(rid):
            problems.add(doc, rkey, f"response id {rid!r}: letters, digits, . _ + - only")
            continue
        if not isinstance(criteria, dict):
            problems.add(doc, rkey, f"{rid}: expected criterion id -> label")
            continue
        for cid, value in criteria.items():
            ckey: PathKey = (*rkey, str(cid))
            if not isinstance(cid, str) or not _ID.match(cid) or "." not in cid:
                problems.add(doc, ckey, f"criterion id {cid!r}: expected category.name")
                continue
            read = _read_label(doc, ckey, value, problems)
            if read is None or task_id is None:
                continue
            given, evidence = read
            labels.append(
                Label(task_id, rid, cid, LABEL_VALUES[given], given, evidence, doc.where(ckey))
            )
    if task_id is None:
        return None
    return TaskLabels(
        task_id=task_id,
        path=str(path),
        ranking=ranking,
        labels=tuple(labels),
        ranking_where=doc.where(("ranking",)) if ranking else "",
    )


def label_files(folder: Path) -> list[Path]:
    """The label files of ``folder`` (``*.yaml`` / ``*.yml``, in sub-folders too), sorted."""
    return sorted(p for p in folder.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def load_labels(folder: Path) -> LabelSet:
    """Read and validate every label file of ``folder`` (or one file); ``LabelError`` lists
    every problem as ``file:line: message``."""
    folder = Path(folder)
    if folder.is_file():
        files = [folder]
    elif folder.is_dir():
        files = label_files(folder)
        if not files:
            raise LabelError([f"{folder}: no label files (*.yaml) in this folder"])
    else:
        raise LabelError([f"{folder}: no such folder"])
    problems = _Problems()
    tasks: list[TaskLabels] = []
    first: dict[str, str] = {}
    for path in files:
        task = _read_file(path, problems)
        if task is None:
            continue
        if task.task_id in first:
            problems.lines.append(
                f"{path}:1: task {task.task_id!r} is already labelled in {first[task.task_id]}"
            )
            continue
        first[task.task_id] = str(path)
        tasks.append(task)
    if problems.lines:
        raise LabelError(problems.lines)
    return LabelSet(tasks=tuple(tasks), source=str(folder))


def labels_to_json(labels: LabelSet) -> dict[str, Any]:
    """The ``labels.json`` a run folder keeps (``score/report --labels``)."""
    return {
        "source": labels.source,
        "tasks": [
            {
                "task_id": t.task_id,
                "path": t.path,
                "ranking": list(t.ranking),
                "ranking_where": t.ranking_where,
                "labels": [label.__dict__ for label in t.labels],
            }
            for t in labels.tasks
        ],
    }


#: the labels a run folder keeps (``score --labels`` / ``report --labels``), shown by its report
RUN_LABELS = "labels.json"


def write_run_labels(run_dir: Path, labels: LabelSet) -> Path:
    """Keep ``labels`` in the run folder, where its HTML report finds them."""
    path = Path(run_dir) / RUN_LABELS
    text = json.dumps(labels_to_json(labels), indent=2, ensure_ascii=False)
    path.write_text(text + "\n", encoding="utf-8")
    return path


def read_run_labels(run_dir: Path) -> LabelSet | None:
    """The labels kept in the run folder, or None when it keeps none (or they are unreadable:
    a report without labels beats no report)."""
    path = Path(run_dir) / RUN_LABELS
    try:
        return labels_from_json(json.loads(path.read_text(encoding="utf-8")))
    except (OSError, ValueError):
        return None


def labels_from_json(data: dict[str, Any]) -> LabelSet:
    """Read back ``labels_to_json``; a malformed document raises ``ValueError``."""
    try:
        tasks = tuple(
            TaskLabels(
                task_id=str(t["task_id"]),
                path=str(t["path"]),
                ranking=tuple(str(r) for r in t["ranking"]),
                ranking_where=str(t.get("ranking_where", "")),
                labels=tuple(
                    Label(
                        task_id=str(x["task_id"]),
                        response_id=str(x["response_id"]),
                        criterion_id=str(x["criterion_id"]),
                        label=LABEL_VALUES[str(x["label"])],
                        given=str(x["given"]),
                        evidence=str(x["evidence"]),
                        where=str(x["where"]),
                    )
                    for x in t["labels"]
                ),
            )
            for t in data["tasks"]
        )
    except (KeyError, TypeError) as exc:
        raise ValueError(f"not a labels document ({exc})") from exc
    return LabelSet(tasks=tasks, source=str(data.get("source", "")))


__all__ = [
    "LABEL_VALUES",
    "Label",
    "LabelError",
    "LabelSet",
    "TaskLabels",
    "label_files",
    "labels_from_json",
    "labels_to_json",
    "load_labels",
    "read_run_labels",
    "write_run_labels",
]
