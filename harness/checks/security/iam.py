"""IAM least privilege: no wildcard actions, no wildcard resources where the action can be
scoped, no broad AWS managed policies."""

from __future__ import annotations

import fnmatch
import functools
import re
from collections.abc import Iterator

from pydantic import Field

from harness.checks.common import (
    Statement,
    identity_policies,
    resources_of,
    strings_of,
    subject_of,
)
from harness.checks.common.values import flat_values
from harness.checks.registry import Params, check
from harness.checks.security import CATEGORY
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.terraform.model import Resource

#: Actions with no resource-level permissions (or that AWS documents with "*" as the only
#: practical resource): "Resource": "*" is correct for them. Lower-case globs; the service
#: authorization reference is the source. Anything not listed is assumed to take ARNs.
NO_RESOURCE_ACTIONS: tuple[str, ...] = (
    "ec2:describe*",
    "ec2:createnetworkinterface",
    "ec2:deletenetworkinterface",
    "ec2:assignprivateipaddresses",
    "ec2:unassignprivateipaddresses",
    "autoscaling:describe*",
    "elasticloadbalancing:describe*",
    "cloudwatch:putmetricdata",
    "cloudwatch:getmetricdata",
    "cloudwatch:getmetricstatistics",
    "cloudwatch:listmetrics",
    "cloudwatch:describealarms",
    "cloudwatch:describealarmsformetric",
    "logs:describeloggroups",
    "logs:describeexporttasks",
    "logs:describequerydefinitions",
    "logs:describeresourcepolicies",
    "xray:puttracesegments",
    "xray:puttelemetryrecords",
    "xray:getsampling*",
    "sts:getcalleridentity",
    "ecr:getauthorizationtoken",
    "s3:listallmybuckets",
    "s3:getaccountpublicaccessblock",
    "ssm:describeparameters",
    "ssmmessages:*",
    "ec2messages:*",
    "kms:listkeys",
    "kms:listaliases",
    "kms:createkey",
    "kms:generaterandom",
    "iam:listroles",
    "iam:listpolicies",
    "iam:listusers",
    "iam:listgroups",
    "iam:listaccountaliases",
    "iam:getaccountsummary",
    "iam:getaccountpasswordpolicy",
    "iam:listvirtualmfadevices",
    "sns:listtopics",
    "sqs:listqueues",
    "lambda:listfunctions",
    "lambda:getaccountsettings",
    "dynamodb:listtables",
    "dynamodb:describelimits",
    "rds:describedbengineversions",
    "rds:describeorderabledbinstanceoptions",
    "rds:describeaccountattributes",
    "secretsmanager:getrandompassword",
    "secretsmanager:listsecrets",
    "ecs:listclusters",
    "ecs:registertaskdefinition",
    "ecs:deregistertaskdefinition",
    "ecs:listtaskdefinitions",
    "ecs:describetaskdefinition",
    "eks:listclusters",
    "route53:listhostedzones",
    "cloudtrail:lookupevents",
    "cloudtrail:describetrails",
    "acm:listcertificates",
    "tag:*",
    "ce:*",
    "pricing:*",
    "health:*",
    "support:*",
)

_ACTION = re.compile(r"^[a-z0-9-]+:[A-Za-z0-9*?]+$", re.IGNORECASE)
_MANAGED_POLICY = re.compile(r"^arn:aws[\w-]*:iam::aws:policy/(?:.*/)?([\w+=,.@-]+)$")
_ATTACHMENT_TYPES = (
    "aws_iam_role_policy_attachment",
    "aws_iam_policy_attachment",
    "aws_iam_user_policy_attachment",
    "aws_iam_group_policy_attachment",
)


class LeastPrivilegeParams(Params):
    service_wildcards_allowed: list[str] = Field(
        default_factory=list,
        description=(
            "Services where 'service:*' is tolerated on scoped resources (never on all "
            "resources). Empty by default: 'service:*' grants actions nobody reviewed."
        ),
    )
    no_resource_actions: list[str] = Field(
        default_factory=list,
        description="Extra action globs that may use Resource '*' (added to the built-in list).",
    )
    forbidden_managed_policies: list[str] = Field(
        default_factory=lambda: [
            "AdministratorAccess",
            "PowerUserAccess",
            "IAMFullAccess",
            "*FullAccess",
        ],
        description="Globs of AWS managed policy names that may not be attached.",
    )


