"""AWS knowledge and model helpers shared by the monitoring, tagging and reliability checks.

Data (which resource types take ``tags``, which ones CloudWatch can watch) lives here as
constants so a rubric author can read it and a test can pin it. The helpers are pure functions
of the ``Configuration``: subject naming, walking module callers, and a small static evaluator
for the *keys* of a tags map (``merge(local.common, var.tags, {Name = ...})``) that follows
locals, variables (through the module call that set them), module outputs and conditionals.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from harness.checks.common.resources import callers
from harness.checks.common.values import definitions
from harness.checks.types import CheckContext, Evidence
from harness.terraform.model import Block, Configuration, Expr, ExprKind, Resource

#: AWS resource types whose schema has a ``tags`` argument (provider v5). Curated from the
#: provider documentation for the services responses use; a resource that sets ``tags`` is
#: taggable whether or not it is listed here, so the list only matters for untagged resources.
_TAGGABLE_NAMES = """
    aws_acm_certificate aws_acmpca_certificate_authority aws_ami aws_ami_copy
    aws_api_gateway_api_key aws_api_gateway_client_certificate aws_api_gateway_domain_name
    aws_api_gateway_rest_api aws_api_gateway_stage aws_api_gateway_usage_plan
    aws_api_gateway_vpc_link aws_apigatewayv2_api aws_apigatewayv2_domain_name
    aws_apigatewayv2_stage aws_apigatewayv2_vpc_link aws_appautoscaling_target
    aws_appconfig_application aws_appconfig_environment aws_apprunner_service
    aws_appsync_graphql_api aws_athena_workgroup aws_autoscaling_group aws_backup_plan
    aws_backup_vault aws_batch_compute_environment aws_batch_job_definition
    aws_batch_job_queue aws_cloud9_environment_ec2 aws_cloudformation_stack
    aws_cloudfront_distribution aws_cloudtrail aws_cloudwatch_composite_alarm
    aws_cloudwatch_event_bus aws_cloudwatch_event_rule
    aws_cloudwatch_log_group aws_cloudwatch_metric_alarm aws_cloudwatch_metric_stream
    aws_codeartifact_domain aws_codeartifact_repository aws_codebuild_project
    aws_codecommit_repository aws_codedeploy_app aws_codedeploy_deployment_group
    aws_codepipeline aws_codestarconnections_connection aws_cognito_identity_pool
    aws_cognito_user_pool aws_config_config_rule aws_customer_gateway aws_datasync_task
    aws_db_cluster_snapshot aws_db_event_subscription aws_db_instance
    aws_db_option_group aws_db_parameter_group aws_db_proxy aws_db_snapshot
    aws_db_subnet_group aws_default_network_acl aws_default_route_table
    aws_default_security_group aws_default_subnet aws_default_vpc aws_dms_endpoint
    aws_dms_replication_instance aws_dms_replication_subnet_group aws_dms_replication_task
    aws_docdb_cluster aws_docdb_cluster_instance aws_docdb_cluster_parameter_group
    aws_docdb_subnet_group aws_dx_connection aws_dynamodb_table aws_ebs_snapshot
    aws_ebs_volume aws_ec2_capacity_reservation aws_ec2_client_vpn_endpoint aws_ec2_fleet
    aws_ec2_host aws_ec2_managed_prefix_list aws_ec2_traffic_mirror_filter
    aws_ec2_transit_gateway aws_ec2_transit_gateway_route_table
    aws_ec2_transit_gateway_vpc_attachment aws_ecr_repository aws_ecrpublic_repository
    aws_ecs_capacity_provider aws_ecs_cluster aws_ecs_service aws_ecs_task_definition
    aws_efs_access_point aws_efs_file_system aws_egress_only_internet_gateway aws_eip
    aws_eks_addon aws_eks_cluster aws_eks_fargate_profile aws_eks_node_group
    aws_elastic_beanstalk_application aws_elastic_beanstalk_environment
    aws_elasticache_cluster aws_elasticache_parameter_group
    aws_elasticache_replication_group aws_elasticache_serverless_cache
    aws_elasticache_subnet_group aws_elasticache_user aws_elasticache_user_group
    aws_elasticsearch_domain aws_elb aws_emr_cluster aws_flow_log aws_fsx_lustre_file_system
    aws_fsx_ontap_file_system aws_fsx_windows_file_system aws_glacier_vault
    aws_globalaccelerator_accelerator aws_glue_crawler aws_glue_job aws_glue_trigger
    aws_guardduty_detector aws_iam_instance_profile aws_iam_openid_connect_provider
    aws_iam_policy aws_iam_role aws_iam_saml_provider aws_iam_server_certificate
    aws_iam_user aws_imagebuilder_image_pipeline aws_imagebuilder_image_recipe
    aws_inspector2_filter aws_instance aws_internet_gateway aws_iot_topic_rule
    aws_key_pair aws_kinesis_analytics_application aws_kinesis_firehose_delivery_stream
    aws_kinesis_stream aws_kinesisanalyticsv2_application aws_kms_external_key aws_kms_key
    aws_lambda_function aws_launch_template aws_lb aws_alb aws_lb_listener
    aws_alb_listener aws_lb_listener_rule aws_alb_listener_rule aws_lb_target_group
    aws_alb_target_group aws_lightsail_instance aws_location_map aws_mq_broker
    aws_mq_configuration aws_msk_cluster aws_mwaa_environment
    aws_nat_gateway aws_neptune_cluster aws_neptune_cluster_instance aws_network_acl
    aws_network_interface aws_networkfirewall_firewall aws_networkfirewall_firewall_policy
    aws_networkfirewall_rule_group aws_opensearch_domain aws_placement_group
    aws_qldb_ledger aws_ram_resource_share aws_rds_cluster aws_rds_cluster_endpoint
    aws_rds_cluster_instance aws_rds_cluster_parameter_group
    aws_redshift_cluster aws_redshift_parameter_group aws_redshift_subnet_group
    aws_redshiftserverless_namespace aws_redshiftserverless_workgroup aws_route53_health_check
    aws_route53_resolver_endpoint aws_route53_resolver_rule aws_route53_zone
    aws_route_table aws_s3_bucket aws_s3_object aws_s3_bucket_object
    aws_sagemaker_endpoint aws_sagemaker_endpoint_configuration aws_sagemaker_model
    aws_sagemaker_notebook_instance aws_scheduler_schedule_group aws_secretsmanager_secret
    aws_security_group aws_securityhub_automation_rule aws_service_discovery_http_namespace
    aws_service_discovery_private_dns_namespace aws_service_discovery_public_dns_namespace
    aws_service_discovery_service aws_servicecatalog_portfolio aws_servicecatalog_product
    aws_sfn_activity aws_sfn_state_machine aws_shield_protection aws_sns_topic
    aws_spot_fleet_request aws_spot_instance_request aws_sqs_queue aws_ssm_activation
    aws_ssm_document aws_ssm_maintenance_window aws_ssm_parameter
    aws_ssm_patch_baseline aws_ssoadmin_permission_set aws_storagegateway_gateway
    aws_subnet aws_synthetics_canary aws_timestreamwrite_database aws_timestreamwrite_table
    aws_transfer_server aws_transfer_user aws_vpc aws_vpc_dhcp_options aws_vpc_endpoint
    aws_vpc_endpoint_service aws_vpc_ipam aws_vpc_ipam_pool aws_vpc_peering_connection
    aws_vpc_peering_connection_accepter aws_vpc_security_group_egress_rule
    aws_vpc_security_group_ingress_rule aws_vpn_connection aws_vpn_gateway aws_waf_rule
    aws_waf_web_acl aws_wafregional_web_acl aws_wafv2_ip_set aws_wafv2_regex_pattern_set
    aws_wafv2_rule_group aws_wafv2_web_acl aws_workspaces_directory aws_workspaces_workspace
    aws_xray_group aws_xray_sampling_rule
