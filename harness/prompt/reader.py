"""Read a prompt's requirements: deterministic rules over its lines, no network, no model.

A prompt line asks for something when it names it in a sentence that does not take it back.
The rules, each conservative (a false requirement costs a response points it did not
deserve; a missed one only leaves the prompt unjudged):

- **Not read**: fenced code blocks (pasted errors, examples), terminal output pasted
  without a fence (lines that open with ``│``/``╷`` or carry ``Error:``/``Warning:`` or an
  error type: ``ValidationError:``, ``AccessDeniedException:``),
  Terraform or JSON pasted without a fence (``min_size = 2``, ``variable "x" {``,
  ``"s3:GetObject",`` and the heredocs such lines open) and paragraphs labelled as a
  problem or a place in the code (``**Root Cause**:``, ``**Risk:**``, ``**Line 339:**``).
- **Taken back** in the same sentence: a negation or hedge before the mention (no, not,
  don't, without, skip, avoid, instead of, existing, optional, if needed, e.g., such as, ...),
  or a hedge anywhere in it ("(optional)", "if helpful"); a service followed by "permissions",
  "access", "actions", "principal" or "endpoint" is a qualifier ("IAM role with S3 read
  permissions" asks for no bucket); a sentence about Terraform state or its backend asks for
  no resource (the state bucket and lock table are not the stack's). A lexicon entry's
  ``unless`` phrases take it back too ("AWS managed KMS key").
- **Services**: the lexicon's words (``harness.prompt.lexicon``); overlapping words on a line
  resolve to the longer ("VPC Flow Logs" is flow logs, not a VPC).
- **Regions** (``us-east-1``), **instance classes** (``t3.micro``, ``db.t3.micro``).
- **Modules**: ``modules/<name>``, a backticked name next to "module", or the list in
  "modules (networking, storage, ...)".
- **Variables and outputs**: backticked identifiers on a line that speaks of variables
  (inputs, parameters) or outputs, or in a list under such a line or heading.
- **Multi-AZ** ("multi-AZ", "multiple / at least two availability zones"): of the database
  when the sentence names one, else of the network.
- **Encryption at rest**: "at rest" with "encrypt", server-side encryption, or "encrypt"
  with a storage word (bucket, database, volume, ...) and no in-transit word.
- **Tests**: unit / integration / automated tests, "write tests", a test suite
  ("validation tests" and "tests pass" are not a request for tests).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

from harness.prompt.lexicon import Service, load_lexicon, service_starts_pattern
from harness.prompt.types import (
    PROVIDER_SETUP,
    RANDOM_NAMES,
    PromptPlace,
    PromptRequirements,
    Requirement,
    RequirementKind,
)
from harness.tasks import open_input

_PLACE_TEXT_MAX = 200


class PromptError(ValueError):
    """A prompt file that cannot be read; the message names the path."""


_FENCE = re.compile(r"^\s{0,3}(`{3,}|~{3,})")
_TERMINAL = re.compile(
    r"^\s*[│╷╵┃║|]|\b(?:Error|Warning|ERROR|WARN(?:ING)?)\s*:|^\s*at \S+\("
    r"|\b[A-Z][A-Za-z]*(?:Error|Exception)\s*:"  # ValidationError:, AccessDeniedException:
)
_INLINE_CODE = re.compile(r"`[^`\n]*`")
# ``(?<!\s)``: a run of spaces is tried from its first space only (linear, not quadratic)
_SENTENCE_END = re.compile(r"(?<=[.;!?:])\s+|(?<!\s)\s+(?:but|however)\b\s*", re.IGNORECASE)
_NEGATION = re.compile(
    r"\b(?:no|not|never|none|without|skip|skipping|avoid|avoiding|exclude|excluding|except"
    r"|remove|removing|delete|drop|instead\s+of|rather\s+than|existing|already|optional(?:ly)?"
    r"|e_g_"
    r"|current(?:ly)?|replac(?:e|es|ing)|migrate\s+(?:away\s+)?from|move\s+away\s+from"
    r"|get\s+away\s+from"
    r"|consider(?:ing)?"
    r"|i_e_|such\s+as|for\s+example|for\s+instance|unless|if\s+(?:needed|helpful|required"
    r"|necessary|applicable|any|desired|possible|you\s+want))\b|n't\b",
    re.IGNORECASE,
)
_HEDGE = re.compile(
    r"\(\s*optional\s*\)|\bif\s+(?:helpful|needed|necessary|applicable|desired)\b"
    r"|\boptional(?:ly)?\b|\b(?:later|in\s+the\s+future|next\s+(?:quarter|year|month|sprint"
    r"|phase|release))\b",
    re.IGNORECASE,
)
_QUALIFIER = re.compile(
    r"^[\s\"'*)]*(?:[\w/-]+\s+){0,2}?(?:permissions?|access|actions?|principals?|endpoints?"
    r"|api\s+calls?)\b"
    r"|^[\s\"'*)]*(?:\w+\s+){0,2}?to\s+(?:get|read|fetch|resolve|look\s*up|retrieve|pull|query)\b",
    re.IGNORECASE,
)
#: A service the sentence only grants access to ("read-only access to a designated S3 bucket")
#: or hedges with "any" right before it ("for any CloudFront distributions").
_QUALIFIER_BEFORE = re.compile(
    r"(?:\b(?:access|permissions?|read|write)\s+(?:to|on|for|from)\s+(?:[\w-]+\s+){0,3}"
    r"|\bany\s+(?:[\w-]+\s+){0,1})$",
    re.IGNORECASE,
)
#: Words of a problem report: something that exists fails, errs, was judged or is already
#: there ("Both EC2 instances are failing to create", "S3 lifecycle fix looks good", "My S3
#: buckets already have encryption"). Not "missing" nor a negation: in a review of an answer,
#: "there's no S3 bucket" asks for one.
_PROBLEM_WORDS = re.compile(
    r"\b(?:errors?|fail(?:s|ed|ing|ures?)?|broken|crash(?:es|ed|ing)?|conflicts?|conflicting"
    r"|circular|invalid|deprecated|incorrect|wrong|bugs?|issues?|problems?|fix(?:es|ed)?"
    r"|(?:looks?|seems?)\s+(?:good|fine|correct|right|reasonable|ok(?:ay)?)"
    r"|already)\b",
    re.IGNORECASE,
)
#: A request in a sentence: an imperative that adds something at the start of the sentence
#: (after a list marker or a bold label), or a modal request anywhere.
_REQUEST = re.compile(
    r"^[\s*_>#-]*(?:\d+[.)]\s*)?(?:\*\*[^*]*\*\*:?\s*)?(?:please\s+)?(?:add|create|include"
    r"|implement|set\s*up|configure|provision|deploy|build|enable|introduce|attach|use|make"
    r"|define|write|generate)\b"
    r"|\b(?:please|(?:could|can|would)\s+(?:you|we)|(?:i|we)\s+(?:also\s+)?(?:need|want)"
    r"|would\s+like|should|must|make\s+sure|ensure|require[sd]?)\b",
    re.IGNORECASE,
)


#: The code described as it is: something in it references something else ("The launch
#: template references `var.key_pair_name`", "The ASG references the launch template"). The
#: verb, not the noun: "Match security group references exactly" asks for something.
_DESCRIBES_CODE = re.compile(
    r"\breferenc(?:es|ing)\s+(?:an?|the|this|that|its|their|our|your|some|several|`)",
    re.IGNORECASE,
)


def _reports_problem(text: str, in_problem_section: bool) -> bool:
    """Whether a sentence reports on code that exists rather than asks for something:
    problem words (or a section headed by them, "## Error 5: ...") or a reference the code
    makes (``_DESCRIBES_CODE``), and no request ("please add", "Create an RDS instance",
    "we need")."""
    if _REQUEST.search(text):
        return False
    return (
        in_problem_section
        or bool(_PROBLEM_WORDS.search(text))
        or bool(_DESCRIBES_CODE.search(text))
    )


#: A paragraph that describes a problem ("**Root Cause**: ...", "**The Problem**: ...") says
#: what is wrong with code that exists; it asks for nothing by naming it.
_PROBLEM_LABEL = re.compile(
    r"^\s*(?:(?:[-*+]|\d+[.)])\s+)?\*\*(?:the\s+)?(?:root\s+cause|problem|issue|error"
    r"|(?:real\s+|actual\s+|potential\s+|business\s+)?impact|risks?|consequences?"
    r"|what\s+(?:will|would|could)\s+happen|lines?\s+\d+"
    r"|(?:specific\s+)?location|symptoms?|cause|current\s+(?:behaviou?r|state|code)|why)\b",
    re.IGNORECASE,
)
#: A line of Terraform or JSON pasted without a fence (a follow-up pasting the code it is
#: about): an attribute with a code value (``min_size = 2``, ``tags = {``), a block opener
#: (``variable "region" {``) or a quoted key or list item (``"s3:GetObject",``). It names what
#: the code holds, not what the prompt asks for.
_CODE_LINE = re.compile(
    r"^\s*[A-Za-z_][\w.-]*\s*=\s*(?:\"|\[|\{|-?\d|true\b|false\b|null\b|<<"
    r"|(?:var|local|module|data|each|count|self)\.|[a-z_][\w]*\.[a-z_]|[a-z_][\w]*\()"
    r"|^\s*[A-Za-z_][\w-]*(?:\s+\"[^\"\n]*\")*\s*\{\s*$"
    r"|^\s*\"[^\"\n]*\"\s*(?:[:=]\s*\S|,\s*$)|^\s*\"[^\"\s]+\"\s*$"
)
#: A heredoc opened on a pasted code line (``user_data = <<-EOF``): its lines are code too,
#: down to the line holding only its marker.
_HEREDOC_OPEN = re.compile(r"<<-?\s*([A-Za-z_]\w*)\s*$")
_STATE = re.compile(
    r"\b(?:backend|remote\s+state|state[\s_-]+(?:file|bucket|locking|lock|storage)|tfstate"
    r"|lock(?:ing)?\s+table)\b",
    re.IGNORECASE,
)
_REGION = re.compile(
    r"(?<![\w.-])((?:us|eu|ap|sa|ca|me|af|il|mx)(?:-gov|-iso)?-(?:north|south|east|west|central"
    r"|northeast|northwest|southeast|southwest)-\d)(?![\w-])",
    re.IGNORECASE,
)
_INSTANCE_CLASS = re.compile(
    r"(?<![\w.-])((?:db\.|cache\.)?[a-z]\d[a-z0-9-]*\.(?:nano|micro|small|medium|large"
    r"|\d*xlarge|metal))(?![\w.-])",
    re.IGNORECASE,
)
_MODULE_NAMED = re.compile(
    r"`([A-Za-z][A-Za-z0-9_-]*)`\s+(?:child\s+)?module\b"
    r"|\bmodule\s+(?:named\s+|called\s+)?`([A-Za-z][A-Za-z0-9_-]*)`",
    re.IGNORECASE,
)
_MODULE_LIST = re.compile(
    r"\b(?:into|create|use|separate|following|with|build|write)\s+(?:[\w-]+\s+){0,2}?modules"
    r"\s*\(([A-Za-z0-9_,\s-]+)\)",
    re.IGNORECASE,
)
_IDENTIFIER = re.compile(r"`([A-Za-z_][A-Za-z0-9_]*(?:-[A-Za-z0-9_]+)*)`")
_BARE_IDENTIFIER = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+([a-z][a-z0-9]*(?:_[a-z0-9]+)+)\s*$")
_VARIABLE_WORD = re.compile(r"\b(?:variables?|inputs?|parameters?)\b", re.IGNORECASE)
#: "variables `a`, `b` and `c`" / "Outputs: `x`": the names listed right after the word.
_NAMES_AFTER = re.compile(
    r"\b(variables?|inputs?|outputs?|exports?)\b(?:\s+(?:named|called|like))?(?:\s+the)?\s*[:\-\u2014]?\s*"
    r"`[A-Za-z_][\w-]*`(?:\s*(?:,|and|or|,\s*and)\s*`[A-Za-z_][\w-]*`)*",
    re.IGNORECASE,
)
#: A line labelled "**Outputs**:" / "**Variables**:": every name on it is one.
_LABEL = re.compile(
    r"^\s*(?:(?:[-*+]|\d+[.)])\s+)?\*\*(outputs?|variables?|inputs?|parameters?)\*\*\s*:",
    re.IGNORECASE,
)
_ITEM_NAME = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+(?:\*\*)?`([A-Za-z_][\w]*)`")
_OUTPUT_WORD = re.compile(r"\b(?:outputs?|exports?)\b", re.IGNORECASE)
_LIST_ITEM = re.compile(r"^\s*(?:[-*+]|\d+[.)])\s+")
_HEADING = re.compile(r"^\s{0,3}#{1,6}\s|^\s*\*\*[^*]+\*\*:?\s*$|:\s*(?:\*\*)?\s*$")
#: "Missing key components:" followed by lines "No load balancer": each such line asks for
#: what follows its "No" (a review listing what an answer lacks).
_MISSING_INTRO = re.compile(r"\bmissing\b.*:\s*$", re.IGNORECASE)
_MISSING_ITEM = re.compile(r"^(\s*(?:[-*+]\s+)?)(no)(\s+\S)", re.IGNORECASE)
#: A heading names a topic ("**2. EC2 key pair**", "## Storage"); its list says what is asked.
_HEADING_LINE = re.compile(r"^\s{0,3}#{1,6}\s|^\s*\*\*[^*]+\*\*:?\s*$")
_MULTI_AZ = re.compile(
    r"\bmulti[\s-]?(?:az|availability[\s-]zones?)\b"
    r"|\b(?:multiple|two|2|three|3|at\s+least\s+(?:two|2))\s+(?:different\s+)?"
    r"(?:availability\s+zones|azs)\b",
    re.IGNORECASE,
)
_DATABASE = re.compile(
    r"\b(?:rds|database|databases|db|aurora|postgres(?:ql)?|mysql|mariadb)\b", re.IGNORECASE
)
_SUBNET = re.compile(r"\bsubnets?\b", re.IGNORECASE)
_AT_REST = re.compile(r"\bat[\s-]rest\b", re.IGNORECASE)
_ENCRYPT = re.compile(r"\bencrypt\w*", re.IGNORECASE)
_SSE = re.compile(r"\bserver[\s-]side\s+encryption\b|\bSSE(?:-S3|-KMS)?\b", re.IGNORECASE)
_IN_TRANSIT = re.compile(r"\bin[\s-]transit\b|\btls\b|\bhttps\b|\bssl\b", re.IGNORECASE)
_STORAGE = re.compile(
    r"\b(?:s3|buckets?|rds|databases?|db|aurora|ebs|volumes?|efs|dynamodb|storage|snapshots?"
    r"|data|disks?|tables?|parameters?|secrets?|logs?)\b",
    re.IGNORECASE,
)
_TESTS = re.compile(
    r"\b(unit|integration|automated|terratest|pytest|jest|end[\s-]to[\s-]end|e2e|infrastructure)"
    r"[\s-]+tests?\b"
    r"|\b(?:write|include|add|provide|with|and)\s+(?:some\s+|the\s+)?tests\b",
    re.IGNORECASE,
)
_NOT_TESTS = re.compile(r"\bvalidation\s+tests?\b|\btests?\s+pass", re.IGNORECASE)


@dataclass(frozen=True)
class _Sentence:
    text: str  # with inline code blanked out (same length as ``raw``)
    raw: str
    start: int  # offset in the line


def _sentences(line: str) -> Iterator[_Sentence]:
    """The sentences of a line; e.g./i.e. keep their place (their dots end no sentence)."""
    raw = re.sub(r"\be\.g\.", "e_g_", line, flags=re.IGNORECASE)
    raw = re.sub(r"\bi\.e\.", "i_e_", raw, flags=re.IGNORECASE)
    blank = _INLINE_CODE.sub(lambda m: " " * len(m.group(0)), raw)
    start = 0
    for match in _SENTENCE_END.finditer(blank):
        yield _Sentence(blank[start : match.start()], raw[start : match.start()], start)
        start = match.end()
    yield _Sentence(blank[start:], raw[start:], start)


#: A new clause begins: a negation before it does not reach past it.
_CLAUSE_BREAK = re.compile(
    r",\s*(?:and|but|then|also|plus|while|so)\b|\band\s+also\b|\bthen\b|\b(?:with|by)\s",
    re.IGNORECASE,
)
#: How far back (in words) a negation reaches within its clause.
_NEGATION_REACH = 10


def _whole_line(line: str) -> _Sentence:
    """The line as one sentence (names follow "Outputs:" across the colon)."""
    raw = re.sub(r"\be\.g\.", "e_g_", line, flags=re.IGNORECASE)
    return _Sentence(_INLINE_CODE.sub(lambda m: " " * len(m.group(0)), raw), raw, 0)


def _taken_back(sentence: _Sentence, at: int, end: int) -> bool:
    """A negation or hedge shortly before the mention at ``at`` (sentence offsets) in its
    clause, or a hedge anywhere in the sentence."""
    if _HEDGE.search(sentence.text):
        return True
    for text in (sentence.text, sentence.raw):
        before = text[:at]
        breaks = list(_CLAUSE_BREAK.finditer(before))
        clause = before[breaks[-1].end() :] if breaks else before
        reach = " ".join(clause.split()[-_NEGATION_REACH:])
        if _NEGATION.search(reach) or reach.endswith("no"):
            return True
    return False


def _qualified(sentence: _Sentence, start: int, end: int) -> bool:
    return bool(
        _QUALIFIER.match(sentence.text[end:])
        or _QUALIFIER_BEFORE.search(sentence.text[max(0, start - 60) : start])
    )


@dataclass
class _Collector:
    path: str
    found: dict[str, Requirement]
    #: the sentence being read reports a problem (``_reports_problem``)
    reporting: bool = False

    def add(
        self,
        kind: RequirementKind,
        value: str,
        title: str,
        line_number: int,
        line: str,
        said: str,
        service: Service | None = None,
    ) -> None:
        requirement = Requirement(
            kind=kind,
            value=value,
            title=title,
            place=PromptPlace(self.path, line_number, line.strip()[:_PLACE_TEXT_MAX]),
            said=said.strip(),
            terraform_types=service.terraform if service else (),
            cloudformation_types=service.cloudformation if service else (),
            registry_modules=service.modules if service else (),
            settings=service.settings if service else (),
            calls_for=service.calls_for if service else _CALLS_FOR.get((kind, value), ()),
            reported=self.reporting and kind is not RequirementKind.WAIVED,
        )
        known = self.found.get(requirement.key)
        if known is None or (known.reported and not requirement.reported):
            self.found[requirement.key] = requirement  # a request outranks a report


#: What the non-service requirements give criteria to judge (see the lexicon's calls_for).
_CALLS_FOR: dict[tuple[RequirementKind, str], tuple[str, ...]] = {
    (RequirementKind.TESTS, "unit"): ("testing.unit_tests",),
    (RequirementKind.TESTS, "any"): ("testing.unit_tests",),
    (RequirementKind.TESTS, "integration"): ("testing.integration_tests",),
    (RequirementKind.OUTPUT, ""): ("reliability.outputs",),
}


def _in_parentheses(text: str, at: int) -> bool:
    """Whether offset ``at`` lies inside an open parenthesis (an aside or an example)."""
    return text.count("(", 0, at) > text.count(")", 0, at)


def _services(
    sentence: _Sentence, services: Sequence[Service], starts: re.Pattern[str]
) -> list[tuple[Service, str]]:
    """The services a sentence asks for, overlapping mentions resolved to the longer; a
    mention inside parentheses is an aside or an example ("(RDS, S3, EBS)"), not a request.
    ``starts`` (``service_starts_pattern(services)``): most sentences name no service, and
    one search tells so without running every service's pattern."""
    offsets = [match.start() for match in starts.finditer(sentence.text)]
    if not offsets or _STATE.search(sentence.text):
        return []
    mentions = _mentions(sentence.text, services, offsets)
    mentions.sort(key=lambda m: (-(m[1] - m[0]), m[0]))
    taken: list[tuple[int, int]] = []
    chosen: list[tuple[int, Service, str]] = []
    refused: set[str] = set()
    lowered = sentence.text.lower()
    for start, end, service in mentions:
        if any(start < e and s < end for s, e in taken):
            continue
        taken.append((start, end))
        if _taken_back(sentence, start, end) or _qualified(sentence, start, end):
            refused.add(service.id)
            continue
        if _in_parentheses(sentence.text, start):
            continue
        if any(phrase in lowered for phrase in service.unless):
            continue
        chosen.append((start, service, sentence.text[start:end]))
    # a sentence that takes a service back anywhere ("an example ALB listener (no full ALB
    # build required)") does not ask for it
    kept = [c for c in chosen if c[1].id not in refused]
    return [(service, said) for _, service, said in sorted(kept, key=lambda c: c[0])]


