"""Evidence made through a check context or a reference context: made once per span and
note, and always what ``Evidence.from_span`` makes of the context's own tree."""

from __future__ import annotations

import dataclasses

from harness.checks.types import CheckContext, ReferenceContext
from harness.extract.types import Convention, ExtractedFile, FileTree, NameEvidence, Origin
from harness.terraform import build
from harness.vocabulary import Evidence, Span


def _tree(text: str) -> FileTree:
    origin = Origin(3, 3 + text.count("\n") + 2, NameEvidence(Convention.HEADING, "main.tf", 1))
    return FileTree(files=(ExtractedFile("main.tf", text, "hcl", origin),))


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
