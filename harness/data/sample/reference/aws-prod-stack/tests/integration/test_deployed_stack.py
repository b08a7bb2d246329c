"""Integration tests: the deployed stack matches its outputs and the production requirements.

Run after `terraform apply` with credentials for the target account:
    terraform output -json > outputs.json
    TF_OUTPUTS_FILE=outputs.json pytest tests/integration
"""

from __future__ import annotations

from typing import Any

REQUIRED_TAGS = {"Environment", "Project", "Owner", "CostCenter", "ManagedBy"}


def test_outputs_for_other_teams_are_present(outputs: dict[str, Any]) -> None:
    for name in (
        "vpc_id",
        "private_app_subnet_ids",
        "private_db_subnet_ids",
        "app_security_group_id",
        "app_bucket_name",
        "db_endpoint",
        "alerts_topic_arn",
    ):
        assert outputs.get(name), f"output {name} is empty"
    assert len(outputs["name_suffix"]) == 8


def test_vpc_is_tagged_for_finance(aws_session: Any, outputs: dict[str, Any]) -> None:
    ec2 = aws_session.client("ec2")
    (vpc,) = ec2.describe_vpcs(VpcIds=[outputs["vpc_id"]])["Vpcs"]
    tags = {tag["Key"]: tag["Value"] for tag in vpc.get("Tags", [])}
    assert REQUIRED_TAGS <= set(tags)
    assert tags["Environment"] == "prod"


def test_bucket_is_encrypted_versioned_and_private(
    aws_session: Any, outputs: dict[str, Any]
) -> None:
    s3 = aws_session.client("s3")
    bucket = outputs["app_bucket_name"]
    assert bucket.endswith(outputs["name_suffix"])
    encryption = s3.get_bucket_encryption(Bucket=bucket)["ServerSideEncryptionConfiguration"]
    default = encryption["Rules"][0]["ApplyServerSideEncryptionByDefault"]
    assert default["SSEAlgorithm"] == "aws:kms"
    assert s3.get_bucket_versioning(Bucket=bucket)["Status"] == "Enabled"
    block = s3.get_public_access_block(Bucket=bucket)["PublicAccessBlockConfiguration"]
    assert all(block.values()), block
    rules = s3.get_bucket_lifecycle_configuration(Bucket=bucket)["Rules"]
    assert {rule["ID"] for rule in rules} == {
        "abort-incomplete-multipart-uploads",
        "expire-noncurrent-versions",
    }


def test_database_is_encrypted_private_and_closed_to_the_internet(
    aws_session: Any, outputs: dict[str, Any]
) -> None:
    rds = aws_session.client("rds")
    identifier = outputs["db_instance_identifier"]
    (instance,) = rds.describe_db_instances(DBInstanceIdentifier=identifier)["DBInstances"]
    assert instance["StorageEncrypted"] is True
    assert instance["PubliclyAccessible"] is False
    assert instance["Endpoint"]["Address"] == outputs["db_endpoint"]
    assert instance["DBSubnetGroup"]["DBSubnetGroupName"].endswith(outputs["name_suffix"])

    ec2 = aws_session.client("ec2")
    (group,) = ec2.describe_security_groups(GroupIds=[outputs["db_security_group_id"]])[
        "SecurityGroups"
    ]
    for permission in group["IpPermissions"]:
        assert permission["FromPort"] == permission["ToPort"] == 5432
        assert not permission.get("IpRanges"), "the database admits a CIDR range"
        sources = {pair["GroupId"] for pair in permission["UserIdGroupPairs"]}
        assert sources == {outputs["app_security_group_id"]}


def test_app_servers_have_encrypted_volumes_and_no_key_pair(
    aws_session: Any, outputs: dict[str, Any]
) -> None:
    ec2 = aws_session.client("ec2")
    reservations = ec2.describe_instances(InstanceIds=outputs["app_instance_ids"])["Reservations"]
    instances = [i for r in reservations for i in r["Instances"]]
    assert len(instances) == len(outputs["app_instance_ids"]) >= 2
    for instance in instances:
        assert "KeyName" not in instance
        assert instance["MetadataOptions"]["HttpTokens"] == "required"
        volume_ids = [m["Ebs"]["VolumeId"] for m in instance["BlockDeviceMappings"]]
        for volume in ec2.describe_volumes(VolumeIds=volume_ids)["Volumes"]:
            assert volume["Encrypted"] is True, volume["VolumeId"]


def test_database_password_is_a_secure_string(aws_session: Any, outputs: dict[str, Any]) -> None:
    ssm = aws_session.client("ssm")
    name = outputs["db_password_parameter_name"]
    assert name.startswith(outputs["db_parameter_path"])
    parameter = ssm.get_parameter(Name=name, WithDecryption=False)["Parameter"]
    assert parameter["Type"] == "SecureString"


def test_alarms_notify_a_subscribed_topic(aws_session: Any, outputs: dict[str, Any]) -> None:
    cloudwatch = aws_session.client("cloudwatch")
    names = outputs["alarm_names"]
    alarms = cloudwatch.describe_alarms(AlarmNames=names)["MetricAlarms"]
    assert {alarm["AlarmName"] for alarm in alarms} == set(names)
    metrics = {(alarm["Namespace"], alarm["MetricName"]) for alarm in alarms}
    assert metrics == {
        ("AWS/EC2", "CPUUtilization"),
        ("AWS/EC2", "StatusCheckFailed"),
        ("AWS/RDS", "CPUUtilization"),
        ("AWS/RDS", "FreeStorageSpace"),
    }
    for alarm in alarms:
        assert outputs["alerts_topic_arn"] in alarm["AlarmActions"], alarm["AlarmName"]

    sns = aws_session.client("sns")
    subscriptions = sns.list_subscriptions_by_topic(TopicArn=outputs["alerts_topic_arn"])
    assert any(s["Protocol"] == "email" for s in subscriptions["Subscriptions"])
