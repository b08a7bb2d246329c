"""Reliability: Terraform and provider versions pinned to ranges."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import Field

from harness.checks.common.setup import FRAGMENT, has_setup, supplied_setup
from harness.checks.registry import Params, check
from harness.checks.reliability import CATEGORY
from harness.checks.types import (
    CheckContext,
    Finding,
    failed,
    not_applicable,
    passed,
)
from harness.prompt import PROVIDER_SETUP
from harness.terraform.model import Block, Expr, ExprKind

# --------------------------------------------------------------------------- version pins

_BUILTIN_PROVIDERS = frozenset({"terraform"})
# one ``\s*`` on each side of the optional "=" (two adjacent ``\s*`` split a run of blanks
# every way: quadratic)
_UPPER_BOUND = re.compile(r"~>|<|^\s*(?:=\s*)?v?\d+(?:\.\d+)*\s*$|,\s*=")


class VersionPinsParams(Params):
    require_upper_bound: bool = Field(
        default=False,
        description="Also require an upper bound (~>, <, or an exact version) on providers.",
    )
    fragment_is_na: bool = Field(
        default=False,
        description="na (not fail) when the response has no terraform {} or provider block; "
        "for tasks whose prompt supplies provider.tf. Off by default: omitting the setup must "
        "not score better than writing it with a gap.",
    )


def _constraint(expr: Expr) -> tuple[str | None, Expr]:
    """The version constraint of a required_providers entry (object or legacy string)."""
    if expr.kind is ExprKind.OBJECT:
        version = expr.object().get("version")
        if version is None:
            return None, expr
        text = version.literal_string()
        return (text if text is not None else version.text), version
    text = expr.literal_string()
    return text, expr


@check("reliability.version_pins", CATEGORY, params=VersionPinsParams, waivable=PROVIDER_SETUP)
def version_pins(ctx: CheckContext, params: VersionPinsParams) -> Iterator[Finding]:
    """Terraform and every provider used are pinned to a version range.

    What it checks:
        One finding for ``terraform { required_version }`` and one per provider the
        configuration uses (resource and data source prefixes, provider blocks, declared
        ``required_providers``): passes when some module's ``required_providers`` gives it a
        non-empty ``version`` constraint (with ``require_upper_bound``, one that has ``~>``,
        ``<`` or an exact version). A ``version`` inside a ``provider`` block is deprecated and
        does not count. na when the response has no Terraform configuration; for every
        response of a task whose prompt says the task supplies the provider configuration
        (the ideal too, which may show the task's own provider.tf); and with
        ``fragment_is_na`` when it has no ``terraform {}`` or ``provider`` block at all.

    Why it matters:
        Unpinned providers upgrade on the next ``init``; a new major version renames
        arguments and changes defaults, so yesterday's plan no longer applies.

    Example:
        Fails:

            provider "aws" { region = "us-east-1" }

        Passes:

            terraform {
              required_version = ">= 1.5"
              required_providers {
                aws = { source = "hashicorp/aws", version = "~> 5.0" }
              }
            }
    """
    config = ctx.config
    if config.is_empty or not any(
        m.resources or m.data or m.providers or m.terraform or m.calls
        for m in config.modules.values()
    ):
        yield not_applicable("no Terraform configuration")
        return
    supplied = supplied_setup(ctx)
    if supplied is not None:
        yield not_applicable(supplied)
        return
    if params.fragment_is_na and not has_setup(ctx):
        yield not_applicable(FRAGMENT)
        return
    modules = [config.root_module] + [
        m for p, m in sorted(config.modules.items()) if p != config.root
    ]
    required = next(((m, e) for m in modules if (e := m.required_version) is not None), None)
    if required is not None and (required[1].literal_string() or "").strip():
        yield passed(
            f"terraform required_version = {required[1].text.strip()}",
            ctx.evidence(required[1].span),
            subject="terraform.required_version",
        )
    else:
        blocks = [b for m in modules for b in m.terraform]
        yield failed(
            "terraform required_version is not set: any Terraform version may run this code",
            *[ctx.evidence(b.span) for b in blocks[:1]],
            subject="terraform.required_version",
        )
    used: dict[str, Block | None] = {}
    for module in modules:
        for resource in (*module.resources, *module.data):
            used.setdefault(resource.type.split("_", 1)[0], resource.block)
        for provider in module.providers:
            used.setdefault(provider.name, provider.block)
        for name in module.required_providers:
            used.setdefault(name, None)
    for name in sorted(used):
        if name in _BUILTIN_PROVIDERS or not name:
            continue
        entries = [(m, m.required_providers[name]) for m in modules if name in m.required_providers]
        pins = [(m, *_constraint(e)) for m, e in entries]
        good = [(m, c, e) for m, c, e in pins if c and c.strip()]
        subject = f"provider.{name}"
        if good and params.require_upper_bound:
            bounded = [(m, c, e) for m, c, e in good if c and _UPPER_BOUND.search(c)]
            if not bounded:
                _, text, expr = good[0]
                yield failed(
                    f"provider {name} version {text!r} has no upper bound: a new major "
                    "version installs on the next init",
                    ctx.evidence(expr.span),
                    subject=subject,
                )
                continue
            good = bounded
        if good:
            _module, text, expr = good[0]
            yield passed(
                f"provider {name} pinned to {text!r}", ctx.evidence(expr.span), subject=subject
            )
            continue
        legacy = [
            p for m in modules for p in m.providers if p.name == name and p.block.has("version")
        ]
        if legacy:
            reason = "version is set in the provider block (deprecated), not required_providers"
            evidence = [ctx.evidence(legacy[0].block.span)]
        elif entries:
            reason = "required_providers declares it without a version constraint"
            evidence = [ctx.evidence(entries[0][1].span)]
        else:
            reason = "not declared in required_providers"
            block = used[name]
            evidence = [ctx.evidence(block.span)] if block is not None else []
        yield failed(f"provider {name} is not pinned: {reason}", *evidence, subject=subject)
