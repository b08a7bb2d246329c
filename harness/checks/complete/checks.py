"""Completeness checks: the response delivered whole, valid, self-consistent Terraform.

They read what extraction and the Terraform model already found (truncation diagnostics,
directory drawings, pygohcl verdicts, validation diagnostics) plus a scan of code for
placeholders, and two task-parameter checks (required modules and resource types) that are
``na`` unless a task rubric names what the task needs.
"""

from __future__ import annotations

from collections.abc import Iterator

from harness.checks.common.files import (
    code_files,
    placeholders_in,
    promised_status,
    truncation_diagnostics,
)
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
from harness.terraform.model import Configuration
from harness.vocabulary import Diagnostic, Severity, Span

# -- the checks ---------------------------------------------------------------------------


def _diagnostic_evidence(ctx: CheckContext, diagnostic: Diagnostic) -> Evidence:
    if diagnostic.span is not None and ctx.tree.get(diagnostic.span.path) is not None:
        return ctx.evidence(diagnostic.span, note=diagnostic.message)
    return Evidence.from_response(diagnostic.line, diagnostic.message, note=diagnostic.code)


@check("complete.no_truncation", CATEGORY, languages=ANY_LANGUAGE, judges_task=False)
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


@check("complete.no_placeholders", CATEGORY, languages=ANY_LANGUAGE, judges_task=False)
def no_placeholders(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Code files hold real code, not placeholders for code that was never written.

    What it checks:
        Scans every code file for stand-ins: a line that is only ``...``, comments such as
        "rest of configuration", "same as above", "omitted for brevity", ``TODO``/``FIXME``,
        and ``<YOUR_VALUE>`` slots in Terraform. A clean file passes; a file with placeholders
        fails once per placeholder (a second placeholder is a second fault), each with its
        line. na when there is no code.

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
        for hit in hits:
            yield failed(
                f"{file.path}:{hit.line} placeholder {hit.text[:60]!r}",
                ctx.evidence(Span(file.path, hit.line), note=f"{hit.kind}: {hit.text[:80]}"),
                subject=file.path,
            )


@check("complete.promised_files", CATEGORY, languages=ANY_LANGUAGE, judges_task=False)
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


@check("complete.modules_resolve", CATEGORY, judges_task=False)
def modules_resolve(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every module directory is internally consistent (static validation).

    What it checks:
        Reads the Terraform model's static validation (stage ``validate``): undeclared
        variables, locals, resources or module outputs, module calls whose local source does
        not exist, arguments a module does not declare, required inputs left unset; the
        meta-arguments Terraform reads before it evaluates anything (a computed or quoted
        ``provider`` reference, ``depends_on`` that is not a list of whole-object
        references, ``count`` beside ``for_each``); a quoted type constraint (``type =
        "string"``), an argument a variable or output does not take, an output without a
        value, a block name that is not an identifier; what ``count`` and ``for_each``
        change (``count.index`` or ``each.value`` in a block that sets neither,
        ``aws_eip.nat.id`` where ``aws_eip.nat`` sets ``count`` and names no instance, a
        resource's ``for_each`` over a list); values Terraform reads before any variable
        exists (a backend, ``required_version``, ``required_providers``, a variable default
        or a lifecycle flag that uses a reference or a function); a second backend or
        ``required_providers`` block in one module (override files aside); a root module
        output built from a sensitive value (a ``sensitive`` variable,
        ``random_password.*.result``, a module output marked sensitive, ...) not marked
        ``sensitive = true``; resources, data sources or locals that refer to each other in
        a circle (two security groups whose inline rules name each other) or a block that
        names itself; and a module call with ``count``, ``for_each`` or ``depends_on`` whose
        module configures its own provider. A module directory without a validation error
        passes; one with errors fails once per error (each is a separate fix), as does each
        unresolved local module call. na when there is no Terraform.

    Why it matters:
        ``terraform validate``, ``init`` or ``plan`` would stop on these before anything is
        created; a reference to something that does not exist is the most common way
        generated modules fail to wire together.

    Example:
        Failing: ``module "db" { source = "./modules/database" }`` with no such directory,
        ``var.db_password`` used in a module that declares no such variable, or
        ``backend "s3" { bucket = "${var.env}-state" }``.
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
        for diagnostic in found:
            yield failed(
                f"{name}: {diagnostic.message}",
                _diagnostic_evidence(ctx, diagnostic),
                subject=name,
            )
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


@check("complete.syntax_valid", CATEGORY, judges_task=False)
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
