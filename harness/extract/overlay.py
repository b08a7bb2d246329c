"""Multi-turn overlay: what the user has after following every turn so far.

Turn N of a conversation usually answers "it failed, fix it" and rewrites only some files. The
effective tree of turn N is the tree of turn N-1 with N's files replacing whole files of the
same path; files N did not mention are carried over (``Origin.carried_over``) and listed in a
``carried_over`` diagnostic, so nobody mistakes them for N's own work.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from harness.extract.types import ExtractedFile, FileTree
from harness.vocabulary import Diagnostic, Severity

_LISTED = 20  # carried-over paths named in the diagnostic message


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
    for tree in trees:
        for file in tree.files:
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
    diagnostics = list(last.diagnostics)
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
