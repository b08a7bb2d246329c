"""No password, secret or access key written into the code."""

from __future__ import annotations

import functools
import re
from collections.abc import Callable, Iterator

from harness.checks.common import (
    resources_of,
    short,
    strings_of,
    subject_of,
    values_of,
)
from harness.checks.registry import NoParams, check
from harness.checks.security import CATEGORY
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.terraform.model import Attribute, Block, Expr, ExprKind
from harness.vocabulary import Span

_SENSITIVE = re.compile(
    r"(^|_)(password|passwd|secret|secret_key|access_key|secret_access_key|api_key|apikey|"
    r"token|auth_token|private_key|client_secret|secret_string|credentials?)$",
    re.IGNORECASE,
)


@functools.lru_cache(maxsize=4096)
def _sensitive(name: str) -> bool:
    """Whether an attribute or key name is secret-like (``_SENSITIVE``). Asked of every
    attribute and object key of every response (64k times a corpus run) about a few
    hundred distinct names: a pure function of the name, so kept per name."""
    return _SENSITIVE.search(name) is not None


_SENSITIVE_NAME = re.compile(r"password|passwd|secret|token|api_?key|private_key|credential", re.I)
_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
_TFVARS_LINE = re.compile(r'^\s*([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"')


def _literal(expr: Expr) -> str | None:
    value = expr.literal_string()
    return value if value else None


