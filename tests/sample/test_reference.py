"""The reference implementation is valid Terraform, validates cleanly, and IDEAL_RESPONSE.md
presents exactly the tree on disk."""

from __future__ import annotations

import functools
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pygohcl
import pytest

from harness.extract import extract, tree_from_directory
from harness.terraform import build, trace
from harness.terraform.model import Configuration
from harness.vocabulary import Severity
from tests.conftest import SAMPLE_REFERENCE
from tests.sample.sample import IDEAL

MODULES = ("networking", "storage", "database", "compute", "monitoring")
HCL_FILES = sorted(
    p for p in SAMPLE_REFERENCE.rglob("*") if p.suffix == ".tf" or p.name.endswith(".tftest.hcl")
)


@functools.cache
def _config() -> Configuration:
    return build(tree_from_directory(SAMPLE_REFERENCE))


def _disk_files() -> dict[str, str]:
    tree = tree_from_directory(SAMPLE_REFERENCE)
    return {f.path: f.content for f in tree if f.path != IDEAL.name}


def test_reference_has_root_modules_and_tests() -> None:
    names = {p.relative_to(SAMPLE_REFERENCE).as_posix() for p in HCL_FILES}
    assert {"versions.tf", "providers.tf", "main.tf", "variables.tf", "outputs.tf"} <= names
    for module in MODULES:
        for file_name in ("main.tf", "variables.tf", "outputs.tf"):
            assert f"modules/{module}/{file_name}" in names
    assert (SAMPLE_REFERENCE / "tests" / "stack.tftest.hcl").is_file()
    assert list((SAMPLE_REFERENCE / "tests" / "unit").glob("test_*.py"))
    assert list((SAMPLE_REFERENCE / "tests" / "integration").glob("test_*.py"))


@pytest.mark.parametrize(
    "path", HCL_FILES, ids=[p.relative_to(SAMPLE_REFERENCE).as_posix() for p in HCL_FILES]
)
def test_every_hcl_file_parses_with_hashicorps_parser(path: Path) -> None:
    pygohcl.loads(path.read_text(encoding="utf-8"))


def test_reference_builds_without_diagnostics() -> None:
    config = _config()
    problems = [d for d in config.diagnostics if d.severity is not Severity.INFO]
    assert problems == []
    root = config.root_module
    assert root.path == ""
    assert {call.name: call.resolved for call in root.calls} == {
        name: f"modules/{name}" for name in MODULES
    }
    assert all(source.valid for source in config.files.values())


@pytest.mark.parametrize(
    ("module", "address", "attribute"),
    [
        ("modules/compute", "aws_iam_role.app", "name"),
        ("modules/networking", "aws_iam_role.flow_logs", "name"),
        ("modules/database", "aws_db_subnet_group.this", "name"),
        ("modules/database", "aws_ssm_parameter.master_password", "name"),
        ("modules/monitoring", "aws_sns_topic.alerts", "name"),
        ("modules/monitoring", "aws_cloudwatch_metric_alarm.rds_cpu_high", "alarm_name"),
    ],
)
def test_reference_names_trace_to_the_random_suffix(
    module: str, address: str, attribute: str
) -> None:
    config = _config()
    resource = config.modules[module].resource(address)
    assert resource is not None, address
    expr = resource.block.get(attribute)
    assert expr is not None, f"{address}.{attribute}"
    assert trace(config, expr, module).reaches_type("random_id") is not None


def test_ideal_response_presents_the_tree_on_disk() -> None:
    tree = extract(IDEAL)
    disk = _disk_files()
    extracted = {f.path: f.content for f in tree}
    assert sorted(extracted) == sorted(disk)
    for path, content in disk.items():
        assert extracted[path].rstrip("\n") == content.rstrip("\n"), path
    assert not tree.truncated
    assert sorted(tree.promised_files) == sorted(disk)
    assert not [d for d in tree.diagnostics if d.severity is not Severity.INFO]


def test_reference_unit_tests_pass() -> None:
    """The reference's own pytest unit tests (python-hcl2 over the HCL) stay green."""
    pytest.importorskip("hcl2")
    env = dict(os.environ, PYTHONDONTWRITEBYTECODE="1")
    result = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "tests/unit"],
        cwd=SAMPLE_REFERENCE,
        capture_output=True,
        text=True,
        timeout=300,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:] + result.stderr[-2000:]
    assert " passed" in result.stdout


@pytest.mark.skipif(shutil.which("terraform") is None, reason="terraform binary not installed")
def test_reference_is_terraform_fmt_clean() -> None:
    env = dict(os.environ, TF_CLI_CONFIG_FILE=os.devnull, CHECKPOINT_DISABLE="1")
    result = subprocess.run(
        ["terraform", "fmt", "-check", "-recursive", "-diff", "."],
        cwd=SAMPLE_REFERENCE,
        capture_output=True,
        text=True,
        timeout=120,
        env=env,
        check=False,
    )
    assert result.returncode == 0, result.stdout[-3000:]
