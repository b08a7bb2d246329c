"""The placeholder scan's linear candidate search finds exactly what one plain alternation
finds.

``syntax._candidates`` scans line by line and finds a comment's first marker with ``str.find``
(the alternation, retried at every later marker of a long line, is quadratic); this property
test keeps it equal to the straightforward regex it replaced, and a line of 200,000 markers
shows it linear.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from hypothesis import given, settings
from hypothesis import strategies as st

from harness.terraform.syntax import _TELLTALE, _TRIGGER, _candidates, placeholders

_PLAIN = re.compile(
    r"^[ \t]*(?:\.\.\.|…)[ \t]*$"
    r"|(?:#|//|/\*)[^\n]*?(?i:\.\.\.|…|\brest\b|\bremain|\bstays?\b|\bsame\b|\bunchanged\b"
    r"|\bbrevity\b|\bexisting\b|\bprevious\b|\badd\b)[^\n]*"
    r"|<[^<>\n]{2,60}>"
    r"|\b(?:TODO|FIXME|TBD)\b",
    re.M,
)

_PIECES = [
    *"ſsSrReEaAdDbBpPuU.…#/*<>_ \n\txé9",
    *("rest", "same", "add", "stays", "previous", "existing", "brevity", "remain", "unchanged"),
    *("TODO", "FIXME", "TBD", "xTODO", "...", "<YOUR_VALUE>", "<VPC-ID>", "# ... rest of config"),
]


def _spans(matches: Iterable[re.Match[str]]) -> list[tuple[int, str]]:
    return [(m.start(), m.group(0)) for m in matches]


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from(_PIECES), max_size=40).map("".join))
def test_candidates_equal_plain_alternation(text: str) -> None:
    assert list(_candidates(text)) == _spans(_PLAIN.finditer(text))


_PLAIN_TRIGGER = re.compile(r"[#<…]|/[/*]|\.\.\.|TODO|FIXME|TBD")
_PLAIN_TELLTALE = re.compile(
    r"(?i:\.\.\.|…|\brest\b|\bremain|\bstays?\b|\bsame\b|\bunchanged\b|\bbrevity\b"
    r"|\bexisting\b|\bprevious\b|\badd\b)"
)


@settings(max_examples=1500, deadline=None)
@given(st.lists(st.sampled_from([*_PIECES, "T", "F", "TB", "FIX", "..", "K", "ſame"]), max_size=40))
def test_the_fast_trigger_and_telltale_match_their_plain_alternations(pieces: list[str]) -> None:
    """``_TRIGGER`` and ``_TELLTALE`` are rewritten for the regex engine's speed; they find
    exactly the matches of the plain alternations they replaced, from any start."""
    text = "".join(pieces)
    for pos in range(0, len(text) + 1, 3):
        for fast, plain in ((_TRIGGER, _PLAIN_TRIGGER), (_TELLTALE, _PLAIN_TELLTALE)):
            found, expected = fast.search(text, pos), plain.search(text, pos)
            assert (found and found.span()) == (expected and expected.span())


def test_examples() -> None:
    text = 'a = 1\n  ...\n# reſt of config\nb = "<YOUR_VALUE>" # TODO later\nxTODO\n'
    assert list(_candidates(text)) == _spans(_PLAIN.finditer(text))
    lines = [d.span.start_line for d in placeholders("m.tf", text, 50) if d.span]
    assert lines == [2, 3, 4]


def test_a_long_line_of_markers_is_linear() -> None:
    """Used to take minutes (every ``#`` retried the scan to the line's end); now as long as
    reading the line."""
    text = "# " * 100_000 + "\n" + "/" * 200_000 + "\n# ... rest of config\n"
    assert [d.span.start_line for d in placeholders("m.tf", text, 50) if d.span] == [3]