def _mentions(
    text: str, services: Sequence[Service], offsets: Sequence[int]
) -> list[tuple[int, int, Service]]:
    """Each service's matches in ``text``, service by service, as ``service.pattern.finditer``
    finds them (left to right, not overlapping), trying only ``offsets``: the places where
    some service's pattern matches (a match of one service starts at one of them)."""
    found: list[tuple[int, int, Service]] = []
    for service in services:
        match_at = service.pattern.match
        free = 0  # finditer goes on from the end of its last match
        for offset in offsets:
            if offset < free:
                continue
            match = match_at(text, offset)
            if match is not None:
                found.append((offset, match.end(), service))
                free = match.end()
    return found


def _context_kind(text: str, at: int) -> RequirementKind | None:
    """Variables or outputs, by the nearest such word before ``at`` (else anywhere)."""
    words = [(m.start(), RequirementKind.VARIABLE) for m in _VARIABLE_WORD.finditer(text)]
    words += [(m.start(), RequirementKind.OUTPUT) for m in _OUTPUT_WORD.finditer(text)]
    if not words:
        return None
    before = [w for w in words if w[0] < at]
    return max(before)[1] if before else min(words)[1]


def read_requirements(
    text: str, path: str = "PROMPT.md", services: Sequence[Service] | None = None
) -> tuple[Requirement, ...]:
    """The requirements one prompt states, in the order it states them (one per key)."""
    services = load_lexicon() if services is None else services
    starts = service_starts_pattern(services)
    out = _Collector(path, {})
    fenced: str | None = None
    list_context: RequirementKind | None = None
    missing, listed = False, False  # under "Missing ...:"; its "No ..." lines begun
    problem_section = False  # under a heading that reports a problem ("## Error 5: ...")
    heredoc: str | None = None  # the marker that ends a pasted heredoc
    for number, line in enumerate(text.splitlines(), start=1):
        fence = _FENCE.match(line)
        if heredoc is not None:
            if line.strip() == heredoc:
                heredoc = None
                continue
            if not fence:
                continue
            heredoc = None  # a paste cut short: the markdown goes on
        if fenced is not None:
            if fence and fence.group(1)[0] == fenced[0] and len(fence.group(1)) >= len(fenced):
                fenced = None
            continue
        if fence:
            fenced = fence.group(1)
            continue
        if not line.strip():
            missing = missing and not listed  # a blank line may follow the intro, not the list
            continue
        if _CODE_LINE.match(line):
            opened = _HEREDOC_OPEN.search(line)
            heredoc = opened.group(1) if opened else None
            continue
        if _TERMINAL.search(line) or _PROBLEM_LABEL.match(line):
            continue
        item = _MISSING_ITEM.match(line) if missing else None
        if item is not None:  # "No load balancer" under "Missing ...:" asks for one
            line = item.group(1) + " " * len(item.group(2)) + line[item.end(2) :]
        listed = item is not None
        missing = bool(_MISSING_INTRO.search(line)) or listed
        is_item = bool(_LIST_ITEM.match(line))
        if not is_item:
            list_context = None
        if _HEADING_LINE.match(line) and not is_item:
            problem_section = bool(_PROBLEM_WORDS.search(line))
        _read_line(
            out, number, line, services, starts, list_context if is_item else None, problem_section
        )
        if (_HEADING.search(line) and not is_item) or (is_item and line.rstrip().endswith(":")):
            list_context = _context_kind(_INLINE_CODE.sub(" ", line), len(line))
    return tuple(out.found.values())


