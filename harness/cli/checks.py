"""`iac-harness checks` (owned by the checks work; see the issue that introduces it)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `checks` command(s) to the application."""
