"""File-level rules applied once every block has a name: vet each path, infer names for unnamed
HCL, CloudFormation templates and CDK/CDKTF/Pulumi programs (never clashing with a stated
name), keep the later of two blocks with the same path, enforce the block and file-count
limits, drop placeholder-only blocks, report elisions, partial introductions, case-insensitive
collisions and programs that are detected but not graded."""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from harness.extract import naming
from harness.extract.blocks import Block, Collected
from harness.extract.kinds import PROGRAM_TITLES, detect_kind, inferred_name
from harness.extract.limits import ExtractLimits
from harness.extract.paths import UnsafePathError, normalise_path
from harness.extract.types import Assembly, Convention, ExtractedFile, NameEvidence, Origin, Piece
from harness.vocabulary import Diagnostic, Severity, Span

# --- files -----------------------------------------------------------------------------------


def build_files(
    collected: Collected, response_id: str, limits: ExtractLimits, diagnostics: list[Diagnostic]
) -> list[ExtractedFile]:
    named: list[tuple[Block, str]] = []
    for block in collected.blocks:
        if block.kind != "named" or block.raw_path is None:
            continue
        try:
            named.append((block, normalise_path(block.raw_path, limits)))
        except UnsafePathError as error:
            diagnostics.append(
                Diagnostic(
                    "rejected_path",
                    Severity.ERROR,
                    f"block at lines {block.start}-{block.end} names {error.raw!r}, which "
                    f"{error.reason}; not extracted",
                    line=block.evidence.line if block.evidence else block.start,
                )
            )
    taken = {path.casefold() for _, path in named}
    for block in collected.blocks:
        if block.kind not in ("hcl_unnamed", "kind_unnamed"):
            continue
        if block.kind == "kind_unnamed":
            kind = detect_kind(block.language, block.content)
            inferred = inferred_name(kind, block.language, block.content)
            if inferred is not None:
                name, reason = inferred
                path = _dedupe(name, taken)
                taken.add(path.casefold())
                block.evidence = NameEvidence(Convention.INFERRED, reason)
                named.append((block, path))
                diagnostics.append(_inferred(block, path, reason))
            continue
        inferred = naming.infer_hcl_name(block.content)
        if inferred is None:
            if block.content.strip():
                diagnostics.append(
                    Diagnostic(
                        "unnamed_block",
                        Severity.INFO,
                        f"HCL block at lines {block.start}-{block.end} names no file and has no "
                        "top-level Terraform block (a fragment); not extracted",
                        line=block.start,
                    )
                )
            continue
        name, reason = inferred
        path = _dedupe(name, taken)
        taken.add(path.casefold())
        block.evidence = NameEvidence(Convention.INFERRED, reason)
        block.language = "tfvars" if path.endswith(".tfvars") else "hcl"
        named.append((block, path))
        diagnostics.append(_inferred(block, path, reason))
    named.sort(key=lambda item: item[0].start)
    return _apply_file_rules(named, response_id, limits, diagnostics)


def _inferred(block: Block, path: str, reason: str) -> Diagnostic:
    return Diagnostic(
        "inferred_name",
        Severity.INFO,
        f"block at lines {block.start}-{block.end} names no file; called it {path} ({reason})",
        line=block.start,
    )


def _dedupe(name: str, taken: set[str]) -> str:
    if name.casefold() not in taken:
        return name
    stem, dot, suffix = name.partition(".")
    number = 2
    while f"{stem}_{number}{dot}{suffix}".casefold() in taken:
        number += 1
    return f"{stem}_{number}{dot}{suffix}"


