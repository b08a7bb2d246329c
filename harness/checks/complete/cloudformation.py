"""Completeness in CloudFormation terms: every template reads, its references resolve, and the
resources the task asks for exist."""

from __future__ import annotations

import re
from collections.abc import Iterator

from harness.checks.common.cloudformation import CLOUDFORMATION, model_of
from harness.checks.complete import CATEGORY
from harness.checks.complete.required import RequiredResourcesParams
from harness.checks.registry import NoParams, check
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.cloudformation import PSEUDO_PARAMETERS, references
from harness.cloudformation.model import Template
from harness.cloudformation.types import cloudformation_type
from harness.graph import cycles
from harness.vocabulary import Span


@check("complete.syntax_valid", CATEGORY, params=NoParams, languages=CLOUDFORMATION)
def syntax_valid(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """Every CloudFormation template reads (CloudFormation).

    What it checks:
        Per template: it is a YAML or JSON mapping (short intrinsic tags allowed) with a
        ``Resources`` section whose every resource has a ``Type``. Fails with the line of the
        first problem; a readable template also fails once per resource, parameter or output
        whose logical ID is not alphanumeric (``My-Bucket``, ``app_role``). Fails when the
        task's reference holds a template and the response none.

    Why it matters:
        CloudFormation rejects the whole stack when one template does not parse.

    Example:
        Failing: a JSON template with a trailing comma before ``]``.
    """
    model = model_of(ctx)
    if not model.templates:
        yield failed("no CloudFormation template in the response")
        return
    for template in model.templates:
        evidence = ctx.evidence(Span(template.path, template.error_line or 1))
        if template.error:
            yield failed(template.error, evidence, subject=template.path)
            continue
        named = [
            *(
                ("resource", r.logical_id, r.logical_id, r.span)
                for r in template.resources.values()
            ),
            *(("parameter", p.name, p.name, p.span) for p in template.parameters.values()),
            *(("output", o.name, f"Outputs.{o.name}", o.span) for o in template.outputs.values()),
        ]
        wrong = [item for item in named if not _LOGICAL_ID.fullmatch(item[1])]
        for what, name, subject, span in wrong:
            yield failed(
                f"{what} {name}: a logical ID holds only letters and digits (CloudFormation: "
                '"Template format error: ... is non alphanumeric")',
                ctx.evidence(span),
                subject=subject,
            )
        if not wrong:
            yield passed(f"{len(template.resources)} resources", evidence, subject=template.path)


#: What CloudFormation takes as a logical ID (resources, parameters, outputs).
_LOGICAL_ID = re.compile(r"[A-Za-z0-9]+")


@check("complete.modules_resolve", CATEGORY, params=NoParams, languages=CLOUDFORMATION)
def modules_resolve(ctx: CheckContext, params: NoParams) -> Iterator[Finding]:
    """References inside each template resolve (CloudFormation).

    What it checks:
        Per resource and output: every ``Ref``, ``Fn::GetAtt`` and ``${Name}`` in ``Fn::Sub``
        names a parameter, a resource of the same template or a pseudo parameter;
        ``DependsOn`` and ``Condition`` name a resource / condition that exists; no resource
        depends on itself through its references and ``DependsOn`` (two security groups whose
        ingress rules name each other). na without a readable template.

    Why it matters:
        CloudFormation rejects a template with an unresolved reference or a circle of
        dependencies before creating anything ("Unresolved resource dependencies",
        "Circular dependency between resources").

    Example:
        Failing: ``!Ref DatabaseSubnetGroup`` when the template names it ``DbSubnetGroup``.
    """
    model = model_of(ctx)
    readable = [t for t in model.templates if t.valid]
    if not readable:
        yield not_applicable("no readable template")
        return
    for template in readable:
        known = set(template.parameters) | set(template.resources) | PSEUDO_PARAMETERS
        parts = [(r.logical_id, r.span, r.body) for r in template.resources.values()] + [
            (f"Outputs.{o.name}", o.span, o.value) for o in template.outputs.values()
        ]
        targets = {name: [ref.target for ref in references(node)] for name, _, node in parts}
        circles = _circles(template, targets)
        for name, span, _ in parts:
            missing = sorted({target for target in targets[name] if target not in known})
            resource = template.resources.get(name)
            if resource is not None:
                missing += [d for d in resource.depends_on if d not in template.resources]
                if resource.condition and resource.condition not in template.conditions:
                    missing.append(f"condition {resource.condition}")
            problems = []
            if missing:
                problems.append(
                    f"refers to {', '.join(missing)}, which the template does not declare"
                )
            if name in circles:
                problems.append(
                    f"circular dependency {' -> '.join(circles[name])}: CloudFormation "
                    "cannot order them (Circular dependency between resources)"
                )
            if problems:
                yield failed("; ".join(problems), ctx.evidence(span), subject=name)
            else:
                yield passed("references resolve", ctx.evidence(span), subject=name)


def _circles(template: Template, targets: dict[str, list[str]]) -> dict[str, list[str]]:
    """Each resource that is part of a circle of references (``targets``: what each resource
    refers to) and ``DependsOn``, with one such circle as a path from it back to itself."""
    edges = {
        logical_id: [*targets[logical_id], *resource.depends_on]
        for logical_id, resource in template.resources.items()
    }
    found: dict[str, list[str]] = {}
    for path in cycles(edges):
        for index, member in enumerate(path[:-1]):
            found[member] = [*path[index:-1], *path[:index], member]
    return found


@check(
    "complete.required_resources",
    CATEGORY,
    params=RequiredResourcesParams,
    languages=CLOUDFORMATION,
)
def required_resources(ctx: CheckContext, params: RequiredResourcesParams) -> Iterator[Finding]:
    """The resources the task asks for exist (CloudFormation).

    What it checks:
        Per entry of ``resources`` (a CloudFormation type, or a Terraform type mapped to its
        CloudFormation counterpart): at least that many resources of the type. Terraform types
        with no counterpart are not judged. na without params.

    Why it matters:
        A stack without a requested resource does not do what the task asked.

    Example:
        ``resources: {AWS::RDS::DBInstance: 1}`` fails for a template without a database.
    """
    if not params.resources:
        yield not_applicable("no required resources given")
        return
    model = model_of(ctx)
    judged = False
    for wanted, count in params.resources.items():
        type_name = cloudformation_type(wanted)
        if type_name is None:
            continue
        judged = True
        have = list(model.resources(type_name))
        subject = type_name
        if len(have) >= count:
            yield passed(f"{len(have)} x {type_name}", ctx.evidence(have[0].span), subject=subject)
        else:
            yield failed(f"{len(have)} of {count} {type_name}", subject=subject)
    if not judged:
        yield not_applicable("no required resource type has a CloudFormation counterpart")
