"""Tone checks: the answer's prose is professional and does not claim more than it delivers.

Only the prose addressed to the user is read: code blocks, inline ``code`` and a reasoning
trace are not prose. The lexicon of unprofessional language ships as package data
(``harness/data/tone_lexicon.yaml``), documented there, so it can be reviewed and tuned
without touching code.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources
from typing import Any

import yaml

from harness.checks.common.files import (
    code_files,
    missing_promised,
    placeholders_in,
    truncation_diagnostics,
)
from harness.checks.common.suites import has_tests
from harness.checks.registry import ANY_LANGUAGE, NoParams, check
from harness.checks.tone import CATEGORY
from harness.checks.types import CheckContext, Evidence, Finding, failed, not_applicable, passed
from harness.extract.types import FileTree
from harness.prompt.alternation import phrase_atoms, trie_alternation
from harness.vocabulary import Severity, Span

_INLINE_CODE = re.compile(r"`+[^`\n]*`+")
_URL = re.compile(r"\bhttps?://\S+")


@dataclass(frozen=True)
class Rule:
    group: str
    why: str
    pattern: re.Pattern[str]
    label: str  # the phrase, or the pattern's name ("exclamation", "emoji")
    is_pattern: bool = False


def _lead_in(line: str, start: int, end: int, width: int = 30) -> str:
    """Up to ``width`` characters before a match and the match, starting on a word boundary
    ("get the pressure you're under!", not "tally get the ...")."""
    begin = max(0, start - width)
    if begin > 0 and line[begin - 1].isalnum():
        space = line.find(" ", begin, start)
        begin = space + 1 if space != -1 else start
    return line[begin:end].strip()


@dataclass(frozen=True)
class Hit:
    rule: Rule
    line: int  # response line
    text: str  # the matched text
    context: str  # the whole prose line


_BEFORE_PHRASE = r"(?<![\w-])"
_AFTER_PHRASE = r"(?![\w-])"
_BETWEEN_WORDS = r"\s+"


def _phrase_atoms(phrase: str) -> list[str]:
    """A phrase as regex atoms: its characters, and ``\\s+`` between its words."""
    return phrase_atoms(phrase, _BETWEEN_WORDS)


@lru_cache(maxsize=1)
def lexicon() -> tuple[Rule, ...]:
    """The shipped lexicon compiled to rules (read once)."""
    rules: list[Rule] = []
    for group, spec in _lexicon_groups().items():
        why = str(spec.get("why", ""))
        for phrase in spec.get("phrases", ()):
            words = "".join(_phrase_atoms(str(phrase)))
            pattern = re.compile(_BEFORE_PHRASE + words + _AFTER_PHRASE, re.IGNORECASE)
            rules.append(Rule(group, why, pattern, str(phrase)))
        for pattern in spec.get("patterns", ()):
            regex = re.compile(str(pattern["regex"]), re.IGNORECASE)
            rules.append(Rule(group, why, regex, str(pattern["name"]), is_pattern=True))
        if "ranges" in spec:
            rules.append(Rule(group, why, _emoji_pattern(spec), group, is_pattern=True))
    return tuple(rules)


def _lexicon_groups() -> dict[str, dict[str, Any]]:
    text = resources.files("harness").joinpath("data", "tone_lexicon.yaml").read_text("utf-8")
    data: dict[str, Any] = yaml.safe_load(text)
    groups: dict[str, dict[str, Any]] = data["groups"]
    return groups


@lru_cache(maxsize=1)
def _any_rule() -> re.Pattern[str]:
    """One pattern that matches wherever some rule might: the phrases as one trie
    (``harness.prompt.alternation``; a plain alternation of them costs about 15 times as
    much), then the patterns."""
    rules = lexicon()
    phrases = trie_alternation(_phrase_atoms(rule.label) for rule in rules if not rule.is_pattern)
    others = [f"(?:{rule.pattern.pattern})" for rule in rules if rule.is_pattern]
    return re.compile(
        "|".join([_BEFORE_PHRASE + f"(?:{phrases})" + _AFTER_PHRASE, *others]), re.IGNORECASE
    )


def _emoji_pattern(spec: dict[str, Any]) -> re.Pattern[str]:
    allowed = {int(str(code), 16) for code in spec.get("allow", ())}
    parts = []
    for item in spec["ranges"]:
        low, _, high = str(item).split("#")[0].strip().partition("-")
        start, end = int(low, 16), int(high or low, 16)
        # split each range around allowed code points
        cursor = start
        for code in sorted(c for c in allowed if start <= c <= end):
            if cursor < code:
                parts.append(f"{_u(cursor)}-{_u(code - 1)}")
            cursor = code + 1
        if cursor <= end:
            parts.append(f"{_u(cursor)}-{_u(end)}")
    return re.compile(f"[{''.join(parts)}]\ufe0f?")


def _u(code: int) -> str:
    return f"\\U{code:08x}"


def _blank(match: re.Match[str]) -> str:
    return " " * len(match.group(0))


def prose_lines(tree: FileTree) -> Iterator[tuple[int, str, str]]:
    """(response line, text with inline code and URLs blanked out, original text) of every
    prose line. The reasoning trace (``tree.reasoning``) is deliberately not read."""
    for span in tree.prose:
        for offset, line in enumerate(span.text.splitlines()):
            cleaned = _URL.sub(_blank, _INLINE_CODE.sub(_blank, line))
            yield span.start_line + offset, cleaned, line


def tone_hits(tree: FileTree) -> tuple[list[Hit], list[tuple[int, int]]]:
    """Lexicon hits in the prose, and the (first, last) response lines of clean paragraphs."""
    rules = lexicon()
    hits: list[Hit] = []
    clean: list[tuple[int, int]] = []
    paragraph: list[int] = []
    paragraph_hit = False

    def close() -> None:
        if paragraph and not paragraph_hit:
            clean.append((paragraph[0], paragraph[-1]))

    anything = _any_rule()
    for number, line, original in prose_lines(tree):
        if paragraph and number != paragraph[-1] + 1:  # a code block in between
            close()
            paragraph, paragraph_hit = [], False
        if not line.strip():
            close()
            paragraph, paragraph_hit = [], False
            continue
        paragraph.append(number)
        if not anything.search(line):  # most prose is clean: one scan instead of one per rule
            continue
        taken: list[tuple[int, int]] = []  # one hit per stretch of text ("Great question!")
        for rule in rules:
            for match in rule.pattern.finditer(line):
                start, end = match.span()
                if any(start < e and s < end for s, e in taken):
                    continue
                taken.append((start, end))
                text = match.group(0)
                if rule.is_pattern and rule.group != "emoji":  # show the sentence's end
                    text = _lead_in(original, start, end)
                hits.append(Hit(rule, number, text, original.strip()))
                paragraph_hit = True
    close()
    return hits, clean


@check("tone.professional", CATEGORY, languages=ANY_LANGUAGE, judges_task=False)
def professional(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """The prose addressed to the user reads as professional technical writing.

    What it checks:
        Scans the answer's prose (not code, not inline code, not the reasoning trace)
        against the shipped lexicon ``harness/data/tone_lexicon.yaml``: casual slang
        ("super easy", "gonna"), chatty exclamations and pleasantries ("Great question!",
        "Happy coding!"), filler ("basically", "literally") and emoji. Each hit is a failing
        finding with its response line; each clean paragraph is a passing one, so the score
        is the share of clean prose. na when the answer has no prose.

    Why it matters:
        Responses are read by engineers and auditors as documentation of infrastructure;
        chatty or decorated text costs trust and reading time and hides the content.

    Example:
        Failing: "🚀 Awesome! Your super easy, production-grade stack is ready!"
        Passing: "The stack creates a VPC with two private subnets and an encrypted RDS
        instance; apply it with ``terraform apply``."
    """
    hits, clean = tone_hits(ctx.tree)
    if not hits and not clean:
        yield not_applicable("no prose")
        return
    for hit in hits:
        kind = hit.rule.label if hit.rule.is_pattern else hit.rule.group
        yield failed(
            f"{kind} {hit.text!r} at response line {hit.line}",
            Evidence.from_response(hit.line, hit.context, note=hit.rule.why),
            subject=f"{kind} {hit.text!r} (response:{hit.line})",
        )
    for first, last in clean:
        where = f"{first}" if first == last else f"{first}-{last}"
        yield passed(f"prose at response lines {where} is professional", subject=f"prose {where}")


#: Claims that the work is finished, ready for production, or tested.
_CLAIMS = re.compile(
    r"production[- ](?:ready|grade)"
    r"|\b(?:complete|full|entire)\s+(?!the\b|a\b|an\b|this\b|your\b|it\b)(?:[\w-]+\s+){0,2}?"
    r"(?:solution|implementation|configuration|infrastructure|setup|code|stack|project|module)s?\b"
    r"|\bfully\s+(?:tested|functional|working|implemented|complete|operational)"
    r"|\bready\s+(?:to|for)\s+(?:deploy|deployment|production|use)"
    r"|\bbattle[- ]tested|\benterprise[- ]grade|\bworks?\s+out\s+of\s+the\s+box"
    r"|\b(?:comprehensive|complete|full)\s+test(?:s|\s+suite|\s+coverage)?\b|\b100%\s+(?:test\s+)?coverage"
    # "implements all 10 required security controls", "addressing all the issues"
    r"|\b(?:address|implement|meet|satisf|cover|fix|resolv|handl)[a-z]*\s+(?:all|every)\s+"
    r"(?:of\s+)?(?:the\s+)?(?:\d+\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:issues?|requirements?|controls?|concerns?|problems?|findings?|points?|items?)\b"
    # "passes terraform validate", "passes all tests"
    r"|\bpass(?:es|ed|ing)?\s+(?:`?terraform\s+(?:validate|plan|fmt)`?|all\s+(?:the\s+)?tests)",
    re.IGNORECASE,
)
_TEST_CLAIM = re.compile(r"test|coverage", re.IGNORECASE)
_VALIDATION_CLAIM = re.compile(r"\bterraform\s+(?:validate|plan)", re.IGNORECASE)


def _invalid(ctx: CheckContext) -> list[Evidence]:
    """The first error the parser or the static validation found, as evidence against a
    claim that the code validates."""
    for diagnostic in ctx.config.diagnostics:
        if diagnostic.severity is Severity.ERROR and diagnostic.span is not None:
            return [Evidence.from_span(diagnostic.span, ctx.tree, note="does not validate")]
    return []


def _shortfalls(ctx: CheckContext) -> list[Evidence]:
    """What contradicts a claim of completeness: no code at all, truncation, placeholders,
    missing files."""
    found: list[Evidence] = []
    tree = ctx.tree
    if not tree.has_code:
        found.append(Evidence.from_response(None, "the response has no code", note="no code"))
    for diagnostic in truncation_diagnostics(tree):
        found.append(Evidence.from_response(diagnostic.line, diagnostic.message, note="truncated"))
    if tree.truncated and not found:
        found.append(Evidence.from_response(None, "the response is cut off", note="truncated"))
    for file in code_files(tree):
        hits = placeholders_in(file)
        if hits:
            found.append(ctx.evidence(Span(file.path, hits[0].line), note="placeholder"))
    missing = missing_promised(tree)
    if missing:
        listed = ", ".join(missing[:5]) + (
            f" (+{len(missing) - 5} more)" if len(missing) > 5 else ""
        )
        found.append(
            Evidence.from_response(None, f"promised but missing: {listed}", note="missing files")
        )
    return found


@check("tone.no_overclaim", CATEGORY, languages=ANY_LANGUAGE, judges_task=False)
def no_overclaim(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Claims of completeness or readiness are backed by what the response delivers.

    What it checks:
        Finds claims in the prose such as "production-ready", "complete configuration",
        "fully tested", "ready to deploy". Each claim fails when the response has no code,
        is truncated, holds placeholders, or misses files its own directory drawing promised
        (and, for claims about tests, when it has no test with an assertion; for "passes
        terraform validate", when the code has a parse or validation error). Claims to address "all
        the issues" or "all 10 required controls" count too. Otherwise it passes.
        na when the prose makes no such claim.

    Why it matters:
        An overclaim is worse than an honest gap: a reviewer who trusts "production-ready"
        ships a half-written stack.

    Example:
        Failing: "Here is the complete, production-ready configuration" above a response
        that is cut off in ``modules/compute/main.tf``.
        Passing: the same sentence above a response whose every promised file is written.
    """
    claims = [
        (number, match.group(0), original.strip())
        for number, line, original in prose_lines(ctx.tree)
        for match in _CLAIMS.finditer(line)
    ]
    if not claims:
        yield not_applicable("no claim of completeness or readiness")
        return
    shortfalls = _shortfalls(ctx)
    tested = has_tests(ctx.tree)
    for number, claim, context in claims:
        against = list(shortfalls)
        if _VALIDATION_CLAIM.search(claim):
            against += _invalid(ctx)
        if _TEST_CLAIM.search(claim) and not tested:
            against.append(
                Evidence.from_response(None, "no test file with an assertion", note="no tests")
            )
        claim_evidence = Evidence.from_response(number, context, note="claim")
        subject = f"{claim!r} (response:{number})"
        if against:
            reasons = ", ".join(sorted({e.note for e in against}))
            yield failed(
                f"claims {claim!r} but: {reasons}", claim_evidence, *against, subject=subject
            )
        else:
            yield passed(
                f"claims {claim!r}, and the response delivers it", claim_evidence, subject=subject
            )
