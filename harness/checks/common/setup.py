"""The setup layer: whether a response shows a ``terraform {}`` or ``provider`` block, or is a
fragment relying on setup files it does not show (reliability.backend, reliability.version_pins)."""

from __future__ import annotations

from harness.checks.types import CheckContext

FRAGMENT = (
    "no terraform {} or provider block anywhere: the response is a fragment that relies on "
    "setup files it does not show"
)


def has_setup(ctx: CheckContext) -> bool:
    """True when some module has a ``terraform {}`` or ``provider`` block (the setup layer)."""
    return any(m.terraform or m.providers for m in ctx.config.modules.values())
