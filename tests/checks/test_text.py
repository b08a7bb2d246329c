"""``Lines.candidates``: searching only the lines that hold a literal finds what a search of
every line finds."""

from __future__ import annotations

import re

from hypothesis import example, given, settings
from hypothesis import strategies as st

from harness.checks.common.text import Lines, Searched

#: Patterns with their literals: case-sensitive, ignoring case (literal in lower case), one
#: whose literal is not lower case and one with a non-ASCII literal (neither can guide).
PATTERNS = [
    Searched(re.compile(r"\bkey\s*=\s*\d+"), ("key",)),
    Searched(re.compile(r"(?<![\w-])ab(?:c|d)(?![\w-])", re.IGNORECASE), ("abc", "abd")),
    Searched(re.compile(r"abc", re.IGNORECASE), ("ABC",)),
    Searched(re.compile(r"\u017fx", re.IGNORECASE), ("\u017fx",)),
    Searched(re.compile(r"k\d")),
]
PIECES = (
    "key", "KEY", " = ", "=", "1", "42", "abc", "ABD", "xabc", "-abd", "x", " ", "\n", "\r\n",
    "\r", "\u2028", "\x0c", "\x1c", "\u017f", "\u212a", "sx", "k1", "\u212a1",
)  # fmt: skip


def every_line(text: str, pattern: Searched) -> list[tuple[int, str]]:
    return [
        (number, match.group(0))
        for number, line in enumerate(text.splitlines(), start=1)
        for match in pattern.regex.finditer(line)
    ]


def guided(text: str, pattern: Searched) -> list[tuple[int, str]]:
    lines = Lines.of(text)
    return [
        (index + 1, match.group(0))
        for index in lines.candidates(pattern)
        for match in pattern.regex.finditer(lines.lines[index])
    ]


@settings(max_examples=500, deadline=None)
@example("key = 1\nkey\n= 2\nkey=3")
@example("ABC\nxabc\n-abd")
@given(st.lists(st.sampled_from(PIECES), max_size=40).map("".join))
def test_the_candidates_hold_every_match(text: str) -> None:
    for pattern in PATTERNS:
        assert guided(text, pattern) == every_line(text, pattern)


def test_candidates_are_each_line_once_in_order() -> None:
    lines = Lines.of("a key\nno\nkey key\r\nkey")
    assert list(lines.candidates(PATTERNS[0])) == [0, 2, 3]
    assert list(lines.candidates(Searched(re.compile("x")))) == [0, 1, 2, 3]  # no literals


def test_what_can_guide() -> None:
    assert PATTERNS[0].guides and PATTERNS[1].guides
    assert not PATTERNS[2].guides  # not lower case, yet the pattern ignores case
    assert not PATTERNS[3].guides  # not ASCII
    assert not Searched(re.compile("a\nb"), ("a\nb",)).guides  # spans a line break
    assert not Searched(re.compile("a"), ("",)).guides
