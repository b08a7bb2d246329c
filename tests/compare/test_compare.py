"""Comparison on hand-written fixtures (tests/fixtures/compare/<case>/{reference,response})."""

from __future__ import annotations

import json

import pytest

from harness.compare import AttrStatus, Comparison, MatchHow, Pair, compare, summarise
from harness.extract import tree_from_directory
from harness.extract.types import FileTree
from harness.terraform import build
from tests.conftest import REPO_ROOT
from tests.terraform.helpers import tree_of

FIXTURES = REPO_ROOT / "tests" / "fixtures" / "compare"


def compare_case(case: str) -> Comparison:
    ref_tree = tree_from_directory(FIXTURES / case / "reference")
    resp_tree = tree_from_directory(FIXTURES / case / "response")
    return compare(resp_tree, build(resp_tree), ref_tree, build(ref_tree))


def pair(comparison: Comparison, reference_address: str) -> Pair:
    for p in (*comparison.resources.pairs, *comparison.data_sources.pairs):
        if p.reference.key == reference_address:
            return p
    raise AssertionError(f"{reference_address} not matched")


def status(p: Pair, path: str) -> AttrStatus:
    for a in p.attributes:
        if a.path == path:
            return a.status
    raise AssertionError(f"{path} not compared; have {[a.path for a in p.attributes]}")


@pytest.fixture(scope="module")
def renamed() -> Comparison:
    return compare_case("renamed")


@pytest.fixture(scope="module")
def prefixed() -> Comparison:
    return compare_case("prefix")


@pytest.fixture(scope="module")
def values() -> Comparison:
    return compare_case("values")


def test_renamed_bucket_is_matched_by_similarity(renamed: Comparison) -> None:
    bucket = pair(renamed, "aws_s3_bucket.this")
    assert bucket.response.key == "aws_s3_bucket.main"
    assert bucket.reference.module == "modules/storage" and bucket.response.module == ""
    assert bucket.how is MatchHow.SIMILARITY
    # the module variable resolves through the call to the same literal the response uses
    assert status(bucket, "bucket") is AttrStatus.AGREE
    assert status(bucket, "tags") is AttrStatus.AGREE  # quoted and bare keys are one key


def test_references_compare_by_what_they_refer_to(renamed: Comparison) -> None:
    versioning = pair(renamed, "aws_s3_bucket_versioning.this")
    assert versioning.response.key == "aws_s3_bucket_versioning.main"
    assert status(versioning, "bucket") is AttrStatus.AGREE  # .this.id vs .main.id, paired
    assert status(versioning, "versioning_configuration.status") is AttrStatus.AGREE
    assert versioning.agreement() == 1.0


def test_security_difference_is_flagged(renamed: Comparison) -> None:
    sse = pair(renamed, "aws_s3_bucket_server_side_encryption_configuration.this")
    path = "rule.apply_server_side_encryption_by_default.sse_algorithm"
    assert status(sse, path) is AttrStatus.DIFFER
    differing = {a.path: a for a in sse.attributes if a.status is AttrStatus.DIFFER}
    assert differing[path].security
    assert differing[path].reference_text == '"aws:kms"'
    assert differing[path].response_text == '"AES256"'
    agreement = sse.agreement()
    assert agreement is not None and 0 < agreement < 1
    # a security attribute weighs more: the same difference costs more with a higher weight
    low, high = sse.agreement(security_weight=1.0), sse.agreement(security_weight=10.0)
    assert low is not None and high is not None and high < low


def test_missing_and_extra(renamed: Comparison) -> None:
    missing = {i.key for i in renamed.resources.missing}
    extra = {i.key for i in renamed.resources.extra}
    assert missing == {"aws_s3_bucket_public_access_block.this"}
    assert extra == {"aws_cloudwatch_log_group.app"}
    figures = renamed.resources.figures
    assert (figures.matched, figures.missing, figures.extra) == (3, 1, 1)
    assert figures.recall == pytest.approx(0.75) and figures.precision == pytest.approx(0.75)
    assert figures.f1 == pytest.approx(0.75)
    assert {i.key for i in renamed.modules.missing} == {"storage"}
    assert not renamed.modules.pairs


def test_variables_outputs_backend(renamed: Comparison) -> None:
    variables = {(p.reference.key, p.response.key) for p in renamed.variables.pairs}
    assert variables == {("region", "aws_region")}
    assert {i.label for i in renamed.variables.missing} == {"modules/storage:bucket_name"}
    outputs = {(p.reference.label, p.response.label, p.how) for p in renamed.outputs.pairs}
    # module.storage.bucket_arn is aws_s3_bucket.this.arn: the response's output of
    # aws_s3_bucket.main.arn refers to the same bucket
    assert outputs == {("bucket_arn", "s3_bucket_arn", MatchHow.VALUE)}
    backend = renamed.backend.pairs[0]
    assert backend.reference.key == "s3"
    assert status(backend, "encrypt") is AttrStatus.AGREE  # true vs "true"
    assert backend.agreement() == 1.0
    assert [p.reference.key for p in renamed.providers.pairs] == ["aws"]


