"""`iac-harness derive`: draft a task rubric from the task's reference solution."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape

from harness.cli.common import console, err_console, fail, output_file

DERIVE_EPILOG = "\n\n".join(
    [
        "[bold]Examples[/bold]",
        "  iac-harness derive reference/aws-prod-stack -o rubrics/aws-prod-stack-derived.yaml",
        "  iac-harness derive ../shared/corpus/terraform/tf-348798 -o rubrics/tf-348798.yaml",
        "  iac-harness derive path/to/IDEAL_RESPONSE.md        [dim]# YAML to stdout[/dim]",
        "  iac-harness derive reference/ --prompt PROMPT.md --prompt PROMPT2.md",
        "REFERENCE is a folder of Terraform files, an IDEAL_RESPONSE.md, or a task folder that "
        "holds one. The rubric extends the generic default and adds what the reference does: "
        "modules, resource types and counts, suffixed types, lifecycle and security settings, "
        "tag keys, backend, outputs, alarm metrics and the reference criteria. Every criterion "
        "is run on the reference; those it fails are disabled with the reason in a comment. "
        "The prompt (--prompt, or the PROMPT*.md files of a task folder) adds "
        "complete.prompt_requirements, less what the reference itself does not do, and notes "
        "on the criteria it calls for.",
    ]
)


def derive_command(
    reference: Annotated[
        Path, typer.Argument(help="Reference tree, IDEAL_RESPONSE.md, or task folder.")
    ],
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", help="Write the rubric here (default: print it)."),
    ] = None,
    base: Annotated[
        str | None,
        typer.Option(
            "--base",
            metavar="RUBRIC",
            help="Rubric id or file the derived rubric extends. Default: the shipped rubric "
            "of the reference's language (cloudformation-aws-production for a template, "
            "else terraform-aws-production).",
            show_default=False,
        ),
    ] = None,
    rubric_id: Annotated[
        str | None,
        typer.Option("--id", help="Rubric id (default: the output file name, else TASK-derived)."),
    ] = None,
    force: Annotated[
        bool, typer.Option("--force", help="Overwrite an existing output file.")
    ] = False,
    prompt: Annotated[
        list[Path] | None,
        typer.Option(
            "--prompt",
            help="A prompt of the task, in turn order (repeat for follow-ups; default: the "
            "PROMPT*.md files of the task folder).",
        ),
    ] = None,
) -> None:
    """Derive a task rubric from its reference solution (a draft for a reviewer to edit)."""
    from harness.derive.draft import DeriveError, derive, load_reference, verify, write
    from harness.derive.render import render
    from harness.rubric import RubricError

    if out is not None:
        output_file(out, force=force, what="rubric file")
    try:
        ref = load_reference(reference, tuple(prompt) if prompt else None)
        chosen_id = rubric_id or (out.stem if out is not None else None)
        derived = derive(ref, base=base, rubric_id=chosen_id)
    except (DeriveError, RubricError) as exc:
        fail(str(exc))
    if out is None:
        typer.echo(render(derived), nl=False)
        return
    try:
        write(derived, out)
    except OSError as exc:  # checked above; a full disk or a race can still fail
        fail(f"{out}: cannot write the rubric file ({exc.strerror or exc})")
    try:
        rubric, problems = verify(out, ref)
    except RubricError as exc:
        fail(f"the derived rubric does not load: {exc}")
    for problem in problems:
        err_console.print(f"[yellow]warning:[/yellow] the reference fails {escape(problem)}")
    added = sum(1 for d in derived.decisions if d.new is not None)
    changed = sum(1 for d in derived.decisions if d.new is None and d.params is not None)
    disabled = ", ".join(derived.disabled) or "none"
    console.print(
        f"wrote {out}: {rubric.id}, {len(rubric.criteria)} criteria ({added} added, {changed} "
        f"with task params); disabled because the reference fails them: {disabled}",
        markup=False,
        highlight=False,
    )


def register(app: typer.Typer) -> None:
    """Add the `derive` command to the application."""
    app.command("derive", epilog=DERIVE_EPILOG)(derive_command)