"""
TAGGABLE_AWS_TYPES: frozenset[str] = frozenset(_TAGGABLE_NAMES.split())

#: The serving and data tiers whose failure is an outage: a stack with any of these needs
#: alarms. Plumbing (NAT gateways, queues, lock tables) is left out of the generic default.
MONITORABLE_AWS_TYPES: tuple[str, ...] = (
    "aws_instance",
    "aws_autoscaling_group",
    "aws_db_instance",
    "aws_rds_cluster",
    "aws_rds_cluster_instance",
    "aws_docdb_cluster",
    "aws_docdb_cluster_instance",
    "aws_neptune_cluster",
    "aws_neptune_cluster_instance",
    "aws_lb",
    "aws_alb",
    "aws_elb",
    "aws_lambda_function",
    "aws_ecs_service",
    "aws_eks_cluster",
    "aws_elasticache_cluster",
    "aws_elasticache_replication_group",
    "aws_api_gateway_rest_api",
    "aws_apigatewayv2_api",
    "aws_sfn_state_machine",
    "aws_opensearch_domain",
    "aws_elasticsearch_domain",
    "aws_redshift_cluster",
    "aws_msk_cluster",
    "aws_cloudfront_distribution",
)

ALARM_TYPES: tuple[str, ...] = ("aws_cloudwatch_metric_alarm", "aws_cloudwatch_composite_alarm")
ALARM_ACTION_ATTRIBUTES: tuple[str, ...] = (
    "alarm_actions",
    "ok_actions",
    "insufficient_data_actions",
)

#: How many resources a message lists by name (and how many evidence items a finding carries).
LIST_LIMIT = 5

_MAX_DEPTH = 24


# --------------------------------------------------------------------------- subjects


def is_aws_config(config: Configuration) -> bool:
    """True when the configuration has AWS resources or an ``aws`` provider block."""
    if any(r.type.startswith("aws_") for r in config.resources()):
        return True
    return any(p.name == "aws" for m in config.modules.values() for p in m.providers)


def name_list(names: Iterable[str], limit: int = LIST_LIMIT) -> str:
    """``a, b, c and 4 more`` for messages."""
    items = list(names)
    if len(items) <= limit:
        return ", ".join(items)
    return ", ".join(items[:limit]) + f" and {len(items) - limit} more"


def evidence_for(
    ctx: CheckContext, resources: Iterable[Resource], note: str = ""
) -> list[Evidence]:
    return [ctx.evidence(r.span, note) for r in list(resources)[:LIST_LIMIT]]


# --------------------------------------------------------------------------- values


def literal_strings(expr: Expr) -> Iterator[str]:
    """Every static string inside an expression (object values, list items, keys)."""
    for node in expr.walk():
        value = node.literal_string()
        if value is not None:
            yield value
    for node in expr.walk():
        yield from node.keys


# --------------------------------------------------------------------------- tag keys


@dataclass(frozen=True)
class KeySet:
    """The statically known keys of a map expression. ``complete`` is False when part of the
    map could not be resolved (a variable without default, a function we do not evaluate), so
    ``keys`` is a lower bound."""

    keys: frozenset[str]
    complete: bool

    def __or__(self, other: KeySet) -> KeySet:
        return KeySet(self.keys | other.keys, self.complete and other.complete)

    def __and__(self, other: KeySet) -> KeySet:
        return KeySet(self.keys & other.keys, self.complete and other.complete)


EMPTY = KeySet(frozenset(), True)
UNKNOWN = KeySet(frozenset(), False)

_PASS_THROUGH_CALLS = frozenset({"tomap", "nonsensitive", "sensitive"})


def _strip_key(key: str) -> str:
    key = key.strip()
    if len(key) >= 2 and key[0] == key[-1] and key[0] in "\"'":
        key = key[1:-1]
    return key


class _KeyReader:
    """Reads the keys of a map expression, following references with ``definitions``."""

    def __init__(self, config: Configuration) -> None:
        self.config = config

    def keys(self, expr: Expr | None, module_path: str, depth: int = 0) -> KeySet:
        if expr is None or depth > _MAX_DEPTH:
            return UNKNOWN
        kind = expr.kind
        if kind is ExprKind.OBJECT:
            return KeySet(frozenset(_strip_key(k) for k in expr.keys), True)
        if kind is ExprKind.LITERAL:
            return EMPTY if expr.value is None else UNKNOWN
        if kind is ExprKind.CALL:
            if expr.name == "merge":
                result = EMPTY
                for item in expr.items:
                    result = result | self.keys(item, module_path, depth + 1)
                return result
            if expr.name in ("try", "coalesce"):
                return self._intersect(expr.items, module_path, depth)
            if expr.name in _PASS_THROUGH_CALLS and expr.items:
                return self.keys(expr.items[0], module_path, depth + 1)
            return UNKNOWN
        if kind is ExprKind.CONDITIONAL and len(expr.items) == 3:
            return self._intersect(expr.items[1:], module_path, depth)
        if kind is ExprKind.REFERENCE and expr.reference is not None:
            targets = [
                (target, path)
                for target, path in definitions(self.config, expr, module_path)
                if target.kind is not ExprKind.REFERENCE
            ]
            if not targets:
                return UNKNOWN
            return self._intersect_in(targets, depth)
        return UNKNOWN

    def _intersect(self, items: Iterable[Expr], module_path: str, depth: int) -> KeySet:
        return self._intersect_in([(item, module_path) for item in items], depth)

    def _intersect_in(self, items: Iterable[tuple[Expr, str]], depth: int) -> KeySet:
        result: KeySet | None = None
        for item, path in items:
            found = self.keys(item, path, depth + 1)
            result = found if result is None else result & found
        return result or UNKNOWN


def map_keys(config: Configuration, expr: Expr | None, module_path: str) -> KeySet:
    """Statically known keys of a tags-like map expression evaluated in ``module_path``."""
    return _KeyReader(config).keys(expr, module_path)


# --------------------------------------------------------------------------- providers


def provider_alias(resource: Resource) -> str | None:
    """The alias named by a resource's ``provider = aws.west`` meta-argument, if any."""
    expr = resource.get("provider")
    if expr is None:
        return None
    parts = expr.text.strip().split(".")
    return parts[1] if len(parts) == 2 else None


