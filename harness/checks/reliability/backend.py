"""Reliability checks on Terraform state and versions: a remote backend that locks state,
and Terraform and provider versions pinned to ranges."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import Field

from harness.checks.registry import Params, check
from harness.checks.types import (
    CheckContext,
    Evidence,
    Finding,
    failed,
    not_applicable,
    passed,
)
from harness.terraform.model import Block, Expr, ExprKind, Module

# --------------------------------------------------------------------------- backend

#: Backends that lock state natively, or (s3, http, oss) when configured to.
REMOTE_BACKENDS = (
    "s3",
    "remote",
    "cloud",
    "gcs",
    "azurerm",
    "consul",
    "pg",
    "kubernetes",
    "http",
    "oss",
    "cos",
)
#: backend -> attributes of which one enables locking (absent: the backend always locks).
LOCK_SETTINGS: dict[str, tuple[str, ...]] = {
    "s3": ("dynamodb_table", "use_lockfile"),
    "http": ("lock_address",),
    "oss": ("tablestore_table",),
}

_COMMENTED_BACKEND = re.compile(r"^\s*(?:#|//)\s*(backend\s+\"[\w-]+\"|cloud\s*\{)", re.MULTILINE)


_FRAGMENT = (
    "no terraform {} or provider block anywhere: the response is a fragment that relies on "
    "setup files it does not show"
)


def _has_setup(ctx: CheckContext) -> bool:
    """True when some module has a ``terraform {}`` or ``provider`` block (the setup layer)."""
    return any(m.terraform or m.providers for m in ctx.config.modules.values())


class BackendParams(Params):
    accepted: list[str] = Field(
        default_factory=lambda: list(REMOTE_BACKENDS),
        description="Backend types that count as remote state.",
    )
    require_locking: bool = Field(
        default=True,
        description="Fail backends that need a setting to lock (s3 without dynamodb_table or "
        "use_lockfile).",
    )
    fragment_is_na: bool = Field(
        default=False,
        description="na (not fail) when the response has no terraform {} or provider block; "
        "for tasks whose prompt supplies provider.tf. Off by default: omitting the setup must "
        "not score better than writing it with a gap.",
    )


def _backend_of(ctx: CheckContext) -> tuple[Block, Module] | None:
    root = ctx.config.root_module
    if root.backend is not None:
        return root.backend, root
    for path in sorted(ctx.config.modules):
        module = ctx.config.modules[path]
        if module.backend is not None:
            return module.backend, module
    return None


def _commented_backend(ctx: CheckContext) -> Evidence | None:
    for file in ctx.tree.of_language("hcl"):
        match = _COMMENTED_BACKEND.search(file.content)
        if match:
            line = file.content.count("\n", 0, match.start()) + 1
            return Evidence(
                file.path,
                line,
                line,
                file.origin.response_line(line),
                match.group(0).strip(),
                note="backend present only as a comment",
            )
    return None


def _enabled(expr: Expr | None) -> bool:
    """A lock setting that is switched on: a non-empty value, ``true``, or not static."""
    if expr is None:
        return False
    flag = expr.as_bool()
    if flag is not None:
        return flag
    text = expr.literal_string()
    if text is not None:
        return bool(text.strip())
    return expr.kind is not ExprKind.LITERAL or expr.value is not None


@check("reliability.backend", "reliability", params=BackendParams)
def backend(ctx: CheckContext, params: BackendParams) -> Iterator[Finding]:
    """State is kept in a remote backend that locks it.

    What it checks:
        The root module's ``terraform { backend "..." {} }`` (or ``cloud {}``) is one of the
        accepted remote types; ``s3`` must lock with ``use_lockfile = true`` or
        ``dynamodb_table`` (``http`` with ``lock_address``). An empty block (partial
        configuration completed by ``-backend-config`` at init) passes with a note. A
        ``local`` backend or none fails, and the message points at a commented-out backend.
        na when the response has no Terraform configuration, and with ``fragment_is_na``
        (for tasks that supply ``provider.tf``) when it has no ``terraform {}`` or
        ``provider`` block at all.

    Why it matters:
        Local state lives on one laptop: teammates and CI overwrite each other, and a lost
        disk loses the record of what exists. Without locking two concurrent applies corrupt
        the state.

    Example:
        Fails:

            terraform {
              backend "s3" { bucket = "tf-state", key = "app.tfstate", region = "us-east-1" }
            }

        Passes:

            terraform {
              backend "s3" {
                bucket       = "tf-state"
                key          = "app.tfstate"
                region       = "us-east-1"
                use_lockfile = true
              }
            }
    """
    if ctx.config.is_empty:
        yield not_applicable("no Terraform configuration")
        return
    found = _backend_of(ctx)
    if found is None and params.fragment_is_na and not _has_setup(ctx):
        yield not_applicable(_FRAGMENT)
        return
    if found is None:
        commented = _commented_backend(ctx)
        if commented is not None:
            yield failed(
                "no backend: the only backend is commented out "
                f"({commented.location()}), so state stays in a local terraform.tfstate",
                commented,
                subject="backend",
            )
        else:
            yield failed(
                "no backend configured: state stays in a local terraform.tfstate",
                subject="backend",
            )
        return
    block, module = found
    kind = "cloud" if block.kind == "cloud" else (block.labels[0] if block.labels else "?")
    evidence = ctx.evidence(block.span)
    where = "" if module.path == ctx.config.root else f" (declared in {module.path}, not the root)"
    if kind not in params.accepted:
        reason = "local state" if kind == "local" else "not an accepted remote backend"
        yield failed(f'backend "{kind}"{where}: {reason}', evidence, subject="backend")
        return
    if not block.attributes and not block.blocks:
        yield passed(
            f'backend "{kind}"{where} uses partial configuration: its settings, locking '
            "included, come from -backend-config at init",
            evidence,
            subject="backend",
        )
        return
    locks = LOCK_SETTINGS.get(kind, ())
    lock_on = [name for name in locks if _enabled(block.get(name))]
    notes: list[str] = []
    if kind == "s3":
        encrypt = block.get("encrypt")
        if encrypt is None or encrypt.as_bool() is False:
            notes.append("encrypt is not set to true")
    extra = f" ({'; '.join(notes)})" if notes else ""
    if locks and not lock_on:
        message = f'backend "{kind}"{where} has no state locking: set ' + " or ".join(locks)
        if params.require_locking:
            yield failed(message + extra, evidence, subject="backend")
        else:
            yield passed(message + extra, evidence, subject="backend")
        return
    how = f" with locking ({', '.join(lock_on)})" if lock_on else ""
    yield passed(f'remote backend "{kind}"{how}{where}{extra}', evidence, subject="backend")


# --------------------------------------------------------------------------- version pins

_BUILTIN_PROVIDERS = frozenset({"terraform"})
_UPPER_BOUND = re.compile(r"~>|<|^\s*=?\s*v?\d+(\.\d+)*\s*$|,\s*=")


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


@check("reliability.version_pins", "reliability", params=VersionPinsParams)
def version_pins(ctx: CheckContext, params: VersionPinsParams) -> Iterator[Finding]:
    """Terraform and every provider used are pinned to a version range.

    What it checks:
        One finding for ``terraform { required_version }`` and one per provider the
        configuration uses (resource and data source prefixes, provider blocks, declared
        ``required_providers``): passes when some module's ``required_providers`` gives it a
        non-empty ``version`` constraint (with ``require_upper_bound``, one that has ``~>``,
        ``<`` or an exact version). A ``version`` inside a ``provider`` block is deprecated and
        does not count. na when the response has no Terraform configuration, and with
        ``fragment_is_na`` (for tasks that supply ``provider.tf``) when it has no
        ``terraform {}`` or ``provider`` block at all.

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
    if params.fragment_is_na and not _has_setup(ctx):
        yield not_applicable(_FRAGMENT)
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
