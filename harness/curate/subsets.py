"""The rows of each subset, built from candidates by the selection rules (pure functions).

Field names follow TRL's dataset formats: ``preference`` is the conversational format with an
explicit prompt (``prompt`` a list of messages ending with the user's turn, ``chosen`` and
``rejected`` one assistant message each) plus reward-model columns (``score_chosen``,
``score_rejected``, ``margin``); ``kto`` is the unpaired preference format (``prompt``,
``completion``, ``label``); ``sft`` is conversational language modelling (``messages``).
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from itertools import combinations
from typing import TypedDict

from harness.curate.candidates import Candidate, Collected, Message, better
from harness.curate.config import CurateConfig
from harness.grading.audit import ideal_shortfalls, is_ideal
from harness.results import ResponseResult


class MessageRow(TypedDict):
    role: str
    content: str


def messages(items: Iterable[Message]) -> list[MessageRow]:
    return [{"role": m.role, "content": m.content} for m in items]


def _provenance(c: Candidate) -> dict[str, object]:
    return {
        "rubric_id": c.rubric_id,
        "rubric_sha256": c.rubric_sha256,
        "harness_version": c.harness_version,
    }


@dataclass
class Selection:
    """Rows per subset and what the rules left out (for the dataset card)."""

    rows: dict[str, list[dict[str, object]]] = field(default_factory=dict)
    skipped: Counter[str] = field(default_factory=Counter)


def _tiebreak(seed: int, a: Candidate, b: Candidate) -> str:
    text = f"{seed}\0{a.run}\0{a.task_id}\0{a.response_id}\0{b.response_id}"
    return hashlib.sha256(text.encode()).hexdigest()


def preference_rows(
    candidates: list[Candidate], config: CurateConfig
) -> tuple[list[dict[str, object]], Counter[str]]:
    """Pairs of answers to the same turn of the same task in the same run (scores of two
    rubrics are not comparable), chosen scoring ``min_margin`` points or more above rejected."""
    skipped: Counter[str] = Counter()
    groups: dict[tuple[str, str, int, tuple[Message, ...]], list[Candidate]] = defaultdict(list)
    for c in candidates:
        if config.exclude_fragments and c.fragment:
            skipped["fragment (a follow-up that patches earlier files)"] += 1
            continue
        groups[(c.run, c.task_id, c.turn, c.conversation)].append(c)
    rows: list[dict[str, object]] = []
    for (run, task_id, _turn, _conv), group in sorted(groups.items(), key=lambda g: g[0][:3]):
        pairs = []
        for a, b in combinations(group, 2):
            if config.pair_with == "ideal" and not (a.is_ideal or b.is_ideal):
                continue
            chosen, rejected = (a, b) if a.overall >= b.overall else (b, a)
            margin = round(chosen.overall - rejected.overall, 4)
            if margin == 0:
                skipped["tie (equal scores)"] += 1
                continue
            if margin < config.min_margin:
                skipped[f"margin below {config.min_margin:g} points"] += 1
                continue
            if chosen.text == rejected.text:
                skipped["identical texts"] += 1
                continue
            if set(chosen.gates_failed) - set(rejected.gates_failed):
                skipped["chosen fails a gate that rejected passes"] += 1
                continue
            if config.require_gates and not chosen.passes_gates:
                skipped["chosen fails a gate (see --allow-gate-failures)"] += 1
                continue
            pairs.append((chosen, rejected, margin))
        pairs.sort(key=lambda p: (-p[2], _tiebreak(config.seed, p[0], p[1])))
        if config.max_pairs_per_task is not None and len(pairs) > config.max_pairs_per_task:
            skipped["over --max-pairs-per-task"] += len(pairs) - config.max_pairs_per_task
            pairs = pairs[: config.max_pairs_per_task]
        for chosen, rejected, margin in pairs:
            ids = sorted(set(chosen.statuses) & set(rejected.statuses))
            rows.append(
                {
                    "prompt": messages(chosen.conversation),
                    "chosen": messages([Message("assistant", chosen.text)]),
                    "rejected": messages([Message("assistant", rejected.text)]),
                    "score_chosen": chosen.overall,
                    "score_rejected": rejected.overall,
                    "margin": margin,
                    "task_id": task_id,
                    "chosen_id": chosen.response_id,
                    "rejected_id": rejected.response_id,
                    "criteria_chosen_wins": [
                        i for i in ids if better(chosen.statuses[i], rejected.statuses[i])
                    ],
                    "criteria_rejected_wins": [
                        i for i in ids if better(rejected.statuses[i], chosen.statuses[i])
                    ],
                    **_provenance(chosen),
                    "source": {
                        "run": run,
                        "chosen": chosen.line_range,
                        "rejected": rejected.line_range,
                    },
                }
            )
    return rows, skipped


def desirable(c: Candidate, config: CurateConfig) -> bool:
    return c.overall >= config.kto_threshold and (c.passes_gates or not config.require_gates)


def kto_rows(candidates: list[Candidate], config: CurateConfig) -> list[dict[str, object]]:
    """One row per answer: desirable when it clears ``kto_threshold`` (and the gates)."""
    return [
        {
            "prompt": messages(c.conversation),
            "completion": messages([Message("assistant", c.text)]),
            "label": desirable(c, config),
            "score": c.overall,
            "task_id": c.task_id,
            "response_id": c.response_id,
            **_provenance(c),
            "source": {"run": c.run, "response": c.line_range},
        }
        for c in candidates
        if not (config.exclude_fragments and c.fragment)
    ]


def sft_rows(
    candidates: list[Candidate], config: CurateConfig
) -> tuple[list[dict[str, object]], Counter[str]]:
    """Answers good enough to imitate: every gate passed, ``min_score`` met, not cut off, no
    placeholder left in, not a fragment."""
    skipped: Counter[str] = Counter()
    rows = []
    for c in candidates:
        if not c.passes_gates:
            skipped["fails a gate"] += 1
        elif c.overall < config.min_score:
            skipped[f"below --min-score {config.min_score:g}"] += 1
        elif c.unfinished:
            skipped["truncated or has placeholders"] += 1
        elif c.fragment and config.exclude_fragments:
            skipped["fragment"] += 1
        else:
            rows.append(
                {
                    "messages": messages([*c.conversation, Message("assistant", c.text)]),
                    "score": c.overall,
                    "task_id": c.task_id,
                    "response_id": c.response_id,
                    **_provenance(c),
                    "source": {"run": c.run, "response": c.line_range},
                }
            )
    return rows, skipped


def _evidence(result: ResponseResult, criterion_id: str) -> tuple[str, list[str]]:
    for c in result.criteria:
        if c.criterion_id == criterion_id:
            places = [
                f"{e.path or 'response'}:{e.start_line or e.response_line or '?'}"
                for f in c.findings
                if f.status.value in ("fail", "pass")
                for e in f.evidence
            ]
            return c.message, places[:20]
    return "", []


def ideal_audit_rows(collected: Collected) -> list[dict[str, object]]:
    """Per (task, criterion): the ideal scores below a response of the same task, by the
    rule the run summary and the report use (:func:`harness.grading.audit.ideal_shortfalls`).
    A curator fixes these ideals before using them as chosen answers."""
    rows: list[dict[str, object]] = []
    by_task: dict[tuple[str, str], list[ResponseResult]] = defaultdict(list)
    for (run, task_id, _rid), result in collected.results.items():
        by_task[(run, task_id)].append(result)
    for (run, task_id), results in sorted(by_task.items()):
        by_id = {r.response_id: r for r in results}
        ideal = next((r for r in results if is_ideal(r) and r.error is None), None)
        if ideal is None:
            continue
        for shortfall in ideal_shortfalls(results):
            criterion = next(c for c in ideal.criteria if c.criterion_id == shortfall.criterion_id)
            example = by_id[shortfall.better[0][0]]
            ideal_message, ideal_places = _evidence(ideal, criterion.criterion_id)
            response_message, response_places = _evidence(example, criterion.criterion_id)
            rows.append(
                {
                    "task_id": task_id,
                    "criterion_id": criterion.criterion_id,
                    "category": criterion.category,
                    "severity": criterion.severity,
                    "ideal_status": shortfall.ideal_status,
                    "ideal_score": shortfall.ideal_score,
                    "ideal_message": ideal_message,
                    "ideal_evidence": ideal_places,
                    "better_responses": [response_id for response_id, _ in shortfall.better],
                    "response_id": example.response_id,
                    "response_message": response_message,
                    "response_evidence": response_places,
                    "source": {"run": run, "ideal": ideal.source, "response": example.source},
                }
            )
    return rows


#: Why a KTO or SFT example that repeats an earlier one is left out.
REPEATED = "the same prompt and answer as an earlier candidate (another run scored it too)"


def examples_once(candidates: list[Candidate]) -> tuple[list[Candidate], int]:
    """The candidates whose example (task, prompt and earlier turns, answer) no earlier one
    gives, and how many repeated one: the ideal of a task that several runs scored is one
    SFT example, not one per run. Pairs keep every run's copy (they pair within a run)."""
    seen: set[tuple[str, tuple[Message, ...], str]] = set()
    kept: list[Candidate] = []
    for c in candidates:
        example = (c.task_id, c.conversation, c.text)
        if example not in seen:
            seen.add(example)
            kept.append(c)
    return kept, len(candidates) - len(kept)


def select(collected: Collected, config: CurateConfig) -> Selection:
    """Every subset's rows, in a deterministic order."""
    selection = Selection()
    pairs, skipped = preference_rows(collected.candidates, config)
    selection.rows["preference"] = pairs
    selection.skipped.update({f"preference: {k}": v for k, v in skipped.items()})
    examples, repeated = examples_once(collected.candidates)
    if repeated:
        selection.skipped.update({f"kto: {REPEATED}": repeated, f"sft: {REPEATED}": repeated})
    selection.rows["kto"] = kto_rows(examples, config)
    sft, skipped = sft_rows(examples, config)
    selection.rows["sft"] = sft
    selection.skipped.update({f"sft: {k}": v for k, v in skipped.items()})
    selection.rows["ideal_audit"] = ideal_audit_rows(collected)
    return selection
