"""Completeness checks: the response delivered whole, valid, self-consistent Terraform.

They read what extraction and the Terraform model already found (truncation diagnostics,
directory drawings, pygohcl verdicts, validation diagnostics) plus a scan of code for
placeholders, and two task-parameter checks (required modules and resource types) that are
``na`` unless a task rubric names what the task needs.
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache

from harness.checks.complete import CATEGORY
from harness.checks.registry import ANY_LANGUAGE, NoParams, check
from harness.checks.types import (
    CheckContext,
    Evidence,
    Finding,
    failed,
    not_applicable,
    passed,
)
from harness.extract.types import ExtractedFile, FileTree
from harness.terraform.model import Configuration
from harness.vocabulary import Diagnostic, Severity, Span

#: Languages whose blocks are code (scanned for placeholders); prose-like blocks are not.
CODE_LANGUAGES = frozenset(
    {"hcl", "terraform", "tfvars", "bash", "sh", "python", "go", "typescript", "javascript"}
    | {"yaml", "json", "dockerfile", "hcl-test"}
)
_HCL = frozenset({"hcl", "terraform", "tfvars"})
_COMMENT = {
    "python": r"#",
    "bash": r"#",
    "sh": r"#",
    "yaml": r"#",
    "dockerfile": r"#",
    "go": r"//",
    "typescript": r"//",
    "javascript": r"//",
    "json": r"//",
}
_HCL_COMMENT = r"(?:#|//|/\*)"
#: Phrases that stand in for code that was not written (matched inside comments).
_PLACEHOLDER_PHRASES = re.compile(
    r"\b(?:TODO|FIXME|TBD|XXX)\b"
    r"|rest of (?:the )?(?:configuration|config|code|resources?|file|module|implementation)"
    r"|remaining (?:resources|configuration|code|modules|files|outputs|variables)"
    r"|(?:omitted|truncated|abbreviated|shortened) for brevity|for brevity"
    r"|same as (?:above|before|previous)"
    r"|(?:add|include|implement) (?:more|additional|other|the rest|remaining)\b"
    r"|(?:your|actual) (?:code|implementation|logic) here|implement(?:ation)? here"
    r"|(?:existing|previous|other) (?:code|configuration|resources) (?:remains?|unchanged|here)"
    r"|\.\.\.\s*(?:existing|previous|other|more|rest|remaining)",
    re.IGNORECASE,
)
#: A line that is only an ellipsis (optionally commented): elided code.
_ELLIPSIS_LINE = re.compile(r"^\s*(?:(?:#|//|/\*)\s*)?(?:\.\.\.|…)\s*(?:\*/)?\s*$")
#: ``<YOUR_VALUE>``-style slots in HCL (not heredoc ``<<EOF`` nor ``<=`` comparisons).
_ANGLE_SLOT = re.compile(r"(?<![<\w])<(?=[A-Za-z_-]*[A-Z_]{2}|[a-z]*your)[A-Za-z][\w .-]{1,40}>")
_MAX_HITS_PER_FILE = 10


@dataclass(frozen=True)
class Placeholder:
    path: str
    line: int
    text: str
    kind: str  # "ellipsis", "phrase", "slot"


def _comment_part(line: str, language: str) -> str | None:
    marker = _HCL_COMMENT if language in _HCL else _COMMENT.get(language)
    if marker is None:
        return None
    match = re.search(marker, line)
    return line[match.start() :] if match else None


#: Cheap whole-file pre-filter: only lines holding one of these are examined.
_CANDIDATE = re.compile(r"\.\.\.|…|<|#|//|/\*")


def _candidate_lines(content: str) -> list[tuple[int, str]]:
    """(1-based number, text) of the lines the pre-filter selects, numbered as
    ``str.splitlines`` numbers them (as evidence snippets do)."""
    lines = content.splitlines(keepends=True)
    starts = list(itertools.accumulate((len(line) for line in lines), initial=0))
    numbers = sorted({bisect.bisect_right(starts, m.start()) for m in _CANDIDATE.finditer(content)})
    return [(n, lines[n - 1].rstrip("\r\n")) for n in numbers if 0 < n <= len(lines)]


@lru_cache(maxsize=512)
def placeholders_in(file: ExtractedFile) -> tuple[Placeholder, ...]:
    """Placeholder hits in one code file: elided-code ellipses, stand-in phrases in comments,
    and ``<YOUR_VALUE>`` slots in HCL. (Cached: the tone checks ask again.)"""
    language = file.language.lower()
    if language not in CODE_LANGUAGES and not file.path.endswith((".tf", ".tfvars", ".hcl")):
        return ()
    hcl = language in _HCL or file.path.endswith((".tf", ".tfvars", ".hcl"))
    hits: list[Placeholder] = []
    for number, line in _candidate_lines(file.content):
        if _ELLIPSIS_LINE.match(line) and (hcl or _comment_part(line, language) is not None):
            hits.append(Placeholder(file.path, number, line.strip(), "ellipsis"))
            continue
        comment = _comment_part(line, "hcl" if hcl else language)
        if comment is not None and _PLACEHOLDER_PHRASES.search(comment):
            hits.append(Placeholder(file.path, number, line.strip(), "phrase"))
            continue
        if hcl and not line.lstrip().startswith(("#", "//")):
            slot = _ANGLE_SLOT.search(line)
            if slot:
                hits.append(Placeholder(file.path, number, line.strip(), "slot"))
    return tuple(hits)


def code_files(tree: FileTree) -> list[ExtractedFile]:
    return [
        f
        for f in tree.files
        if f.language.lower() in CODE_LANGUAGES or f.path.endswith((".tf", ".tfvars", ".hcl"))
    ]


def truncation_diagnostics(tree: FileTree) -> list[Diagnostic]:
    return [d for d in tree.diagnostics if "truncat" in d.code.lower()]


# -- promised files -----------------------------------------------------------------------

#: Files a directory drawing may show that nobody writes by hand (generated or state).
_GENERATED = re.compile(
    r"(^|/)(\.terraform(/|$)|\.terraform\.lock\.hcl$|terraform\.tfstate(\.backup)?$|"
    r"[^/]*\.tfplan$|tfplan$|node_modules/|__pycache__/|\.git/|crash\.log$|\.DS_Store$)"
)


def _strip_common_root(promised: list[str], paths: set[str]) -> list[str]:
    """Drop a project folder shared by every promised path when the tree has no such
    folder (``my-stack/main.tf`` in the drawing vs ``main.tf`` in the response)."""
    heads = {p.split("/", 1)[0] for p in promised}
    if len(heads) != 1 or not all("/" in p for p in promised):
        return promised
    head = heads.pop()
    if any(p.split("/", 1)[0] == head for p in paths):
        return promised
    return [p.split("/", 1)[1] for p in promised]


def promised_status(tree: FileTree) -> list[tuple[str, str | None]]:
    """Each promised file (as drawn) with the extracted path that delivers it, or None."""
    paths = set(tree.paths)
    drawn = [
        p for p in tree.promised_files if p and not p.endswith("/") and not _GENERATED.search(p)
    ]
    normalised = _strip_common_root(drawn, paths)
    result: list[tuple[str, str | None]] = []
    for original, wanted in zip(drawn, normalised, strict=True):
        match = wanted if wanted in paths else None
        if match is None:  # the response put everything under one folder (lib/, src/)
            match = next((p for p in sorted(paths) if p.endswith("/" + wanted)), None)
        result.append((original, match))
    return result


def missing_promised(tree: FileTree) -> list[str]:
    return [p for p, found in promised_status(tree) if found is None]


# -- the checks ---------------------------------------------------------------------------


def _diagnostic_evidence(ctx: CheckContext, diagnostic: Diagnostic) -> Evidence:
    if diagnostic.span is not None and ctx.tree.get(diagnostic.span.path) is not None:
        return ctx.evidence(diagnostic.span, note=diagnostic.message)
    return Evidence.from_response(diagnostic.line, diagnostic.message, note=diagnostic.code)


@check("complete.no_truncation", CATEGORY, languages=ANY_LANGUAGE)
def no_truncation(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """The response is not cut off in the middle of a code block.

    What it checks:
        Fails when extraction found an unclosed code fence at the end of the response (the
        generation stopped mid-file), citing the file it was writing. Passes when every code
        block is closed; na for an empty response.

    Why it matters:
        A truncated answer leaves a file half written: the configuration cannot be applied and
        everything promised after the cut is missing.

    Example:
        Failing: the response ends inside ```` ```hcl ```` while writing ``modules/rds/main.tf``.
        Passing: every fence is closed and the answer ends with its summary.
    """
    diagnostics = truncation_diagnostics(ctx.tree)
    if ctx.tree.truncated or diagnostics:
        evidence = [_diagnostic_evidence(ctx, d) for d in diagnostics]
        cut = next((d.span.path for d in diagnostics if d.span is not None), None)
        lines = [d.line for d in diagnostics if d.line is not None]
        if cut is None and lines:  # the file whose fence opens at the diagnostic's line
            cut = next(
                (
                    f.path
                    for f in ctx.tree.files
                    if f.origin.start_line <= lines[0] <= f.origin.end_line
                ),
                None,
            )
        where = f" while writing {cut}" if cut else ""
        yield failed(f"the response is cut off{where}", *evidence, subject=cut or "response")
    elif not ctx.tree.files and not ctx.tree.prose:
        yield not_applicable("empty response")
    else:
        yield passed(f"all {len(ctx.tree.files)} code blocks are closed", subject="response")


@check("complete.no_placeholders", CATEGORY, languages=ANY_LANGUAGE)
def no_placeholders(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Code files hold real code, not placeholders for code that was never written.

    What it checks:
        Scans every code file for stand-ins: a line that is only ``...``, comments such as
        "rest of configuration", "same as above", "omitted for brevity", ``TODO``/``FIXME``,
        and ``<YOUR_VALUE>`` slots in Terraform. One finding per file: clean files pass, a
        file with placeholders fails with each hit's line. na when there is no code.

    Why it matters:
        A placeholder is code the user must write themselves; a configuration that looks
        complete but is not fails at apply time or, worse, deploys half the stack.

    Example:
        Failing: ``# ... rest of the configuration`` or ``bucket = "<YOUR_BUCKET>"``.
        Passing: every resource written out in full.
    """
    files = code_files(ctx.tree)
    if not files:
        yield not_applicable("no code files")
        return
    for file in files:
        hits = placeholders_in(file)
        if not hits:
            yield passed(f"{file.path} has no placeholders", subject=file.path)
            continue
        evidence = [
            ctx.evidence(Span(file.path, hit.line), note=f"{hit.kind}: {hit.text[:80]}")
            for hit in hits[:_MAX_HITS_PER_FILE]
        ]
        first = hits[0]
        yield failed(
            f"{file.path}:{first.line} placeholder {first.text[:60]!r}"
            + (f" (+{len(hits) - 1} more)" if len(hits) > 1 else ""),
            *evidence,
            subject=file.path,
        )


@check("complete.promised_files", CATEGORY, languages=ANY_LANGUAGE)
def promised_files(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every file shown in the response's own directory drawing is delivered.

    What it checks:
        Compares the files a ``├──``/``└──`` directory drawing in the response promises with
        the files the response actually writes (a shared project folder in the drawing and a
        ``lib/``-style prefix in the response are tolerated). Each promised file passes or
        fails; generated files (``.terraform.lock.hcl``, state) are ignored. na when the
        response draws no tree.

    Why it matters:
        The drawing is the response's own promise; a missing module file means the
        configuration references code that does not exist.

    Example:
        Failing: the drawing lists ``modules/database/outputs.tf`` but no such block exists.
        Passing: every drawn file has a code block with that path.
    """
    status = promised_status(ctx.tree)
    if not status:
        yield not_applicable("no directory drawing promises files")
        return
    for promised, found in status:
        if found is None:
            yield failed(f"{promised} is promised but not written", subject=promised)
        else:
            origin = ctx.tree.get(found)
            evidence = ctx.evidence(Span(found, 1)) if origin is not None else None
            yield passed(
                f"{promised} is written", *([evidence] if evidence else []), subject=promised
            )


@check("complete.modules_resolve", CATEGORY)
def modules_resolve(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every module directory is internally consistent (static validation).

    What it checks:
        Reads the Terraform model's static validation (stage ``validate``): undeclared
        variables, locals, resources or module outputs, module calls whose local source does
        not exist, arguments a module does not declare, required inputs left unset. One
        finding per module directory (and per unresolved local module call): pass when it
        has no validation error. na when there is no Terraform.

    Why it matters:
        ``terraform validate`` would reject these before any plan; a reference to something
        that does not exist is the most common way generated modules fail to wire together.

    Example:
        Failing: ``module "db" { source = "./modules/database" }`` with no such directory, or
        ``var.db_password`` used in a module that declares no such variable.
        Passing: every reference resolves to a declaration.
    """
    config = ctx.config
    if config.is_empty or not config.modules:
        yield not_applicable("no Terraform to validate")
        return
    errors = [
        d for d in config.diagnostics if d.stage == "validate" and d.severity is Severity.ERROR
    ]
    by_module: dict[str, list[Diagnostic]] = {path: [] for path in config.modules}
    unplaced: list[Diagnostic] = []
    for diagnostic in errors:
        owner = _owner(diagnostic, config)
        (by_module[owner] if owner is not None else unplaced).append(diagnostic)
    for path in sorted(by_module):
        name = path or "root module"
        found = by_module[path]
        if not found:
            yield passed(f"{name}: every reference resolves", subject=name)
            continue
        evidence = [_diagnostic_evidence(ctx, d) for d in found[:_MAX_HITS_PER_FILE]]
        more = f" (+{len(found) - 1} more)" if len(found) > 1 else ""
        yield failed(f"{name}: {found[0].message}{more}", *evidence, subject=name)
    for diagnostic in unplaced:
        yield failed(
            diagnostic.message, _diagnostic_evidence(ctx, diagnostic), subject=diagnostic.code
        )


def _owner(diagnostic: Diagnostic, config: Configuration) -> str | None:
    if diagnostic.span is None:
        return None
    source = config.files.get(diagnostic.span.path)
    if source is not None and source.module in config.modules:
        return source.module
    directory = diagnostic.span.path.rpartition("/")[0]
    return directory if directory in config.modules else None


@check("complete.syntax_valid", CATEGORY)
def syntax_valid(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every Terraform file parses with HashiCorp's own HCL parser.

    What it checks:
        One finding per HCL file from the model's syntax verdict (pygohcl, the Go HCL
        parser Terraform uses): pass when it parses, fail with the parser's message and line.
        A response with no Terraform file at all fails.

    Why it matters:
        A file Terraform cannot parse stops ``init``/``plan`` for the whole configuration;
        nothing else in it can be trusted to work.

    Example:
        Failing: a missing closing brace, ``...`` where an argument should be.
        Passing: ``resource "aws_s3_bucket" "logs" { bucket = var.name }``.
    """
    files = ctx.config.files
    if not files:
        yield failed("the response contains no Terraform (HCL) file", subject="response")
        return
    for path in sorted(files):
        source = files[path]
        if source.valid:
            yield passed(f"{path} parses", subject=path)
            continue
        line = source.error_line or 1
        evidence = ctx.evidence(Span(path, line), note=source.error or "")
        yield failed(f"{path}:{line}: {source.error or 'does not parse'}", evidence, subject=path)
