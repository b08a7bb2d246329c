"""From markdown elements to code blocks with the name the response gives them.

For each fence the explicit conventions are tried, most explicit first: a ``title=`` in the
fence info string (bound to the block itself), the heading of the block's section, a bold label
or the sentence right before the block, and the block's first comment line. A name whose file
type contradicts the fence language (``### main.tf`` over a ```bash block) is not used. Several
files pasted into one block behind ``# name.tf`` comment lines are split. Unnamed ```markdown
wrappers are opened and their inner blocks extracted. Inference for unnamed HCL happens later,
once every explicit name is known (:mod:`harness.extract.extractor`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Literal

from harness.extract import naming
from harness.extract.drawings import Drawing, is_drawing, parse_drawing
from harness.extract.kinds import detect_kind
from harness.extract.languages import classify, compatible, language_from_info, language_from_path
from harness.extract.markdown import Element, parse_elements
from harness.extract.types import Convention, NameEvidence
from harness.vocabulary import Diagnostic, Severity

BlockKind = Literal["named", "hcl_unnamed", "kind_unnamed", "unnamed", "drawing", "wrapper"]

_PRECEDENCE = (
    Convention.FENCE_TITLE,
    Convention.HEADING,
    Convention.BOLD_LABEL,
    Convention.FIRST_COMMENT,
    Convention.PROSE,
)
_DRAWING_LANGS = {None, "text", "tree", "bash", "markdown", "plaintext"}
_QUIET_UNNAMED = {"bash", "text", "tree", "powershell", "diff", "markdown", "csv"}
_STRONG_PARTIAL = re.compile(
    r"\b(sections?|snippet|excerpt|fragment|partial|add (these|this)|only)\b", re.IGNORECASE
)
_EVIDENCE_MAX = 200


@dataclass(slots=True)
class Block:
    """A code block on its way to becoming a file (or not)."""

    kind: BlockKind
    start: int  # Origin.start_line: the opening fence (or the line before the first content line)
    end: int  # closing fence line, or last content line
    content: str
    info: str
    language: str
    closed: bool
    evidence: NameEvidence | None = None
    raw_path: str | None = None
    partial: bool = False
    #: the file line range its label gives (``(lines 1-25)``): an excerpt of ``raw_path``
    excerpt: tuple[int, int] | None = None


@dataclass(slots=True)
class Collected:
    blocks: list[Block] = field(default_factory=list)
    drawings: list[tuple[int, Drawing]] = field(default_factory=list)  # (line, drawing)
    diagnostics: list[Diagnostic] = field(default_factory=list)
    code_lines: list[tuple[int, int]] = field(default_factory=list)  # ranges that are not prose
    unclosed: list[Element] = field(default_factory=list)


def _clip(text: str) -> str:
    text = " ".join(text.split())
    return text if len(text) <= _EVIDENCE_MAX else text[: _EVIDENCE_MAX - 1] + "…"


def _line_of(lines: list[str], first: int, last: int, token: str) -> int:
    for number in range(first, last + 1):
        if 0 < number <= len(lines) and token.replace("\\", "/") in lines[number - 1].replace(
            "\\", "/"
        ):
            return number
    return first


def _heading(elements: list[Element], index: int) -> Element | None:
    """The heading whose section this fence opens, if it names a file. Walking back, a
    heading that names no file ends the search once anything but headings and rules lies
    between it and the fence (tracked as the walk goes: re-scanning that stretch for every
    heading cost the square of the number of headings)."""
    crossed_content = False
    for back in range(index - 1, -1, -1):
        element = elements[back]
        if element.kind in ("fence", "code"):
            return None
        if element.kind != "heading":
            crossed_content = crossed_content or element.kind != "hr"
            continue
        if naming.heading_name(element.text):
            return element
        if crossed_content:
            return None
    return None


def _adjacent_paragraph(elements: list[Element], index: int) -> Element | None:
    fence = elements[index]
    for back in range(index - 1, -1, -1):
        element = elements[back]
        if element.kind == "hr":
            continue
        if element.kind == "paragraph" and element.end >= fence.start - 2:
            return element
        return None
    return None


def _candidates(
    elements: list[Element], index: int, lines: list[str]
) -> list[tuple[str, NameEvidence]]:
    """Every name the response gives this fence, most explicit first."""
    fence = elements[index]
    found: dict[Convention, tuple[str, NameEvidence]] = {}
    title = naming.fence_title(fence.info)
    if title:
        found[Convention.FENCE_TITLE] = (
            title,
            NameEvidence(Convention.FENCE_TITLE, _clip(fence.info), fence.start),
        )
    heading = _heading(elements, index)
    if heading is not None:
        path = naming.heading_name(heading.text) or ""
        found[Convention.HEADING] = (
            path,
            NameEvidence(Convention.HEADING, _clip(heading.text), heading.start),
        )
    paragraph = _adjacent_paragraph(elements, index)
    if paragraph is not None:
        bold = naming.bold_label(paragraph.text)
        if bold:
            line = _line_of(lines, paragraph.start, paragraph.end, bold)
            evidence = NameEvidence(Convention.BOLD_LABEL, _clip(paragraph.text), line)
            found[Convention.BOLD_LABEL] = (bold, evidence)
        else:
            prose = naming.prose_name(paragraph.text)
            if prose:
                line = _line_of(lines, paragraph.start, paragraph.end, prose)
                found[Convention.PROSE] = (
                    prose,
                    NameEvidence(Convention.PROSE, _clip(paragraph.text), line),
                )
    comment = naming.first_comment_name(fence.text)
    if comment:
        path, offset = comment
        text = fence.text.split("\n")[offset]
        found[Convention.FIRST_COMMENT] = (
            path,
            NameEvidence(Convention.FIRST_COMMENT, _clip(text), fence.start + 1 + offset),
        )
    return [found[convention] for convention in _PRECEDENCE if convention in found]


def _same(a: str, b: str) -> bool:
    return a.replace("\\", "/").strip("./`") == b.replace("\\", "/").strip("./`")


def _is_partial(evidence: NameEvidence) -> bool:
    if evidence.convention is Convention.HEADING:
        return bool(_STRONG_PARTIAL.search(evidence.text))
    if evidence.convention is Convention.FENCE_TITLE:
        return False
    return naming.partial_hint(evidence.text)


def _split(block: Block, first_name: str) -> list[Block]:
    """Split a block holding several files behind bare ``# name.tf`` comment lines."""
    content_lines = block.content.split("\n")
    starts: list[tuple[int, str]] = []
    for offset, line in enumerate(content_lines):
        if line[:1].isspace() or not line.strip():
            continue
        name = naming.comment_name(line, bare=True)
        if name and (not starts or (offset > 0 and not content_lines[offset - 1].strip())):
            starts.append((offset, name))
    if len(starts) < 2 or not _same(starts[0][1], first_name):
        return [block]
    if len({name for _, name in starts}) != len(starts):
        return [block]
    parts = []
    for position, (offset, name) in enumerate(starts):
        stop = starts[position + 1][0] if position + 1 < len(starts) else len(content_lines)
        text = "\n".join(content_lines[offset:stop]).rstrip("\n") + "\n"
        first_line = block.start + 1 + offset
        last_line = block.end if stop == len(content_lines) else block.start + stop
        evidence = (
            block.evidence
            if position == 0 and block.evidence is not None
            else NameEvidence(Convention.FIRST_COMMENT, _clip(content_lines[offset]), first_line)
        )
        parts.append(
            Block(
                "named",
                first_line - 1,
                last_line,
                text,
                block.info,
                classify(block.info, text, name),
                closed=block.closed if stop == len(content_lines) else True,
                evidence=evidence,
                raw_path=name,
            )
        )
    return parts


