"""The score formula: weighted means over scored criteria and categories (the quality Q), the
severity-aware penalty P of failing findings, na and error left out, gates scaling down, the
code floor; and the engine's aggregation of findings into criteria."""

from __future__ import annotations

import itertools
from dataclasses import replace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.checks.registry import NoParams
from harness.checks.types import Finding, Status
from harness.grading.engine import MAX_FINDINGS, aggregate, summarise
from harness.grading.score import (
    CODE_FLOOR,
    GATE_SLOPE,
    NO_CODE_CEILING,
    PENALTY_SHARE,
    SEVERITY_COST,
    penalty,
    score,
    weighted_mean,
)
from harness.results import CriterionResult, CriterionStatus
from harness.rubric import load_rubric
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
           gate: bool = False, severity: str = "medium") -> CriterionResult:  # fmt: skip
    category = cid.split(".")[0]
    return CriterionResult(
        cid, cid, category, status, value, weight, "", gate=gate, severity=severity
    )


def overall_of(quality: float, left: float, *, gate_cap: float | None = None) -> float:
    """The README formula, written out: U, the gate's scaling, the code floor."""
    ungated = 100 * ((1 - PENALTY_SHARE) * quality + PENALTY_SHARE * left)
    gated = ungated
    if gate_cap is not None:
        gated = (1 - GATE_SLOPE) * min(ungated, gate_cap) + GATE_SLOPE * ungated * gate_cap / 100
    top = 100 if gate_cap is None else gate_cap
    return CODE_FLOOR + (top - CODE_FLOOR) * gated / top


MEDIUM = SEVERITY_COST["medium"]


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
    quality = (3 * 0.75 + 1 * 0.0) / 4
    assert scored.quality == pytest.approx(quality)
    # a.two partial and b.one fail: one failing finding each, both medium
    assert scored.penalty == pytest.approx((1 - MEDIUM) ** 2)
    assert scored.overall == pytest.approx(overall_of(quality, (1 - MEDIUM) ** 2))
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
    assert scored.overall == pytest.approx(overall_of(3 / 4, 1 - MEDIUM))


@pytest.mark.parametrize(("status", "value"), [(F, 0.0), (PA, 0.5)])
def test_failed_or_partial_gate_scales_below_the_cap(status: CriterionStatus, value: float) -> None:
    criteria = [
        result("a.one", status, value, 2.0, gate=True),
        result("a.two", P, 1.0),
        result("b.one", P, 1.0),
        result("c.one", P, 1.0),
    ]
    scored = score(criteria, RUBRIC)
    assert scored.gates_failed == ("a.one",)
    assert scored.overall is not None and scored.overall <= 40.0
    assert scored.overall == pytest.approx(
        overall_of(scored.quality or 0.0, 1 - MEDIUM, gate_cap=40.0)
    )
    ungated = [replace(c, gate=False) for c in criteria]
    assert scored.overall < (score(ungated, RUBRIC).overall or 0.0)


def test_every_fault_under_a_failed_gate_still_costs() -> None:
    one = [result("a.one", F, 0.0, 2.0, gate=True), result("a.two", P, 1.0)]
    two = [result("a.one", F, 0.0, 2.0, gate=True), result("a.two", F, 0.0)]
    assert (score(two, RUBRIC).overall or 0) < (score(one, RUBRIC).overall or 0) <= 40.0


def test_a_critical_fault_costs_far_more_than_a_low_one() -> None:
    clean = [result("a.one", P, 1.0), result("a.two", P, 1.0), result("b.one", P, 1.0)]
    critical = [*clean[:2], result("b.one", F, 0.0, severity="critical")]
    low = [*clean[:2], result("b.one", F, 0.0, severity="low")]
    full = score(clean, RUBRIC).overall or 0
    cost_critical = full - (score(critical, RUBRIC).overall or 0)
    cost_low = full - (score(low, RUBRIC).overall or 0)
    assert cost_critical > 1.5 * cost_low > 0  # same weight: severity alone tells them apart


