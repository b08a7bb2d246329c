"""`iac-harness checks`: list the registered checks and explain one."""

from __future__ import annotations

import difflib
import json
import re
from typing import Annotated

import typer
from pydantic import TypeAdapter
from pydantic_core import PydanticUndefined
from rich.markup import escape
from rich.table import Table

from harness.cli.common import console, fail

checks_app = typer.Typer(
    help="The check library: what each check looks at, why, and its parameters.",
    no_args_is_help=True,
    rich_markup_mode="rich",
)

LIST_EPILOG = "\n\n".join(
    [
        "[bold]Examples[/bold]",
        "  iac-harness checks list",
        "  iac-harness checks list --category security",
        "  iac-harness checks list --language cloudformation",
    ]
)
EXPLAIN_EPILOG = "\n\n".join(
    [
        "[bold]Examples[/bold]",
        "  iac-harness checks explain security.db_ingress_restricted",
        "  iac-harness checks explain naming.suffix_applied   [dim]# params and defaults[/dim]",
        "  iac-harness checks explain security.s3_encryption --language cloudformation",
    ]
)


def _languages(check_id: str) -> str:
    """The languages a check is implemented for ("any" for checks of files and prose)."""
    from harness.checks.registry import implementations

    names = [name for spec in implementations(check_id) for name in spec.languages or ("any",)]
    return ", ".join(names)


@checks_app.command("list", epilog=LIST_EPILOG)
def list_checks(
    category: Annotated[
        str | None, typer.Option("--category", "-c", help="Only this category.")
    ] = None,
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            "-l",
            help="Only checks implemented for this IaC language (terraform, cloudformation); "
            "checks of files and prose apply to every language.",
        ),
    ] = None,
) -> None:
    """List every registered check: id, category, the languages it reads, and title."""
    from harness.checks.registry import implementations_for, load_checks

    specs = sorted(load_checks().values(), key=lambda s: (s.category, s.id))
    if category:
        specs = [s for s in specs if s.category == category]
        if not specs:
            fail(f"no checks in category {category!r}")
    if language:
        specs = [s for s in specs if implementations_for(s.id, frozenset({language}))]
        if not specs:
            fail(f"no checks for language {language!r}")
    categories = len({s.category for s in specs})
    table = Table(
        title=f"{len(specs)} checks in {categories} "
        f"categor{'y' if categories == 1 else 'ies'} (the first part of each id)",
        title_justify="left",
        caption="reads: tf Terraform, cfn CloudFormation, any: every language (files, prose)",
        caption_justify="left",
    )
    table.add_column("id", no_wrap=True)
    table.add_column("reads", no_wrap=True)
    table.add_column("title")
    for number, spec in enumerate(specs):
        if number and spec.category != specs[number - 1].category:
            table.add_section()
        short = ", ".join(_SHORT.get(name, name) for name in _languages(spec.id).split(", "))
        table.add_row(spec.id, short, escape(spec.title.replace("``", "`")))
    console.print(table)


#: how ``checks list`` abbreviates a language, so that an 80-column table keeps room for titles
_SHORT = {"terraform": "tf", "cloudformation": "cfn"}


_MODULE_PATH = re.compile(r"\b(?:[A-Za-z_]\w*\.)+([A-Za-z_]\w*)")


def _as_yaml(value: object) -> str:
    """A default as a rubric would write it (enums by value, lists in flow style)."""
    return json.dumps(TypeAdapter(type(value)).dump_python(value, mode="json"))


def reflow(text: str) -> str:
    """Docstring prose as paragraphs the terminal wraps itself: consecutive unindented lines
    join into one; indented lines (code examples) and blank lines stay as written."""
    out: list[str] = []
    for line in text.split("\n"):
        prose = bool(line.strip()) and not line[:1].isspace()
        if prose and out and out[-1].strip() and not out[-1][:1].isspace():
            out[-1] = f"{out[-1]} {line.strip()}"
        else:
            out.append(line)
    return "\n".join(out)


@checks_app.command("explain", epilog=EXPLAIN_EPILOG)
def explain(
    check_id: str = typer.Argument(..., help="A check id, e.g. complete.syntax_valid."),
    language: Annotated[
        str | None,
        typer.Option(
            "--language",
            "-l",
            help="The implementation for this IaC language (default: the first, usually "
            "terraform).",
        ),
    ] = None,
) -> None:
    """Print a check's documentation and its parameters (types and defaults)."""
    from harness.checks.registry import DOC_SECTIONS, implementations_for, load_checks
    from harness.rubric.loader import type_name

    registry = load_checks()
    spec = registry.get(check_id)
    if spec is None:
        close = difflib.get_close_matches(check_id, list(registry), n=3)
        hint = f" (did you mean {', '.join(close)}?)" if close else ""
        fail(f"unknown check id {check_id!r}{hint}; see `iac-harness checks list`")
    if language:
        chosen = implementations_for(check_id, frozenset({language}))
        if not chosen:
            fail(f"{check_id} has no {language} implementation (it reads {_languages(check_id)})")
        spec = chosen[0]
    console.print(
        f"[bold]{spec.id}[/bold] ({spec.category}; {_languages(check_id)}): {spec.title}\n",
        highlight=False,
    )
    for section in DOC_SECTIONS:
        console.print(f"[bold]{section}[/bold]", highlight=False)
        console.print(
            escape(reflow(spec.section(section))) or "[dim](not documented)[/dim]",
            highlight=False,
        )
        console.print()
    fields = spec.params.model_fields
    if not fields:
        console.print("[bold]Params[/bold]\nnone", highlight=False)
        return
    table = Table(title="Params", title_justify="left")
    for column in ("name", "type", "default", "description"):
        table.add_column(column, overflow="fold")
    for name, info in fields.items():
        if info.default is not PydanticUndefined:
            default = _as_yaml(info.default)
        elif info.default_factory is not None:
            default = _as_yaml(info.default_factory())  # type: ignore[call-arg]
        else:
            default = "(required)"
        table.add_row(
            escape(name),
            escape(_MODULE_PATH.sub(r"\1", type_name(info.annotation))),
            escape(default),
            escape(info.description or ""),
        )
    console.print(table)


def register(app: typer.Typer) -> None:
    """Add the `checks` command group to the application."""
    app.add_typer(checks_app, name="checks")
