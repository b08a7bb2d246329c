"""Static unit tests: the configuration says what the production requirements say.

Run from the stack root: `pip install pytest python-hcl2 && pytest tests/unit`.
No AWS account and no provider download are needed.
"""

from __future__ import annotations

from typing import Any

import pytest
from conftest import MODULES, STACK_ROOT, lifecycle_of, resources

SUFFIXED_TYPES = (
    "aws_iam_role",
    "aws_ssm_parameter",
    "aws_db_subnet_group",
    "aws_sns_topic",
    "aws_cloudwatch_metric_alarm",
)
REQUIRED_TAGS = {"Environment", "Project", "Owner", "CostCenter", "ManagedBy"}


def all_resources(modules: dict[str, Any], resource_type: str) -> dict[str, dict[str, Any]]:
    found: dict[str, dict[str, Any]] = {}
    for module_name, config in modules.items():
        for name, body in resources(config, resource_type).items():
            found[f"module.{module_name}.{resource_type}.{name}"] = body
    return found


def name_of(resource_type: str, body: dict[str, Any]) -> str:
    key = "alarm_name" if resource_type == "aws_cloudwatch_metric_alarm" else "name"
    return str(body[key])


# ---------------------------------------------------------------------------------------------
# Layout, versions, backend, provider
# ---------------------------------------------------------------------------------------------


@pytest.mark.parametrize("module", MODULES)
def test_every_module_has_main_variables_outputs(module: str) -> None:
    for file_name in ("main.tf", "variables.tf", "outputs.tf"):
        assert (STACK_ROOT / "modules" / module / file_name).is_file(), f"{module}/{file_name}"


def test_root_calls_every_module_from_a_local_source(root: dict[str, Any]) -> None:
    calls = {name: body for block in root["module"] for name, body in block.items()}
    assert set(calls) == set(MODULES)
    for name, body in calls.items():
        assert body["source"] == f"./modules/{name}"


def test_terraform_and_providers_are_pinned(root: dict[str, Any]) -> None:
    terraform = root["terraform"][0]
    assert terraform["required_version"].startswith(">= 1.10")
    providers = terraform["required_providers"][0]
    assert providers["aws"]["source"] == "hashicorp/aws"
    assert providers["aws"]["version"].startswith("~> 5.")
    assert providers["random"]["version"].startswith("~> 3.")


def test_state_backend_is_s3_with_locking(root: dict[str, Any]) -> None:
    backend = root["terraform"][0]["backend"][0]["s3"]
    assert backend["encrypt"] is True
    assert backend["use_lockfile"] is True or "dynamodb_table" in backend


def test_provider_default_tags_carry_every_required_key(root: dict[str, Any]) -> None:
    aws = root["provider"][0]["aws"]
    tags = aws["default_tags"][0]["tags"]
    assert set(tags) >= REQUIRED_TAGS
    assert tags["ManagedBy"] == "terraform"


# ---------------------------------------------------------------------------------------------
# Naming and lifecycle
# ---------------------------------------------------------------------------------------------


def test_random_suffix_is_four_bytes_and_reaches_every_module(root: dict[str, Any]) -> None:
    suffix = resources(root, "random_id")["suffix"]
    assert suffix["byte_length"] == 4
    calls = {name: body for block in root["module"] for name, body in block.items()}
    for name, body in calls.items():
        assert body["name_suffix"] == "${random_id.suffix.hex}", name


@pytest.mark.parametrize("resource_type", SUFFIXED_TYPES)
def test_unique_names_carry_the_suffix_and_are_replaced_safely(
    modules: dict[str, Any], resource_type: str
) -> None:
    found = all_resources(modules, resource_type)
    assert found, f"no {resource_type} in any module"
    for address, body in found.items():
        name = name_of(resource_type, body)
        # Directly, or through the database module's parameter_path local.
        assert "var.name_suffix" in name or "local.parameter_path" in name, address
        assert lifecycle_of(body).get("create_before_destroy") is True, address


def test_parameter_path_includes_the_suffix(modules: dict[str, Any]) -> None:
    locals_block = modules["database"]["locals"][0]
    assert "${var.name_suffix}" in locals_block["parameter_path"]


def test_ssm_parameters_overwrite_and_password_is_secure(modules: dict[str, Any]) -> None:
    parameters = all_resources(modules, "aws_ssm_parameter")
    for address, body in parameters.items():
        assert body["overwrite"] is True, address
    password = parameters["module.database.aws_ssm_parameter.master_password"]
    assert password["type"] == "SecureString"
    assert "value" in lifecycle_of(password)["ignore_changes"][0]


def test_generated_values_are_not_fought_over(modules: dict[str, Any]) -> None:
    instance = resources(modules["compute"], "aws_instance")["app"]
    assert "ami" in str(lifecycle_of(instance)["ignore_changes"])
    database = resources(modules["database"], "aws_db_instance")["this"]
    assert "password" in str(lifecycle_of(database)["ignore_changes"])


