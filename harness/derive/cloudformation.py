"""What a CloudFormation reference does, for the rubric draft: resource types by count, tag
keys, outputs and alarm metrics, read from its templates (logical ids and types)."""

from __future__ import annotations

from collections import Counter

from harness.checks.common.cloudformation import model_of, setting, tags_of
from harness.checks.types import CheckContext
from harness.cloudformation import CloudFormationModel


def templates_of(ctx: CheckContext) -> CloudFormationModel | None:
    """The reference's CloudFormation model, None when it holds no template."""
    if "cloudformation" not in ctx.languages:
        return None
    model = model_of(ctx)
    return model if model.templates else None


def resource_counts(model: CloudFormationModel) -> dict[str, int]:
    """Resource type -> how many the templates declare."""
    counts = Counter(r.type for r in model.resources())
    return dict(sorted(counts.items()))


def tag_key_candidates(model: CloudFormationModel) -> list[str]:
    """Tag keys any resource of the templates sets (``Name`` aside: it varies by resource)."""
    keys = {key for r in model.resources() if (tags := tags_of(r)) for key in tags.keys}
    return sorted(k for k in keys if k and k != "Name")


def output_names(model: CloudFormationModel) -> list[str]:
    return sorted(o.name for o in model.outputs())


def alarm_metrics(model: CloudFormationModel) -> tuple[list[str], list[str]]:
    """(namespace:metric, metric) of the templates' CloudWatch alarms."""
    qualified: set[str] = set()
    bare: set[str] = set()
    for alarm in model.resources("AWS::CloudWatch::Alarm"):
        metric = setting(model, alarm, "MetricName")
        namespace = setting(model, alarm, "Namespace")
        if metric:
            bare.add(metric)
            qualified.add(f"{namespace}:{metric}" if namespace else metric)
    return sorted(qualified), sorted(bare)


__all__ = [
    "alarm_metrics",
    "output_names",
    "resource_counts",
    "tag_key_candidates",
    "templates_of",
]
