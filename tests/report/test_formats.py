"""The report format registry: a format is one module plus ``@report_format``; the engine
(``build_reports``) and the CLI pick it up by name without being edited."""

from __future__ import annotations

import gc
import importlib
from collections.abc import Iterator
from pathlib import Path

import pytest
from typer.testing import CliRunner

from harness.cli import app
from harness.report import ReportPaths, UnknownFormatError, build_reports
from harness.report.formats import (
    builtin_modules,
    load_formats,
    parse_format_list,
    report_format,
    unregister,
)
from harness.results import RunData
from harness.store import write_run
from tests.report.synthetic import synthetic_run

runner = CliRunner()


def toy(run: RunData, run_dir: Path) -> list[Path]:
    """A toy format: one line per response, read from the run alone."""
    path = run_dir / "toy.txt"
    lines = [f"{r.task_id}/{r.response_id} {r.overall}" for r in run.responses]
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return [path]


@pytest.fixture
def toy_format() -> Iterator[str]:
    report_format("toy", "a line per response", "toy.txt")(toy)
    try:
        yield "toy"
    finally:
        unregister("toy")
    assert "toy" not in load_formats()


def test_the_builtin_formats_are_discovered() -> None:
    formats = load_formats()
    assert {"html", "xlsx", "sarif"} <= set(formats)
    for fmt in formats.values():
        assert fmt.description and "\n" not in fmt.description
        assert fmt.outputs
    assert formats["sarif"].outputs == ("findings.sarif", "extracted/")


def test_every_format_module_registers_a_format() -> None:
    registered = {fmt.module for fmt in load_formats().values()}
    for module in builtin_modules():
        importlib.import_module(module)
        assert module in registered, f"{module} registers no report format"


def test_a_toy_format_is_built_without_editing_the_engine(tmp_path: Path, toy_format: str) -> None:
    run = synthetic_run()
    write_run(tmp_path, run)
    paths = build_reports(tmp_path, [toy_format])
    assert list(paths) == ["toy"] and paths.toy == tmp_path / "toy.txt"
    assert paths.written() == [tmp_path / "toy.txt"]
    lines = (tmp_path / "toy.txt").read_text(encoding="utf-8").splitlines()
    assert len(lines) == len(run.responses)
    assert paths.html is None  # a known format that was not asked for
    assert not (tmp_path / "report").exists() and not (tmp_path / "report.xlsx").exists()


def test_all_formats_by_default_include_a_registered_one(tmp_path: Path, toy_format: str) -> None:
    write_run(tmp_path, synthetic_run())
    paths = build_reports(tmp_path)
    assert set(paths) == set(load_formats()) and "toy" in paths
    assert paths.written()[0] == tmp_path / "report" / "index.html"
    assert (tmp_path / "toy.txt").is_file() and (tmp_path / "findings.sarif").is_file()


def test_the_cli_takes_a_registered_format_by_name(tmp_path: Path, toy_format: str) -> None:
    write_run(tmp_path, synthetic_run())
    result = runner.invoke(app, ["report", str(tmp_path), "--reports", "toy,sarif"])
    assert result.exit_code == 0, result.output
    assert f"toy   {tmp_path / 'toy.txt'}" in result.output
    assert (tmp_path / "findings.sarif").is_file() and not (tmp_path / "report").exists()


def test_an_unknown_name_is_an_error_listing_the_known_ones(tmp_path: Path) -> None:
    with pytest.raises(UnknownFormatError, match=r"'pdf'; known: html, sarif, xlsx$"):
        build_reports(tmp_path, ["html", "pdf"])  # before reading the (empty) folder
    with pytest.raises(UnknownFormatError, match="no report format"):
        parse_format_list(" , ")
    assert parse_format_list("SARIF, html,sarif") == ("sarif", "html")


def test_a_taken_name_cannot_be_registered_twice(toy_format: str) -> None:
    def other(run: RunData, run_dir: Path) -> list[Path]:
        return []

    report_format("toy", "a line per response", "toy.txt")(toy)  # the same function: fine
    with pytest.raises(ValueError, match="already registered"):
        report_format("toy", "another", "other.txt")(other)
    with pytest.raises(ValueError, match="lowercase"):
        report_format("Bad Name", "x", "x")


def test_report_paths_name_only_known_formats() -> None:
    paths = ReportPaths({"html": [Path("report/index.html")]})
    assert paths.html == Path("report/index.html") and paths.sarif is None
    with pytest.raises(AttributeError):
        paths.htlm  # noqa: B018 - a typo is not silently None


def test_formats_are_built_with_the_run_frozen_and_everything_thawed_after(
    tmp_path: Path, toy_format: str
) -> None:
    """The run alive when reports start is out of the collector's walks while formats build
    (``gc.freeze``), and nothing stays frozen afterwards."""
    seen: list[int] = []

    def counting(run: RunData, run_dir: Path) -> list[Path]:
        seen.append(gc.get_freeze_count())
        return toy(run, run_dir)

    unregister(toy_format)
    report_format(toy_format, "a line per response", "toy.txt")(counting)
    run_dir = tmp_path / "run"
    write_run(run_dir, synthetic_run())
    assert gc.get_freeze_count() == 0
    build_reports(run_dir, [toy_format])
    assert seen and seen[0] > 0
    assert gc.get_freeze_count() == 0