def _read_line(
    out: _Collector,
    number: int,
    line: str,
    services: Sequence[Service],
    starts: re.Pattern[str],
    list_context: RequirementKind | None,
    problem_section: bool,
) -> None:
    heading = bool(_HEADING_LINE.match(line))
    whole = _whole_line(line)
    _read_waivers(out, number, line)
    _read_names(out, number, line, whole, list_context)
    sentences = list(_sentences(line))
    for index, sentence in enumerate(sentences):
        out.reporting = _reports_problem(sentence.raw, problem_section)
        # a label ("**Compute Resources**: EC2 instances (if needed)") is hedged by its text
        hedged = sentence.text.rstrip(" *").endswith(":") and any(
            _HEDGE.search(after.text) for after in sentences[index + 1 :]
        )
        for service, said in [] if heading or hedged else _services(sentence, services, starts):
            out.add(RequirementKind.SERVICE, service.id, service.title, number, line, said, service)
        _read_regions(out, number, line, sentence)
        _read_instance_classes(out, number, line, sentence)
        _read_modules(out, number, line, sentence)
        _read_features(out, number, line, sentence)
    out.reporting = False


#: The prompt says the provider configuration comes from elsewhere: "(no provider block, no
#: module references)", "assume AWS providers handled elsewhere", "I already have a
#: provider.tf", "provider.tf (already present)", "Do not include any provider configuration",
#: "I have provider block defined in a different provider.tf".
_SUPPLIED_SETUP = re.compile(
    r"\bno\s+providers?\s+(?:blocks?|configurations?)\b"
    r"|\b(?:do\s+not|don'?t|dont|never)\s+(?:include|add|write|define|declare|create)\s+"
    r"(?:any\s+|a\s+|the\s+)?providers?\s+(?:blocks?|configurations?|config)\b"
    r"|\bproviders?(?:\s*/\s*backends?)?\s+(?:are|is)\s+(?:handled|configured|defined|managed)"
    r"\s+(?:elsewhere|separately)"
    r"|\bassume\s+(?:the\s+)?(?:aws\s+)?providers?\s+(?:are\s+)?(?:handled|configured|defined)"
    r"\s+(?:elsewhere|separately)"
    r"|\bprovider\.tf\b[^.\n]{0,60}?\balready\s+(?:exists?|present|defined)"
    r"|\balready\s+(?:have|has|got)\s+(?:a\s+|an\s+|the\s+|my\s+)?[`*_]*provider\.tf"
    r"|\bexisting\s+[`*_]*provider\.tf"
    r"|\bproviders?\s+blocks?\s+(?:is\s+|are\s+)?defined\b[^.\n]{0,50}\bprovider\.tf\b",
    re.IGNORECASE,
)


