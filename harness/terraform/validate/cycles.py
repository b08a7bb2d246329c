"""Blocks that refer to each other in a circle, or to themselves: terraform plan cannot order
them ("Error: Cycle")."""

from __future__ import annotations

from collections.abc import Sequence

from harness.graph import cycles
from harness.terraform.model import Module
from harness.terraform.validate.common import (
    Collector,
    Use,
    owned_references,
)
from harness.vocabulary import Severity, Span


def dependency_graph(
    module: Module, uses: Sequence[Use] | None = None
) -> dict[str, dict[str, Span | None]]:
    """What each resource, data source and local of ``module`` refers to among those (with
    the first reference's span): the graph Terraform orders them by. Module calls are left
    out: Terraform links a caller to each of a module's inputs and outputs, not to the call
    as a whole, so a reference through one is no edge here. ``uses``: the module's
    ``owned_references`` when the caller has them."""
    edges: dict[str, dict[str, Span | None]] = {
        node: {}
        for node in (
            *(r.address for r in (*module.resources, *module.data)),
            *(f"local.{name}" for name in module.locals),
        )
    }
    for use in owned_references(module) if uses is None else uses:
        targets = edges.get(use.owner)
        if targets is None or use.kind not in ("resource", "data", "local"):
            continue
        if use.ref.address in edges:
            targets.setdefault(use.ref.address, use.ref.span)
    return edges


#: The longest cycle a message spells out in full (a longer one: its start, its end, its size).
_CYCLE_STEPS_SHOWN = 10


def check_cycles(module: Module, uses: Sequence[Use], found: Collector) -> None:
    """Resources, data sources and locals that refer to each other in a circle ("Error:
    Cycle") or a block that refers to itself by its own address ("Self-referential block";
    a provisioner says ``self``): terraform plan cannot order them. Two security groups
    whose inline rules name each other are the usual case."""
    edges = dependency_graph(module, uses)
    for path in cycles(edges):
        start = path[0]
        if len(path) == 2:
            message = f"{start} refers to itself: Terraform rejects a self-referential " + (
                "value"
                if start.startswith("local.")
                else "block (a provisioner or connection block names its own resource as self)"
            )
        else:
            steps, size = path, ""
            if len(path) > _CYCLE_STEPS_SHOWN:
                steps, size = [*path[:6], "...", *path[-2:]], f" ({len(path) - 1} blocks)"
            groups = all(step.startswith("aws_security_group.") for step in path)
            message = (
                f"dependency cycle {' -> '.join(steps)}{size}: terraform plan stops "
                "(Error: Cycle); "
                + (
                    "move the rules of one side into aws_security_group_rule resources"
                    if groups
                    else "one of them must stop reading the other"
                )
            )
        found.add(
            module.path,
            "dependency_cycle",
            " ".join(path[:-1]),
            Severity.ERROR,
            message,
            edges[start][path[1]],
        )
