"""`iac-harness derive` (owned by the derive work; see the issue that introduces it)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `derive` command(s) to the application."""