#: The prompt asks for names without random suffixes: "Dont use random id's", "no random
#: suffixes", "avoid random_id" (a random *password* or user name is another matter).
_NO_RANDOM_NAMES = re.compile(
    r"\b(?:do\s+not|don'?t|dont|never|avoid|no|without)\s+(?:use\s+|using\s+|add\s+|adding\s+)?"
    r"(?:any\s+)?random(?:[\s_-]+(?:ids?|id'?s|suffix(?:es)?|strings?|pets?|names?))\b",
    re.IGNORECASE,
)
_WAIVERS = (
    (
        _SUPPLIED_SETUP,
        PROVIDER_SETUP,
        "the provider configuration (provider blocks, backend, version pins)",
    ),
    (_NO_RANDOM_NAMES, RANDOM_NAMES, "random name suffixes"),
)


def _read_waivers(out: _Collector, number: int, line: str) -> None:
    for pattern, value, title in _WAIVERS:
        match = pattern.search(line)
        if match is not None:
            out.add(RequirementKind.WAIVED, value, title, number, line, match.group(0))


def _read_regions(out: _Collector, number: int, line: str, sentence: _Sentence) -> None:
    for match in _REGION.finditer(sentence.raw):
        if not _taken_back(sentence, match.start(), match.end()):
            region = match.group(1).lower()
            out.add(RequirementKind.REGION, region, f"region {region}", number, line, region)


