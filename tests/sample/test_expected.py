"""EXPECTED.yaml states a status for every criterion of every response, and the statuses that
lower layers can decide on their own (truncation, syntax, promised files, static validation)
agree with what extraction and the Terraform model find."""

from __future__ import annotations

import functools
from typing import Any

import pygohcl
import pytest
import yaml

from harness.extract.types import FileTree
from harness.rubric import load_rubric
from harness.terraform import build
from harness.vocabulary import Severity
from tests.conftest import REPO_ROOT
from tests.sample.sample import (
    CRITERIA,
    EXPECTED_FILE,
    REFERENCE_CRITERIA,
    SOURCES,
    TASK_CRITERIA,
)
from tests.sample.test_extraction import tree_of

STATUSES = {"pass", "fail", "na"}


@functools.cache
def expected() -> dict[str, Any]:
    data: dict[str, Any] = yaml.safe_load(EXPECTED_FILE.read_text(encoding="utf-8"))
    return data


@functools.cache
def tree(response_id: str) -> FileTree:
    return tree_of(response_id)


def status(response_id: str, criterion: str) -> str:
    return str(expected()["responses"][response_id][criterion]["status"])


def test_expected_covers_every_response_and_criterion() -> None:
    data = expected()
    assert data["version"] == 1
    assert set(data["responses"]) == set(SOURCES)
    for response_id, criteria in data["responses"].items():
        assert list(criteria) == [*CRITERIA, *TASK_CRITERIA, *REFERENCE_CRITERIA], response_id
        for criterion, entry in criteria.items():
            where = f"{response_id} {criterion}"
            assert set(entry) == {"status", "reason"}, where
            assert entry["status"] in STATUSES, where
            reason = entry["reason"]
            assert isinstance(reason, str) and reason.strip() and "\n" not in reason, where


def test_ranking_names_every_response_once_with_the_ideal_first() -> None:
    ranking = expected()["ranking"]
    assert sorted(ranking) == sorted(SOURCES)
    assert len(ranking) == len(set(ranking))
    assert ranking[0] == "IDEAL_RESPONSE"


def test_ideal_passes_everything() -> None:
    everything = (*CRITERIA, *TASK_CRITERIA, *REFERENCE_CRITERIA)
    assert {status("IDEAL_RESPONSE", c) for c in everything} == {"pass"}


def test_criteria_match_the_rubrics() -> None:
    generic = load_rubric("terraform-aws-production")
    assert {c.id for c in generic.criteria} == {*CRITERIA, *REFERENCE_CRITERIA}
    task = load_rubric(REPO_ROOT / "rubrics" / "aws-prod-stack.yaml")
    assert {c.id for c in task.criteria} == {*CRITERIA, *TASK_CRITERIA, *REFERENCE_CRITERIA}


@pytest.mark.parametrize("response_id", sorted(SOURCES))
def test_truncation_status_matches_extraction(response_id: str) -> None:
    want = "fail" if tree(response_id).truncated else "pass"
    assert status(response_id, "complete.no_truncation") == want


@pytest.mark.parametrize("response_id", sorted(SOURCES))
def test_syntax_status_matches_hashicorps_parser(response_id: str) -> None:
    def parses(text: str) -> bool:
        try:
            pygohcl.loads(text)
        except Exception:
            return False
        return True

    files = [f for f in tree(response_id) if f.path.endswith((".tf", ".tftest.hcl"))]
    want = "pass" if all(parses(f.content) for f in files) else "fail"
    assert status(response_id, "complete.syntax_valid") == want


@pytest.mark.parametrize("response_id", sorted(SOURCES))
def test_promised_files_status_matches_the_drawing(response_id: str) -> None:
    t = tree(response_id)
    missing = [p for p in t.promised_files if t.get(p) is None]
    want = "na" if not t.promised_files else ("fail" if missing else "pass")
    assert status(response_id, "complete.promised_files") == want


@pytest.mark.parametrize("response_id", sorted(SOURCES))
def test_modules_resolve_status_matches_static_validation(response_id: str) -> None:
    config = build(tree(response_id))
    errors = [
        d for d in config.diagnostics if d.severity is Severity.ERROR and d.code != "syntax_error"
    ]
    want = "fail" if errors else "pass"
    assert status(response_id, "complete.modules_resolve") == want, errors[:3]
