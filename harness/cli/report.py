"""`iac-harness report` (owned by the report work; see the issue that introduces it)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `report` command(s) to the application."""
