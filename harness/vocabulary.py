"""The words every stage speaks: spans, diagnostics, statuses, evidence and findings.

This module sits at the bottom of the house and imports nothing of the harness, so every
stage (extract, model, compare, checks, grading, run, report) can share these types without
one stage reaching into another.

A *diagnostic* is something the harness noticed about the input (a truncated block, an
undeclared variable, a rejected path), not a rubric verdict. A *finding* is a check's verdict
about one subject, with *evidence*: the place in an extracted file and in the response.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum
from functools import lru_cache
from typing import Protocol

SNIPPET_MAX_LINES = 8
SNIPPET_MAX_CHARS = 600
#: ``Evidence.source`` of evidence that cites the task's prompt, not a file of the response.
PROMPT_SOURCE = "prompt"


class Severity(StrEnum):
    """How much a diagnostic matters to a reviewer."""

    ERROR = "error"
    WARNING = "warning"
    INFO = "info"


@dataclass(frozen=True, slots=True)
class Span:
    """A region of one extracted file: 1-based lines, 1-based columns, end inclusive."""

    path: str
    start_line: int
    start_col: int = 1
    end_line: int | None = None
    end_col: int | None = None

    @property
    def last_line(self) -> int:
        return self.end_line if self.end_line is not None else self.start_line

    def __str__(self) -> str:
        if self.last_line != self.start_line:
            return f"{self.path}:{self.start_line}-{self.last_line}"
        return f"{self.path}:{self.start_line}"


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One observation about the input, with where it was seen.

    ``line`` is the 1-based line in the original markdown response when known; ``span`` is the
    place in an extracted file when the diagnostic concerns code. ``stage`` names the producer
    (``extract``, ``parse``, ``validate``, ...).
    """

    code: str
    severity: Severity
    message: str
    line: int | None = None
    span: Span | None = None
    stage: str = "extract"

    def location(self) -> str:
        """``file:line`` if the diagnostic points into a file, else ``response:line``."""
        if self.span is not None:
            return str(self.span)
        if self.line is not None:
            return f"response:{self.line}"
        return "response"


class Status(StrEnum):
    """Verdict of one finding. ``na`` = nothing to judge (no S3 bucket: S3 checks are na)."""

    PASS = "pass"
    FAIL = "fail"
    NA = "na"
    ERROR = "error"


class CriterionStatus(StrEnum):
    """Verdict of a criterion: pass (score 1), partial (0 < score < 1), fail (score 0),
    na (nothing to judge), error (the check raised; never counted as pass)."""

    PASS = "pass"
    PARTIAL = "partial"
    FAIL = "fail"
    NA = "na"
    ERROR = "error"


class Origin(Protocol):
    """Where an extracted file came from: maps a file line to its markdown response line."""

    def response_line(self, file_line: int) -> int | None: ...


class SourceFile(Protocol):
    """What evidence needs of an extracted file (``harness.extract.ExtractedFile`` is one)."""

    @property
    def content(self) -> str: ...

    @property
    def origin(self) -> Origin: ...


class SourceTree(Protocol):
    """What evidence needs of a file tree (``harness.extract.FileTree`` is one)."""

    def get(self, path: str) -> SourceFile | None: ...


@lru_cache(maxsize=512)
def _lines(content: str) -> tuple[str, ...]:
    """A file's lines, split once per content (str hashes are cached, so lookups are cheap)."""
    return tuple(content.splitlines())


@dataclass(frozen=True, slots=True)
class Evidence:
    """Where a finding was seen: a place in an extracted file (``path`` + lines) or in the
    response prose (``path`` None), the matching line in the markdown response, and a snippet.
    ``source`` is ``reference`` when the evidence shows what the ideal does instead, and
    ``prompt`` when it cites the task's prompt (``path`` is the prompt file, e.g.
    ``PROMPT.md``, outside the response's tree; ``response_line`` is None)."""

    path: str | None
    start_line: int | None
    end_line: int | None
    response_line: int | None
    snippet: str
    source: str = "response"
    note: str = ""

    @classmethod
    def from_span(
        cls, span: Span, tree: SourceTree, note: str = "", source: str = "response"
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

    @classmethod
    def from_prompt(cls, path: str, line: int, snippet: str, note: str = "") -> Evidence:
        """Evidence in the task's prompt: the file (``PROMPT.md``) and line that asked."""
        return cls(path, line, line, None, snippet[:SNIPPET_MAX_CHARS], source=PROMPT_SOURCE,
                   note=note)  # fmt: skip

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
