"""What the coverage checks know about AWS, as data: one table per question.

- ``UNIQUE_NAME_TYPES``: resource types whose name AWS requires to be unique globally (S3
  buckets), in the account (IAM) or in the account and region (everything else listed),
  with the argument(s) that name them, the full name first, then a ``*_prefix`` form where
  the provider has one. A fixed literal there makes a second deployment (another stage, a
  re-run after an interrupted apply) fail with "already exists"; ``naming.suffix_applied``
  judges every type listed.
- ``REPLACE_PRONE_TYPES``: resource types that Terraform replaces (destroy, then create) on
  changes to common arguments, and that something else depends on while they are replaced
  (an instance on its security group, an Auto Scaling group on its launch template, a
  listener on its certificate or target group, a database on its subnet and parameter
  groups); ``lifecycle.create_before_destroy`` judges every type listed.
- ``DATA_STORE_PORTS``: the TCP ports of data stores (SQL engines, Redis, Memcached, MongoDB,
  search, warehouses), with the engines that listen there;
  ``security.db_ingress_restricted`` judges ingress that reaches any of them.
- ``ADMIN_PORTS``: the TCP ports of remote administration (SSH, RDP, WinRM);
  ``security.admin_ingress_restricted`` judges ingress that reaches any of them.

A rubric overrides each per criterion (``params: {types: [...]}`` or ``{ports: [...]}``);
the tables are only the defaults. Sources: the AWS service quotas and API references
("... already exists" errors), the Terraform AWS provider's "forces replacement" arguments.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType

UNIQUE_NAME_TYPES: Mapping[str, tuple[str, ...]] = MappingProxyType(
    {
        # IAM: unique in the account
        "aws_iam_role": ("name", "name_prefix"),
        "aws_iam_policy": ("name", "name_prefix"),
        "aws_iam_instance_profile": ("name", "name_prefix"),
        "aws_iam_user": ("name",),
        "aws_iam_group": ("name",),
        # unique in the account and region
        # unique across all of AWS
        "aws_s3_bucket": ("bucket", "bucket_prefix"),
        "aws_ssm_parameter": ("name",),
        "aws_secretsmanager_secret": ("name", "name_prefix"),
        "aws_kms_alias": ("name", "name_prefix"),
        "aws_db_subnet_group": ("name", "name_prefix"),
        "aws_db_parameter_group": ("name", "name_prefix"),
        "aws_db_option_group": ("name", "name_prefix"),
        "aws_rds_cluster_parameter_group": ("name", "name_prefix"),
        "aws_db_instance": ("identifier", "identifier_prefix"),
        "aws_rds_cluster": ("cluster_identifier", "cluster_identifier_prefix"),
        "aws_rds_cluster_instance": ("identifier", "identifier_prefix"),
        "aws_docdb_cluster": ("cluster_identifier", "cluster_identifier_prefix"),
        "aws_docdb_cluster_instance": ("identifier", "identifier_prefix"),
        "aws_neptune_cluster": ("cluster_identifier", "cluster_identifier_prefix"),
        "aws_neptune_cluster_instance": ("identifier", "identifier_prefix"),
        "aws_elasticache_subnet_group": ("name",),
        "aws_elasticache_parameter_group": ("name",),
        "aws_elasticache_replication_group": ("replication_group_id",),
        "aws_elasticache_cluster": ("cluster_id",),
        "aws_dynamodb_table": ("name",),
        "aws_sns_topic": ("name", "name_prefix"),
        "aws_sqs_queue": ("name", "name_prefix"),
        "aws_cloudwatch_metric_alarm": ("alarm_name",),
        "aws_cloudwatch_composite_alarm": ("alarm_name",),
        "aws_cloudwatch_log_group": ("name", "name_prefix"),
        "aws_cloudwatch_dashboard": ("dashboard_name",),
        "aws_cloudwatch_event_rule": ("name", "name_prefix"),
        "aws_lambda_function": ("function_name",),
        "aws_eks_cluster": ("name",),
        "aws_ecs_cluster": ("name",),
        "aws_ecr_repository": ("name",),
        "aws_lb": ("name", "name_prefix"),
        "aws_lb_target_group": ("name", "name_prefix"),
        "aws_launch_template": ("name", "name_prefix"),
        "aws_autoscaling_group": ("name", "name_prefix"),
        "aws_key_pair": ("key_name", "key_name_prefix"),
        "aws_kinesis_stream": ("name",),
        "aws_sfn_state_machine": ("name", "name_prefix"),
        "aws_cognito_user_pool": ("name",),
        "aws_route53_record": ("name",),
    }
)

REPLACE_PRONE_TYPES: tuple[str, ...] = (
    "aws_security_group",
    "aws_launch_configuration",
    "aws_launch_template",
    "aws_db_subnet_group",
    "aws_db_parameter_group",
    "aws_db_option_group",
    "aws_rds_cluster_parameter_group",
    "aws_elasticache_subnet_group",
    "aws_elasticache_parameter_group",
    "aws_iam_role",
    "aws_acm_certificate",
    "aws_lb_target_group",
)

DATA_STORE_PORTS: Mapping[int, str] = MappingProxyType(
    {
        3306: "MySQL, MariaDB, Aurora MySQL",
        5432: "PostgreSQL, Aurora PostgreSQL",
        1433: "SQL Server",
        1521: "Oracle",
        27017: "MongoDB, DocumentDB",
        6379: "Redis, Valkey (ElastiCache, MemoryDB)",
        11211: "Memcached (ElastiCache)",
        9200: "Elasticsearch, OpenSearch (HTTP)",
        5439: "Redshift",
        9042: "Cassandra, Keyspaces",
        8182: "Neptune",
    }
)


#: TCP ports of remote administration: a shell or a desktop on the instance.
ADMIN_PORTS: Mapping[int, str] = MappingProxyType(
    {
        22: "SSH",
        3389: "RDP (Windows Remote Desktop)",
        5985: "WinRM (HTTP)",
        5986: "WinRM (HTTPS)",
    }
)