def _read_instance_classes(out: _Collector, number: int, line: str, sentence: _Sentence) -> None:
    for match in _INSTANCE_CLASS.finditer(sentence.raw):
        if not _taken_back(sentence, match.start(), match.end()):
            value = match.group(1).lower()
            out.add(
                RequirementKind.INSTANCE_CLASS, value, f"instance class {value}", number, line,
                value,
            )  # fmt: skip


def _read_modules(out: _Collector, number: int, line: str, sentence: _Sentence) -> None:
    names: list[tuple[int, str]] = []
    names += [(m.start(), m.group(1) or m.group(2)) for m in _MODULE_NAMED.finditer(sentence.raw)]
    for match in _MODULE_LIST.finditer(sentence.raw):
        for item in re.split(r",|\band\b", match.group(1)):
            if re.fullmatch(r"\s*[A-Za-z][A-Za-z0-9_-]*\s*", item):
                names.append((match.start(), item.strip()))
    for at, name in sorted(names, key=lambda n: n[0]):
        if not _taken_back(sentence, at, at):
            out.add(RequirementKind.MODULE, name, f"module {name}", number, line, name)


def _read_names(
    out: _Collector,
    number: int,
    line: str,
    sentence: _Sentence,
    list_context: RequirementKind | None,
) -> None:
    """Names right after "variables"/"outputs" ("Outputs: `vpc_id`, `alb_dns_name`"), or the
    name that opens an item of a list under such a line (``* `VpcCidr` (default ...)``): a
    name elsewhere in prose is talk about code, not a request."""
    found: list[tuple[int, str, RequirementKind]] = []
    for match in _NAMES_AFTER.finditer(sentence.raw):
        kind = (
            RequirementKind.OUTPUT
            if _OUTPUT_WORD.fullmatch(match.group(1))
            else RequirementKind.VARIABLE
        )
        for named in _IDENTIFIER.finditer(match.group(0)):
            found.append((match.start() + named.start(), named.group(1), kind))
    label = _LABEL.match(line)
    if label is not None:
        labelled = (
            RequirementKind.OUTPUT
            if _OUTPUT_WORD.fullmatch(label.group(1))
            else RequirementKind.VARIABLE
        )
        found += [(m.start(), m.group(1), labelled) for m in _IDENTIFIER.finditer(sentence.raw)]
    if list_context is not None and sentence.start == 0:
        first = _ITEM_NAME.match(sentence.raw) or _BARE_IDENTIFIER.match(sentence.raw)
        if first:
            found.append((first.start(1), first.group(1), list_context))
    for at, name, kind in found:
        if _taken_back(sentence, at, at) or _REGION.fullmatch(name):
            continue
        word = "variable" if kind is RequirementKind.VARIABLE else "output"
        out.add(kind, name, f"{word} {name}", number, line, name)


