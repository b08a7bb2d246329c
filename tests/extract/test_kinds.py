"""CloudFormation templates and CDK/CDKTF/Pulumi programs are recognised by content, named
when the response does not name them, and recorded with their kind; programs are marked
"detected, not graded"."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

import harness
from harness.extract import extract
from harness.extract.kinds import _PROGRAM_IMPORTS, detect_kind, inferred_name
from harness.extract.serialize import tree_to_dict
from harness.vocabulary import CriterionStatus

YAML_TEMPLATE = """Resources:
  Bucket:
    Type: AWS::S3::Bucket
    Properties:
      BucketName: !Sub "${AWS::StackName}-data"
"""
JSON_TEMPLATE = '{\n  "Resources": {"Topic": {"Type": "AWS::SNS::Topic"}}\n}\n'
CDK_TS = "import * as cdk from 'aws-cdk-lib';\nexport class AppStack extends cdk.Stack {}\n"
PULUMI_PY = "import pulumi\nimport pulumi_aws as aws\nbucket = aws.s3.Bucket('b')\n"


@pytest.mark.parametrize(
    ("language", "content", "kind"),
    [
        ("yaml", YAML_TEMPLATE, "cloudformation"),
        ("json", JSON_TEMPLATE, "cloudformation"),
        ("yaml", "name: ci\non: push\n", ""),
        ("typescript", CDK_TS, "cdk"),
        ("typescript", "import { App } from 'cdktf';\n", "cdktf"),
        ("python", PULUMI_PY, "pulumi"),
        ("python", "from aws_cdk import Stack\n", "cdk"),
        ("python", "import boto3\n", ""),
    ],
)
def test_kind_by_content(language: str, content: str, kind: str) -> None:
    assert detect_kind(language, content) == kind


def test_unnamed_blocks_get_their_tooling_names() -> None:
    assert inferred_name("cloudformation", "json", JSON_TEMPLATE) == (
        "template.json",
        "a CloudFormation template",
    )
    assert inferred_name("cdk", "typescript", CDK_TS)[0] == "lib/stack.ts"  # type: ignore[index]
    assert inferred_name("pulumi", "python", PULUMI_PY)[0] == "__main__.py"  # type: ignore[index]


def test_a_bare_template_is_extracted_as_template_yaml() -> None:
    tree = extract(f"Here is the stack:\n\n```yaml\n{YAML_TEMPLATE}```\n")
    (file,) = tree.files
    assert (file.path, file.language, file.kind) == ("template.yaml", "yaml", "cloudformation")
    document = tree_to_dict(tree)
    assert document["files"][0]["kind"] == "cloudformation"
    json.dumps(document)


def test_a_cdk_answer_is_detected_not_graded() -> None:
    tree = extract(f"```typescript\n{CDK_TS}```\n")
    assert [f.kind for f in tree.files] == ["cdk"]
    warning = next(d for d in tree.diagnostics if d.code == "not_graded")
    assert "AWS CDK (TypeScript)" in warning.message and "not graded" in warning.message
    result = harness.grade(tree, "terraform-aws-production", response_id="cdk")
    assert {c.status for c in result.criteria} == {CriterionStatus.NA}
    assert all("detected, not graded" in c.message for c in result.criteria)
    assert result.overall is None


def test_a_template_is_graded_in_cloudformation_terms(tmp_path: Path) -> None:
    text = f"```yaml\n{YAML_TEMPLATE}```\n"
    result = harness.grade(extract(text), "terraform-aws-production", response_id="cfn")
    by_id = {c.criterion_id: c for c in result.criteria}
    assert by_id["security.s3_encryption"].status is CriterionStatus.FAIL
    assert by_id["naming.suffix_applied"].status is CriterionStatus.PASS  # ${AWS::StackName}
    assert by_id["complete.syntax_valid"].status is CriterionStatus.PASS
    backend = by_id["reliability.backend"]
    assert backend.status is CriterionStatus.NA
    assert "has no CloudFormation meaning" in backend.message


#: One program per way each framework's import is recognised (each alternative of its pattern).
PROGRAMS_BY_IMPORT = [
    ("typescript", "import { App } from 'cdktf';\n", "cdktf"),
    ("typescript", 'import { AwsProvider } from "@cdktf/provider-aws";\n', "cdktf"),
    ("javascript", "const { App } = require('cdktf');\n", "cdktf"),
    ("javascript", "const aws = require( '@cdktf/provider-aws');\n", "cdktf"),
    ("python", "from cdktf import App\n", "cdktf"),
    ("python", "  from cdktf_cdktf_provider_aws import provider\n", "cdktf"),
    ("python", "import cdktf\n", "cdktf"),
    ("typescript", "import * as s3 from '@aws-cdk/aws-s3';\n", "cdk"),
    ("javascript", "const cdk = require('aws-cdk-lib');\n", "cdk"),
    ("javascript", 'const s3 = require("@aws-cdk/aws-s3");\n', "cdk"),
    ("python", "import aws_cdk as cdk\n", "cdk"),
    ("typescript", "import * as aws from '@pulumi/aws';\n", "pulumi"),
    ("javascript", "const aws = require('@pulumi/aws');\n", "pulumi"),
    ("python", "from pulumi_aws import s3\n", "pulumi"),
    ("python", "import pulumi_aws as aws\n", "pulumi"),
    ("typescript", "pulumi.export('url', bucket.url);\n", "pulumi"),
]


@pytest.mark.parametrize(("language", "content", "kind"), PROGRAMS_BY_IMPORT)
def test_each_import_form_names_its_framework(language: str, content: str, kind: str) -> None:
    assert detect_kind(language, content) == kind
    # the substring test before each pattern never hides a match: every match holds its word
    for _, word, pattern in _PROGRAM_IMPORTS:
        for match in pattern.finditer(content):
            assert word in match.group(0)
