"""What a check sees (``CheckContext``) and what it returns (``Finding`` with ``Evidence``)."""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Any

from harness.diagnostics import Span
from harness.extract.types import FileTree
from harness.terraform.model import Configuration

SNIPPET_MAX_LINES = 8
SNIPPET_MAX_CHARS = 600


@lru_cache(maxsize=512)
def _lines(content: str) -> tuple[str, ...]:
    """A file's lines, split once per content (str hashes are cached, so lookups are cheap)."""
    return tuple(content.splitlines())


class Status(StrEnum):
    """Verdict of one finding. ``na`` = nothing to judge (no S3 bucket: S3 checks are na)."""

    PASS = "pass"
    FAIL = "fail"
    NA = "na"
    ERROR = "error"


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a finding was seen: a place in an extracted file (``path`` + lines) or in the
    response prose (``path`` None), the matching line in the markdown response, and a snippet.
    ``source`` is ``reference`` when the evidence shows what the ideal does instead."""

    path: str | None
    start_line: int | None
    end_line: int | None
    response_line: int | None
    snippet: str
    source: str = "response"
    note: str = ""

    @classmethod
    def from_span(
        cls, span: Span, tree: FileTree, note: str = "", source: str = "response"
    ) -> Evidence:
        """Evidence for a code span: snippet from the file, response line from its origin."""
        file = tree.get(span.path)
        snippet = ""
        response_line = None
        if file is not None:
            lines = _lines(file.content)
            last = min(span.last_line, span.start_line + SNIPPET_MAX_LINES - 1)
            snippet = "\n".join(lines[span.start_line - 1 : last])[:SNIPPET_MAX_CHARS]
            response_line = file.origin.response_line(span.start_line)
        return cls(
            path=span.path,
            start_line=span.start_line,
            end_line=span.last_line,
            response_line=response_line,
            snippet=snippet,
            source=source,
            note=note,
        )

    @classmethod
    def from_response(cls, line: int | None, snippet: str, note: str = "") -> Evidence:
        """Evidence in the response text itself (prose, a fence, a drawing)."""
        return cls(None, None, None, line, snippet[:SNIPPET_MAX_CHARS], note=note)

    def location(self) -> str:
        if self.path is not None and self.start_line is not None:
            if self.end_line and self.end_line != self.start_line:
                return f"{self.path}:{self.start_line}-{self.end_line}"
            return f"{self.path}:{self.start_line}"
        if self.response_line is not None:
            return f"response:{self.response_line}"
        return self.path or "response"


@dataclass(frozen=True, slots=True)
class Finding:
    """One verdict of a check about one subject (a resource address, a file, a phrase)."""

    status: Status
    message: str
    evidence: tuple[Evidence, ...] = ()
    subject: str = ""


def passed(message: str, *evidence: Evidence, subject: str = "") -> Finding:
    return Finding(Status.PASS, message, tuple(evidence), subject)


def failed(message: str, *evidence: Evidence, subject: str = "") -> Finding:
    return Finding(Status.FAIL, message, tuple(evidence), subject)


def not_applicable(message: str, subject: str = "") -> Finding:
    return Finding(Status.NA, message, (), subject)


@dataclass(frozen=True)
class ReferenceContext:
    """The ideal implementation, parsed, for checks that compare against it."""

    tree: FileTree
    config: Configuration
    comparison: Any = None  # harness.compare Comparison of response vs reference, when built


@dataclass(frozen=True)
class CheckContext:
    """Everything a check may look at for one response. Checks must not mutate it."""

    task_id: str
    response_id: str
    tree: FileTree
    config: Configuration
    reference: ReferenceContext | None = None

    def evidence(self, span: Span, note: str = "") -> Evidence:
        return Evidence.from_span(span, self.tree, note)
