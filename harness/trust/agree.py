"""How often the harness agrees with human labels, and where it does not.

The harness's status is read as a label: ``partial`` counts as ``fail`` (like a label's
``partial``) and ``error`` is always a disagreement (it is no verdict). Per criterion:
agreement, Cohen's kappa over the 3x3 pass/fail/na confusion matrix (pairs where the harness
errored are left out of the matrix and counted apart), and per task the Spearman and Kendall
(tau-b) correlations between the harness's ranking (overall score) and the labelled ranking.
Labels naming a task, response or criterion the run does not have are counted and listed.
Where a task folder carries ``metadata.json`` with a numeric ``training_quality``, its
Spearman correlation with the ideal's and the model responses' scores is given too.
"""

from __future__ import annotations

import difflib
import json
import math
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from harness.results import ResponseResult, RunData
from harness.trust.diff import EvidenceRef, evidence_refs
from harness.trust.labels import Judgement, Label, LabelSet

CLASSES: tuple[Judgement, ...] = ("pass", "fail", "na")
_AS_LABEL: dict[str, str] = {
    "pass": "pass",
    "partial": "fail",
    "fail": "fail",
    "na": "na",
    "error": "error",
}


@dataclass(frozen=True)
class Pair:
    """A label and the harness's verdict on the same criterion of the same response."""

    label: Label
    harness: str  # pass / fail / na / error (partial already read as fail)
    status: str  # the harness status as stored (partial stays partial)
    message: str
    evidence: tuple[EvidenceRef, ...]

    @property
    def agrees(self) -> bool:
        return self.harness == self.label.label


@dataclass(frozen=True)
class CriterionAgreement:
    criterion_id: str
    n: int  # labelled pairs, errors included
    agreed: int
    errors: int  # pairs where the harness errored (disagreements, not in the matrix)
    confusion: tuple[tuple[int, ...], ...]  # [label][harness] over CLASSES
    kappa: float | None  # None when undefined (both sides used a single class)

    @property
    def agreement(self) -> float | None:
        return self.agreed / self.n if self.n else None


@dataclass(frozen=True)
class RankAgreement:
    task_id: str
    labelled: tuple[str, ...]  # the labelled ranking's responses found in the run, best first
    scores: tuple[float, ...]  # their overall scores, same order
    spearman: float | None
    kendall: float | None
    missing: tuple[str, ...]  # ranked ids the run does not have (or could not score)


@dataclass(frozen=True)
class UnknownLabel:
    where: str
    task_id: str
    response_id: str
    criterion_id: str
    reason: str


@dataclass(frozen=True)
class QualityCorrelation:
    """Spearman between a task's ``training_quality`` and a score of the task."""

    of: str  # "ideal" or "responses (mean)"
    n: int
    spearman: float | None


@dataclass(frozen=True)
class Agreement:
    labels: str  # where the labels came from
    pairs: tuple[Pair, ...]
    criteria: tuple[CriterionAgreement, ...]
    rankings: tuple[RankAgreement, ...]
    unknown: tuple[UnknownLabel, ...]
    quality: tuple[QualityCorrelation, ...]

    @property
    def n(self) -> int:
        return len(self.pairs)

    @property
    def agreed(self) -> int:
        return sum(p.agrees for p in self.pairs)

    @property
    def overall(self) -> float | None:
        return self.agreed / self.n if self.n else None

    @property
    def judged(self) -> tuple[Pair, ...]:
        """Pairs where at least one side judged (not both ``na``): most criteria of a rubric
        do not apply to a given response, and those easy agreements flatter ``overall``."""
        return tuple(p for p in self.pairs if not (p.label.label == "na" and p.harness == "na"))

    @property
    def judged_agreement(self) -> float | None:
        judged = self.judged
        return sum(p.agrees for p in judged) / len(judged) if judged else None

    @property
    def kappa(self) -> float | None:
        """Cohen's kappa over every pair (errors left out)."""
        return cohen_kappa(confusion(self.pairs))

    @property
    def disagreements(self) -> tuple[Pair, ...]:
        return tuple(p for p in self.pairs if not p.agrees)


# --- statistics --------------------------------------------------------------------------


def confusion(pairs: Sequence[Pair]) -> tuple[tuple[int, ...], ...]:
    """Counts [label class][harness class] over ``CLASSES`` (harness errors left out)."""
    index = {c: i for i, c in enumerate(CLASSES)}
    matrix = [[0] * len(CLASSES) for _ in CLASSES]
    for p in pairs:
        if p.harness in index:
            matrix[index[p.label.label]][index[p.harness]] += 1
    return tuple(tuple(row) for row in matrix)


