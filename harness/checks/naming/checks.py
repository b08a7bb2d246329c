"""Naming checks: a random suffix resource exists, and the names that collide on redeploy
(every account/region-unique name of ``checks.common.catalog``) carry it."""

from __future__ import annotations

import fnmatch
import re
from collections.abc import Iterator

from pydantic import Field

from harness.checks.common import (
    bool_of,
    describe_route,
    evidence_at,
    number_of,
    origins,
    resources_of,
    route,
    short,
    subject_of,
)
from harness.checks.common.catalog import UNIQUE_NAME_TYPES
from harness.checks.naming import CATEGORY
from harness.checks.registry import Params, check
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.prompt import RANDOM_NAMES
from harness.terraform.model import Expr, Resource, TraceSource

SUFFIX_TYPES: tuple[str, ...] = ("random_id", "random_string", "random_pet")

#: The attribute that names a resource, per type; the ``*_prefix`` form where one exists.
NAME_ATTRIBUTES: dict[str, list[str]] = {
    "aws_iam_role": ["name", "name_prefix"],
    "aws_iam_policy": ["name", "name_prefix"],
    "aws_iam_instance_profile": ["name", "name_prefix"],
    "aws_iam_user": ["name"],
    "aws_ssm_parameter": ["name"],
    "aws_db_subnet_group": ["name", "name_prefix"],
    "aws_db_parameter_group": ["name", "name_prefix"],
    "aws_db_instance": ["identifier", "identifier_prefix"],
    "aws_rds_cluster": ["cluster_identifier", "cluster_identifier_prefix"],
    "aws_sns_topic": ["name", "name_prefix"],
    "aws_sqs_queue": ["name", "name_prefix"],
    "aws_cloudwatch_metric_alarm": ["alarm_name"],
    "aws_cloudwatch_composite_alarm": ["alarm_name"],
    "aws_cloudwatch_log_group": ["name", "name_prefix"],
    "aws_s3_bucket": ["bucket", "bucket_prefix"],
    "aws_security_group": ["name", "name_prefix"],
    "aws_launch_template": ["name", "name_prefix"],
    "aws_lb": ["name", "name_prefix"],
    "aws_lb_target_group": ["name", "name_prefix"],
    "aws_lambda_function": ["function_name"],
    "aws_secretsmanager_secret": ["name", "name_prefix"],
    "aws_kms_alias": ["name", "name_prefix"],
    "aws_dynamodb_table": ["name"],
    "aws_elasticache_subnet_group": ["name"],
    "aws_ecs_cluster": ["name"],
    "aws_ecr_repository": ["name"],
    "aws_key_pair": ["key_name", "key_name_prefix"],
}

#: Types whose name may be omitted: the provider then generates a unique one.
GENERATED_NAME_TYPES = frozenset(
    {
        "aws_iam_role",
        "aws_iam_policy",
        "aws_iam_instance_profile",
        "aws_db_subnet_group",
        "aws_db_parameter_group",
        "aws_db_instance",
        "aws_rds_cluster",
        "aws_rds_cluster_instance",
        "aws_docdb_cluster",
        "aws_docdb_cluster_instance",
        "aws_neptune_cluster",
        "aws_neptune_cluster_instance",
        "aws_sns_topic",
        "aws_sqs_queue",
        "aws_cloudwatch_log_group",
        "aws_s3_bucket",
        "aws_security_group",
        "aws_launch_template",
        "aws_lb",
        "aws_lb_target_group",
        "aws_secretsmanager_secret",
        "aws_kms_alias",
    }
)

_SECRET_NAME = re.compile(r"password|passwd|secret|token|credential|api_?key", re.IGNORECASE)


class RandomSuffixParams(Params):
    min_bytes: int = Field(default=4, ge=1, description="Least random_id byte_length.")
    min_length: int = Field(default=6, ge=1, description="Least random_string length.")
    require_no_special: bool = Field(
        default=True,
        description="random_string must set special = false (special characters are invalid "
        "in most AWS names).",
    )


class SuffixAppliedParams(Params):
    types: list[str] = Field(
        default_factory=lambda: list(UNIQUE_NAME_TYPES),
        description="Resource types whose names must carry the suffix (default: every type "
        "with an account/region-unique name, harness.checks.common.catalog).",
    )
    name_attributes: dict[str, list[str]] = Field(
        default_factory=lambda: {
            **{k: list(v) for k, v in NAME_ATTRIBUTES.items()},
            **{k: list(v) for k, v in UNIQUE_NAME_TYPES.items()},
        },
        description="Naming attribute(s) per type, the full name first, then a prefix form.",
    )
    suffix_types: list[str] = Field(
        default_factory=lambda: list(SUFFIX_TYPES),
        description="Resource types whose value counts as a random suffix.",
    )
    suffix_variables: list[str] = Field(
        default_factory=lambda: ["*suffix*"],
        description="Glob patterns of input variable names that count as a deploy-time "
        "suffix when the name ends its trace there (e.g. environment_suffix set by CI). "
        "Empty: only random resources count.",
    )
    accept_name_prefix: bool = Field(
        default=True, description="A *_prefix attribute passes: the provider appends a suffix."
    )
    accept_generated: bool = Field(
        default=True,
        description="An omitted name passes for types whose provider generates a unique name.",
    )


