"""The mutation suite (benchmarks/mutations.py): its fault kinds really inject their fault, and
the unmutated copy of an ideal scores exactly like the ideal."""

from __future__ import annotations

from pathlib import Path
from types import ModuleType

import pytest

from harness.rubric import load_rubric
from harness.shipped import sample_reference
from tests.benchmarks import load_script


@pytest.fixture(scope="module")
def mutations() -> ModuleType:
    return load_script("mutations")


@pytest.fixture(scope="module")
def ideal(mutations: ModuleType) -> object:
    return mutations.load_ideal("sample", sample_reference() / "IDEAL_RESPONSE.md")


def test_at_least_fifteen_kinds_each_aimed_at_a_rubric_criterion(mutations: ModuleType) -> None:
    criteria = {c.id for c in load_rubric("terraform-aws-production").criteria}
    names = [k.name for k in mutations.KINDS]
    assert len(names) >= 15
    assert len(set(names)) == len(names)
    assert {k.criterion for k in mutations.KINDS} <= criteria


def test_edits_apply_bottom_up_and_keep_line_endings(mutations: ModuleType) -> None:
    ideal = mutations.Ideal("t", Path("x.md"), "a\r\nb\r\nc\r\nd\r\n", None, None)  # type: ignore[arg-type]
    edits = [mutations.Edit(2, 2, ("B",)), mutations.Edit(4, 3, ("new",)), mutations.Edit(1, 1, ())]
    assert ideal.mutated(edits) == "B\r\nc\r\nnew\r\nd\r\n"
    assert ideal.mutated([]) == ideal.text


def test_every_kind_that_applies_changes_the_text(mutations: ModuleType, ideal: object) -> None:
    applied = 0
    for kind in mutations.KINDS:
        edits = kind.mutate(ideal)
        if edits:
            applied += 1
            assert ideal.mutated(edits) != ideal.text, kind.name  # type: ignore[attr-defined]
    # the bundled reference has a database, S3, IAM, alarms, tags, a backend, tests...
    assert applied >= 20


def test_database_fault_edits_the_database(mutations: ModuleType, ideal: object) -> None:
    (edit,) = mutations.rds_unencrypted(ideal)
    assert edit.lines[0].strip() == "storage_encrypted = false"
    assert "storage_encrypted" in ideal.lines[edit.start - 1]  # type: ignore[attr-defined]


def test_bundled_reference_copy_scores_like_the_ideal_and_faults_are_caught(
    mutations: ModuleType,
) -> None:
    rubric = load_rubric("terraform-aws-production")
    wanted = [
        k
        for k in mutations.KINDS
        if k.name in {"rds_unencrypted", "hardcoded_password", "db_ingress_open", "syntax_error"}
    ]
    outcomes, problems = mutations.run_task(
        "sample", sample_reference() / "IDEAL_RESPONSE.md", rubric, wanted
    )
    assert problems == []
    assert {o.kind for o in outcomes} == {k.name for k in wanted}
    for outcome in outcomes:
        assert outcome.detected, outcome
        assert outcome.fell, outcome


def test_unknown_kind_is_a_usage_error(
    mutations: ModuleType, capsys: pytest.CaptureFixture[str]
) -> None:
    assert mutations.main(["--kinds", "no_such_fault", "--limit", "0"]) == 2
    assert "no_such_fault" in capsys.readouterr().err


def test_required_service_fault_removes_what_the_prompt_asks_for(
    mutations: ModuleType, ideal: object
) -> None:
    prompt = ideal.prompt  # type: ignore[attr-defined]
    assert prompt is not None and "service:sns" in {r.key for r in prompt}
    kind = next(k for k in mutations.KINDS if k.name == "required_service_removed")
    edits = kind.mutate(ideal)
    assert edits
    mutant = mutations.load_ideal("sample", sample_reference() / "IDEAL_RESPONSE.md")
    text = mutant.mutated(edits)
    assert len(text) < len(mutant.text)


def test_a_fault_the_prompt_waives_is_counted_apart_not_as_a_miss(
    mutations: ModuleType, tmp_path: Path
) -> None:
    """The backend removed from an ideal whose prompt says the provider setup exists already:
    reliability.backend is na by the prompt's word, so the mutant is waived, not missed."""
    task = tmp_path / "tf-waived"
    task.mkdir()
    (task / "PROMPT.md").write_text(
        "Write a Terraform stack with an S3 bucket. I already have a provider.tf, so no "
        "provider block.\n",
        encoding="utf-8",
    )
    (task / "IDEAL_RESPONSE.md").write_text(
        "The stack:\n\n```hcl\n"
        'terraform {\n  backend "s3" {\n    bucket = "state"\n    key = "stack.tfstate"\n'
        '    region = "us-east-1"\n  }\n}\n\n'
        'resource "aws_s3_bucket" "data" {\n  bucket_prefix = "data-"\n}\n```\n',
        encoding="utf-8",
    )
    rubric = load_rubric("terraform-aws-production")
    kind = next(k for k in mutations.KINDS if k.name == "backend_removed")
    outcomes, problems = mutations.run_task("tf-waived", task / "IDEAL_RESPONSE.md", rubric, [kind])
    assert problems == []
    assert [(o.kind, o.waived) for o in outcomes] == [("backend_removed", True)]
    table = mutations.summarise(outcomes, [kind])
    assert table["backend_removed"]["applied"] == 0
    assert table["backend_removed"]["waived"] == 1


