"""The report format registry: each format is one module that registers itself.

The rule for adding a format (the engine, ``build_reports`` and the CLI do not change):

1. Write a module in ``harness/report/formats/`` (not starting with ``_``). Every module
   there is a format module: ``load_formats`` imports them all by listing the package, and
   a test asserts each one registers at least one format.
2. In it, decorate a module-level function ``(run: RunData, run_dir: Path) -> list[Path]``
   with ``@report_format(name, description, outputs)``. ``name`` is what ``--reports``
   takes (lowercase, e.g. ``"sarif"``); ``description`` is one line for the help;
   ``outputs`` are the file(s) it writes, relative to the run folder (a folder ends in
   ``/``). The function writes only inside ``run_dir`` and returns the paths a reader
   opens, the main one first.
3. A format reads the run only (``RunData``, loaded once from the run folder by
   ``build_reports``); it never re-scores, nor imports ``harness.run``, ``harness.grading``
   or ``harness.checks`` internals beyond the types it displays. Import heavy libraries
   inside the function, so listing the formats stays cheap. ``report_model(run)`` gives
   the derived view (ranks, counts, page names) shared by every format of one build.
"""

from __future__ import annotations

import importlib
import pkgutil
import re
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from harness.report.model import ReportModel
from harness.results import RunData

FormatBuilder = Callable[[RunData, Path], list[Path]]
F = TypeVar("F", bound=FormatBuilder)

_NAME = re.compile(r"^[a-z][a-z0-9_-]*$")


@dataclass(frozen=True)
class ReportFormat:
    """A registered report format."""

    name: str
    description: str
    outputs: tuple[str, ...]  # relative to the run folder; a folder ends in "/"
    build: FormatBuilder

    @property
    def module(self) -> str:
        return getattr(self.build, "__module__", "?")


class UnknownFormatError(ValueError):
    """An unknown (or no) report format name; the message is one line naming the known ones."""


_REGISTRY: dict[str, ReportFormat] = {}
_discovered = False


def report_format(name: str, description: str, outputs: str | Sequence[str]) -> Callable[[F], F]:
    """Register a format under ``name``; the function is returned unchanged. Registering a
    second function under a taken name is a programming error."""
    if not _NAME.match(name):
        raise ValueError(f"report format name {name!r}: use lowercase letters, digits, - or _")
    description = " ".join(description.split())
    files = (outputs,) if isinstance(outputs, str) else tuple(outputs)
    if not description or not files:
        raise ValueError(f"report format {name!r}: give a description and its output file(s)")

    def register(func: F) -> F:
        taken = _REGISTRY.get(name)
        if taken is not None and taken.build is not func:
            raise ValueError(f"report format {name!r} is already registered by {taken.module}")
        _REGISTRY[name] = ReportFormat(name, description, files, func)
        return func

    return register


def unregister(name: str) -> None:
    """Forget a format (for tests that register a toy one)."""
    _REGISTRY.pop(name, None)


def builtin_modules() -> list[str]:
    """The format modules of this package, by name (every module not starting with ``_``)."""
    return sorted(
        f"{__name__}.{info.name}"
        for info in pkgutil.iter_modules(__path__)
        if not info.name.startswith("_")
    )


def load_formats() -> dict[str, ReportFormat]:
    """Every registered format by name: the built-in modules (imported once) and any format
    registered since, in registration order."""
    global _discovered
    if not _discovered:
        for module in builtin_modules():
            importlib.import_module(module)
        _discovered = True
    return dict(_REGISTRY)


def format_names() -> tuple[str, ...]:
    return tuple(load_formats())


def select_formats(names: Iterable[str] | None = None) -> tuple[ReportFormat, ...]:
    """The formats named (each once, in the order given), or all of them for ``None``.
    Raises ``UnknownFormatError`` for an unknown name or an empty selection."""
    known = load_formats()
    if names is None:
        return tuple(known.values())
    wanted = list(dict.fromkeys(names))
    listing = ", ".join(sorted(known))
    for name in wanted:
        if name not in known:
            raise UnknownFormatError(f"unknown report format {name!r}; known: {listing}")
    if not wanted:
        raise UnknownFormatError(f"no report format named; known: {listing}")
    return tuple(known[name] for name in wanted)


def parse_format_list(text: str) -> tuple[str, ...]:
    """``"html, sarif"`` -> ``("html", "sarif")``, checked against the registry."""
    names = tuple(part.strip().lower() for part in text.split(",") if part.strip())
    return tuple(f.name for f in select_formats(names))


_shared: ReportModel | None = None


@dataclass(frozen=True)
class ReportOptions:
    """How a ``build_reports`` call wants its formats built (formats read what applies)."""

    #: every page of the HTML site; None: all up to a large run, the failing ones above
    full: bool | None = None
    #: keys (``TASK_ID/RESPONSE_ID``) of responses whose pages are written whatever
    #: ``full`` says
    pages: tuple[str, ...] = ()


_options = ReportOptions()


@contextmanager
def building_with(options: ReportOptions) -> Iterator[None]:
    """Within the block, ``current_options()`` is ``options``."""
    global _options
    previous, _options = _options, options
    try:
        yield
    finally:
        _options = previous


def current_options() -> ReportOptions:
    """The options of the ``build_reports`` call in progress (defaults outside one)."""
    return _options


@contextmanager
def sharing_model(run: RunData) -> Iterator[None]:
    """Within the block, ``report_model(run)`` builds the derived view once for all formats."""
    global _shared
    previous, _shared = _shared, ReportModel(run)
    try:
        yield
    finally:
        _shared = previous


def report_model(run: RunData) -> ReportModel:
    """The derived view of ``run`` (shared within one ``build_reports`` call)."""
    if _shared is not None and _shared.run is run:
        return _shared
    return ReportModel(run)


__all__ = [
    "FormatBuilder",
    "ReportFormat",
    "ReportOptions",
    "UnknownFormatError",
    "building_with",
    "current_options",
    "format_names",
    "load_formats",
    "parse_format_list",
    "report_format",
    "report_model",
    "select_formats",
    "unregister",
]
