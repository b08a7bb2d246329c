"""The prompt reader: what it reads as a requirement, and what it leaves alone."""

from __future__ import annotations

from pathlib import Path

import pytest

from harness.prompt import (
    LexiconError,
    RequirementKind,
    load_lexicon,
    parse_lexicon,
    read_prompts,
    read_requirements,
)
from harness.prompt.lexicon import any_service_pattern


def keys(text: str) -> list[str]:
    return [r.key for r in read_requirements(text)]


def test_services_regions_classes_and_places() -> None:
    text = "# Stack\n\nDeploy an RDS PostgreSQL database (db.t3.micro) in us-east-1.\n"
    found = read_requirements(text, "PROMPT.md")
    assert [r.key for r in found] == [
        "service:rds",
        "region:us-east-1",
        "instance_class:db.t3.micro",
    ]
    rds = found[0]
    assert (rds.place.path, rds.place.line) == ("PROMPT.md", 3)
    assert "aws_db_instance" in rds.terraform_types
    assert "AWS::RDS::DBInstance" in rds.cloudformation_types
    assert "security.rds_encrypted" in rds.calls_for


def test_longer_word_wins_on_overlap() -> None:
    assert keys("Enable VPC Flow Logs.") == ["service:flow_logs"]
    assert keys("Set up VPC peering between them.") == ["service:vpc_peering"]


@pytest.mark.parametrize(
    "text",
    [
        "Do not add any SSL certificate configuration at all.",
        "no provider block, no module references",
        "Skip ACM certificate parameters.",
        "Use an existing VPC.",
        "The web team is building a load balancer next quarter.",
        "Mappings (if helpful) and a DynamoDB table.",
        "Grant the instances S3 read permissions.",
        "Store the state in an S3 backend with DynamoDB locking.",
        "Use SSM Parameter Store to resolve the latest AMI.",
        "Encrypt the bucket with an AWS managed KMS key.",
        "**Root Cause**: the Lambda function has no handler.",
        "│ Error: creating RDS DB Instance in us-west-2",
        "ValidationError: You must supply at least 2 intervals for the ASG in us-east-1",
        "api error AccessDeniedException: The specified KMS key does not exist",
        "Encryption at rest for everything that stores data (RDS, S3, EBS).",
        "- **Compute Resources**: EC2 instances (if needed) with hardening",
    ],
)
def test_taken_back_or_not_a_request(text: str) -> None:
    found = keys(text)
    assert not [k for k in found if k.startswith(("service:", "region:"))], found


def test_code_pasted_without_a_fence_is_not_read() -> None:
    """A follow-up that pastes its code unfenced names what the code holds, not what it asks
    for: attributes, block openers, quoted keys and list items, and heredoc bodies."""
    text = (
        "This is incomplete code, complete it.\n"
        'variable "instance_type" {\n'
        'description = "EC2 instance type for the ASG"\n'
        'default = "t3.medium"\n'
        "}\n"
        "regions = {\n"
        '  primary = "us-east-1"\n'
        '  "us-west-2" = ["us-west-2a"]\n'
        "}\n"
        "launch_template {\n"
        "Action = [\n"
        '  "cloudwatch:PutMetricData",\n'
        '  "s3:GetObject"\n'
        "]\n"
        "user_data = <<-EOF\n"
        "  # Install the CloudWatch agent on EC2\n"
        "  EOF\n"
        "Also add an SQS queue.\n"
    )
    assert keys(text) == ["service:sqs"]


def test_a_pasted_heredoc_cut_short_ends_at_the_next_fence() -> None:
    text = (
        "user_data = <<-EOF\n"
        "  yum install -y httpd\n"
        "```hcl\n"
        'resource "aws_sqs_queue" "q" {}\n'
        "```\n"
        "Also add an SNS topic.\n"
    )
    assert keys(text) == ["service:sns"]


