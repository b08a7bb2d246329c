"""The ``iac-harness`` command line: a thin layer over the library.

Each command group lives in its own module with a ``register(app)`` function, so adding a
command never touches the others.
"""

from __future__ import annotations

import typer

from harness.cli import (
    agree,
    cache,
    checks,
    curate,
    derive,
    diff,
    extract,
    report,
    rescore,
    rubric,
    score,
)
from harness.version import __version__

app = typer.Typer(
    name="iac-harness",
    help=(
        "Grade model-generated Infrastructure-as-Code responses.\n\n"
        "Pipeline: extract (markdown -> files) -> parse (Terraform model) -> check (YAML "
        "rubric) -> compare (reference) -> score -> report (HTML, XLSX, SARIF).\n\n"
        "Start with [bold]iac-harness score[/bold]: with no arguments it grades the bundled "
        "sample task and writes a report under reports/."
    ),
    no_args_is_help=True,
    rich_markup_mode="rich",
    pretty_exceptions_enable=False,
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"iac-harness {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: bool = typer.Option(
        False, "--version", callback=_version, is_eager=True, help="Print the version and exit."
    ),
) -> None:
    """Grade model-generated Infrastructure-as-Code responses."""


for _module in (
    extract,
    score,
    rescore,
    report,
    diff,
    agree,
    rubric,
    checks,
    derive,
    curate,
    cache,
):
    _module.register(app)


def main() -> None:
    app()
