"""A FileTree as JSON-able data (``extraction.json``): everything but the file contents,
which live on disk next to it."""

from __future__ import annotations

from dataclasses import asdict
from typing import Any

from harness.extract.types import Convention, FileTree
from harness.vocabulary import Diagnostic, Severity

FORMAT_VERSION = 1


def diagnostic_to_dict(diagnostic: Diagnostic) -> dict[str, Any]:
    data = asdict(diagnostic)
    data["severity"] = str(diagnostic.severity)
    data["location"] = diagnostic.location()
    return data


def missing_promised(tree: FileTree) -> tuple[str, ...]:
    """Files a directory drawing promised that the response never wrote."""
    written = set(tree.paths)
    return tuple(path for path in tree.promised_files if path not in written)


def naming_counts(tree: FileTree) -> dict[str, int]:
    """How many files each naming convention named (every convention listed, zeros included)."""
    counts = {str(convention): 0 for convention in Convention}
    for file in tree.files:
        counts[str(file.origin.naming.convention)] += 1
    return counts


def tree_to_dict(tree: FileTree, *, response_id: str = "", view: str = "own") -> dict[str, Any]:
    """The ``extraction.json`` document for one tree."""
    severities = {str(s): 0 for s in Severity}
    for diagnostic in tree.diagnostics:
        severities[str(diagnostic.severity)] += 1
    return {
        "format": FORMAT_VERSION,
        "source": tree.source,
        "response_id": response_id,
        "view": view,
        "truncated": tree.truncated,
        "counts": {
            "files": len(tree.files),
            "naming": naming_counts(tree),
            "promised_files": len(tree.promised_files),
            "missing_promised_files": len(missing_promised(tree)),
            "diagnostics": severities,
        },
        "files": [
            {
                "path": file.path,
                "language": file.language,
                "kind": file.kind,
                "lines": file.content.count("\n") + (0 if file.content.endswith("\n") else 1),
                "bytes": len(file.content.encode("utf-8", errors="replace")),
                "origin": asdict(file.origin),
            }
            for file in tree.files
        ],
        "promised_files": list(tree.promised_files),
        "missing_promised_files": list(missing_promised(tree)),
        "diagnostics": [diagnostic_to_dict(d) for d in tree.diagnostics],
        "prose": [{"start_line": s.start_line, "end_line": s.end_line} for s in tree.prose],
        "reasoning": [{"start_line": s.start_line, "end_line": s.end_line} for s in tree.reasoning],
    }
