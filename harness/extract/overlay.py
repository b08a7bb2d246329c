"""Multi-turn overlay: what the user has after following every turn so far.

Turn N of a conversation usually answers "it failed, fix it" and rewrites only some files. The
effective tree of turn N is the tree of turn N-1 with N's files applied to it; files N did not
mention are carried over (``Origin.carried_over``) and listed in a ``carried_over`` diagnostic,
so nobody mistakes them for N's own work.

A file N writes again either replaces the earlier version whole (``Assembly.REPLACED``) or,
when it is a partial of it, is merged into it by block address (``Assembly.MERGED_BLOCKS``).
The rule for "partial", for HCL files that both split into top-level blocks: N's file lacks
some of the earlier file's blocks, and either elides code (a placeholder line such as
``# ... rest unchanged``), or the response introduces it as a change (a ``partial_file``
diagnostic), or it shows at most half of the earlier file's blocks and shares at least one
address with it. N's blocks replace the earlier blocks of the same address in place, new
addresses are appended, the rest is kept. A full rewrite that drops a few blocks on purpose
shows most of them, so it still replaces the file. A ``merged_blocks`` diagnostic says which
rule applied, and extraction.json lists each file's ``assembly``.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, replace

from harness.extract import naming
from harness.extract.hcl_blocks import TopBlock, top_level_blocks
from harness.extract.types import Assembly, ExtractedFile, FileTree, Piece
from harness.vocabulary import Diagnostic, Severity

_LISTED = 20  # carried-over paths named in the diagnostic message
_ADDRESSES_LISTED = 6
_HCL = frozenset({"hcl"})


@dataclass(frozen=True, slots=True)
class _Merge:
    file: ExtractedFile
    diagnostic: Diagnostic


def _why_partial(
    earlier: Sequence[TopBlock], later: Sequence[TopBlock], file: ExtractedFile, tree: FileTree
) -> str | None:
    """Why ``file`` (a later turn's) is a partial of the earlier file, or None if it is not."""
    before = {b.address for b in earlier}
    after = {b.address for b in later}
    if not later or not before - after:
        return None
    # what extraction already said of the file (placeholder lines, a "change" introduction)
    said = {d.code for d in tree.diagnostics if d.span is not None and d.span.path == file.path}
    if "placeholder" in said:
        return "it elides code with a placeholder"
    if "partial_file" in said:
        return "the response introduces it as a change to the file"
    if before & after and 2 * len(after) <= len(before):
        return f"it shows {len(after)} of the earlier file's {len(before)} blocks"
    return None


def _merge(earlier: ExtractedFile, later: ExtractedFile, tree: FileTree) -> _Merge | None:
    """``later`` merged into ``earlier`` by block address, when ``later`` is a partial."""
    if earlier.language not in _HCL or later.language not in _HCL:
        return None
    old_blocks = top_level_blocks(earlier.content)
    new_blocks = top_level_blocks(later.content)
    if old_blocks is None or new_blocks is None:
        return None
    if any(b.kind not in naming.TERRAFORM_BLOCKS for b in (*old_blocks, *new_blocks)):
        return None  # a nested fragment (``backend``, ``ingress``) has no top-level place
    reason = _why_partial(old_blocks, new_blocks, later, tree)
    if reason is None:
        return None
    old_lines = earlier.content.split("\n")
    new_lines = later.content.split("\n")
    replacing = {b.address: b for b in new_blocks}
    merged: list[str] = []
    pieces: list[Piece] = []

    def place(block: TopBlock) -> None:
        fence = later.origin.response_line(block.first_row + 1)
        count = block.last_row - block.first_row + 1
        if fence is not None:
            pieces.append(
                Piece(len(merged) + 1, count, fence - 1, later.origin.end_line, block.address)
            )
        merged.extend(new_lines[block.first_row : block.last_row + 1])

    cursor = 0
    replaced = 0
    for block in old_blocks:
        merged.extend(old_lines[cursor : block.first_row])
        cursor = block.last_row + 1
        new = replacing.pop(block.address, None)
        if new is None:
            merged.extend(old_lines[block.first_row : cursor])
        else:
            place(new)
            replaced += 1
    merged.extend(old_lines[cursor:])
    while merged and merged[-1] == "":
        merged.pop()
    added = [b for b in new_blocks if b.address in replacing]
    for block in added:
        merged.append("")
        place(block)
    kept = len(old_blocks) - replaced
    names = ", ".join(b.address for b in new_blocks[:_ADDRESSES_LISTED])
    more = ", ..." if len(new_blocks) > _ADDRESSES_LISTED else ""
    who = later.origin.response or "a later turn"
    diagnostic = Diagnostic(
        "merged_blocks",
        Severity.INFO,
        f"{later.path}: {who} shows {len(new_blocks)} of its blocks ({names}{more}) and {reason}; "
        f"merged into the earlier {later.path} by block address: {replaced} replaced, "
        f"{len(added)} added, {kept} kept from {earlier.origin.response or 'an earlier turn'}",
        line=later.origin.start_line,
    )
    origin = replace(later.origin, pieces=tuple(pieces), assembly=Assembly.MERGED_BLOCKS)
    content = "\n".join(merged) + "\n"
    return _Merge(replace(later, content=content, origin=origin), diagnostic)


def overlay(trees: Sequence[FileTree]) -> FileTree:
    """The effective tree of the last of ``trees`` (oldest first).

    Files: the latest version of every path across the turns, in first-appearance order;
    files not written by the last turn have ``carried_over=True``. Diagnostics: the last
    turn's own, plus one ``carried_over`` summary. Promised files: every turn's, in order.
    Prose, reasoning, source and truncation: the last turn's.
    """
    if not trees:
        raise ValueError("overlay() needs at least one tree")
    last = trees[-1]
    if len(trees) == 1:
        return last
    latest: dict[str, ExtractedFile] = {}
    merges: list[Diagnostic] = []
    for tree in trees:
        for file in tree.files:
            earlier = latest.get(file.path)
            merge = None if earlier is None else _merge(earlier, file, tree)
            if merge is not None:
                latest[file.path] = merge.file
                merges.append(merge.diagnostic)
            elif earlier is not None and file.origin.assembly is Assembly.BLOCK:
                latest[file.path] = replace(
                    file, origin=replace(file.origin, assembly=Assembly.REPLACED)
                )
            else:
                latest[file.path] = file
    own = set(last.paths)
    files: list[ExtractedFile] = []
    carried: list[ExtractedFile] = []
    for path, file in latest.items():
        if path in own:
            files.append(file)
        else:
            moved = replace(file, origin=replace(file.origin, carried_over=True))
            files.append(moved)
            carried.append(moved)
    diagnostics = [*last.diagnostics, *merges]
    if carried:
        names = ", ".join(
            f"{f.path} (from {f.origin.response or 'an earlier turn'})" for f in carried[:_LISTED]
        )
        more = f" and {len(carried) - _LISTED} more" if len(carried) > _LISTED else ""
        diagnostics.append(
            Diagnostic(
                "carried_over",
                Severity.INFO,
                f"{len(carried)} file(s) not rewritten by this turn were carried over from "
                f"earlier turns: {names}{more}",
            )
        )
    promised: list[str] = []
    for tree in trees:
        promised.extend(p for p in tree.promised_files if p not in promised)
    return FileTree(
        files=tuple(files),
        diagnostics=tuple(diagnostics),
        promised_files=tuple(promised),
        prose=last.prose,
        reasoning=last.reasoning,
        source=last.source,
        truncated=last.truncated,
    )