_PROSE_FENCE_LANGS = {"markdown", "md"}
_INNER_FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


def _prose_left_open(element: Element) -> bool:
    """An unclosed markdown (README) fence whose own code blocks all close: the answer's code
    is complete and only the prose wrapper was left open, which a reviewer does not call a
    cut-off. A cut inside one of its code blocks (an odd number of inner fences) still is."""
    if language_from_info(element.info) not in _PROSE_FENCE_LANGS:
        return False
    inner = sum(1 for line in element.text.splitlines() if _INNER_FENCE.match(line))
    return inner % 2 == 0


def collect(
    elements: list[Element], lines: list[str], *, depth: int = 0, max_depth: int = 3
) -> Collected:
    """Turn the fences among ``elements`` into blocks, drawings and diagnostics."""
    out = Collected()
    excerpt_label: _ExcerptLabel | None = None  # the section's last line-range label
    for index, element in enumerate(elements):
        if element.kind == "heading":
            excerpt_label = None
        elif element.kind == "paragraph":
            excerpt_label = _excerpt_label(element, lines) or excerpt_label
        if element.kind == "code":
            out.code_lines.append((element.start, element.end))
            continue
        if element.kind != "fence":
            continue
        if not element.closed and depth == 0:
            # inside a wrapper, an unclosed fence just ends with the wrapper: not a cut-off
            if _prose_left_open(element):
                out.diagnostics.append(
                    Diagnostic(
                        "unclosed_prose_fence",
                        Severity.INFO,
                        f"```{element.info} block at line {element.start} is never closed, but "
                        "every code block inside it is: an unclosed README, not a cut-off",
                        line=element.start,
                    )
                )
            else:
                out.unclosed.append(element)
        if element.repaired:
            out.diagnostics.append(
                Diagnostic(
                    "nested_fence",
                    Severity.INFO,
                    f"```{element.info} block at lines {element.start}-{element.end} contains its "
                    "own code fences; its end was decided by balancing them",
                    line=element.start,
                )
            )
        info_language = language_from_info(element.info)
        if info_language in _DRAWING_LANGS and is_drawing(element.text):
            out.drawings.append((element.start, parse_drawing(element.text)))
            out.code_lines.append((element.start, element.end))
            continue
        block = _name_block(elements, index, lines, info_language, out)
        if block is None:
            continue
        if block.kind == "wrapper":
            if depth < max_depth:
                inner_lines = element.text.split("\n")
                inner = parse_elements(inner_lines[:-1] if element.text else [], element.start)
                nested = collect(inner, lines, depth=depth + 1, max_depth=max_depth)
                out.blocks.extend(nested.blocks)
                out.drawings.extend(nested.drawings)
                out.diagnostics.extend(nested.diagnostics)
                out.code_lines.extend(nested.code_lines)
                out.code_lines.append((element.start, element.start))
                out.code_lines.append((element.end, element.end))
                out.diagnostics.append(
                    Diagnostic(
                        "markdown_wrapper",
                        Severity.INFO,
                        f"unnamed ```{element.info} block at lines {element.start}-{element.end} "
                        "wraps other code blocks; they were extracted from inside it",
                        line=element.start,
                    )
                )
                continue
            block.kind = "unnamed"
        out.code_lines.append((element.start, element.end))
        if block.kind == "hcl_unnamed" and excerpt_label is not None:
            _continue_excerpt(block, excerpt_label)
        if block.kind == "named" and block.raw_path is not None:
            out.blocks.extend(_split(block, block.raw_path))
        else:
            out.blocks.append(block)
    return out