def test_db_ingress_fault_opens_an_ingress_rule_never_an_egress_one(
    mutations: ModuleType, tmp_path: Path
) -> None:
    rule = (
        'resource "aws_security_group_rule" "{name}" {{\n  type = "{kind}"\n  from_port = 5432\n'
        '  to_port = 5432\n  protocol = "tcp"\n  source_security_group_id = "sg-1"\n'
        '  security_group_id = "sg-2"\n}}\n\n'
    )
    text = "```hcl\n" + rule.format(name="out", kind="egress")
    text += rule.format(name="in", kind="ingress") + "```\n"
    path = tmp_path / "IDEAL_RESPONSE.md"
    path.write_text(text, encoding="utf-8")
    ideal = mutations.load_ideal("t", path)
    edits = mutations.db_ingress_open(ideal)
    assert edits
    lines = ideal.lines
    egress_end = next(i for i, line in enumerate(lines, 1) if line.startswith("}"))
    assert all(edit.start > egress_end for edit in edits)  # only the ingress rule changes
    assert 'cidr_blocks = ["0.0.0.0/0"]' in ideal.mutated(edits)


def test_subscription_filter_and_promised_file_faults_are_caught(
    mutations: ModuleType, tmp_path: Path
) -> None:
    text = (
        "Layout:\n\n```\nstack/\n├── main.tf\n└── alerts.tf\n```\n\n"
        "## main.tf\n\n```hcl\n"
        'resource "aws_s3_bucket_lifecycle_configuration" "logs" {\n  bucket = "logs"\n'
        '  rule {\n    id     = "expire"\n    status = "Enabled"\n    filter {}\n'
        "    expiration {\n      days = 30\n    }\n  }\n}\n```\n\n"
        "## alerts.tf\n\n```hcl\n"
        'resource "aws_sns_topic" "alerts" {\n  name_prefix = "alerts-"\n}\n\n'
        'resource "aws_sns_topic_subscription" "ops" {\n  topic_arn = aws_sns_topic.alerts.arn\n'
        '  protocol  = "email"\n  endpoint  = "ops@example.com"\n}\n```\n'
    )
    path = tmp_path / "IDEAL_RESPONSE.md"
    path.write_text(text, encoding="utf-8")
    names = {"sns_subscriptions_removed", "lifecycle_filter_removed", "promised_file_dropped"}
    kinds = [k for k in mutations.KINDS if k.name in names]
    ideal = mutations.load_ideal("t", path)
    assert ideal.tree.promised_files  # the drawing lists both files
    dropped = ideal.mutated(mutations.promised_file_dropped(ideal))
    assert dropped.count("```") == text.count("```") - 2  # one whole fenced block is gone
    rubric = load_rubric("terraform-aws-production")
    outcomes, problems = mutations.run_task("t", path, rubric, kinds)
    assert problems == []
    assert {o.kind for o in outcomes} == names
    for outcome in outcomes:
        assert outcome.detected, outcome


def test_admin_ingress_fault_opens_ssh_or_adds_it_and_is_caught(
    mutations: ModuleType, tmp_path: Path
) -> None:
    """An SSH rule from a bastion group is opened to the world; a stack with no SSH rule gets
    one added to its first security group. The criterion catches both."""
    texts = {
        "opened": (
            "```hcl\n"
            'resource "aws_security_group" "app" {\n  name_prefix = "app-"\n'
            '  ingress {\n    from_port = 22\n    to_port = 22\n    protocol = "tcp"\n'
            '    security_groups = ["sg-bastion"]\n  }\n}\n```\n'
        ),
        "added": (
            "```hcl\n"
            'resource "aws_security_group" "web" {\n  name_prefix = "web-"\n'
            '  ingress {\n    from_port = 443\n    to_port = 443\n    protocol = "tcp"\n'
            '    cidr_blocks = ["0.0.0.0/0"]\n  }\n}\n```\n'
        ),
    }
    for name, text in texts.items():
        path = _ideal_file(tmp_path, name, text)
        ideal = mutations.load_ideal(name, path)
        mutant = ideal.mutated(mutations.admin_ingress_open(ideal))
        assert mutant.count('"0.0.0.0/0"') == text.count('"0.0.0.0/0"') + 1
        assert "from_port" in mutant.split("22", 1)[0] and "sg-bastion" not in mutant
        assert _outcomes(mutations, path, "admin_ingress_open") == [
            ("admin_ingress_open", True, True)
        ], name