@check("security.iam_least_privilege", CATEGORY, params=LeastPrivilegeParams)
def iam_least_privilege(ctx: CheckContext, params: LeastPrivilegeParams) -> Iterator[Finding]:
    """IAM policies grant specific actions on specific resources.

    What it checks:
        Every Allow statement of identity policies (``aws_iam_policy``, ``aws_iam_role_policy``,
        user/group policies, role ``inline_policy`` and ``aws_iam_policy_document`` data
        sources), read from ``jsonencode({...})``, heredoc/quoted JSON, ``file()`` of a JSON
        file in the response, or statement blocks, judged one by one with their spans: a
        clean statement passes; a faulty one fails once per fault (``Action "*"`` and
        ``Resource "*"`` on one statement are two faults). Fails on: ``Action "*"``;
        ``NotAction`` in an Allow; ``service:*`` (every action of a
        service, e.g. ``s3:*`` also grants DeleteBucket and PutBucketPolicy; tolerated on scoped
        resources only for services listed in ``service_wildcards_allowed``); a wildcard
        resource (``"*"``, ``arn:aws:s3:::*``, ``arn:aws:logs:*:*:*``) for any action that takes
        ARNs (``s3:GetObject`` does; ``ec2:DescribeInstances`` does not - a curated list of
        actions without resource-level permissions; unknown actions are assumed to take ARNs)
        unless a ``Condition`` narrows it (one that tests only how the request travels or
        is signed, MFA, time or a request header such as ``s3:x-amz-acl`` does not). Also one
        finding per attachment of an AWS managed policy, failing for AdministratorAccess,
        PowerUserAccess and ``*FullAccess``.
        Statements with a Principal (trust and resource policies) and Deny statements are not
        judged. na when there is no identity policy.

    Why it matters:
        A compromised instance, function or CI token can do exactly what its policy allows.
        Wildcards turn a leak of one credential into control of every bucket, key or user in
        the account; scoping actions and ARNs bounds the blast radius.

    Example:
        Failing::

            Statement = [{
              Effect   = "Allow"
              Action   = ["s3:GetObject"]
              Resource = "*"
            }]

        Passing::

            Statement = [{
              Effect   = "Allow"
              Action   = ["s3:GetObject"]
              Resource = "${aws_s3_bucket.data.arn}/*"
            }]
    """
    findings: list[Finding] = []
    no_resource = tuple(a.lower() for a in (*NO_RESOURCE_ACTIONS, *params.no_resource_actions))
    for document in identity_policies(ctx):
        owner = subject_of(ctx.config, document.owner)
        where = f" {document.attribute}" if document.attribute == "inline_policy.policy" else ""
        for statement in document.statements:
            if statement.has_principal or statement.effect.lower() == "deny":
                continue
            subject = f"{owner}{where} {statement.label}"
            problems = statement_problems(statement, params, no_resource)
            evidence = ctx.evidence(statement.span)
            for problem in problems:
                findings.append(failed(problem, evidence, subject=subject))
            if not problems:
                findings.append(passed(statement_summary(statement), evidence, subject=subject))
    findings += _attachments(ctx, params)
    if not findings:
        yield not_applicable("no IAM identity policy")
        return
    yield from findings


def is_wildcard_resource(resource: str) -> bool:
    """``*``, or an ARN that names every resource of its service (``arn:aws:s3:::*``,
    ``arn:aws:logs:*:*:*``, ``arn:aws:dynamodb:*:*:table/*``: every account). An S3 ARN like
    ``arn:aws:s3:::bucket/*`` names one bucket's objects and is not a wildcard."""
    text = resource.strip()
    if text == "*":
        return True
    parts = text.split(":", 5)
    if len(parts) != 6 or parts[0] != "arn":
        return False
    tail = parts[5]
    if tail in ("*", "*/*"):
        return True
    return (
        parts[3] in ("", "*")
        and parts[4] == "*"
        and re.fullmatch(r"[\w-]+[/:]\*", tail) is not None
    )


def takes_arn(action: str, no_resource: tuple[str, ...]) -> bool:
    """False when the action has no resource-level permissions (``Resource "*"`` is right)."""
    return not no_resource or _any_of(no_resource).match(action.lower()) is None


@functools.lru_cache(maxsize=64)
def _any_of(patterns: tuple[str, ...]) -> re.Pattern[str]:
    """One regex that matches a name exactly when ``fnmatch.fnmatchcase`` matches it with
    one of ``patterns`` (each is ``fnmatch.translate``'s whole-name regex): one match per
    action instead of one per pattern (65 by default), built once per pattern list."""
    return re.compile("|".join(fnmatch.translate(pattern) for pattern in patterns))


