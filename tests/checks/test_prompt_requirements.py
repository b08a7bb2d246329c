"""complete.prompt_requirements on its fixtures: exactly which requirements pass and fail."""

from __future__ import annotations

import dataclasses
import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.checks.common.text import Searched
from harness.checks.complete import prompt_requirements as module
from harness.checks.registry import get_check
from harness.checks.types import CheckContext
from harness.extract.types import Convention, ExtractedFile, FileTree, NameEvidence, Origin
from harness.prompt import read_prompts
from harness.terraform import build
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


def _searched(value: str) -> Searched:
    """A region or instance class as ``_region`` and ``_instance_class`` search for it."""
    pattern = re.compile(rf"(?<![\w.-]){re.escape(value)}(?![\w-])", re.IGNORECASE)
    return Searched(pattern, (value.lower(),))


#: Every pattern the module searches the code with: its own, a region (ignoring case, its
#: literal in lower case; one with a non-ASCII letter that ignoring case matches to "s"; one
#: whose literal is not in lower case, which cannot guide the search), and the setting names
#: of a service.
_SEARCHED = [
    module._ENCRYPTION_SETTING,
    module._DB_MULTI_AZ,
    module._AZ_LOOKUP,
    module._AZ_NAME,
    module._ANY_REGION,
    _searched("us-east-1"),
    _searched("eu-west-3"),
    _searched("u\u017f-east-1"),
    Searched(re.compile("us-east-1", re.IGNORECASE), ("US-EAST-1",)),
    Searched(
        re.compile(r"\b(?:encrypted|multi_az)[\"']?\s*[:=]\s*[\"']?true\b"),
        ("encrypted", "multi_az"),
    ),
]
_COMMENT_LINE = re.compile(r"^\s*(?:#|//|/\*|\*)")


def _plain_hits(ctx: CheckContext, pattern: Searched) -> list[tuple[object, int, str]]:
    """What ``_text_hits`` must find: every match in every line of every IaC file, comment
    lines left out, searched without literals."""
    return [
        (file, number, match.group(0))
        for file in module._iac_files(ctx)
        for number, line in enumerate(file.content.splitlines(), start=1)
        if not _COMMENT_LINE.match(line)
        for match in pattern.regex.finditer(line)
    ]


def test_the_first_hit_is_the_first_of_all_hits() -> None:
    """``_found_text`` stops at the first line with a match: the same hit as the first of
    every line's matches, and None exactly when there is none."""
    found = 0
    for fixture in sorted(FOLDER.iterdir()):
        if fixture.name == "PROMPT.md":
            continue
        ctx = context_for(fixture)
        for pattern in _SEARCHED:
            hits = module._text_hits(ctx, pattern)
            assert hits == _plain_hits(ctx, pattern)
            assert module._first_hit(ctx, pattern) == (hits[0] if hits else None)
            found += bool(hits)
    assert found >= 6  # the fixtures hold matches, not only misses


#: Pieces the generated files are made of: matches of the module's patterns, near misses,
#: comment openers, line breaks in every spelling ``str.splitlines`` knows, and non-ASCII
#: letters that match ASCII ones when case is ignored (long s, Kelvin sign).
_PIECES = (
    "encrypted = true", "encrypted =", " true", "storage_encrypted", "kms_key_id", "sse_algorithm",
    "multi_az = true", "multi_az =", "MultiAZ: true", "MultiAZ:", "us-east-1a", "US-EAST-1",
    "us-east-1", "eu-west-3", "-", ".", "x", "  ", "# ", "// ", "/* ", "* ", "availability_zones =",
    "\n", "\n", "\r\n", "\r", "\u2028", "\x0c", "'", '"', "=", ":", "true", "\u017f", "\u212a",
    "encrypted =\n true", "multi_az =\ntrue", "MultiAZ:\r\n true", "encrypted\n= true",
    "u\u017f-east-1", "KMS", "SSE", "Encrypted: true", "GetAZs", "azs =", "eu-central-1b",
)  # fmt: skip
_EMPTY_CONFIG = build(FileTree(files=()))


def _context_of(contents: list[str]) -> CheckContext:
    origin = Origin(1, 2, NameEvidence(Convention.HEADING, "main.tf", 1))
    files = tuple(ExtractedFile(f"f{i}.tf", text, "hcl", origin) for i, text in enumerate(contents))
    return CheckContext("t", "r", FileTree(files=files), _EMPTY_CONFIG)


@settings(max_examples=500, deadline=None)
@example(["encrypted =\n true\nx\nencrypted = true"])
@example(["us-east-1x\nUS-EAST-1", "# us-east-1\nus-east-1"])
@given(
    st.lists(st.lists(st.sampled_from(_PIECES), max_size=30).map("".join), min_size=0, max_size=3)
)
def test_the_literal_search_finds_what_a_search_of_every_line_finds(contents: list[str]) -> None:
    """``_text_hits`` and ``_first_hit`` search only the lines that hold a literal: they
    find exactly what a search of every line finds, in order, whatever the case, the line
    breaks or the letters outside ASCII."""
    ctx = _context_of(contents)
    for pattern in _SEARCHED:
        plain = _plain_hits(ctx, pattern)
        assert module._text_hits(ctx, pattern) == plain
        assert module._first_hit(ctx, pattern) == (plain[0] if plain else None)


@settings(max_examples=200, deadline=None)
@given(
    st.sampled_from(
        [
            module._ENCRYPTION_SETTING,
            module._DB_MULTI_AZ,
            module._AZ_LOOKUP,
            module._ANY_REGION,
            *_SEARCHED[5:7],
        ]
    ).flatmap(lambda p: st.tuples(st.just(p), st.from_regex(p.regex, fullmatch=True)))
)
def test_every_match_holds_a_literal(case: tuple[Searched, str]) -> None:
    """The literals are complete: a match of the pattern holds one of them (lower-cased, for
    a pattern that ignores case, when ASCII). An alternative added to a pattern without its
    literal fails here."""
    pattern, text = case
    assert pattern.guides
    if pattern.ignores_case:
        if text.isascii():
            assert any(literal in text.lower() for literal in pattern.literals), text
    else:
        assert any(literal in text for literal in pattern.literals), text


def test_comment_lines_are_left_out() -> None:
    ctx = _context_of(["a = 1\n  # b\n// c\n /* d\n * e\nf = 2"])
    every_line = Searched(re.compile(".+"))
    assert [(n, text) for _, n, text in module._text_hits(ctx, every_line)] == [
        (1, "a = 1"),
        (6, "f = 2"),
    ]


def test_the_index_by_type_lists_what_each_model_lists_per_type() -> None:
    """``_of_types`` (one index per context) gives what asking each model per type gives, in
    the same order, for types present, absent or repeated."""
    for fixture in sorted(FOLDER.iterdir()):
        if fixture.name == "PROMPT.md":
            continue
        ctx = context_for(fixture)
        present = sorted({r.type for model in ctx.models.values() for r in model.resources()})
        assert present, fixture
        for types in (tuple(present), tuple(reversed(present)), ("aws_nothing", *present[:1]) * 2):
            assert module._of_types(ctx, types) == [
                r for model in ctx.models.values() for t in types for r in model.resources(t)
            ]
