"""Each sample response extracts to the tree its author intended."""

from __future__ import annotations

import pygohcl
import pytest

from harness.extract import extract, overlay
from harness.extract.types import FileTree
from harness.tasks import load_task
from harness.vocabulary import Severity
from tests.conftest import SAMPLE_TASK
from tests.sample.sample import INTENDED, PROMISED_MISSING, SOURCES


def tree_of(response_id: str) -> FileTree:
    trees = [extract(path, response_id=path.stem) for path in SOURCES[response_id]]
    return overlay(trees) if len(trees) > 1 else trees[0]


def parses(content: str) -> bool:
    try:
        pygohcl.loads(content)
    except Exception:  # pygohcl raises its own HCLParseError
        return False
    return True


@pytest.mark.parametrize("response_id", sorted(INTENDED))
def test_response_extracts_to_the_intended_paths_and_conventions(response_id: str) -> None:
    tree = tree_of(response_id)
    assert [f.path for f in tree] == [path for path, _ in INTENDED[response_id]]
    assert [f.origin.naming.convention for f in tree] == [c for _, c in INTENDED[response_id]]


@pytest.mark.parametrize("response_id", sorted(PROMISED_MISSING))
def test_promised_but_missing_files(response_id: str) -> None:
    tree = tree_of(response_id)
    missing = [p for p in tree.promised_files if tree.get(p) is None]
    assert missing == PROMISED_MISSING[response_id]


def test_response_1_is_cut_off_inside_the_database_module() -> None:
    tree = tree_of("MODEL_RESPONSE")
    assert tree.truncated
    truncations = [d for d in tree.diagnostics if d.code == "truncated"]
    assert len(truncations) == 1
    assert "modules/database/main.tf" in truncations[0].message
    last = tree.files[-1]
    assert last.path == "modules/database/main.tf"
    assert last.origin.end_line == len(SOURCES["MODEL_RESPONSE"][0].read_text().splitlines())
    assert last.content.rstrip().endswith("value       = var.db_")
    assert 'resource "aws_ssm_parameter" "db_password" {' in last.content
    # Only the cut file is broken: everything before the cut is valid HCL.
    broken = [f.path for f in tree if f.path.endswith(".tf") and not parses(f.content)]
    assert broken == ["modules/database/main.tf"]


@pytest.mark.parametrize(
    "response_id", ["MODEL_RESPONSE2", "MODEL_RESPONSE3", "MODEL_RESPONSE4", "IDEAL_RESPONSE"]
)
def test_complete_responses_are_closed_and_parse(response_id: str) -> None:
    tree = tree_of(response_id)
    assert not tree.truncated
    assert not [d for d in tree.diagnostics if d.code == "truncated"]
    hcl = [f for f in tree if f.path.endswith((".tf", ".tftest.hcl"))]
    assert hcl
    assert [f.path for f in hcl if not parses(f.content)] == []


def test_follow_up_overlay_replaces_the_cut_file() -> None:
    first, second = tree_of("MODEL_RESPONSE"), tree_of("MODEL_RESPONSE2")
    combined = tree_of("MODEL_RESPONSE2+overlay")
    assert sorted(combined.paths) == sorted(first.paths)
    assert not combined.truncated
    for f in combined:
        expected = second.get(f.path) or first.get(f.path)
        assert expected is not None
        assert f.content == expected.content, f.path
        assert f.origin.carried_over == (second.get(f.path) is None), f.path
    assert set(combined.promised_files) == set(first.promised_files)
    database = combined.get("modules/database/main.tf")
    assert database is not None and "same as before" in database.content


def test_reasoning_trace_is_kept_apart_from_the_answer() -> None:
    tree = tree_of("MODEL_RESPONSE3")
    reasoning = "\n".join(span.text for span in tree.reasoning)
    assert "gonna" in reasoning
    assert "### Answer" not in tree.prose_text
    assert "gonna" not in tree.prose_text
    assert "production-ready" in tree.prose_text


def test_shell_transcripts_and_drawings_are_not_files() -> None:
    tree = tree_of("IDEAL_RESPONSE")
    assert not any(f.language in ("bash", "shell", "console", "text") for f in tree)
    assert not [d for d in tree.diagnostics if d.severity is Severity.ERROR]


def test_task_layout_marks_response_2_as_the_follow_up() -> None:
    task = load_task(SAMPLE_TASK)
    assert task.task_id == "aws-prod-stack"
    turns = {r.response_id: r.turn for r in task.responses}
    assert turns == {
        "MODEL_RESPONSE": 1,
        "MODEL_RESPONSE2": 2,
        "MODEL_RESPONSE3": 1,
        "MODEL_RESPONSE4": 1,
    }
    assert [p.name for p in task.prompts] == ["PROMPT.md", "PROMPT2.md"]
