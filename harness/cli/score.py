"""`iac-harness score` (owned by the score work; see the issue that introduces it)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `score` command(s) to the application."""
