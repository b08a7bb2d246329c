"""Monitoring checks: CloudWatch alarms exist, notify an SNS topic, and the topic reaches
someone (a subscription)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from pydantic import Field

from harness.checks.common import definitions, origins, short, subject_of, values_of
from harness.checks.common.aws import (
    ALARM_ACTION_ATTRIBUTES,
    ALARM_TYPES,
    LIST_LIMIT,
    MONITORABLE_AWS_TYPES,
    evidence_for,
    literal_strings,
    name_list,
)
from harness.checks.monitoring import CATEGORY
from harness.checks.registry import Params, check
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.terraform.model import Expr, ExprKind, Resource, TraceSource, Variable


class AlarmsParams(Params):
    metrics: list[str] = Field(
        default_factory=list,
        description="Metrics that must have an alarm, e.g. CPUUtilization or "
        "AWS/RDS:FreeStorageSpace (namespace:metric). Empty: any alarm will do.",
    )
    monitorable_types: list[str] = Field(
        default_factory=lambda: list(MONITORABLE_AWS_TYPES),
        description="Resource types whose presence means the stack needs alarms.",
    )


class AlarmActionsParams(Params):
    exempt_scaling_alarms: bool = Field(
        default=True,
        description="Alarms whose only actions are scaling policies are na, not fail.",
    )


class NoTopicParams(Params):
    pass


def _alarms(ctx: CheckContext) -> list[Resource]:
    return [r for t in ALARM_TYPES for r in ctx.config.resources(t)]


def _metric_names(ctx: CheckContext, alarm: Resource) -> set[tuple[str, str]]:
    """(namespace, metric) pairs an alarm watches; namespace "" when unknown. Follows
    variables and locals, and ``each.value...`` into the resource's ``for_each`` map."""
    found: set[tuple[str, str]] = set()
    for block in alarm.block.walk():
        metric = block.attr("metric_name")
        if metric is None:
            continue
        namespace_attr = block.attr("namespace")
        namespaces = _static_values(ctx, namespace_attr.expr, alarm) if namespace_attr else set()
        for name in _static_values(ctx, metric.expr, alarm):
            for namespace in namespaces or {""}:
                found.add((namespace, name))
    return found


def _static_values(ctx: CheckContext, expr: Expr, alarm: Resource) -> set[str]:
    """String values an attribute can take (literals, locals, variables through module calls
    and defaults), and for ``each.*`` every static string of the ``for_each`` collection."""
    values = {
        v.value for v in values_of(ctx.config, expr, alarm.module) if isinstance(v.value, str)
    }
    if any(ref.root == "each" for ref in expr.references()):
        for_each = alarm.get("for_each")
        if for_each is not None:
            values.update(_collection_strings(ctx, for_each, alarm.module))
    return values


def _collection_strings(ctx: CheckContext, expr: Expr, module_path: str) -> set[str]:
    """Every static string in a collection expression, through the references inside it."""
    values: set[str] = set()
    for target, path in definitions(ctx.config, expr, module_path):
        values.update(literal_strings(target))
        for node in target.walk():
            if node is not target and node.kind is ExprKind.REFERENCE:
                for inner, _ in definitions(ctx.config, node, path):
                    values.update(literal_strings(inner))
    return values


def _matches(expected: str, watched: set[tuple[str, str]]) -> bool:
    namespace, _, metric = expected.rpartition(":")
    return any(
        m.lower() == metric.lower() and (not namespace or ns.lower() == namespace.lower())
        for ns, m in watched
    )


