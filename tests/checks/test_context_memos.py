"""What a check context keeps once made: evidence (once per span and note, always what
``Evidence.from_span`` makes of the context's own tree) and the languages of the response
and its reference (the reference's found once per task, always what ``languages_of``
finds)."""

from __future__ import annotations

import dataclasses

from harness.checks.types import CheckContext, ReferenceContext
from harness.extract.types import Convention, ExtractedFile, FileTree, NameEvidence, Origin
from harness.languages import Language, languages_of, register_language, unregister_language
from harness.terraform import build
from harness.vocabulary import Evidence, Span


def _tree(text: str, path: str = "main.tf", language: str = "hcl") -> FileTree:
    origin = Origin(3, 3 + text.count("\n") + 2, NameEvidence(Convention.HEADING, path, 1))
    return FileTree(files=(ExtractedFile(path, text, language, origin),))


RESPONSE = _tree('resource "aws_s3_bucket" "a" {\n  bucket = "x"\n}\n')
IDEAL = _tree('resource "aws_s3_bucket" "b" {\n  bucket = "y"\n  force_destroy = true\n}\n')


def test_a_context_makes_each_evidence_once_and_as_from_span_does() -> None:
    ctx = CheckContext("t", "r", RESPONSE, build(RESPONSE))
    span = Span("main.tf", 1, end_line=3)
    first = ctx.evidence(span, "the bucket")
    assert first == Evidence.from_span(span, RESPONSE, "the bucket")
    assert ctx.evidence(Span("main.tf", 1, end_line=3), "the bucket") is first
    # another note or span is other evidence
    assert ctx.evidence(span) == Evidence.from_span(span, RESPONSE)
    assert ctx.evidence(Span("main.tf", 2), "the bucket").snippet == '  bucket = "x"'
    # another context of another tree never sees this one's evidence
    other = CheckContext("t", "r2", IDEAL, build(IDEAL))
    assert other.evidence(span, "the bucket") == Evidence.from_span(span, IDEAL, "the bucket")


def test_reference_evidence_is_shared_by_the_task_but_kept_to_its_tree() -> None:
    ref = ReferenceContext(IDEAL, build(IDEAL))
    span = Span("main.tf", 2, end_line=3)
    made = ref.evidence(span, "the ideal")
    assert made == Evidence.from_span(span, IDEAL, note="the ideal", source="reference")
    # the copy made for each response of the task shares it
    copy = dataclasses.replace(ref, comparison=None)
    assert copy.evidence(span, "the ideal") is made
    # a copy over another tree shares the memo, never its evidence
    moved = dataclasses.replace(ref, tree=RESPONSE)
    assert moved.evidence(span, "the ideal") == Evidence.from_span(
        span, RESPONSE, note="the ideal", source="reference"
    )
    assert ref.evidence(span, "the ideal") == made


TEMPLATE = _tree(
    "AWSTemplateFormatVersion: '2010-09-09'\nResources:\n  B:\n    Type: AWS::S3::Bucket\n",
    "template.yaml",
    "yaml",
)
PROSE = FileTree(files=())


def test_the_languages_are_those_of_the_response_and_its_reference() -> None:
    for response in (RESPONSE, TEMPLATE, PROSE):
        for ideal in (IDEAL, TEMPLATE, PROSE, None):
            ref = None if ideal is None else ReferenceContext(ideal, build(ideal))
            ctx = CheckContext("t", "r", response, build(response), ref)
            assert ctx.languages == languages_of(response, ideal), (response, ideal)
    # prose on both sides: the fallback language, as languages_of says
    ref = ReferenceContext(PROSE, build(PROSE))
    assert CheckContext("t", "r", PROSE, build(PROSE), ref).languages == languages_of(PROSE)


def test_the_references_languages_follow_its_tree_and_the_registered_languages() -> None:
    ref = ReferenceContext(IDEAL, build(IDEAL))
    assert ref.held_languages() == {"terraform"}
    moved = dataclasses.replace(ref, tree=TEMPLATE)  # shares the memo, not its answer
    assert moved.held_languages() == {"cloudformation"}
    toy = Language("toy", lambda file: file.path.endswith(".tf"), lambda tree: build(tree))
    register_language(toy)
    try:
        assert ref.held_languages() == {"terraform", "toy"}
    finally:
        unregister_language("toy")
    assert ref.held_languages() == {"terraform"}