@check("security.no_hardcoded_secrets", CATEGORY, params=NoParams)
def no_hardcoded_secrets(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """No password, secret or access key is written into the code.

    What it checks:
        Attributes named like secrets (``password``, ``master_password``, ``secret_key``,
        ``access_key``, ``token``, ``api_key``, ``secret_string``, ``*_password``...) in
        resources, providers and module calls, keys of that kind inside objects
        (``jsonencode({password = ...})``), SSM parameters named like secrets: each is a
        finding that fails when its value is a literal, or resolves (through variables and
        module inputs) to a literal. Variables named like secrets (or ``sensitive = true``)
        fail when their default is a non-empty string; ``.tfvars`` files are read the same way;
        any AWS access key id (``AKIA...``) anywhere in the code fails. References and
        ``random_password`` results always pass. Code with nothing secret-like in it passes
        (the prohibition holds); na only without code.

    Why it matters:
        Code is committed, shared and pasted into tickets; a secret in it is leaked for good
        and must be rotated. Secrets belong in generated values (``random_password``), a
        secrets manager, or deploy-time inputs with no default.

    Example:
        Failing::

            resource "aws_db_instance" "main" {
              password = "SuperSecret123!"
            }

        Passing::

            resource "aws_db_instance" "main" {
              password = random_password.db.result
            }
    """
    reported: set[Span] = set()
    findings: list[Finding] = []
    for module, block, owner in _blocks(ctx):
        for attribute, path in _sensitive_attributes(block):
            finding = _judge_value(ctx, attribute, module, f"{owner()}.{path}", reported)
            findings += [finding] if finding is not None else []
    for resource in resources_of(ctx.config, ("aws_ssm_parameter",)):
        value = resource.block.attr("value")
        name = " ".join(strings_of(ctx.config, resource.get("name"), resource.module) or ())
        if value is not None and _SENSITIVE_NAME.search(f"{resource.name} {name}"):
            subject = f"{subject_of(ctx.config, resource)}.value"
            finding = _judge_value(ctx, value, resource.module, subject, reported)
            findings += [finding] if finding is not None else []
    findings += _variable_findings(ctx, reported)
    findings += _text_findings(ctx, {(s.path, line) for s in reported for line in _lines(s)})
    if not findings:
        # a prohibition holds where there is code and none of it breaks it: a reviewer signs
        # "no hard-coded secrets" for code without any (na only when there is no code)
        if any(True for _ in ctx.config.resources()) or len(ctx.tree) > 0:
            yield passed("no secret-like attribute, variable or key holds a literal")
        else:
            yield not_applicable("no code to judge")
        return
    yield from findings


def _blocks(ctx: CheckContext) -> Iterator[tuple[str, Block, Callable[[], str]]]:
    """Every resource, provider and module call block with its module and its owner's name
    (asked only of the few blocks with a secret-like attribute: a resource's address in a
    child module walks the module calls)."""
    for resource in (*ctx.config.resources(),):
        yield resource.module, resource.block, functools.partial(subject_of, ctx.config, resource)
    for path in sorted(ctx.config.modules):
        module = ctx.config.modules[path]
        prefix = "" if path == ctx.config.root else f"{path}/"
        for provider in module.providers:
            yield path, provider.block, _named(f"{prefix}provider.{provider.name}")
        for call in module.calls:
            yield path, call.block, _named(f"{prefix}module.{call.name}")


def _named(name: str) -> Callable[[], str]:
    return lambda: name


def _sensitive_attributes(block: Block, prefix: str = "") -> Iterator[tuple[Attribute, str]]:
    """Secret-like attributes of a block and its nested blocks; for an attribute holding an
    object or ``jsonencode({...})`` with secret-like keys, those keys instead."""
    for attribute in block.attributes:
        path = f"{prefix}{attribute.name}"
        expr = attribute.expr
        # only objects hold keys (``object()`` is {} for anything else, and a jsonencode call
        # is part of its expression's text): most attributes skip the key scan
        keyed = expr.kind is ExprKind.OBJECT or "jsonencode" in expr.text
        inner = list(_sensitive_keys(expr, path)) if keyed else []
        if inner:
            yield from inner
        elif _sensitive(attribute.name):
            yield attribute, path
    for child in block.blocks:
        if child.kind not in ("lifecycle", "provisioner", "connection"):
            yield from _sensitive_attributes(child, f"{prefix}{child.kind}.")


def _sensitive_keys(expr: Expr, path: str) -> Iterator[tuple[Attribute, str]]:
    objects = [expr]
    if "jsonencode" in expr.text:  # a call is part of its expression's source text
        objects += [c.items[0] for c in expr.calls("jsonencode") if c.items]
    for obj in objects:
        for key, item in obj.object().items():
            clean = key.strip('"')
            if _sensitive(clean):
                yield Attribute(clean, item, item.span), f"{path}.{clean}"


def _judge_value(
    ctx: CheckContext, attribute: Attribute, module: str, subject: str, reported: set[Span]
) -> Finding | None:
    """A finding for one secret-like attribute; None when its literal was already reported
    (a module argument and the attribute it feeds share one literal)."""
    evidence = ctx.evidence(attribute.span)
    literal = _literal(attribute.expr)
    if literal is not None:
        reported.add(attribute.expr.span)
        return failed(
            f"{subject.rsplit('.', 1)[-1]} is a literal in the code", evidence, subject=subject
        )
    for value in values_of(ctx.config, attribute.expr, module):
        if value.known and isinstance(value.value, str) and value.value and value.via:
            if value.expr.span in reported:
                return None
            reported.add(value.expr.span)
            return failed(
                f"{subject.rsplit('.', 1)[-1]} resolves to a literal set at "
                f"{value.expr.span.path}:{value.expr.span.start_line}",
                evidence,
                ctx.evidence(value.expr.span, "literal value"),
                subject=subject,
            )
    return passed(
        f"{subject.rsplit('.', 1)[-1]} = {short(attribute.expr.text)} (not a literal)",
        evidence,
        subject=subject,
    )


def _variable_findings(ctx: CheckContext, reported: set[Span]) -> list[Finding]:
    findings: list[Finding] = []
    for path in sorted(ctx.config.modules):
        module = ctx.config.modules[path]
        prefix = "" if path == ctx.config.root else f"{path}/"
        for name, variable in module.variables.items():
            if not _SENSITIVE.search(name):
                continue  # sensitive = true alone marks usernames too; those are traced
            subject = f"{prefix}var.{name}"
            default = variable.default
            if default is None:
                findings.append(
                    passed(
                        "no default: supplied at deploy time",
                        ctx.evidence(variable.block.span),
                        subject=subject,
                    )
                )
                continue
            literal = _literal(default)
            if literal is None or default.span in reported:
                if default.span not in reported:
                    findings.append(
                        passed(
                            f"default = {short(default.text)} (empty or not a literal)",
                            ctx.evidence(default.span),
                            subject=subject,
                        )
                    )
                continue
            reported.add(default.span)
            findings.append(
                failed(
                    f"variable {name} has a literal default: the secret is in the code",
                    ctx.evidence(default.span),
                    subject=subject,
                )
            )
    return findings


def _lines(span: Span) -> range:
    return range(span.start_line, span.last_line + 1)


def _text_findings(ctx: CheckContext, seen: set[tuple[str, int]]) -> list[Finding]:
    """AWS access key ids anywhere in Terraform files (lines not already reported), and
    secret-like lines of .tfvars files."""
    findings: list[Finding] = []
    for file in ctx.tree.files:
        is_tfvars = file.path.endswith((".tfvars", ".tfvars.json")) or file.language == "tfvars"
        if file.language not in ("hcl", "tfvars", "json") and not is_tfvars:
            continue
        text = file.content
        if not is_tfvars and (
            ("AKIA" not in text and "ASIA" not in text) or not _ACCESS_KEY.search(text)
        ):
            continue  # a key id never spans lines: no match in the file, none in a line
        for number, line in enumerate(file.content.splitlines(), start=1):
            for match in _ACCESS_KEY.finditer(line):
                if "EXAMPLE" not in match.group(0) and (file.path, number) not in seen:
                    findings.append(
                        failed(
                            "AWS access key id in the code",
                            ctx.evidence(Span(file.path, number)),
                            subject=f"{file.path}:{number}",
                        )
                    )
            hit = _TFVARS_LINE.match(line) if is_tfvars else None
            if (
                hit
                and _SENSITIVE.search(hit.group(1))
                and hit.group(2)
                and (file.path, number) not in seen
            ):
                findings.append(
                    failed(
                        f"{hit.group(1)} is set to a literal in {file.path}",
                        ctx.evidence(Span(file.path, number)),
                        subject=f"{file.path}:{hit.group(1)}",
                    )
                )
    return findings
