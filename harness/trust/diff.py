"""What changed between two runs: per response, per criterion, in the rubric and the harness.

Responses are matched by (task id, response id); whether the *input* changed is told by the
sha256 of the markdown each run stored (``ResponseResult.input_sha256``), so a response that
was edited between runs ("changed input") is never mistaken for a change of the grader. An
overlaid follow-up (``X+overlay``) changed input when any response whose files it carries
changed. Criteria are matched by id.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from harness.results import CriterionInfo, CriterionResult, ResponseResult, RunData, RunInfo

#: overall score differences smaller than this (in points) are rounding, not change
EPSILON = 0.005

InputState = Literal["same", "changed", "unknown"]
Verdict = Literal["improved", "regressed", "unchanged", "changed input"]
VERDICTS: tuple[Verdict, ...] = ("regressed", "improved", "changed input", "unchanged")

#: statuses ordered from best to worst, for telling a regression from an improvement
_RANK = {"pass": 0, "partial": 1, "fail": 2}


@dataclass(frozen=True)
class EvidenceRef:
    """One piece of a criterion's evidence, as a location and the first line of its snippet."""

    location: str
    snippet: str
    finding: str  # the finding's status


@dataclass(frozen=True)
class CriterionChange:
    """A criterion whose status (or score) differs between the runs for one response."""

    criterion_id: str
    category: str
    before: str  # status in run A
    after: str  # status in run B
    before_score: float | None
    after_score: float | None
    before_message: str
    after_message: str
    before_evidence: tuple[EvidenceRef, ...]
    after_evidence: tuple[EvidenceRef, ...]

    @property
    def kind(self) -> str:
        """``pass -> fail``; ``score 0.50 -> 0.75`` when only a partial score moved."""
        if self.before == self.after:
            return f"score {_num(self.before_score)} -> {_num(self.after_score)}"
        return f"{self.before} -> {self.after}"

    @property
    def regression(self) -> bool:
        """Worse in B: a status further from pass, a lost score, or a new error."""
        if self.after == "error" and self.before != "error":
            return True
        if self.before in _RANK and self.after in _RANK and self.before != self.after:
            return _RANK[self.after] > _RANK[self.before]
        if self.before == self.after == "partial":
            return (self.after_score or 0.0) < (self.before_score or 0.0)
        return False

    @property
    def pass_to_fail(self) -> bool:
        return self.before == "pass" and self.after in ("fail", "partial")


@dataclass(frozen=True)
class CategoryDelta:
    id: str
    before: float | None  # 0-100
    after: float | None

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before


@dataclass(frozen=True)
class ResponseDelta:
    """One response present in both runs."""

    task_id: str
    response_id: str
    is_ideal: bool
    input: InputState
    before: float | None  # overall, 0-100
    after: float | None
    categories: tuple[CategoryDelta, ...]
    changes: tuple[CriterionChange, ...]

    @property
    def key(self) -> str:
        return f"{self.task_id}/{self.response_id}"

    @property
    def delta(self) -> float | None:
        return None if self.before is None or self.after is None else self.after - self.before

    @property
    def verdict(self) -> Verdict:
        if self.input == "changed":
            return "changed input"
        if self.before is None and self.after is not None:
            return "improved"
        if self.before is not None and self.after is None:
            return "regressed"
        delta = self.delta or 0.0
        if delta > EPSILON:
            return "improved"
        if delta < -EPSILON:
            return "regressed"
        return "unchanged"

    @property
    def changed(self) -> bool:
        """Anything to show: a score, a category, a criterion, or the input moved."""
        return (
            self.verdict != "unchanged"
            or bool(self.changes)
            or any(abs(c.delta or 0.0) > EPSILON for c in self.categories)
            or any((c.before is None) != (c.after is None) for c in self.categories)
        )


@dataclass(frozen=True)
class FieldChange:
    """A rubric field that differs between the runs (``subject`` is a criterion or category
    id, or ``rubric`` for the rubric's own fields)."""

    subject: str
    field: str
    before: str
    after: str


@dataclass(frozen=True)
class RubricDiff:
    before_id: str
    after_id: str
    before_sha256: str
    after_sha256: str
    criteria_added: tuple[str, ...]  # only in B
    criteria_removed: tuple[str, ...]  # only in A (removed or disabled)
    changes: tuple[FieldChange, ...]

    @property
    def same(self) -> bool:
        return (
            self.before_sha256 == self.after_sha256
            and not self.criteria_added
            and not self.criteria_removed
            and not self.changes
        )