@check("monitoring.alarms", CATEGORY, params=AlarmsParams)
def alarms(ctx: CheckContext, params: AlarmsParams) -> Iterator[Finding]:
    """CloudWatch metric alarms exist for the resources a production stack must watch.

    What it checks:
        Without params: at least one ``aws_cloudwatch_metric_alarm`` (or composite alarm)
        exists whenever the configuration has monitorable resources (EC2, RDS, load balancers,
        Lambda, ...). With ``metrics``: one finding per expected metric, passing when some alarm
        watches it (``metric_name`` as a literal, through variables, or from the ``for_each``
        map of the alarm; ``AWS/RDS:FreeStorageSpace`` also requires the namespace). na when
        there is nothing to monitor and no alarm.

    Why it matters:
        Without alarms an outage, a full disk or a failing status check is discovered by users.
        An alarm per key metric is the minimum a production stack ships with.

    Example:
        Fails (an instance, no alarm):

            resource "aws_instance" "web" { ami = "ami-123" instance_type = "t3.micro" }

        Passes:

            resource "aws_cloudwatch_metric_alarm" "cpu" {
              alarm_name          = "web-cpu"
              namespace           = "AWS/EC2"
              metric_name         = "CPUUtilization"
              comparison_operator = "GreaterThanThreshold"
              threshold           = 80
              evaluation_periods  = 2
              period              = 300
              statistic           = "Average"
            }
    """
    found = _alarms(ctx)
    monitorable = [
        r for t in dict.fromkeys(params.monitorable_types) for r in ctx.config.resources(t)
    ]
    if not found and not monitorable:
        yield not_applicable("no monitorable resources and no CloudWatch alarms")
        return
    if not params.metrics:
        if found:
            watched = sorted({m for a in found for _, m in _metric_names(ctx, a)})
            detail = f" watching {name_list(watched)}" if watched else ""
            yield passed(
                f"{len(found)} CloudWatch alarm(s){detail}",
                *evidence_for(ctx, found),
                subject="alarms",
            )
        else:
            names = name_list(subject_of(ctx.config, r) for r in monitorable)
            yield failed(
                f"no CloudWatch alarm, yet the stack has {len(monitorable)} monitorable "
                f"resource(s): {names}",
                *evidence_for(ctx, monitorable, "monitorable resource without alarm"),
                subject="alarms",
            )
        return
    watched_by = {id(a): _metric_names(ctx, a) for a in found}
    for metric in params.metrics:
        hits = [a for a in found if _matches(metric, watched_by[id(a)])]
        if hits:
            yield passed(
                f"{metric} is watched by {name_list(subject_of(ctx.config, a) for a in hits)}",
                *evidence_for(ctx, hits),
                subject=metric,
            )
        else:
            others = name_list(sorted({m for a in found for _, m in watched_by[id(a)]}))
            where = (
                f"{len(found)} alarm(s) watch {others or 'other metrics'}"
                if found
                else "no CloudWatch alarm is defined"
            )
            yield failed(
                f"no alarm on {metric} ({where})", *evidence_for(ctx, found), subject=metric
            )


# --------------------------------------------------------------------------- actions

_SNS_ARN = re.compile(r"^arn:aws[\w-]*:sns:", re.IGNORECASE)
_TOPIC_WORDS = re.compile(r"sns|topic|notif|alert|alarm", re.IGNORECASE)
_SCALING_TYPES = frozenset({"aws_autoscaling_policy", "aws_appautoscaling_policy"})


def _is_topic_source(ctx: CheckContext, source: TraceSource) -> bool:
    """A value source that denotes an SNS topic: a topic resource or data source, a literal
    SNS ARN (also as a variable default), a root-module input named or described as a topic
    (the operator supplies an existing one), or a topic output of a module not shown."""
    if source.kind in ("resource", "data"):
        return source.address.removeprefix("data.").split(".")[0] == "aws_sns_topic"
    if source.kind == "literal":
        return bool(_SNS_ARN.match(source.address))
    if _is_hidden_topic(ctx, source):
        return True
    variable = _variable_of(ctx, source)
    if variable is None:
        return False
    if source.kind == "variable_default":
        default = variable.default
        return default is not None and any(_SNS_ARN.match(t) for t in literal_strings(default))
    if source.kind != "unresolved" or source.module != ctx.config.root:
        return False
    description = variable.block.get("description")
    text = variable.name + " " + ((description.literal_string() or "") if description else "")
    return bool(_TOPIC_WORDS.search(text))


