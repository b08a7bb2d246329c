"""Load the Terraform configuration with python-hcl2 for static unit tests.

python-hcl2 keeps the quotes of string values and block labels in some releases and drops them
in others; `unquote` normalises both so the tests read the same on every version.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import hcl2
import pytest

STACK_ROOT = Path(__file__).resolve().parents[2]
MODULES = ("networking", "storage", "database", "compute", "monitoring")


def unquote(value: Any) -> Any:
    if isinstance(value, str) and len(value) >= 2 and value[0] == value[-1] == '"':
        return value[1:-1]
    if isinstance(value, dict):
        return {unquote(k): unquote(v) for k, v in value.items() if k != "__is_block__"}
    if isinstance(value, list):
        return [unquote(v) for v in value]
    return value


def load_dir(directory: Path) -> dict[str, list[Any]]:
    """Merge the top-level blocks of every .tf file in one directory."""
    merged: dict[str, list[Any]] = {}
    for path in sorted(directory.glob("*.tf")):
        with path.open(encoding="utf-8") as handle:
            parsed = unquote(hcl2.load(handle))
        for key, blocks in parsed.items():
            merged.setdefault(key, []).extend(blocks)
    return merged


def resources(config: dict[str, list[Any]], resource_type: str) -> dict[str, dict[str, Any]]:
    """Resources of one type as {name: body}."""
    found: dict[str, dict[str, Any]] = {}
    for block in config.get("resource", []):
        for rtype, by_name in block.items():
            if rtype == resource_type:
                found.update(by_name)
    return found


def lifecycle_of(body: dict[str, Any]) -> dict[str, Any]:
    blocks = body.get("lifecycle", [])
    return blocks[0] if blocks else {}


@pytest.fixture(scope="session")
def root() -> dict[str, list[Any]]:
    return load_dir(STACK_ROOT)


@pytest.fixture(scope="session")
def modules() -> dict[str, dict[str, list[Any]]]:
    return {name: load_dir(STACK_ROOT / "modules" / name) for name in MODULES}
