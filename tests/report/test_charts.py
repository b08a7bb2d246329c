"""Charts agree with the tables beside them."""

from __future__ import annotations

import re

from harness.report.charts import displayed_score, histogram


def _bins(svg: str) -> dict[str, tuple[int, int]]:
    return {
        span: (int(model), int(ideal))
        for span, model, ideal in re.findall(r"(\d+-\d+): (\d+) model, (\d+) ideal", svg)
    }


def test_a_score_sits_in_the_bin_of_the_number_the_table_prints() -> None:
    bins = _bins(str(histogram([29.97, 29.4, 9.5, 99.6], [39.99])))
    assert f"{29.97:.0f}" == "30" and displayed_score(29.97) == 30
    assert bins["30-40"] == (1, 0)  # 29.97 shows as 30
    assert bins["20-30"] == (1, 0)  # 29.4 shows as 29
    assert bins["10-20"] == (1, 0)  # 9.5 shows as 10
    assert bins["40-50"] == (0, 1)  # the ideal's 39.99 shows as 40


def test_every_score_is_counted_once_and_100_is_in_the_last_bin() -> None:
    scores = [0.0, 9.49, 50.0, 99.5, 100.0]
    bins = _bins(str(histogram(scores, [])))
    assert sum(m for m, _ in bins.values()) == len(scores)
    assert bins["90-100"] == (2, 0)
    assert bins["0-10"] == (2, 0)
