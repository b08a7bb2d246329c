"""``harness.trust.agree`` on a small hand-made fixture whose figures were computed by hand.

Criterion ``x.check`` over ten responses R0..R9 (label / harness):
  pass/pass x4, fail/fail x3 (one of them the harness's ``partial``), pass/fail x1,
  fail/pass x1, na/na x1.
  Confusion (rows label pass/fail/na, columns harness): [[4,1,0],[1,3,0],[0,0,1]], n = 10.
  p_o = 8/10 = 0.8; marginals 5,4,1 on both sides, p_e = (25+16+1)/100 = 0.42;
  kappa = (0.8 - 0.42) / (1 - 0.42) = 0.38 / 0.58 = 0.6551724...
Criterion ``y.check``: R0 label pass, harness ``error`` -> a disagreement, outside the matrix.
Ranking of task t, best first: R0, R1, R2, R3 with harness overall 90, 70, 80, 10.
  Harness ranks (best = 4): 4, 2, 3, 1; labelled 4, 3, 2, 1; d^2 = 0+1+1+0 = 2;
  Spearman = 1 - 6*2 / (4*(16-1)) = 0.8; Kendall: 6 pairs, one discordant (R1, R2):
  tau = (5 - 1) / 6 = 0.6667.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from harness.results import (
    CategoryInfo,
    CriterionInfo,
    CriterionResult,
    ResponseResult,
    RubricInfo,
    RunData,
    RunInfo,
)
from harness.trust.agree import (
    agree,
    agreement_to_json,
    average_ranks,
    cohen_kappa,
    kendall_tau_b,
    quality_correlations,
    spearman,
)
from harness.trust.labels import LabelSet, load_labels
from harness.vocabulary import CriterionStatus

#: (label, harness status) of x.check for R0..R9
X_PAIRS = [
    ("pass", "pass"),
    ("pass", "pass"),
    ("pass", "pass"),
    ("pass", "pass"),
    ("fail", "fail"),
    ("fail", "fail"),
    ("fail", "partial"),
    ("pass", "fail"),
    ("fail", "pass"),
    ("na", "na"),
]
OVERALL = [90.0, 70.0, 80.0, 10.0, 50.0, 50.0, 50.0, 50.0, 50.0, 50.0]


def _criterion(cid: str, status: str) -> CriterionResult:
    score = {"pass": 1.0, "fail": 0.0, "partial": 0.5}.get(status)
    return CriterionResult(
        criterion_id=cid,
        check_id=cid,
        category=cid.split(".")[0],
        status=CriterionStatus(status),
        score=score,
        weight=1.0,
        message=f"harness says {status}",
    )


def _info() -> RunInfo:
    rubric = RubricInfo(
        id="r",
        version="1",
        title="r",
        sha256="0" * 64,
        source="r.yaml",
        gate_cap=40.0,
        categories=(CategoryInfo("x", "X", 1.0), CategoryInfo("y", "Y", 1.0)),
        criteria=tuple(
            CriterionInfo(c, c, c[0], c, "medium", 1.0, False, "") for c in ("x.check", "y.check")
        ),
    )
    return RunInfo("0", "s", "f", 0.0, (), rubric)


def _run(source_dir: Path | None = None) -> RunData:
    responses = []
    for i, (_, status) in enumerate(X_PAIRS):
        criteria = [_criterion("x.check", status)]
        if i == 0:
            criteria.append(_criterion("y.check", "error"))
        source = str(source_dir / f"R{i}.md") if source_dir else ""
        responses.append(ResponseResult("t", f"R{i}", source, OVERALL[i], criteria=tuple(criteria)))
    return RunData(_info(), tuple(responses))


def _labels(tmp_path: Path) -> LabelSet:
    lines = ["task: t", "ranking: [R0, R1, R2, R3, R_GONE]", "responses:"]
    for i, (label, _) in enumerate(X_PAIRS):
        lines.append(f"  R{i}:")
        lines.append(f"    x.check: {{label: {label}, evidence: 'seen R{i}'}}")
        if i == 0:
            lines.append("    y.check: pass")
            lines.append("    x.chek: fail")  # a criterion the run does not have (a typo)
    lines.append("  R_GONE:")
    lines.append("    x.check: pass")  # a response the run does not have
    folder = tmp_path / "labels"
    folder.mkdir()
    (folder / "t.yaml").write_text("\n".join(lines) + "\n", encoding="utf-8")
    (folder / "other.yaml").write_text("task: elsewhere\nresponses:\n  R0:\n    x.check: pass\n")
    return load_labels(folder)


def test_figures_computed_by_hand(tmp_path: Path) -> None:
    result = agree(_run(), _labels(tmp_path))
    x = next(c for c in result.criteria if c.criterion_id == "x.check")
    assert x.confusion == ((4, 1, 0), (1, 3, 0), (0, 0, 1))
    assert (x.n, x.agreed, x.errors) == (10, 8, 0)
    assert x.agreement == pytest.approx(0.8)
    assert x.kappa == pytest.approx(0.38 / 0.58)
    y = next(c for c in result.criteria if c.criterion_id == "y.check")
    assert (y.n, y.agreed, y.errors, y.kappa) == (1, 0, 1, None)
    assert y.confusion == ((0, 0, 0), (0, 0, 0), (0, 0, 0))
    # overall: 11 matched labels, 8 agree
    assert (result.n, result.agreed) == (11, 8)
    assert result.overall == pytest.approx(8 / 11)
    # R9's na/na is the only pair neither side judged: 7 of the other 10 agree
    assert len(result.judged) == 10
    assert result.judged_agreement == pytest.approx(7 / 10)
    (rank,) = result.rankings
    assert rank.labelled == ("R0", "R1", "R2", "R3")
    assert rank.missing == ("R_GONE",)
    assert rank.spearman == pytest.approx(0.8)
    assert rank.kendall == pytest.approx(4 / 6)
    disagreements = {(p.label.response_id, p.label.criterion_id) for p in result.disagreements}
    assert disagreements == {("R7", "x.check"), ("R8", "x.check"), ("R0", "y.check")}
    r7 = next(p for p in result.disagreements if p.label.response_id == "R7")
    assert (r7.label.evidence, r7.message) == ("seen R7", "harness says fail")


def test_unknown_labels_are_counted_and_listed(tmp_path: Path) -> None:
    result = agree(_run(), _labels(tmp_path))
    reasons = sorted((u.task_id, u.response_id, u.criterion_id, u.reason) for u in result.unknown)
    assert reasons == [
        ("elsewhere", "R0", "x.check", "task not in the run"),
        (
            "t",
            "R0",
            "x.chek",
            "criterion not in the run's rubric for this response (did you mean x.check?)",
        ),
        ("t", "R_GONE", "", "ranked response not in the run"),
        ("t", "R_GONE", "x.check", "response not in the run"),
    ]
    assert all(":" in u.where for u in result.unknown)
    document = agreement_to_json(result)
    assert len(document["unknown"]) == 4
    assert document["pairs"] == 11
    json.dumps(document)  # serialisable


def test_statistics() -> None:
    assert average_ranks([10, 20, 20, 30]) == [1.0, 2.5, 2.5, 4.0]
    assert spearman([1, 2, 3], [1, 3, 2]) == pytest.approx(0.5)
    assert spearman([1, 2, 3], [3, 2, 1]) == pytest.approx(-1.0)
    assert spearman([1, 2], [5, 5]) is None  # a constant side has no correlation
    assert spearman([1], [1]) is None
    # tau-b with a tie: x = 1,2,3, y = 1,1,2: concordant 2, ties in y 1:
    # (2 - 0) / sqrt((2 + 0 + 0) * (2 + 0 + 1)) = 2 / sqrt(6)
    assert kendall_tau_b([1, 2, 3], [1, 1, 2]) == pytest.approx(2 / 6**0.5)
    assert kendall_tau_b([1, 1], [2, 2]) is None
    assert cohen_kappa([[5, 0], [0, 5]]) == pytest.approx(1.0)
    assert cohen_kappa([[10, 0], [0, 0]]) is None  # a single class on both sides
    assert cohen_kappa([[0, 0], [0, 0]]) is None


def test_training_quality_correlation(tmp_path: Path) -> None:
    """Three tasks with training_quality 7, 8, 9 and ideal scores 50, 90, 70: ranks 1,2,3
    against 1,3,2: Spearman 0.5. A task without a numeric value is left out."""
    responses = []
    for task, quality, ideal, model in (
        ("a", 7, 50.0, 10.0),
        ("b", 8, 90.0, 20.0),
        ("c", 9, 70.0, 30.0),
        ("d", "high", 99.0, 99.0),
    ):
        folder = tmp_path / task
        folder.mkdir()
        (folder / "metadata.json").write_text(json.dumps({"training_quality": quality}))
        responses.append(
            ResponseResult(
                task, "IDEAL_RESPONSE", str(folder / "IDEAL_RESPONSE.md"), ideal, is_ideal=True
            )
        )
        responses.append(ResponseResult(task, "MODEL_RESPONSE", str(folder / "M.md"), model))
    ideal_q, mean_q = quality_correlations(RunData(_info(), tuple(responses)))
    assert (ideal_q.of, ideal_q.n, ideal_q.spearman) == ("ideal", 3, pytest.approx(0.5))
    assert (mean_q.n, mean_q.spearman) == (3, pytest.approx(1.0))
    assert quality_correlations(_run()) == ()
