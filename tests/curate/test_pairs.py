"""The pair rules on hand-made candidates: margins, ties, identical texts, fragments, gates,
the cap per task and its deterministic tie-break."""

from __future__ import annotations

from dataclasses import replace

from harness.curate.candidates import Candidate, Collected, Message, better
from harness.curate.config import CurateConfig
from harness.curate.subsets import ideal_audit_rows, kto_rows, preference_rows, sft_rows
from harness.grading.audit import ideal_shortfalls
from harness.results import CriterionResult, ResponseResult
from harness.vocabulary import CriterionStatus

PROMPT = (Message("user", "Write Terraform for a bucket."),)


def cand(rid: str, score: float, text: str | None = None, **kw: object) -> Candidate:
    base = Candidate(
        run="r", task_id="t", response_id=rid, turn=1, text=text or f"answer {rid}",
        conversation=PROMPT, overall=score, gates_failed=(), statuses={"a.x": "pass"},
        unfinished=False, fragment=False, is_ideal=False, path=f"/t/{rid}.md", lines=3,
        rubric_id="rub", rubric_sha256="0" * 64, harness_version="0",
    )  # fmt: skip
    return replace(base, **kw)  # type: ignore[arg-type]


def ids(rows: list[dict[str, object]]) -> list[tuple[object, object]]:
    return [(r["chosen_id"], r["rejected_id"]) for r in rows]


def test_margin_and_ties() -> None:
    rows, skipped = preference_rows(
        [cand("A", 90), cand("B", 80), cand("C", 80), cand("D", 78)], CurateConfig(min_margin=5)
    )
    assert ids(rows)[0] == ("A", "D") and set(ids(rows)[1:]) == {("A", "B"), ("A", "C")}
    assert skipped["tie (equal scores)"] == 1
    assert skipped["margin below 5 points"] == 2
    assert [r["margin"] for r in rows] == [12, 10, 10]


def test_identical_texts_never_pair() -> None:
    rows, skipped = preference_rows([cand("A", 90, "same"), cand("B", 10, "same")], CurateConfig())
    assert rows == [] and skipped["identical texts"] == 1


def test_chosen_never_fails_a_gate_rejected_passes() -> None:
    gated = cand("A", 90, gates_failed=("security.x",))
    rows, skipped = preference_rows([gated, cand("B", 50)], CurateConfig(require_gates=False))
    assert rows == [] and skipped["chosen fails a gate that rejected passes"] == 1
    both = cand("B", 50, gates_failed=("security.x",))
    rows, _ = preference_rows([gated, both], CurateConfig(require_gates=False))
    assert ids(rows) == [("A", "B")]
    rows, skipped = preference_rows([gated, both], CurateConfig(require_gates=True))
    assert rows == [] and skipped["chosen fails a gate (see --allow-gate-failures)"] == 1


def test_fragments_and_turns() -> None:
    frag = cand("F", 95, fragment=True)
    other_turn = cand("T", 10, turn=2, conversation=(*PROMPT, Message("assistant", "x"), *PROMPT))
    rows, skipped = preference_rows(
        [frag, cand("B", 50), other_turn], CurateConfig(exclude_fragments=True)
    )
    assert rows == [] and skipped["fragment (a follow-up that patches earlier files)"] == 1
    rows, _ = preference_rows([frag, cand("B", 50), other_turn], CurateConfig())
    assert ids(rows) == [("F", "B")]  # never across turns


def test_pair_with_ideal() -> None:
    ideal = cand("IDEAL_RESPONSE", 70, is_ideal=True)
    rows, _ = preference_rows(
        [ideal, cand("A", 90), cand("B", 40)], CurateConfig(pair_with="ideal")
    )
    assert ids(rows) == [("IDEAL_RESPONSE", "B"), ("A", "IDEAL_RESPONSE")]


