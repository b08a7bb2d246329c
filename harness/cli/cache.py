"""`iac-harness cache info | clear`: what the shared stage cache holds, and emptying it."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from harness.cli.common import console, fail

HELP = (
    "The cache shared by runs: extracted trees, models, comparisons and whole results, keyed "
    "by content and by the code that made them (an upgrade never reads an old entry).\n\n"
    "Location: --cache, else $IAC_HARNESS_CACHE_DIR, else the user cache dir "
    "(~/.cache/iac-harness on Linux)."
)

CacheDirOption = Annotated[
    Path | None,
    typer.Option("--cache", help="The cache folder (default: see above).", show_default=False),
]

cache_app = typer.Typer(help=HELP, no_args_is_help=True, rich_markup_mode="rich")


def _folder(cache: Path | None) -> Path:
    from harness.cache import default_cache_dir

    folder = cache or default_cache_dir()
    if folder.exists() and not folder.is_dir():
        fail(f"{folder}: is not a folder (the cache must be a folder)")
    return folder


def _size(n: int) -> str:
    for unit in ("B", "KB", "MB", "GB"):
        if n < 1024 or unit == "GB":
            return f"{n:,} {unit}" if unit == "B" else f"{n:,.1f} {unit}"
        n /= 1024  # type: ignore[assignment]
    return str(n)


@cache_app.command("info")
def info(cache: CacheDirOption = None) -> None:
    """Where the cache is, and entries and size per kind (tree, model, compare, result)."""
    from harness.cache import DiskCache

    folder = _folder(cache)
    spaces = DiskCache(folder).namespaces()
    table = Table(title=f"cache {escape(str(folder))}", title_justify="left")
    table.add_column("kind")
    table.add_column("entries", justify="right")
    table.add_column("size", justify="right")
    for space in spaces:
        table.add_row(space.name, f"{space.entries:,}", _size(space.bytes))
    table.add_row(
        "[bold]all[/bold]",
        f"{sum(s.entries for s in spaces):,}",
        _size(sum(s.bytes for s in spaces)),
    )
    console.print(table)


@cache_app.command("clear")
def clear(
    cache: CacheDirOption = None,
    older_than: Annotated[
        float | None,
        typer.Option(
            "--older-than",
            min=0,
            metavar="DAYS",
            help="Remove only entries written more than DAYS days ago.",
            show_default=False,
        ),
    ] = None,
) -> None:
    """Remove cache entries (all, or the old ones); runs rebuild what they need."""
    from harness.cache import DiskCache

    folder = _folder(cache)
    removed = DiskCache(folder).clear(older_than)
    when = "" if older_than is None else f" older than {older_than:g} days"
    console.print(
        f"removed {removed:,} cache entries{when} from {folder}", markup=False, highlight=False
    )


def register(app: typer.Typer) -> None:
    """Add the `cache` command group to the application."""
    app.add_typer(cache_app, name="cache")
