"""No regular expression of the harness backtracks on hostile input.

``benchmarks/regex_audit.py`` runs every compiled pattern of the package (and the tone
lexicon's) on attack strings of 20,000 characters built from its own characters. Before this
audit, eight patterns took from seconds to hours on such input (a run of blank lines, a line
of ``#``, a long word); each is now linear or its caller bounds the input. This test fails
when any pattern needs more than 2 s there (linear ones need milliseconds), or hangs.
The inputs that used to be slow are kept below as examples, each checked for its result."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from harness.checks.common import suites
from harness.checks.reliability import backend, version
from harness.extract import languages, naming
from harness.terraform import expressions, syntax

AUDIT = Path(__file__).resolve().parents[2] / "benchmarks" / "regex_audit.py"


def test_every_pattern_is_fast_on_its_attacks() -> None:
    done = subprocess.run(
        [sys.executable, AUDIT, "--size", "20000", "--budget", "20", "--slow", "2"],
        capture_output=True,
        text=True,
        timeout=900,
        check=True,
    )
    summary = json.loads(done.stdout.strip().splitlines()[-1])
    assert summary["patterns"] > 100
    assert summary["slow"] == [], summary["slow"]


BLANKS = "\n" * 50_000


def test_runs_of_blank_lines() -> None:
    """``^\\s*`` under MULTILINE crossed every blank line from every line start."""
    assert suites._TFTEST_UNIT.search(BLANKS + "x") is None
    assert suites._TFTEST_RUN.search(BLANKS + 'run "a" {') is not None
    assert backend._COMMENTED_BACKEND.search(BLANKS + '# backend "s3" {}').start() == 50_000
    assert languages._HCL_BLOCK.search(BLANKS + "locals {") is not None


def test_long_runs_of_one_character() -> None:
    assert version._UPPER_BOUND.search(" " * 50_000 + "\x00") is None
    assert version._UPPER_BOUND.search(" = 1.2.3 ") is not None
    assert expressions._DOTTED.search("a" * 50_000 + "\x00") is None
    assert expressions._DOTTED.fullmatch("var.region") is not None
    assert syntax._POSITION.match("x" * 50_000) is None


def test_long_comment_lines_are_bounded() -> None:
    assert not naming.is_placeholder("# " * 50_000)
    assert naming.is_placeholder("# ... rest of the configuration unchanged")


def test_many_headings_before_a_block_are_walked_once() -> None:
    """100k headings before one code block took minutes (each heading re-scanned the
    stretch between it and the block); now one walk. The naming rule is unchanged."""
    from harness.extract import extract

    headings = "".join(f"## step {i}\n" for i in range(100_000))
    tree = extract(f"## main.tf\n\n{headings}```hcl\nlocals {{}}\n```\n", response_id="r")
    assert tree.paths == ("main.tf",)
    named = extract(f"{headings}## variables.tf\n```hcl\nlocals {{}}\n```\n", response_id="r")
    assert named.paths == ("variables.tf",)