def _variable_of(ctx: CheckContext, source: TraceSource) -> Variable | None:
    """The variable a ``var.x`` source (default value, or never set) stands for."""
    if source.kind not in ("variable_default", "unresolved"):
        return None
    name = source.address.removeprefix("var.")
    if name == source.address or not re.fullmatch(r"[\w-]+", name):
        return None
    module = ctx.config.modules.get(source.module)
    return module.variables.get(name) if module is not None else None


def _is_hidden_topic(ctx: CheckContext, source: TraceSource) -> bool:
    """An output of a module whose code is not in the response (a registry module, or a local
    one this turn does not repeat) that names a topic: ``module.alerts.sns_topic_arn``, or any
    output of a module whose source is an SNS module."""
    parts = source.address.split(".")
    if source.kind != "unresolved" or len(parts) < 3 or parts[0] != "module":
        return False
    module = ctx.config.modules.get(source.module)
    call = module.call(parts[1]) if module is not None else None
    if call is None or call.resolved in ctx.config.modules:
        return False
    return bool(_TOPIC_WORDS.search(parts[2]) or re.search(r"\bsns\b", call.source or ""))


def _describe(source: TraceSource) -> str:
    if source.kind in ("resource", "data"):
        return source.address
    if source.kind == "unresolved":
        if source.address.startswith("var."):
            where = f" in {source.module}" if source.module else ""
            return f"{source.address} (never set{where})"
        return f"{source.address} (cannot be resolved)"
    if source.kind == "variable_default":
        return f"the default of {source.address}"
    return f"literal {source.address}"


@check("monitoring.alarm_actions", CATEGORY, params=AlarmActionsParams)
def alarm_actions(ctx: CheckContext, params: AlarmActionsParams) -> Iterator[Finding]:
    """Every CloudWatch alarm notifies an SNS topic through ``alarm_actions``.

    What it checks:
        One finding per alarm: its ``alarm_actions`` must resolve to an ``aws_sns_topic``
        (resource or data source), following locals, module inputs and outputs (an alarm in
        ``modules/monitoring`` with ``alarm_actions = [var.sns_topic_arn]`` passes when the
        root passes ``module.sns.topic_arn``), or to a literal SNS ARN or a root input that
        names a topic. Alarms whose only actions are scaling policies are na by default
        (``exempt_scaling_alarms``). na when there is no alarm.

    Why it matters:
        An alarm without actions changes state in the console and nobody learns about it;
        the outage it was built to catch goes unnoticed.

    Example:
        Fails (no action):

            resource "aws_cloudwatch_metric_alarm" "cpu" {
              alarm_name  = "cpu"
              metric_name = "CPUUtilization"
            }

        Passes:

            resource "aws_sns_topic" "alerts" { name = "alerts" }
            resource "aws_cloudwatch_metric_alarm" "cpu" {
              alarm_name    = "cpu"
              metric_name   = "CPUUtilization"
              alarm_actions = [aws_sns_topic.alerts.arn]
            }
    """
    found = _alarms(ctx)
    if not found:
        yield not_applicable("no CloudWatch alarm")
        return
    for alarm in found:
        subject = subject_of(ctx.config, alarm)
        attribute = alarm.block.attr("alarm_actions")
        if attribute is None:
            yield failed(
                f"{subject} has no alarm_actions: it changes state without notifying anyone",
                ctx.evidence(alarm.span),
                subject=subject,
            )
            continue
        found_sources = origins(ctx, attribute.expr, alarm.module)
        topics = [s for s in found_sources if _is_topic_source(ctx, s)]
        evidence = [ctx.evidence(attribute.span)]
        if topics:
            first = topics[0]
            via = f" (via {', '.join(str(v) for v in first.via[:3])})" if first.via else ""
            yield passed(f"{subject} notifies {_describe(first)}{via}", *evidence, subject=subject)
            continue
        kinds = {s.address.split(".")[0] for s in found_sources if s.kind == "resource"}
        if params.exempt_scaling_alarms and kinds and kinds <= _SCALING_TYPES:
            yield not_applicable(
                f"{subject} drives a scaling policy ({name_list(sorted(kinds))}) rather than "
                "notifying",
                subject=subject,
            )
            continue
        if not found_sources:
            reason = f"alarm_actions = {short(attribute.expr.text, 60)} resolves to no value"
        else:
            reason = "alarm_actions resolve to " + name_list(_describe(s) for s in found_sources)
        yield failed(f"{subject} notifies no SNS topic: {reason}", *evidence, subject=subject)


