"""Searching text line by line, fast: only the lines that can hold a match are searched.

A regex scan of every line of a response costs far more than the regex on the few lines
that can match. A ``Searched`` pattern names literals one of which every match holds;
``Lines.candidates`` finds them with ``str.find`` (C, memchr-fast) in the whole text and
gives the lines that hold one, in order; the regex then runs on those lines only. The lines
and their numbering are ``str.splitlines``'s, so results are those of a search of every
line (property tests in ``tests/checks/test_text.py`` hold it to that).
"""

from __future__ import annotations

import bisect
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass


@dataclass(frozen=True)
class Searched:
    """A pattern and literals one of which every match holds (lower case when the pattern
    ignores case; none: every line is searched)."""

    regex: re.Pattern[str]
    literals: tuple[str, ...] = ()

    @property
    def ignores_case(self) -> bool:
        return bool(self.regex.flags & re.IGNORECASE)

    @property
    def guides(self) -> bool:
        """Whether the literals can pick the lines: each is a non-empty piece of one line,
        and, when the pattern ignores case, ASCII in lower case (a non-ASCII letter such as
        the long s matches an ASCII "s" when case is ignored: lower-casing would miss it)."""
        return bool(self.literals) and all(
            literal.splitlines() == [literal]
            and (not self.ignores_case or (literal.isascii() and literal == literal.lower()))
            for literal in self.literals
        )


@dataclass(frozen=True)
class Lines:
    """A text split for searching: its lines (as ``str.splitlines`` numbers them), where
    each begins in ``text`` (``starts[i]``; one more entry: the end), and the text in lower
    case when it is ASCII (lower-casing then keeps every offset and holds a literal where
    ignoring case matches it), else None."""

    text: str
    lines: list[str]
    starts: list[int]
    lowered: str | None

    @classmethod
    def of(cls, text: str) -> Lines:
        ends = text.splitlines(keepends=True)
        starts = list(itertools.accumulate(map(len, ends), initial=0))
        return cls(text, text.splitlines(), starts, text.lower() if text.isascii() else None)

    def candidates(self, pattern: Searched) -> Iterator[int]:
        """Indices of the lines that may hold a match, in order: those holding one of the
        pattern's literals (the nearest occurrence of each is kept, and found again only
        once passed), or every line when the literals cannot guide the search."""
        text = self.lowered if pattern.ignores_case else self.text
        if text is None or not pattern.guides:
            yield from range(len(self.lines))
            return
        literals = pattern.literals
        upcoming = [text.find(literal) for literal in literals]
        while True:
            found = [at for at in upcoming if at >= 0]
            if not found:
                return
            index = bisect.bisect_right(self.starts, min(found)) - 1
            yield index
            after = self.starts[index + 1]
            upcoming = [
                text.find(literal, after) if 0 <= at < after else at
                for literal, at in zip(literals, upcoming, strict=True)
            ]
