"""Runs of the bundled sample for the trust tests: the shipped task rubric, and a variant that
disables one criterion and changes one weight (same rubric id, title and version, so the
rubric difference is exactly those two)."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.conftest import SAMPLE_TASK
from tests.trust.sample import DISABLED, REWEIGHTED, SAMPLE_RUBRIC, score


@pytest.fixture(scope="session")
def variant_rubric(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("rubric") / "variant.yaml"
    path.write_text(
        "id: aws-prod-stack\n"
        'version: "1.0"\n'
        "title: Orders service production stack (bundled sample)\n"
        f"extends: {SAMPLE_RUBRIC}\n"
        "criteria:\n"
        f"  - id: {DISABLED}\n"
        "    disabled: true\n"
        f"  - id: {REWEIGHTED}\n"
        "    weight: 5\n",
        encoding="utf-8",
    )
    return path


@pytest.fixture(scope="session")
def run_a(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bundled sample scored with its shipped rubric."""
    return score(SAMPLE_TASK, SAMPLE_RUBRIC, tmp_path_factory.mktemp("run-a"))


@pytest.fixture(scope="session")
def run_b(tmp_path_factory: pytest.TempPathFactory, variant_rubric: Path) -> Path:
    """The bundled sample scored with the variant rubric."""
    return score(SAMPLE_TASK, variant_rubric, tmp_path_factory.mktemp("run-b"))
