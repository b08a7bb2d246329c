"""The lexicon of AWS services a prompt may ask for (``harness/data/aws_services.yaml``).

Loaded once, with ``yaml.safe_load``, and validated: a malformed entry is a one-line error
naming the entry. Each service's words become one case-insensitive pattern; a space in a word
also matches no space, ``-`` or ``_`` ("Route 53" = "Route53" = "route-53").
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from harness.prompt.alternation import phrase_atoms, trie_alternation
from harness.shipped import data_dir

LEXICON_FILE = "aws_services.yaml"


class LexiconError(ValueError):
    """A lexicon file that cannot be used; the message names the file and the entry."""


@dataclass(frozen=True)
class Service:
    id: str
    title: str
    words: tuple[str, ...]
    terraform: tuple[str, ...]
    cloudformation: tuple[str, ...]
    modules: tuple[str, ...] = ()
    unless: tuple[str, ...] = ()
    calls_for: tuple[str, ...] = ()
    settings: tuple[str, ...] = ()

    @property
    def pattern(self) -> re.Pattern[str]:
        return _word_pattern(self.words)


_BEFORE_WORD = r"(?<![\w-])"
_AFTER_WORD = r"(?![\w-])"
#: Between the parts of a word: "Route 53" = "Route53" = "route-53" = "route_53".
_PART_SEPARATOR = r"[\s_-]?"


@lru_cache(maxsize=64)
def _word_pattern(words: tuple[str, ...]) -> re.Pattern[str]:
    alternatives = sorted(
        (_PART_SEPARATOR.join(re.escape(part) for part in word.split()) for word in words),
        key=len,
        reverse=True,
    )
    return re.compile(
        _BEFORE_WORD + "(?:" + "|".join(alternatives) + ")" + _AFTER_WORD, re.IGNORECASE
    )


def _word_atoms(word: str) -> list[str]:
    """The word as the atoms of its pattern (``_word_pattern``): characters and separators."""
    return phrase_atoms(word, _PART_SEPARATOR)


def any_service_pattern(services: Sequence[Service]) -> re.Pattern[str]:
    """One pattern matching wherever some service's pattern matches: text it does not match
    mentions no service, so a reader can skip the per-service search. Every service's words
    in one trie (``harness.prompt.alternation``): one search costs about what two services'
    patterns cost, not what all of them do."""
    return _any_word(tuple(service.words for service in services))


def service_starts_pattern(services: Sequence[Service]) -> re.Pattern[str]:
    """A zero-width pattern whose ``finditer`` gives every offset where some service's
    pattern matches (overlapping mentions included): a service's mentions start at those
    offsets only."""
    return _any_word(tuple(service.words for service in services), starts=True)


@lru_cache(maxsize=8)
def _any_word(word_lists: tuple[tuple[str, ...], ...], starts: bool = False) -> re.Pattern[str]:
    words = (_word_atoms(word) for words in word_lists for word in words)
    source = _BEFORE_WORD + "(?:" + trie_alternation(words) + ")" + _AFTER_WORD
    return re.compile(f"(?={source})" if starts else source, re.IGNORECASE)


def _strings(
    entry: dict[str, object], key: str, where: str, required: bool = False
) -> tuple[str, ...]:
    value = entry.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) and v for v in value):
        raise LexiconError(f"{where}: {key!r} must be a list of strings")
    if required and not value:
        raise LexiconError(f"{where}: {key!r} must not be empty")
    return tuple(value)


def parse_lexicon(text: str, source: str = LEXICON_FILE) -> tuple[Service, ...]:
    """The services of a lexicon document (raises ``LexiconError`` naming the entry)."""
    try:
        data = yaml.safe_load(text)
    except yaml.YAMLError as error:
        raise LexiconError(f"{source}: not YAML ({error})") from error
    entries = data.get("services") if isinstance(data, dict) else None
    if not isinstance(entries, list):
        raise LexiconError(f"{source}: expected a mapping with a 'services' list")
    services: list[Service] = []
    seen: set[str] = set()
    for index, entry in enumerate(entries):
        where = f"{source}: services[{index}]"
        if not isinstance(entry, dict) or not isinstance(entry.get("id"), str):
            raise LexiconError(f"{where}: expected a mapping with an 'id'")
        where = f"{source}: service {entry['id']!r}"
        if entry["id"] in seen:
            raise LexiconError(f"{where}: listed twice")
        seen.add(entry["id"])
        unknown = set(entry) - {
            "id", "title", "words", "terraform", "cloudformation", "modules", "unless",
            "calls_for", "settings",
        }  # fmt: skip
        if unknown:
            raise LexiconError(f"{where}: unknown keys {sorted(unknown)}")
        title = entry.get("title")
        if not isinstance(title, str) or not title:
            raise LexiconError(f"{where}: 'title' must be a string")
        words = _strings(entry, "words", where, required=True)
        if any(not word.strip() for word in words):
            raise LexiconError(f"{where}: 'words' holds a blank word (it would match anywhere)")
        services.append(
            Service(
                id=entry["id"],
                title=title,
                words=words,
                terraform=_strings(entry, "terraform", where, required=True),
                cloudformation=_strings(entry, "cloudformation", where),
                modules=_strings(entry, "modules", where),
                unless=tuple(u.lower() for u in _strings(entry, "unless", where)),
                calls_for=_strings(entry, "calls_for", where),
                settings=_strings(entry, "settings", where),
            )
        )
    return tuple(services)


def lexicon_path() -> Path:
    return data_dir() / LEXICON_FILE


@lru_cache(maxsize=1)
def load_lexicon() -> tuple[Service, ...]:
    """The shipped lexicon (read once per process)."""
    path = lexicon_path()
    return parse_lexicon(path.read_text(encoding="utf-8"), str(path))