def _random_names_waived(ctx: CheckContext) -> Finding | None:
    """na when the task's prompt asks for names without random suffixes ("don't use random
    ids, use the prefix ..."): a response that obeys has nothing here to be judged on."""
    waived = ctx.prompt.waives(RANDOM_NAMES) if ctx.prompt is not None else None
    if waived is None:
        return None
    return not_applicable(
        f"the prompt asks for names without random suffixes ({waived.place}: {waived.said!r})"
    )


@check("naming.random_suffix_resource", CATEGORY, params=RandomSuffixParams, waivable=RANDOM_NAMES)
def random_suffix_resource(ctx: CheckContext, params: RandomSuffixParams) -> Iterator[Finding]:
    """A random suffix resource exists and is wide enough to keep names unique.

    What it checks:
        Each ``random_id``, ``random_string`` and ``random_pet`` (random strings named like
        passwords, secrets or tokens are not suffixes and are skipped): ``random_id`` needs
        ``byte_length >= min_bytes`` (4 bytes = 8 hex characters), ``random_string`` needs
        ``length >= min_length`` and ``special = false``; ``random_pet`` passes. One failing
        finding when the configuration has resources with account-unique names (IAM roles,
        SSM parameters, buckets, key pairs...) but no such suffix at all; na when it has none,
        and when the task's prompt asks for names without random suffixes ("don't use random
        ids"). Values are resolved through variables and locals.

    Why it matters:
        Fixed names (IAM roles, SSM parameters, subnet groups) collide with leftovers of an
        earlier deploy or a parallel environment, and ``apply`` fails with "already exists".
        Two random bytes give 65,536 values, enough for collisions across many stacks; special
        characters break S3, RDS and IAM naming rules.

    Example:
        Failing::

            resource "random_id" "suffix" {
              byte_length = 2
            }

        Passing::

            resource "random_id" "suffix" {
              byte_length = 4
            }
    """
    waived = _random_names_waived(ctx)
    if waived is not None:
        yield waived
        return
    subjects = [
        r
        for r in resources_of(ctx.config, SUFFIX_TYPES)
        if not (r.type == "random_string" and _SECRET_NAME.search(r.name))
    ]
    if not subjects:
        named = resources_of(ctx.config, UNIQUE_NAME_TYPES)
        if named:
            listed = ", ".join(subject_of(ctx.config, r) for r in named[:3])
            more = f" and {len(named) - 3} more" if len(named) > 3 else ""
            yield failed(
                "no random_id, random_string or random_pet resource: names of "
                f"{listed}{more} have no random suffix and collide on a second deploy",
                *(ctx.evidence(r.span) for r in named[:3]),
                subject="random suffix",
            )
        else:
            yield not_applicable("no resource whose name must be unique")
        return
    for resource in subjects:
        yield _judge_random(ctx, resource, params)


def _judge_random(ctx: CheckContext, resource: Resource, params: RandomSuffixParams) -> Finding:
    subject = subject_of(ctx.config, resource)
    if resource.type == "random_pet":
        return passed(
            "random_pet yields word-based unique names",
            ctx.evidence(resource.span),
            subject=subject,
        )
    if resource.type == "random_id":
        size = number_of(ctx.config, resource.get("byte_length"), resource.module)
        evidence = evidence_at(ctx, resource, "byte_length")
        if size is None:
            return not_applicable(f"{subject}: byte_length is not a static number", subject)
        if size >= params.min_bytes:
            return passed(
                f"random_id byte_length = {size:g} (>= {params.min_bytes})",
                evidence,
                subject=subject,
            )
        return failed(
            f"random_id byte_length = {size:g} gives only {int(2 ** (8 * size)):,} values "
            f"(need >= {params.min_bytes} bytes)",
            evidence,
            subject=subject,
        )
    length = number_of(ctx.config, resource.get("length"), resource.module)
    evidence = evidence_at(ctx, resource, "length")
    if length is None:
        return not_applicable(f"{subject}: length is not a static number", subject)
    problems: list[str] = []
    if length < params.min_length:
        problems.append(f"length = {length:g} (need >= {params.min_length})")
    special_expr = resource.get("special")
    special = True if special_expr is None else bool_of(ctx.config, special_expr, resource.module)
    if params.require_no_special and special is not False:
        problems.append(
            "special characters allowed (special defaults to true)"
            if special_expr is None
            else f"special = {short(special_expr.text)} allows characters invalid in AWS names"
        )
    if problems:
        return failed("random_string " + "; ".join(problems), evidence, subject=subject)
    return passed(
        f"random_string length = {length:g} without special characters", evidence, subject=subject
    )


