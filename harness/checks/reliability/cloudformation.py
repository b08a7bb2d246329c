"""Reliability in CloudFormation terms: outputs. A template has no state backend or provider
versions to pin (``reliability.backend`` and ``reliability.version_pins`` are ``na``)."""

from __future__ import annotations

from collections.abc import Iterator

from harness.checks.common.cloudformation import CLOUDFORMATION, model_of
from harness.checks.registry import check
from harness.checks.reliability import CATEGORY
from harness.checks.reliability.checks import OutputsParams
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed


@check("reliability.outputs", CATEGORY, params=OutputsParams, languages=CLOUDFORMATION)
def outputs(ctx: CheckContext, params: OutputsParams) -> Iterator[Finding]:
    """Key values are exposed as outputs (CloudFormation).

    What it checks:
        The templates declare at least ``min_outputs`` outputs; with
        ``require_description`` each output has a ``Description``. na without a readable
        template.

    Why it matters:
        Outputs (and their exports) are how other stacks, tests and operators find what was
        deployed.

    Example:
        Passing: ``Outputs: {VpcId: {Description: The VPC, Value: !Ref Vpc}}``.
    """
    model = model_of(ctx)
    if not any(t.valid for t in model.templates):
        yield not_applicable("no readable template")
        return
    declared = list(model.outputs())
    if len(declared) < params.min_outputs:
        yield failed(f"{len(declared)} outputs; at least {params.min_outputs} expected")
        return
    for output in declared:
        evidence = ctx.evidence(output.span)
        if params.require_description and not output.description.strip():
            yield failed("no Description", evidence, subject=output.name)
        else:
            yield passed("declared", evidence, subject=output.name)
