"""A worker reads each prompt file once per batch, however many turns list it."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.prompt import Requirement, read_prompt_file, read_prompts
from harness.rubric import load_rubric
from harness.run import units
from harness.run.units import BatchSettings, WorkerState


def test_each_prompt_file_is_read_once(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    turns = []
    for n, text in enumerate(
        ["Deploy an RDS database in us-east-1.", "Add an S3 bucket.", "Add a KMS key."], start=1
    ):
        path = tmp_path / ("PROMPT.md" if n == 1 else f"PROMPT{n}.md")
        path.write_text(text, encoding="utf-8")
        turns.append(path)
    reads: list[str] = []

    def counted(path: Path, name: str | None = None) -> tuple[Requirement, ...]:
        reads.append(path.name)
        return read_prompt_file(path, name)

    monkeypatch.setattr(units, "read_prompt_file", counted)
    state = WorkerState(BatchSettings(load_rubric("terraform-aws-production")))
    for upto in (1, 2, 3, 1, 3):  # each turn's prompts, then the ideal's (all of them)
        paths = tuple(turns[:upto])
        assert state._read_prompts(paths) == read_prompts(paths)
    assert sorted(reads) == ["PROMPT.md", "PROMPT2.md", "PROMPT3.md"]


def test_a_changed_prompt_is_read_again(tmp_path: Path) -> None:
    prompt = tmp_path / "PROMPT.md"
    prompt.write_text("Deploy an RDS database.", encoding="utf-8")
    state = WorkerState(BatchSettings(load_rubric("terraform-aws-production")))
    assert [r.key for r in state._read_prompts((prompt,))] == ["service:rds"]
    prompt.write_text("Deploy an S3 bucket.", encoding="utf-8")
    assert [r.key for r in state._read_prompts((prompt,))] == ["service:s3"]
