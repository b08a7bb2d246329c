"""complete.prompt_requirements on its fixtures: exactly which requirements pass and fail."""

from __future__ import annotations

import dataclasses
import re

from harness.checks.complete import prompt_requirements as module
from harness.checks.registry import get_check
from harness.prompt import read_prompts
from harness.vocabulary import PROMPT_SOURCE, Status
from tests.checks.fixtures import FIXTURES, context_for, subjects

CHECK = "complete.prompt_requirements"
FOLDER = FIXTURES / CHECK
ALL = {
    "region:us-east-1",
    "service:rds",
    "service:s3",
    "instance_class:db.t3.micro",
    "multi_az:database",
    "encryption_at_rest:",
    "output:db_endpoint",
    "output:bucket_name",
}


def run(fixture: str, **params: object) -> list:  # type: ignore[type-arg]
    spec = get_check(CHECK)
    ctx = dataclasses.replace(
        context_for(FOLDER / fixture), prompt=read_prompts([FOLDER / "PROMPT.md"])
    )
    return list(spec.func(ctx, spec.parse_params(params)))


def test_everything_met_in_terraform_and_cloudformation() -> None:
    assert subjects(run("pass_everything.tf"), Status.PASS) == ALL
    cfn = run("pass_cloudformation.yaml")
    assert subjects(cfn, Status.FAIL) == set()
    # a template names no region: the deployment decides
    assert subjects(cfn, Status.NA) == {"region:us-east-1"}


def test_missing_requirements_fail_citing_the_prompt() -> None:
    findings = run("fail_missing_database.tf")
    assert subjects(findings, Status.FAIL) == {
        "region:us-east-1",
        "service:rds",
        "instance_class:db.t3.micro",
        "multi_az:database",
        "encryption_at_rest:",
        "output:db_endpoint",
    }
    assert subjects(findings, Status.PASS) == {"service:s3", "output:bucket_name"}
    rds = next(f for f in findings if f.subject == "service:rds")
    assert rds.evidence[0].source == PROMPT_SOURCE
    assert rds.evidence[0].location() == "PROMPT.md:3"
    assert "us-west-2 but not us-east-1" in next(
        f.message for f in findings if f.subject == "region:us-east-1"
    )


def test_cloudformation_failures_name_cloudformation_types() -> None:
    findings = run("fail_cloudformation_no_bucket.yaml")
    bucket = next(f for f in findings if f.subject == "service:s3")
    assert bucket.status is Status.FAIL and "AWS::S3::Bucket" in bucket.message
    assert subjects(findings, Status.FAIL) >= {"service:s3", "instance_class:db.t3.micro"}


def test_skip_and_kinds_narrow_what_is_judged() -> None:
    findings = run("fail_missing_database.tf", skip=["service:rds"], kinds=["service"])
    assert {f.subject for f in findings} == {"service:s3"}
    none = run("fail_missing_database.tf", kinds=["tests"])
    assert [f.status for f in none] == [Status.NA]


def test_the_first_hit_is_the_first_of_all_hits() -> None:
    """``_found_text`` stops at the first line with a match: the same hit as the first of
    every line's matches, and None exactly when there is none."""
    patterns = [
        module._ENCRYPTION_SETTING,
        module._DB_MULTI_AZ,
        module._AZ_NAME,
        module._AZ_LOOKUP,
        module._ANY_REGION,
        re.compile(r"(?<![\w.-])us\-east\-1(?![\w-])", re.IGNORECASE),
        re.compile(r"(?<![\w.-])eu\-west\-3(?![\w-])", re.IGNORECASE),  # nowhere
    ]
    found = 0
    for fixture in sorted(FOLDER.iterdir()):
        if fixture.name == "PROMPT.md":
            continue
        ctx = context_for(fixture)
        for pattern in patterns:
            hits = module._text_hits(ctx, pattern)
            assert module._first_hit(ctx, pattern) == (hits[0] if hits else None)
            found += bool(hits)
    assert found >= 6  # the fixtures hold matches, not only misses
