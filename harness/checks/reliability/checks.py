"""Reliability checks: outputs other teams can consume, and S3 lifecycle rules the AWS
provider accepts. (The backend and version pins are in ``backend`` and ``version``.)"""

from __future__ import annotations

from collections.abc import Iterator

from pydantic import Field

from harness.checks.common import subject_of
from harness.checks.registry import Params, check
from harness.checks.reliability import CATEGORY
from harness.checks.types import (
    CheckContext,
    Finding,
    failed,
    not_applicable,
    passed,
)
from harness.terraform.model import Block

# --------------------------------------------------------------------------- outputs


class OutputsParams(Params):
    min_outputs: int = Field(
        default=1, ge=0, description="Outputs the root module must declare at least."
    )
    require_description: bool = Field(
        default=True, description="Each root output must have a non-empty description."
    )


@check("reliability.outputs", CATEGORY, params=OutputsParams)
def outputs(ctx: CheckContext, params: OutputsParams) -> Iterator[Finding]:
    """The root module exposes documented outputs other stacks and teams can consume.

    What it checks:
        One finding on the number of root-module ``output`` blocks (at least
        ``min_outputs``, default 1), and with ``require_description`` (default) one per
        output: it needs a non-empty ``description`` and a ``value``. Outputs of child
        modules are wiring, not interface, and are not counted. na when the root module
        declares no resources, module calls or outputs.

    Why it matters:
        Outputs are the stack's interface: CI, other stacks (``terraform_remote_state``) and
        integration tests read endpoints and IDs from them. A description tells a consumer
        what the value is without reading the code.

    Example:
        Fails:

            output "x" { value = aws_lb.web.dns_name }

        Passes:

            output "alb_dns_name" {
              description = "Public DNS name of the web load balancer"
              value       = aws_lb.web.dns_name
            }
    """
    root = ctx.config.root_module
    if not (root.resources or root.calls or root.outputs):
        yield not_applicable("the root module declares no resources, module calls or outputs")
        return
    declared = list(root.outputs.values())
    count_message = f"root module declares {len(declared)} output(s) (minimum {params.min_outputs})"
    first = [ctx.evidence(o.block.span) for o in declared[:1]]
    if len(declared) >= params.min_outputs:
        yield passed(count_message, *first, subject="outputs")
    else:
        yield failed(count_message, *first, subject="outputs")
    if not params.require_description:
        return
    for output in declared:
        subject = f"output.{output.name}"
        description = output.block.get("description")
        text = description.literal_string() if description is not None else None
        has_text = bool(text.strip()) if text is not None else description is not None
        evidence = ctx.evidence(output.block.span)
        if output.value is None:
            yield failed(f"output {output.name} has no value", evidence, subject=subject)
        elif not has_text:
            yield failed(
                f"output {output.name} has no description: consumers must read the code to "
                "know what it holds",
                evidence,
                subject=subject,
            )
        else:
            yield passed(f"output {output.name}: {text or description}", evidence, subject=subject)


# --------------------------------------------------------------------------- S3 lifecycle


def _rules(block: Block) -> Iterator[tuple[str, Block, str]]:
    """(label, rule body, rule id) for each ``rule`` and each ``dynamic "rule"`` content."""
    for index, rule in enumerate(block.children("rule")):
        rule_id = rule.get("id")
        yield f"rule[{index}]", rule, (rule_id.literal_string() or "") if rule_id else ""
    for dynamic in block.children("dynamic"):
        if dynamic.labels[:1] == ("rule",):
            for content in dynamic.children("content"):
                yield 'dynamic "rule"', content, ""


@check("reliability.s3_lifecycle_filter", CATEGORY)
def s3_lifecycle_filter(ctx: CheckContext, params: Params) -> Iterator[Finding]:
    """Every S3 lifecycle rule has a ``filter`` (an empty one counts) or a ``prefix``.

    What it checks:
        One finding per ``rule`` (and ``dynamic "rule"`` content) of each
        ``aws_s3_bucket_lifecycle_configuration``: it must set exactly one of a ``filter``
        block (``filter {}`` applies the rule to every object) or the legacy ``prefix``.
        Both at once is an error in the provider too. na when there is no lifecycle
        configuration.

    Why it matters:
        AWS provider v5 warns "one (and only one) of [rule[0].filter,rule[0].prefix] is
        required" and a future major version rejects the rule; responses that omit it break
        the plan of anyone who upgrades.

    Example:
        Fails:

            resource "aws_s3_bucket_lifecycle_configuration" "logs" {
              bucket = aws_s3_bucket.logs.id
              rule {
                id     = "expire"
                status = "Enabled"
                expiration { days = 90 }
              }
            }

        Passes:

            resource "aws_s3_bucket_lifecycle_configuration" "logs" {
              bucket = aws_s3_bucket.logs.id
              rule {
                id     = "expire"
                status = "Enabled"
                filter {}
                expiration { days = 90 }
              }
            }
    """
    configurations = list(ctx.config.resources("aws_s3_bucket_lifecycle_configuration"))
    if not configurations:
        yield not_applicable("no aws_s3_bucket_lifecycle_configuration")
        return
    for resource in configurations:
        base = subject_of(ctx.config, resource)
        rules = list(_rules(resource.block))
        if not rules:
            yield failed(f"{base} has no rule", ctx.evidence(resource.span), subject=f"{base}.rule")
            continue
        for label, rule, rule_id in rules:
            subject = f"{base}.{label}"
            named = f"{subject}" + (f" ({rule_id!r})" if rule_id else "")
            has_filter = bool(rule.children("filter")) or rule.attr("filter") is not None
            has_prefix = rule.attr("prefix") is not None
            evidence = ctx.evidence(rule.span)
            if has_filter and has_prefix:
                yield failed(
                    f"{named} sets both filter and prefix; the provider requires exactly one",
                    evidence,
                    subject=subject,
                )
            elif has_filter:
                empty = [f for f in rule.children("filter") if not f.attributes and not f.blocks]
                scope = "an empty filter (all objects)" if empty else "a filter"
                yield passed(f"{named} has {scope}", evidence, subject=subject)
            elif has_prefix:
                yield passed(f"{named} has a prefix (legacy form)", evidence, subject=subject)
            else:
                yield failed(
                    f"{named} has neither filter nor prefix: add `filter {{}}` to apply it to "
                    "all objects",
                    evidence,
                    subject=subject,
                )
