"""Reports of a scoring run: a reviewer's HTML site, a curator's spreadsheet, SARIF for CI.

Every report is rebuilt from the run folder alone (``harness.store.load_run``), never by
re-scoring. Each format is a module of ``harness/report/formats/`` registered with
``@report_format`` (the rule is in that package's docstring); ``build_reports`` runs the
registered formats, all of them by default. The built-in ones write, inside the run folder::

  report/          html: the site (open report/index.html; works offline from file://)
  report.xlsx      xlsx: Summary, Criteria, Verdicts, Findings, Diagnostics, Rubric, Run
  findings.sarif   sarif: SARIF 2.1.0, failed and partial criteria located in extracted/
  extracted/       the extracted files of every response, which SARIF locations point into
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from harness.collector import sparing_what_is_alive
from harness.report.formats import (
    ReportOptions,
    UnknownFormatError,
    building_with,
    format_names,
    load_formats,
    select_formats,
    sharing_model,
)
from harness.results import RunData
from harness.store import load_run


class ReportPaths(Mapping[str, tuple[Path, ...]]):
    """What each format built wrote, by format name, in build order. ``paths.<name>`` is
    the main path of format ``<name>`` (e.g. ``paths.html`` is the site's index.html), or
    None when that format was not built."""

    def __init__(self, by_format: Mapping[str, Iterable[Path]] | None = None) -> None:
        self._by_format = {name: tuple(paths) for name, paths in (by_format or {}).items()}

    def __getitem__(self, name: str) -> tuple[Path, ...]:
        return self._by_format[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._by_format)

    def __len__(self) -> int:
        return len(self._by_format)

    def __getattr__(self, name: str) -> Path | None:
        if name.startswith("_") or name not in load_formats():
            raise AttributeError(name)
        paths = self._by_format.get(name, ())
        return paths[0] if paths else None

    def __repr__(self) -> str:
        return f"ReportPaths({self._by_format!r})"

    def written(self) -> list[Path]:
        """Every path written, format by format (the HTML index first by default)."""
        return [path for paths in self._by_format.values() for path in paths]


class UnknownResponseError(ValueError):
    """A requested page names no response of the run (the message is one line)."""


def _check_pages(run: RunData, run_dir: Path, pages: Sequence[str]) -> None:
    keys = {result.key for result in run.responses}
    unknown = [key for key in pages if key not in keys]
    if unknown:
        example = next(iter(sorted(keys)), "TASK_ID/RESPONSE_ID")
        raise UnknownResponseError(
            f"{run_dir}: no response {', '.join(unknown)} in this run "
            f"({len(keys):,} responses; a key looks like {example})"
        )


def build_reports(
    run_dir: Path,
    formats: Iterable[str] | None = None,
    *,
    full: bool | None = None,
    pages: Iterable[str] = (),
    run: RunData | None = None,
) -> ReportPaths:
    """Build the named report formats (all registered ones for ``None``) from the run
    folder ``run_dir``; what each wrote. ``full`` True writes every HTML page; None (the
    default) does up to 1,000 responses and, above, the index, the task pages and the
    failing responses' pages. ``pages``: keys (``TASK_ID/RESPONSE_ID``) of responses whose
    HTML pages are written whatever ``full`` says (one response of a large run, on demand).
    ``run``: the folder's whole run, already in memory (as ``iac-harness score`` has it), so
    the folder is not read again.

    Raises ``UnknownFormatError`` (one line, listing the known names) before reading
    anything, ``harness.store.RunFolderError`` (one line, naming the file) when ``run_dir``
    is not a readable run folder, and ``UnknownResponseError`` (one line) when a key of
    ``pages`` names no response of the run.
    """
    if isinstance(formats, str):
        formats = (formats,)
    chosen = select_formats(None if formats is None else list(formats))
    run_dir = Path(run_dir)
    if run is None:
        run = load_run(run_dir)
    pages = tuple(dict.fromkeys(pages))
    if pages:
        _check_pages(run, run_dir, pages)
    options = ReportOptions(full=full, pages=pages)
    written: dict[str, list[Path]] = {}
    with sharing_model(run), building_with(options), sparing_what_is_alive():
        for fmt in chosen:
            written[fmt.name] = fmt.build(run, run_dir)
    return ReportPaths(written)


__all__ = [
    "ReportPaths",
    "UnknownFormatError",
    "UnknownResponseError",
    "build_reports",
    "format_names",
]