def _read_features(out: _Collector, number: int, line: str, sentence: _Sentence) -> None:
    text = sentence.text
    if _STATE.search(text):
        return  # the state bucket's encryption or AZs are not the stack's
    multi = _MULTI_AZ.search(text)
    if multi and not _taken_back(sentence, multi.start(), multi.end()):
        near = text[max(0, multi.start() - 60) : multi.end() + 40]
        database = bool(_DATABASE.search(near)) and not _SUBNET.search(near)
        value = "database" if database else "network"
        title = "a Multi-AZ database" if database else "resources spread over several AZs"
        out.add(RequirementKind.MULTI_AZ, value, title, number, line, multi.group(0))
    encrypt = _ENCRYPT.search(text)
    at_rest = _AT_REST.search(text)
    sse = _SSE.search(sentence.raw)
    said = None
    if sse is not None and not _taken_back(sentence, sse.start(), sse.end()):
        said = sse.group(0)
    elif (
        encrypt is not None
        and not _taken_back(sentence, encrypt.start(), encrypt.end())
        and (at_rest is not None or (_STORAGE.search(text) and not _IN_TRANSIT.search(text)))
    ):
        said = encrypt.group(0)
    if said is not None:
        out.add(RequirementKind.ENCRYPTION_AT_REST, "", "encryption at rest", number, line, said)
    for tests in _TESTS.finditer(text):
        if _NOT_TESTS.search(text) or _taken_back(sentence, tests.start(), 0):
            continue
        kind = (tests.group(1) or "").lower()
        value = (
            "integration"
            if kind in ("integration", "end to end", "end-to-end", "e2e")
            else "unit"
            if kind in ("unit", "terratest", "pytest", "jest")
            else "any"
        )
        out.add(RequirementKind.TESTS, value, f"{value} tests".replace("any ", ""), number,
                line, tests.group(0))  # fmt: skip


