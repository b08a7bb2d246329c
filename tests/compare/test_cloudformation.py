"""Comparing CloudFormation templates: resources pair by logical id and type, then by type and
name similarity; properties compare after normalisation, references by the paired resource."""

from __future__ import annotations

from harness.cloudformation import CloudFormationModel, build
from harness.compare.cloudformation import compare_templates, is_security
from harness.compare.types import AttrStatus, MatchHow
from harness.extract import extract

REFERENCE = """AWSTemplateFormatVersion: "2010-09-09"
Parameters:
  Encrypt: {Type: String, Default: "true"}
Resources:
  DataBucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    Properties:
      VersioningConfiguration: {Status: Enabled}
      Tags: [{Key: Owner, Value: platform}, {Key: Project, Value: orders}]
  AlertTopic:
    Type: AWS::SNS::Topic
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      StorageEncrypted: !Ref Encrypt
      LogBucket: !Ref DataBucket
Outputs:
  BucketName: {Value: !Ref DataBucket}
"""
RESPONSE = """AWSTemplateFormatVersion: "2010-09-09"
Resources:
  AppDataBucket:
    Type: AWS::S3::Bucket
    Properties:
      VersioningConfiguration: {Status: Suspended}
      Tags: [{Key: Project, Value: orders}]
      BucketName: extra
  Database:
    Type: AWS::RDS::DBInstance
    Properties:
      StorageEncrypted: "TRUE"
      LogBucket: !Ref AppDataBucket
  Queue:
    Type: AWS::SQS::Queue
Outputs:
  BucketName: {Value: !Ref AppDataBucket}
"""


def _model(text: str) -> CloudFormationModel:
    return build(extract(f"## File: template.yaml\n\n```yaml\n{text}```\n"))


def test_resources_pair_by_id_then_by_type_and_similarity() -> None:
    comparison = compare_templates(_model(RESPONSE), _model(REFERENCE))
    pairs = {(p.reference.key, p.response.key): p.how for p in comparison.resources.pairs}
    assert pairs == {
        ("DataBucket", "AppDataBucket"): MatchHow.SIMILARITY,
        ("Database", "Database"): MatchHow.NAME,
    }
    assert [i.key for i in comparison.resources.missing] == ["AlertTopic"]
    assert [i.key for i in comparison.resources.extra] == ["Queue"]
    assert [p.reference.key for p in comparison.outputs.pairs] == ["BucketName"]


def test_properties_compare_normalised_and_references_by_pair() -> None:
    comparison = compare_templates(_model(RESPONSE), _model(REFERENCE))
    database = comparison.pair_for_reference("Database")
    assert database is not None
    by_path = {a.path: a for a in database.attributes}
    assert by_path["StorageEncrypted"].status is AttrStatus.AGREE  # default "true" = "TRUE"
    assert by_path["StorageEncrypted"].security
    assert by_path["LogBucket"].status is AttrStatus.AGREE  # !Ref of the paired bucket
    bucket = comparison.pair_for_reference("DataBucket")
    assert bucket is not None
    statuses = {a.path: a.status for a in bucket.attributes}
    assert statuses == {
        "VersioningConfiguration.Status": AttrStatus.DIFFER,
        "Tags[Owner]": AttrStatus.MISSING,
        "Tags[Project]": AttrStatus.AGREE,
        "DeletionPolicy": AttrStatus.MISSING,
    }
    assert bucket.extra_attributes == ("BucketName",)
    assert bucket.agreement() is not None and 0 < (bucket.agreement() or 0) < 1


def test_a_template_compared_with_itself_agrees_everywhere() -> None:
    model = _model(REFERENCE)
    comparison = compare_templates(model, model)
    assert not comparison.resources.missing and not comparison.resources.extra
    assert all(p.agreement() in (None, 1.0) for p in comparison.resources.pairs)


def test_security_paths() -> None:
    assert is_security("BucketEncryption.ServerSideEncryptionConfiguration[0].SSEAlgorithm")
    assert is_security("PubliclyAccessible") and is_security("DeletionPolicy")
    assert not is_security("Tags[Owner]") and not is_security("InstanceType")
