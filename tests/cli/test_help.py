"""Every command's --help shows its text as written: Typer renders help as rich markup, where
a bracketed word (``[all]``, ``iac-harness[dask]``) is a style tag and silently vanishes
unless escaped (``\\[all]``)."""

from __future__ import annotations

import re
from collections.abc import Iterator

from rich.text import Text
from typer.testing import CliRunner

from harness.cli import app
from tests.cli.commands import walk_commands

#: the style tags the help texts use on purpose
_STYLE = re.compile(r"\[/?(?:bold|dim|italic|underline|b|i|u)\]")


def _texts(command: object) -> Iterator[tuple[str, str]]:
    for label in ("help", "epilog"):
        text = getattr(command, label, None)
        if text:
            yield label, text
    for param in getattr(command, "params", ()):
        text = getattr(param, "help", None)
        if text:
            yield f"option {param.name}", text


def test_no_help_text_loses_a_bracketed_word_to_rich_markup() -> None:
    lost = []
    commands = walk_commands()
    assert len(commands) > 12  # every command and group was walked
    for path, command in commands:
        for label, text in _texts(command):
            meant = _STYLE.sub("", text).replace("\\[", "[")
            shown = Text.from_markup(text).plain
            if shown != meant:
                lost.append(f"iac-harness {path} ({label}): {text!r}")
    assert not lost, "escape the brackets (\\\\[word]):\n" + "\n".join(lost)


def test_the_help_shows_the_extras_and_defaults_it_names() -> None:
    runner = CliRunner()
    score = runner.invoke(app, ["score", "--help"], env={"COLUMNS": "240"})
    assert score.exit_code == 0 and "'iac-harness[dask]'" in score.output
    curate = runner.invoke(app, ["curate", "--help"], env={"COLUMNS": "240"})
    assert curate.exit_code == 0
    assert "each with the ideal [all]." in curate.output
    assert "(by default they pass every gate)" in curate.output


def test_score_help_fits_an_80_column_terminal_without_cutting_a_word() -> None:
    """rich cuts a word too long for its column with an ellipsis: at 80 columns the options'
    types once took the room of ``terraform-aws-production`` and ``reports/run-<timestamp>``.
    Short metavars (``SECONDS``, ``DIR``) leave it to the help text."""
    shown = CliRunner().invoke(app, ["score", "--help"], env={"COLUMNS": "80"})
    assert shown.exit_code == 0
    assert "terraform-aws-production" in shown.output
    assert "reports/run-<timestamp>" in shown.output
    assert "…" not in shown.output, shown.output


def test_no_help_cuts_a_word_at_80_columns() -> None:
    """Where rich runs out of room it cuts an option's name with an ellipsis
    (``--allow-gate-fai…``): a flag and its opposite side by side, or two spellings of one
    option, took two columns of names. Each option shows one name; the other spelling of a
    pair is accepted without a line of its own."""
    cut = []
    for path, _ in walk_commands():
        shown = CliRunner().invoke(app, [*path.split(), "--help"], env={"COLUMNS": "80"})
        assert shown.exit_code == 0, path
        cut += [f"iac-harness {path}: {line}" for line in shown.output.splitlines() if "…" in line]
    assert not cut, "\n".join(cut)


def test_a_flag_shows_no_value_type() -> None:
    """A flag takes no value: a ``<bool>`` type beside ``--force`` or ``--help`` (as typer
    0.29 prints) says it does, and takes the help text's room at 80 columns."""
    for path, _ in walk_commands():
        shown = CliRunner().invoke(app, [*path.split(), "--help"], env={"COLUMNS": "120"})
        assert shown.exit_code == 0, path
        assert "<bool>" not in shown.output, f"iac-harness {path} --help:\n{shown.output}"
