"""Lint, format and type checks run as part of the test suite (one test command for all)."""

from __future__ import annotations

import subprocess
import sys

from tests.conftest import REPO_ROOT


def _run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(args, cwd=REPO_ROOT, capture_output=True, text=True, check=False)


def test_ruff_lint() -> None:
    proc = _run(sys.executable, "-m", "ruff", "check", "harness", "tests", "benchmarks")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format() -> None:
    proc = _run(sys.executable, "-m", "ruff", "format", "--check", "harness", "tests", "benchmarks")
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_strict_on_harness() -> None:
    proc = _run(sys.executable, "-m", "mypy", "harness")
    assert proc.returncode == 0, proc.stdout + proc.stderr