@dataclass(frozen=True)
class RunDiff:
    """Everything that differs between run A (before) and run B (after)."""

    a: str  # how the runs were named (their folders)
    b: str
    harness_before: str
    harness_after: str
    rubric: RubricDiff
    responses: tuple[ResponseDelta, ...]  # matched responses that changed, regressions first
    unchanged: int  # matched responses with nothing to show
    only_in_a: tuple[str, ...]  # task/response keys
    only_in_b: tuple[str, ...]

    @property
    def empty(self) -> bool:
        return (
            self.rubric.same
            and self.harness_before == self.harness_after
            and not self.responses
            and not self.only_in_a
            and not self.only_in_b
        )

    @property
    def counts(self) -> dict[str, int]:
        """Matched responses by verdict (unchanged includes those with nothing to show)."""
        counts: dict[str, int] = {v: 0 for v in VERDICTS}
        for r in self.responses:
            counts[r.verdict] += 1
        counts["unchanged"] += self.unchanged
        return counts

    @property
    def criterion_changes(self) -> int:
        return sum(len(r.changes) for r in self.responses)

    def summary(self) -> str:
        c = self.counts
        line = (
            f"{c['improved']} improved, {c['regressed']} regressed, {c['unchanged']} unchanged, "
            f"{c['changed input']} changed input; {self.criterion_changes} criterion changes"
        )
        if self.only_in_a or self.only_in_b:
            line += f"; {len(self.only_in_a)} only in A, {len(self.only_in_b)} only in B"
        return line

    def regressions(self, threshold: float) -> list[str]:
        """Why ``--fail-on-regression`` fails: responses whose overall drops by more than
        ``threshold`` points, or that lost their score, and criteria that went pass -> fail
        (an edited response's own changes are not the grader's regressions)."""
        reasons: list[str] = []
        for r in self.responses:
            if r.input == "changed":
                continue
            if r.delta is not None and -r.delta > threshold:
                reasons.append(f"{r.key}: overall {_num(r.before, 1)} -> {_num(r.after, 1)}")
            elif r.before is not None and r.after is None:
                reasons.append(f"{r.key}: overall {_num(r.before, 1)} -> n/a")
            reasons.extend(
                f"{r.key}: {c.criterion_id} {c.before} -> {c.after}"
                for c in r.changes
                if c.pass_to_fail
            )
        return reasons


def _num(value: float | None, digits: int = 2) -> str:
    return "n/a" if value is None else f"{value:.{digits}f}"


def evidence_refs(result: CriterionResult | None) -> tuple[EvidenceRef, ...]:
    """A criterion result's evidence as short locations and first snippet lines."""
    if result is None:
        return ()
    refs: list[EvidenceRef] = []
    # the findings that decided the status first (fail, partial, error), each place once
    order = {"error": 0, "fail": 1, "partial": 2}
    findings = sorted(result.findings, key=lambda f: order.get(f.status.value, 3))
    for finding in findings:
        for ev in finding.evidence:
            location = ev.path or ev.source
            if ev.start_line:
                location += f":{ev.start_line}"
                if ev.end_line and ev.end_line != ev.start_line:
                    location += f"-{ev.end_line}"
            if ev.response_line:
                location += f" (response line {ev.response_line})"
            if ev.source and ev.source != "response" and ev.path:
                location = f"{ev.source}: {location}"
            snippet = ev.snippet.strip().splitlines()[0] if ev.snippet.strip() else ""
            ref = EvidenceRef(location, snippet[:200], finding.status.value)
            if ref not in refs:
                refs.append(ref)
    return tuple(refs)


def _criterion_changes(a: ResponseResult, b: ResponseResult) -> tuple[CriterionChange, ...]:
    """Criteria present on both sides whose status or score moved (criteria on one side only
    are the rubric's difference, listed once there)."""
    before = {c.criterion_id: c for c in a.criteria}
    changes: list[CriterionChange] = []
    for after in b.criteria:
        old = before.get(after.criterion_id)
        if old is None:
            continue
        moved = old.status != after.status or (
            old.score is not None
            and after.score is not None
            and abs(old.score - after.score) > 1e-9
        )
        if not moved:
            continue
        changes.append(
            CriterionChange(
                criterion_id=after.criterion_id,
                category=after.category,
                before=old.status.value,
                after=after.status.value,
                before_score=old.score,
                after_score=after.score,
                before_message=old.message,
                after_message=after.message,
                before_evidence=evidence_refs(old),
                after_evidence=evidence_refs(after),
            )
        )
    return tuple(changes)


