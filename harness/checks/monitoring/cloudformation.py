"""The monitoring criteria in CloudFormation terms: ``AWS::CloudWatch::Alarm`` resources, their
``AlarmActions`` and the SNS topics (with subscriptions) they notify."""

from __future__ import annotations

import re
from collections.abc import Iterator

from harness.checks.common.cloudformation import (
    CLOUDFORMATION,
    items,
    model_of,
    pattern_text,
    setting,
)
from harness.checks.monitoring import CATEGORY
from harness.checks.monitoring.checks import AlarmActionsParams, AlarmsParams, NoTopicParams
from harness.checks.registry import check
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.cloudformation import CloudFormationModel, Resource
from harness.cloudformation.nodes import as_list
from harness.cloudformation.types import cloudformation_types
from harness.cloudformation.values import imports, referenced_ids

ALARM = "AWS::CloudWatch::Alarm"
COMPOSITE = "AWS::CloudWatch::CompositeAlarm"
TOPIC = "AWS::SNS::Topic"
SUBSCRIPTION = "AWS::SNS::Subscription"
SCALING = "AWS::AutoScaling::ScalingPolicy"
#: An SNS topic ARN, written out or with ``Fn::Sub`` (``${AWS::Partition}`` read as ``ref``).
_SNS_ARN = re.compile(r"arn:(aws[\w-]*|ref):sns:")


def _alarms(model: CloudFormationModel) -> list[Resource]:
    return list(model.of_types(ALARM, COMPOSITE))


def _watched(model: CloudFormationModel, alarm: Resource) -> set[tuple[str, str]]:
    """(namespace, metric) pairs an alarm watches (single metric or metric math)."""
    found = set()
    namespace = setting(model, alarm, "Namespace") or ""
    metric = setting(model, alarm, "MetricName")
    if metric:
        found.add((namespace, metric))
    for query in items(alarm.get("Metrics")):
        stat = query.mapping("MetricStat")
        inner = stat.mapping("Metric") if stat is not None else None
        if inner is not None and inner.text("MetricName"):
            found.add((inner.text("Namespace") or "", inner.text("MetricName") or ""))
    return found


@check("monitoring.alarms", CATEGORY, params=AlarmsParams, languages=CLOUDFORMATION)
def alarms(ctx: CheckContext, params: AlarmsParams) -> Iterator[Finding]:
    """CloudWatch alarms watch the stack (CloudFormation).

    What it checks:
        Without ``metrics``: at least one ``AWS::CloudWatch::Alarm`` (or composite alarm)
        when the template has monitorable resources (the CloudFormation types of
        ``monitorable_types``: instances, databases, load balancers, functions...). With
        ``metrics``: one finding per metric (``Namespace:MetricName`` or ``MetricName``),
        passing when an alarm watches it. na with nothing to monitor and no alarm.

    Why it matters:
        Without alarms an outage is found by users, not operators.

    Example:
        Passing: ``{Type: AWS::CloudWatch::Alarm, Properties: {Namespace: AWS/EC2,
        MetricName: CPUUtilization, ...}}``.
    """
    model = model_of(ctx)
    found = _alarms(model)
    monitorable = list(model.of_types(*cloudformation_types(params.monitorable_types)))
    if params.metrics:
        watched = {pair: alarm for alarm in found for pair in _watched(model, alarm)}
        for wanted in params.metrics:
            namespace, _, metric = wanted.rpartition(":")
            match = next(
                (
                    alarm
                    for (ns, name), alarm in watched.items()
                    if name == metric and (not namespace or ns == namespace)
                ),
                None,
            )
            if match is not None:
                yield passed(
                    f"{match.logical_id} watches {wanted}", ctx.evidence(match.span), subject=wanted
                )
            else:
                yield failed(f"no alarm on {wanted}", subject=wanted)
        return
    if found:
        names = ", ".join(a.logical_id for a in found[:5])
        yield passed(f"{len(found)} alarm(s): {names}", ctx.evidence(found[0].span))
    elif monitorable:
        kinds = ", ".join(sorted({r.type for r in monitorable}))
        yield failed(f"no CloudWatch alarm although the template has {kinds}")
    else:
        yield not_applicable("nothing to monitor and no alarm")


