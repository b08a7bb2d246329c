"""``extract()``: one markdown response -> the :class:`FileTree` it describes.

Pipeline: read and normalise the text; split off a reasoning trace; parse the answer into
elements (:mod:`.markdown`); name the blocks (:mod:`.blocks`); vet every path (:mod:`.paths`);
infer names for unnamed HCL; then apply the file-level rules (later duplicate wins, placeholder
and size limits, case collisions), read the promised files from directory drawings, and collect
prose, conflict markers and truncation.

Diagnostic codes (stage ``extract``; ``line`` is the response line):
  error    rejected_path (unsafe name; block dropped), size_limit (response/block/file count)
  warning  truncated (fence never closed), duplicate_path (later block kept), case_collision,
           conflict_markers, placeholder_only (block dropped), unfenced_code, decode_error
  info     inferred_name, unnamed_block, name_conflict, partial_file, placeholder (elided code),
           nested_fence (```markdown end re-decided), markdown_wrapper, reasoning_unterminated;
           carried_over comes from :func:`harness.extract.overlay`.
"""

from __future__ import annotations

import re
from pathlib import Path

from harness.extract.blocks import Block, Collected, collect
from harness.extract.drawings import Drawing
from harness.extract.limits import DEFAULT_LIMITS, ExtractLimits
from harness.extract.markdown import Element, parse_elements, split_reasoning
from harness.extract.paths import UnsafePathError, normalise_path
from harness.extract.rules import build_files, not_graded
from harness.extract.source import SourceText, normalise, read
from harness.extract.types import (
    ExtractedFile,
    FileTree,
    TextSpan,
)
from harness.vocabulary import Diagnostic, Severity, Span

_HCL_OPENER = re.compile(
    r"^(resource|data)\s+\"[^\"]+\"\s+\"[^\"]+\"\s*\{|^(variable|output|module|provider)\s+"
    r"\"[^\"]+\"\s*\{|^(terraform|locals)\s*\{",
    re.MULTILINE,
)
_CONFLICT_START = re.compile(r"^<{7}(\s|$)")
_CONFLICT_END = re.compile(r"^>{7}(\s|$)")


def extract(
    source: str | Path,
    *,
    response_id: str = "",
    limits: ExtractLimits = DEFAULT_LIMITS,
) -> FileTree:
    """Extract the file tree from a markdown response.

    ``source`` is a :class:`~pathlib.Path` to read (UTF-8; BOM, CRLF and invalid bytes are
    tolerated) or the markdown text itself. ``response_id`` is recorded in every file's origin
    (default: the file stem for a path). Never raises on content; an unreadable path raises
    ``OSError``.
    """
    if isinstance(source, Path):
        text = read(source, limits)
        origin_name = response_id or source.stem
        source_name = str(source)
    else:
        text = normalise(source, limits)
        origin_name = response_id
        source_name = ""
    return _extract_text(text, origin_name, source_name, limits)


def _extract_text(
    source: SourceText, response_id: str, source_name: str, limits: ExtractLimits
) -> FileTree:
    lines = list(source.lines)
    diagnostics: list[Diagnostic] = list(source.diagnostics)
    sections = split_reasoning(lines)
    reasoning: tuple[TextSpan, ...] = ()
    if sections.reasoning is not None:
        first, last = sections.reasoning
        reasoning = (TextSpan(first, last, "\n".join(lines[first - 1 : last]).strip("\n")),)
    if sections.unterminated_trace:
        diagnostics.append(
            Diagnostic(
                "reasoning_unterminated",
                Severity.INFO,
                "response opens with a reasoning trace but has no '### Answer' heading; "
                "the whole response was treated as the answer",
                line=1,
            )
        )
    answer_base = sections.answer_start - 1
    answer_lines = lines[answer_base:]
    elements = parse_elements(answer_lines, answer_base, max_repairs=limits.max_fence_repairs)
    collected = collect(elements, lines, max_depth=limits.max_wrapper_depth)
    if not any(element.kind == "fence" for element in elements):
        unfenced = _unfenced_block(answer_lines, answer_base)
        if unfenced is not None:
            collected = _collect_unfenced(unfenced, lines)
            diagnostics.append(
                Diagnostic(
                    "unfenced_code",
                    Severity.WARNING,
                    "response has no code fences but is Terraform code; the whole answer was "
                    "taken as one file",
                    line=unfenced.start + 1,
                )
            )
    diagnostics.extend(collected.diagnostics)
    files = build_files(collected, response_id, limits, diagnostics)
    diagnostics.extend(not_graded(files))
    promised = _promised(collected.drawings, files, limits, diagnostics)
    diagnostics.extend(_conflict_markers(lines, files))
    truncated = _truncation(collected.unclosed, collected.blocks, diagnostics)
    prose = _prose(lines, sections.answer_start, collected.code_lines)
    diagnostics.sort(key=lambda d: d.line if d.line is not None else 0)
    return FileTree(
        files=tuple(files),
        diagnostics=tuple(diagnostics),
        promised_files=promised,
        prose=prose,
        reasoning=reasoning,
        source=source_name,
        truncated=truncated,
    )