def _fingerprints(run: RunData) -> dict[str, str]:
    """Per response key, what its input was: its own markdown's hash, and for a response
    that carries files of earlier turns (an overlay), theirs too; "" when unknown."""
    own = {(r.task_id, r.response_id): r.input_sha256 for r in run.responses}
    prints: dict[str, str] = {}
    for r in run.responses:
        parts = [r.input_sha256]
        carried = sorted(
            {f.origin.response for f in (r.tree.files if r.tree else ()) if f.origin.carried_over}
        )
        for rid in carried:
            parts.append(f"{rid}={own.get((r.task_id, rid), '')}")
        known = all(p and not p.endswith("=") for p in parts)
        prints[r.key] = "|".join(parts) if known else ""
    return prints


def _categories(a: ResponseResult, b: ResponseResult) -> tuple[CategoryDelta, ...]:
    before = {c.id: c.score for c in a.categories}
    after = {c.id: c.score for c in b.categories}
    ids = list(before) + [i for i in after if i not in before]

    def points(value: float | None) -> float | None:
        return None if value is None else 100 * value

    return tuple(CategoryDelta(i, points(before.get(i)), points(after.get(i))) for i in ids)


def _sort_key(r: ResponseDelta) -> tuple[int, float, str]:
    order = {"regressed": 0, "improved": 2, "changed input": 3, "unchanged": 4}[r.verdict]
    if r.verdict == "unchanged" and any(c.regression for c in r.changes):
        order = 1  # same overall, but a criterion got worse
    delta = r.delta if r.delta is not None else 0.0
    return (order, -delta if order == 2 else delta, r.key)


def _value(v: Any) -> str:
    if isinstance(v, dict):
        return "{" + ", ".join(f"{k}: {_value(v[k])}" for k in sorted(v)) + "}"
    if isinstance(v, list | tuple):
        return "[" + ", ".join(_value(x) for x in v) + "]"
    return str(v)


_CRITERION_FIELDS = ("title", "category", "check", "severity", "weight", "gate")


def _criterion_fields(a: CriterionInfo, b: CriterionInfo) -> Iterable[FieldChange]:
    for name in _CRITERION_FIELDS:
        old, new = getattr(a, name), getattr(b, name)
        if old != new:
            yield FieldChange(a.id, name, _value(old), _value(new))
    for key in sorted(set(a.params) | set(b.params)):
        old, new = a.params.get(key), b.params.get(key)
        if old != new:
            shown = ("(unset)" if v is None else _value(v) for v in (old, new))
            yield FieldChange(a.id, f"params.{key}", *shown)


def rubric_diff(a: RunInfo, b: RunInfo) -> RubricDiff:
    """The difference between the rubrics the two runs used (after ``extends`` merging)."""
    ra, rb = a.rubric, b.rubric
    crit_a = {c.id: c for c in ra.criteria}
    crit_b = {c.id: c for c in rb.criteria}
    changes: list[FieldChange] = []
    for name in ("id", "version", "title", "gate_cap"):
        old, new = getattr(ra, name), getattr(rb, name)
        if old != new:
            changes.append(FieldChange("rubric", name, str(old), str(new)))
    cat_a = {c.id: c for c in ra.categories}
    cat_b = {c.id: c for c in rb.categories}
    for cid in [*cat_a, *(c for c in cat_b if c not in cat_a)]:
        old_c, new_c = cat_a.get(cid), cat_b.get(cid)
        if old_c is None or new_c is None:
            changes.append(
                FieldChange(
                    cid,
                    "category",
                    "absent" if old_c is None else "present",
                    "absent" if new_c is None else "present",
                )
            )
        elif old_c.weight != new_c.weight:
            changes.append(
                FieldChange(cid, "category weight", str(old_c.weight), str(new_c.weight))
            )
    for cid, info in crit_a.items():
        if cid in crit_b:
            changes.extend(_criterion_fields(info, crit_b[cid]))
    return RubricDiff(
        before_id=ra.id,
        after_id=rb.id,
        before_sha256=ra.sha256,
        after_sha256=rb.sha256,
        criteria_added=tuple(c for c in crit_b if c not in crit_a),
        criteria_removed=tuple(c for c in crit_a if c not in crit_b),
        changes=tuple(changes),
    )


