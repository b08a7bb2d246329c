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
class Piece:
    """A run of a file's lines that one code block of the response wrote, for files
    assembled from several blocks (labelled excerpts, a follow-up's blocks merged into an
    earlier file): file lines ``first_line`` .. ``first_line + line_count - 1`` are response
    lines ``fence_line + 1`` onwards."""

    first_line: int  # first file line of the piece (1-based)
    line_count: int
    fence_line: int  # the opening fence of the block in the response
    end_line: int  # its closing fence (or last line when it never closed)
    label: str = ""  # what the response called it: "lines 1-25", "resource.aws_s3_bucket.logs"

    def holds(self, file_line: int) -> bool:
        return self.first_line <= file_line < self.first_line + self.line_count


class Assembly(StrEnum):
    """How a file's text was put together, when not from one block as written."""

    BLOCK = ""  # one code block, as written (or a file on disk)
    EXCERPTS = "excerpts"  # labelled line-range excerpts of one file, joined in line order
    MERGED_BLOCKS = "merged_blocks"  # a follow-up's blocks merged into the earlier file
    REPLACED = "replaced"  # a follow-up's whole file, replacing an earlier turn's version


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
    #: for an assembled file, which lines came from which block of ``response`` (lines in no
    #: piece were carried over from an earlier turn); empty for a file written by one block
    pieces: tuple[Piece, ...] = ()
    assembly: Assembly = Assembly.BLOCK

    def response_line(self, file_line: int) -> int | None:
        """Map a 1-based line of the extracted file to the line in the markdown response
        (None for a line an earlier turn wrote into a merged file)."""
        if not self.pieces:
            return self.start_line + file_line
        for piece in self.pieces:
            if piece.holds(file_line):
                return piece.fence_line + 1 + file_line - piece.first_line
        return None


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

    @property
    def has_code(self) -> bool:
        """The response has code: an extracted file, or a code block that names no file
        (reported ``unnamed_block`` and not extracted, e.g. a CDK answer's unnamed TypeScript
        block)."""
        return len(self.files) > 0 or any(d.code == "unnamed_block" for d in self.diagnostics)

    def of_language(self, *languages: str) -> tuple[ExtractedFile, ...]:
        return tuple(f for f in self.files if f.language in languages)

    @property
    def prose_text(self) -> str:
        return "\n".join(s.text for s in self.prose)
