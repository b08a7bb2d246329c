"""The score formula: weighted means over scored criteria and categories, na and error left
out, gates capping; and the engine's aggregation of findings into criteria."""

from __future__ import annotations

import pytest

from harness.checks.registry import NoParams
from harness.checks.types import Finding, Status
from harness.grading.engine import MAX_FINDINGS, aggregate, summarise
from harness.grading.score import CODE_FLOOR, NO_CODE_OVERALL, score, weighted_mean
from harness.results import CriterionResult, CriterionStatus
from harness.rubric.model import Category, Criterion, Rubric
from tests.conftest import REPO_ROOT


def _criterion(cid: str, category: str, weight: float = 1.0, gate: bool = False) -> Criterion:
    return Criterion(cid, cid, category, cid, NoParams(), weight, "medium", gate, "")


RUBRIC = Rubric(
    id="t",
    version="1",
    title="t",
    gate_cap=40.0,
    categories=(Category("a", "A", 3.0), Category("b", "B", 1.0), Category("c", "C", 1.0)),
    criteria=(
        _criterion("a.one", "a", 2.0, gate=True),
        _criterion("a.two", "a", 1.0),
        _criterion("b.one", "b"),
        _criterion("c.one", "c"),
    ),
    source=REPO_ROOT / "t.yaml",
)


def result(cid: str, status: CriterionStatus, value: float | None, weight: float = 1.0,
           gate: bool = False) -> CriterionResult:  # fmt: skip
    category = cid.split(".")[0]
    return CriterionResult(cid, cid, category, status, value, weight, "", gate=gate)


P, F, PA, NA, ER = (
    CriterionStatus.PASS,
    CriterionStatus.FAIL,
    CriterionStatus.PARTIAL,
    CriterionStatus.NA,
    CriterionStatus.ERROR,
)


def test_weighted_means_per_category_and_overall() -> None:
    criteria = [
        result("a.one", P, 1.0, 2.0, gate=True),
        result("a.two", PA, 0.25, 1.0),
        result("b.one", F, 0.0),
        result("c.one", NA, None),
    ]
    scored = score(criteria, RUBRIC)
    by_id = {c.id: c.score for c in scored.categories}
    assert by_id["a"] == pytest.approx((2 * 1.0 + 1 * 0.25) / 3)  # 0.75
    assert by_id["b"] == 0.0
    assert by_id["c"] is None  # all na: no score, and left out of the overall
    assert scored.overall == pytest.approx(100 * (3 * 0.75 + 1 * 0.0) / 4)
    assert scored.gates_failed == ()


def test_error_is_excluded_and_reported_never_a_pass() -> None:
    criteria = [
        result("a.one", P, 1.0, 2.0, gate=True),
        result("a.two", ER, None),
        result("b.one", ER, None),
        result("c.one", F, 0.0),
    ]
    scored = score(criteria, RUBRIC)
    by_id = {c.id: c.score for c in scored.categories}
    assert by_id["a"] == 1.0 and by_id["b"] is None
    assert scored.errors == ("a.two", "b.one")
    assert scored.overall == pytest.approx(100 * 3 / 4)


@pytest.mark.parametrize(("status", "value"), [(F, 0.0), (PA, 0.5)])
def test_failed_or_partial_gate_caps(status: CriterionStatus, value: float) -> None:
    criteria = [
        result("a.one", status, value, 2.0, gate=True),
        result("a.two", P, 1.0),
        result("b.one", P, 1.0),
        result("c.one", P, 1.0),
    ]
    scored = score(criteria, RUBRIC)
    assert scored.gates_failed == ("a.one",)
    assert scored.overall == 40.0


def test_gate_cap_only_lowers() -> None:
    criteria = [result("a.one", F, 0.0, 2.0, gate=True), result("a.two", F, 0.0)]
    assert score(criteria, RUBRIC).overall == CODE_FLOOR  # 0 lifted to the floor, not to 40


def test_gate_in_error_does_not_cap() -> None:
    criteria = [result("a.one", ER, None, 2.0, gate=True), result("a.two", P, 1.0)]
    scored = score(criteria, RUBRIC)
    assert scored.overall == 100.0 and scored.gates_failed == () and scored.errors == ("a.one",)