@check("naming.suffix_applied", CATEGORY, params=SuffixAppliedParams, waivable=RANDOM_NAMES)
def suffix_applied(ctx: CheckContext, params: SuffixAppliedParams) -> Iterator[Finding]:
    """Names that must be unique per deploy carry the random suffix.

    What it checks:
        For each resource of the configured types (by default every type of
        ``catalog.UNIQUE_NAME_TYPES``: names unique in the account or region, such as IAM
        roles and policies, SSM parameters, secrets, KMS aliases, log groups, DynamoDB
        tables, EKS clusters, alarms, S3 buckets), its naming attribute (``name``,
        ``alarm_name``, ``identifier``, ``bucket``... per type) is traced through locals,
        variables, module inputs and outputs; it passes when a ``random_id``/``random_string``
        /``random_pet`` value flows into it (or an input variable named like ``*suffix*`` that
        the name's trace ends at), when the ``*_prefix`` form is used, or when the name is
        omitted and the provider generates one. Evidence: the name attribute and the hop that
        brought the suffix (``passed via main.tf:44 (name_suffix = random_id.suffix.hex)``).
        na when the task's prompt asks for names without random suffixes.

    Why it matters:
        IAM role, SSM parameter, subnet group, topic and alarm names are unique per account
        and region. A fixed name makes the second deploy (another environment, a re-create
        after a failed destroy) fail with "EntityAlreadyExists"/"ParameterAlreadyExists".

    Example:
        Failing::

            resource "aws_iam_role" "app" {
              name = "${var.project}-app-role"
            }

        Passing::

            resource "random_id" "suffix" {
              byte_length = 4
            }
            resource "aws_iam_role" "app" {
              name = "${var.project}-app-role-${random_id.suffix.hex}"
            }
    """
    waived = _random_names_waived(ctx)
    if waived is not None:
        yield waived
        return
    subjects = resources_of(ctx.config, params.types)
    if not subjects:
        yield not_applicable("no resource of the types whose names must be unique")
        return
    for resource in subjects:
        yield _judge_name(ctx, resource, params)


def _judge_name(ctx: CheckContext, resource: Resource, params: SuffixAppliedParams) -> Finding:
    subject = subject_of(ctx.config, resource)
    attributes = params.name_attributes.get(resource.type, ["name", "name_prefix"])
    present = [a for a in attributes if resource.block.attr(a) is not None]
    if not present:
        if params.accept_generated and resource.type in GENERATED_NAME_TYPES:
            return passed(
                f"no {attributes[0]} set: the provider generates a unique name",
                ctx.evidence(resource.span),
                subject=subject,
            )
        return failed(f"no {attributes[0]} set", ctx.evidence(resource.span), subject=subject)
    name = present[0]
    attribute = resource.block.attr(name)
    assert attribute is not None
    evidence = ctx.evidence(attribute.span)
    if name.endswith("_prefix") and params.accept_name_prefix:
        return passed(
            f"{name} used: the provider appends a unique suffix", evidence, subject=subject
        )
    found = _suffix_source(ctx, resource, attribute.expr, params)
    if found is not None:
        source, how = found
        hops = [
            ctx.evidence(span, step)
            for step, span in route(ctx, source.via)[:3]
            if span != source.span
        ]
        note = describe_route(ctx, source)
        return passed(
            f"{name} includes {how} ({note})",
            evidence,
            *hops,
            ctx.evidence(source.span, "suffix source"),
            subject=subject,
        )
    return failed(
        f"{name} = {short(attribute.expr.text)} has no random suffix", evidence, subject=subject
    )


def _suffix_source(
    ctx: CheckContext, resource: Resource, expr: Expr, params: SuffixAppliedParams
) -> tuple[TraceSource, str] | None:
    sources = origins(ctx, expr, resource.module)
    for source in sources:
        if source.kind == "resource" and source.address.split(".")[0] in params.suffix_types:
            return source, source.address + (
                "." + ".".join(source.attribute_path) if source.attribute_path else ""
            )
    for source in sources:
        if source.kind in ("variable_default", "unresolved") and source.address.startswith("var."):
            variable = source.address.split(".", 1)[1]
            if any(fnmatch.fnmatchcase(variable, p) for p in params.suffix_variables):
                return source, f"the deploy-time suffix {source.address}"
    return None
