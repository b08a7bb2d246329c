"""Normalising and vetting the file paths a response claims.

A response is untrusted: a path it names must become a relative POSIX path that stays inside
any output directory it is joined to, on Linux, macOS and Windows alike. Anything else is
rejected with a reason, never silently "fixed" into a different location.
"""

from __future__ import annotations

import re

from harness.extract.limits import DEFAULT_LIMITS, ExtractLimits

_CONTROL = re.compile(r"[\x00-\x1f\x7f]")
_DRIVE = re.compile(r"^[A-Za-z]:")
_SCHEME = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")
_WINDOWS_FORBIDDEN = re.compile(r'[<>:"|?*]')
_RESERVED = re.compile(r"^(con|prn|aux|nul|com[0-9]|lpt[0-9])(\..*)?$", re.IGNORECASE)
_MAX_COMPONENT = 255


class UnsafePathError(ValueError):
    """A path that cannot be used safely; ``reason`` says why in a few words."""

    def __init__(self, raw: str, reason: str) -> None:
        super().__init__(f"{raw!r}: {reason}")
        self.raw = raw
        self.reason = reason


def strip_quotes(raw: str) -> str:
    """Remove surrounding whitespace, backticks and quotes (`` `main.tf` `` -> ``main.tf``)."""
    text = raw.strip()
    while len(text) >= 2 and text[0] == text[-1] and text[0] in "`'\"":
        text = text[1:-1].strip()
    return text


def normalise_path(raw: str, limits: ExtractLimits = DEFAULT_LIMITS) -> str:
    """Return ``raw`` as a safe relative POSIX path, or raise :class:`UnsafePathError`.

    Normalises ``./`` prefixes, ``.`` components, backslashes and repeated slashes. Rejects
    absolute and home-relative paths, drive letters, URLs, ``..``, NUL and control characters,
    characters or device names Windows cannot store, ``.git`` components, and paths that are
    too long or too deep.
    """
    text = strip_quotes(raw)
    if _CONTROL.search(text):
        raise UnsafePathError(raw, "contains NUL or control characters")
    if _SCHEME.match(text):
        raise UnsafePathError(raw, "is a URL, not a relative path")
    text = text.replace("\\", "/")
    if _DRIVE.match(text):
        raise UnsafePathError(raw, "has a drive letter")
    if text.startswith("/"):
        raise UnsafePathError(raw, "is absolute")
    if text.startswith("~"):
        raise UnsafePathError(raw, "is relative to a home directory")
    parts = [part for part in text.split("/") if part not in ("", ".")]
    if not parts:
        raise UnsafePathError(raw, "is empty")
    for part in parts:
        if part == ".." or set(part) == {"."}:
            raise UnsafePathError(raw, "climbs out of the tree with '..'")
        if part.casefold() == ".git":
            raise UnsafePathError(raw, "writes into .git metadata")
        if _WINDOWS_FORBIDDEN.search(part):
            raise UnsafePathError(raw, "contains a character not allowed in file names")
        if part != part.rstrip(" ."):
            raise UnsafePathError(raw, "has a component ending in a space or dot")
        if _RESERVED.match(part):
            raise UnsafePathError(raw, "uses a reserved device name")
        if len(part) > _MAX_COMPONENT:
            raise UnsafePathError(raw, f"has a component longer than {_MAX_COMPONENT} characters")
    path = "/".join(parts)
    if len(path) > limits.max_path_length:
        raise UnsafePathError(raw, f"is longer than {limits.max_path_length} characters")
    if len(parts) > limits.max_path_depth:
        raise UnsafePathError(raw, f"is deeper than {limits.max_path_depth} levels")
    return path


def is_safe_path(path: str, limits: ExtractLimits = DEFAULT_LIMITS) -> bool:
    """True when ``path`` is already in normal form (what :func:`normalise_path` returns)."""
    try:
        return normalise_path(path, limits) == path
    except UnsafePathError:
        return False