def test_prefix_is_not_a_difference(prefixed: Comparison) -> None:
    assert prefixed.reference_root == "lib" and prefixed.response_root == ""
    mapping = {m.reference: (m.response, m.how) for m in prefixed.module_map}
    assert mapping["lib"] == ("", MatchHow.PATH)
    assert mapping["lib/modules/network"] == ("modules/network", MatchHow.PATH)
    assert mapping["lib/modules/db"][0] == "modules/database"
    files = {(p.reference.key, p.response.key) for p in prefixed.files.pairs}
    assert ("main.tf", "main.tf") in files
    assert ("modules/network/main.tf", "modules/network/main.tf") in files
    assert ("modules/db/main.tf", "modules/database/main.tf") in files
    assert not prefixed.files.missing and not prefixed.files.extra
    calls = {(p.reference.key, p.response.key) for p in prefixed.modules.pairs}
    assert calls == {("network", "network"), ("db", "database")}
    network = pair(prefixed, "aws_vpc.main")
    assert network.how is MatchHow.PATH and network.agreement() == 1.0
    assert prefixed.resources.figures.recall == 1.0
    assert prefixed.resources.figures.precision == 1.0


def test_module_inputs_and_literals_agree(prefixed: Comparison) -> None:
    sg = pair(prefixed, "aws_security_group.db")
    assert sg.response.key == "aws_security_group.database"
    assert status(sg, "ingress.cidr_blocks") is AttrStatus.AGREE  # var.vpc_cidr via the call
    assert status(sg, "ingress.from_port") is AttrStatus.AGREE  # "5432" vs 5432
    db = pair(prefixed, "aws_db_instance.this")
    assert status(db, "publicly_accessible") is AttrStatus.AGREE  # "false" vs false
    assert status(db, "db_subnet_group_name") is AttrStatus.AGREE  # renamed, paired
    assert status(db, "vpc_security_group_ids") is AttrStatus.AGREE
    assert status(db, "storage_encrypted") is AttrStatus.MISSING
    assert db.of_status(AttrStatus.MISSING, security_only=True) == ("storage_encrypted",)


def test_value_normalisation(values: Comparison) -> None:
    role = pair(values, "aws_iam_role.app")
    assert role.response.key == "aws_iam_role.ec2_role"
    assert status(role, "name") is AttrStatus.AGREE  # local inlined, template spacing
    assert status(role, "assume_role_policy") is AttrStatus.AGREE  # jsonencode vs heredoc
    policy = pair(values, "aws_iam_role_policy.app")
    assert status(policy, "role") is AttrStatus.AGREE
    assert status(policy, "policy") is AttrStatus.AGREE  # action order does not matter
    logs = pair(values, "aws_cloudwatch_log_group.app")
    assert status(logs, "name") is AttrStatus.AGREE
    assert status(logs, "retention_in_days") is AttrStatus.DIFFER
    ssm = pair(values, "aws_ssm_parameter.endpoint")
    assert status(ssm, "overwrite") is AttrStatus.MISSING
    assert ssm.of_status(AttrStatus.MISSING, security_only=True) == ("overwrite",)


def test_identical_trees_agree_fully() -> None:
    tree = tree_from_directory(FIXTURES / "prefix" / "reference")
    config = build(tree)
    same = compare(tree, config, tree, config)
    for kind in ("files", "modules", "resources", "variables", "outputs", "providers"):
        figures = same.kind(kind).figures
        assert figures.missing == 0 and figures.extra == 0, kind
    assert same.attribute_agreement() == 1.0
    assert all(p.how is MatchHow.PATH for p in same.resources.pairs)


def test_what_neither_side_declares_agrees_by_its_name() -> None:
    """A text that elides a block still refers to it: the same undeclared resource or
    variable on both sides agrees; it never agrees with one the reference declares."""

    def tree(extra: str = "") -> FileTree:
        return tree_of(
            {
                "main.tf": 'resource "aws_db_instance" "db" {\n'
                '  password = var.pass != "" ? var.pass : random_password.p.result\n}\n' + extra
            }
        )

    elided = tree()
    same = compare(elided, build(elided), elided, build(elided))
    assert status(pair(same, "aws_db_instance.db"), "password") is AttrStatus.AGREE
    declared = tree('variable "pass" {}\nresource "random_password" "p" {\n  length = 16\n}\n')
    against = compare(declared, build(declared), elided, build(elided))
    assert status(pair(against, "aws_db_instance.db"), "password") is AttrStatus.DIFFER