def test_a_line_that_only_mentions_code_is_still_prose() -> None:
    """A sentence about ``min_size = 2``, or a bulleted ``region = ...``, stays a request."""
    assert keys("Set `min_size = 2` on the ASG.") == ["service:autoscaling"]
    assert keys("- region = us-west-2 for the RDS database") == ["service:rds", "region:us-west-2"]


@pytest.mark.parametrize(
    "label",
    [
        "**Line 339:**",
        "**Lines 164-175:**",
        "**Real Impact**:",
        "**Risk:**",
        "**What Will Happen**:",
    ],
)
def test_labels_about_existing_code_ask_for_nothing(label: str) -> None:
    assert keys(f"{label} the RDS security group has no egress rules.") == []


def test_fenced_blocks_are_not_read() -> None:
    text = "Fix this:\n```\naws_db_instance in us-west-2: Lambda failed\n```\n"
    assert keys(text) == []


def test_heading_names_no_service_but_its_list_does() -> None:
    assert keys("**2. EC2 key pair**\n") == []
    assert keys("## Storage\n- An S3 bucket for data.\n") == ["service:s3"]


def test_multi_az_of_the_database_or_the_network() -> None:
    assert "multi_az:database" in keys("Configure Multi-AZ deployments for RDS instances.")
    assert "multi_az:network" in keys("A VPC spread over at least two availability zones.")
    assert "multi_az:network" in keys("A DB subnet group across multiple availability zones.")


def test_encryption_at_rest_and_not_in_transit() -> None:
    assert "encryption_at_rest:" in keys("Ensure data at rest is encrypted.")
    assert "encryption_at_rest:" in keys("All S3 buckets must be encrypted using AES256.")
    assert "encryption_at_rest:" not in keys("Encrypt traffic in transit with TLS.")


def test_tests_by_kind() -> None:
    found = keys("Unit tests I can run in CI, and integration tests against the stack.")
    assert found == ["tests:unit", "tests:integration"]
    assert keys("It must pass CloudFormation validation tests.") == []


def test_named_variables_outputs_and_modules() -> None:
    text = (
        "Split it into modules (networking, database).\n"
        "- **Outputs**: `vpc_id` and `db_endpoint`.\n"
        "Declare the variable `aws_region`.\n"
        "Parameters:\n"
        "* `VpcCidr` (default `10.0.0.0/16`)\n"
        "The `kms_key_arn` variable is declared but never provided.\n"
    )
    assert keys(text) == [
        "module:networking",
        "module:database",
        "output:vpc_id",
        "output:db_endpoint",
        "variable:aws_region",
        "variable:VpcCidr",
    ]


def test_read_prompts_keeps_the_first_place(tmp_path: Path) -> None:
    first, second = tmp_path / "PROMPT.md", tmp_path / "PROMPT2.md"
    first.write_text("Create an S3 bucket.\n", encoding="utf-8")
    second.write_text("Also an S3 bucket and a Lambda function.\n", encoding="utf-8")
    merged = read_prompts([first, second])
    assert merged.prompts == ("PROMPT.md", "PROMPT2.md")
    assert [(r.key, str(r.place)) for r in merged] == [
        ("service:s3", "PROMPT.md:1"),
        ("service:lambda", "PROMPT2.md:1"),
    ]
    assert merged.calling_for("security.s3_encryption")[0].value == "s3"
    assert merged.of_kind(RequirementKind.SERVICE) == merged.requirements


def test_the_shipped_lexicon_is_valid_and_names_known_criteria() -> None:
    from harness.checks.registry import load_checks

    registry = load_checks()
    services = load_lexicon()
    assert len(services) >= 40
    for service in services:
        assert all(c in registry for c in service.calls_for), service.id
        assert all(t.startswith(("aws_", "AWS::")) for t in (*service.terraform,)), service.id


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[]", "expected a mapping with a 'services' list"),
        ("services: [{id: x, title: X, words: [], terraform: [aws_x]}]", "'words' must not"),
        ("services: [{id: x, title: X, words: [x], terraform: [aws_x], what: 1}]", "unknown keys"),
        ("services: [{id: x, title: X, words: [x, ' '], terraform: [aws_x]}]", "blank word"),
        (
            "services: [{id: x, title: X, words: [x], terraform: [a]},"
            " {id: x, title: X, words: [x], terraform: [a]}]",
            "listed twice",
        ),
    ],
)
def test_lexicon_errors_name_the_entry(text: str, message: str) -> None:
    with pytest.raises(LexiconError, match=message):
        parse_lexicon(text, "lexicon.yaml")