def test_nothing_scored_has_no_overall() -> None:
    scored = score([result("a.one", NA, None), result("b.one", ER, None)], RUBRIC)
    assert scored.overall is None
    assert all(c.score is None for c in scored.categories)


def test_zero_weights() -> None:
    assert weighted_mean([(1.0, 0.0)]) is None
    assert weighted_mean([(1.0, 0.0), (0.5, 2.0)]) == 0.5


# -- the engine's aggregation --------------------------------------------------------------


def F_(status: Status, subject: str = "", message: str = "") -> Finding:
    return Finding(status, message or f"{subject} {status.value}", (), subject)


CRIT = _criterion("a.one", "a", 2.0, gate=True)


def test_partial_credit_is_the_passing_fraction() -> None:
    findings = [F_(Status.PASS, f"r{i}") for i in range(3)] + [
        F_(Status.FAIL, "r3", "r3 lacks the suffix"),
        F_(Status.FAIL, "r4"),
        F_(Status.NA, "r5"),
    ]
    crit = aggregate(CRIT, findings)
    assert crit.status is CriterionStatus.PARTIAL and crit.score == pytest.approx(0.6)
    assert crit.message == "3 of 5 pass; failing: r3, r4 (r3 lacks the suffix)"
    assert crit.gate and crit.weight == 2.0 and crit.category == "a"


@pytest.mark.parametrize(
    ("statuses", "expected", "value"),
    [
        ([Status.PASS, Status.PASS], CriterionStatus.PASS, 1.0),
        ([Status.FAIL], CriterionStatus.FAIL, 0.0),
        ([Status.NA, Status.NA], CriterionStatus.NA, None),
        ([], CriterionStatus.NA, None),
        ([Status.PASS, Status.ERROR], CriterionStatus.ERROR, None),
    ],
)
def test_status_rules(
    statuses: list[Status], expected: CriterionStatus, value: float | None
) -> None:
    crit = aggregate(CRIT, [F_(s, f"s{i}") for i, s in enumerate(statuses)])
    assert crit.status is expected and crit.score == value


def test_messages() -> None:
    assert summarise([F_(Status.PASS, "x", "x is fine")]) == "x is fine"
    assert summarise([]) == "nothing to judge"
    assert summarise([F_(Status.NA, message="no bucket")]) == "no bucket"
    many = [F_(Status.FAIL, f"r{i}") for i in range(8)]
    assert summarise(many) == "all 8 fail: r0, r1, r2, r3, r4 (+3 more) (r0 fail)"


def test_findings_are_capped_keeping_failures() -> None:
    findings = [F_(Status.PASS, f"p{i}") for i in range(MAX_FINDINGS)] + [F_(Status.FAIL, "f")]
    crit = aggregate(CRIT, findings)
    assert len(crit.findings) == MAX_FINDINGS
    assert crit.findings[0].subject == "f"
    assert crit.score == pytest.approx(MAX_FINDINGS / (MAX_FINDINGS + 1))
    assert f"[{MAX_FINDINGS} of {MAX_FINDINGS + 1} findings kept]" in crit.message


def test_a_response_without_code_scores_zero_whatever_its_categories() -> None:
    criteria = [result("a.one", P, 1.0, 2.0, gate=True), result("b.one", P, 1.0)]
    scored = score(criteria, RUBRIC, has_code=False)
    assert scored.overall == NO_CODE_OVERALL == 0.0 and scored.no_code
    assert {c.id: c.score for c in scored.categories}["a"] == 1.0  # categories kept
    assert score([result("c.one", NA, None)], RUBRIC, has_code=False).overall is None  # unscored


def test_a_response_with_code_scores_at_least_the_floor() -> None:
    everything_fails = [result("a.one", F, 0.0, 2.0, gate=True), result("b.one", F, 0.0)]
    scored = score(everything_fails, RUBRIC)
    assert scored.overall == CODE_FLOOR > NO_CODE_OVERALL and not scored.no_code
    assert score([result("c.one", NA, None)], RUBRIC).overall is None  # nothing judged
    assert score([result("b.one", P, 1.0)], RUBRIC).overall == 100.0  # floor only lifts
