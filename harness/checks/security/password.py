"""Database master passwords: generated with characters RDS accepts, or managed by RDS."""

from __future__ import annotations

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
)
from harness.checks.registry import Params, check
from harness.checks.security import CATEGORY
from harness.checks.types import CheckContext, Evidence, Finding, failed, not_applicable, passed
from harness.terraform.model import Resource, TraceSource

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


@check("security.password_generation", CATEGORY, params=PasswordParams)
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
