"""The tagging criteria in CloudFormation terms. A template has no stack-wide tags (stack tags
are given at deploy time, outside the template), so each taggable resource must set ``Tags``."""

from __future__ import annotations

import re
from collections.abc import Iterator

from harness.checks.common.cloudformation import CLOUDFORMATION, model_of, tags_of
from harness.checks.registry import check
from harness.checks.tagging import CATEGORY
from harness.checks.tagging.checks import DefaultTagsParams, RequiredKeysParams
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.cloudformation import Resource

#: Resource types that accept ``Tags`` (the common ones; a type not listed is not judged).
TAGGABLE_TYPES: frozenset[str] = frozenset(
    {
        "AWS::EC2::VPC",
        "AWS::EC2::Subnet",
        "AWS::EC2::InternetGateway",
        "AWS::EC2::NatGateway",
        "AWS::EC2::EIP",
        "AWS::EC2::RouteTable",
        "AWS::EC2::SecurityGroup",
        "AWS::EC2::Instance",
        "AWS::EC2::Volume",
        "AWS::EC2::LaunchTemplate",
        "AWS::EC2::FlowLog",
        "AWS::EC2::VPCEndpoint",
        "AWS::EC2::NetworkAcl",
        "AWS::ElasticLoadBalancingV2::LoadBalancer",
        "AWS::ElasticLoadBalancingV2::TargetGroup",
        "AWS::AutoScaling::AutoScalingGroup",
        "AWS::RDS::DBInstance",
        "AWS::RDS::DBCluster",
        "AWS::RDS::DBSubnetGroup",
        "AWS::RDS::DBParameterGroup",
        "AWS::S3::Bucket",
        "AWS::IAM::Role",
        "AWS::IAM::User",
        "AWS::KMS::Key",
        "AWS::SecretsManager::Secret",
        "AWS::SSM::Parameter",
        "AWS::SNS::Topic",
        "AWS::SQS::Queue",
        "AWS::Logs::LogGroup",
        "AWS::CloudTrail::Trail",
        "AWS::CloudWatch::Alarm",
        "AWS::Lambda::Function",
        "AWS::DynamoDB::Table",
        "AWS::ECS::Cluster",
        "AWS::ECS::Service",
        "AWS::ECS::TaskDefinition",
        "AWS::EKS::Cluster",
        "AWS::ECR::Repository",
        "AWS::ElastiCache::ReplicationGroup",
        "AWS::CloudFront::Distribution",
        "AWS::ApiGateway::RestApi",
        "AWS::CertificateManager::Certificate",
        "AWS::WAFv2::WebACL",
        "AWS::EFS::FileSystem",
    }
)


def _taggable(ctx: CheckContext) -> list[Resource]:
    return [r for r in model_of(ctx).resources() if r.type in TAGGABLE_TYPES]


@check("tagging.default_tags", CATEGORY, params=DefaultTagsParams, languages=CLOUDFORMATION)
def default_tags(ctx: CheckContext, params: DefaultTagsParams) -> Iterator[Finding]:
    """Taggable resources set Tags (CloudFormation).

    What it checks:
        Per resource of a type that accepts tags (``TAGGABLE_TYPES``): it sets ``Tags`` (a
        list of Key/Value, or a map for the types that take one; a launch template's
        ``TagSpecifications``). Templates have no provider default tags, so every resource is
        judged on its own. na without a taggable resource.

    Why it matters:
        Untagged resources cannot be attributed for cost, ownership or incident response.

    Example:
        Passing: ``Tags: [{Key: Environment, Value: !Ref Environment}]``.
    """
    resources = _taggable(ctx)
    if not resources:
        yield not_applicable("no taggable resource")
        return
    for resource in resources:
        tags = tags_of(resource)
        evidence = ctx.evidence(resource.property_span("Tags"))
        if tags is not None and tags.keys:
            yield passed(f"Tags: {', '.join(tags.keys)}", evidence, subject=resource.logical_id)
        else:
            yield failed("sets no Tags", evidence, subject=resource.logical_id)


def _normal(key: str) -> str:
    """The key as the Terraform check compares it (case, spaces, '_', '-', ':', '.' ignored)."""
    return re.sub(r"[\s_\-:.]", "", key).lower()


@check("tagging.required_keys", CATEGORY, params=RequiredKeysParams, languages=CLOUDFORMATION)
def required_keys(ctx: CheckContext, params: RequiredKeysParams) -> Iterator[Finding]:
    """Tagged resources carry the required tag keys (CloudFormation).

    What it checks:
        Per taggable resource that sets ``Tags``: every key of ``keys`` (or one of its
        ``aliases``) is present, compared ignoring case, spaces, '-' and '_'. Resources with
        no tags at all are ``tagging.default_tags``' failure. na without a tagged resource.

    Why it matters:
        Cost allocation and automation rely on a fixed set of tag keys being present.

    Example:
        Failing: ``Tags: [{Key: Name, Value: web}]`` when Environment and Owner are required.
    """
    judged = False
    for resource in _taggable(ctx):
        tags = tags_of(resource)
        if tags is None or not tags.keys:
            continue
        judged = True
        have = {_normal(key) for key in tags.keys}
        missing = [
            key
            for key in params.keys
            if not ({_normal(key)} | {_normal(a) for a in params.aliases.get(key, [])}) & have
        ]
        evidence = ctx.evidence(tags.node.span)
        if missing:
            yield failed(f"missing {', '.join(missing)}", evidence, subject=resource.logical_id)
        else:
            yield passed("all required keys", evidence, subject=resource.logical_id)
    if not judged:
        yield not_applicable("no tagged resource")
