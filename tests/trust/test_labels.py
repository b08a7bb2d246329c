"""Label files: the documented format loads; every problem is reported as file:line."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.trust.labels import (
    LabelError,
    labels_from_json,
    labels_to_json,
    load_labels,
    read_run_labels,
    write_run_labels,
)

GOOD = """\
task: tf-1                     # the task folder's name
ranking: [IDEAL_RESPONSE, MODEL_RESPONSE]
responses:
  MODEL_RESPONSE:
    complete.no_truncation:
      label: fail
      evidence: "main.tf is cut off at response line 18"
    tone.professional: pass
    naming.suffix_applied:
      label: partial
  IDEAL_RESPONSE:
    complete.no_truncation: {label: na}
"""
TONE = "tone.professional: pass"


def write(folder: Path, name: str, text: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_documented_format_loads(tmp_path: Path) -> None:
    path = write(tmp_path, "tf-1.yaml", GOOD)
    labels = load_labels(tmp_path)
    (task,) = labels.tasks
    assert task.task_id == "tf-1"
    assert task.ranking == ("IDEAL_RESPONSE", "MODEL_RESPONSE")
    assert task.ranking_where == f"{path}:2"
    by = {(x.response_id, x.criterion_id): x for x in labels}
    assert len(labels) == 4
    cut = by[("MODEL_RESPONSE", "complete.no_truncation")]
    assert (cut.label, cut.evidence, cut.where) == (
        "fail",
        "main.tf is cut off at response line 18",
        f"{path}:5",
    )
    assert by[("MODEL_RESPONSE", "tone.professional")].label == "pass"
    partial = by[("MODEL_RESPONSE", "naming.suffix_applied")]
    assert (partial.label, partial.given) == ("fail", "partial")  # partial counts as fail
    assert by[("IDEAL_RESPONSE", "complete.no_truncation")].label == "na"
    assert labels.for_response("tf-1", "MODEL_RESPONSE").keys() == {
        "complete.no_truncation",
        "tone.professional",
        "naming.suffix_applied",
    }
    assert labels_from_json(labels_to_json(labels)) == labels


@pytest.mark.parametrize(
    ("text", "line", "fragment"),
    [
        (GOOD.replace("label: fail", "label: maybe"), 6, "must be one of pass, fail, na"),
        (GOOD.replace("      evidence:", "      evidense:"), 7, "unknown key 'evidense'"),
        (GOOD.replace("task: tf-1", "tsk: tf-1"), 1, "unknown key 'tsk'"),
        (GOOD.replace(TONE, "tone.professional: [pass]"), 8, "expected a label"),
        (GOOD.replace(f"    {TONE}", "    tone: pass"), 8, "expected category.name"),
        (
            GOOD.replace(
                "ranking: [IDEAL_RESPONSE, MODEL_RESPONSE]",
                "ranking: [MODEL_RESPONSE, MODEL_RESPONSE]",
            ),
            2,
            "listed twice",
        ),
        (
            GOOD.replace(TONE, f"{TONE}\n    tone.professional: na"),
            9,
            "duplicate key",
        ),
        (GOOD.replace("      label: partial", "      evidence: x"), 9, "label: required"),
        ("task: [unclosed\n", 2, "invalid YAML"),
        ("- just\n- a list\n", 1, "expected a mapping"),
    ],
)
def test_problems_are_reported_with_file_and_line(
    tmp_path: Path, text: str, line: int, fragment: str
) -> None:
    path = write(tmp_path, "tf-1.yaml", text)
    with pytest.raises(LabelError) as caught:
        load_labels(tmp_path)
    assert any(p.startswith(f"{path}:{line}: ") and fragment in p for p in caught.value.problems), (
        caught.value.problems
    )


def test_every_problem_of_every_file_is_listed(tmp_path: Path) -> None:
    write(tmp_path, "a.yaml", GOOD.replace("label: fail", "label: maybe"))
    other = GOOD.replace("task: tf-1", "task: tf-2")
    write(tmp_path, "b.yaml", other.replace("tone.professional: pass", "tone.professional: 3"))
    write(tmp_path, "c.yaml", GOOD)  # the same task as a.yaml: a duplicate
    with pytest.raises(LabelError) as caught:
        load_labels(tmp_path)
    problems = caught.value.problems
    assert len(problems) == 3, problems
    assert f"{tmp_path / 'c.yaml'}:1: task 'tf-1' is already labelled" in problems[2]


def test_empty_or_missing_folder(tmp_path: Path) -> None:
    with pytest.raises(LabelError, match="no label files"):
        load_labels(tmp_path)
    with pytest.raises(LabelError, match="no such folder"):
        load_labels(tmp_path / "absent")


def test_run_folder_keeps_labels(tmp_path: Path) -> None:
    write(tmp_path / "labels", "tf-1.yaml", GOOD)
    labels = load_labels(tmp_path / "labels")
    assert read_run_labels(tmp_path) is None
    write_run_labels(tmp_path, labels)
    assert read_run_labels(tmp_path) == labels
    (tmp_path / "labels.json").write_text("{not json", encoding="utf-8")
    assert read_run_labels(tmp_path) is None


@pytest.mark.parametrize(
    ("written", "counted"),
    [("N/A", "na"), ("n/a", "na"), ("Not applicable", "na"), ("PASS", "pass"),
     ("Passed", "pass"), ("failed", "fail"), ("Partial", "fail")],
)  # fmt: skip
def test_the_spellings_of_a_reviewers_sheet_are_read(
    tmp_path: Path, written: str, counted: str
) -> None:
    text = f'task: tf-1\nresponses:\n  MODEL_RESPONSE:\n    tone.professional: "{written}"\n'
    write(tmp_path, "tf-1.yaml", text)
    (label,) = load_labels(tmp_path)
    assert label.label == counted