def test_cap_per_task_is_deterministic_under_a_seed() -> None:
    many = [cand(f"R{i}", 100 - 10 * i) for i in range(6)]
    capped, skipped = preference_rows(many, CurateConfig(max_pairs_per_task=2))
    assert ids(capped)[0] == ("R0", "R5")  # the one margin of 50
    assert ids(capped)[1] in {("R0", "R4"), ("R1", "R5")}  # margins of 40: the seed picks
    assert skipped["over --max-pairs-per-task"] == 13
    equal = [cand("A", 90), cand("B", 50), cand("C", 50), cand("D", 50)]
    first = ids(preference_rows(equal, CurateConfig(max_pairs_per_task=1, seed=1))[0])
    assert first == ids(preference_rows(equal, CurateConfig(max_pairs_per_task=1, seed=1))[0])
    picks = {
        ids(preference_rows(equal, CurateConfig(max_pairs_per_task=1, seed=s))[0])[0]
        for s in range(20)
    }
    assert len(picks) > 1  # the seed, not list order, breaks equal margins


def test_criteria_wins() -> None:
    a = cand("A", 90, statuses={"x": "pass", "y": "fail", "z": "na", "w": "partial"})
    b = cand("B", 40, statuses={"x": "fail", "y": "pass", "z": "pass", "w": "fail"})
    row = preference_rows([a, b], CurateConfig())[0][0]
    assert row["criteria_chosen_wins"] == ["w", "x"] and row["criteria_rejected_wins"] == ["y"]
    assert better("pass", "partial") and not better("na", "fail") and not better("error", "fail")


def test_kto_labels_and_sft_filters() -> None:
    config = CurateConfig(kto_threshold=70, min_score=80)
    pool = [
        cand("good", 85),
        cand("gated", 95, gates_failed=("g",)),
        cand("cut", 90, unfinished=True),
        cand("low", 60),
    ]
    labels = {r["response_id"]: r["label"] for r in kto_rows(pool, config)}
    assert labels == {"good": True, "gated": False, "cut": True, "low": False}
    rows, skipped = sft_rows(pool, config)
    assert [r["response_id"] for r in rows] == ["good"]
    assert skipped == {
        "fails a gate": 1,
        "truncated or has placeholders": 1,
        "below --min-score 80": 1,
    }
    assert rows[0]["messages"][-1] == {"role": "assistant", "content": "answer good"}  # type: ignore[index]


def _result(rid: str, score: float | None, *, ideal: bool = False) -> ResponseResult:
    status = {None: "na", 1.0: "pass", 0.0: "fail"}.get(score, "partial")
    criterion = CriterionResult(
        "security.x", "security.x", "security", CriterionStatus(status), score, 1.0, f"{rid}"
    )
    return ResponseResult("t", rid, f"/t/{rid}.md", 50.0, criteria=(criterion,), is_ideal=ideal)


def test_the_ideal_audit_subset_follows_the_run_summarys_rule() -> None:
    """A row wherever the ideal scores below a response on a criterion (the same rule as
    ``grading.audit.ideal_shortfalls``), the better responses best first."""
    collected = Collected()
    for result in (
        _result("IDEAL_RESPONSE", 0.5, ideal=True),
        _result("MODEL_RESPONSE", 0.75),
        _result("MODEL_RESPONSE2", 1.0),
        _result("MODEL_RESPONSE3", 0.25),
    ):
        collected.results[("r", "t", result.response_id)] = result
    [row] = ideal_audit_rows(collected)
    assert row["better_responses"] == ["MODEL_RESPONSE2", "MODEL_RESPONSE"]
    assert row["ideal_score"] == 0.5 and row["ideal_status"] == "partial"
    assert row["response_id"] == "MODEL_RESPONSE2"
    assert len(ideal_shortfalls(collected.results.values())) == 1
    # an ideal at least as good as every response, or a task without one, gives no row
    collected.results[("r", "t", "IDEAL_RESPONSE")] = _result("IDEAL_RESPONSE", 1.0, ideal=True)
    assert ideal_audit_rows(collected) == []
    del collected.results[("r", "t", "IDEAL_RESPONSE")]
    assert ideal_audit_rows(collected) == []
