"""`iac-harness rubric` (owned by the rubric work; see the issue that introduces it)."""

from __future__ import annotations

import typer


def register(app: typer.Typer) -> None:
    """Add the `rubric` command(s) to the application."""
