"""A packaged (non-editable) install scores from any folder: what users install, not our checkout.

The wheel is built from this checkout and installed into a new virtual environment with
``--no-deps``; the dependencies come from the test environment through a ``.pth`` path entry
(offline and quick), which cannot make the checkout importable: the test asserts that
``harness`` is imported from the new environment's site-packages.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest

from tests.conftest import REPO_ROOT


def _run(args: list[str], cwd: Path, timeout: float = 600) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in {"PYTHONPATH", "VIRTUAL_ENV"}}
    return subprocess.run(
        args, cwd=cwd, env=env, capture_output=True, text=True, check=False, timeout=timeout
    )


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    proc = _run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q",
         "-w", str(out), str(REPO_ROOT)],
        cwd=out,
    )  # fmt: skip
    assert proc.returncode == 0, proc.stderr
    (found,) = out.glob("iac_harness-*.whl")
    return found


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A fresh venv holding the wheel; returns its ``iac-harness`` script."""
    env_dir = tmp_path_factory.mktemp("venv")
    venv.create(env_dir, with_pip=True)
    python = env_dir / "bin" / "python"
    proc = _run([str(python), "-m", "pip", "install", "-q", "--no-deps", str(wheel)], cwd=env_dir)
    assert proc.returncode == 0, proc.stderr
    site = _run([str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                cwd=env_dir).stdout.strip()  # fmt: skip
    (Path(site) / "test-deps.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")
    where = _run([str(python), "-c", "import harness; print(harness.__file__)"], cwd=env_dir)
    assert where.stdout.strip().startswith(site), where.stdout + where.stderr
    return env_dir / "bin" / "iac-harness"


def test_wheel_ships_rubrics_lexicon_and_sample(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for shipped in (
        "harness/data/rubrics/terraform-aws-production.yaml",
        "harness/data/rubrics/aws-prod-stack.yaml",
        "harness/data/tone_lexicon.yaml",
        "harness/data/sample/responses/aws-prod-stack/MODEL_RESPONSE.md",
        "harness/data/sample/reference/aws-prod-stack/IDEAL_RESPONSE.md",
        "harness/data/sample/reference/aws-prod-stack/main.tf",
        "harness/report/static/report.css",
    ):
        assert shipped in names, shipped


def test_installed_wheel_scores_the_bundled_sample(installed: Path, tmp_path: Path) -> None:
    proc = _run([str(installed), "score", "-o", "run"], cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    info = json.loads((tmp_path / "run" / "run.json").read_text())
    assert info["rubric"]["id"] == "aws-prod-stack"
    assert info["counts"]["responses"] >= 5 and info["counts"]["errors"] == 0
    assert (tmp_path / "run" / "report" / "index.html").is_file()


def test_installed_wheel_scores_a_corpus_task(
    installed: Path, corpus: Path, tmp_path: Path
) -> None:
    task = sorted((corpus / "terraform").iterdir())[0]
    command = [str(installed), "score", str(task), "-o", "run", "--no-report", "-q"]
    proc = _run(command, cwd=tmp_path)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    info = json.loads((tmp_path / "run" / "run.json").read_text())
    assert info["rubric"]["id"] == "terraform-aws-production"
    assert info["counts"]["responses"] >= 2 and info["counts"]["errors"] == 0
