"""findings.sarif validates against the official SARIF 2.1.0 schema and points at real lines."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlparse

import jsonschema
import pytest

from harness.checks.registry import load_checks
from harness.report.model import source_key
from harness.report.sarif import safe_relpath
from harness.results import CriterionStatus, RunData
from harness.store import load_run
from tests.conftest import REPO_ROOT
from tests.report.synthetic import synthetic_run

SCHEMA = json.loads((REPO_ROOT / "tests" / "data" / "sarif-schema-2.1.0.json").read_text())
# RFC 3986 characters; jsonschema checks "uri" formats only with an optional package installed
_URI_CHARS = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]*$")


def _format_checker() -> jsonschema.FormatChecker:
    checker = jsonschema.FormatChecker()

    @checker.checks("uri-reference")
    def _uri_reference(value: object) -> bool:
        return isinstance(value, str) and bool(_URI_CHARS.match(value))

    @checker.checks("uri")
    def _uri(value: object) -> bool:
        return (
            isinstance(value, str)
            and bool(_URI_CHARS.match(value))
            and bool(urlparse(value).scheme)
        )

    return checker


def validate(log: dict[str, Any]) -> None:
    jsonschema.Draft4Validator.check_schema(SCHEMA)
    validator = jsonschema.Draft4Validator(SCHEMA, format_checker=_format_checker())
    errors = sorted(validator.iter_errors(log), key=lambda e: list(e.path))
    assert not errors, "\n".join(f"{list(e.path)}: {e.message[:200]}" for e in errors[:10])


@pytest.fixture(scope="module")
def log(synthetic_dir: Path) -> dict[str, Any]:
    return json.loads((synthetic_dir / "findings.sarif").read_text(encoding="utf-8"))


def test_the_schema_is_the_published_one() -> None:
    assert SCHEMA["title"] == "Static Analysis Results Format (SARIF) Version 2.1.0 JSON Schema"
    assert SCHEMA["id"].endswith("/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json")
    assert len(SCHEMA["definitions"]) == 52


def test_validates_against_the_sarif_schema(log: dict[str, Any]) -> None:
    validate(log)
    assert log["version"] == "2.1.0"


def test_a_broken_log_does_not_validate(log: dict[str, Any]) -> None:
    broken = json.loads(json.dumps(log))
    broken["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(AssertionError):
        validate(broken)


def test_results_are_the_failed_and_partial_criteria(
    log: dict[str, Any], synthetic_dir: Path
) -> None:
    run: RunData = load_run(synthetic_dir)
    results = log["runs"][0]["results"]
    expected = sum(
        max(1, sum(1 for f in c.findings if f.status.value == "fail"))
        for r in run.responses
        for c in r.criteria
        if c.status in (CriterionStatus.FAIL, CriterionStatus.PARTIAL)
    )
    assert len(results) == expected > 0
    rule_ids = [rule["id"] for rule in log["runs"][0]["tool"]["driver"]["rules"]]
    assert rule_ids == [c.id for c in run.info.rubric.criteria]
    assert {r["ruleId"] for r in results} <= set(rule_ids)
    assert {r["properties"]["criterionStatus"] for r in results} == {"fail", "partial"}
    levels = {r["ruleId"]: r["level"] for r in results}
    assert levels["security.iam_least_privilege"] == "error"  # critical
    assert levels["tone.professional"] == "note"  # low


def test_check_errors_are_tool_notifications(log: dict[str, Any]) -> None:
    invocation = log["runs"][0]["invocations"][0]
    rules = [
        n.get("associatedRule", {}).get("id") for n in invocation["toolExecutionNotifications"]
    ]
    assert "security.custom" in rules  # the hostile response's check raised
    assert all(r["ruleId"] != "security.custom" for r in log["runs"][0]["results"])


def test_locations_point_at_extracted_lines(log: dict[str, Any], synthetic_dir: Path) -> None:
    base = log["runs"][0]["originalUriBaseIds"]["EXTRACTED"]["uri"]
    root = Path(unquote(urlparse(base).path))
    assert root == (synthetic_dir / "extracted").resolve()
    located = 0
    for result in log["runs"][0]["results"]:
        for location in result["locations"]:
            physical = location["physicalLocation"]
            artifact = physical["artifactLocation"]
            if artifact.get("uriBaseId") != "EXTRACTED":
                continue
            path = root / unquote(artifact["uri"])
            assert path.is_file(), path
            region = physical["region"]
            lines = path.read_text(encoding="utf-8").split("\n")
            assert (
                1 <= region["startLine"] <= region.get("endLine", region["startLine"]) <= len(lines)
            )
            assert lines[region["startLine"] - 1].strip() in region["snippet"]["text"]
            located += 1
    assert located >= 5
    for path in (synthetic_dir / "extracted").rglob("*"):
        assert path.resolve().is_relative_to((synthetic_dir / "extracted").resolve())


def test_rule_help_comes_from_the_check_docs(log: dict[str, Any]) -> None:
    specs = load_checks()
    rules = {r["id"]: r for r in log["runs"][0]["tool"]["driver"]["rules"]}
    documented = [rid for rid in rules if rid in specs and specs[rid].doc]
    assert documented, "no synthetic criterion names a registered check"
    for rid in documented:
        assert specs[rid].section("What it checks") in rules[rid]["help"]["text"]
        assert rules[rid]["fullDescription"]["text"] == specs[rid].section("What it checks")


def test_unsafe_paths_are_never_written() -> None:
    for bad in ("../x.tf", "/etc/passwd", "a/../../b", "", "a\\b", "a/./b", "x\x00y"):
        assert safe_relpath(bad) is None, bad
    assert str(safe_relpath("modules/vpc/main.tf")) == "modules/vpc/main.tf"


def test_sample_run_log_validates(sample_dir: Path) -> None:
    validate(json.loads((sample_dir / "findings.sarif").read_text(encoding="utf-8")))


def test_identical_files_are_extracted_once(log: dict[str, Any], synthetic_dir: Path) -> None:
    """An overlay's carried-over files (same content) share one copy under extracted/, every
    response's results point at it, and only the files some result points at are written."""
    run = synthetic_run()
    files = [
        f
        for r in run.responses
        if r.tree is not None
        for f in r.tree.files
        if safe_relpath(f.path) is not None
    ]
    distinct = {source_key(f) for f in files}
    assert len(distinct) < len(files)  # the fixture must exercise the dedupe
    root = synthetic_dir / "extracted"
    written = {p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file()}
    pointed_at = {
        unquote(location["physicalLocation"]["artifactLocation"]["uri"])
        for result in log["runs"][0]["results"]
        for location in result["locations"]
        if location["physicalLocation"]["artifactLocation"].get("uriBaseId") == "EXTRACTED"
    }
    assert written == pointed_at
    assert len(written) < len(distinct)  # a file no result names is left out
    copies = [(root / rel).read_text(encoding="utf-8") for rel in written]
    assert len(set(copies)) == len(copies)  # and no content twice
    assert set(copies) <= {f.content for f in files}


def test_the_log_is_written_as_json_dumps_writes_it_and_never_fails_on_odd_text() -> None:
    """pydantic-core encodes the log: the same document as the json module's compact UTF-8
    (non-ASCII kept, control characters escaped); a lone surrogate, which UTF-8 cannot
    carry, is written escaped rather than failing the report."""
    from harness.report.sarif import log_json

    log = {
        "runs": [{"results": [{"message": {"text": 'é 😀 \u2028 \x1f \x7f "q" \\ </script>'}}]}],
        "n": [1, 2.5, 0.0001, 66.66666666666667, True, None],
    }
    assert log_json(log) == json.dumps(log, separators=(",", ":"), ensure_ascii=False).encode()
    odd = {"text": "half \ud800 a pair"}
    assert json.loads(log_json(odd)) == odd