def diff_runs(a: RunData, b: RunData, *, a_name: str = "A", b_name: str = "B") -> RunDiff:
    """Compare run ``a`` (before) with run ``b`` (after)."""
    before = {r.key: r for r in a.responses}
    after = {r.key: r for r in b.responses}
    prints_a, prints_b = _fingerprints(a), _fingerprints(b)
    deltas: list[ResponseDelta] = []
    unchanged = 0
    for key, new in after.items():
        old = before.get(key)
        if old is None:
            continue
        pa, pb = prints_a[key], prints_b[key]
        state: InputState = "unknown" if not pa or not pb else "same" if pa == pb else "changed"
        delta = ResponseDelta(
            task_id=new.task_id,
            response_id=new.response_id,
            is_ideal=new.is_ideal,
            input=state,
            before=old.overall,
            after=new.overall,
            categories=_categories(old, new),
            changes=_criterion_changes(old, new),
        )
        if delta.changed:
            deltas.append(delta)
        else:
            unchanged += 1
    deltas.sort(key=_sort_key)
    return RunDiff(
        a=a_name,
        b=b_name,
        harness_before=a.info.harness_version,
        harness_after=b.info.harness_version,
        rubric=rubric_diff(a.info, b.info),
        responses=tuple(deltas),
        unchanged=unchanged,
        only_in_a=tuple(k for k in before if k not in after),
        only_in_b=tuple(k for k in after if k not in before),
    )


#: The version of the ``--json`` document's shape (``diff_to_json``); see the README.
SCHEMA_VERSION = 1


def diff_to_json(diff: RunDiff) -> dict[str, Any]:
    """The ``iac-harness diff --json`` document (shape documented in the README)."""

    def change(c: CriterionChange) -> dict[str, Any]:
        return {
            "criterion_id": c.criterion_id,
            "category": c.category,
            "kind": c.kind,
            "regression": c.regression,
            "before": {
                "status": c.before,
                "score": c.before_score,
                "message": c.before_message,
                "evidence": [e.__dict__ for e in c.before_evidence],
            },
            "after": {
                "status": c.after,
                "score": c.after_score,
                "message": c.after_message,
                "evidence": [e.__dict__ for e in c.after_evidence],
            },
        }

    return {
        "schema_version": SCHEMA_VERSION,
        "a": diff.a,
        "b": diff.b,
        "empty": diff.empty,
        "summary": {
            **diff.counts,
            "criterion_changes": diff.criterion_changes,
            "only_in_a": len(diff.only_in_a),
            "only_in_b": len(diff.only_in_b),
        },
        "harness": {"before": diff.harness_before, "after": diff.harness_after},
        "rubric": {
            "before": {"id": diff.rubric.before_id, "sha256": diff.rubric.before_sha256},
            "after": {"id": diff.rubric.after_id, "sha256": diff.rubric.after_sha256},
            "criteria_added": list(diff.rubric.criteria_added),
            "criteria_removed": list(diff.rubric.criteria_removed),
            "changes": [c.__dict__ for c in diff.rubric.changes],
        },
        "responses": [
            {
                "task_id": r.task_id,
                "response_id": r.response_id,
                "is_ideal": r.is_ideal,
                "input": r.input,
                "verdict": r.verdict,
                "overall": {"before": r.before, "after": r.after, "delta": r.delta},
                "categories": [
                    {"id": c.id, "before": c.before, "after": c.after, "delta": c.delta}
                    for c in r.categories
                ],
                "changes": [change(c) for c in r.changes],
            }
            for r in diff.responses
        ],
        "only_in_a": list(diff.only_in_a),
        "only_in_b": list(diff.only_in_b),
    }


__all__ = [
    "CategoryDelta",
    "CriterionChange",
    "EvidenceRef",
    "FieldChange",
    "ResponseDelta",
    "RubricDiff",
    "RunDiff",
    "diff_runs",
    "diff_to_json",
    "evidence_refs",
    "rubric_diff",
]