# --------------------------------------------------------------------------- subscriptions


def _protocol(subscription: Resource) -> str:
    expr = subscription.get("protocol")
    text = expr.literal_string() if expr is not None else None
    return text or "?"


def _topic_key(source: TraceSource) -> tuple[str, str]:
    return (source.module, source.address)


@check("monitoring.sns_subscription", CATEGORY, params=NoTopicParams)
def sns_subscription(ctx: CheckContext, params: NoTopicParams) -> Iterator[Finding]:
    """Each SNS topic that alarms notify has a subscription.

    What it checks:
        One finding per ``aws_sns_topic`` that some alarm's actions resolve to (all topics
        when no alarm is wired to one): passes when an ``aws_sns_topic_subscription`` has a
        ``topic_arn`` resolving to that topic, across modules. na when there is no topic.

    Why it matters:
        A topic without subscribers swallows every alarm: the alarm fires, SNS accepts the
        message, and no email, pager or queue ever receives it.

    Example:
        Fails:

            resource "aws_sns_topic" "alerts" { name = "alerts" }

        Passes:

            resource "aws_sns_topic" "alerts" { name = "alerts" }
            resource "aws_sns_topic_subscription" "ops" {
              topic_arn = aws_sns_topic.alerts.arn
              protocol  = "email"
              endpoint  = "ops@example.com"
            }
    """
    topics = {(t.module, t.address): t for t in ctx.config.resources("aws_sns_topic")}
    if not topics:
        yield not_applicable("no SNS topic")
        return
    notified: set[tuple[str, str]] = set()
    for alarm in _alarms(ctx):
        for name in ALARM_ACTION_ATTRIBUTES:
            expr = alarm.get(name)
            if expr is None:
                continue
            for source in origins(ctx, expr, alarm.module):
                if source.kind == "resource" and _topic_key(source) in topics:
                    notified.add(_topic_key(source))
    judged = [topics[k] for k in topics if k in notified] if notified else list(topics.values())
    subscribed: dict[tuple[str, str], list[Resource]] = {}
    for subscription in ctx.config.resources("aws_sns_topic_subscription"):
        expr = subscription.get("topic_arn")
        if expr is None:
            continue
        for source in origins(ctx, expr, subscription.module):
            if source.kind == "resource":
                subscribed.setdefault(_topic_key(source), []).append(subscription)
    why = "notified by alarms" if notified else "no alarm notifies it"
    for topic in judged:
        subject = subject_of(ctx.config, topic)
        subs = subscribed.get((topic.module, topic.address), [])
        if subs:
            protocols = sorted({_protocol(s) for s in subs})
            label = f" ({', '.join(protocols)})" if protocols else ""
            yield passed(
                f"{subject} has {len(subs)} subscription(s){label}: "
                f"{name_list(subject_of(ctx.config, s) for s in subs)}",
                *evidence_for(ctx, subs[:LIST_LIMIT]),
                subject=subject,
            )
        else:
            yield failed(
                f"{subject} ({why}) has no aws_sns_topic_subscription in any module: "
                "messages published to it reach no one",
                ctx.evidence(topic.span),
                subject=subject,
            )
