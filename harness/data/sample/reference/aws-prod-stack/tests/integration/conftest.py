"""Fixtures for integration tests against the deployed stack.

The tests read the stack's real outputs, then ask AWS (boto3) whether the deployed resources
match them. Outputs come from `$TF_OUTPUTS_FILE` (a saved `terraform output -json`, as CI
pipelines keep it) or from running `terraform output -json` in the stack directory. Without
a deployed stack the whole module is skipped, never silently passed.
"""

from __future__ import annotations

import json
import os
import subprocess
from pathlib import Path
from typing import Any

import pytest

STACK_ROOT = Path(__file__).resolve().parents[2]


def _raw_outputs() -> dict[str, Any]:
    saved = os.environ.get("TF_OUTPUTS_FILE")
    if saved:
        return json.loads(Path(saved).read_text(encoding="utf-8"))
    try:
        completed = subprocess.run(
            ["terraform", "output", "-json"],
            cwd=STACK_ROOT,
            check=True,
            capture_output=True,
            text=True,
            timeout=120,
        )
    except (OSError, subprocess.CalledProcessError, subprocess.TimeoutExpired) as error:
        pytest.skip(f"stack outputs unavailable: {error}")
    return json.loads(completed.stdout or "{}")


@pytest.fixture(scope="session")
def outputs() -> dict[str, Any]:
    """Output values by name (`terraform output -json` wraps each in {"value": ...})."""
    raw = _raw_outputs()
    if not raw:
        pytest.skip("the stack has no outputs: deploy it with terraform apply first")
    return {
        name: item["value"] if isinstance(item, dict) and "value" in item else item
        for name, item in raw.items()
    }


@pytest.fixture(scope="session")
def aws_session(outputs: dict[str, Any]) -> Any:
    boto3 = pytest.importorskip("boto3")
    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION") or "eu-west-1"
    return boto3.session.Session(region_name=region)
