"""tone.* checks: lexicon hits with response lines; claims against what was delivered."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.checks.registry import get_check
from harness.checks.tone.checks import _any_rule, lexicon
from harness.checks.types import CheckContext, Finding, Status
from harness.extract import extract
from harness.terraform import build
from tests.checks.fixtures import FIXTURES, context_for, subjects


def run(check_id: str, fixture: str) -> list[Finding]:
    spec = get_check(check_id)
    return list(spec.func(context_for(FIXTURES / check_id / fixture), spec.parse_params({})))


def test_lexicon_groups_are_documented() -> None:
    rules = lexicon()
    assert {r.group for r in rules} == {"casual", "chatty", "filler", "emoji"}
    assert all(r.why for r in rules)


def _phrase_pieces() -> list[str]:
    phrases = [r.label for r in lexicon() if not r.is_pattern]
    cut = [p[: len(p) // 2] for p in phrases] + [p.upper() for p in phrases[::3]]
    return [*phrases, *cut, *" \t-_!.x", "Great  question!", "ok ", "\U0001f680", "\u2713"]


@settings(max_examples=600, deadline=None)
@given(st.lists(st.sampled_from(_phrase_pieces()), max_size=12).map("".join))
def test_the_prefilter_misses_no_line_a_rule_hits(line: str) -> None:
    """tone_hits skips a line ``_any_rule`` misses: it must miss only where every rule does
    (its phrases are one trie, not the rules' own patterns)."""
    expected = any(rule.pattern.search(line) for rule in lexicon())
    assert (_any_rule().search(line) is not None) == expected


def test_chatty_response_hits_with_lines() -> None:
    findings = run("tone.professional", "fail_chatty.md")
    failing = subjects(findings, Status.FAIL)
    assert "chatty 'Great question' (response:1)" in failing
    assert "emoji '🚀' (response:1)" in failing
    assert "casual 'gonna' (response:3)" in failing
    assert "filler 'Basically' (response:3)" in failing
    assert "emoji '✅' (response:15)" in failing
    # "Great question!" is one hit, not a phrase hit plus an exclamation hit
    assert not any("question!" in s for s in failing)
    # the file heading and the plain sentence after the code are clean prose
    assert subjects(findings, Status.PASS) == {"prose 5", "prose 13"}  # heading, sentence
    assert all(e.response_line for f in findings for e in f.evidence)


def test_trace_code_inline_code_and_urls_are_not_prose() -> None:
    findings = run("tone.professional", "pass_professional.md")
    assert findings and all(f.status is Status.PASS for f in findings)


def test_overclaim_with_placeholder_and_untested() -> None:
    findings = run("tone.no_overclaim", "fail_claim_with_placeholder.md")
    assert findings and all(f.status is Status.FAIL for f in findings)
    tested = next(f for f in findings if "fully tested" in f.subject)
    notes = {e.note for e in tested.evidence}
    assert {"claim", "placeholder", "no tests"} <= notes


def test_overclaim_while_truncated_and_missing_files() -> None:
    findings = run("tone.no_overclaim", "fail_claim_truncated.md")
    assert {f.status for f in findings} == {Status.FAIL}
    assert "truncated" in findings[0].message


def test_backed_claim_passes_and_no_claim_is_na() -> None:
    assert {f.status for f in run("tone.no_overclaim", "pass_backed_claim.md")} == {Status.PASS}
    assert [f.status for f in run("tone.no_overclaim", "na_no_claim.md")] == [Status.NA]


def test_claims_of_addressing_everything_and_of_validating_are_judged() -> None:
    """'addresses all the issues' is a completeness claim; 'passes terraform validate' fails
    when the code does not validate (here: an undeclared variable)."""
    text = (
        "This update addresses all the issues and passes terraform validate.\n\n"
        '## main.tf\n\n```hcl\nresource "aws_s3_bucket" "b" {\n  bucket = var.name\n}\n```\n'
    )
    tree = extract(text, response_id="r")
    spec = get_check("tone.no_overclaim")
    findings = list(spec.func(CheckContext("t", "r", tree, build(tree)), spec.parse_params({})))
    by_claim = {f.subject.split("'")[1]: f for f in findings}
    assert set(by_claim) == {"addresses all the issues", "passes terraform validate"}
    assert by_claim["passes terraform validate"].status.value == "fail"
    assert "does not validate" in by_claim["passes terraform validate"].message


def test_a_claim_in_a_response_without_code_fails() -> None:
    """Nothing delivered backs "production-ready, passes terraform validate"; a CDK answer
    whose only block names no file has code, so its claim is judged on the rest."""
    spec = get_check("tone.no_overclaim")

    def statuses(text: str) -> dict[str, str]:
        tree = extract(text, response_id="r")
        findings = spec.func(CheckContext("t", "r", tree, build(tree)), spec.parse_params({}))
        return {f.subject.split("'")[1]: f.status.value for f in findings}

    prose = "This production-ready stack passes terraform validate.\n\nDeploy it as usual.\n"
    assert statuses(prose) == {"production-ready": "fail", "passes terraform validate": "fail"}
    tree = extract(prose, response_id="r")
    findings = list(spec.func(CheckContext("t", "r", tree, build(tree)), spec.parse_params({})))
    assert all("no code" in f.message for f in findings)
    unnamed = prose + "\n```typescript\nnew s3.Bucket(this, 'B');\n```\n"
    assert statuses(unnamed) == {"production-ready": "pass", "passes terraform validate": "pass"}