def test_a_sentence_that_takes_a_service_back_does_not_ask_for_it() -> None:
    text = "Provide an example ALB listener block (commented), with no full ALB build required."
    assert keys(text) == []


def test_missing_list_asks_for_what_follows_no() -> None:
    text = (
        "Missing key components:\n\nNo load balancer\nNo route tables\n\n"
        "No NAT gateway is wanted.\n"
    )
    assert keys(text) == ["service:load_balancer"]
    assert keys("No load balancer\n") == []
    # "compute resources" asks for any of them; the parenthesis only gives examples
    compute = "Missing key components:\n\nNo compute resources (EC2, ECS, etc.)\n"
    assert keys(compute) == ["service:compute"]
    assert keys("- **Compute Resources**: EC2 instances\n") == ["service:compute", "service:ec2"]


def test_replaced_instance_class_is_not_asked_for() -> None:
    assert keys("Replace 12 m5.xlarge instances with t3.large instances.") == [
        "instance_class:t3.large"
    ]
    assert "service:dynamodb" not in keys(
        "State Locking: DynamoDB table named terraform-state-lock."
    )


@pytest.mark.parametrize(
    "text",
    [
        "Deploy an RDS database behind an ALB",
        "route-53 records and Route53 zones",
        "No AWS service is named in this sentence at all",
        "pre-rds and rds-proxy are not mentions; (S3) is an aside",
        "",
    ],
)
def test_the_any_service_pattern_matches_exactly_where_some_service_does(text: str) -> None:
    """The reader skips a sentence the alternation misses: it must miss only where every
    service's own pattern misses."""
    services = load_lexicon()
    any_service = any_service_pattern(services)
    assert any_service is not None
    expected = any(service.pattern.search(text) for service in services)
    assert (any_service.search(text) is not None) == expected


@pytest.mark.parametrize(
    ("text", "supplied"),
    [
        ("Write tap_stack.tf with all resources (no provider block, no module references).", True),
        ("Reference the region via a variable (assume AWS providers handled elsewhere).", True),
        ("I already have a provider.tf file so dont include providers block in the stack.", True),
        ("- provider.tf (already present)", True),
        ("**Do not include any provider configuration** (a separate provider.tf exists).", True),
        ("Keep it practical. The provider/backends are handled elsewhere.", True),
        ("2. **`provider.tf`**: Provider configuration (already exists)", True),
        ("1. The existing `provider.tf` contains the AWS provider and S3 backend.", True),
        ("I have provider block defined as in different provider.tf file already.", True),
        ("Could you generate the code for two files, `provider.tf` and `main.tf`?", False),
        ("- `provider.tf` must contain the backend.", False),
        ("1. provider.tf (Terraform providers, backend configuration)", False),
        ("Use provider block with each resource to avoid conflicts.", False),
    ],
)
def test_what_the_task_supplies(text: str, supplied: bool) -> None:
    assert ("waived:provider_setup" in keys(text)) is supplied


def test_the_task_statement_says_what_is_supplied_for_every_turn(tmp_path: Path) -> None:
    """Read from the first prompt only (a later turn's "no provider block" reports an error),
    and given to a follow-up judged on its own prompt through ``earlier``."""
    first, second = tmp_path / "PROMPT.md", tmp_path / "PROMPT2.md"
    first.write_text("Write main.tf with an S3 bucket (no provider block).\n")
    second.write_text("It failed: no provider block configured, add one with a VPC.\n")
    assert read_prompts([first, second]).waives("provider_setup") is not None
    plain = tmp_path / "PLAIN.md"
    plain.write_text("Write main.tf with an S3 bucket.\n")
    assert read_prompts([plain, second]).waives("provider_setup") is None
    assert read_prompts([second], earlier=[plain]).waives("provider_setup") is None
    follow_up = read_prompts([second], earlier=[first])
    assert [r.key for r in follow_up] == ["service:vpc"]
    supplied = follow_up.waives("provider_setup")
    assert supplied is not None and str(supplied.place) == "PROMPT.md:1"
    assert "waived:provider_setup" not in [r.key for r in read_prompts([first])]


