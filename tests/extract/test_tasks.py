"""Task folders and the turn rule."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.tasks import TaskError, discover_tasks, load_task
from tests.extract.helpers import FIXTURES


def test_multi_turn_task() -> None:
    task = load_task(FIXTURES / "task_multiturn")
    assert task.task_id == "task_multiturn"
    assert [p.name for p in task.prompts] == ["PROMPT.md", "PROMPT2.md"]
    assert [(r.response_id, r.turn) for r in task.responses] == [
        ("MODEL_RESPONSE", 1),
        ("MODEL_RESPONSE2", 2),
    ]
    assert task.ideal is not None and task.ideal.name == "IDEAL_RESPONSE.md"
    assert task.failures is not None and task.metadata["turn_type"] == "multi"
    second = task.response("MODEL_RESPONSE2")
    assert [r.response_id for r in task.chain(second)] == ["MODEL_RESPONSE", "MODEL_RESPONSE2"]
    assert [r.response_id for r in task.chain(task.responses[0])] == ["MODEL_RESPONSE"]


def test_prompt1_numbers_the_follow_up() -> None:
    task = load_task(FIXTURES / "task_prompt1")
    assert [(r.response_id, r.turn) for r in task.responses] == [
        ("MODEL_RESPONSE", 1),
        ("MODEL_RESPONSE1", 2),
    ]


def test_responses_without_their_prompt_are_independent(tmp_path: Path) -> None:
    for name in ("PROMPT.md", "MODEL_RESPONSE.md", "MODEL_RESPONSE2.md", "MODEL_RESPONSE3.md"):
        (tmp_path / name).write_text("x\n")
    (tmp_path / "PROMPT3.md").write_text("follow-up\n")
    task = load_task(tmp_path)
    assert [(r.response_id, r.turn) for r in task.responses] == [
        ("MODEL_RESPONSE", 1),
        ("MODEL_RESPONSE2", 1),
        ("MODEL_RESPONSE3", 2),
    ]
    assert [r.response_id for r in task.chain(task.responses[2])] == [
        "MODEL_RESPONSE2",
        "MODEL_RESPONSE3",
    ]


def test_discover_a_task_a_folder_of_tasks_and_groups(tmp_path: Path) -> None:
    assert [t.task_id for t in discover_tasks(FIXTURES / "task_multiturn")] == ["task_multiturn"]
    for group, name in (("terraform", "t1"), ("terraform", "t2"), ("other", "o1")):
        (tmp_path / "corpus" / group / name).mkdir(parents=True)
        (tmp_path / "corpus" / group / name / "MODEL_RESPONSE.md").write_text("x\n")
    assert [t.task_id for t in discover_tasks(tmp_path / "corpus")] == ["o1", "t1", "t2"]
    assert [t.task_id for t in discover_tasks(tmp_path / "corpus" / "terraform")] == ["t1", "t2"]


def test_unusable_input_gives_one_line_errors(tmp_path: Path) -> None:
    with pytest.raises(TaskError, match="not a directory"):
        load_task(tmp_path / "missing")
    with pytest.raises(TaskError, match="no MODEL_RESPONSE"):
        load_task(tmp_path)
    with pytest.raises(TaskError, match="no task folders"):
        discover_tasks(tmp_path)
    (tmp_path / "MODEL_RESPONSE.md").write_text("x\n")
    (tmp_path / "metadata.json").write_text("{broken")
    with pytest.raises(TaskError) as caught:
        load_task(tmp_path)
    assert "metadata.json" in str(caught.value) and "\n" not in str(caught.value)


def test_follow_up_builds_on_its_own_conversation(tmp_path: Path) -> None:
    # like the bundled sample: MODEL_RESPONSE2 follows up MODEL_RESPONSE; 3 and 4 are
    # further independent answers to PROMPT.md
    for name in ("PROMPT.md", "PROMPT2.md", *(f"MODEL_RESPONSE{n}.md" for n in ("", 2, 3, 4))):
        (tmp_path / name).write_text("x\n")
    task = load_task(tmp_path)
    assert [(r.response_id, r.turn) for r in task.responses] == [
        ("MODEL_RESPONSE", 1),
        ("MODEL_RESPONSE2", 2),
        ("MODEL_RESPONSE3", 1),
        ("MODEL_RESPONSE4", 1),
    ]
    chain = task.chain(task.response("MODEL_RESPONSE2"))
    assert [r.response_id for r in chain] == ["MODEL_RESPONSE", "MODEL_RESPONSE2"]
