"""Task-parameter completeness checks: the modules and resource types a task asks for.

Both are ``na`` unless a task rubric names what the task needs (the generic rubric cannot
know it); ``iac-harness derive`` proposes them from a reference solution.
"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from harness.checks.complete import CATEGORY
from harness.checks.registry import Params, check
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed


class RequiredModulesParams(Params):
    modules: list[str] = Field(
        default_factory=list,
        description="Module names the root module must call; a call matches by its name or "
        "by the last folder of its source (./modules/networking matches networking).",
    )


@check("complete.required_modules", CATEGORY, params=RequiredModulesParams, judges_task=False)
def required_modules(ctx: CheckContext, params: RequiredModulesParams) -> Iterator[Finding]:
    """The root module calls every module the task asks for (task parameter).

    What it checks:
        For each name in ``modules``, a ``module`` block in the root module whose name or
        source folder matches it. na when the rubric names no modules (the generic rubric).

    Why it matters:
        A task that asks for a networking, database and compute module is not done when one
        of them is missing or inlined somewhere else.

    Example:
        Failing: ``modules: [networking, database]`` and the root only calls ``networking``.
        Passing: ``module "database" { source = "./modules/database" }`` is in the root.
    """
    if not params.modules:
        yield not_applicable("the rubric requires no modules")
        return
    root = ctx.config.root_module
    for wanted in params.modules:
        call = next(
            (
                c
                for c in root.calls
                if wanted in (c.name, (c.source or "").rstrip("/").rsplit("/", 1)[-1])
            ),
            None,
        )
        if call is None:
            yield failed(f"the root module does not call a {wanted!r} module", subject=wanted)
        else:
            yield passed(
                f"module {call.name!r} ({call.source})",
                ctx.evidence(call.block.span),
                subject=wanted,
            )


class RequiredResourcesParams(Params):
    resources: dict[str, int] = Field(
        default_factory=dict,
        description="Resource type -> minimum number of resource blocks of that type "
        "anywhere in the configuration, e.g. {aws_db_instance: 1}.",
    )


@check("complete.required_resources", CATEGORY, params=RequiredResourcesParams, judges_task=False)
def required_resources(ctx: CheckContext, params: RequiredResourcesParams) -> Iterator[Finding]:
    """The configuration declares the resource types the task asks for (task parameter).

    What it checks:
        For each ``type: minimum`` in ``resources``, counts managed resource blocks of that
        type in every module (a block with ``count``/``for_each`` counts once). na when the
        rubric names no resource types (the generic rubric).

    Why it matters:
        A stack that was asked for an RDS instance and an Auto Scaling group is incomplete
        without them, however clean the rest is.

    Example:
        Failing: ``resources: {aws_db_instance: 1}`` and no ``aws_db_instance`` block.
        Passing: ``resource "aws_db_instance" "main" {...}`` in ``modules/database``.
    """
    if not params.resources:
        yield not_applicable("the rubric requires no resource types")
        return
    for resource_type, minimum in params.resources.items():
        found = list(ctx.config.resources(resource_type))
        evidence = [ctx.evidence(r.span) for r in found[:3]]
        message = f"{len(found)} {resource_type} (needs {minimum})"
        if len(found) >= minimum:
            yield passed(message, *evidence, subject=resource_type)
        else:
            yield failed(message, *evidence, subject=resource_type)
