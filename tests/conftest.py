"""Shared fixtures. Corpus tests read ``../shared/corpus`` at run time (never copied here);
they skip on a developer machine without it but FAIL when ``CI`` is set."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

REPO_ROOT = Path(__file__).resolve().parents[1]


@pytest.fixture(autouse=True, scope="session")
def _private_cache(tmp_path_factory: pytest.TempPathFactory) -> None:
    """Every command a test runs caches into a folder of this test session, never into the
    user's cache dir (subprocesses inherit the variable)."""
    os.environ["IAC_HARNESS_CACHE_DIR"] = str(tmp_path_factory.mktemp("cache"))


SAMPLE_TASK = REPO_ROOT / "responses" / "aws-prod-stack"
SAMPLE_REFERENCE = REPO_ROOT / "reference" / "aws-prod-stack"
#: The same task answered in CloudFormation (its ideal is in the task folder).
CFN_SAMPLE_TASK = REPO_ROOT / "responses" / "orders-cfn-stack"

#: The criterion ids issue 5 fixes for the generic rubric (and EXPECTED.yaml must state), with
#: the additions marked.
ISSUE_CRITERIA: tuple[str, ...] = (
    "complete.no_truncation",
    "complete.no_placeholders",
    "complete.promised_files",
    "complete.modules_resolve",
    "complete.syntax_valid",
    "complete.prompt_requirements",  # issue 15: what the prompt asks for
    "naming.random_suffix_resource",
    "naming.suffix_applied",
    "lifecycle.create_before_destroy",
    "lifecycle.ssm_overwrite",
    "security.s3_encryption",
    "security.s3_public_access_block",
    "security.s3_versioning",
    "security.rds_encrypted",
    "security.rds_not_public",
    "security.ebs_encrypted",
    "security.db_ingress_restricted",
    "security.admin_ingress_restricted",  # session 6: SSH / RDP / WinRM open to the internet
    "security.iam_least_privilege",
    "security.password_generation",
    "security.no_hardcoded_secrets",
    "testing.unit_tests",
    "testing.integration_tests",
    "monitoring.alarms",
    "monitoring.alarm_actions",
    "monitoring.sns_subscription",
    "tagging.default_tags",
    "tagging.required_keys",
    "reliability.backend",
    "reliability.version_pins",
    "reliability.outputs",
    "reliability.s3_lifecycle_filter",
    "tone.professional",
    "tone.no_overclaim",
)


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
