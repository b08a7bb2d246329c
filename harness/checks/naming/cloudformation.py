"""The naming criterion in CloudFormation terms: a name fixed in the template collides when the
stack is deployed twice (or replaced); a name built from ``${AWS::StackName}`` or a suffix
parameter, or left for CloudFormation to generate, does not."""

from __future__ import annotations

import fnmatch
from collections.abc import Iterator

from harness.checks.common.cloudformation import CLOUDFORMATION, model_of, shown
from harness.checks.naming import CATEGORY
from harness.checks.naming.checks import SuffixAppliedParams
from harness.checks.registry import check
from harness.checks.types import CheckContext, Finding, failed, not_applicable, passed
from harness.cloudformation.types import cloudformation_types
from harness.cloudformation.values import referenced_ids

#: The property that names each type (left out, CloudFormation generates a unique name).
NAME_PROPERTIES: dict[str, str] = {
    "AWS::IAM::Role": "RoleName",
    "AWS::IAM::ManagedPolicy": "ManagedPolicyName",
    "AWS::IAM::InstanceProfile": "InstanceProfileName",
    "AWS::IAM::User": "UserName",
    "AWS::SSM::Parameter": "Name",
    "AWS::RDS::DBSubnetGroup": "DBSubnetGroupName",
    "AWS::RDS::DBInstance": "DBInstanceIdentifier",
    "AWS::RDS::DBCluster": "DBClusterIdentifier",
    "AWS::SNS::Topic": "TopicName",
    "AWS::SQS::Queue": "QueueName",
    "AWS::CloudWatch::Alarm": "AlarmName",
    "AWS::S3::Bucket": "BucketName",
    "AWS::Lambda::Function": "FunctionName",
    "AWS::Logs::LogGroup": "LogGroupName",
    "AWS::SecretsManager::Secret": "Name",
    "AWS::DynamoDB::Table": "TableName",
    "AWS::EC2::LaunchTemplate": "LaunchTemplateName",
    "AWS::ElasticLoadBalancingV2::LoadBalancer": "Name",
    "AWS::ElasticLoadBalancingV2::TargetGroup": "Name",
    "AWS::KMS::Alias": "AliasName",
}
#: Pseudo parameters that make a name unique per stack (account and region alone do not:
#: a second stack in the same account and region collides).
_UNIQUE_PSEUDO = frozenset({"AWS::StackName", "AWS::StackId"})


def _is_custom(resource_type: str) -> bool:
    """A custom resource (a Lambda-backed random string generator, typically): the template's
    only way to make a random value."""
    return resource_type.startswith("Custom::") or resource_type == (
        "AWS::CloudFormation::CustomResource"
    )


@check("naming.suffix_applied", CATEGORY, params=SuffixAppliedParams, languages=CLOUDFORMATION)
def suffix_applied(ctx: CheckContext, params: SuffixAppliedParams) -> Iterator[Finding]:
    """Names of collision-prone resources are unique per stack (CloudFormation).

    What it checks:
        Per resource of the CloudFormation types of ``types`` (Terraform names map to their
        CloudFormation types): the name property (``RoleName``, ``TopicName``, ``Name``, ...)
        left out passes when ``accept_generated`` (CloudFormation generates a unique name);
        a name that refers to ``AWS::StackName`` / ``AWS::StackId``, to a parameter matching
        ``suffix_variables`` (e.g. ``EnvironmentSuffix``) or to a custom resource's value (a
        generated random string) passes; a literal name, or one built
        only from other values, fails. na without such a resource.

    Why it matters:
        A fixed name makes a second stack (another environment, a blue/green copy) or a
        replacement fail with "already exists".

    Example:
        Failing: ``RoleName: app-role``. Passing: ``RoleName: !Sub ${AWS::StackName}-app-role``.
    """
    model = model_of(ctx)
    types = cloudformation_types(params.types)
    found = False
    for resource in model.of_types(*types):
        prop = NAME_PROPERTIES.get(resource.type)
        if prop is None:
            continue
        found = True
        node = resource.get(prop)
        evidence = ctx.evidence(resource.property_span(prop))
        subject = resource.logical_id
        if node is None:
            if params.accept_generated:
                yield passed(
                    f"no {prop}: CloudFormation generates a unique name", evidence, subject=subject
                )
            else:
                yield failed(f"no {prop}", evidence, subject=subject)
            continue
        names = referenced_ids(node)
        template = model.template_of(resource)
        generated = {
            name
            for name in names
            if name in template.resources and _is_custom(template.resources[name].type)
        }
        suffix = sorted(
            name
            for name in names
            if name in _UNIQUE_PSEUDO
            or name in generated
            or any(
                fnmatch.fnmatch(name.lower(), g.lower().replace("_", ""))
                for g in params.suffix_variables
            )
        )
        if suffix:
            yield passed(f"{prop} uses {', '.join(suffix)}", evidence, subject=subject)
        else:
            yield failed(
                f"{prop} {shown(node)} is fixed for every stack", evidence, subject=subject
            )
    if not found:
        yield not_applicable("no resource of the collision-prone types")
