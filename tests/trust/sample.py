"""The bundled sample scored for the trust tests (shared by tests/trust and the browser tests
in tests/report)."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import REPO_ROOT, SAMPLE_REFERENCE

SAMPLE_RUBRIC = REPO_ROOT / "rubrics" / "aws-prod-stack.yaml"
DISABLED = "tone.no_overclaim"
REWEIGHTED = "security.iam_least_privilege"


def score(task: Path, rubric: Path, out: Path) -> Path:
    """Score ``task`` with ``rubric`` (the sample's reference tree) into ``out``."""
    from harness.run import score_paths

    score_paths([task], rubric, out, reference_dir=SAMPLE_REFERENCE)
    return out
