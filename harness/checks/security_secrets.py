"""Secret checks: database passwords are generated safely, and no secret is written in the code."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import Field

from harness.checks.common import (
    bool_of,
    describe_route,
    evidence_at,
    number_of,
    origins,
    resources_of,
    route,
    short,
    strings_of,
    subject_of,
    values_of,
)
from harness.checks.registry import NoParams, Params, check
from harness.checks.types import CheckContext, Evidence, Finding, failed, not_applicable, passed
from harness.diagnostics import Span
from harness.terraform.model import Attribute, Block, Expr, Resource, TraceSource

#: The random provider's default special characters (used when override_special is unset).
DEFAULT_SPECIAL = "!@#$%&*()-_=+[]{}<>:?"
GENERATOR_TYPES = ("random_password", "random_string")
SECRET_VERSION = "aws_secretsmanager_secret_version"


class PasswordParams(Params):
    database_types: list[str] = Field(
        default_factory=lambda: ["aws_db_instance", "aws_rds_cluster"],
        description="Resource types whose master password is judged.",
    )
    password_attributes: list[str] = Field(
        default_factory=lambda: ["password", "master_password"],
        description="Attributes that hold the master password.",
    )
    forbidden: str = Field(
        default='/@" ',
        description="Characters RDS rejects in master passwords (slash, at, double quote, space).",
    )
    min_length: int = Field(default=8, ge=1, description="Least password length (RDS: 8).")


@check("security.password_generation", "security", params=PasswordParams)
def password_generation(ctx: CheckContext, params: PasswordParams) -> Iterator[Finding]:
    """Database master passwords are generated with characters RDS accepts, or managed by RDS.

    What it checks:
        Per database (``aws_db_instance``, ``aws_rds_cluster``; read replicas and snapshot
        restores need no password and are skipped): ``manage_master_user_password = true``
        passes. Otherwise the password is traced (through variables, locals and module
        inputs) to a ``random_password``/``random_string``, which passes when ``special =
        false``, or when ``override_special`` - read character by character, whatever the
        surrounding comments claim - contains none of ``/``, ``@``, ``"`` and space, and the
        length is at least 8. ``special`` without ``override_special`` fails: the provider's
        default set includes ``@``. A literal, a variable default or an input variable is not
        a generated password and fails; a pre-existing Secrets Manager secret is na. na when
        there is no database.

    Why it matters:
        RDS rejects master passwords containing ``/``, ``@``, ``"`` or spaces, so a
        ``random_password`` with default specials fails ``apply`` at random (when one of
        those characters is drawn); a password typed into the code ends up in git and state
        in clear text. RDS-managed passwords (Secrets Manager) avoid both.

    Example:
        Failing::

            resource "random_password" "db" {
              length           = 16
              override_special = "!#$%@"
            }

        Passing::

            resource "random_password" "db" {
              length           = 16
              override_special = "!#$%&*()-_=+[]{}<>:?"
            }
    """
    databases = [
        db
        for db in resources_of(ctx.config, params.database_types)
        if db.get("replicate_source_db") is None and db.get("snapshot_identifier") is None
    ]
    if not databases:
        yield not_applicable("no database with a master password")
        return
    for db in databases:
        yield _judge_password(ctx, db, params)


def _judge_password(ctx: CheckContext, db: Resource, params: PasswordParams) -> Finding:
    subject = subject_of(ctx.config, db)
    managed = db.get("manage_master_user_password")
    if managed is not None and bool_of(ctx.config, managed, db.module) is True:
        return passed(
            "manage_master_user_password = true: RDS generates and rotates it",
            evidence_at(ctx, db, "manage_master_user_password"),
            subject=subject,
        )
    attribute = next(
        (db.block.attr(a) for a in params.password_attributes if db.block.attr(a)), None
    )
    if attribute is None:
        return failed(
            "no master password and manage_master_user_password is not true",
            ctx.evidence(db.span),
            subject=subject,
        )
    evidence = ctx.evidence(attribute.span)
    sources = list(origins(ctx, attribute.expr, db.module))
    for source in _through_secret_versions(ctx, sources):
        kind = source.address.split(".")[0]
        if source.kind == "resource" and kind in GENERATOR_TYPES:
            generator = _resource_at(ctx, source.module, source.address)
            if generator is None:
                return not_applicable(
                    f"{subject}: password comes from {source.address}, which this response "
                    "does not define",
                    subject,
                )
            hops = route(ctx, source.via)
            hop = ctx.evidence(hops[0][1], hops[0][0]) if hops else None
            return _judge_generator(ctx, generator, params, subject, evidence, hop)
        if source.kind == "data" and "aws_secretsmanager" in source.address:
            return not_applicable(
                f"{subject}: password read from an existing Secrets Manager secret", subject
            )
    literal = next((s for s in sources if s.kind in ("literal", "variable_default")), None)
    if literal is not None and not literal.via:
        return failed(
            f"{attribute.name} is a literal in the code, not generated", evidence, subject=subject
        )
    if literal is not None:
        return failed(
            f"{attribute.name} is a fixed value ({describe_route(ctx, literal)}), not generated",
            evidence,
            ctx.evidence(literal.span, "value"),
            subject=subject,
        )
    return failed(
        f"password = {short(attribute.expr.text)} is not generated by random_password "
        "(an input variable or an untraceable value)",
        evidence,
        subject=subject,
    )


def _through_secret_versions(ctx: CheckContext, sources: list[TraceSource]) -> list[TraceSource]:
    """Sources, plus what flows into a Secrets Manager secret version the password is read
    from (``jsondecode(aws_secretsmanager_secret_version.db.secret_string)["password"]``)."""
    found = list(sources)
    for source in sources:
        if source.kind == "resource" and source.address.startswith(SECRET_VERSION + "."):
            version = _resource_at(ctx, source.module, source.address)
            secret = version.get("secret_string") if version is not None else None
            if version is not None and secret is not None:
                found += origins(ctx, secret, version.module)
    return found


def _resource_at(ctx: CheckContext, module: str, address: str) -> Resource | None:
    found = ctx.config.modules.get(module)
    return found.resource(address) if found is not None else None


def _judge_generator(
    ctx: CheckContext,
    generator: Resource,
    params: PasswordParams,
    subject: str,
    evidence: Evidence,
    hop: Evidence | None,
) -> Finding:
    name = subject_of(ctx.config, generator)
    extra = [e for e in (hop,) if e is not None]
    length = number_of(ctx.config, generator.get("length"), generator.module)
    if length is not None and length < params.min_length:
        return failed(
            f"{name} length = {length:g} (< {params.min_length})",
            evidence,
            *extra,
            evidence_at(ctx, generator, "length"),
            subject=subject,
        )
    special_expr = generator.get("special")
    special = True if special_expr is None else bool_of(ctx.config, special_expr, generator.module)
    if special is False:
        return passed(
            f"{name} sets special = false",
            evidence,
            *extra,
            evidence_at(ctx, generator, "special"),
            subject=subject,
        )
    override = generator.get("override_special")
    shown_forbidden = " ".join(repr(c) for c in params.forbidden)
    if override is None:
        bad = sorted(set(DEFAULT_SPECIAL) & set(params.forbidden))
        return failed(
            f"{name} uses the default special characters, which include "
            f"{' '.join(repr(c) for c in bad)} (RDS rejects {shown_forbidden})",
            evidence,
            *extra,
            evidence_at(ctx, generator, "special"),
            subject=subject,
        )
    values = strings_of(ctx.config, override, generator.module)
    override_evidence = evidence_at(ctx, generator, "override_special")
    if values is None:
        return not_applicable(f"{subject}: {name} override_special is not static", subject)
    bad = sorted({c for v in values for c in v} & set(params.forbidden))
    if bad:
        return failed(
            f"{name} override_special {short(override.text)} contains "
            f"{' '.join(repr(c) for c in bad)} (RDS rejects {shown_forbidden})",
            evidence,
            *extra,
            override_evidence,
            subject=subject,
        )
    return passed(
        f"{name} override_special {short(override.text)} excludes {shown_forbidden}",
        evidence,
        *extra,
        override_evidence,
        subject=subject,
    )


# --------------------------------------------------------------------------- hardcoded secrets

_SENSITIVE = re.compile(
    r"(^|_)(password|passwd|secret|secret_key|access_key|secret_access_key|api_key|apikey|"
    r"token|auth_token|private_key|client_secret|secret_string|credentials?)$",
    re.IGNORECASE,
)
_SENSITIVE_NAME = re.compile(r"password|passwd|secret|token|api_?key|private_key|credential", re.I)
_ACCESS_KEY = re.compile(r"\b(?:AKIA|ASIA)[0-9A-Z]{16}\b")
_TFVARS_LINE = re.compile(r'^\s*([A-Za-z_][\w-]*)\s*=\s*"([^"]*)"')


def _literal(expr: Expr) -> str | None:
    value = expr.literal_string()
    return value if value else None


@check("security.no_hardcoded_secrets", "security", params=NoParams)
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
        ``random_password`` results always pass. na when nothing secret-like appears.

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
            finding = _judge_value(ctx, attribute, module, f"{owner}.{path}", reported)
            findings += [finding] if finding is not None else []
    for resource in resources_of(ctx.config, ("aws_ssm_parameter",)):
        value = resource.block.attr("value")
        name = " ".join(strings_of(ctx.config, resource.get("name"), resource.module) or ())
        if value is not None and _SENSITIVE_NAME.search(f"{resource.name} {name}"):
            owner = subject_of(ctx.config, resource)
            finding = _judge_value(ctx, value, resource.module, f"{owner}.value", reported)
            findings += [finding] if finding is not None else []
    findings += _variable_findings(ctx, reported)
    findings += _text_findings(ctx, {(s.path, line) for s in reported for line in _lines(s)})
    if not findings:
        yield not_applicable("no secret-like attribute, variable or key in the code")
        return
    yield from findings


def _blocks(ctx: CheckContext) -> Iterator[tuple[str, Block, str]]:
    for resource in (*ctx.config.resources(),):
        yield resource.module, resource.block, subject_of(ctx.config, resource)
    for path in sorted(ctx.config.modules):
        module = ctx.config.modules[path]
        prefix = "" if path == ctx.config.root else f"{path}/"
        for provider in module.providers:
            yield path, provider.block, f"{prefix}provider.{provider.name}"
        for call in module.calls:
            yield path, call.block, f"{prefix}module.{call.name}"


def _sensitive_attributes(block: Block, prefix: str = "") -> Iterator[tuple[Attribute, str]]:
    """Secret-like attributes of a block and its nested blocks; for an attribute holding an
    object or ``jsonencode({...})`` with secret-like keys, those keys instead."""
    for attribute in block.attributes:
        path = f"{prefix}{attribute.name}"
        inner = list(_sensitive_keys(attribute.expr, path))
        if inner:
            yield from inner
        elif _SENSITIVE.search(attribute.name):
            yield attribute, path
    for child in block.blocks:
        if child.kind not in ("lifecycle", "provisioner", "connection"):
            yield from _sensitive_attributes(child, f"{prefix}{child.kind}.")


def _sensitive_keys(expr: Expr, path: str) -> Iterator[tuple[Attribute, str]]:
    objects = [expr] + [c.items[0] for c in expr.calls("jsonencode") if c.items]
    for obj in objects:
        for key, item in obj.object().items():
            clean = key.strip('"')
            if _SENSITIVE.search(clean):
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
        for number, line in enumerate(file.content.splitlines(), start=1):
            span = Span(file.path, number)
            for match in _ACCESS_KEY.finditer(line):
                if "EXAMPLE" not in match.group(0) and (file.path, number) not in seen:
                    findings.append(
                        failed(
                            "AWS access key id in the code",
                            ctx.evidence(span),
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
                        ctx.evidence(span),
                        subject=f"{file.path}:{hit.group(1)}",
                    )
                )
    return findings
