"""security.password_generation and security.no_hardcoded_secrets against their fixtures."""

from __future__ import annotations

from typing import Any

import pytest

from harness.checks.registry import get_check
from harness.checks.types import Finding, Status
from tests.checks.fixtures import FIXTURES, context_for, subjects

PASSWORD = "security.password_generation"
SECRETS = "security.no_hardcoded_secrets"


def run(check_id: str, fixture: str, **params: Any) -> list[Finding]:
    spec = get_check(check_id)
    findings = list(
        spec.func(context_for(FIXTURES / check_id / fixture), spec.parse_params(params))
    )
    assert not [f for f in findings if f.status is Status.ERROR]
    return findings


CASES = [
    (
        PASSWORD,
        "pass_generated.tf",
        {
            "aws_db_instance.pass_override",
            "aws_rds_cluster.pass_no_special_via_local",
            "aws_db_instance.pass_managed",
        },
        set(),
    ),
    (PASSWORD, "pass_through_module", {"module.database.aws_db_instance.pass_db"}, set()),
    (PASSWORD, "pass_secret_version.tf", {"aws_db_instance.pass_from_secret"}, set()),
    (
        PASSWORD,
        "fail_unsafe.tf",
        set(),
        {
            "aws_db_instance.fail_override_at",
            "aws_db_instance.fail_default_special",
            "aws_db_instance.fail_literal",
            "aws_db_instance.fail_input_variable",
            "aws_db_instance.fail_short",
            "aws_db_instance.fail_escaped_quote",
        },
    ),
    (
        SECRETS,
        "pass_no_literals.tf",
        {
            "aws_db_instance.pass_db.password",
            "aws_secretsmanager_secret_version.pass_secret.secret_string.password",
            "var.api_token",
        },
        set(),
    ),
    (
        SECRETS,
        "fail_literals.tf",
        set(),
        {
            "aws_db_instance.fail_literal.password",
            "aws_db_instance.fail_via_variable.password",
            "aws_secretsmanager_secret_version.fail_json.secret_string.password",
            "provider.aws.access_key",
            "provider.aws.secret_key",
            "aws_ssm_parameter.fail_db_password.value",
        },
    ),
]


@pytest.mark.parametrize(("check_id", "fixture", "passing", "failing"), CASES)
def test_fixture_subjects(
    check_id: str, fixture: str, passing: set[str], failing: set[str]
) -> None:
    findings = run(check_id, fixture)
    assert subjects(findings, Status.PASS) == passing
    assert subjects(findings, Status.FAIL) == failing


def test_override_special_is_read_character_by_character() -> None:
    by_subject = {f.subject: f for f in run(PASSWORD, "fail_unsafe.tf")}
    at = by_subject["aws_db_instance.fail_override_at"]
    assert "contains '@'" in at.message
    # evidence: the password attribute, then the override_special line that holds the "@"
    assert [e.location() for e in at.evidence] == ["main.tf:12", "main.tf:5"]
    quote = by_subject["aws_db_instance.fail_escaped_quote"]
    assert "contains '\"'" in quote.message  # the HCL escape \" is a real double quote
    assert "include '@'" in by_subject["aws_db_instance.fail_default_special"].message


def test_no_database_is_na() -> None:
    assert [f.status for f in run(PASSWORD, "na_no_database.tf")] == [Status.NA]


def test_forbidden_param() -> None:
    findings = run(PASSWORD, "pass_generated.tf", forbidden="!")
    assert subjects(findings, Status.FAIL) == {"aws_db_instance.pass_override"}


def test_password_through_module_cites_the_argument() -> None:
    (finding,) = run(PASSWORD, "pass_through_module")
    assert [e.location() for e in finding.evidence] == [
        "modules/database/main.tf:10",
        "main.tf:8",
        "main.tf:3",
    ]


def test_variable_default_is_reported_once() -> None:
    findings = run(SECRETS, "fail_literals.tf")
    # var.aws_secret_key's default is reported through provider.aws.secret_key, not again
    assert not [f for f in findings if f.subject == "var.aws_secret_key"]
    # the access key literal is reported as an attribute, not a second time by the text scan
    assert not [f for f in findings if f.subject.startswith("main.tf:")]


def test_access_key_pattern_in_any_hcl(tmp_path: Any) -> None:
    fixture = tmp_path / "fail_key.tf"
    fixture.write_text('locals {\n  creds = "key AKIAQWERTYUIOPASDFGH here"\n}\n', encoding="utf-8")
    spec = get_check(SECRETS)
    findings = list(spec.func(context_for(fixture), spec.parse_params({})))
    assert subjects(findings, Status.FAIL) == {"main.tf:2"}


def _run_text(tmp_path: Any, check_id: str, text: str) -> list[Finding]:
    fixture = tmp_path / "case.tf"
    fixture.write_text(text, encoding="utf-8")
    spec = get_check(check_id)
    return list(spec.func(context_for(fixture), spec.parse_params({})))


def test_generator_defined_in_an_earlier_turn_is_na(tmp_path: Any) -> None:
    findings = _run_text(
        tmp_path,
        PASSWORD,
        'resource "aws_db_instance" "db" {\n  password = random_password.db.result\n}\n',
    )
    assert [(f.status, f.subject) for f in findings] == [(Status.NA, "aws_db_instance.db")]
    assert "does not define" in findings[0].message


def test_sensitive_username_default_is_not_a_secret(tmp_path: Any) -> None:
    findings = _run_text(
        tmp_path,
        SECRETS,
        'variable "db_username" {\n  default   = "admin"\n  sensitive = true\n}\n',
    )
    # not a secret, so nothing breaks the rule: code without secrets passes it
    assert [f.status for f in findings] == [Status.PASS]


def test_code_without_anything_secret_passes(tmp_path: Any) -> None:
    findings = _run_text(tmp_path, SECRETS, 'resource "aws_s3_bucket" "b" {\n  bucket = "x"\n}\n')
    assert [f.status for f in findings] == [Status.PASS]


def test_the_name_memo_answers_as_the_pattern() -> None:
    from harness.checks.security import no_hardcoded_secrets as secrets

    names = ["password", "master_password", "Password", "passwords", "db_token", "token_ttl"]
    names += ["api_key", "apikey_x", "client_secret", "credentials", "name", "tags", ""]
    for _ in range(2):  # asked again: answered from the memo, the same
        for name in names:
            assert secrets._sensitive(name) is (secrets._SENSITIVE.search(name) is not None)
    assert secrets._sensitive("master_password") and not secrets._sensitive("passwords")
