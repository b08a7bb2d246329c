"""Data produced by extraction: the file tree a markdown response describes."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from functools import cached_property

from harness.extract.kinds import detect_kind
from harness.vocabulary import Diagnostic


class Convention(StrEnum):
    """How an extracted file's name was decided, most explicit first."""

    HEADING = "heading"  # "## File: lib/provider.tf", "### main.tf", "## `tap_stack.tf`"
    FENCE_TITLE = "fence_title"  # ```hcl title="provider.tf"
    BOLD_LABEL = "bold_label"  # **main.tf** on the line(s) before the block
    FIRST_COMMENT = "first_comment"  # "# tap_stack.tf - Complete ..." inside the block
    PROSE = "prose"  # "Here's the complete `tap_stack.tf` file:"
    INFERRED = "inferred"  # no name anywhere: guessed from the content
    DISK = "disk"  # read from a directory on disk (tree_from_directory): the real file name


@dataclass(frozen=True, slots=True)
class NameEvidence:
    """Why a file got its path: the convention and the text that said so."""

    convention: Convention
    text: str
    line: int | None = None  # response line of the evidence, None for inferred names

    @property
    def inferred(self) -> bool:
        return self.convention is Convention.INFERRED


@dataclass(frozen=True, slots=True)
class Origin:
    """Where a file came from in the markdown response.

    ``start_line``/``end_line`` are the 1-based response lines of the opening and closing fence
    (``end_line`` is the last line of the response when the fence never closed). The first line
    of file content is response line ``start_line + 1``.
    """

    start_line: int
    end_line: int
    naming: NameEvidence
    info_string: str = ""
    response: str = ""  # response id (file stem) or path; "" when extracted from text
    carried_over: bool = False  # True when the file comes from an earlier turn (overlay)

    def response_line(self, file_line: int) -> int:
        """Map a 1-based line of the extracted file to the line in the markdown response."""
        return self.start_line + file_line


@dataclass(frozen=True, slots=True)
class ExtractedFile:
    path: str  # normalised POSIX relative path, safe to join under an output directory
    content: str
    language: str  # hcl, tfvars, bash, python, go, typescript, javascript, yaml, json, ...
    origin: Origin

    @property
    def kind(self) -> str:
        """The IaC it holds beyond its syntax (``harness.extract.kinds``): cloudformation,
        cdk, cdktf, pulumi, or "" (Terraform is told by its language, hcl/tfvars). Read from
        the content, so it is never stale and never stored twice (extraction.json lists it)."""
        return detect_kind(self.language, self.content)


@dataclass(frozen=True, slots=True)
class TextSpan:
    """A run of response text outside code blocks (prose, or a reasoning trace)."""

    start_line: int
    end_line: int
    text: str


@dataclass(frozen=True)
class FileTree:
    """Everything extraction learned from one response."""

    files: tuple[ExtractedFile, ...]
    diagnostics: tuple[Diagnostic, ...] = ()
    promised_files: tuple[str, ...] = ()  # paths named by directory-tree drawings
    prose: tuple[TextSpan, ...] = ()  # the answer's text addressed to the user
    reasoning: tuple[TextSpan, ...] = ()  # a "### Reasoning Trace" section, not user prose
    source: str = ""  # path of the markdown file, or "" for text input
    truncated: bool = False

    @cached_property
    def _index(self) -> dict[str, ExtractedFile]:
        return {f.path: f for f in self.files}

    def __iter__(self) -> Iterator[ExtractedFile]:
        return iter(self.files)

    def __len__(self) -> int:
        return len(self.files)

    def get(self, path: str) -> ExtractedFile | None:
        return self._index.get(path)

    @property
    def paths(self) -> tuple[str, ...]:
        return tuple(f.path for f in self.files)

    def of_language(self, *languages: str) -> tuple[ExtractedFile, ...]:
        return tuple(f for f in self.files if f.language in languages)

    @property
    def prose_text(self) -> str:
        return "\n".join(s.text for s in self.prose)
