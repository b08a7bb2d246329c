"""Helpers shared by CLI commands: one-line errors, the console, repo-relative defaults."""

from __future__ import annotations

from pathlib import Path
from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)

#: The source checkout (bundled sample, rubrics) when running from a clone or editable install.
REPO_ROOT = Path(__file__).resolve().parents[2]


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error (``iac-harness: error: ...``) and exit non-zero."""
    err_console.print(
        f"[bold red]iac-harness: error:[/bold red] {escape(message)}",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(code)
