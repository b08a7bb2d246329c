"""Writing a tree to disk without ever touching anything outside the output directory.

Every path is re-vetted (a FileTree can be built by anyone), every directory is entered with
``O_NOFOLLOW`` relative to its parent's descriptor (``openat``), and every file is created the
same way, so neither ``..`` nor a symlink planted inside the output directory can redirect a
write. A symlink found where a file or directory should be is removed (never followed) and
replaced by a real one.
"""

from __future__ import annotations

import contextlib
import errno
import os
import stat
from pathlib import Path

from harness.extract.limits import DEFAULT_LIMITS, ExtractLimits
from harness.extract.paths import UnsafePathError, normalise_path
from harness.extract.types import FileTree

_DIR_FLAGS = os.O_RDONLY | getattr(os, "O_DIRECTORY", 0) | getattr(os, "O_NOFOLLOW", 0)
_FILE_FLAGS = (
    os.O_WRONLY
    | os.O_CREAT
    | os.O_TRUNC
    | getattr(os, "O_NOFOLLOW", 0)
    | getattr(os, "O_BINARY", 0)
)
_OPENAT = os.open in os.supports_dir_fd and os.mkdir in os.supports_dir_fd


class WriteError(OSError):
    """Some files could not be written; the others were. ``failures`` maps path -> reason."""

    def __init__(self, failures: dict[str, str]) -> None:
        first = next(iter(failures.items()))
        more = f" (and {len(failures) - 1} more)" if len(failures) > 1 else ""
        super().__init__(f"could not write {first[0]}: {first[1]}{more}")
        self.failures = failures


def write_tree(
    tree: FileTree, out_dir: Path, *, limits: ExtractLimits = DEFAULT_LIMITS
) -> list[Path]:
    """Write every file of ``tree`` under ``out_dir`` (created if missing); return the paths
    written. Files that cannot be written safely are skipped and reported together in a
    :class:`WriteError` raised after all the others were written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    failures: dict[str, str] = {}
    for file in tree.files:
        try:
            path = normalise_path(file.path, limits)
            if path != file.path:
                raise UnsafePathError(file.path, "is not in normal form")
            data = file.content.encode("utf-8", errors="replace")
            if _OPENAT:
                _write_at(out_dir, path.split("/"), data)
            else:  # pragma: no cover - platforms without openat (Windows)
                _write_checked(out_dir, path.split("/"), data)
        except (UnsafePathError, OSError) as error:
            failures[file.path] = str(error.reason if isinstance(error, UnsafePathError) else error)
            continue
        written.append(out_dir / path)
    if failures:
        raise WriteError(failures)
    return written


def _write_at(root: Path, parts: list[str], data: bytes) -> None:
    fd = os.open(root, _DIR_FLAGS)
    try:
        for part in parts[:-1]:
            fd = _enter(fd, part)
        _replace_symlink(fd, parts[-1])
        handle = os.open(parts[-1], _FILE_FLAGS, 0o644, dir_fd=fd)
        with os.fdopen(handle, "wb") as stream:
            stream.write(data)
    finally:
        os.close(fd)


def _enter(parent: int, name: str) -> int:
    """Open (creating if needed) directory ``name`` inside ``parent``; close ``parent``."""
    try:
        _replace_symlink(parent, name)
        with contextlib.suppress(FileExistsError):
            os.mkdir(name, 0o755, dir_fd=parent)
        return os.open(name, _DIR_FLAGS, dir_fd=parent)
    finally:
        os.close(parent)


def _replace_symlink(parent: int, name: str) -> None:
    try:
        info = os.stat(name, dir_fd=parent, follow_symlinks=False)
    except FileNotFoundError:
        return
    if stat.S_ISLNK(info.st_mode):
        os.unlink(name, dir_fd=parent)


def _write_checked(root: Path, parts: list[str], data: bytes) -> None:  # pragma: no cover
    """Fallback without openat: check each component with lstat before using it."""
    current = root
    for part in parts[:-1]:
        current = current / part
        if current.is_symlink():
            current.unlink()
        current.mkdir(exist_ok=True)
    target = current / parts[-1]
    if target.is_symlink():
        target.unlink()
    if not target.resolve().is_relative_to(root.resolve()):
        raise OSError(errno.EPERM, "resolves outside the output directory")
    with open(target, "wb") as stream:
        stream.write(data)
