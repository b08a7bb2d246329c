"""Safe file names for report pages.

Task and response ids come from folder and file names of untrusted input, so they never reach
the file system or a URL as they are: each becomes a slug of ``[A-Za-z0-9._+-]`` characters,
with a short hash of the original appended whenever anything had to change, so two different
ids can never share a page (also on case-insensitive file systems).
"""

from __future__ import annotations

import hashlib
import re

_UNSAFE = re.compile(r"[^A-Za-z0-9._+-]+")
_MAX_LEN = 60
# Names Windows refuses whatever the extension; a report folder may be opened there.
_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"}
    | {f"COM{i}" for i in range(1, 10)}
    | {f"LPT{i}" for i in range(1, 10)}
)


def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()[:8]


def slug(text: str) -> str:
    """A file-name-safe form of ``text``; identical to it when it was already safe."""
    cleaned = _UNSAFE.sub("_", text).strip("._+-")[:_MAX_LEN] or "x"
    if cleaned != text or cleaned.split(".")[0].upper() in _RESERVED:
        cleaned = f"{cleaned}-{_digest(text)}"
    return cleaned


class Slugger:
    """Hands out slugs that are unique (case-insensitively) within one namespace."""

    def __init__(self) -> None:
        self._taken: dict[str, str] = {}  # lower-case slug -> original text
        self._given: dict[str, str] = {}  # original text -> slug

    def __call__(self, text: str) -> str:
        if text in self._given:
            return self._given[text]
        candidate = slug(text)
        if candidate.lower() in self._taken:
            candidate = f"{candidate}-{_digest(text)}"
        counter = 2
        base = candidate
        while candidate.lower() in self._taken:
            candidate = f"{base}-{counter}"
            counter += 1
        self._taken[candidate.lower()] = text
        self._given[text] = candidate
        return candidate