def test_summary_is_json_with_spans(renamed: Comparison) -> None:
    summary = summarise(renamed)
    text = json.dumps(summary)
    assert json.loads(text) == summary
    assert summary["figures"]["resources"]["recall"] == 0.75
    matched = {m["reference"]: m for m in summary["resources"]["matched"]}
    bucket = matched["aws_s3_bucket.this"]
    assert bucket["response"] == "aws_s3_bucket.main"
    assert bucket["reference_span"]["path"] == "modules/storage/main.tf"
    assert bucket["reference_span"]["start_line"] == 5
    assert bucket["response_span"]["path"] == "main.tf"
    assert bucket["response_span"]["start_line"] == 20
    sse = matched["aws_s3_bucket_server_side_encryption_configuration.this"]
    assert [d["path"] for d in sse["differing_attributes"]] == [
        "rule.apply_server_side_encryption_by_default.sse_algorithm"
    ]
    assert summary["resources"]["missing"][0]["key"] == "aws_s3_bucket_public_access_block.this"
    assert summary["resources"]["extra"][0]["key"] == "aws_cloudwatch_log_group.app"
    assert summary["attribute_agreement"]["missing"] == 0


def test_deterministic(renamed: Comparison) -> None:
    again = compare_case("renamed")
    assert summarise(again) == summarise(renamed)


def test_empty_response() -> None:
    ref_tree = tree_from_directory(FIXTURES / "renamed" / "reference")
    empty_tree = FileTree(files=())
    result = compare(empty_tree, build(empty_tree), ref_tree, build(ref_tree))
    assert result.resources.figures.recall == 0.0
    assert result.resources.figures.precision is None
    json.dumps(summarise(result))


def _many(kind: str, n: int) -> FileTree:
    from harness.extract.types import Convention, ExtractedFile, NameEvidence, Origin

    text = "".join(
        f'resource "aws_security_group" "{kind}_{i}" {{\n  name = "sg-{i}"\n}}\n' for i in range(n)
    )
    origin = Origin(1, text.count("\n") + 2, NameEvidence(Convention.HEADING, "main.tf", 1))
    return FileTree(files=(ExtractedFile("main.tf", text, "hcl", origin),))


def test_many_resources_of_one_type_stay_fast() -> None:
    """Hostile input: hundreds of same-type resources must not make matching quadratic."""
    import time

    ref_tree, resp_tree = _many("ref", 400), _many("resp", 400)
    ref_config, resp_config = build(ref_tree), build(resp_tree)
    start = time.perf_counter()
    result = compare(resp_tree, resp_config, ref_tree, ref_config)
    assert time.perf_counter() - start < 20
    assert result.resources.figures.matched == 400
    assert result.resources.figures.missing == 0 and result.resources.figures.extra == 0


def test_counterpart_of_a_response_place(renamed: Comparison) -> None:
    from harness.vocabulary import Span

    pair = renamed.counterpart(Span("main.tf", 29))  # inside aws_s3_bucket_versioning.main
    assert pair is not None and pair.reference.key == "aws_s3_bucket_versioning.this"
    assert pair.reference.span is not None
    assert pair.reference.span.path == "modules/storage/main.tf"
    assert renamed.counterpart(Span("main.tf", 2)) is None  # terraform block: no counterpart


def test_a_for_expression_compares_by_what_it_iterates_over() -> None:
    """``[for s in aws_subnet.private : s.cidr_block]`` agrees across a renamed, paired
    subnet; over another subnet, or with other iterator names, it differs."""

    def tree(subnet: str, rule: str) -> FileTree:
        return tree_of(
            {
                "main.tf": f'resource "aws_subnet" "{subnet}" {{\n'
                '  cidr_block = "10.0.1.0/24"\n}\n'
                'resource "aws_subnet" "public" {\n  cidr_block = "10.0.9.0/24"\n'
                "  map_public_ip_on_launch = true\n}\n"
                'resource "aws_security_group" "db" {\n'
                f"  ingress {{\n    cidr_blocks = {rule}\n  }}\n}}\n"
            }
        )

    reference = tree("private", "[for s in aws_subnet.private : s.cidr_block]")
    cases = {
        "[for s in aws_subnet.app : s.cidr_block]": AttrStatus.AGREE,
        "[for s in aws_subnet.public : s.cidr_block]": AttrStatus.DIFFER,
        "[for x in aws_subnet.app : x.cidr_block]": AttrStatus.DIFFER,
        "[for s in aws_subnet.app : s.id]": AttrStatus.DIFFER,
    }
    for rule, expected in cases.items():
        response = tree("app", rule)
        comparison = compare(response, build(response), reference, build(reference))
        assert pair(comparison, "aws_subnet.private").response.key == "aws_subnet.app"
        assert status(pair(comparison, "aws_security_group.db"), "ingress.cidr_blocks") is expected