#: A prompt is read up to this size (a task statement is a few kilobytes; what follows a
#: runaway paste is not read).
MAX_PROMPT_BYTES = 4 * 1024 * 1024


def read_prompt_file(path: Path, name: str | None = None) -> tuple[Requirement, ...]:
    """One prompt file's requirements; ``name`` is how evidence names it (its file name). At
    most ``MAX_PROMPT_BYTES`` are read."""
    try:
        with open_input(path) as handle:
            data = handle.read(MAX_PROMPT_BYTES)
    except OSError as error:
        raise PromptError(f"{path}: cannot read prompt ({error.strerror})") from error
    text = data.decode("utf-8-sig", errors="replace")
    return read_requirements(text, name or path.name)


def read_prompts(
    paths: Sequence[Path],
    read_file: Callable[[Path], tuple[Requirement, ...]] = read_prompt_file,
    earlier: Sequence[Path] = (),
) -> PromptRequirements:
    """The requirements of several prompts (a task's turns, in order), one per key: a
    requirement a later turn repeats keeps its first place. ``read_file``: one file's
    requirements (``read_prompt_file``, or a caller's cache of it). What the prompt waives
    (``RequirementKind.WAIVED``) is read from the task's first prompt only, which states the
    task (a later turn's "no provider block" reports an error; it does not describe the
    task): the first of ``earlier`` (the turns before ``paths``, a follow-up's) and
    ``paths``. A later turn's requirements said only in reports of problems with the code
    that exists (``Requirement.reported``) are left out: they name what is there."""
    found: dict[str, Requirement] = {}
    waived: dict[str, Requirement] = {}
    first = next(iter((*earlier, *paths)), None)
    for requirement in read_file(first) if first is not None and earlier else ():
        if requirement.kind is RequirementKind.WAIVED:
            waived.setdefault(requirement.key, requirement)
    for path in paths:
        for requirement in read_file(path):
            if requirement.kind is RequirementKind.WAIVED:
                if path == first:
                    waived.setdefault(requirement.key, requirement)
                continue
            if requirement.reported and path != first:
                continue  # a follow-up's report of what fails asks for nothing
            found.setdefault(requirement.key, requirement)
    return PromptRequirements(
        tuple(p.name for p in paths), tuple(found.values()), tuple(waived.values())
    )
