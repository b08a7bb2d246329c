"""Reliability checks on Terraform state: a remote backend that locks state."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import Field

from harness.checks.common.setup import FRAGMENT, has_setup, supplied_setup
from harness.checks.registry import Params, check
from harness.checks.reliability import CATEGORY
from harness.checks.types import (
    CheckContext,
    Evidence,
    Finding,
    failed,
    not_applicable,
    passed,
)
from harness.prompt import PROVIDER_SETUP
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

# ``[ \t]`` where ``\s`` would cross newlines (quadratic on runs of blank lines)
_COMMENTED_BACKEND = re.compile(
    r"^[ \t]*(?:#|//)[ \t]*(backend[ \t]+\"[\w-]+\"|cloud[ \t]*\{)", re.MULTILINE
)


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


#: The two things a backend is judged on, one finding each: no backend at all fails both,
#: so it costs more than a remote backend that only lacks locking.
REMOTE = "remote state"
LOCKING = "state locking"


@check("reliability.backend", CATEGORY, params=BackendParams, waivable=PROVIDER_SETUP)
def backend(ctx: CheckContext, params: BackendParams) -> Iterator[Finding]:
    """State is kept in a remote backend that locks it.

    What it checks:
        Two findings. *Remote state*: the root module's ``terraform { backend "..." {} }``
        (or ``cloud {}``) is one of the accepted remote types. *State locking*: ``s3`` must
        lock with ``use_lockfile = true`` or ``dynamodb_table`` (``http`` with
        ``lock_address``; the other remote types lock natively). An empty block (partial
        configuration completed by ``-backend-config`` at init) passes both with a note. A
        ``local`` backend or none fails both (the message points at a commented-out
        backend), so it costs more than a remote backend without locking.
        na when the response has no Terraform configuration; for every response of a task
        whose prompt says the task supplies the provider configuration ("no provider block",
        "provider.tf already exists"), the ideal too (which may show the task's own
        provider.tf): the task does not ask for it; and with ``fragment_is_na`` when the
        response has no ``terraform {}`` or ``provider`` block at all.

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
    if found is None and params.fragment_is_na and not has_setup(ctx):
        yield not_applicable(FRAGMENT)
        return
    supplied = supplied_setup(ctx)
    if supplied is not None:
        yield not_applicable(supplied)
        return
    if found is None:
        commented = _commented_backend(ctx)
        if commented is not None:
            yield failed(
                "no backend: the only backend is commented out "
                f"({commented.location()}), so state stays in a local terraform.tfstate",
                commented,
                subject=REMOTE,
            )
        else:
            yield failed(
                "no backend configured: state stays in a local terraform.tfstate",
                subject=REMOTE,
            )
        yield failed("no remote backend, so nothing locks the state", subject=LOCKING)
        return
    block, module = found
    kind = "cloud" if block.kind == "cloud" else (block.labels[0] if block.labels else "?")
    evidence = ctx.evidence(block.span)
    where = "" if module.path == ctx.config.root else f" (declared in {module.path}, not the root)"
    if kind not in params.accepted:
        reason = "local state" if kind == "local" else "not an accepted remote backend"
        yield failed(f'backend "{kind}"{where}: {reason}', evidence, subject=REMOTE)
        yield failed(f'backend "{kind}" is not remote: nothing locks the state', subject=LOCKING)
        return
    if not block.attributes and not block.blocks:
        yield passed(
            f'backend "{kind}"{where} uses partial configuration: its settings come from '
            "-backend-config at init",
            evidence,
            subject=REMOTE,
        )
        yield passed(
            f'backend "{kind}": locking, like its other settings, comes from -backend-config',
            evidence,
            subject=LOCKING,
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
    yield passed(f'remote backend "{kind}"{where}{extra}', evidence, subject=REMOTE)
    if locks and not lock_on:
        message = f'backend "{kind}"{where} has no state locking: set ' + " or ".join(locks)
        if params.require_locking:
            yield failed(message, evidence, subject=LOCKING)
        else:
            yield passed(message + " (locking not required)", evidence, subject=LOCKING)
        return
    how = f"locks state ({', '.join(lock_on)})" if lock_on else "locks state natively"
    yield passed(f'backend "{kind}" {how}', evidence, subject=LOCKING)