def test_with_the_shipped_rubric_a_hard_coded_secret_costs_clearly_more_than_a_tag() -> None:
    rubric = load_rubric("terraform-aws-production")

    def scored(failing: str) -> float:
        criteria = [
            CriterionResult(
                c.id,
                c.check,
                c.category,
                F if c.id == failing else P,
                0.0 if c.id == failing else 1.0,
                c.weight,
                "",
                severity=c.severity,
                gate=c.gate,
            )
            for c in rubric.criteria
        ]
        return score(criteria, rubric).overall or 0.0

    secret = 100 - scored("security.no_hardcoded_secrets")
    open_port = 100 - scored("security.db_ingress_restricted")
    tag = 100 - scored("tagging.required_keys")
    assert secret >= 10 and open_port >= 10
    assert secret > 4 * tag and open_port > 4 * tag


def test_each_further_failing_finding_costs_less_but_still_costs() -> None:
    def with_fails(n: int) -> CriterionResult:
        findings = tuple(Finding(Status.FAIL, "no", (), f"r{i}") for i in range(n))
        return replace(result("b.one", F, 0.0), findings=findings)

    left = [penalty([with_fails(n)]) for n in range(1, 6)]
    steps = [a - b for a, b in itertools.pairwise(left)]
    assert all(step > 0 for step in steps)
    assert steps == sorted(steps, reverse=True)
    assert left[0] == pytest.approx(1 - MEDIUM) and left[1] == pytest.approx(
        (1 - MEDIUM) * (1 - MEDIUM / 4)
    )


def test_gate_in_error_does_not_cap() -> None:
    criteria = [result("a.one", ER, None, 2.0, gate=True), result("a.two", P, 1.0)]
    scored = score(criteria, RUBRIC)
    assert scored.overall == 100.0 and scored.gates_failed == () and scored.errors == ("a.one",)
    assert scored.penalty == 1.0  # an error is not a failing finding


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


def test_a_response_without_code_scores_below_the_code_floor() -> None:
    criteria = [result("a.one", P, 1.0, 2.0, gate=True), result("b.one", P, 1.0)]
    scored = score(criteria, RUBRIC, has_code=False)
    assert scored.overall == NO_CODE_CEILING < CODE_FLOOR and scored.no_code
    failing = [result("a.one", F, 0.0, 2.0, gate=True), result("b.one", F, 0.0)]
    worst = score(failing, RUBRIC, has_code=False).overall
    assert worst is not None and 0.0 < worst < NO_CODE_CEILING
    assert {c.id: c.score for c in scored.categories}["a"] == 1.0  # categories kept
    assert score([result("c.one", NA, None)], RUBRIC, has_code=False).overall is None  # unscored


def test_a_response_with_code_scores_at_least_the_floor() -> None:
    everything_fails = [result("a.one", F, 0.0, 2.0, gate=True), result("b.one", F, 0.0)]
    scored = score(everything_fails, RUBRIC)
    assert scored.overall is not None and not scored.no_code
    assert scored.overall == pytest.approx(overall_of(0.0, (1 - MEDIUM) ** 2, gate_cap=40.0))
    assert scored.overall > CODE_FLOOR > NO_CODE_CEILING
    assert score([result("c.one", NA, None)], RUBRIC).overall is None  # nothing judged
    assert score([result("b.one", P, 1.0)], RUBRIC).overall == 100.0  # floor only lifts


# -- monotonicity (property) -----------------------------------------------------------------

SEVERITIES = tuple(SEVERITY_COST)
CRITERION_IDS = ("a.one", "a.two", "b.one", "c.one")


@st.composite
def responses(draw: st.DrawFn) -> list[CriterionResult]:
    """Criterion results as the engine makes them: counts of passing and failing findings per
    criterion (none: na), a severity, and the rubric's weights and gate."""
    criteria = []
    for cid in CRITERION_IDS:
        spec = RUBRIC.criterion(cid)
        passes = draw(st.integers(0, 6))
        fails = draw(st.integers(0, 6))
        findings = tuple(
            [Finding(Status.PASS, "ok", (), f"p{i}") for i in range(passes)]
            + [Finding(Status.FAIL, "no", (), f"f{i}") for i in range(fails)]
        )
        crit = replace(spec, severity=draw(st.sampled_from(SEVERITIES)))
        criteria.append(aggregate(crit, findings))
    return criteria