@dataclass(frozen=True, slots=True)
class _ExcerptLabel:
    path: str
    evidence: NameEvidence
    excerpt: tuple[int, int]


def _excerpt_label(paragraph: Element, lines: list[str]) -> _ExcerptLabel | None:
    """A bold label naming a file and a line range: ``**main.tf** (lines 318-495):``."""
    path = naming.bold_label(paragraph.text)
    excerpt = naming.line_range(paragraph.text)
    if path is None or excerpt is None:
        return None
    line = _line_of(lines, paragraph.start, paragraph.end, path)
    return _ExcerptLabel(
        path, NameEvidence(Convention.BOLD_LABEL, _clip(paragraph.text), line), excerpt
    )


def _continue_excerpt(block: Block, label: _ExcerptLabel) -> None:
    """An unnamed HCL block in the section of a line-range label (``**main.tf** (lines
    318-495):``, then "**Bucket:**" and the block) shows part of that range: name it so."""
    language = language_from_path(label.path)
    if not compatible(language, block.language):
        return
    block.kind = "named"
    block.raw_path = label.path
    block.evidence = label.evidence
    block.excerpt = label.excerpt
    block.language = classify(block.info, block.content, label.path)


def _name_block(
    elements: list[Element],
    index: int,
    lines: list[str],
    info_language: str | None,
    out: Collected,
) -> Block | None:
    element = elements[index]
    fitting = []
    for path, evidence in _candidates(elements, index, lines):
        if compatible(language_from_path(path), info_language):
            fitting.append((path, evidence))
    if fitting:
        path, evidence = fitting[0]
        for other_path, other in fitting[1:]:
            if not _same(other_path, path):
                out.diagnostics.append(
                    Diagnostic(
                        "name_conflict",
                        Severity.INFO,
                        f"block at line {element.start}: {evidence.convention} names {path!r}, "
                        f"{other.convention} names {other_path!r}; using {path!r}",
                        line=element.start,
                    )
                )
                break
        return Block(
            "named",
            element.start,
            element.end,
            element.text,
            element.info,
            classify(element.info, element.text, path),
            element.closed,
            evidence,
            path,
            partial=_is_partial(evidence),
            excerpt=naming.line_range(evidence.text),
        )
    language = classify(element.info, element.text)
    kind: BlockKind = "unnamed"
    if language in ("hcl", "tfvars"):
        kind = "hcl_unnamed"
    elif detect_kind(language, element.text):
        kind = "kind_unnamed"  # a template or CDK/Pulumi program: named by its kind later
    elif language == "markdown" and ("```" in element.text or "~~~" in element.text):
        kind = "wrapper"
    if kind == "unnamed" and language not in _QUIET_UNNAMED:
        out.diagnostics.append(
            Diagnostic(
                "unnamed_block",
                Severity.INFO,
                f"{language} block at lines {element.start}-{element.end} names no file; "
                "not extracted",
                line=element.start,
            )
        )
    return Block(
        kind, element.start, element.end, element.text, element.info, language, element.closed
    )
