"""The setup layer: whether a response shows a ``terraform {}`` or ``provider`` block, or is a
fragment relying on setup files it does not show (reliability.backend, reliability.version_pins)."""

from __future__ import annotations

from harness.checks.types import CheckContext
from harness.prompt import PROVIDER_SETUP

FRAGMENT = (
    "no terraform {} or provider block anywhere: the response is a fragment that relies on "
    "setup files it does not show"
)


def has_setup(ctx: CheckContext) -> bool:
    """True when some module has a ``terraform {}`` or ``provider`` block (the setup layer)."""
    return any(m.terraform or m.providers for m in ctx.config.modules.values())


def supplied_setup(ctx: CheckContext) -> str | None:
    """Why the response owes no setup layer when its task's first prompt says the task
    supplies it ("no provider block", "provider.tf already exists"), else None."""
    supplied = ctx.prompt.waives(PROVIDER_SETUP) if ctx.prompt is not None else None
    if supplied is None:
        return None
    return (
        f"the task supplies the provider configuration ({supplied.place}: "
        f"{supplied.said!r}), so the response need not write it"
    )