def aws_provider_for(
    config: Configuration, module_path: str, alias: str | None = None
) -> tuple[Block, str] | None:
    """The ``provider "aws"`` block that configures resources of ``module_path`` (searched in
    the module, then up through its callers as Terraform's provider inheritance does), with
    the module it is declared in."""
    seen: set[str] = set()
    current = module_path
    while current not in seen:
        seen.add(current)
        module = config.modules.get(current)
        if module is None:
            return None
        for provider in module.providers:
            if provider.name == "aws" and provider.alias == alias:
                return provider.block, current
        up = callers(config, current)
        if not up:
            return None
        current = up[0][0].path
    return None


def default_tags_expr(provider: Block) -> Expr | None:
    """The ``tags`` map of a provider's ``default_tags`` block."""
    for block in provider.children("default_tags"):
        attribute = block.attr("tags")
        if attribute is not None:
            return attribute.expr
    return None


def taggable(resource: Resource) -> bool:
    """An AWS managed resource that accepts tags (listed type, or it sets tags/tag itself)."""
    if resource.mode != "managed" or not resource.type.startswith("aws_"):
        return False
    return resource.type in TAGGABLE_AWS_TYPES or resource.block.has("tags")


def resource_tag_keys(config: Configuration, resource: Resource) -> KeySet | None:
    """Keys a resource sets itself: ``tags = ...``, or ASG ``tag {key = ...}`` blocks and
    ``dynamic "tag"`` over a map. None when the resource sets no tags at all."""
    result: KeySet | None = None
    attribute = resource.block.attr("tags")
    if attribute is not None:
        result = map_keys(config, attribute.expr, resource.module)
    for block in resource.block.children("tag"):
        key = block.get("key")
        value = key.literal_string() if key is not None else None
        found = KeySet(frozenset({value}), True) if value is not None else UNKNOWN
        result = found if result is None else result | found
    for block in resource.block.children("dynamic"):
        if block.labels[:1] == ("tag",):
            for_each = block.get("for_each")
            found = map_keys(config, for_each, resource.module)
            result = found if result is None else result | found
    return result