def with_new_failing_finding(
    criteria: list[CriterionResult], rubric: Rubric, target: str
) -> list[CriterionResult]:
    """``criteria`` with one more failing finding on criterion ``target``, re-aggregated."""
    changed = []
    for criterion in criteria:
        if criterion.criterion_id == target:
            crit = replace(rubric.criterion(target), severity=criterion.severity)
            criterion = aggregate(crit, (*criterion.findings, Finding(Status.FAIL, "new", (), "x")))
        changed.append(criterion)
    return changed


@given(responses(), st.sampled_from(CRITERION_IDS), st.booleans())
@settings(max_examples=300, deadline=None)
def test_adding_a_failing_finding_always_lowers_the_overall(
    criteria: list[CriterionResult], target: str, has_code: bool
) -> None:
    before = score(criteria, RUBRIC, has_code=has_code).overall
    changed = with_new_failing_finding(criteria, RUBRIC, target)
    after = score(changed, RUBRIC, has_code=has_code).overall
    assert after is not None
    assert before is None or after < before
    assert (after < CODE_FLOOR) is not has_code


@given(responses())
@settings(max_examples=200, deadline=None)
def test_a_failed_gate_scores_below_the_same_response_without_the_gate(
    criteria: list[CriterionResult],
) -> None:
    gated = score(criteria, RUBRIC).overall
    ungated = score([replace(c, gate=False) for c in criteria], RUBRIC).overall
    if score(criteria, RUBRIC).gates_failed:
        assert gated is not None and ungated is not None
        assert gated < ungated and gated <= RUBRIC.gate_cap
    else:
        assert gated == ungated


# -- coverage ---------------------------------------------------------------------------------

COVERED = replace(RUBRIC, coverage_share=0.5, coverage_criterion="c.one")


def test_the_uncovered_part_of_the_task_earns_only_half() -> None:
    """``U`` scales by ``1 - share * (1 - c)``: c is the coverage criterion's score."""
    for covered in (1.0, 0.6, 0.0):
        status = P if covered == 1.0 else (F if covered == 0.0 else PA)
        criteria = [result("b.one", P, 1.0), result("c.one", status, covered)]
        plain = score(criteria, replace(COVERED, coverage_share=0.0)).overall
        scaled = score(criteria, COVERED).overall
        assert plain is not None and scaled is not None
        assert scaled - CODE_FLOOR == pytest.approx(
            (plain - CODE_FLOOR) * (1 - 0.5 * (1 - covered))
        )
    # not scored (no reference): no scaling
    criteria = [result("b.one", P, 1.0), result("c.one", NA, None)]
    assert score(criteria, COVERED).overall == score(criteria, RUBRIC).overall == 100.0


def test_a_fragment_covering_less_of_the_task_scores_below_a_fuller_answer() -> None:
    """Same checks passed, less of the task built: lower, where the plain mean ties them."""
    fragment = [result("b.one", P, 1.0), result("c.one", PA, 0.3)]
    fuller = [result("b.one", P, 1.0), result("c.one", PA, 0.7)]
    low, high = score(fragment, COVERED).overall, score(fuller, COVERED).overall
    assert low is not None and high is not None and low < high


@given(responses(), st.sampled_from(CRITERION_IDS))
@settings(max_examples=200, deadline=None)
def test_coverage_keeps_every_failing_finding_costly(
    criteria: list[CriterionResult], target: str
) -> None:
    before = score(criteria, COVERED).overall
    changed = with_new_failing_finding(criteria, COVERED, target)
    after = score(changed, COVERED).overall
    assert after is not None and (before is None or after < before)


def test_a_gated_answer_with_code_stays_at_or_below_the_cap() -> None:
    """The code floor maps a gated overall onto [1, gate_cap], not [1, 100]: a gate failed by
    one finding among many passing ones (U near 100) still scores at most the cap."""
    findings = [Finding(Status.PASS, "ok", (), f"p{i}") for i in range(200)]
    gate = aggregate(RUBRIC.criterion("a.one"), (*findings, Finding(Status.FAIL, "no", (), "f")))
    criteria = [gate, result("a.two", P, 1.0), result("b.one", P, 1.0), result("c.one", P, 1.0)]
    scored = score(criteria, RUBRIC)
    assert scored.gates_failed == ("a.one",)
    assert scored.overall is not None and CODE_FLOOR < scored.overall <= RUBRIC.gate_cap
