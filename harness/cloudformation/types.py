"""Which CloudFormation type a Terraform resource type stands for (``aws_iam_role`` ->
``AWS::IAM::Role``): rubric parameters written with Terraform types apply to a CloudFormation
answer to the same task, and compare/derive match resources across the two languages."""

from __future__ import annotations

from collections.abc import Iterable

TERRAFORM_TO_CLOUDFORMATION: dict[str, str] = {
    "aws_vpc": "AWS::EC2::VPC",
    "aws_subnet": "AWS::EC2::Subnet",
    "aws_internet_gateway": "AWS::EC2::InternetGateway",
    "aws_nat_gateway": "AWS::EC2::NatGateway",
    "aws_eip": "AWS::EC2::EIP",
    "aws_route_table": "AWS::EC2::RouteTable",
    "aws_route": "AWS::EC2::Route",
    "aws_route_table_association": "AWS::EC2::SubnetRouteTableAssociation",
    "aws_security_group": "AWS::EC2::SecurityGroup",
    "aws_security_group_rule": "AWS::EC2::SecurityGroupIngress",
    "aws_vpc_security_group_ingress_rule": "AWS::EC2::SecurityGroupIngress",
    "aws_instance": "AWS::EC2::Instance",
    "aws_launch_template": "AWS::EC2::LaunchTemplate",
    "aws_ebs_volume": "AWS::EC2::Volume",
    "aws_flow_log": "AWS::EC2::FlowLog",
    "aws_autoscaling_group": "AWS::AutoScaling::AutoScalingGroup",
    "aws_autoscaling_policy": "AWS::AutoScaling::ScalingPolicy",
    "aws_lb": "AWS::ElasticLoadBalancingV2::LoadBalancer",
    "aws_lb_target_group": "AWS::ElasticLoadBalancingV2::TargetGroup",
    "aws_lb_listener": "AWS::ElasticLoadBalancingV2::Listener",
    "aws_db_instance": "AWS::RDS::DBInstance",
    "aws_rds_cluster": "AWS::RDS::DBCluster",
    "aws_db_subnet_group": "AWS::RDS::DBSubnetGroup",
    "aws_db_parameter_group": "AWS::RDS::DBParameterGroup",
    "aws_s3_bucket": "AWS::S3::Bucket",
    "aws_s3_bucket_policy": "AWS::S3::BucketPolicy",
    "aws_iam_role": "AWS::IAM::Role",
    "aws_iam_policy": "AWS::IAM::ManagedPolicy",
    "aws_iam_role_policy": "AWS::IAM::Policy",
    "aws_iam_instance_profile": "AWS::IAM::InstanceProfile",
    "aws_iam_user": "AWS::IAM::User",
    "aws_kms_key": "AWS::KMS::Key",
    "aws_kms_alias": "AWS::KMS::Alias",
    "aws_ssm_parameter": "AWS::SSM::Parameter",
    "aws_secretsmanager_secret": "AWS::SecretsManager::Secret",
    "aws_sns_topic": "AWS::SNS::Topic",
    "aws_sns_topic_subscription": "AWS::SNS::Subscription",
    "aws_sqs_queue": "AWS::SQS::Queue",
    "aws_cloudwatch_metric_alarm": "AWS::CloudWatch::Alarm",
    "aws_cloudwatch_log_group": "AWS::Logs::LogGroup",
    "aws_cloudwatch_dashboard": "AWS::CloudWatch::Dashboard",
    "aws_cloudtrail": "AWS::CloudTrail::Trail",
    "aws_lambda_function": "AWS::Lambda::Function",
    "aws_dynamodb_table": "AWS::DynamoDB::Table",
    "aws_ecs_cluster": "AWS::ECS::Cluster",
    "aws_ecs_service": "AWS::ECS::Service",
    "aws_ecs_task_definition": "AWS::ECS::TaskDefinition",
    "aws_eks_cluster": "AWS::EKS::Cluster",
    "aws_elasticache_cluster": "AWS::ElastiCache::CacheCluster",
    "aws_cloudfront_distribution": "AWS::CloudFront::Distribution",
    "aws_api_gateway_rest_api": "AWS::ApiGateway::RestApi",
    "aws_wafv2_web_acl": "AWS::WAFv2::WebACL",
    "aws_acm_certificate": "AWS::CertificateManager::Certificate",
}
CLOUDFORMATION_TO_TERRAFORM: dict[str, str] = {}
for _tf, _cfn in TERRAFORM_TO_CLOUDFORMATION.items():
    CLOUDFORMATION_TO_TERRAFORM.setdefault(_cfn, _tf)


def is_cloudformation_type(name: str) -> bool:
    """``AWS::S3::Bucket``, ``Custom::Thing``: a CloudFormation type name (has ``::``)."""
    return "::" in name


def cloudformation_type(name: str) -> str | None:
    """The CloudFormation type a type name stands for: itself when it is one, the table's
    entry for a Terraform type, None for a Terraform type with no counterpart here."""
    if is_cloudformation_type(name):
        return name
    return TERRAFORM_TO_CLOUDFORMATION.get(name)


def cloudformation_types(names: Iterable[str]) -> tuple[str, ...]:
    """The CloudFormation types of ``names`` (either language), in order, without repeats."""
    found: list[str] = []
    for name in names:
        mapped = cloudformation_type(name)
        if mapped is not None and mapped not in found:
            found.append(mapped)
    return tuple(found)


__all__ = [
    "CLOUDFORMATION_TO_TERRAFORM",
    "TERRAFORM_TO_CLOUDFORMATION",
    "cloudformation_type",
    "cloudformation_types",
    "is_cloudformation_type",
]
