"""A responses.jsonl line: what ``response_line`` writes, ``response_from_line`` reads back."""

from __future__ import annotations

import json
import math

import pytest
from pydantic import TypeAdapter

from harness.results import CategoryScore, CriterionResult, ResponseResult
from harness.store import response_from_line, response_line
from harness.vocabulary import CriterionStatus


def _result(overall: float | None = 72.5, score: float = 0.5) -> ResponseResult:
    criterion = CriterionResult(
        criterion_id="naming.suffix",
        check_id="naming.suffix_applied",
        category="naming",
        status=CriterionStatus.PARTIAL,
        score=score,
        weight=1.0,
        message='uses "=cmd|x" \u2028 and ünïcode',
    )
    return ResponseResult(
        task_id="t-1",
        response_id="MODEL_RESPONSE",
        source="/x/MODEL_RESPONSE.md",
        overall=overall,
        categories=(CategoryScore("naming", 0.5, 1.0),),
        criteria=(criterion,),
        timings={"extract": 0.25},
        comparison={"matched": 3, "nested": {"ratio": 0.75}},
    )


def test_a_line_reads_back_as_the_result() -> None:
    result = _result()
    line = response_line(result)
    assert line.endswith("\n") and line.count("\n") == 1
    assert response_from_line(line) == result


def test_the_line_holds_what_the_json_module_would_write() -> None:
    """Readers that parse the line themselves (jq, pandas) see the same document as before
    the line was written by pydantic."""
    result = _result()
    plain = TypeAdapter(ResponseResult).dump_python(result, mode="json")
    assert json.loads(response_line(result)) == json.loads(json.dumps(plain))


@pytest.mark.parametrize("number", [math.nan, math.inf, -math.inf])
def test_a_non_finite_number_survives_the_round_trip(number: float) -> None:
    """A float field holding NaN or infinity is written as JSON's NaN/Infinity (as Python's
    json module does), not as null, which the field could not read back."""
    back = response_from_line(response_line(_result(overall=number, score=number)))
    assert back.overall is not None
    assert (math.isnan(back.overall) and math.isnan(number)) or back.overall == number
    stored = back.criteria[0].score
    assert (math.isnan(stored) and math.isnan(number)) or stored == number


@pytest.mark.parametrize(
    ("line", "names"),
    [
        ("{not json\n", "json"),
        ('{"task_id": "t"}\n', "response_id"),
        ('{"task_id": "t", "response_id": "r", "source": "", "overall": "high"}\n', "overall"),
    ],
)
def test_a_line_that_is_not_a_result_gives_one_line_naming_the_fault(line: str, names: str) -> None:
    with pytest.raises(ValueError) as caught:
        response_from_line(line)
    message = str(caught.value)
    assert "\n" not in message
    assert names in message.lower()
