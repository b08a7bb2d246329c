"""`iac-harness extract` (owned by the extract work; see the issue that introduces it)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `extract` command(s) to the application."""
