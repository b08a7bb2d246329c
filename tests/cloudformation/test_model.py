"""The CloudFormation model: reading YAML (short tags) and JSON with spans, the sections of a
template, static resolution of references, and errors with their line, never a traceback."""

from __future__ import annotations

import contextlib

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from harness.cloudformation import (
    Intrinsic,
    Mapping,
    Scalar,
    Sequence,
    build,
    referenced_ids,
    references,
    resolve,
    resolve_bool,
)
from harness.cloudformation.reader import MAX_NODES, TemplateSyntaxError, read_template
from harness.cloudformation.types import cloudformation_type, cloudformation_types
from harness.extract import extract
from harness.extract.types import FileTree

YAML = """AWSTemplateFormatVersion: "2010-09-09"
Description: demo
Parameters:
  Env:
    Type: String
    Default: prod
    AllowedValues: [prod, dev]
  DbPassword:
    Type: String
    NoEcho: true
Mappings:
  Sizes:
    prod: {Class: db.m5.large}
Conditions:
  IsProd: !Equals [!Ref Env, prod]
Resources:
  Bucket:
    Type: AWS::S3::Bucket
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      BucketName: !Sub "${AWS::StackName}-${Env}-data"
      Tags:
        - Key: Name
          Value: !Join ["-", [!Ref Env, data]]
  Db:
    Type: AWS::RDS::DBInstance
    Condition: IsProd
    DependsOn: [Bucket]
    Properties:
      DBInstanceClass: !FindInMap [Sizes, !Ref Env, Class]
      StorageEncrypted: !Ref Encrypt
      MasterUserPassword: !Ref DbPassword
      Arn: !GetAtt Bucket.Arn
Outputs:
  BucketName:
    Description: the bucket
    Value: !Ref Bucket
    Export:
      Name: !Sub "${AWS::StackName}-Bucket"
"""


def _model(text: str, name: str = "template.yaml"):  # type: ignore[no-untyped-def]
    tree = extract(f"## File: {name}\n\n```{name.rsplit('.', 1)[1]}\n{text}```\n")
    return build(tree)


def test_sections_and_resources_with_spans() -> None:
    model = _model(YAML)
    (template,) = model.templates
    assert template.valid and template.description == "demo"
    assert set(template.parameters) == {"Env", "DbPassword"}
    assert template.parameters["DbPassword"].no_echo
    assert template.parameters["Env"].allowed_values == ("prod", "dev")
    assert set(template.conditions) == {"IsProd"}
    bucket, db = model.resources()
    assert (bucket.logical_id, bucket.type, bucket.address) == (
        "Bucket",
        "AWS::S3::Bucket",
        "Bucket",
    )
    assert (bucket.deletion_policy, bucket.update_replace_policy) == ("Retain", "Retain")
    assert str(bucket.span) == "template.yaml:17-25"
    assert db.depends_on == ("Bucket",) and db.condition == "IsProd"
    assert db.property_span("StorageEncrypted").start_line == 32
    (output,) = model.outputs()
    assert output.description == "the bucket" and isinstance(output.export, Intrinsic)


def test_short_and_long_intrinsics_are_the_same_node() -> None:
    short = read_template("a: !GetAtt Bucket.Arn\nb: !Ref X\n", "t")
    long = read_template('{"a": {"Fn::GetAtt": ["Bucket", "Arn"]}, "b": {"Ref": "X"}}', "t")
    assert isinstance(short, Mapping) and isinstance(long, Mapping)
    for node in (short, long):
        getatt = node.get("a")
        assert isinstance(getatt, Intrinsic) and getatt.function == "Fn::GetAtt"
        assert isinstance(getatt.argument, Sequence)
        assert [i.text for i in getatt.argument.items if isinstance(i, Scalar)] == ["Bucket", "Arn"]
        ref = node.get("b")
        assert isinstance(ref, Intrinsic) and ref.function == "Ref"


def test_json_keeps_line_numbers() -> None:
    text = '{\n  "Resources": {\n    "Topic": {\n      "Type": "AWS::SNS::Topic"\n    }\n  }\n}\n'
    (topic,) = _model(text, "template.json").resources()
    assert topic.span.start_line == 3


