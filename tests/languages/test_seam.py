"""The language seam: a toy second language plugs in with a registration only (no engine
edit), checks of a language a response does not hold are ``na``, and Terraform is found
through its entry point."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

import harness
from harness.checks import registry
from harness.checks.types import CheckContext, Finding, failed, passed
from harness.extract import tree_from_directory
from harness.extract.types import ExtractedFile, FileTree
from harness.languages import (
    Language,
    ParsedModel,
    get_language,
    languages_of,
    register_language,
    rubric_for,
    unregister_language,
)
from harness.vocabulary import CriterionStatus, Diagnostic, Span
from tests.conftest import SAMPLE_REFERENCE


@dataclass(frozen=True)
class ToyResource:
    type: str
    address: str
    span: Span
    public: bool


@dataclass(frozen=True)
class ToyModel:
    """``resource TYPE NAME [public]`` per line of every ``.toy`` file."""

    items: tuple[ToyResource, ...]
    diagnostics: tuple[Diagnostic, ...] = ()

    def resources(self, resource_type: str | None = None) -> Iterator[ToyResource]:
        return (r for r in self.items if resource_type in (None, r.type))


def _claims(file: ExtractedFile) -> bool:
    return file.path.endswith(".toy")


def build_toy(tree: FileTree) -> ToyModel:
    items = []
    for file in tree.files:
        if not _claims(file):
            continue
        for number, line in enumerate(file.content.splitlines(), start=1):
            words = line.split()
            if len(words) >= 3 and words[0] == "resource":
                span = Span(file.path, number)
                items.append(
                    ToyResource(words[1], f"{words[1]}.{words[2]}", span, "public" in words)
                )
    return ToyModel(tuple(items))


TOY = Language("toy", claims=_claims, build=build_toy)


def no_public_toy(ctx: CheckContext, params: registry.NoParams) -> Iterator[Finding]:
    """No toy resource is public.

    What it checks:
        Every toy resource lacks the ``public`` flag.
    Why it matters:
        It shows a second language's check, written against the seam only.
    Example:
        Passing: ``resource bucket logs``.
    """
    model = ctx.models["toy"]
    assert isinstance(model, ToyModel)
    for resource in model.resources():
        evidence = ctx.evidence(resource.span)
        if resource.public:
            yield failed("public", evidence, subject=resource.address)
        else:
            yield passed("private", evidence, subject=resource.address)


@pytest.fixture
def toy(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """The toy language and its check, registered for one test and removed after it."""
    registry.load_checks()
    monkeypatch.setattr(registry, "_REGISTRY", dict(registry._REGISTRY))
    registry.check("toy.no_public", "security", languages=("toy",))(no_public_toy)
    register_language(TOY)
    yield
    unregister_language("toy")


def _rubric(tmp_path: Path) -> Path:
    path = tmp_path / "toy.yaml"
    path.write_text(
        "id: toy-task\nversion: '1'\ntitle: Toy\nextends: terraform-aws-production\n"
        "criteria:\n"
        "  - id: toy.no_public\n    title: No public toy resources\n"
        "    category: security\n    weight: 1\n",
        encoding="utf-8",
    )
    return path


def test_terraform_is_registered_through_its_entry_point() -> None:
    language = get_language("terraform")
    tree = tree_from_directory(SAMPLE_REFERENCE)
    assert language.holds(tree)
    model: ParsedModel = language.build(tree)
    assert any(r.type == "aws_db_instance" for r in model.resources())
    assert languages_of(tree) >= {"terraform"}


def test_a_toy_language_is_graded_without_editing_the_engine(toy: None, tmp_path: Path) -> None:
    (tmp_path / "in").mkdir()
    (tmp_path / "in" / "main.toy").write_text(
        "resource bucket logs\nresource bucket site public\n", encoding="utf-8"
    )
    tree = tree_from_directory(tmp_path / "in")
    assert languages_of(tree) == {"toy"}
    result = harness.grade(tree, harness.load_rubric(_rubric(tmp_path)))
    by_id = {c.criterion_id: c for c in result.criteria}
    toy_result = by_id["toy.no_public"]
    assert toy_result.status is CriterionStatus.PARTIAL
    assert {f.subject for f in toy_result.findings if f.status.value == "fail"} == {"bucket.site"}
    assert toy_result.findings[0].evidence[0].location() == "main.toy:1"
    # Terraform checks have nothing to read here: na with a reason, never an error
    assert by_id["security.rds_encrypted"].status is CriterionStatus.NA
    assert "terraform code in the response" in by_id["security.rds_encrypted"].message
    assert "has no toy meaning" in by_id["security.rds_encrypted"].message
    # checks of files and prose apply to any language: they run (and judge by their own rules)
    assert "code in the response" not in by_id["complete.no_placeholders"].message
    assert "code in the response" not in by_id["testing.unit_tests"].message
    assert by_id["testing.unit_tests"].status is CriterionStatus.FAIL


def test_a_language_the_response_does_not_hold_is_na(toy: None, tmp_path: Path) -> None:
    tree = tree_from_directory(SAMPLE_REFERENCE)
    result = harness.grade(tree, harness.load_rubric(_rubric(tmp_path)))
    by_id = {c.criterion_id: c for c in result.criteria}
    assert by_id["toy.no_public"].status is CriterionStatus.NA
    assert "no toy code" in by_id["toy.no_public"].message
    assert by_id["security.rds_encrypted"].status is CriterionStatus.PASS


def test_a_tree_in_no_registered_language_is_read_as_the_fallback(toy: None) -> None:
    assert languages_of(FileTree(files=())) == {"terraform"}
    result = harness.grade(FileTree(files=()), "terraform-aws-production", response_id="empty")
    by_id = {c.criterion_id: c for c in result.criteria}
    assert by_id["complete.syntax_valid"].status is CriterionStatus.FAIL


def test_a_check_runs_when_only_the_reference_holds_its_language(toy: None) -> None:
    """A response that lacks the task's language entirely still fails what the task asks."""
    empty = FileTree(files=())
    reference = tree_from_directory(SAMPLE_REFERENCE)
    result = harness.grade(
        empty, "terraform-aws-production", reference=reference, response_id="empty"
    )
    by_id = {c.criterion_id: c for c in result.criteria}
    assert by_id["reference.resource_coverage"].status is CriterionStatus.FAIL


def test_each_language_names_the_rubric_written_for_it(tmp_path: Path) -> None:
    """``derive`` extends the rubric of the reference's language: a template's criteria in
    CloudFormation terms; a tree of both languages, or of none, gets the default."""
    template = (
        "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n"
    )
    (tmp_path / "cfn").mkdir()
    (tmp_path / "cfn" / "template.yaml").write_text(template, encoding="utf-8")
    (tmp_path / "both").mkdir()
    (tmp_path / "both" / "template.yaml").write_text(template, encoding="utf-8")
    (tmp_path / "both" / "main.tf").write_text('resource "aws_s3_bucket" "b" {}\n')
    assert rubric_for(tree_from_directory(SAMPLE_REFERENCE), "x") == "terraform-aws-production"
    assert rubric_for(tree_from_directory(tmp_path / "cfn"), "x") == "cloudformation-aws-production"
    assert rubric_for(tree_from_directory(tmp_path / "both"), "x") == "x"
    assert rubric_for(FileTree(files=()), "x") == "x"
