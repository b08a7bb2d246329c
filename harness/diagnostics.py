"""Locations and diagnostics shared by every stage.

A diagnostic is something the harness noticed about the *input* (a truncated block, an
undeclared variable, a rejected path), not a rubric verdict. Every stage emits them with a
location so a reviewer can jump to the place in the response.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum


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