def test_references_and_resolution() -> None:
    model = _model(YAML)
    template = model.templates[0]
    bucket, db = model.resources()
    assert referenced_ids(bucket.get("BucketName")) == {"AWS::StackName", "Env"}
    assert resolve(template, bucket.get("BucketName")) is None  # the stack name is deploy-time
    tag = bucket.get("Tags")
    assert isinstance(tag, Sequence) and isinstance(tag.items[0], Mapping)
    assert resolve(template, tag.items[0].get("Value")) == "prod-data"
    assert resolve(template, db.get("DBInstanceClass")) == "db.m5.large"
    assert resolve_bool(template, db.get("StorageEncrypted")) is None  # Encrypt is undeclared
    assert {r.target for r in references(db.body)} >= {"Encrypt", "DbPassword", "Bucket"}
    assert next(r for r in references(db.body) if r.via == "Fn::GetAtt").attribute == "Arn"


def test_sub_with_variables_and_escapes() -> None:
    node = read_template('v: !Sub ["${A}-${!Literal}", {A: x}]\n', "t")
    assert isinstance(node, Mapping)
    template = _model(YAML).templates[0]
    assert resolve(template, node.get("v")) == "x-${Literal}"
    assert referenced_ids(node.get("v")) == frozenset()


@pytest.mark.parametrize(
    ("text", "line", "words"),
    [
        ("Resources:\n  A:\n    Type: AWS::S3::Bucket\n   Bad: 1\n", 4, "not a readable"),
        (
            "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  A:\n    Properties: {}\n",
            3,
            "without a Type",
        ),
        ("AWSTemplateFormatVersion: '2010-09-09'\nDescription: no resources\n", 1, "no Resources"),
    ],
)
def test_broken_templates_are_diagnosed_with_their_line(text: str, line: int, words: str) -> None:
    model = _model(text)
    (template,) = model.templates
    assert not template.valid
    (diagnostic,) = model.diagnostics
    assert words in diagnostic.message
    assert diagnostic.span is not None and diagnostic.span.start_line == line
    assert diagnostic.message.startswith(f"template.yaml:{line}:")


def test_a_broken_json_template_is_diagnosed_with_its_line() -> None:
    model = _model('{"Resources": {"A": {"Type": "AWS::S3::Bucket",}]}\n', "template.json")
    (diagnostic,) = model.diagnostics
    assert diagnostic.message.startswith("template.json:1: not a readable CloudFormation template")


def test_an_alias_bomb_is_an_error_not_a_hang() -> None:
    lines = ["a0: &a0 [x, x, x, x, x, x, x, x, x, x]"]
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 10)}]" for i in range(1, 8)]
    with pytest.raises(TemplateSyntaxError, match=str(MAX_NODES)):
        read_template("\n".join(lines) + "\n", "t")


@settings(max_examples=150, deadline=None)
@given(st.text(max_size=300))
def test_reading_any_text_raises_only_template_syntax_error(text: str) -> None:
    with contextlib.suppress(TemplateSyntaxError):
        read_template(text, "t")


def test_an_empty_tree_has_no_templates() -> None:
    model = build(FileTree(files=()))
    assert model.templates == () and list(model.resources()) == []


def test_terraform_types_map_to_cloudformation_types() -> None:
    assert cloudformation_type("aws_iam_role") == "AWS::IAM::Role"
    assert cloudformation_type("AWS::SNS::Topic") == "AWS::SNS::Topic"
    assert cloudformation_type("random_password") is None
    assert cloudformation_types(["aws_db_instance", "AWS::RDS::DBInstance", "x"]) == (
        "AWS::RDS::DBInstance",
    )


def test_plain_scalars_are_typed_as_yaml_1_2_does() -> None:
    node = read_template("a: yes\nb: 'true'\nc: True\nd: 0x1F\ne: 1:20\nf: .inf\ng: ~\n", "t")
    assert isinstance(node, Mapping)
    values = {key: value.value for key, value in node.items() if isinstance(value, Scalar)}
    assert values == {
        "a": "yes",
        "b": "true",
        "c": True,
        "d": 31,
        "e": "1:20",
        "f": float("inf"),
        "g": None,
    }


@pytest.mark.parametrize("depth", [300, 100_000])
def test_deep_nesting_is_an_error_with_a_message(depth: int) -> None:
    with pytest.raises(TemplateSyntaxError, match="nest"):
        read_template("a: " + "[" * depth + "]" * depth + "\n", "t")