def _topics(model: CloudFormationModel) -> dict[str, Resource]:
    return {r.logical_id: r for r in model.resources(TOPIC)}


@check("monitoring.alarm_actions", CATEGORY, params=AlarmActionsParams, languages=CLOUDFORMATION)
def alarm_actions(ctx: CheckContext, params: AlarmActionsParams) -> Iterator[Finding]:
    """Alarms notify an SNS topic (CloudFormation).

    What it checks:
        Per alarm: ``AlarmActions`` names an SNS topic: a ``Ref`` to an ``AWS::SNS::Topic`` in
        the template, a parameter (a topic ARN given at deploy time), an ``Fn::ImportValue``
        from another stack, or an SNS ARN written out (literally or with ``Fn::Sub``). Alarms
        whose only actions are scaling policies are na when ``exempt_scaling_alarms``. na
        without alarms.

    Why it matters:
        An alarm with no action changes colour on a dashboard nobody is watching.

    Example:
        Passing: ``AlarmActions: [!Ref AlertTopic]``.
    """
    model = model_of(ctx)
    alarms_found = _alarms(model)
    if not alarms_found:
        yield not_applicable("no alarm")
        return
    topics = _topics(model)
    scaling = {r.logical_id for r in model.resources(SCALING)}
    for alarm in alarms_found:
        actions = as_list(alarm.get("AlarmActions"))
        evidence = ctx.evidence(alarm.property_span("AlarmActions"))
        targets = set().union(*(referenced_ids(a) for a in actions)) if actions else set()
        template = model.template_of(alarm)
        # a topic of the template, a topic ARN given as a parameter or imported from another
        # stack, or an SNS ARN written out (literally or with !Sub)
        given = sorted(t for t in targets if t in template.parameters)
        sns_arns = [a for a in actions if _SNS_ARN.match(pattern_text(model, alarm, a) or "")]
        imported = [a for a in actions if imports(a)]
        notified = sorted(t for t in targets if t in topics)
        if notified or given or sns_arns or imported:
            how = notified or [f"the topic in parameter {g}" for g in given]
            yield passed(
                f"notifies {', '.join(how) or 'an SNS topic'}",
                evidence,
                subject=alarm.logical_id,
            )
        elif targets and targets <= scaling and params.exempt_scaling_alarms:
            yield not_applicable(f"{alarm.logical_id} only scales", subject=alarm.logical_id)
        elif actions:
            yield failed("AlarmActions names no SNS topic", evidence, subject=alarm.logical_id)
        else:
            yield failed("no AlarmActions", evidence, subject=alarm.logical_id)


@check("monitoring.sns_subscription", CATEGORY, params=NoTopicParams, languages=CLOUDFORMATION)
def sns_subscription(ctx: CheckContext, params: NoTopicParams) -> Iterator[Finding]:
    """The topics alarms notify have a subscriber (CloudFormation).

    What it checks:
        Per ``AWS::SNS::Topic`` that an alarm notifies (every topic when no alarm names one):
        an ``AWS::SNS::Subscription`` whose ``TopicArn`` refers to it, or the topic's own
        ``Subscription`` list. na without a topic.

    Why it matters:
        A topic without a subscription delivers every alarm to no one.

    Example:
        Passing: ``Subscription: [{Protocol: email, Endpoint: !Ref AlertEmail}]``.
    """
    model = model_of(ctx)
    topics = _topics(model)
    if not topics:
        yield not_applicable("no SNS topic")
        return
    notified = {
        t
        for alarm in _alarms(model)
        for t in referenced_ids(alarm.get("AlarmActions"))
        if t in topics
    }
    subscribed = {
        t for sub in model.resources(SUBSCRIPTION) for t in referenced_ids(sub.get("TopicArn"))
    }
    for name in sorted(notified or topics):
        topic = topics[name]
        inline = items(topic.get("Subscription"))
        evidence = ctx.evidence(topic.span)
        if name in subscribed or inline:
            yield passed("has a subscription", evidence, subject=name)
        else:
            yield failed("no subscription", evidence, subject=name)