# ---------------------------------------------------------------------------------------------
# Security
# ---------------------------------------------------------------------------------------------


def test_db_password_is_generated_with_rds_safe_characters(root: dict[str, Any]) -> None:
    password = resources(root, "random_password")["db_master"]
    assert password["length"] >= 16
    for forbidden in ("/", "@", '"', " "):
        assert forbidden not in password["override_special"]


def test_bucket_is_encrypted_versioned_private_and_lifecycled(modules: dict[str, Any]) -> None:
    storage = modules["storage"]
    sse = resources(storage, "aws_s3_bucket_server_side_encryption_configuration")["app"]
    default = sse["rule"][0]["apply_server_side_encryption_by_default"][0]
    assert default["sse_algorithm"] == "aws:kms"
    versioning = resources(storage, "aws_s3_bucket_versioning")["app"]
    assert versioning["versioning_configuration"][0]["status"] == "Enabled"
    block = resources(storage, "aws_s3_bucket_public_access_block")["app"]
    for flag in (
        "block_public_acls",
        "block_public_policy",
        "ignore_public_acls",
        "restrict_public_buckets",
    ):
        assert block[flag] is True, flag
    lifecycle = resources(storage, "aws_s3_bucket_lifecycle_configuration")["app"]
    assert lifecycle["rule"], "no lifecycle rules"
    for rule in lifecycle["rule"]:
        assert "filter" in rule or "prefix" in rule, rule["id"]


def test_database_is_encrypted_private_and_reachable_only_from_the_app(
    modules: dict[str, Any],
) -> None:
    database = resources(modules["database"], "aws_db_instance")["this"]
    assert database["storage_encrypted"] is True
    assert database["publicly_accessible"] is False
    assert database["deletion_protection"] == "${var.deletion_protection}"
    group = resources(modules["database"], "aws_security_group")["db"]
    (ingress,) = group["ingress"]
    assert ingress["from_port"] == ingress["to_port"] == 5432
    assert "cidr_blocks" not in ingress
    assert ingress["security_groups"] == ["${var.app_security_group_id}"]


def test_root_volumes_are_encrypted_and_imdsv2_is_required(modules: dict[str, Any]) -> None:
    instance = resources(modules["compute"], "aws_instance")["app"]
    assert instance["root_block_device"][0]["encrypted"] is True
    assert instance["metadata_options"][0]["http_tokens"] == "required"
    assert "key_name" not in instance


def test_no_security_group_admits_the_internet(modules: dict[str, Any]) -> None:
    for module_name, config in modules.items():
        for name, group in resources(config, "aws_security_group").items():
            for rule in group.get("ingress", []):
                assert "0.0.0.0/0" not in rule.get("cidr_blocks", []), f"{module_name}.{name}"


def test_iam_allow_statements_name_resources(modules: dict[str, Any]) -> None:
    checked = 0
    for module_name, config in modules.items():
        for block in config.get("data", []):
            for name, body in block.get("aws_iam_policy_document", {}).items():
                for statement in body["statement"]:
                    if statement.get("effect", "Allow") != "Allow":
                        continue
                    checked += 1
                    assert not any(a == "*" or a.endswith(":*") for a in statement["actions"])
                    if "principals" in statement:  # trust policies have no resources
                        continue
                    resources_ = statement["resources"]
                    assert resources_ and "*" not in resources_, f"{module_name}.{name}"
    assert checked >= 5


# ---------------------------------------------------------------------------------------------
# Monitoring and outputs
# ---------------------------------------------------------------------------------------------


def test_required_alarms_notify_the_alerts_topic(modules: dict[str, Any]) -> None:
    monitoring = modules["monitoring"]
    alarms = resources(monitoring, "aws_cloudwatch_metric_alarm")
    metrics = {(a["namespace"], a["metric_name"]) for a in alarms.values()}
    assert metrics == {
        ("AWS/EC2", "CPUUtilization"),
        ("AWS/EC2", "StatusCheckFailed"),
        ("AWS/RDS", "CPUUtilization"),
        ("AWS/RDS", "FreeStorageSpace"),
    }
    for name, alarm in alarms.items():
        assert alarm["alarm_actions"] == ["${aws_sns_topic.alerts.arn}"], name
    subscription = resources(monitoring, "aws_sns_topic_subscription")["email"]
    assert subscription["topic_arn"] == "${aws_sns_topic.alerts.arn}"
    assert subscription["protocol"] == "email"


def test_outputs_for_other_teams_are_documented_and_not_secret(root: dict[str, Any]) -> None:
    outputs = {name: body for block in root["output"] for name, body in block.items()}
    for expected in ("vpc_id", "private_app_subnet_ids", "app_bucket_name", "db_endpoint"):
        assert expected in outputs
    for name, body in outputs.items():
        assert body.get("description"), name
        assert "password.result" not in str(body["value"]), name