def cohen_kappa(matrix: Sequence[Sequence[int]]) -> float | None:
    """Cohen's kappa of a square confusion matrix; None when chance agreement is 1 (both
    raters used one and the same class only) or the matrix is empty."""
    n = sum(sum(row) for row in matrix)
    if n == 0:
        return None
    size = len(matrix)
    observed = sum(matrix[i][i] for i in range(size)) / n
    rows = [sum(matrix[i]) / n for i in range(size)]
    cols = [sum(matrix[r][i] for r in range(size)) / n for i in range(size)]
    expected = sum(r * c for r, c in zip(rows, cols, strict=True))
    if math.isclose(expected, 1.0):
        return None
    return (observed - expected) / (1 - expected)


def average_ranks(values: Sequence[float]) -> list[float]:
    """1-based ranks of ``values`` (smallest first), ties sharing their mean rank."""
    order = sorted(range(len(values)), key=lambda i: values[i])
    ranks = [0.0] * len(values)
    start = 0
    while start < len(order):
        end = start
        while end + 1 < len(order) and values[order[end + 1]] == values[order[start]]:
            end += 1
        for k in range(start, end + 1):
            ranks[order[k]] = (start + end) / 2 + 1
        start = end + 1
    return ranks


def _pearson(x: Sequence[float], y: Sequence[float]) -> float | None:
    n = len(x)
    if n < 2:
        return None
    mx, my = sum(x) / n, sum(y) / n
    sxy = sum((a - mx) * (b - my) for a, b in zip(x, y, strict=True))
    sxx = sum((a - mx) ** 2 for a in x)
    syy = sum((b - my) ** 2 for b in y)
    if sxx == 0 or syy == 0:
        return None
    return sxy / math.sqrt(sxx * syy)