# --- unfenced responses ----------------------------------------------------------------------


def _unfenced_block(answer_lines: list[str], base: int) -> Element | None:
    """A response with no fences at all that is plainly Terraform (two or more blocks)."""
    body = "\n".join(answer_lines)
    if len(_HCL_OPENER.findall(body)) < 2:
        return None
    return Element("fence", base, base + len(answer_lines), body + "\n", closed=True)


def _collect_unfenced(element: Element, lines: list[str]) -> Collected:
    out = collect([element], lines)
    out.code_lines = [(element.start + 1, element.end)]
    return out


# --- promised files, markers, truncation, prose ----------------------------------------------


def _promised(
    drawings: list[tuple[int, Drawing]],
    files: list[ExtractedFile],
    limits: ExtractLimits,
    diagnostics: list[Diagnostic],
) -> tuple[str, ...]:
    """Files drawn in directory trees. A drawing's root folder is kept only when the written
    files use it too (``lib/main.tf`` drawn under ``lib/``); else it is the project folder."""
    extracted = {f.path for f in files}
    promised: list[str] = []
    for line, drawing in drawings:
        with_root = [f"{drawing.root}/{p}" for p in drawing.files] if drawing.root else []
        keep_root = bool(with_root) and sum(p in extracted for p in with_root) > sum(
            p in extracted for p in drawing.files
        )
        for raw in with_root if keep_root else drawing.files:
            try:
                path = normalise_path(raw, limits)
            except UnsafePathError as error:
                diagnostics.append(
                    Diagnostic(
                        "rejected_path",
                        Severity.INFO,
                        f"directory drawing at line {line} lists {error.raw!r}, which "
                        f"{error.reason}; ignored",
                        line=line,
                    )
                )
                continue
            if path not in promised:
                promised.append(path)
    return tuple(promised)


def _conflict_markers(lines: list[str], files: list[ExtractedFile]) -> list[Diagnostic]:
    found: list[Diagnostic] = []
    for number, line in enumerate(lines, start=1):
        if line[:1] not in ("<", ">") or not (
            _CONFLICT_START.match(line) or _CONFLICT_END.match(line)
        ):
            continue
        if found and found[-1].line is not None and _CONFLICT_END.match(line):
            start = found[-1].line
            if all(not _CONFLICT_START.match(lines[n - 1]) for n in range(start + 1, number)):
                continue  # the end of a marker group already reported
        owner = next((f for f in files if f.origin.start_line < number <= f.origin.end_line), None)
        span = Span(owner.path, number - owner.origin.start_line) if owner else None
        where = f" inside {owner.path}" if owner else ""
        found.append(
            Diagnostic(
                "conflict_markers",
                Severity.WARNING,
                f"git conflict markers at line {number}{where}: the response contains an "
                "unresolved merge",
                line=number,
                span=span,
            )
        )
    return found


def _truncation(
    unclosed: list[Element], blocks: list[Block], diagnostics: list[Diagnostic]
) -> bool:
    for element in unclosed:
        owner = next((b for b in blocks if b.start <= element.start <= b.end), None)
        what = f" ({owner.raw_path})" if owner is not None and owner.raw_path else ""
        diagnostics.append(
            Diagnostic(
                "truncated",
                Severity.WARNING,
                f"code block opened at line {element.start}{what} is never closed: the response "
                "ends inside it (likely cut off); its content up to the end was kept",
                line=element.start,
            )
        )
    return bool(unclosed)


def _prose(
    lines: list[str], answer_start: int, code_lines: list[tuple[int, int]]
) -> tuple[TextSpan, ...]:
    covered = bytearray(len(lines) + 2)
    for first, last in code_lines:
        for number in range(max(first, 1), min(last, len(lines)) + 1):
            covered[number] = 1
    spans: list[TextSpan] = []
    start: int | None = None
    for number in range(answer_start, len(lines) + 2):
        inside = number <= len(lines) and not covered[number]
        if inside and start is None:
            start = number
        elif not inside and start is not None:
            spans.extend(_trimmed(lines, start, number - 1))
            start = None
    return tuple(spans)


def _trimmed(lines: list[str], first: int, last: int) -> list[TextSpan]:
    while first <= last and not lines[first - 1].strip():
        first += 1
    while last >= first and not lines[last - 1].strip():
        last -= 1
    if first > last:
        return []
    return [TextSpan(first, last, "\n".join(lines[first - 1 : last]))]