def _apply_file_rules(
    named: list[tuple[Block, str]],
    response_id: str,
    limits: ExtractLimits,
    diagnostics: list[Diagnostic],
) -> list[ExtractedFile]:
    by_path: dict[str, ExtractedFile] = {}
    excerpts = _excerpt_groups(named)
    for block, path in named:
        if path in excerpts:
            if path in by_path or not excerpts[path]:
                continue  # joined at its first block
            joined = _joined(path, excerpts[path], response_id, limits, diagnostics)
            excerpts[path] = []
            if joined is None:
                continue
            file = joined
        elif not _keep_content(block, path, limits, diagnostics):
            continue
        else:
            assert block.evidence is not None
            origin = Origin(
                start_line=block.start,
                end_line=block.end,
                naming=block.evidence,
                info_string=block.info,
                response=response_id,
            )
            file = ExtractedFile(path, _ending(block.content), block.language, origin)
        previous = by_path.pop(path, None)
        if previous is not None:
            diagnostics.append(
                Diagnostic(
                    "duplicate_path",
                    Severity.WARNING,
                    f"{path} is written twice: lines {previous.origin.start_line}-"
                    f"{previous.origin.end_line} and {block.start}-{block.end}; the later "
                    "block is kept",
                    line=block.start,
                )
            )
        elif len(by_path) >= limits.max_files:
            diagnostics.append(
                Diagnostic(
                    "size_limit",
                    Severity.ERROR,
                    f"more than {limits.max_files} files; {path} (line {block.start}) and later "
                    "files were dropped",
                    line=block.start,
                )
            )
            break
        by_path[path] = file
        if block.partial:
            diagnostics.append(
                Diagnostic(
                    "partial_file",
                    Severity.INFO,
                    f"{path} (line {block.start}) is introduced as a change to the file "
                    f"({file.origin.naming.text!r}); it may not be the whole file",
                    line=block.start,
                    span=Span(path, 1),
                )
            )
    files = sorted(by_path.values(), key=lambda f: f.origin.start_line)
    diagnostics.extend(_case_collisions(files))
    return files


def _ending(content: str) -> str:
    return content if content.endswith("\n") else content + "\n"


def _excerpt_groups(named: list[tuple[Block, str]]) -> dict[str, list[Block]]:
    """Paths shown as several blocks that are all labelled with line ranges that do not
    overlap (``**main.tf** (lines 1-25):``, ``(lines 27-95):`` ...): excerpts of one file, in
    line order (blocks under one label keep their order). Overlapping ranges are versions of
    the same lines, not excerpts: the later block is kept, as for any path written twice."""
    by_path: dict[str, list[Block]] = {}
    for block, path in named:
        by_path.setdefault(path, []).append(block)
    groups: dict[str, list[Block]] = {}
    for path, blocks in by_path.items():
        ranges = sorted({b.excerpt for b in blocks if b.excerpt is not None})
        if len(blocks) < 2 or any(b.excerpt is None for b in blocks) or len(ranges) < 2:
            continue
        if any(earlier[1] >= later[0] for earlier, later in itertools.pairwise(ranges)):
            continue
        groups[path] = sorted(blocks, key=lambda b: (b.excerpt or (0, 0), b.start))
    return groups


_GAPS_LISTED = 5


def _joined(
    path: str,
    excerpts: list[Block],
    response_id: str,
    limits: ExtractLimits,
    diagnostics: list[Diagnostic],
) -> ExtractedFile | None:
    """One file from its labelled excerpts, each a ``Piece`` that maps its lines back to
    the response (None when no excerpt holds more than a placeholder)."""
    pieces: list[Piece] = []
    parts: list[str] = []
    blocks: list[Block] = []
    next_line = 1
    for block in excerpts:
        if not _keep_content(block, path, limits, diagnostics, first_line=next_line):
            continue
        blocks.append(block)
        content = _ending(block.content)
        count = content.count("\n")
        first, last = block.excerpt or (0, 0)
        pieces.append(Piece(next_line, count, block.start, block.end, f"lines {first}-{last}"))
        parts.append(content)
        next_line += count
    if not blocks:
        return None
    opening = min(blocks, key=lambda b: b.start)
    assert opening.evidence is not None
    origin = Origin(
        start_line=opening.start,
        end_line=max(b.end for b in blocks),
        naming=opening.evidence,
        info_string=opening.info,
        response=response_id,
        pieces=tuple(pieces),
        assembly=Assembly.EXCERPTS,
    )
    ranges = sorted({b.excerpt for b in blocks if b.excerpt is not None})
    diagnostics.append(
        Diagnostic(
            "excerpts_joined",
            Severity.INFO,
            f"{path} is shown as {len(blocks)} blocks labelled with line ranges "
            f"({', '.join(f'{a}-{z}' for a, z in ranges[:_GAPS_LISTED])}"
            f"{', ...' if len(ranges) > _GAPS_LISTED else ''}); joined in line order into one "
            "file",
            line=opening.start,
        )
    )
    gaps = [
        (earlier[1] + 1, later[0] - 1)
        for earlier, later in itertools.pairwise(ranges)
        if later[0] - earlier[1] > 2  # one skipped line is the blank between two excerpts
    ]
    if ranges[0][0] > 2:
        gaps.insert(0, (1, ranges[0][0] - 1))
    if gaps:
        shown = ", ".join(f"{a}-{z}" for a, z in gaps[:_GAPS_LISTED])
        more = f" and {len(gaps) - _GAPS_LISTED} more" if len(gaps) > _GAPS_LISTED else ""
        diagnostics.append(
            Diagnostic(
                "excerpt_gaps",
                Severity.INFO,
                f"{path}: lines {shown}{more} of the file are not shown by any excerpt; the "
                "file is incomplete",
                line=opening.start,
            )
        )
    return ExtractedFile(path, "".join(parts), opening.language, origin)


