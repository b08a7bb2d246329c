"""Value checks: the verdict on one argument of a resource (checkov's declarative idea), so
checks that only read a boolean setting share one reading of defaults and unresolved values."""

from __future__ import annotations

from harness.checks.common.resources import evidence_at, setting, short, subject_of
from harness.checks.common.values import bool_of
from harness.checks.types import CheckContext, Evidence, Finding, Status
from harness.facts import fact_for
from harness.terraform.model import Resource


def bool_setting(
    ctx: CheckContext,
    resource: Resource,
    name: str,
    *,
    want: bool,
    default: bool,
    unknown: Status = Status.NA,
    evidence: Evidence | None = None,
) -> Finding:
    """The verdict on one boolean argument, resolved through variables and locals: pass when
    it equals ``want``; unset means the provider's ``default``; a value that cannot be
    resolved statically gets the ``unknown`` status (na, or fail where "may be true" is
    already a risk)."""
    subject = subject_of(ctx.config, resource)
    evidence = evidence or evidence_at(ctx, resource, name)
    expr = resource.get(name)
    if expr is None:
        status = Status.PASS if default == want else Status.FAIL
        message = f"{name} is not set (defaults to {str(default).lower()})"
        return Finding(status, message, (evidence,), subject)
    value = bool_of(ctx.config, expr, resource.module)
    if value is None:
        message = f"{name} = {short(expr.text)} cannot be resolved statically"
        shown = () if unknown is Status.NA else (evidence,)
        return Finding(unknown, message, shown, subject)
    status = Status.PASS if value == want else Status.FAIL
    return Finding(status, setting(name, expr.text, value), (evidence,), subject)


def table_setting(
    ctx: CheckContext,
    resource: Resource,
    criterion: str,
    name: str,
    *,
    evidence: Evidence | None = None,
) -> Finding:
    """``bool_setting`` with want, default and unknown read from ``harness.facts`` (the row of
    ``criterion`` for this argument and the resource's type)."""
    fact = fact_for(criterion, name, resource.type)
    if not isinstance(fact.want, bool) or not isinstance(fact.default, bool):
        raise TypeError(f"{criterion} {name}: not a boolean setting fact")
    return bool_setting(
        ctx,
        resource,
        name,
        want=fact.want,
        default=fact.default,
        unknown=Status(fact.unknown),
        evidence=evidence,
    )
