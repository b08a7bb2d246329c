"""Shared fixtures. Corpus tests read ``../shared/corpus`` at run time (never copied here);
they skip on a developer machine without it but FAIL when ``CI`` is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]
SAMPLE_TASK = REPO_ROOT / "responses" / "aws-prod-stack"
SAMPLE_REFERENCE = REPO_ROOT / "reference" / "aws-prod-stack"


def corpus_root() -> Path:
    return Path(os.environ.get("IAC_HARNESS_CORPUS", REPO_ROOT.parent / "shared" / "corpus"))


@pytest.fixture(scope="session")
def corpus() -> Path:
    """Path of the shared corpus (folders ``terraform/`` and ``other/`` of task folders)."""
    root = corpus_root()
    if not (root / "terraform").is_dir():
        message = f"corpus not found at {root} (set IAC_HARNESS_CORPUS)"
        if os.environ.get("CI"):
            pytest.fail(message)
        pytest.skip(message)
    return root


def corpus_tasks(root: Path) -> list[Path]:
    return sorted(
        p for group in ("terraform", "other") for p in (root / group).iterdir() if p.is_dir()
    )


def corpus_markdown(root: Path) -> list[Path]:
    """Every response and ideal response in the corpus."""
    return sorted(
        p
        for task in corpus_tasks(root)
        for p in task.glob("*.md")
        if p.name.startswith(("MODEL_RESPONSE", "IDEAL_RESPONSE"))
    )