def _ideal_file(tmp_path: Path, name: str, text: str) -> Path:
    path = tmp_path / name / "IDEAL_RESPONSE.md"
    path.parent.mkdir()
    path.write_text(text, encoding="utf-8")
    return path


def _outcomes(mutations: ModuleType, path: Path, kind_name: str) -> list[tuple[str, bool, bool]]:
    """(kind, detected, fell) of the one fault kind on the ideal at ``path``."""
    kind = next(k for k in mutations.KINDS if k.name == kind_name)
    rubric = load_rubric("terraform-aws-production")
    outcomes, problems = mutations.run_task(path.parent.name, path, rubric, [kind])
    assert problems == []
    return [(o.kind, o.detected, o.fell) for o in outcomes]


def test_backend_fault_computes_a_setting_or_adds_one_and_is_caught(
    mutations: ModuleType, tmp_path: Path
) -> None:
    """A literal backend setting is rebuilt from a declared variable; a partial backend
    (``backend "s3" {}``) gets a key so built. complete.modules_resolve catches both."""
    variable = 'variable "env" {\n  default = "prod"\n}\n'
    texts = {
        "literal": (
            '```hcl\nterraform {\n  backend "s3" {\n    bucket = "state"\n  }\n}\n'
            + variable
            + "```\n"
        ),
        "partial": '```hcl\nterraform {\n  backend "s3" {}\n}\n' + variable + "```\n",
    }
    for name, text in texts.items():
        path = _ideal_file(tmp_path, name, text)
        ideal = mutations.load_ideal(name, path)
        mutant = ideal.mutated(mutations.backend_from_variable(ideal))
        assert "${var.env}" in mutant and "${var.env}" not in text
        assert _outcomes(mutations, path, "backend_from_variable") == [
            ("backend_from_variable", True, True)
        ], name


def test_password_output_fault_exposes_the_generated_password_and_is_caught(
    mutations: ModuleType, tmp_path: Path
) -> None:
    text = '```hcl\nresource "random_password" "db" {\n  length = 24\n}\n```\n'
    path = _ideal_file(tmp_path, "password", text)
    ideal = mutations.load_ideal("password", path)
    mutant = ideal.mutated(mutations.password_output_unmarked(ideal))
    assert "value = random_password.db.result" in mutant and "sensitive" not in mutant
    assert _outcomes(mutations, path, "password_output_unmarked") == [
        ("password_output_unmarked", True, True)
    ]


#: (fault kind, an ideal it applies to, what the mutant then holds): faults that terraform
#: validate or plan stops on, each caught by complete.modules_resolve.
VALIDATION_FAULTS = [
    (
        "count_added",  # a resource its readers name whole gets count
        '```hcl\nresource "aws_eip" "nat" {\n  domain = "vpc"\n}\n'
        'resource "aws_nat_gateway" "main" {\n  allocation_id = aws_eip.nat.id\n'
        '  subnet_id     = "subnet-1"\n}\n```\n',
        'resource "aws_eip" "nat" {\n  count = 2\n',
    ),
    (
        "for_each_unwrapped",  # toset() dropped from a list
        '```hcl\nvariable "names" {\n  type    = list(string)\n  default = ["a"]\n}\n'
        'resource "aws_s3_bucket" "b" {\n  for_each      = toset(var.names)\n'
        "  bucket_prefix = each.value\n}\n```\n",
        "for_each      = var.names\n",
    ),
    (
        "groups_in_a_circle",  # the group another group's rule names gets a rule naming it back
        '```hcl\nresource "aws_security_group" "app" {\n  name = "app"\n}\n'
        'resource "aws_security_group" "db" {\n  name = "db"\n  ingress {\n'
        "    from_port       = 5432\n    to_port         = 5432\n"
        '    protocol        = "tcp"\n    security_groups = [aws_security_group.app.id]\n'
        "  }\n}\n```\n",
        'resource "aws_security_group" "app" {\n  egress {\n    from_port       = 0\n'
        '    to_port         = 0\n    protocol        = "-1"\n'
        "    security_groups = [aws_security_group.db.id]\n  }\n",
    ),
]


@pytest.mark.parametrize(
    ("kind", "text", "edited"), VALIDATION_FAULTS, ids=[kind for kind, _, _ in VALIDATION_FAULTS]
)
def test_a_validation_fault_edits_the_ideal_as_described_and_is_caught(
    mutations: ModuleType, tmp_path: Path, kind: str, text: str, edited: str
) -> None:
    path = _ideal_file(tmp_path, kind, text)
    ideal = mutations.load_ideal(kind, path)
    mutant = ideal.mutated(getattr(mutations, kind)(ideal))
    assert edited in mutant
    assert _outcomes(mutations, path, kind) == [(kind, True, True)]
