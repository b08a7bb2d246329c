"""Helpers shared by CLI commands: one-line errors and the consoles."""

from __future__ import annotations

from typing import NoReturn

import typer
from rich.console import Console
from rich.markup import escape

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error (``iac-harness: error: ...``) and exit non-zero."""
    err_console.print(
        f"[bold red]iac-harness: error:[/bold red] {escape(message)}",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(code)