def spearman(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Spearman's rho (Pearson over average ranks); None for fewer than 2 values or when
    either side is constant."""
    return _pearson(average_ranks(x), average_ranks(y))


def kendall_tau_b(x: Sequence[float], y: Sequence[float]) -> float | None:
    """Kendall's tau-b (ties on either side accounted for); None when undefined."""
    n = len(x)
    concordant = discordant = ties_x = ties_y = 0
    for i in range(n):
        for j in range(i + 1, n):
            dx, dy = x[i] - x[j], y[i] - y[j]
            if dx == 0 and dy == 0:
                continue
            if dx == 0:
                ties_x += 1
            elif dy == 0:
                ties_y += 1
            elif (dx > 0) == (dy > 0):
                concordant += 1
            else:
                discordant += 1
    denominator = math.sqrt((concordant + discordant + ties_x) * (concordant + discordant + ties_y))
    if denominator == 0:
        return None
    return (concordant - discordant) / denominator


# --- agreement ---------------------------------------------------------------------------


def _rankings(run: RunData, labels: LabelSet) -> list[RankAgreement]:
    by_key = {(r.task_id, r.response_id): r for r in run.responses}
    out: list[RankAgreement] = []
    for task in labels.tasks:
        if not task.ranking:
            continue
        found: list[str] = []
        scores: list[float] = []
        missing: list[str] = []
        for rid in task.ranking:
            result = by_key.get((task.task_id, rid))
            if result is None or result.overall is None:
                missing.append(rid)
            else:
                found.append(rid)
                scores.append(result.overall)
        # the labelled rank: best first, so position 0 is the highest "score" for correlation
        human = [float(len(found) - i) for i in range(len(found))]
        out.append(
            RankAgreement(
                task_id=task.task_id,
                labelled=tuple(found),
                scores=tuple(scores),
                spearman=spearman(human, scores),
                kendall=kendall_tau_b(human, scores),
                missing=tuple(missing),
            )
        )
    return out


def _training_quality(result: ResponseResult) -> float | None:
    """``training_quality`` of the task folder holding ``result``'s source, if numeric."""
    if not result.source:
        return None
    path = Path(result.source).parent / "metadata.json"
    try:
        data: Any = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    value = data.get("training_quality") if isinstance(data, dict) else None
    if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
        return None
    return float(value)


def quality_correlations(run: RunData) -> tuple[QualityCorrelation, ...]:
    """Spearman of the tasks' ``training_quality`` with the ideal's score and with the mean
    score of the model responses (own files; overlays left out). Empty when no task has a
    numeric ``training_quality``."""
    tasks: dict[str, list[ResponseResult]] = {}
    for r in run.responses:
        tasks.setdefault(r.task_id, []).append(r)
    ideal: list[tuple[float, float]] = []
    mean: list[tuple[float, float]] = []
    any_quality = False
    for results in tasks.values():
        quality = next((q for r in results if (q := _training_quality(r)) is not None), None)
        if quality is None:
            continue
        any_quality = True
        for r in results:
            if r.is_ideal and r.overall is not None:
                ideal.append((quality, r.overall))
        scores = [
            r.overall
            for r in results
            if not r.is_ideal and r.overall is not None and "+" not in r.response_id
        ]
        if scores:
            mean.append((quality, sum(scores) / len(scores)))
    if not any_quality:
        return ()
    return tuple(
        QualityCorrelation(
            of=name,
            n=len(points),
            spearman=spearman([q for q, _ in points], [s for _, s in points]),
        )
        for name, points in (("ideal", ideal), ("responses (mean)", mean))
    )


def agree(run: RunData, labels: LabelSet) -> Agreement:
    """Compare ``labels`` with the harness's verdicts in ``run``."""
    by_key = {(r.task_id, r.response_id): r for r in run.responses}
    tasks = {r.task_id for r in run.responses}
    pairs: list[Pair] = []
    unknown: list[UnknownLabel] = []
    for label in labels:
        result = by_key.get((label.task_id, label.response_id))
        reason = ""
        if label.task_id not in tasks:
            reason = "task not in the run"
        elif result is None:
            reason = "response not in the run"
            known = [r.response_id for r in run.responses if r.task_id == label.task_id]
            close = difflib.get_close_matches(label.response_id, known, n=1)
            if close:
                reason += f" (did you mean {close[0]}?)"
        else:
            crit = next((c for c in result.criteria if c.criterion_id == label.criterion_id), None)
            if crit is None:
                reason = "criterion not in the run's rubric for this response"
                close = difflib.get_close_matches(
                    label.criterion_id, [c.criterion_id for c in result.criteria], n=1
                )
                if close:
                    reason += f" (did you mean {close[0]}?)"
            else:
                pairs.append(
                    Pair(
                        label=label,
                        harness=_AS_LABEL.get(crit.status.value, "error"),
                        status=crit.status.value,
                        message=crit.message,
                        evidence=evidence_refs(crit),
                    )
                )
        if reason:
            unknown.append(
                UnknownLabel(
                    label.where, label.task_id, label.response_id, label.criterion_id, reason
                )
            )
    for task in labels.tasks:
        for rid in task.ranking:
            if (task.task_id, rid) not in by_key:
                unknown.append(
                    UnknownLabel(
                        task.ranking_where, task.task_id, rid, "", "ranked response not in the run"
                    )
                )
    criteria: list[CriterionAgreement] = []
    order = {c.id: i for i, c in enumerate(run.info.rubric.criteria)}
    ids = sorted({p.label.criterion_id for p in pairs}, key=lambda c: (order.get(c, 1 << 30), c))
    for cid in ids:
        mine = [p for p in pairs if p.label.criterion_id == cid]
        matrix = confusion(mine)
        criteria.append(
            CriterionAgreement(
                criterion_id=cid,
                n=len(mine),
                agreed=sum(p.agrees for p in mine),
                errors=sum(p.harness == "error" for p in mine),
                confusion=matrix,
                kappa=cohen_kappa(matrix),
            )
        )
    return Agreement(
        labels=labels.source,
        pairs=tuple(pairs),
        criteria=tuple(criteria),
        rankings=tuple(_rankings(run, labels)),
        unknown=tuple(unknown),
        quality=quality_correlations(run),
    )


def agreement_to_json(result: Agreement) -> dict[str, Any]:
    """The ``agreement.json`` document (shape documented in the README)."""

    def pair(p: Pair) -> dict[str, Any]:
        return {
            "task_id": p.label.task_id,
            "response_id": p.label.response_id,
            "criterion_id": p.label.criterion_id,
            "label": p.label.label,
            "label_given": p.label.given,
            "label_evidence": p.label.evidence,
            "label_where": p.label.where,
            "harness": p.harness,
            "harness_status": p.status,
            "harness_message": p.message,
            "harness_evidence": [e.__dict__ for e in p.evidence],
        }

    return {
        "labels": result.labels,
        "classes": list(CLASSES),
        "pairs": result.n,
        "agreed": result.agreed,
        "agreement": result.overall,
        "judged_pairs": len(result.judged),
        "judged_agreement": result.judged_agreement,
        "kappa": result.kappa,
        "confusion": [list(row) for row in confusion(result.pairs)],
        "criteria": [
            {
                "criterion_id": c.criterion_id,
                "n": c.n,
                "agreed": c.agreed,
                "agreement": c.agreement,
                "errors": c.errors,
                "kappa": c.kappa,
                "confusion": [list(row) for row in c.confusion],
            }
            for c in result.criteria
        ],
        "rankings": [
            {
                "task_id": r.task_id,
                "labelled": list(r.labelled),
                "scores": list(r.scores),
                "spearman": r.spearman,
                "kendall_tau_b": r.kendall,
                "missing": list(r.missing),
            }
            for r in result.rankings
        ],
        "training_quality": [q.__dict__ for q in result.quality],
        "unknown": [u.__dict__ for u in result.unknown],
        "disagreements": [pair(p) for p in result.disagreements],
    }


__all__ = [
    "CLASSES",
    "Agreement",
    "CriterionAgreement",
    "Pair",
    "QualityCorrelation",
    "RankAgreement",
    "UnknownLabel",
    "agree",
    "agreement_to_json",
    "average_ranks",
    "cohen_kappa",
    "confusion",
    "kendall_tau_b",
    "quality_correlations",
    "spearman",
]
