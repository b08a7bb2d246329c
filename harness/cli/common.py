"""Helpers shared by CLI commands: one-line errors and the consoles."""

from __future__ import annotations

import tempfile
from pathlib import Path
from typing import TYPE_CHECKING, NoReturn

import typer
from rich.console import Console
from rich.markup import escape

if TYPE_CHECKING:
    from harness.results import RunData

console = Console()
err_console = Console(stderr=True)


def fail(message: str, code: int = 2) -> NoReturn:
    """Print a one-line error (``iac-harness: error: ...``) and exit non-zero."""
    err_console.print(
        f"[bold red]iac-harness: error:[/bold red] {escape(message)}",
        highlight=False,
        soft_wrap=True,
    )
    raise typer.Exit(code)


def _first_file_above(path: Path) -> Path | None:
    """The nearest existing ancestor of ``path`` that is not a folder (``FILE`` in FILE/sub)."""
    for parent in path.parents:
        if parent.exists():
            return None if parent.is_dir() else parent
    return None


def _probe_writable(folder: Path, subject: Path, what: str) -> None:
    """Fail unless a file can be created in ``folder``: ``os.access`` says yes to root even
    where writes fail (read-only mounts, /proc, /sys), so actually try."""
    try:
        with tempfile.NamedTemporaryFile(dir=folder, prefix=".iac-harness-probe-"):
            pass
    except OSError as error:
        reason = error.strerror or str(error)
        if folder == subject:
            fail(f"{subject}: the {what} is not writable ({reason})")
        fail(f"{subject}: cannot write the {what}: {folder} is not writable ({reason})")


def output_folder(path: Path, *, what: str = "output folder") -> Path:
    """Create ``path`` as a writable folder, or exit 2 with one line naming why it cannot be
    (checked before any work, so a bad --out never costs a scoring run or a traceback)."""
    if path.exists() and not path.is_dir():
        fail(f"{path}: exists and is not a folder (the {what} must be a folder)")
    blocker = _first_file_above(path)
    if blocker is not None:
        fail(f"{path}: cannot create the {what}: {blocker} is a file, not a folder")
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{path}: cannot create the {what} ({error.strerror or error})")
    _probe_writable(path, path, what)
    return path


def output_file(path: Path, *, force: bool, what: str = "output file") -> Path:
    """Check that ``path`` can be written as a file (its folder is created), or exit 2 with
    one line naming ``path``; an existing file is kept unless ``force``."""
    if path.is_dir():
        fail(f"{path}: is a folder (the {what} must be a file path)")
    blocker = _first_file_above(path)
    if blocker is not None:
        fail(f"{path}: cannot create the {what}: {blocker} is a file, not a folder")
    if path.exists() and not force:
        fail(f"{path}: exists (use --force to overwrite)")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        fail(f"{path}: cannot create the folder of the {what} ({error.strerror or error})")
    _probe_writable(path.parent, path, what)
    return path


def load_run_folder(path: Path) -> RunData:
    """The run folder at ``path``, or exit 2 with one line naming the file (and line) that
    makes it unreadable."""
    from harness.store import RunFolderError, load_run

    if not path.is_dir():
        fail(f"{path}: no such folder (expected a run folder)")
    try:
        return load_run(path)
    except RunFolderError as exc:
        fail(str(exc))
    except OSError as exc:
        fail(f"{exc.filename or path}: {exc.strerror or exc}")