@pytest.mark.parametrize(
    ("text", "waived"),
    [
        ("Dont use random id's use prefix 274802 for resource names", True),
        ("Do not use random_id; prefix every name with the ticket number.", True),
        ("Avoid random suffixes: names are fixed by the platform team.", True),
        ("Use random suffixes where appropriate to avoid naming conflicts.", False),
        ("Use a random master user name of 8 characters without special characters.", False),
        ("The random password must not include '@'.", False),
    ],
)
def test_names_without_random_suffixes(text: str, waived: bool) -> None:
    assert ("waived:random_names" in keys(text)) is waived


_FOLLOW_UP = (
    "Getting errors on deploy.\n\n"
    "## Error 1: Config recorder\n\n"
    "Config recorder is starting before the S3 bucket policy is applied:\n\n"
    "## Next steps\n\n"
    "Both EC2 instances are failing to create.\n"
    "- RDS password fix seems reasonable\n"
    "Please also add an SNS topic for alerts.\n"
    "The Lambda function is failing, so we need a DynamoDB table for its state.\n"
)


def test_a_report_of_a_problem_is_marked_reported_a_request_is_not() -> None:
    found = {r.key: r.reported for r in read_requirements(_FOLLOW_UP, "PROMPT2.md")}
    assert found == {
        "service:s3": True,  # under a heading that reports an error
        "service:ec2": True,  # "failing to create"
        "service:rds": True,  # "fix seems reasonable"
        "service:sns": False,  # "Please also add"
        "service:lambda": False,  # the sentence asks ("we need"), so nothing in it is a report
        "service:dynamodb": False,
    }


def test_a_follow_up_turn_asks_for_nothing_by_reporting_what_fails(tmp_path: Path) -> None:
    first, second = tmp_path / "PROMPT.md", tmp_path / "PROMPT2.md"
    first.write_text("Deploy EC2 instances; they keep failing health checks elsewhere.\n")
    second.write_text(_FOLLOW_UP)
    follow_up = read_prompts([second], earlier=[first])
    assert {r.key for r in follow_up} == {"service:sns", "service:lambda", "service:dynamodb"}
    # the task's first prompt describes the task: its problem words take nothing back
    task = read_prompts([first, second])
    assert "service:ec2" in {r.key for r in task}
    assert "service:s3" not in {r.key for r in task}


def test_a_request_outranks_an_earlier_report_of_the_same_service() -> None:
    text = "The RDS instance is failing to start.\nCreate an RDS read replica as well.\n"
    (rds,) = read_requirements(text, "PROMPT2.md")
    assert (rds.key, rds.reported, rds.place.line) == ("service:rds", False, 2)


def test_what_is_already_there_is_not_asked_for() -> None:
    assert keys("I already have a VPC, so create the subnets in it.\n") == ["service:subnet"]
    (rds,) = read_requirements("My RDS instances already have automated backups.\n")
    assert rds.key == "service:rds" and rds.reported  # after the mention: a follow-up's report


@pytest.mark.parametrize(
    ("text", "reported"),
    [
        ("The ASG references the launch template.", True),
        ("The WAF setup references `aws_wafv2_ip_set.blocked` in line 574.", True),
        ("The model is referencing the KMS key.", True),
        ("Match the security group references exactly.", False),  # the noun
        ("Make sure the ASG references the launch template.", False),  # a request
    ],
)
def test_a_reference_the_code_makes_is_a_report(text: str, reported: bool) -> None:
    found = read_requirements(text, "PROMPT2.md")
    assert found and all(r.reported is reported for r in found)