def _keep_content(
    block: Block,
    path: str,
    limits: ExtractLimits,
    diagnostics: list[Diagnostic],
    *,
    first_line: int = 1,
) -> bool:
    """Whether the block is worth a file (within the size limit, more than a placeholder);
    ``first_line`` is the file line its content starts at (an excerpt's place in its file)."""
    size = len(block.content.encode("utf-8", errors="replace"))
    if size > limits.max_block_bytes:
        diagnostics.append(
            Diagnostic(
                "size_limit",
                Severity.ERROR,
                f"{path} (lines {block.start}-{block.end}) is {size} bytes, over the "
                f"{limits.max_block_bytes}-byte block limit; not extracted",
                line=block.start,
            )
        )
        return False
    content_lines = block.content.split("\n")
    placeholders = [i for i, line in enumerate(content_lines) if naming.is_placeholder(line)]
    if len(placeholders) == sum(1 for line in content_lines if line.strip()):
        diagnostics.append(
            Diagnostic(
                "placeholder_only",
                Severity.WARNING,
                f"{path} (lines {block.start}-{block.end}) holds nothing but a placeholder "
                "(or nothing at all); not extracted",
                line=block.start,
            )
        )
        return False
    if placeholders:
        first = placeholders[0] + 1
        diagnostics.append(
            Diagnostic(
                "placeholder",
                Severity.INFO,
                f"{path} elides code ({len(placeholders)} placeholder line(s) such as "
                f"{block.content.split(chr(10))[first - 1].strip()!r}); the file is incomplete",
                line=block.start + first,
                span=Span(path, first_line - 1 + first),
            )
        )
    return True


def _case_collisions(files: list[ExtractedFile]) -> list[Diagnostic]:
    seen: dict[str, ExtractedFile] = {}
    found = []
    for file in files:
        key = file.path.casefold()
        other = seen.get(key)
        if other is not None:
            found.append(
                Diagnostic(
                    "case_collision",
                    Severity.WARNING,
                    f"{file.path} and {other.path} differ only in case; they collide on "
                    "case-insensitive file systems",
                    line=file.origin.start_line,
                )
            )
        else:
            seen[key] = file
    return found


NOT_GRADED = "not_graded"
_LANGUAGE_TITLES = {"typescript": "TypeScript", "javascript": "JavaScript", "python": "Python"}


def not_graded(files: Sequence[ExtractedFile]) -> list[Diagnostic]:
    """One warning per recognised but ungraded kind of program among ``files``: the response
    is not scored as empty or as broken Terraform, and the reader is told why."""
    by_kind: dict[str, list[ExtractedFile]] = {}
    for file in files:
        if file.kind in PROGRAM_TITLES:
            by_kind.setdefault(file.kind, []).append(file)
    found = []
    for kind, held in by_kind.items():
        languages = sorted({_LANGUAGE_TITLES.get(f.language, f.language) for f in held})
        paths = ", ".join(f.path for f in held[:5]) + (
            f" (+{len(held) - 5} more)" if len(held) > 5 else ""
        )
        found.append(
            Diagnostic(
                NOT_GRADED,
                Severity.WARNING,
                f"{PROGRAM_TITLES[kind]} ({', '.join(languages)}) code in {paths}: detected, "
                "not graded (the harness grades Terraform and CloudFormation)",
                line=held[0].origin.start_line,
            )
        )
    return found
