"""`iac-harness rubric`: validate and summarise rubric files."""

from __future__ import annotations

from collections import Counter
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from harness.cli.common import console, fail

rubric_app = typer.Typer(
    help="Validate and inspect rubrics (YAML files whose criteria name registered checks).",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

CHECK_EPILOG = "\n\n".join(
    [
        "[bold]Examples[/bold]",
        "  iac-harness rubric check rubrics/aws-prod-stack.yaml",
        "  iac-harness rubric check terraform-aws-production     [dim]# a shipped rubric id[/dim]",
        "An error is one line naming the file and line of the offending key, e.g. [dim]my.yaml:"
        "14: criterion 'security.s3_encryption': check security.s3_encryption does not take "
        "param 'kms' (takes no params)[/dim]; the exit status is then 2.",
    ]
)


@rubric_app.command("check", epilog=CHECK_EPILOG)
def check(
    rubric: Annotated[str, typer.Argument(help="Rubric file, or the id of a shipped rubric.")],
) -> None:
    """Validate a rubric (extends resolved, checks and params checked) and summarise it."""
    from harness.rubric import RubricError, load_rubric

    try:
        loaded = load_rubric(rubric)
    except RubricError as exc:
        fail(str(exc))
    console.print(
        f"[bold]{escape(loaded.id)}[/bold] {escape(loaded.version)}: {escape(loaded.title)}\n"
        f"source: {escape(' -> '.join(str(p) for p in loaded.sources))}\n"
        f"sha256: {loaded.sha256}\n"
        f"gate cap: {loaded.gate_cap:g}",
        highlight=False,
    )
    per_category = Counter(c.category for c in loaded.criteria)
    table = Table(title="categories", title_justify="left")
    for column in ("category", "title", "weight", "criteria", "gates"):
        table.add_column(column, justify="right" if column in ("weight", "criteria") else "left")
    for category in loaded.categories:
        gates = [c.id for c in loaded.criteria if c.category == category.id and c.gate]
        table.add_row(
            escape(category.id),
            escape(category.title),
            f"{category.weight:g}",
            str(per_category.get(category.id, 0)),
            escape(", ".join(gates)),
        )
    console.print(table)
    disabled = f"; disabled: {', '.join(loaded.disabled)}" if loaded.disabled else ""
    console.print(f"OK: {len(loaded.criteria)} criteria{disabled}", markup=False, highlight=False)


def register(app: typer.Typer) -> None:
    """Add the `rubric` command group to the application."""
    app.add_typer(rubric_app, name="rubric")
