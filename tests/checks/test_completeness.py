"""complete.* checks on their fixtures (exact subjects) and on edge cases built in code."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.checks.common import files
from harness.checks.common.files import names_placeholder, placeholders_in, promised_status
from harness.checks.registry import get_check
from harness.checks.types import Finding, Status
from harness.extract.types import Convention, ExtractedFile, FileTree, NameEvidence, Origin
from tests.checks.fixtures import FIXTURES, context_for, subjects


def run(check_id: str, fixture: str, **params: Any) -> list[Finding]:
    spec = get_check(check_id)
    return list(spec.func(context_for(FIXTURES / check_id / fixture), spec.parse_params(params)))


def _file(path: str, content: str, language: str = "hcl") -> ExtractedFile:
    origin = Origin(1, content.count("\n") + 2, NameEvidence(Convention.HEADING, path, 1))
    return ExtractedFile(path, content, language, origin)


def test_truncation_names_the_cut_file_and_its_line() -> None:
    (finding,) = run("complete.no_truncation", "fail_cut_off.md")
    assert finding.status is Status.FAIL
    assert finding.subject == "queue.tf"
    assert finding.evidence and finding.evidence[0].response_line == 13


def test_closed_response_passes() -> None:
    assert [f.status for f in run("complete.no_truncation", "pass_closed.md")] == [Status.PASS]


def test_placeholders_each_kind_with_its_line() -> None:
    """One failing finding per placeholder: a second placeholder is a second fault."""
    findings = run("complete.no_placeholders", "fail_placeholders.tf")
    assert {f.status for f in findings} == {Status.FAIL}
    assert len({f.subject for f in findings}) == 1  # all in the one file
    assert [f.evidence[0].start_line for f in findings] == [2, 7, 10]
    notes = [f.evidence[0].note.split(":")[0] for f in findings]
    assert notes == ["slot", "phrase", "phrase"]


@pytest.mark.parametrize(
    ("language", "line", "hit"),
    [
        ("python", "def f(): ...", False),  # Python's Ellipsis is code
        ("typescript", "const all = [...items];", False),  # spread operator
        ("typescript", "// ...", True),
        ("python", "    # rest of the implementation here", True),
        ("hcl", "  x = <<EOF", False),
        ("hcl", '  name = "<ENVIRONMENT>-app"', True),
        ("hcl", '  html = "<div>"', False),
        ("hcl", "  ...", True),
        # a comment that opens with an ellipsis elides code, as the parser and extraction say
        ("hcl", "# ... additional outputs", True),
        ("hcl", "  # … more variables with validations", True),
        ("python", "x = 1  # ... comprehensive definitions", True),
        ("hcl", '  description = "wait ... then retry"', False),
    ],
)
def test_placeholder_language_rules(language: str, line: str, hit: bool) -> None:
    path = {"python": "a.py", "typescript": "a.ts", "hcl": "main.tf"}[language]
    assert bool(placeholders_in(_file(path, line + "\n", language))) is hit


def test_no_code_is_na() -> None:
    ctx = context_for(FIXTURES / "complete.no_truncation" / "pass_closed.md")
    empty = FileTree(files=(), prose=ctx.tree.prose)
    spec = get_check("complete.no_placeholders")
    findings = list(spec.func(type(ctx)("t", "r", empty, ctx.config), spec.parse_params({})))
    assert [f.status for f in findings] == [Status.NA]


def test_promised_files_exact_sets() -> None:
    findings = run("complete.promised_files", "fail_missing_module.md")
    assert subjects(findings, Status.FAIL) == {"outputs.tf", "modules/database/main.tf"}
    assert subjects(findings, Status.PASS) == {"main.tf", "modules/network/main.tf"}
    passing = run("complete.promised_files", "pass_all_written.md")
    assert subjects(passing, Status.PASS) == {"main.tf", "variables.tf", "modules/network/main.tf"}


def test_promised_paths_tolerate_project_folder_and_prefix() -> None:
    tree = FileTree(
        files=(_file("lib/main.tf", ""), _file("lib/modules/db/main.tf", "")),
        promised_files=("main.tf", "modules/db/main.tf", ".terraform.lock.hcl", "README.md"),
    )
    assert promised_status(tree) == [
        ("main.tf", "lib/main.tf"),
        ("modules/db/main.tf", "lib/modules/db/main.tf"),
        ("README.md", None),
    ]


def test_modules_resolve_per_module() -> None:
    findings = run("complete.modules_resolve", "fail_unwired")
    assert subjects(findings, Status.FAIL) == {"root module"}
    assert subjects(findings, Status.PASS) == {"modules/network"}
    failing = [f for f in findings if f.status is Status.FAIL]
    # one finding per fault: undeclared var, missing module dir, unknown output
    assert len(failing) >= 3 and all(len(f.evidence) == 1 for f in failing)
    assert all(f.status is Status.PASS for f in run("complete.modules_resolve", "pass_wired"))


def test_syntax_verdict_per_file() -> None:
    (finding,) = run("complete.syntax_valid", "fail_missing_brace.tf")
    assert finding.status is Status.FAIL and finding.subject == "main.tf"
    assert finding.evidence[0].start_line is not None


def test_no_terraform_at_all_fails_syntax() -> None:
    findings = run("complete.syntax_valid", "../tone.professional/fail_chatty.md")
    assert [f.status for f in findings] == [Status.PASS]  # it has main.tf
    ctx = context_for(FIXTURES / "testing.unit_tests" / "fail_no_tests.tf")
    spec = get_check("complete.syntax_valid")
    bare = type(ctx)("t", "r", FileTree(files=()), type(ctx.config)(modules={}, root=""))
    assert [f.status for f in spec.func(bare, spec.parse_params({}))] == [Status.FAIL]


def test_required_modules_by_name_or_source() -> None:
    params = {"modules": ["networking", "compute"]}
    findings = run("complete.required_modules", "fail_missing_compute", **params)
    assert subjects(findings, Status.FAIL) == {"compute"}
    passing = run("complete.required_modules", "pass_all_called", **params)
    assert subjects(passing, Status.PASS) == {"networking", "compute"}
    assert [f.status for f in run("complete.required_modules", "pass_all_called")] == [Status.NA]


def test_required_resources_counts_managed_only() -> None:
    params = {"resources": {"aws_db_instance": 1, "aws_subnet": 2}}
    findings = run("complete.required_resources", "fail_one_subnet.tf", **params)
    assert subjects(findings, Status.FAIL) == {"aws_db_instance", "aws_subnet"}
    assert "1 aws_subnet (needs 2)" in {f.message for f in findings}
    assert [f.status for f in run("complete.required_resources", "pass_enough.tf")] == [Status.NA]


#: Comment text: placeholder phrases in any case, near misses, and characters that match ASCII
#: letters when case is ignored (the Kelvin sign matches "k", the long s matches "s").
_COMMENT_PIECES = (
    "# ", "rest of the code", "REST OF config", "reſt of file", "remaining files", "for brevity",
    "same as above", "Add more", "include other", "your code here", "implement here",
    "existing code unchanged", "... remaining", "TODO", "todo:", "Xxx", "t0do", "brev", "address",
    "\u212a", "\u017f", "é", " ", "x", ".", "..",
)  # fmt: skip


@settings(max_examples=500, deadline=None)
@given(st.lists(st.sampled_from(_COMMENT_PIECES), max_size=10).map("".join))
def test_the_phrase_prefilter_answers_as_the_search_does(comment: str) -> None:
    """``names_placeholder`` skips the search only when it cannot match."""
    expected = files._PLACEHOLDER_PHRASES.search(comment) is not None
    assert names_placeholder(comment) is expected


@settings(max_examples=300, deadline=None)
@given(st.from_regex(files._PLACEHOLDER_PHRASES))
def test_every_phrase_holds_a_prefilter_word(text: str) -> None:
    """Every text the phrase pattern matches passes the prefilter (a phrase added to the
    pattern without a word in ``_PHRASE_WORDS`` fails here)."""
    assert names_placeholder(text)


def test_modules_resolve_fails_groups_whose_inline_rules_name_each_other() -> None:
    (finding,) = [f for f in run("complete.modules_resolve", "fail_circular_groups.tf")]
    assert finding.status is Status.FAIL
    (evidence,) = finding.evidence
    assert (evidence.path, evidence.start_line) == ("main.tf", 7)
    assert evidence.note == (
        "dependency cycle aws_security_group.app -> aws_security_group.db -> "
        "aws_security_group.app: terraform plan stops (Error: Cycle); move the rules of one "
        "side into aws_security_group_rule resources"
    )