def statement_problems(
    statement: Statement, params: LeastPrivilegeParams, no_resource: tuple[str, ...]
) -> list[str]:
    """Every least-privilege fault of one statement: a wildcard action and a wildcard
    resource are two faults (each is a separate fix), reported separately."""
    problems: list[str] = []
    actions = [a for a in statement.actions if _ACTION.match(a) or a == "*"]
    wildcard_resource = statement.not_resources != () or any(
        is_wildcard_resource(r) for r in statement.resources
    )
    if "*" in actions:
        problems.append(
            'Action "*" allows every action on '
            + ("every resource" if wildcard_resource else "its resources")
        )
    if statement.not_actions:
        problems.append("Allow with NotAction grants every action except the listed ones")
    tolerated = {s.lower() for s in params.service_wildcards_allowed}
    for action in actions:
        service, _, name = action.partition(":")
        if name == "*" and wildcard_resource:
            problems.append(f"{action} on all resources grants full control of {service}")
        elif name == "*" and service.lower() not in tolerated:
            problems.append(
                f"{action} grants every {service} action; list the actions the workload needs"
            )
    if wildcard_resource and not narrows_resources(statement):
        scoped = [a for a in actions if a != "*" and takes_arn(a, no_resource)]
        if scoped or "*" in actions:
            shown = ", ".join(scoped[:4]) + (f" (+{len(scoped) - 4})" if len(scoped) > 4 else "")
            which = next((r for r in statement.resources if is_wildcard_resource(r)), "NotResource")
            problems.append(
                f'Resource "{which}" for {shown or "every action"}, which can be scoped to ARNs'
            )
    return problems


#: Condition keys that say nothing about which resources a statement reaches: how the request
#: travels or is signed, MFA and time, and the headers a request sets (an ``s3:PutObject`` on
#: ``*`` that must set ``s3:x-amz-acl`` still writes to every bucket). Matched lower-cased.
_UNSCOPED_CONDITION_KEYS = re.compile(
    r"aws:(?:securetransport|multifactorauth(?:present|age)|currenttime|epochtime|useragent"
    r"|referer|tokenissuetime|viaawsservice|calledvia(?:first|last)?)"
    r"|s3:(?:x-amz-[a-z0-9-]+|signature(?:version|age)|tlsversion|authtype)"
)


def narrows_resources(statement: Statement) -> bool:
    """Whether the statement's Condition may narrow a wildcard resource: it has one, and it
    tests some key other than those that never do (``_UNSCOPED_CONDITION_KEYS``). A key that
    is not known statically, or a Condition that could not be read, is taken to narrow."""
    if not statement.has_condition:
        return False
    keys = statement.condition_keys
    return not keys or not all(_UNSCOPED_CONDITION_KEYS.fullmatch(k.lower()) for k in keys)


def statement_summary(statement: Statement) -> str:
    actions = ", ".join(statement.actions[:3]) + ("..." if len(statement.actions) > 3 else "")
    resources = ", ".join(statement.resources[:2]) + ("..." if len(statement.resources) > 2 else "")
    note = " (narrowed by a Condition)" if narrows_resources(statement) else ""
    return f"{actions or 'no action'} on {resources or 'no resource'}{note}"


def _attachments(ctx: CheckContext, params: LeastPrivilegeParams) -> list[Finding]:
    findings: list[Finding] = []
    for resource in resources_of(ctx.config, _ATTACHMENT_TYPES):
        findings += _managed(ctx, resource, "policy_arn", params)
    for role in resources_of(ctx.config, ("aws_iam_role",)):
        findings += _managed(ctx, role, "managed_policy_arns", params)
    return findings


def _managed(
    ctx: CheckContext, resource: Resource, name: str, params: LeastPrivilegeParams
) -> list[Finding]:
    attribute = resource.block.attr(name)
    if attribute is None:
        return []
    subject = subject_of(ctx.config, resource)
    arns = [
        v.value
        for v in flat_values(ctx.config, attribute.expr, resource.module)
        if v.known and isinstance(v.value, str)
    ]
    if name == "policy_arn" and not arns:
        arns = strings_of(ctx.config, attribute.expr, resource.module) or []
    found: list[Finding] = []
    for arn in arns:
        match = _MANAGED_POLICY.match(arn.strip())
        if match is None:
            continue
        policy = match.group(1)
        label = subject if len(arns) == 1 else f"{subject} {policy}"
        evidence = ctx.evidence(attribute.span)
        if any(fnmatch.fnmatchcase(policy, p) for p in params.forbidden_managed_policies):
            found.append(
                failed(
                    f"attaches the AWS managed policy {policy}, far beyond least privilege",
                    evidence,
                    subject=label,
                )
            )
        else:
            found.append(
                passed(f"attaches the AWS managed policy {policy}", evidence, subject=label)
            )
    return found
