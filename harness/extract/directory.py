"""A Terraform tree on disk (a reference solution, a bundled sample) as a :class:`FileTree`.

Files get ``Origin(start_line=0, end_line=<line count>, naming=DISK)``: with no response around
them, ``origin.response_line(n)`` is simply ``n``, the line in the file itself, so diagnostics
and findings keep one shape whether the code came from a response or from disk.
"""

from __future__ import annotations

import os
from pathlib import Path

from harness.extract.languages import classify
from harness.extract.limits import DEFAULT_LIMITS, ExtractLimits
from harness.extract.paths import UnsafePathError, normalise_path
from harness.extract.types import Convention, ExtractedFile, FileTree, NameEvidence, Origin
from harness.vocabulary import Diagnostic, Severity

_SKIP_DIRS = {".terraform", "node_modules", "__pycache__"}
_SNIFF = 8192


def tree_from_directory(path: Path, *, limits: ExtractLimits = DEFAULT_LIMITS) -> FileTree:
    """Read every text file under ``path`` (sorted by path; hidden and ``.terraform`` folders,
    symlinks and binary files skipped; size limits applied with diagnostics).

    Raises ``NotADirectoryError``/``FileNotFoundError`` when ``path`` is not a directory.
    """
    if not path.is_dir():
        raise NotADirectoryError(f"{path}: not a directory")
    files: list[ExtractedFile] = []
    diagnostics: list[Diagnostic] = []
    total = 0
    for file_path in _walk(path):
        relative = file_path.relative_to(path).as_posix()
        try:
            safe = normalise_path(relative, limits)
        except UnsafePathError as error:
            diagnostics.append(_info("rejected_path", f"{relative}: {error.reason}; skipped"))
            continue
        size = file_path.stat().st_size
        if size > limits.max_block_bytes:
            diagnostics.append(
                Diagnostic(
                    "size_limit",
                    Severity.ERROR,
                    f"{safe} is {size} bytes, over the {limits.max_block_bytes}-byte limit; "
                    "skipped",
                )
            )
            continue
        if total + size > limits.max_response_bytes or len(files) >= limits.max_files:
            diagnostics.append(
                Diagnostic(
                    "size_limit",
                    Severity.ERROR,
                    f"directory exceeds the size or file-count limit at {safe}; later files "
                    "skipped",
                )
            )
            break
        data = file_path.read_bytes()
        if b"\x00" in data[:_SNIFF]:
            diagnostics.append(_info("binary_file", f"{safe} is binary; skipped"))
            continue
        try:
            content = data.decode("utf-8")
        except UnicodeDecodeError:
            diagnostics.append(_info("binary_file", f"{safe} is not UTF-8 text; skipped"))
            continue
        content = content.removeprefix("\ufeff").replace("\r\n", "\n")
        total += size
        line_count = content.count("\n") + (0 if content.endswith("\n") or not content else 1)
        origin = Origin(
            start_line=0,
            end_line=line_count,
            naming=NameEvidence(Convention.DISK, safe),
            response=str(path),
        )
        language = classify("", content, safe)
        files.append(ExtractedFile(safe, content, language, origin))
    return FileTree(files=tuple(files), diagnostics=tuple(diagnostics), source=str(path))


def _walk(root: Path) -> list[Path]:
    found: list[Path] = []
    for directory, subdirs, names in os.walk(root, followlinks=False):
        subdirs[:] = sorted(d for d in subdirs if not d.startswith(".") and d not in _SKIP_DIRS)
        for name in sorted(names):
            candidate = Path(directory) / name
            if name.startswith(".") or candidate.is_symlink() or not candidate.is_file():
                continue
            found.append(candidate)
    return sorted(found, key=lambda p: p.relative_to(root).as_posix())


def _info(code: str, message: str) -> Diagnostic:
    return Diagnostic(code, Severity.INFO, message)
