"""Rubric problems: every one is a line starting with ``file:line``, collected while loading
and raised together, so an author fixes a file in one pass."""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from harness.rubric.yamldoc import PathKey, YamlDoc

#: How many problems ``str(RubricError)`` lists before ``(+N more)``.
MAX_REPORTED_ERRORS = 20


class RubricError(ValueError):
    """A rubric cannot be used.

    ``problems`` holds every problem found, each one line starting with ``file:line``;
    ``str()`` lists them one per line, at most ``MAX_REPORTED_ERRORS`` and then ``(+N more)``,
    so a file with many mistakes still gives a readable CLI message.
    """

    def __init__(self, *problems: str) -> None:
        super().__init__(*problems)
        self.problems: tuple[str, ...] = problems

    def __str__(self) -> str:
        shown = list(self.problems[:MAX_REPORTED_ERRORS])
        hidden = len(self.problems) - len(shown)
        if hidden > 0:
            shown.append(f"(+{hidden} more)")
        return "\n".join(shown)


def did_you_mean(word: str, candidates: Iterable[str]) -> str:
    """`` (did you mean a, b?)`` for close matches of a mistyped id, else ``""``."""
    close = difflib.get_close_matches(word, list(candidates), n=3)
    return f" (did you mean {', '.join(close)}?)" if close else ""


class Problems:
    """Problems collected while loading, reported together sorted by file then line."""

    def __init__(self) -> None:
        self._items: dict[str, tuple[int, int]] = {}  # message -> (file order, line)
        self._files: dict[Path, int] = {}

    def __bool__(self) -> bool:
        return bool(self._items)

    def add(self, doc: YamlDoc, key: PathKey, text: str) -> None:
        line = doc.line(key)
        order = self._files.setdefault(doc.path, len(self._files))
        self._items.setdefault(f"{doc.path}:{line}: {text}", (order, line))

    def at(self, place: Place, text: str) -> None:
        self.add(place.doc, place.key, text)

    def error(self) -> RubricError:
        ordered = sorted(self._items, key=lambda message: self._items[message])
        return RubricError(*ordered)

    def raise_if_any(self) -> None:
        if self._items:
            raise self.error()


@dataclass(frozen=True)
class Place:
    doc: YamlDoc
    key: PathKey

    def __str__(self) -> str:
        return self.doc.where(self.key)
